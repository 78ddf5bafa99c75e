"""What `search` shows a user: the functions a query names first, tests and benchmarks after the code they test,
`@overload` stubs and identical copies folded.

The repository is the standard library's textwrap.py, its own test module (tests/), a
benchmark of it (bench/), a module whose function has `@overload` stubs and an identical
copy of that module (copies/); embedded once by the real packaged model.
"""

import shutil
import sysconfig
from pathlib import Path

import pytest

from leancode.encoder import Encoder
from leancode.index import RepositoryIndex
from leancode.index_store import IndexedUnit
from leancode.search import is_test_code, named_by, overload_stubs, rank, search

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
    (root / "copies").mkdir()
    (root / "copies" / "durations.py").write_text(OVERLOADS)  # as a package ships its code twice (.js and .cjs)
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
def test_a_huge_query_is_read_only_as_far_as_search_can_use_it(index, monkeypatch):
    # A 10 MB query (a paste gone wrong) was tokenized, lexed for BM25 and read by the name rules whole: 12-24 s in
    # the server's search queue, every search behind it waiting.
    from leancode.search import MAX_QUERY_CHARS

    read = []
    encode = index.encoder.encode_queries
    monkeypatch.setattr(index.encoder, "encode_queries", lambda queries: read.extend(queries) or encode(queries))
    hits = search(index, QUERY + " and more" * 1_000_000, top=3, hybrid=True)
    assert read == [(QUERY + " and more" * 1_000)[:MAX_QUERY_CHARS]] and hits


@pytest.mark.slow  # indexes a repository
def test_a_query_about_tests_gets_tests(index):
    hits = search(index, "test wrapping of long words that break", top=5)
    assert any(h.unit.path == "tests/test_textwrap.py" for h in hits)


@pytest.mark.slow  # indexes a repository
def test_overload_stubs_fold_into_their_implementation(index):
    units = index.units
    stubs = [row for row, u in enumerate(units) if u.qualified_name == "parse_duration" and u.path == "durations.py"]
    assert len(stubs) == 3  # two stubs and the implementation are indexed
    folds = overload_stubs(units)
    implementation = max(stubs, key=lambda row: units[row].start_line)
    assert {row: folds[row] for row in stubs if row in folds} == {row: implementation for row in stubs
                                                                   if row != implementation}
    hits = search(index, "parse a duration string into seconds", top=5)
    shown = [h for h in hits if h.unit.qualified_name == "parse_duration"]
    assert len(shown) == 1 and hits[0] is shown[0]
    line = (index.root / "durations.py").read_text().splitlines()[shown[0].unit.start_line]
    assert line.startswith("def parse_duration(text):")


def test_a_pyi_stub_folds_into_the_implementation_beside_it():
    """A package's typing stubs (`checker.pyi` beside `checker.py`) fold into the implementation, overloads
    included; a C extension's stub, with no `.py` beside it, and a `.py` of another folder stay as they are."""
    def unit(path, name, line=0, terms=""):
        return IndexedUnit(path=path, name=name, qualified_name=name, language="python", start_line=line,
                           end_line=line, preview="", key=f"{path}:{name}:{line}", terms=terms)

    units = [unit("pkg/checker.pyi", "check_model"), unit("pkg/checker.pyi", "load", 3, "overload load"),
             unit("pkg/checker.pyi", "load", 5, "overload load"), unit("pkg/checker.py", "check_model", 10),
             unit("pkg/checker.py", "load", 20), unit("pkg/_native.pyi", "check_model"),
             unit("other/checker.py", "load", 4)]
    assert overload_stubs(units) == {0: 3, 1: 4, 2: 4}


@pytest.mark.slow  # indexes a repository
def test_identical_copies_fold_into_one_row_that_names_them(index):
    for hybrid in (False, True):
        for query, name in (("parse a duration string into seconds", "parse_duration"),
                            ("format a number of seconds as hours and minutes", "format_duration")):
            hits = search(index, query, top=5, hybrid=hybrid)
            shown = [h for h in hits if h.unit.name == name]
            assert len(shown) == 1  # the first-ranked copy, naming the other
            copy = shown[0].copies
            assert {shown[0].unit.path, *(c.path for c in copy)} == {"durations.py", "copies/durations.py"}
            assert all(c.start_line == shown[0].unit.start_line for c in copy)
            assert shown[0].as_json()["also_at"] == [{"path": c.path, "line": c.start_line + 1, "qualified_name": name}
                                                     for c in copy]
            assert len(hits) == 5 and [h.rank for h in hits] == [1, 2, 3, 4, 5]  # --top counts folded rows
            assert len({h.unit.key for h in hits}) == 5


@pytest.mark.slow  # indexes a repository
def test_a_query_that_names_a_function_gets_it_first(index):
    units = index.units
    # Where the dense and hybrid rankings put these second or third, behind look-alikes (_split_chunks, dedent).
    for query, expected in (("indent", "indent"), ("TextWrapper._split", "TextWrapper._split"),
                            ("TextWrapper::_split", "TextWrapper._split"), ("_split", "TextWrapper._split"),
                            ("INDENT", "indent"), ("textwrapper#_SPLIT", "TextWrapper._split"),
                            ("TextWrapper._split()", "TextWrapper._split"), ("indent(text, prefix)", "indent"),
                            ("textwrap.TextWrapper._split", "TextWrapper._split")):  # a call, a module qualifier
        vector = index.encoder.encode_queries([query])[0]
        for hybrid in (False, True):
            hits = search(index, query, top=10, hybrid=hybrid)
            assert hits[0].unit.qualified_name == expected, (query, hybrid, [h.unit.qualified_name for h in hits])
            before = _as_shown(units, rank(vector, query, index.search_index, hybrid, top=40, demote=_tests(units)),
                               index.search_index.vectors)
            assert [units.index(h.unit) for h in hits[1:]] == \
                [row for row, _ in before if units[row].qualified_name != expected][:9]  # the rest as it was
    # A name and its case-insensitive match: the exact one first.
    assert named_by("Dedent") == ["Dedent"] and search(index, "Dedent", top=1)[0].unit.qualified_name == "dedent"


