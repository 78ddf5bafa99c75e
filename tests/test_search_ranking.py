"""What `search` shows a user: tests and benchmarks after the code they test, `@overload` stubs folded.

The repository is the standard library's textwrap.py, its own test module (tests/), a
benchmark of it (bench/) and a module whose function has `@overload` stubs; embedded once
by the real packaged model.
"""

import shutil
import sysconfig
from pathlib import Path

import pytest

from leancode.encoder import Encoder
from leancode.index import RepositoryIndex
from leancode.search import is_test_code, overload_stubs, search

STDLIB = Path(sysconfig.get_paths()["stdlib"])
QUERY = "wrap a paragraph of text into lines"

BENCH = '''\
import textwrap
import timeit


def bench_wrap_paragraph(width=70, repeat=5):
    """Time wrapping a long paragraph into lines of `width` characters."""
    text = " ".join(["lorem ipsum dolor sit amet"] * 200)
    return min(timeit.repeat(lambda: textwrap.wrap(text, width), number=100, repeat=repeat))
'''

OVERLOADS = '''\
from typing import overload


@overload
def parse_duration(text: str) -> float: ...
@overload
def parse_duration(text: None) -> None: ...
def parse_duration(text):
    """Parse a duration such as "1h30m" or "45s" into seconds."""
    if text is None:
        return None
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0.0, ""
    for char in text.strip():
        if char.isdigit() or char == ".":
            number += char
        else:
            total += float(number) * units[char]
            number = ""
    return total


def format_duration(seconds):
    """Format a number of seconds as "1h30m"."""
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}h{rest // 60}m" if hours else f"{rest // 60}m{rest % 60}s"
'''


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranking") / "repo"
    (root / "tests").mkdir(parents=True)
    (root / "bench").mkdir()
    shutil.copy(STDLIB / "textwrap.py", root / "textwrap.py")
    if not (STDLIB / "test" / "test_textwrap.py").is_file():
        pytest.skip("this Python has no standard-library tests")
    shutil.copy(STDLIB / "test" / "test_textwrap.py", root / "tests" / "test_textwrap.py")
    (root / "bench" / "wrap_speed.py").write_text(BENCH)
    (root / "durations.py").write_text(OVERLOADS)
    index = RepositoryIndex(root, Encoder(method="slimcode"))
    index.update(progress=False)
    return index


@pytest.mark.slow  # indexes a repository
def test_tests_and_benchmarks_rank_after_the_code_they_test(index):
    tested = [h.unit for h in search(index, QUERY, top=10, include_tests=True)]
    assert any(u.path.startswith(("tests/", "bench/")) for u in tested[:5])  # what a user met before
    for hybrid in (False, True):
        hits = search(index, QUERY, top=10, hybrid=hybrid)
        paths = [h.unit.path for h in hits]
        code = [p for p in paths if not p.startswith(("tests/", "bench/"))]
        assert paths[:len(code)] == code  # every code function before every test or benchmark
        assert {"wrap", "TextWrapper.wrap"} & {h.unit.qualified_name for h in hits[:3]}
        assert [h.rank for h in hits] == list(range(1, 11))
    # textwrap.py and durations.py have fewer than 40 functions: the rest of the top 40 are tests, in score order.
    hits = search(index, QUERY, top=40)
    first_test = next(i for i, h in enumerate(hits) if h.unit.path.startswith(("tests/", "bench/")))
    assert all(h.unit.path.startswith(("tests/", "bench/")) for h in hits[first_test:])
    assert all(a.score >= b.score for a, b in zip(hits[first_test:], hits[first_test + 1:]))


@pytest.mark.slow  # indexes a repository
def test_a_query_about_tests_gets_tests(index):
    hits = search(index, "test wrapping of long words that break", top=5)
    assert any(h.unit.path == "tests/test_textwrap.py" for h in hits)


