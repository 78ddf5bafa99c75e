"""Mining JavaScript, TypeScript, Go and Rust: doc-comment summaries, cleaning rules, and real packages.

The `slow` tests fetch one small real package per language with the fetcher `leancode-train mine` uses
(npm, Debian's Go and Rust packages: the registries this project may reach) and mine it.
"""

from pathlib import Path, PurePosixPath

import pytest

from leancode.docstrings import first_sentence
from leancode.training.cleaning import file_problem, summary_problem, unit_problem
from leancode.training.fetch import Fetcher
from leancode.training.mine_source import mine_source
from leancode.units import extract_units


@pytest.mark.parametrize("docstring, language, summary", [
    ("Get issues a GET to the specified URL. If the response is one of the following\nredirect codes, Get follows.",
     "go", "Get issues a GET to the specified URL."),
    ("go:noinline\nAdd adds x and y.", "go", "Add adds x and y."),
    ("Returns the [`Span`](crate::Span) of this `token`, **if** any.\n\n# Examples\n```\nlet s = t.span();\n```",
     "rust", "Returns the Span of this token, if any."),
    ("# Panics\nPanics when empty.", "rust", "Panics when empty."),
    ("Creates an array of `values` by running each element in\n{@link collection} thru iteratee.\n@param {Array} x",
     "javascript", "Creates an array of values by running each element in collection thru iteratee."),
    ("Parses the input. See {@link Parser#parse | the parser}.\n\n@returns the tree", "typescript",
     "Parses the input."),
])
def test_doc_comment_first_sentence(docstring, language, summary):
    assert first_sentence(docstring, language) == summary


@pytest.mark.parametrize("path, reason", [
    ("src/__tests__/util.js", "test_file"), ("lib/util.spec.ts", "test_file"), ("src/util.test.mjs", "test_file"),
    ("net/http/server_test.go", "test_file"), ("benches/parse.rs", "test_file"), ("tests/it.rs", "test_file"),
    ("dist/index.js", "built_copy"), ("esm/index.mjs", "built_copy"), ("node_modules/a/index.js", "vendored"),
    ("src/index.ts", None), ("net/http/server.go", None), ("src/lib.rs", None), ("dist/tool.py", None),
])
def test_file_rules(path, reason):
    assert file_problem(PurePosixPath(path)) == reason


@pytest.mark.parametrize("code, language, name", [
    ("class A {\n  /** Makes an A. */\n  constructor(x) {\n    this.x = x;\n    this.y = 2 * x;\n  }\n}\n",
     "javascript", "constructor"),
    ("// String formats the box.\nfunc (b Box) String() string {\n\treturn fmt.Sprint(b.w, b.h)\n}\n", "go", "String"),
    ("impl fmt::Display for Box {\n    /// Formats the box.\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {"
     "\n        write!(f, \"{}\", self.w)\n    }\n}\n", "rust", "fmt"),
])
def test_constructors_and_standard_methods_are_dropped(code, language, name):
    unit = next(u for u in extract_units(code, language) if u.name == name)
    assert unit_problem(unit) == "special_method"


# One small real package per language: (language, fetcher method, package, the least pairs expected).
PACKAGES = [
    ("go", "build_go_module", "golang-github-pkg-errors-dev", 5),
    ("rust", "build_rust", "either", 20),
    ("javascript", "build_npm", "semver", 5),
    ("typescript", "build_npm", "@tanstack/form-core", 20),
]


@pytest.mark.slow
@pytest.mark.parametrize("language, method, package, least", PACKAGES)
def test_a_real_package_mines(language, method, package, least, tmp_path):
    fetcher = Fetcher(tmp_path / "sources", print, tmp_path)
    fetcher.fetch(language, package, lambda sink, tmp: getattr(fetcher, method)(package, sink, tmp))
    assert not fetcher.failures, fetcher.failures
    root = next(p for p in (tmp_path / "sources" / language).iterdir() if not p.name.startswith("."))
    result = mine_source(root, language, package=package)
    assert len(result.pairs) >= least, (result.functions, dict(result.drops))
    assert result.drops["no_docstring"] > 0  # undocumented functions exist in every real package, and are dropped
    for pair in result.pairs:
        assert summary_problem(pair.summary) is None
        assert file_problem(PurePosixPath(pair.path)) is None
        assert pair.summary.split()[0] not in ("///", "//", "/**", "*", "@param")
        unit = next(u for u in extract_units((root / pair.path).read_text(), language)
                    if u.scoped_name == pair.name)  # mined by its scopes
        assert unit.docstring and pair.summary[:20] in " ".join(unit.docstring.split()) \
            or first_sentence(unit.docstring, language) == pair.summary
        assert pair.code == unit.code_without_docstring.strip("\n")
        assert unit.docstring.splitlines()[0].strip() not in pair.code  # the doc comment is not in the code