@pytest.mark.parametrize("query, parts", [
    ("at bsh.NameSpace.getCommand(NameSpace.java:909)", ["bsh", "NameSpace", "getCommand"]),  # a Java frame
    ("github.com/BurntSushi/toml.(*Decoder).Decode", ["toml", "Decoder", "Decode"]),  # Go's, with a receiver
    ("toml.(*MetaData).unifyStruct(0xc000010000, 0x1)", ["toml", "MetaData", "unifyStruct"]),
    ("main.(Point).String", ["main", "Point", "String"]),
    ("(*Parser).Parse", ["Parser", "Parse"]),  # a method expression, as `go doc` and pprof write it
    ("(Point).String()", ["Point", "String"]),
    ("<NaiveDate as Datelike>::weekday", ["NaiveDate", "weekday"]),  # Rust, through a trait
    ("<chrono::NaiveDate as chrono::Datelike>::weekday", ["chrono", "NaiveDate", "weekday"]),
    ("at java.base/bsh.NameSpace.getCommand(NameSpace.java:909)", ["bsh", "NameSpace", "getCommand"]),  # Java 9+
    ("github.com/BurntSushi/toml.(*parser).value.func1", ["toml", "parser", "value"]),  # a closure: its function
    ("at org.jpype.manager.TypeManager.<init>(TypeManager.java:60)", ["org", "jpype", "manager", "TypeManager",
                                                                    "TypeManager"]),  # a constructor
    ("at TypeManager.<clinit>(TypeManager.java:12)", ["TypeManager"]),  # a static initialiser: its class
    ("at Request.callback (/app/node_modules/superagent/lib/node/index.js:1070:17)", ["Request", "callback"]),  # V8
    ("at new Agent (/app/lib/node/agent.js:80:5)", ["Agent"]),
    ("at async Foo.bar [as baz] (file:///app/a.mjs:3:9)", ["Foo", "bar"]),
    ("at Object.<anonymous> (/app/a.js:1:1)", None),  # a frame of no name
    ('File "/app/conf.py", line 12, in load', ["load"]),  # Python's traceback
    ('File "/app/conf.py", line 12, in <module>', None),
    ("  12: serde_json::de::from_str::h5b4a0a6e1b2c3d4e", ["serde_json", "de", "from_str"]),  # a Rust backtrace
    ("mycrate::run::{{closure}}", ["mycrate", "run"]),
    ("Request.prototype.end", ["Request", "end"]),  # a JavaScript method through its prototype
    ("<&mut toml::de::Deserializer as serde::de::Deserializer>::deserialize_any",  # a reference's trait method
     ["toml", "de", "Deserializer", "deserialize_any"]),
    ("from_str::<Config>", ["from_str"]), ("serde_json::from_str::<Vec<u8>>(s)", ["serde_json", "from_str"]),
    ("gen.(*Stack[...]).Pop", ["gen", "Stack", "Pop"]), ("Stack[T].Pop", ["Stack", "Pop"]),  # Go generics
    # a frame pasted with its place (Go's panic, Rust's backtrace), a whole trace (its first frame; Python's last)
    ("github.com/spf13/cobra.(*Command).Find(0xc0000a8000, {0xc00001e0a0, 0x1})\n\t/go/pkg/mod/github.com/spf13/"
     "cobra@v1.6.1/command.go:677 +0x1b3", ["cobra", "Command", "Find"]),
    ("  12: toml::de::Deserializer::number\n             at ./src/de.rs:1540:9", ["toml", "de", "Deserializer",
                                                                                  "number"]),
    ("panic: index out of range\n\ngoroutine 1 [running]:\nmain.parse(...)\n\t/app/main.go:12 +0x1d\nmain.main()\n"
     "\t/app/main.go:20 +0x25", ["main", "parse"]),
    ('Traceback (most recent call last):\n  File "/app/a.py", line 3, in <module>\n    main()\n'
     '  File "/app/a.py", line 9, in load\n    x()\nValueError: bad', ["load"]),
    ("Exception in thread \"main\" java.lang.NullPointerException\n\tat a.Parser.parse(Parser.java:45)\n"
     "\tat a.Main.main(Main.java:3)", ["a", "Parser", "parse"]),
    ("parse the config\nfile please", None),
    # the program's own first frame: not the standard library's (a Rust backtrace's `at /rustc/...` lines), the
    # runtime's or the test runner's (a Go panic in `go test`)
    ("stack backtrace:\n   0: rust_begin_unwind\n             at /rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/"
     "library/std/src/panicking.rs:645:5\n   1: core::panicking::panic_fmt\n             at /rustc/90b35a6239c3d8b"
     "dabc530a6a0816f7ff89a0aaf/library/core/src/panicking.rs:72:14\n   3: semver::eval::matches_req\n"
     "             at /home/u/.cargo/registry/src/semver-1.0.14/src/eval.rs:5:9", ["semver", "eval", "matches_req"]),
    ("goroutine 18 [running]:\npanic({0x5c6f40, 0xc000120010})\n\t/usr/lib/go-1.19/src/runtime/panic.go:884 +0x212\n"
     "testing.tRunner.func1.2({0x5c6f40, 0xc000120010})\n\t/usr/lib/go-1.19/src/testing/testing.go:1396 +0x24e\n"
     "github.com/google/go-cmp/cmp.(*state).callTRFunc(0xc00012a000)\n\t/home/u/go/pkg/mod/github.com/google/"
     "go-cmp@v0.5.9/cmp/compare.go:340 +0x3c5", ["cmp", "state", "callTRFunc"]),
    # the program's own frame, not the JDK's or Android's (an NPE from `Objects.requireNonNull`), nor Node's
    ("java.lang.NullPointerException\n\tat java.util.Objects.requireNonNull(Objects.java:209)\n\tat com.x.webview."
     "RNCWebView.evaluate(RNCWebView.java:300)", ["com", "x", "webview", "RNCWebView", "evaluate"]),
    ("TypeError: x\n    at node:internal/main:3:9\n    at run (/app/lib/p.js:3:9)", ["run"]),
    # Python's innermost frame of the program, not of the standard library (`collections`, `<frozen runpy>`)
    ('Traceback (most recent call last):\n  File "/venv/lib/python3.12/site-packages/cachetools/__init__.py", line '
     '378, in popitem\n    key = next(iter(self.__order))\n  File "/usr/lib/python3.12/collections/__init__.py", '
     'line 100, in __iter__\n    curr = root.next\nRuntimeError: mutated', ["popitem"]),
    ('Traceback (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n'
     '  File "/usr/lib/python3/dist-packages/cachetools/_decorator.py", line 26, in __call__', ["__call__"]),
    ('Traceback (most recent call last):\n  File "/usr/lib/python3.12/json/__init__.py", line 3, in loads', ["loads"]),
    # a Rust frame's type arguments, and an `impl` block as older backtraces name it
    ("<itertools::adaptors::coalesce::CoalesceBy<I,F,T> as core::iter::traits::iterator::Iterator>::next",
     ["itertools", "adaptors", "coalesce", "CoalesceBy", "next"]),
    ("itertools::combinations::Combinations<I>::reset", ["itertools", "combinations", "Combinations", "reset"]),
    ("semver::parse::<impl core::str::traits::FromStr for semver::Comparator>::from_str",
     ["semver", "Comparator", "from_str"]),
    ("<impl FromStr for Comparator>::from_str", ["Comparator", "from_str"]),
    # a slice's or an array's, named by its element type as the index names them (bytes' `impl Buf for &[u8]`)
    ("<&[u8] as bytes::buf::buf_impl::Buf>::advance", ["u8", "advance"]), ("<[u8; 4] as Foo>::bar", ["u8", "bar"]),
    ("Array<T>", None),  # no Rust path: left alone
    ("Debouncer.#getWait", ["Debouncer", "#getWait"]), ("#getWait()", ["#getWait"]),  # a JavaScript private name
    ("#48", None), ("\0run", ["run"]),
    ("at com.x.Module$PanFactory.configure(Module.java:260)", ["com", "x", "Module", "PanFactory", "configure"]),
    ("Factories$PanFactory.configure", ["Factories", "PanFactory", "configure"]),  # the JVM's nested class
    ("at a.B$1.run(B.java:5)", ["a", "B$1", "run"]), ("jQuery$1", ["jQuery$1"]), ("my$var.x", ["my$var", "x"]),
    ("at startup (early)", None),
    ("at the end of a line", None),  # plain language still
    ("at midnight", None),
    ("at startup", None),
    ("parse a/b paths", None),
    ("src/naive/date.rs", None),  # a file path is no name
    ("docs/api/index.html", None),
])
def test_a_name_as_a_stack_trace_writes_it_is_a_name(query, parts):
    assert named_by(query) == parts


def test_a_name_qualified_by_its_package_finds_the_longest_tail_some_function_has():
    from types import SimpleNamespace

    from leancode.search import name_tiers

    units = [SimpleNamespace(name="sort", qualified_name=q) for q in ("Arrays.ArrayList.sort", "Arrays.sort", "sort")]
    assert list(name_tiers("java.util.Arrays.sort", units)) == [2, 0, 2]
    assert list(name_tiers("java.util.Arrays.sort()", units)) == [2, 0, 2]
    assert list(name_tiers("click.sort", units)) == [0, 0, 0]  # no scope of that name: the name itself


def test_a_query_that_says_tested_or_testing_asks_for_tests():
    from leancode.search import asks_for_tests

    assert asks_for_tests("how is group parsing tested") and asks_for_tests("testing group parsing")
    assert not asks_for_tests("parse a group")
    assert not asks_for_tests("example of parsing a date")  # examples are Go's Example functions only


def test_a_query_for_an_example_ranks_gos_example_functions_with_the_code():
    import dataclasses

    from leancode.search import rank_units

    # go-backoff's ExampleRetryContext ranked 37th of 63 for "example of retrying an operation with a context",
    # behind code scoring far lower; other tests stay after the code (a Python test, a Go benchmark)
    specs = [("example_test.go", "ExampleRetryContext"), ("bench_test.go", "BenchmarkRetry"),
             ("tests/test_retry.py", "test_retry"), ("retry.go", "Retry")]
    units = _units(specs, "go")
    units[2] = dataclasses.replace(units[2], language="python")
    index, query_vector = _descending(len(units))
    ranked = rank_units(query_vector, "example of retrying an operation", index, units, 4)
    assert [units[r.row].name for r in ranked] == ["ExampleRetryContext", "Retry", "BenchmarkRetry", "test_retry"]
    ranked = rank_units(query_vector, "retry an operation", index, units, 4)
    assert [units[r.row].name for r in ranked] == ["Retry", "ExampleRetryContext", "BenchmarkRetry", "test_retry"]


def test_example_programs_rank_after_the_library_unless_the_query_asks_for_examples():
    from leancode.search import is_example_unit, rank_units

    # similar's examples/close-matches.rs `main` ranked above `get_close_matches` for "get close matches".
    units = _units([("examples/close-matches.rs", "main"), ("src/text/mod.rs", "get_close_matches"),
                    ("tests/diff.rs", "test_close"), ("src/examples.rs", "Example.new")], "rust")
    assert [is_example_unit(u) for u in units] == [True, False, False, False]
    package = _units([("src/main/java/com/example/app/Main.java", "Main.run"), ("example/demo.go", "main"),
                      ("docs/_examples/x.go", "main"), ("demo/player.js", "buildConfig.getLineEnding"),
                      ("src/demo/widgets.ts", "render"), ("src/components/tag/Tag.stories.tsx", "Default.render"),
                      ("src/story.ts", "story"), ("src/stories.tsx", "render")], "java")
    # `com.example` is a Java package; a demo/ folder is the package's demo page at the top, a module of it below; a
    # Storybook story is a component's example (Blueprint: 330 of its functions, which crowded searches for them)
    assert [is_example_unit(u) for u in package] == [False, True, True, True, False, True, False, False]
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "get close matches", index, units, 4)] == [1, 3, 0, 2]
    assert [r.row for r in rank_units(query_vector, "example of close matches", index, units, 4)] == [0, 1, 3, 2]
    assert [r.row for r in rank_units(query_vector, "a demo of close matches", index, units, 4)] == [0, 1, 3, 2]
    assert [r.row for r in rank_units(query_vector, "stories of close matches", index, units, 4)] == [0, 1, 3, 2]