@pytest.mark.slow  # indexes a repository
def test_overload_stubs_fold_into_their_implementation(index):
    units = index.units
    stubs = [row for row, u in enumerate(units) if u.qualified_name == "parse_duration"]
    assert len(stubs) == 3  # two stubs and the implementation are indexed
    folds = overload_stubs(units)
    implementation = max(stubs, key=lambda row: units[row].start_line)
    assert folds == {row: implementation for row in stubs if row != implementation}
    hits = search(index, "parse a duration string into seconds", top=5)
    shown = [h for h in hits if h.unit.qualified_name == "parse_duration"]
    assert len(shown) == 1 and hits[0] is shown[0]
    line = (index.root / "durations.py").read_text().splitlines()[shown[0].unit.start_line]
    assert line.startswith("def parse_duration(text):")


@pytest.mark.parametrize("path, name, expected", [
    ("tests/test_textwrap.py", "WrapTestCase.test_simple", True),
    ("src/test/java/org/jsoup/ParserTest.java", "ParserTest.parses", True),
    ("src/main/java/org/jsoup/Parser.java", "Parser.parse", False),
    ("pkg/parser/lexer_test.go", "TestLexer", True),
    ("pkg/parser/lexer.go", "Lexer.Next", False),
    ("pkg/parser/lexer.go", "BenchmarkLexer", True),
    ("src/lib.rs", "tests.it_works", True),
    ("benches/throughput.rs", "parse_large", True),
    ("src/lib.rs", "parse", False),
    ("src/__tests__/button.tsx", "renders", True),
    ("src/button.spec.ts", "clicks", True),
    ("src/testing.ts", "mockServer", False),  # a helper library for testers, not a test
    ("lib/contest.py", "latest", False),
    ("bench/search_quality.py", "main", True),
    ("numpy/testing/_private/utils.py", "assert_allclose", False),
    ("conftest.py", "workspace", True),
])
def test_test_code_by_the_six_languages_conventions(path, name, expected):
    assert is_test_code(path, name) is expected


@pytest.mark.slow  # indexes a repository
def test_the_language_server_ranks_as_the_command_line(index):
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    workspaces = Workspaces(parse_settings({"method": "slimcode"})[0])
    folder = workspaces.add_folder(index.root)
    assert workspaces.load(folder)  # the snapshot the fixture built
    for query in (QUERY, "parse a duration string into seconds"):
        served = [(h.unit.path, h.unit.qualified_name, h.unit.start_line) for h in workspaces.search(query, 10)]
        cli = [(h.unit.path, h.unit.qualified_name, h.unit.start_line) for h in search(index, query, top=10)]
        assert served == cli
    paths = [h.unit.path for h in workspaces.search(QUERY, 40)]
    code = [p for p in paths if not p.startswith(("tests/", "bench/"))]
    assert paths[:len(code)] == code and len(code) < len(paths)
    assert any(h.unit.path.startswith("tests/") for h in workspaces.search("test wrapping of long words", 5))


def test_a_functions_own_name_outweighs_a_parameter_named_alike_in_bm25():
    import numpy as np

    from leancode.search import SearchIndex, lexical_terms, unit_terms

    functions = [  # click's case: `echo` is named once in its own code, twice in each function with an echo flag
        ("echo", "def echo(message=None, file=None, nl=True, err=False, color=None):\n"
                 "    out = resolve_stream(file, err)\n    write_line(out, message, nl, color)\n"),
        ("_getchar", "def _getchar(echo: bool) -> str:\n    char = read_char()\n    if echo:\n        show(char)\n"
                     "    return char\n"),
        ("prompt", "def prompt(text, default=None, hide_input=False, echo=True):\n"
                   "    value = ask(text, default, hide_input, echo)\n    return convert(value)\n"),
        *((f"helper_{n}", f"def helper_{n}(value):\n    return value * {n}\n") for n in range(6)),
    ]
    vectors = np.zeros((len(functions), 4), np.float32)
    weighted = SearchIndex(vectors, [unit_terms(code, "python", name) for name, code in functions])
    assert int(np.argmax(weighted.bm25.get_scores(lexical_terms("echo")))) == 0
    plain = SearchIndex(vectors, [unit_terms(code, "python", name, name_weight=0) for name, code in functions])
    assert int(np.argmax(plain.bm25.get_scores(lexical_terms("echo")))) != 0  # what users met before