@pytest.mark.slow  # indexes a repository
def test_plain_language_queries_rank_exactly_as_before(index):
    units = index.units
    for query in (QUERY, "parse a duration string into seconds", "remove common leading whitespace",
                  "shorten text to fit a width", "indent lines"):
        assert named_by(query) is None
        vector = index.encoder.encode_queries([query])[0]
        for hybrid in (False, True):
            before = _as_shown(units, rank(vector, query, index.search_index, hybrid, top=40, demote=_tests(units)),
                               index.search_index.vectors)
            hits = search(index, query, top=10, hybrid=hybrid)
            assert [(units.index(h.unit), h.score) for h in hits] == before[:10]


def _tests(units):
    """`rank`'s `demote` of the units as search ranks them before the name rules: the code, then the functions ranked
    after it, then the tests."""
    import numpy as np

    from leancode.search import demotions

    return demotions(units, np.fromiter((is_test_code(u.path, u.qualified_name) for u in units), bool, len(units)))


def _as_shown(units, ranked, vectors):
    """`ranked` with each overload stub shown as its implementation and each copy of the same code once (a copy
    that differs in whitespace: the same name and terms, and the same vector)."""
    folds, keys, twins, shown = overload_stubs(units), set(), {}, []
    for row, score in ranked:
        row = folds.get(row, row)
        twin = (units[row].qualified_name, units[row].terms)
        if units[row].key not in keys and not (units[row].language != "python" and twin in twins
                                               and vectors[row] @ vectors[twins[twin]] > 0.99999):
            keys.add(units[row].key)
            twins[twin] = row
            shown.append((row, score))
    return shown


@pytest.mark.parametrize("path, name, expected", [
    ("tests/test_textwrap.py", "WrapTestCase.test_simple", True),
    ("src/test/java/org/jsoup/ParserTest.java", "ParserTest.parses", True),
    ("src/main/java/org/jsoup/Parser.java", "Parser.parse", False),
    ("pkg/parser/lexer_test.go", "TestLexer", True),
    ("pkg/parser/lexer.go", "Lexer.Next", False),
    ("pkg/parser/lexer.go", "BenchmarkLexer", True),
    ("src/lib.rs", "tests.it_works", True),
    ("src/format/mod.rs", "test_rfc2822.rfc2822_to_datetime", True),  # a helper inside a test function
    ("format_test.go", "TestFormat.check", True),
    ("src/format/mod.rs", "contest_entry.format", False),
    ("src/lib.rs", "BenchmarkGroup.sample_size", False),  # criterion's: a type, not a benchmark function
    ("pkg/fuzz.go", "FuzzConfig.Seed", False),
    ("src/statement.rs", "test.is_explain", True),  # rusqlite's `#[cfg(test)] mod test`
    ("internal/testsuite/testsuite.go", "Marshal", True),  # go-toml's test helper package
    ("internal/testutil/server.go", "NewServer", True),
    ("internal/toml-test/runner.go", "Run", True),  # go-toml's test runner
    ("e2e-tests/login.spec.js", "login", True),
    ("src/latest/contest-entry.go", "Enter", False),
    ("src/testing.rs", "contest.run", False),
    ("benches/throughput.rs", "parse_large", True),
    ("src/lib.rs", "parse", False),
    ("src/__tests__/button.tsx", "renders", True),
    ("src/button.spec.ts", "clicks", True),
    ("src/testing.ts", "mockServer", False),  # a helper library for testers, not a test
    ("src/__mocks__/useBaseQuery.ts", "useBaseQuery", True),  # Jest's stand-in for the real module
    ("src/common/test-utils.ts", "sleep", True),  # test helpers, by the word "test" in a JS/TS file name
    ("src/components/slider/sliderTestUtils.ts", "dispatchEvent", True),
    ("package/_lib/test.js", "generateOffset", True),
    ("src/TestHelpers.tsx", "renderWithTheme", True),
    ("src/latestVersion.ts", "latest", False),
    ("src/vitest-env.d.ts", "setup", False),
    ("src/createTestimonial.ts", "create", False),
    ("src/utils/tests.py", "helper", False),  # Python's test.py/tests.py may be an API (Django's `test` command)
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
    for query in (QUERY, "parse a duration string into seconds", "indent", "TextWrapper._split"):
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


def test_exact_case_names_first_then_other_cases_then_the_rest_in_its_order():
    import numpy as np

    from leancode.index_store import IndexedUnit
    from leancode.search import SearchIndex, rank_units

    names = ["parse_all", "Parser.Parse", "parse", "Tokenizer.parse", "render"]
    units = [IndexedUnit(path=f"m{row}.go", name=name.split(".")[-1], qualified_name=name, language="go",
                         start_line=0, end_line=1, preview="", key=str(row), terms=name.lower().replace(".", " "))
             for row, name in enumerate(names)]
    index = SearchIndex(np.eye(5, dtype=np.float32), [u.terms.split() for u in units])
    query_vector = np.array([5, 4, 3, 2, 1], np.float32) / np.linalg.norm([5, 4, 3, 2, 1])  # dense: rows in order
    for query, expected in (("parse", [2, 3, 1, 0, 4]), ("Parser::Parse", [1, 0, 2, 3, 4]),
                            ("Tokenizer.PARSE", [3, 0, 1, 2, 4]), ("parse all the things", [0, 1, 2, 3, 4])):
        assert [r.row for r in rank_units(query_vector, query, index, units, 5)] == expected, query
    assert {r.row for r in rank_units(query_vector, "parse", index, units, 2, hybrid=True)} == {2, 3}


def _units(specs, language="go", spans=None):
    """IndexedUnits of (path, qualified name) pairs, each its own code (key); row i spans lines i to i + 1 (0-based)
    unless `spans` gives each one's (start, end)."""
    from leancode.index_store import IndexedUnit

    spans = spans or [(row, row + 1) for row in range(len(specs))]
    return [IndexedUnit(path=path, name=name.split(".")[-1], qualified_name=name, language=language, start_line=start,
                        end_line=end, preview="", key=str(row), terms=name.lower().replace(".", " "))
            for row, ((path, name), (start, end)) in enumerate(zip(specs, spans))]


def _descending(n):
    """A search index of `n` one-hot rows and a query vector that ranks them in row order."""
    import numpy as np

    from leancode.search import SearchIndex

    weights = np.arange(n, 0, -1, dtype=np.float32)
    return SearchIndex(np.eye(n, dtype=np.float32)), weights / np.linalg.norm(weights)


def test_a_lowercase_word_does_not_promote_a_name_many_functions_carry_but_for_case():
    from leancode.search import CASE_ONLY_LIMIT, rank_units

    # go-cast's case: "string" is a description; every other type has a `String` method.
    specs = [("cast.go", "ToString"), ("caste.go", "trimZeroDecimal")]
    specs += [("types.go", f"T{n}.String") for n in range(CASE_ONLY_LIMIT + 1)]
    units = _units(specs)
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "string", index, units, 3)] == [0, 1, 2]  # by meaning
    assert [r.row for r in rank_units(query_vector, "String", index, units, 3)] == [2, 3, 4]  # named exactly
    few = units[:2] + units[2:2 + CASE_ONLY_LIMIT]
    index, query_vector = _descending(len(few))
    assert [r.row for r in rank_units(query_vector, "string", index, few, 2)] == [2, 3]  # distinctive: promoted


def test_a_name_qualified_by_what_is_no_scope_here_finds_the_functions_of_the_name():
    from leancode.search import rank_units

    # Express's `app.use = function use(...)` is indexed as `use`; click's `echo` is qualified by its module only.
    units = _units([("lib/router.js", "handle"), ("lib/application.js", "use"), ("lib/utils.js", "Router.use"),
                    ("lib/echo.js", "echo")], language="javascript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "app.use", index, units, 3)] == [1, 2, 0]
    assert [r.row for r in rank_units(query_vector, "click.echo", index, units, 2)] == [3, 0]
    # A qualifier that is a scope here still picks its own function only.
    assert [r.row for r in rank_units(query_vector, "Router.use", index, units, 2)] == [2, 0]


def test_of_the_functions_a_name_names_the_one_it_names_whole_comes_first():
    from leancode.search import rank_units

    # TanStack Table's `createRow`: the top-level function before the features' methods of that name.
    units = _units([("src/features/RowExpanding.ts", "RowExpanding.createRow"), ("src/core/cell.ts", "createCell"),
                    ("src/features/ColumnVisibility.ts", "ColumnVisibility.createRow"),
                    ("src/core/row.ts", "createRow"),
                    ("src/html/Parser.ts", "html.Parser.parse"), ("src/Parser.ts", "Parser.parse")], "typescript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "createRow", index, units, 4)] == [3, 0, 2, 1]
    assert [r.row for r in rank_units(query_vector, "Parser.parse", index, units, 3)] == [5, 4, 0]
    assert [r.row for r in rank_units(query_vector, "parse", index, units, 3)] == [4, 5, 0]  # no whole name: by score


def test_a_name_qualified_by_its_crate_or_module_finds_the_free_function_in_that_module_first():
    from leancode.search import rank_units

    # tokio's: `tokio::spawn` is the free function, not `Runtime::spawn`; `tokio::task::spawn_blocking` the one in
    # src/task/, not the runtime's internal one that reads closer to the words.
    units = _units([("src/runtime/runtime.rs", "Runtime.spawn"), ("src/runtime/blocking/pool.rs", "spawn_blocking"),
                    ("src/blocking.rs", "spawn_blocking"), ("src/task/blocking.rs", "spawn_blocking"),
                    ("src/task/spawn.rs", "spawn")], "rust")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "tokio::spawn", index, units, 2)] == [4, 0]
    assert [r.row for r in rank_units(query_vector, "Runtime::spawn", index, units, 2)] == [0, 1]  # its own only
    assert [r.row for r in rank_units(query_vector, "tokio::task::spawn_blocking()", index, units, 3)] == [3, 1, 2]
    assert [r.row for r in rank_units(query_vector, "spawn_blocking", index, units, 3)] == [1, 2, 3]  # by score
    # Python's module path: `pkg.sessions.request` is sessions.py's, not the one beside it in api.py.
    units = _units([("pkg/api.py", "request"), ("pkg/sessions.py", "request")])
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "pkg.sessions.request", index, units, 2)] == [1, 0]
    # rich's `from rich import print`: the package's own file before another file in its folder, which the score chose
    units = _units([("rich/jupyter.py", "print"), ("rich/__init__.py", "print"), ("tools/print.py", "print")], "python")
    index, query_vector = _descending(len(units))
    for query in ("rich.print", "from rich import print"):
        assert [r.row for r in rank_units(query_vector, query, index, units, 3)] == [1, 0, 2], query
    units = _units([("src/ui/index.ts", "render"), ("src/ui/widgets/render.ts", "render")], "typescript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "ui.render", index, units, 2)] == [0, 1]


def test_a_package_qualified_go_name_means_the_packages_function_before_a_type_of_its_name_but_for_case():
    from leancode.search import rank_units

    # fatih/color: `color.Unset` and a panic's `github.com/fatih/color.Set(...)` showed `Color.unset`, `Color.Set`
    units = _units([("color.go", "Color.unset"), ("color.go", "Unset"), ("color.go", "Color.Set"), ("color.go", "Set")])
    index, query_vector = _descending(len(units))
    assert rank_units(query_vector, "color.Unset", index, units, 1)[0].row == 1
    assert rank_units(query_vector, "github.com/fatih/color.Set({0xc0000b1f58, 0x1})", index, units, 1)[0].row == 3
    assert rank_units(query_vector, "Color.Set", index, units, 1)[0].row == 2  # the type's, named as it


def test_a_test_named_by_the_query_stays_below_the_code():
    from leancode.search import rank_units

    units = _units([("cast_test.go", "foo.String"), ("cast.go", "ToString"), ("stringer.go", "Stringer.String")])
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "String", index, units, 3)] == [2, 1, 0]
    assert [r.row for r in rank_units(query_vector, "String", index, units, 3, tests_last=False)] == [0, 2, 1]
    # a name only a test carries is that test's (urfave/cli's `refute` in helpers_test.go ranked 297th)
    units = _units([("cast.go", "ToString"), ("helpers_test.go", "refute"), ("stringer.go", "Stringer.String")])
    ranked = rank_units(query_vector, "refute", index, units, 3)
    assert [(r.row, r.tier) for r in ranked][0] == (1, 0)


@pytest.mark.parametrize("query, location", [
    ("at org.jpype.html.Parser.parse(Parser.java:45)", ("Parser.java", 45)),
    ("at Request.callback (C:\\app\\lib\\index.js:1070:17)", ("index.js", 1070)),
    ('File "/app/conf.py", line 12, in load', ("conf.py", 12)),
    ("cobra.(*Command).Find(0xc0000a8000)\n\t/go/pkg/mod/cobra@v1.6.1/command.go:677 +0x1b3", ("command.go", 677)),
    ("  12: toml::de::Deserializer::number\n             at ./src/de.rs:1540:9", ("de.rs", 1540)),
    ("java.lang.NullPointerException\n\tat a.Parser.parse(Parser.java:45)\n\tat a.Main.main(Main.java:3)",
     ("Parser.java", 45)),
    ("   0: rust_begin_unwind\n             at /rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/std/src/"
     "panicking.rs:645:5\n   3: semver::eval::matches_req\n             at /home/u/semver/src/eval.rs:5:9",
     ("eval.rs", 5)),
    ("at file:///app/node_modules/nanostores/lifecycle/index.js:128:7", ("index.js", 128)),  # a frame of no name
    ("Error: bad\n    at /app/lib/a.js:3:9\n    at run (/app/b.js:1:1)", ("a.js", 3)),
    # an ES module's trace ends in a frame of no name, which is no place of the frame above it (nanoid's)
    ("RangeError: size\n    at fillPool (file:///srv/nanoid/index.js:11:29)\n    at nanoid (file:///srv/nanoid/"
     "index.js:76:3)\n    at file:///srv/app.mjs:3:13", ("index.js", 11)),
    ("    at fillPool (/srv/nanoid/index.js:11:29)\n    at /srv/nanoid/index.js:44:30", ("index.js", 11)),
    ("at async Ky.#retry (file:///app/ky/distribution/core/Ky.js:310:20)", ("Ky.js", 310)),  # a private method
    ("at Object.<anonymous> (/app/test/run.js:7:1)", ("run.js", 7)),  # a module's own code
    ("at Object.~run (file:///app/valibot/dist/index.mjs:992:31)", ("index.mjs", 992)),  # a method named by a string
    ("at [runYargsParserAndExecuteCommands] (file:///app/yargs/build/lib/yargs-factory.js:1389:105)",
     ("yargs-factory.js", 1389)),  # a method named by a symbol
    ('File "/app/sortedlist.py", line 1110, in <genexpr>', ("sortedlist.py", 1110)),
    # a place alone (arrayvec, go-humanize, glom): Rust's panic line without a backtrace, before 1.73 and since, a
    # source file's `path:line[:column]`, a Go frame's place line; not a version or a time
    ("thread 'main' panicked at src/arrayvec.rs:480:13:\nindex out of bounds: the len is 3 but the index is 5\n"
     "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace", ("arrayvec.rs", 480)),
    ("thread 'main' panicked at 'index out of bounds', src/arrayvec.rs:480:13", ("arrayvec.rs", 480)),
    ("glom/core.py:1626:9", ("core.py", 1626)),
    ("\t/home/u/go/pkg/mod/github.com/dustin/go-humanize@v1.0.0/ftoa.go:30 +0x1a5", ("ftoa.go", 30)),
    # an exception group's members, behind Python's `|` margin (cattrs' errors); pytest's `--tb=short` frames
    ('  + Exception Group Traceback (most recent call last):\n  |   File "/app/src/cattrs/converters.py", line 601, '
     'in structure\n  |     return self._structure_func.dispatch(cl)(obj, cl)\n  | cattrs.errors.ClassValidationError: '
     'While structuring A\n  +-+---------------- 1 ----------------\n    | Traceback (most recent call last):\n'
     '    |   File "/app/src/cattrs/gen.py", line 5, in structure_A\n    | ValueError: abc', ("gen.py", 5)),
    ("arrow/api.py:91: in get\n    return _factory.get(*args, **kwargs)\narrow/parser.py:817: in _build_datetime\n"
     "    raise ValueError(x)\nE   ValueError: bad", ("parser.py", 817)),
    ("python:3", None),
    ("version 1.2:3", None),
    ("at 12:30", None),
    ("Parser.parse", None),
    ("at startup (early)", None),
])
def test_a_stack_frame_says_where_it_was(query, location):
    from leancode.search import frame_location

    assert frame_location(query) == location


def test_a_traces_frames_outside_the_indexed_code_are_passed_over():
    from leancode.search import rank_units

    # zustand: the trace's first frame is the user's script, z.cjs, outside the index; the trace was read as that
    # frame of no name, which names nothing here, so plain search by meaning ranked middleware.js's functions first
    units = _units([("middleware.js", "devtools.api.dispatch"), ("vanilla.js", "createStoreImpl"),
                    ("vanilla.js", "createStoreImpl.setState")], "javascript", spans=[(0, 20), (0, 12), (5, 9)])
    index, query_vector = _descending(len(units))
    trace = ("Error: in setState\n    at /tmp/z.cjs:7:26\n    at setState (/app/node_modules/zustand/vanilla.js:7:55)\n"
             "    at api.setState (/app/node_modules/zustand/middleware.js:537:5)\n"
             "    at Object.<anonymous> (/tmp/z.cjs:7:3)\n"
             "    at Module._compile (node:internal/modules/cjs/loader:1554:14)")
    assert [(r.row, r.tier) for r in rank_units(query_vector, trace, index, units, 3)][0] == (2, 0)
    # funcy: a Python traceback's innermost frame is the user's lambda; the innermost of the indexed code is read
    units = _units([("funcy/colls.py", "walk"), ("funcy/colls.py", "walk_values"),
                    ("funcy/colls.py", "walk_values.pair_f")], "python", spans=[(0, 20), (140, 152), (147, 149)])
    index, query_vector = _descending(len(units))
    traceback = ('Traceback (most recent call last):\n  File "/tmp/t2.py", line 2, in <module>\n    walk_values(f, d)\n'
                 '  File "/lib/funcy/colls.py", line 152, in walk_values\n    return walk(pair_f, coll)\n'
                 '  File "/lib/funcy/colls.py", line 149, in pair_f\n    return k, f(v)\n'
                 '  File "/tmp/t2.py", line 2, in <lambda>\n    walk_values(lambda v: 1/0, d)\n'
                 "ZeroDivisionError: division by zero")
    assert [(r.row, r.tier) for r in rank_units(query_vector, traceback, index, units, 3)][0] == (2, 0)
    # rxjs: the frames of its build, dist/cjs/internal/Subscriber.js, are of the indexed src/internal/Subscriber.ts
    units = _units([("src/internal/Observable.ts", "Observable.pipe"), ("src/internal/Subscriber.ts", "Subscriber.next"),
                    ("src/internal/Subscriber.ts", "ConsumerObserver.next")], "typescript")
    index, query_vector = _descending(len(units))
    trace = ("Error: boom\n    at Object.<anonymous> (/app/src/main.js:10:20)\n"
             "    at ConsumerObserver.next (/app/node_modules/rxjs/dist/cjs/internal/Subscriber.js:113:25)\n"
             "    at Subscriber._next (/app/node_modules/rxjs/dist/cjs/internal/Subscriber.js:80:22)")
    assert [(r.row, r.tier) for r in rank_units(query_vector, trace, index, units, 3)][0] == (2, 0)


def test_a_private_name_is_another_name_than_the_one_without_its_underscore():
    from leancode.search import name_tiers

    # rxjs: `Subscriber.next` marked `Subscriber._next` "(named by the query)"; react-native-maps' `_onMapReady` was
    # named by a frame of `onMapReady`; `get_close_matches` is still `getCloseMatches`, `__iter__` itself
    units = _units([("Subscriber.ts", "Subscriber._next"), ("Subscriber.ts", "Subscriber.next"),
                    ("difflib.py", "get_close_matches"), ("seq.py", "Seq.__iter__")], "typescript")
    assert list(name_tiers("Subscriber.next", units)) == [2, 0, 2, 2]
    assert list(name_tiers("getCloseMatches", units)) == [2, 2, 1, 2]
    assert list(name_tiers("_next", units)) == [0, 2, 2, 2]
    assert list(name_tiers("__iter__", units)) == [2, 2, 2, 0]


def test_an_instances_name_for_its_class_ranks_that_classs_method_first():
    from leancode.search import rank_units

    # ajv's README writes `ajv.compile(schema)`: the wrapper AjvPack.compile ranked first
    units = _units([("lib/standalone/instance.ts", "AjvPack.compile"), ("lib/core.ts", "Ajv.compile")], "typescript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "ajv.compile", index, units, 2)] == [1, 0]


def test_rust_functions_of_one_name_in_one_file_are_no_overloads():
    from leancode.search import rank_units

    # arrayvec: `ArrayVec::len`'s trait impl one-liner was shown with "(+1 overload)" and hid the documented inherent
    # `len`; Java's overloads still fold
    units = _units([("src/arrayvec.rs", "ArrayVec.len"), ("src/arrayvec.rs", "ArrayVec.len")], "rust")
    index, query_vector = _descending(len(units))
    assert [(r.row, r.overloads) for r in rank_units(query_vector, "ArrayVec::len", index, units, 2)] == [
        (0, ()), (1, ())]
    units = _units([("Arrays.java", "Arrays.sort")] * 2, "java")
    assert [(r.row, r.overloads) for r in rank_units(query_vector, "Arrays.sort", index, units, 2)] == [(0, (1,))]


@pytest.mark.parametrize("query, parts", [
    ("configure_tagged_union.<locals>.union_member", ["configure_tagged_union", "union_member"]),
    ("<function configure_tagged_union.<locals>.member at 0x7f3a2b10>", ["configure_tagged_union", "member"]),
    ("<bound method Converter.structure of <cattrs.Converter object at 0x7f>>", ["Converter", "structure"]),
    ("arrow/parser.py:817: in _build_datetime", ["_build_datetime"]),
    ("bitflags!", ["bitflags"]), ("serde_json::json!", ["serde_json", "json"]),  # a Rust macro as it is called
    ("stop it!", None),
    # a pasted line of code binding a call's result (gin's README, jsonschema's)
    ("r := gin.Default()", ["gin", "Default"]), ("cls = validator_for(schema)", ["validator_for"]),
    ("const x = f(y);", ["f"]), ("x = 1", None),
    # Rust's unwrapping of the result (chrono's README); Go's built-ins name no function of the code (testify)
    ("let d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();", ["NaiveDate", "from_ymd_opt"]),
    ('let dt = NaiveDateTime::parse_from_str(s, "%Y")?;', ["NaiveDateTime", "parse_from_str"]),
    ("m := new(mock.Mock)", None), ("n := len(args)", None),
    # an import of one name (rich's README: `from rich import print`; superjson's)
    ("from rich.pretty import pprint", ["rich", "pretty", "pprint"]),
    ("import { stringify } from 'superjson'", ["stringify"]),
    # a function's declaration line (voluptuous' `def validate_mapping(...):` ranked 11th; go-version's receivers)
    ("def validate_mapping(path, iterable, out):", ["validate_mapping"]), ("async def fetch(url):", ["fetch"]),
    ("func (v *Version) LessThan(o *Version) bool {", ["Version", "LessThan"]),
    ("func ToInt64(i any) int64", ["ToInt64"]),
    ("pub(crate) fn parse<T: AsRef<str>>(s: T) -> Result<T> {", ["parse"]),
    ("export async function fetchUser(id: string) {", ["fetchUser"]),
    ("public static <T> void sort(List<T> list) {", ["sort"]),
    ("private Map<String, Integer> counts(String s)", ["counts"]),
    ("function to parse json", None), ("public void", None),
])
def test_names_as_their_language_shows_them(query, parts):
    from leancode.search import named_by

    assert named_by(query) == parts  # cattrs, bitflags: "... is neither a line number nor a function's name"


def test_a_code_name_a_sentence_writes_means_that_function_first():
    from leancode.search import rank_units

    # netinfo: "how do I use the useNetInfo hook" put NetInfoModule.getName first and useNetInfo nowhere in the top 3
    units = _units([("android/NetInfoModule.java", "NetInfoModule.getName"), ("src/index.ts", "useNetInfoInstance"),
                    ("src/index.ts", "useNetInfo"), ("src/internal/parse_args.py", "parse_args"),
                    ("src/__tests__/hook.spec.ts", "useNetInfo")], "typescript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "how do I use the useNetInfo hook", index, units, 3)] == [2, 0, 1]
    assert rank_units(query_vector, "what does parse_args return", index, units, 1)[0].row == 3
    assert [r.row for r in rank_units(query_vector, "use the network info hook", index, units, 2)] == [0, 1]  # prose


def test_a_pasted_line_or_message_means_the_functions_whose_code_holds_it():
    import dataclasses

    from leancode.search import MAX_QUOTED_UNITS, holding_text

    files = {"a.py": "def load(path):\n    data = read(path)\n    raise ConfigError(f'no such section {path}')\n",
             "b.py": "def save(path):\n    write(path)\n\n"
                     "def other():\n    raise ConfigError(f'no such section {path}')\n",
             "c.py": "x = 'no such section here, at module level'\n"}
    units = _units([("a.py", "load"), ("b.py", "save"), ("b.py", "other")], "python",
                   spans=[(0, 2), (0, 1), (3, 4)])

    def held(query, mask=None):
        found = holding_text(query, units, files.get, mask)
        return None if found is None else list(np.flatnonzero(found))

    import numpy as np

    assert held("data = read(path)") == [0]  # a line of code: the function it is in
    assert held("    raise ConfigError(f'no such section {path}')  ") == [0, 2]  # in two: both
    assert held("ConfigError: no such section settings.ini") == [0, 2]  # a message: its words the code holds
    assert held("ConfigError: no such section settings.ini", np.array([False, True, True])) == [2]  # `--path`
    assert held("no such section in the settings file") is None  # prose
    assert held("load") is None and held("read(path)") is None  # a name or a call: `name_tiers`' to rank
    assert held("write(path) and more()") is None  # nowhere
    # a message printed bare (base64's "Encoded text cannot have a 6-bit remainder.") and over lines (go-multierror's
    # "1 error occurred:\n\t* ..."), each line as printed
    files["c.py"] += "def fail():\n    raise ValueError('the section cannot be empty.')\n"
    units.append(dataclasses.replace(units[0], path="c.py", name="fail", qualified_name="fail", start_line=1,
                                     end_line=2, key="fail"))
    assert held("the section cannot be empty.") == [3] and held("The section cannot be empty") is None  # as printed
    assert held("read(path, 'utf-8')") is None and held("read(path)") is None  # not in the code; a name's call
    assert held("raise ConfigError(f'no such section {path}')") == [0, 2]
    assert held("Traceback:\n  data = read(path)\n  and more") == [0]
    # tests that assert a message do not hide the code that writes it (schema's, in six tests and one method)
    many = {f"tests/test_{i}.py": "def test_it():\n    assert 'should be instance of' in str(e)\n" for i in range(6)}
    many["schema.py"] = "def validate(data):\n    raise TypeError(f'{data} should be instance of int')\n"
    units = _units([(path, "validate" if path == "schema.py" else "test_it") for path in many], "python",
                   spans=[(0, 1)] * len(many))
    assert list(np.flatnonzero(holding_text("TypeError: 'x' should be instance of 'int'", units, many.get))) == [6]
    many = {f"m{i}.py": "def f():\n    return compute(value)\n" for i in range(MAX_QUOTED_UNITS + 1)}
    units = _units([(path, "f") for path in many], "python", spans=[(0, 1)] * len(many))
    assert holding_text("return compute(value)", units, many.get) is None  # in every other function: tells none


def test_a_long_traces_end_is_read():
    from leancode.search import MAX_QUERY_CHARS, bounded_query, named_by

    # arrow: a traceback of 36 frames and more lost its innermost frame, its last, to the query's bound
    frames = "".join(f'  File "/app/arrow/m{i}.py", line {i + 1}, in f{i}\n    return f{i + 1}()\n' for i in range(100))
    query = bounded_query(f"Traceback (most recent call last):\n{frames}ValueError: bad")
    assert len(query) <= MAX_QUERY_CHARS and named_by(query) == ["f99"]
    assert bounded_query("x" * 10_000) == "x" * MAX_QUERY_CHARS  # one line: its start


def test_a_frames_path_tells_files_of_one_name_apart():
    from leancode.search import rank_units

    # ajv: `at Object.code (/x/ajv/lib/vocabularies/core/ref.ts:19:5)` showed jtd/ref.ts's `def.code` first; fp-ts's
    # lib/Array.js and es6/Array.js cancelled each other out for a frame of no name; rows 0-1, 1-2, ...
    units = _units([("lib/vocabularies/jtd/ref.ts", "def.code"), ("lib/vocabularies/core/ref.ts", "def.code")],
                   "typescript", spans=[(0, 30), (10, 30)])
    index, query_vector = _descending(len(units))
    frame = "at Object.code (/tmp/ajv/lib/vocabularies/core/ref.ts:19:5)"
    assert [(r.row, r.tier) for r in rank_units(query_vector, frame, index, units, 2)][0] == (1, 0)
    units = _units([("es6/Array.js", "mapWithIndex"), ("lib/Tuple.js", "getApply"), ("lib/Array.js", "map")],
                   "javascript", spans=[(1260, 1270), (1260, 1270), (1265, 1268)])
    index, query_vector = _descending(len(units))
    frame = "    at /tmp/run/node_modules/fp-ts/lib/Array.js:1267:85"
    assert [(r.row, r.tier) for r in rank_units(query_vector, frame, index, units, 3)][0] == (2, 0)


def test_a_frame_of_no_name_in_a_build_of_indexed_source_is_passed_over():
    from leancode.search import rank_units

    # ajv: only lib/*.ts indexed; the trace's first frame, of no name, is at dist/core.js:555, whose lines are not
    # core.ts's: the next frame, eachItem's, is read (the place named nothing)
    units = _units([("lib/standalone/instance.ts", "AjvPack.addKeyword"), ("lib/core.ts", "Ajv.addKeyword"),
                    ("lib/compile/util.ts", "eachItem")], "typescript", spans=[(550, 560), (340, 360), (80, 95)])
    index, query_vector = _descending(len(units))
    trace = ("Error: Keyword type is already defined\n    at /tmp/run/node_modules/ajv/dist/core.js:555:19\n"
             "    at eachItem (/tmp/run/node_modules/ajv/dist/compile/util.js:88:9)\n"
             "    at Ajv.checkKeyword (/tmp/run/node_modules/ajv/dist/core.js:553:25)")
    assert [(r.row, r.tier) for r in rank_units(query_vector, trace, index, units, 3)][0] == (2, 0)


def test_a_stack_frames_line_picks_the_overload_shown():
    from leancode.search import rank_units

    # lines 0-1, 1-2, 2-3 of Arrays.java, then Sorter.java's
    units = _units([("Arrays.java", "Arrays.sort")] * 3 + [("Sorter.java", "Sorter.sort")], "java")
    index, query_vector = _descending(len(units))
    ranked = rank_units(query_vector, "at java.util.Arrays.sort(Arrays.java:4)", index, units, 2)
    assert [(r.row, r.overloads) for r in ranked] == [(2, (0, 1)), (3, ())]  # line 4 is in the third
    ranked = rank_units(query_vector, "at java.util.Arrays.sort(Other.java:4)", index, units, 2)
    assert [(r.row, r.overloads) for r in ranked] == [(0, (1, 2)), (3, ())]  # another file's line: the best-ranked
    # immer's: the frame's file and line name `objectTraps.set` in proxy.ts, not util.ts's top-level `set`
    units = _units([("src/util.ts", "set"), ("src/proxy.ts", "objectTraps.set")], "typescript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "at Object.set (/app/src/proxy.ts:3:13)", index, units, 2)] == [1, 0]
    assert [r.row for r in rank_units(query_vector, "at Object.set (/app/src/other.ts:3:13)", index, units, 2)] == [0, 1]


def test_a_frame_whose_name_names_no_function_means_the_one_its_line_is_in():
    from leancode.search import rank_units

    # V8's `at new Debouncer (...)`: a class's constructor, which no function is named; rows 0-1, 1-2, 2-3
    units = _units([("src/debouncer.ts", "Debouncer.reset"), ("src/debouncer.ts", "Debouncer.constructor"),
                    ("src/other.ts", "Other.constructor")], "typescript")
    index, query_vector = _descending(len(units))
    frame = "at new Debouncer (/app/src/debouncer.ts:3:5)"
    assert [(r.row, r.tier) for r in rank_units(query_vector, frame, index, units, 3)][0] == (1, 0)
    anonymous = "at file:///app/src/debouncer.ts:3:5"  # a frame of no name: its place alone
    assert [(r.row, r.tier) for r in rank_units(query_vector, anonymous, index, units, 3)][0] == (1, 0)
    twice = units + _units([("pkg/src/debouncer.ts", "Copy.constructor")] * 2, "typescript")  # two files so named
    index, query_vector = _descending(len(twice))
    assert [r.row for r in rank_units(query_vector, frame, index, twice, 5)][0] == 0  # neither: by meaning
    # told apart by their folders, as far as the frame's path names them (typebox's value/parse/parse.js, not
    # type/template-literal/parse.js)
    other = units + _units([("lib/debouncer.ts", "Copy.constructor")] * 2, "typescript")
    assert [(r.row, r.tier) for r in rank_units(query_vector, frame, index, other, 5)][0] == (1, 0)


def test_a_frame_means_the_innermost_function_its_line_is_in_where_its_name_names_none_of_its_file():
    from leancode.search import named_by, rank_units

    # p-limit's index.js: `pLimit` (lines 0-9) holds `resumeNext` (2-4) and `generator.clearQueue` (6-8); ky's
    # constants.js has a top-level `retry`, Ky.js the private `Ky.#retry` (0-1)
    units = _units([("index.js", "pLimit"), ("index.js", "pLimit.resumeNext"), ("index.js", "generator.clearQueue"),
                    ("constants.js", "retry"), ("Ky.js", "Ky.#retry")], "javascript",
                   spans=[(0, 9), (2, 4), (6, 8), (0, 1), (0, 1)])
    index, query_vector = _descending(len(units))

    def first(frame):
        return units[rank_units(query_vector, frame, index, units, 3)[0].row].qualified_name

    assert first("at file:///app/node_modules/p-limit/index.js:4:21") == "pLimit.resumeNext"  # no name
    assert first("at Object.value (/app/node_modules/p-limit/index.js:8:22)") == "generator.clearQueue"
    assert first("at Ky.retry (file:///app/ky/Ky.js:2:20)") == "Ky.#retry"  # not constants.js's `retry`
    assert first("at Ky.#retry (file:///app/ky/Ky.js:2:20)") == "Ky.#retry"
    assert named_by("at async Ky.#retry (file:///app/ky/Ky.js:2:20)") == ["Ky", "#retry"]
    assert named_by("at Object.validator (/app/dist/index.mjs:688:45)") == ["validator"]  # V8's, no class
    assert first('File "/app/index.js", line 10, in <lambda>') == "pLimit"  # outside the inner two
    assert first('File "/app/index.js", line 4, in pLimit') == "pLimit"  # its name, in its file: kept


def test_a_frame_whose_line_moved_still_prefers_its_file():
    from leancode.search import rank_units

    # tenacity: a traceback of another version (line 480) ranked wait.py's `__call__` over __init__.py's
    units = _units([("tenacity/wait.py", "wait_incrementing.__call__"), ("tenacity/__init__.py",
                                                                         "BaseRetrying.__call__")], "python")
    index, query_vector = _descending(len(units))
    frame = 'File "/usr/lib/python3/dist-packages/tenacity/__init__.py", line 480, in __call__'
    assert [r.row for r in rank_units(query_vector, frame, index, units, 2)] == [1, 0]
    assert [r.row for r in rank_units(query_vector, "__call__", index, units, 2)] == [0, 1]


def test_a_special_method_is_no_spelling_of_a_word():
    from leancode.search import name_tiers

    # `leancode search iter` marked `__iter__` "(named by the query)"
    units = _units([("a.py", "Retrying.__iter__"), ("b.py", "get_close_matches")], "python")
    assert list(name_tiers("iter", units)) == [2, 2]
    assert list(name_tiers("__iter__", units)) == [0, 2]
    assert list(name_tiers("getCloseMatches", units)) == [2, 1]  # other names still fold


def test_a_name_being_typed_promotes_the_names_it_begins_for_symbol_search():
    import numpy as np

    from leancode.search import PREFIX_LIMIT, name_tiers

    # tanstack-pacer: the editor's workspace symbols for `asyncRetr` left out `asyncRetry` while the user typed
    units = _units([("src/async-retryer.ts", "asyncRetry"), ("src/a.ts", "asyncDebounce"),
                    ("tests/a.test.ts", "async_retry_works")], "typescript")
    assert name_tiers("asyncRetr", units) is not None and list(name_tiers("asyncRetr", units)) == [2, 2, 2]
    assert list(name_tiers("asyncRetr", units, prefix=True)) == [1, 2, 1]
    assert list(name_tiers("asyncRetr", units, np.array([False, False, True]), prefix=True)) == [1, 2, 2]
    assert list(name_tiers("asyncRetry", units + units[:1], prefix=True)) == [0, 2, 2, 0]  # the whole name: as before
    assert list(name_tiers("as", units, prefix=True)) == [2, 2, 2]  # too short to tell
    many = _units([("a.ts", f"getThing{n}") for n in range(PREFIX_LIMIT + 1)], "typescript")
    assert set(name_tiers("getThing", many, prefix=True)) == {2}  # too many begin so: by meaning
    assert name_tiers("parse the file", units, prefix=True) is None


def test_overloads_fold_into_one_row_that_counts_them():
    import numpy as np

    from leancode.search import rank_units

    # Arrays.sort's case: a dozen overloads in one file filled the top results.
    specs = [("Arrays.java", "Arrays.sort")] * 3 + [("Sorter.java", "Sorter.sort"), ("Arrays.java", "Arrays.fill")]
    units = _units(specs, "java")
    index, query_vector = _descending(len(units))
    ranked = rank_units(query_vector, "sort an array", index, units, 3)
    assert [(r.row, r.overloads) for r in ranked] == [(0, (1, 2)), (3, ()), (4, ())]
    within = rank_units(query_vector, "sort an array", index, units, 3, mask=np.array([1, 0, 1, 1, 1], bool))
    assert within[0].overloads == (2,)  # only the candidates the search may show


def test_a_function_of_the_same_name_and_words_but_other_code_is_no_copy():
    import dataclasses

    import numpy as np

    from leancode.search import SearchIndex, rank_units

    # the same name and terms in three files (`return a + b` against `return a - b`): only the one with the same
    # vector is a copy (reformatted); the other stays its own row
    units = _units([("a.go", "Combine"), ("vendor2/a.go", "Combine"), ("b.go", "Combine"), ("c.go", "Other")], "go")
    vectors = np.array([[1, 0, 0], [1, 0, 0], [0.9, 0.3, 0], [0, 0, 1]], np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ranked = rank_units(np.array([1, 0, 0], np.float32), "combine two numbers", SearchIndex(vectors), units, 3)
    assert [(r.row, r.copies) for r in ranked] == [(0, (1,)), (2, ()), (3, ())]
    # in Python indentation is meaning: `sink.flush()` after the loop or inside its `if` reads the same to the model
    python = [dataclasses.replace(u, language="python", path=u.path.replace(".go", ".py")) for u in units]
    ranked = rank_units(np.array([1, 0, 0], np.float32), "combine two numbers", SearchIndex(vectors), python, 3)
    assert [(r.row, r.copies) for r in ranked] == [(0, ()), (1, ()), (2, ())]


def test_one_modules_builds_fold_as_copies_and_other_folders_stay_apart():
    from leancode.search import rank_units

    # date-fns ships each function twice, as ESM (addDays.js) and CommonJS (addDays.cjs), in different code.
    specs = [("addDays.js", "addDays"), ("addDays.cjs", "addDays"), ("subDays.js", "subDays"),
             ("legacy/addDays.js", "addDays"), ("subDays.cjs", "subDays")]
    units = _units(specs, "javascript")
    index, query_vector = _descending(len(units))
    ranked = rank_units(query_vector, "add days to a date", index, units, 3)
    assert [(r.row, r.copies, r.overloads) for r in ranked] == [(0, (1,), ()), (2, (4,), ()), (3, (), ())]
    # yup's builds side by side, index.js and index.esm.js (`getIn` took two of the top three rows); a name that only
    # shares the start stays apart
    units = _units([("index.esm.js", "getIn"), ("index.js", "getIn"), ("index.umd.min.js", "getIn"),
                    ("index.extra.js", "getIn")], "javascript")
    index, query_vector = _descending(len(units))
    assert [(r.row, r.copies) for r in rank_units(query_vector, "get the schema at a path", index, units, 3)] \
        == [(0, (1, 2)), (3, ())]
    # jsdiff's builds in folders (libesm/, libcjs/), a TypeScript source beside its build (src/, dist/esm/): each
    # function was shown twice, halving the results; a folder that is no build (legacy/, patch2/) stays apart.
    specs = [("libesm/patch/apply.js", "applyPatch"), ("libcjs/patch/apply.js", "applyPatch"),
             ("src/parse.ts", "parse"), ("dist/esm/parse.js", "parse"), ("legacy/patch/apply.js", "applyPatch"),
             ("patch2/apply.js", "applyPatch")]
    units = _units(specs, "javascript")
    index, query_vector = _descending(len(units))
    ranked = rank_units(query_vector, "apply a patch", index, units, 5)
    assert [(r.row, r.copies) for r in ranked] == [(0, (1,)), (2, (3,)), (4, ()), (5, ())]
    # react-native-builder-bob's lib/module/ and lib/commonjs/ builds of src/: one row, the source's, whichever
    # build ranks first (react-native-svg's `decodeBase64Image` was shown twice; src/lib/ is source)
    specs = [("lib/commonjs/utils/fetchData.js", "decode"), ("lib/module/utils/fetchData.js", "decode"),
             ("src/utils/fetchData.ts", "decode"), ("lib/module/lib/color.js", "parse"), ("src/lib/color.ts", "parse")]
    units = _units(specs, "javascript")
    index, query_vector = _descending(len(units))
    ranked = rank_units(query_vector, "decode an image", index, units, 5)
    assert [(r.row, sorted(r.copies)) for r in ranked] == [(2, [0, 1]), (4, [3])]


def test_a_name_spelled_in_another_languages_case_finds_the_function():
    from leancode.search import rank_units

    # similar's `get_close_matches` was not found for "getCloseMatches" (a JavaScript user's spelling).
    units = _units([("src/udiff.rs", "UnifiedDiffHunk.ops"), ("src/text/mod.rs", "get_close_matches"),
                    ("src/text/mod.rs", "TextDiff.get_close")], "rust")
    index, query_vector = _descending(len(units))
    for query in ("getCloseMatches", "GetCloseMatches", "get_close_matches", "text.getCloseMatches"):
        shown = rank_units(query_vector, query, index, units, 2)
        assert [r.row for r in shown] == [1, 0] and shown[0].tier == (0 if "_" in query else 1), query


def test_of_exact_copies_the_one_whose_path_the_query_names_is_shown():
    import dataclasses

    from leancode.search import rank_units

    # mistletoe's block_token.remove_token and span_token.remove_token are the same code: "remove a custom span
    # token" showed the block one, named first by the file order.
    units = _units([("mistletoe/block_token.py", "remove_token"), ("mistletoe/span_token.py", "remove_token"),
                    ("mistletoe/core.py", "parse")], "python")
    units[1] = dataclasses.replace(units[1], key=units[0].key)
    index, query_vector = _descending(len(units))
    [shown, _] = rank_units(query_vector, "remove a custom span token from the parser", index, units, 2)
    assert (shown.row, shown.copies) == (1, (0,))
    [shown, _] = rank_units(query_vector, "remove a custom token", index, units, 2)  # no path named: the first
    assert (shown.row, shown.copies) == (0, (1,))
    units[0] = dataclasses.replace(units[0], path="mistletoe/span.py")  # never a test's copy for the code's
    units[1] = dataclasses.replace(units[1], path="tests/span_token.py")
    [shown, _] = rank_units(query_vector, "remove a custom span token from the parser", index, units, 2)
    assert (shown.row, shown.copies) == (0, (1,))


def test_functions_that_do_nothing_rank_after_the_code_unless_named():
    import dataclasses

    from leancode.search import rank_units
    from leancode.unit_records import parse_units

    # sortedcontainers' `SortedList.insert` only raises NotImplementedError ("use add"): it ranked above `add` for
    # "insert a value keeping the list sorted".
    units = _units([("sortedlist.py", "SortedList.insert"), ("sortedlist.py", "SortedList.add"),
                    ("sortedlist.py", "SortedList.reset"), ("tests/test_add.py", "test_add")], "python")
    units[0] = dataclasses.replace(units[0], filler="unimplemented")
    units[2] = dataclasses.replace(units[2], filler="empty")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "insert a value keeping the list sorted", index, units, 4)] \
        == [1, 0, 2, 3]
    assert [r.row for r in rank_units(query_vector, "SortedList.insert", index, units, 2)] == [0, 1]  # named
    code = ("class SortedList:\n    def insert(self, index, value):\n        raise NotImplementedError('use add')\n\n"
            "    def append(self, value):\n        \"\"\"Raise not-implemented error.\"\"\"\n"
            "        raise NotImplementedError\n\n"
            "    def area(self):\n        \"\"\"The surface the shape covers.\"\"\"\n        raise NotImplementedError\n\n"
            "    def reset(self):\n        pass\n\n    def add(self, value):\n        self._items.append(value)\n")
    assert [(u["name"], u["filler"]) for u in parse_units(code, "python")["units"]] == [
        ("insert", "unimplemented"), ("append", "unimplemented"), ("area", ""), ("reset", "empty"), ("add", "")]


def test_a_type_stubs_declarations_rank_after_the_code():
    from leancode.search import rank_units

    # pyrsistent's `__init__.pyi` overloads of `freeze` ranked above its documented implementation in _helpers.py
    units = _units([("pyrsistent/__init__.pyi", "freeze"), ("pyrsistent/_helpers.py", "freeze"),
                    ("pyrsistent/_helpers.py", "thaw")], "python")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "freeze", index, units, 2)] == [1, 0]
    assert [r.row for r in rank_units(query_vector, "convert containers to persistent ones", index, units, 3)] \
        == [1, 2, 0]


def test_constructors_and_standard_methods_rank_after_the_code_unless_named():
    from leancode.search import rank_units, standard_method

    # js-yaml's `YAMLException.toString` topped "serialize an object to a yaml string" (`dump` not in the top 10);
    # mistletoe's `Emphasis.__init__` "match emphasis delimiters", camino's `impl From<Utf8PathBuf> for String`
    # "get the path as a string slice".
    units = _units([("lib/exception.js", "YAMLException.toString"), ("lib/exception.js", "YAMLException.constructor"),
                    ("lib/dumper.js", "dump"), ("test/dump.test.js", "testDump")], "javascript")
    index, query_vector = _descending(len(units))
    assert [r.row for r in rank_units(query_vector, "serialize an object to a yaml string", index, units, 4)] \
        == [2, 0, 1, 3]
    assert [r.row for r in rank_units(query_vector, "YAMLException.toString", index, units, 2)] == [0, 2]  # named
    kinds = [("python", "Emphasis.__init__", "constructor"), ("python", "Emphasis.__repr__", "standard method"),
             ("python", "SortedList.__getitem__", ""), ("python", "Span.read", ""),
             ("java", "PluginEntry.PluginEntry", "constructor"), ("java", "Point.hashCode", "standard method"),
             ("java", "Arrays.sort", ""), ("go", "Version.String", "standard method"), ("go", "NewVersion", ""),
             ("rust", "String.from", "standard method"), ("rust", "Utf8Path.new", "constructor"),
             ("rust", "Utf8Path.as_str", ""), ("typescript", "Ajv.constructor", "constructor"),
             ("tsx", "Color.toString", "standard method"), ("tsx", "Color.mix", "")]
    assert [standard_method(_units([("a", name)], language)[0]) for language, name, _ in kinds] \
        == [kind for _, _, kind in kinds]


def test_a_rust_trait_implementation_named_as_rust_writes_it_comes_first():
    from leancode.search import rank_units

    # chrono's `impl FromStr for Weekday` is `Weekday.from_str`; a trait of the repository's own names its methods.
    units = _units([("src/weekday.rs", "Weekday.succ"), ("src/format/mod.rs", "Weekday.from_str"),
                    ("src/weekday.rs", "Weekday.fmt"), ("src/weekday.rs", "ParseWeekdayError.fmt"),
                    ("src/de.rs", "Weekday.deserialize"), ("src/cal.rs", "Calendar.days_in"),
                    ("src/cal.rs", "Weekday.days_in"), ("src/month.rs", "Month.from_str")], language="rust")
    index, query_vector = _descending(len(units))
    for query, first in (("FromStr for Weekday", 1), ("impl std::fmt::Display for Weekday", 2),
                         ("impl<'a> fmt::Debug for ParseWeekdayError", 3), ("Deserialize for Weekday", 4),
                         ("impl Calendar for Weekday", 6), ("FromStr for Month", 7),
                         ("impl<T: Debug> fmt::Debug for ParseWeekdayError<Vec<T>>", 3)):
        shown = rank_units(query_vector, query, index, units, 2)
        assert [r.row for r in shown] == [first, 0] and shown[0].tier == 0, query
    for query in ("Search for Weekday", "FromStr for Nothing", "look for a weekday"):  # no implementation so named
        assert [r.row for r in rank_units(query_vector, query, index, units, 2)] == [0, 1], query


def test_reading_a_query_as_a_name_takes_linear_time():
    from linear import assert_linear

    from leancode.search import holding_text, name_tiers, trait_impl_tiers

    units = _units([("a.py", "f")], "python")

    def read(n: int) -> None:
        assert named_by("a" + " " * (20 * n) + "b") is None  # the call pattern was tried from every space
        assert named_by("f(" + " " * (20 * n) + "x)") == ["f"]
        assert named_by("f" + "::{{closure}}" * (2 * n) + " x") is None  # stack frames' patterns too
        assert named_by("at a (" + "1:" * (10 * n)) is None and named_by("File \"" + "a" * (20 * n)) is None
        assert trait_impl_tiers("impl" + " " * (20 * n) + "x", ()) is None
        assert trait_impl_tiers("impl<" + " " * (20 * n) + "A for B", ()) is None
        assert named_by("f\n" + "a/:1" * (5 * n) + "x") is None  # a trace's place lines
        assert named_by("Stack[" + "T," * (10 * n) + "x") is None and named_by("f::<" * (5 * n)) is None
        assert named_by("a::" + "a<" * (10 * n)) is None and named_by("a:" * (10 * n) + ":<impl x") is None
        assert named_by("x::<impl " + " for" * (5 * n) + " y") is None
        assert named_by("at " + "1:" * (10 * n) + "x") is None and named_by("at a:" + "1" * (20 * n) + ":1x") is None
        assert named_by('x\nFile "' + "/lib/python3/" * n + '", line 1, in f\nFile "/a/b.py", line 2, in g') == ["g"]
        assert named_by("x\nat f (" + "(node:" * (5 * n) + ")\nat g (/a.js:1:1)") == ["g"]
        assert named_by("a.py:1" * (4 * n) + ": in") is None and named_by("<function " + "a." * (10 * n)) is None
        assert named_by("at " + "a." * (10 * n) + "[b (x.js:1:1)") is None  # a V8 frame's bracketed name
        assert named_by("a," * (10 * n) + " = f(") is None and named_by("a" * (20 * n) + " := f(x") is None
        assert named_by("x = f()" + "?" * (20 * n)) == ["f"] and named_by("x = f()" + ".expect(" * (5 * n)) is None
        assert named_by("from " + "a." * (10 * n) + " import") is None and named_by("import {" + " " * (20 * n)) is None
        assert named_by("thread 'm' panicked at " + "a.rs:1" * (4 * n)) is None  # places alone, Python's names
        assert named_by("x.<locals>" * (2 * n) + " y") is None and named_by("| " * (10 * n) + "\nx") is None
        assert named_by("public " * (4 * n) + "x") is None and named_by("public T" + ", T" * (5 * n) + "x") is None
        assert named_by("func (a " * (4 * n)) is None and named_by("def f" + " " * (20 * n) + "x") is None
        for query in ("Error: " + "a" * (20 * n), "Error: " + "a " * (10 * n), "x = '" + "a'" * (10 * n),
                      "a: " + "'" * (20 * n)):
            holding_text(query, units, lambda path: "b" * 1000)
        for query in ("how " + "a" * (20 * n) + " x", "a_" * (10 * n) + "A b", "aB" * (10 * n) + "!"):
            name_tiers(query, units)

    assert_linear(read, 2_000)


def test_a_java_method_named_as_the_method_around_it_is_no_constructor():
    from leancode.search import standard_method

    # `run() { pool.submit(new Runnable() { public void run() { drainQueue(); } }); }` names the inner `Pool.run.run`
    [inner, constructor] = _units([("Pool.java", "Pool.run.run"), ("Pool.java", "Pool.Pool")], "java")
    assert (standard_method(inner), standard_method(constructor)) == ("", "constructor")
