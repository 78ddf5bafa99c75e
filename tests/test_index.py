"""The repository index and search, with the real packaged model, on a 36-function repository.

The repository is three standard-library modules. It is embedded once (module fixture);
each test works on a private copy whose cache already holds the vectors, so only what a
test changes is embedded again.
"""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import diskcache
import numpy as np
import pytest

from leancode import walk
from leancode.encoder import Encoder
from leancode.index import SafeDisk, UnsafeCacheValue, IndexCache, RepositoryIndex, unit_key
from leancode.search import SearchIndex, lexical_terms, rank, search
from leancode.units import extract_units
from leancode.walk import HEAD_BYTES, IGNORES_UNREAD, walk_repository

STDLIB = Path(sysconfig.get_paths()["stdlib"])
MODULES = ("textwrap.py", "shlex.py", "fnmatch.py")
QUERY = "wrap a paragraph of text into lines"
METHOD = "slimcode"  # model-agnostic simplification: needs no importance tables


def stdlib_units() -> list:
    return [u for name in MODULES for u in extract_units((STDLIB / name).read_text(encoding="utf-8"), "python")]


@pytest.fixture(scope="module")
def encoder():
    return Encoder(method=METHOD)


@pytest.fixture(scope="module")
def built(tmp_path_factory, encoder):
    """A repository of three stdlib modules and its index: the one full embedding run."""
    root = tmp_path_factory.mktemp("built") / "repo"
    root.mkdir()
    for name in MODULES:
        shutil.copy(STDLIB / name, root / name)
    stats = RepositoryIndex(root, encoder).update(progress=False)
    return root, stats


@pytest.fixture
def repo(built, tmp_path):
    """A private copy of the built repository, its index (and so its cached vectors) included."""
    root = tmp_path / "repo"
    shutil.copytree(built[0], root)
    return root


def names(index: RepositoryIndex) -> set[str]:
    return {u.qualified_name for u in index.units}


def test_index_then_search_finds_textwrap_wrap(built, encoder):
    root, stats = built
    units = stdlib_units()
    assert (stats.files, stats.files_parsed, stats.units) == (3, 3, len(units))
    assert stats.embedded == len({unit_key(u.code, u.language) for u in units}) and stats.reused == 0

    index = RepositoryIndex(root, encoder)  # a fresh reader: loads the snapshot, embeds nothing
    assert index.load() and index.vectors.shape == (len(units), encoder.dim)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1, atol=1e-4)
    for hybrid in (False, True):
        hits = search(index, QUERY, top=5, hybrid=hybrid)
        assert {"wrap", "TextWrapper.wrap"} & {h.unit.qualified_name for h in hits}, hits
        assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
        assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    wrap = next(h for h in search(index, QUERY, top=5) if h.unit.name == "wrap")
    line = (root / wrap.unit.path).read_text().splitlines()[wrap.unit.start_line]
    assert wrap.unit.path == "textwrap.py" and "def wrap(" in line
    assert {h.unit.path for h in search(index, "split a shell command", top=5, within="shlex.py")} == {"shlex.py"}

    index_dir = root / ".leancode"
    assert stat.S_IMODE(index_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((index_dir / "cache").stat().st_mode) == 0o700
    assert (index_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["config_key"] == encoder.config_key and manifest["model_id"] == encoder.model_id
    assert manifest["counts"]["units"] == len(units) and manifest["encoder"]["method"] == METHOD


def test_second_run_embeds_only_new_or_changed_functions(repo, encoder):
    index = RepositoryIndex(repo, encoder)
    again = index.update(progress=False)  # the copy's first: its manifest names the repository's new place
    assert (again.embedded, again.files_parsed) == (0, 0) and again.reused > 30
    # Nothing changed, nothing rewritten (a search updates first: a large index was written out at every search).
    written = [(index.index_dir / name).stat().st_mtime_ns for name in ("snapshot.npz", "manifest.json")]
    assert index.update(progress=False).reused == again.reused
    assert [(index.index_dir / name).stat().st_mtime_ns for name in ("snapshot.npz", "manifest.json")] == written

    (repo / "shlex.py").rename(repo / "shell_lexer.py")  # a move: nothing to embed or parse
    with open(repo / "fnmatch.py", "a") as module:  # one new function
        module.write("\n\ndef count_matches(names, pat):\n    return len(filter(names, pat))\n")
    text = (repo / "textwrap.py").read_text()  # one changed function
    (repo / "textwrap.py").write_text(text.replace("def shorten(", "def shorten_text("))
    stats = index.update(progress=False)
    assert stats.embedded == 2 and stats.files_parsed == 2
    assert {"count_matches", "shorten_text"} <= names(index) and "shorten" not in names(index)
    assert {u.path for u in index.units} == {"shell_lexer.py", "fnmatch.py", "textwrap.py"}


@pytest.mark.slow
def test_first_update_offers_partial_snapshots(repo, encoder, monkeypatch):
    import leancode.index

    shutil.rmtree(repo / ".leancode")  # nothing cached: everything is embedded, in chunks of 10
    monkeypatch.setattr(leancode.index, "EMBED_CHUNK", 10)
    seen = []
    stats = RepositoryIndex(repo, encoder).update(progress=False, partial=seen.append, partial_seconds=0)
    final = RepositoryIndex(repo, encoder)
    assert final.load()
    sizes = [len(snapshot.units) for snapshot in seen]
    assert len(seen) >= stats.embedded // 10 - 1 and sizes == sorted(sizes) and 0 < sizes[0] < len(final.units)
    for snapshot in seen:  # each partial is a consistent part of the final index
        assert snapshot.vectors.shape == (len(snapshot.units), encoder.dim)
        assert {u.key for u in snapshot.units} <= {u.key for u in final.units}
    reader = RepositoryIndex(repo, encoder)
    reader.serve(seen[0])
    assert len(reader.units) == sizes[0] and search(reader, QUERY, top=3)


def test_ignored_vendored_generated_binary_and_huge_files_are_skipped(repo, encoder):
    files = {
        ".gitignore": "ignored_dir/\n*.tmp.py\n",
        ".leancodeignore": "private/\n",
        "sub/.gitignore": "*.py\n!kept.py\n",  # nested, with a negation
        "sub/kept.py": "def kept_fn():\n    return 1\n",
        "sub/secret.py": "def secret_fn():\n    return 2\n",
        "ignored_dir/a.py": "def ignored_dir_fn():\n    pass\n",
        "scratch.tmp.py": "def scratch_fn():\n    pass\n",
        "private/p.py": "def private_fn():\n    pass\n",
        "node_modules/pkg/index.js": "function vendored_fn() { return 1; }\n",
        "vendor/lib/v.go": "package v\nfunc VendoredGo() {}\n",
        "build/lib/b.py": "def build_fn():\n    pass\n",
        "docs/_build/html/_static/searchtools.js": "function sphinx_fn() { return 1; }\n",  # Sphinx's output
        "crate/Cargo.toml": "[package]\nname = \"crate\"\n",
        "crate/target/package/crate-0.1.0/src/lib.rs": "pub fn cargo_packaged_fn() {}\n",  # cargo's output
        "jobs/target/aim.py": "def target_fn():\n    return 3\n",  # a package named target: source
        "gen.py": "# Code generated by protoc-gen-go. DO NOT EDIT.\ndef generated_fn():\n    pass\n",
        "app.min.js": "function minified_fn(){return 1}\n",
        "types.d.cts": "export function cts_declared_fn() { return 1; }\n",  # declarations, as .d.ts
        "types.d.mts": "export function mts_declared_fn() { return 1; }\n",
        "plugin/isTomorrow.js": MINIFIED,  # a small minified bundle: one line, no newline
        "add.js": "export function add_days(date, amount) {\n  return new Date(date.getTime() + amount * 864e5);\n}\n",
        "huge.py": "def huge_fn():\n    pass\n" + "# padding\n" * 110_000,  # over 1 MB
    }
    for relative, text in files.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text)
    (repo / "blob.py").write_bytes(b"def binary_fn():\n    pass\n\0\x01\x02\0")

    index = RepositoryIndex(repo, encoder)
    stats = index.update(progress=False)
    found = names(index)
    assert {"kept_fn", "add_days", "target_fn"} <= found and stats.embedded == 3  # a short file of ordinary code too
    assert not found & {"secret_fn", "ignored_dir_fn", "scratch_fn", "private_fn", "vendored_fn", "VendoredGo",
                        "build_fn", "sphinx_fn", "cargo_packaged_fn", "generated_fn", "minified_fn", "huge_fn",
                        "binary_fn", "cts_declared_fn", "mts_declared_fn", "isTomorrow", "t", "e", "n"}
    assert stats.skipped["binary"] == 1 and stats.skipped["too large"] == 1 and stats.skipped["generated"] == 5
    assert ("plugin/isTomorrow.js", "generated") in stats.skipped_paths
    assert stats.skipped["ignored"] == 4 and stats.skipped["vendored or build directory"] == 5
    assert ("sub/secret.py", "ignored") in stats.skipped_paths and ("blob.py", "binary") in stats.skipped_paths


def test_a_file_of_more_functions_than_a_file_may_give_is_skipped_and_told(repo, encoder):
    from leancode.unit_records import MAX_FILE_UNITS

    (repo / "many.rs").write_text("".join(f"fn a{n}() {{}}\n" for n in range(MAX_FILE_UNITS + 1)))
    (repo / "few.rs").write_text("fn few() {}\n")
    index = RepositoryIndex(repo, encoder)
    with pytest.warns(UserWarning, match=r"many\.rs: skipped: too many functions \(5,001, more than the 5,000"):
        stats = index.update(progress=False)
    assert stats.skipped["too many functions"] == 1 and ("many.rs", "too many functions") in stats.skipped_paths
    assert "few" in names(index) and "a0" not in names(index)


ESBUILD_BUNDLE = """\
"use strict";
(() => {
  var __defProp = Object.defineProperty;

  // lib/locale/en-US/_lib/formatDistance.mjs
  var formatDistance = function formatDistance(token, count) {
    return token + count;
  };

  // lib/locale/en-US.mjs
  var enUS = { code: "en-US", formatDistance: formatDistance };
})();
"""
WEBPACK_BUNDLE = """\
(function(modules) { // webpackBootstrap
  function __webpack_require__(moduleId) {
    return modules[moduleId].call(module.exports, module, module.exports, __webpack_require__);
  }
})([function(module, exports) { exports.add = function add(a, b) { return a + b; }; }]);
"""


def test_bundler_output_is_generated_and_code_that_mentions_a_bundler_is_not():
    from leancode.walk import is_generated

    assert is_generated(ESBUILD_BUNDLE.encode()) and is_generated(WEBPACK_BUNDLE.encode())
    named_once = "// src/index.js\nexport function add(a, b) {\n  return a + b;\n}\n"
    same_name_twice = "// src/index.js\nexport function add(a, b) {\n  return a + b;\n}\n// src/index.js\n"
    asks_for_webpack = ("const runtimeRequire = typeof __webpack_require__ === 'function' ? "
                        "__non_webpack_require__ : require\nmodule.exports = load\nfunction load(dir) {\n"
                        "  return runtimeRequire(dir)\n}\n")
    assert not any(is_generated(text.encode()) for text in (named_once, same_name_twice, asks_for_webpack))
    webpack5 = ("/******/ (() => { // webpackBootstrap\n/******/ \tvar __webpack_modules__ = ({\n"
                "/***/ 12: ((module) => { module.exports = 1; })\n/******/ \t});\n/******/ })();\n")
    assert is_generated(webpack5.encode())
    # cordova-android's www/cordova.js: cordova-js's build, each module after `// file: <its source>`
    cordova_js = ("// Platform: cordova-android\n;(function() {\n// file: src/scripts/require.js\nvar require;\n"
                  "function build(module) { return module.exports; }\n// file: src/cordova.js\n"
                  "define('cordova', function (require, exports, module) {\n});\n})();\n")
    assert is_generated(cordova_js.encode())
    detector = Path(walk.__file__).read_bytes()  # it names webpack's markers in its patterns
    assert not is_generated(detector[:HEAD_BYTES])


def test_a_generated_files_marker_opens_its_line_and_prose_that_speaks_of_generated_code_is_none():
    # bitflags' hand-written src/example_generated.rs: "//! This module shows an example of code generated by the
    # macro." was taken for generated and left out
    from leancode.walk import is_generated

    assert not is_generated(b"//! This module shows an example of code generated by the macro.\nfn f() {}\n")
    # testify's hand-written suite/interfaces.go: a doc comment's sentence wrapping onto "// generated by 'go test'."
    assert not is_generated(b"// TestingSuite can store and return the current *testing.T context\n"
                            b"// generated by 'go test'.\ntype TestingSuite interface {}\n")
    assert all(is_generated(head) for head in (b"// Code generated by mockery v2.20.0. DO NOT EDIT.\npackage m\n",
                                               b"/* Code generated by cmd/cgo; edit at your own risk. */\npackage c\n",
                                               b"# Generated by Django 4.2 on 2023-04-01\nimport x\n"))


def test_a_long_line_of_one_string_literal_is_no_sign_of_generated_code():
    from leancode.walk import is_generated

    # gojsonschema's draft.go embeds each JSON meta-schema on one line of 2,500 characters: the file (and its
    # GetDraftVersion) was skipped as minified.
    schema = '{"id":"http://json-schema.org/draft-04/schema#",' + '"type":"object","properties":{},' * 100 + '}'
    draft = ("package gojsonschema\n\nvar drafts = []draftConfig{\n\t{\n\t\tVersion: Draft4,\n\t\tMetaSchema: `"
             + schema + "`,\n\t},\n}\n\nfunc GetDraftVersion(url string) *Draft {\n\treturn nil\n}\n")
    assert len(schema) > 2000 and not is_generated(draft.encode())
    quoted = "const table = '" + "a\\'b " * 500 + "';\nexport function lookup(k) {\n  return table[k];\n}\n"
    assert not is_generated(quoted.encode())  # an escaped quote does not end the literal
    code = "var a=" + "f(x)+g(y)+" * 300 + "1;\nfunction h() {}\n"  # a long line of code still is
    assert is_generated(code.encode())
    # a `"` that opens no string (a regular expression's) leaves the rest of its line code, not a literal
    minified = 'var quote = /"/g, ' + "alpha = first(value) + second(other), " * 80 + "b = 1;\nfunction h() {}\n"
    assert is_generated(minified.encode())


MINIFIED = ('!function(t,e){"object"==typeof exports&&"undefined"!=typeof module?module.exports=e():"function"=='
            'typeof define&&define.amd?define(e):(t="undefined"!=typeof globalThis?globalThis:t||self).plugin_isTom'
            'orrow=e()}(this,(function(){"use strict";return function(t,e,n){e.prototype.isTomorrow=function(){var '
            't="YYYY-MM-DD",e=n().add(1,"day");return this.format(t)===e.format(t)}}}));')


def test_files_of_languages_not_read_are_counted_by_language_and_a_repository_of_only_those_says_so(tmp_path,
                                                                                                     encoder):
    (tmp_path / "app" / "src").mkdir(parents=True)
    (tmp_path / "app" / "src" / "Main.kt").write_text('fun main() {\n    println("hi")\n}\n')
    (tmp_path / "app" / "src" / "Util.KT").write_text("fun twice(x: Int) = 2 * x\n")
    (tmp_path / "app" / "native.cpp").write_text("int twice(int x) { return 2 * x; }\n")
    (tmp_path / "app" / "generated.kt").write_text("fun f() {}\n")
    (tmp_path / "app" / ".gitignore").write_text("generated.kt\n")
    (tmp_path / "app" / "notes.md").write_text("# notes\n")
    with pytest.warns(UserWarning, match=r"no files in the languages LeanCode reads .*skipped: 1 in C\+\+, "
                                         r"2 in Kotlin"):
        stats = RepositoryIndex(tmp_path / "app", encoder).update(progress=False)
    assert stats.files == 0 and stats.skipped == {"in C++": 1, "in Kotlin": 2}  # the ignored one not counted
    (tmp_path / "app" / "src" / "util.py").write_text("def twice(x):\n    return 2 * x\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # files it reads: counted, no warning
        stats = RepositoryIndex(tmp_path / "app", encoder).update(progress=False)
    assert stats.files == 1 and stats.skipped == {"in C++": 1, "in Kotlin": 2}


def test_a_package_whose_code_is_all_in_dist_says_so_and_a_negation_indexes_it(tmp_path, encoder):
    root = tmp_path / "package"
    (root / "dist").mkdir(parents=True)
    (root / "dist" / "index.js").write_text("export function validate(value, schema) {\n"
                                            "  return schema.check(value);\n}\n")
    index = RepositoryIndex(root, encoder)
    with pytest.warns(UserWarning, match=r"no functions found outside .*: dist/; .*`!dist/` to .*\.leancodeignore"):
        stats = index.update(progress=False)
    assert stats.units == 0 and stats.skipped == {"vendored or build directory": 1}
    (root / ".leancodeignore").write_text("!dist/\n")  # a user's negation overrides the built-in skip
    stats = RepositoryIndex(root, encoder).update(progress=False)
    assert stats.files == 1 and names(RepositoryIndex(root, encoder)) == {"validate"}
    # The directory's code, not its minified bundles (js-yaml's dist/ ships both): those a file negation names.
    bundle = "".join(f"function f{i}(a,b){{return a+b*{i}}}" for i in range(400)) + "\n"
    (root / "dist" / "index.min.js").write_text(bundle)
    (root / "dist" / "index.umd.js").write_text(bundle)  # minified by its content, not its name
    stats = RepositoryIndex(root, encoder).update(progress=False)
    assert stats.files == 1 and stats.skipped == {"generated": 2}
    (root / ".leancodeignore").write_text("!dist/\n!dist/index.umd.js\n")
    assert RepositoryIndex(root, encoder).update(progress=False).files == 2
    (root / "dist" / "index.min.js").unlink(), (root / "dist" / "index.umd.js").unlink()
    (root / ".leancodeignore").write_text("!dist/\n")
    (root / ".gitignore").write_text("!dist/\n")  # only .leancodeignore says what leancode indexes
    (root / ".leancodeignore").unlink()
    with pytest.warns(UserWarning, match="no functions found"):
        assert RepositoryIndex(root, encoder).update(progress=False).files == 0


RUST_TESTS = """\
pub fn prepare(sql: &str) -> Statement {
    Statement::new(sql)
}

#[cfg(test)]
// rusqlite names its test modules `test`; any name is a test module under #[cfg(test)]
mod checks {
    fn prepare_a_statement() -> Statement {
        super::prepare("SELECT 1")
    }
}

impl Statement {
    pub fn column_count(&self) -> usize {
        self.columns.len()
    }

    // chrono's `Mdf::valid`: one function compiled for tests only
    #[cfg(test)]
    pub(super) fn valid(&self) -> bool {
        !self.sql.is_empty()
    }
}

#[cfg(test)]
impl Statement {
    fn expanded(&self) -> String {
        self.sql.clone()
    }
}

#[cfg(test)]
fn sample_statement() -> Statement {
    prepare("SELECT 1")
}
"""


def test_functions_in_a_rust_cfg_test_module_rank_as_tests(repo, encoder):
    (repo / "lib.rs").write_text(RUST_TESTS)
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    flagged = {u.qualified_name: u.test for u in index.units if u.path == "lib.rs"}
    assert flagged == {"prepare": False, "checks.prepare_a_statement": True, "Statement.column_count": False,
                       "Statement.valid": True, "Statement.expanded": True, "sample_statement": True}
    hits = search(index, "prepare a statement", top=len(index.units), within="lib.rs")
    names = [h.unit.qualified_name for h in hits]
    assert names[0] == "prepare" and set(names[:2]) == {"prepare", "Statement.column_count"}  # the tests after
    assert search(index, "prepare a statement", within="lib.rs", include_tests=True)[0].unit.test
    # The flag is kept by the snapshot; a snapshot written before it had the field still loads.
    assert {u.qualified_name for u in RepositoryIndex(repo, encoder).units if u.test} == {
        "checks.prepare_a_statement", "Statement.valid", "Statement.expanded", "sample_statement"}
    with np.load(repo / ".leancode" / "snapshot.npz") as data:
        arrays = dict(data)
    records = json.loads(bytes(arrays["units"]).decode())
    for record in records:
        del record["test"]
    arrays["units"] = np.frombuffer(json.dumps(records).encode(), dtype=np.uint8)
    np.savez(repo / ".leancode" / "snapshot.npz", **arrays)
    old = RepositoryIndex(repo, encoder)
    assert old.load() and not any(u.test for u in old.units)



def test_a_rust_module_gated_on_tests_among_other_conditions_is_test_code():
    # memchr's `#[cfg(all(test, feature = "std", not(miri)))] mod proptests` ranked first as code
    from leancode.search import gated_test_code

    code = ('#[cfg(all(test, feature = "std", not(miri)))]\nmod proptests {\n    fn suffix() {}\n}\n'
            "#[cfg(all(not(test), unix))]\nfn real() {}\n")
    gated = gated_test_code(code, "rust")
    assert [gated(line) for line in range(6)] == [True, True, True, True, False, False]


def test_the_index_tells_methods_from_nested_and_module_functions(repo, encoder):
    # the editor's workspace symbols marked every qualified name a method: `Store.load.parse_line`, Rust's
    # `tests.it_works`
    from leancode.index_store import IndexedUnit
    from leancode.server.features.search import is_method

    (repo / "store.py").write_text("class Store:\n    def load(self):\n        def parse_line(line):\n"
                                   "            return line\n        return 1\n\ndef top():\n    def inner():\n"
                                   "        return 2\n    return inner\n")
    (repo / "lib.rs").write_text("mod helpers {\n    fn trim(s: &str) -> &str { s }\n}\nstruct Weekday;\n"
                                 "impl Weekday {\n    fn from_str(s: &str) -> u8 { 1 }\n}\n")
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    flagged = {u.qualified_name: is_method(u) for u in index.units if u.path in ("store.py", "lib.rs")}
    assert flagged == {"Store.load": True, "Store.load.parse_line": False, "top": False, "top.inner": False,
                       "helpers.trim": False, "Weekday.from_str": True}
    kept = RepositoryIndex(repo, encoder).units  # the snapshot keeps the flag
    assert {u.qualified_name for u in kept if u.method and u.path in ("store.py", "lib.rs")} == {
        "Store.load", "Weekday.from_str"}
    # a snapshot written before the flag: by the qualified name, as before
    assert is_method(IndexedUnit("a.py", "m", "A.m", "python", 0, 1, "", "k")) is True


MARKED_TESTS = {"lib.rs": """\
pub fn pluralize(word: &str) -> String {
    format!("{}s", word)
}

#[test]
fn pluralize_a_word() {
    assert_eq!(pluralize("word"), "words");
}

#[tokio::test]
async fn pluralize_async() {
    assert_eq!(pluralize("cat"), "cats");
}

#[test_case("box", "boxes" ; "ending in x")]
fn pluralize_case(word: &str, plural: &str) {
    assert_eq!(pluralize(word), plural);
}
""", "Words.java": """\
class Words {
    static String pluralize(String word) { return word + "s"; }

    @Test
    void pluralizeAWord() { assertEquals("words", pluralize("word")); }
}
"""}


def test_functions_marked_as_tests_rank_as_tests_whatever_their_names(repo, encoder):
    for name, code in MARKED_TESTS.items():
        (repo / name).write_text(code)
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    flagged = {u.qualified_name: u.test for u in index.units if u.path in MARKED_TESTS}
    assert flagged == {"pluralize": False, "pluralize_a_word": True, "pluralize_async": True, "pluralize_case": True,
                       "Words.pluralize": False, "Words.pluralizeAWord": True}
    hits = search(index, "pluralize a word", top=len(index.units), within="lib.rs")
    assert [h.unit.qualified_name for h in hits][0] == "pluralize"

DOCUMENTED_JS = """\
/**
 * Sends the overdue invoice reminder email to the customer.
 */
export function remind(account) {
  return queue.push(account.id);
}

export function settle(account) {
  return queue.push(account.ref);
}
"""


DOCUMENTED_PY = '''def rotate_logs(folder, keep=5):
    """Delete all but the newest log files of a folder.

    Args:
        folder: where the logs are.
        keep: how many of the newest to keep.

    Examples:
        >>> rotate_logs("/var/log/app", keep=2)
    """
    for path in sorted(folder.glob("*.log"))[:-keep]:
        path.unlink()
'''


def test_a_python_docstring_is_embedded_as_its_first_sentence_and_searched_whole_by_bm25(repo, encoder):
    """A long docstring's Args: and Examples: sections would fill the encoder's window before the code: the index
    embeds its first sentence before the code, as other languages' doc comments, while BM25 reads every word."""
    (repo / "logs.py").write_text(DOCUMENTED_PY)
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    [unit] = extract_units(DOCUMENTED_PY, "python")
    assert unit.code_with_doc == ("# Delete all but the newest log files of a folder.\ndef rotate_logs(folder, keep=5):\n"
                                  "    for path in sorted(folder.glob(\"*.log\"))[:-keep]:\n        path.unlink()")
    [indexed] = [u for u in index.units if u.name == "rotate_logs"]
    assert indexed.key == unit_key(unit.code_with_doc, "python") and "newest" in indexed.terms.split()
    assert "many" in indexed.terms.split()  # a word of the Args: section ("how many"), for BM25 only


def test_a_doc_comment_outside_the_code_is_embedded_with_it(repo, encoder):
    """A Javadoc, JSDoc, Go or Rust doc comment stands before the code the index embeds, and is embedded with it,
    so a search for what the author wrote finds the function."""
    (repo / "billing.js").write_text(DOCUMENTED_JS)
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    [remind] = [u for u in index.units if u.name == "remind"]
    [unit] = [u for u in extract_units(DOCUMENTED_JS, "javascript") if u.name == "remind"]
    assert unit.code.startswith("function remind") and remind.key == unit_key(unit.code_with_doc, "javascript")
    assert unit.code_with_doc.startswith("// Sends the overdue invoice reminder email to the customer.\nfunction remind")
    hits = search(index, "email the customer a reminder about an overdue invoice", within="billing.js")
    assert hits[0].unit.name == "remind" and hits[0].unit.start_line == 3  # where the function itself starts


# An undocumented function's description where its hover finds it: a plain comment above it, and a TypeScript
# module's augmenting declaration (TipTap's `Commands` interface) that documents a command defined in the same file.
DESCRIBED_TS = """\
declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    reminders: {
      /** Sends the overdue invoice reminder email to the customer. */
      remind: (id: string) => ReturnType
    }
  }
}

export const commands = {
  remind: (id: string) => queue.push(id),
  settle: (id: string) => queue.push(id),
}

// Writes the paid invoices of the month to a CSV file.
export function exportPaid(rows: Row[]) {
  return rows.map(String)
}

export function exportDue(rows: Row[]) {
  return rows.map(String)
}
"""


def test_an_undocumented_function_is_embedded_with_the_line_its_hover_shows(repo, encoder):
    """A function with no doc comment of its own is embedded with what its hover shows of it, the documentation its
    file declares for it or the comment above it, so a search for what that says finds it rather than its twin."""
    (repo / "billing.ts").write_text(DESCRIBED_TS)
    units = {u.name: u for u in extract_units(DESCRIBED_TS, "typescript")}
    assert units["remind"].docstring is None and units["exportPaid"].docstring is None
    assert units["remind"].code_with_doc.startswith("// commands.remind\n// Sends the overdue invoice reminder email")
    assert units["exportPaid"].code_with_doc.startswith("// Writes the paid invoices of the month to a CSV file.\n")
    assert units["settle"].code_with_doc == "// commands.settle\n" + units["settle"].code  # nothing said of it
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    indexed = {u.name: u for u in index.units}
    assert all(indexed[name].key == unit_key(unit.code_with_doc, "typescript") for name, unit in units.items())
    assert search(index, "email the customer a reminder about an overdue invoice")[0].unit.name == "remind"
    assert search(index, "write this month's paid invoices as CSV")[0].unit.name == "exportPaid"


OWNED_PY = """\
class Celsius:
    def parse(self, text):
        return float(text.strip())


class Invoice:
    def parse(self, text):
        return float(text.strip())


def parse(text):
    return float(text.strip())
"""


def test_a_method_is_embedded_with_its_owner_named(repo, encoder):
    """A method cut out of its class does not name it, and a query does: the index embeds a line naming the method
    with its class before its code, so two classes' same-bodied `parse` tell apart (Go's methods name their receiver
    type already, and get no line)."""
    (repo / "money.py").write_text(OWNED_PY)
    units = {u.qualified_name: u for u in extract_units(OWNED_PY, "python")}
    assert units["Invoice.parse"].code_with_doc == "# Invoice.parse\n" + units["Invoice.parse"].code
    assert units["parse"].code_with_doc == units["parse"].code  # a function with no owner
    [go] = extract_units("package m\n\nfunc (w *Writer) Flush() error {\n\treturn nil\n}\n", "go")
    assert go.qualified_name == "Writer.Flush" and go.code_with_doc == go.code
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    hits = search(index, "parse the amount of an invoice", within="money.py")
    assert hits[0].unit.qualified_name == "Invoice.parse"  # without the line, the three read alike, Celsius first


def _vectors_by_key(index: RepositoryIndex) -> dict[str, np.ndarray]:
    return {u.key: v for u, v in zip(index.units, index.vectors)}


def test_truncated_vector_and_damaged_snapshot_are_rebuilt(repo, encoder):
    index_dir = repo / ".leancode"
    before = _vectors_by_key(RepositoryIndex(repo, encoder))
    wrap = next(u for u in RepositoryIndex(repo, encoder).units if u.qualified_name == "wrap")
    with sqlite3.connect(index_dir / "cache" / "cache.db") as db:
        changed = db.execute("UPDATE Cache SET value = substr(value, 1, 10) WHERE key = ?",
                             (f"vec:{encoder.config_key}:{wrap.key}",)).rowcount
    assert changed == 1
    (index_dir / "snapshot.npz").unlink()
    index = RepositoryIndex(repo, encoder)
    with pytest.warns(UserWarning, match="damaged entry"):
        stats = index.update(progress=False)
    assert stats.embedded == 1
    after = _vectors_by_key(index)
    assert after.keys() == before.keys()
    assert all(np.allclose(after[k], before[k], atol=1e-4) for k in before)

    snapshot = (index_dir / "snapshot.npz").read_bytes()
    (index_dir / "snapshot.npz").write_bytes(snapshot[:len(snapshot) // 2])  # a half-written snapshot
    index = RepositoryIndex(repo, encoder)
    with pytest.warns(UserWarning, match="damaged or inconsistent"):
        assert {h.unit.qualified_name for h in search(index, QUERY, top=5)} & {"wrap", "TextWrapper.wrap"}

    manifest = json.loads((index_dir / "manifest.json").read_text())
    manifest["counts"]["units"] += 1
    (index_dir / "manifest.json").write_text(json.dumps(manifest))
    index = RepositoryIndex(repo, encoder)
    with pytest.warns(UserWarning, match="manifest"):
        assert len(index.units) == len(before)
    assert json.loads((index_dir / "manifest.json").read_text())["counts"]["units"] == len(before)


def test_an_index_directory_removed_during_an_update_is_written_anew(repo, encoder):
    (repo / "extra.py").write_text("def double(x):\n    return 2 * x\n")

    def remove_the_index(stage, done, total):
        if stage == "embed" and done == 0:
            shutil.rmtree(repo / ".leancode")

    stats = RepositoryIndex(repo, encoder).update(progress=remove_the_index)
    assert stats.embedded == 1 and (repo / ".leancode" / "snapshot.npz").is_file()
    index = RepositoryIndex(repo, encoder)
    assert "double" in names(index) and index.update(progress=False).embedded == 0  # the snapshot holds every vector


@pytest.mark.slow
def test_garbage_cache_database_is_rebuilt(repo, encoder):
    index_dir = repo / ".leancode"
    before = _vectors_by_key(RepositoryIndex(repo, encoder))
    for name in os.listdir(index_dir / "cache"):
        if name.startswith("cache.db-"):
            (index_dir / "cache" / name).unlink()
    (index_dir / "cache" / "cache.db").write_bytes(os.urandom(4096))
    (index_dir / "snapshot.npz").unlink()
    index = RepositoryIndex(repo, encoder)
    with pytest.warns(UserWarning, match="corrupt"):
        stats = index.update(progress=False)
    assert stats.embedded == len(before) and stats.reused == 0
    after = _vectors_by_key(index)
    assert all(np.allclose(after[k], before[k], atol=1e-4) for k in before)
    assert RepositoryIndex(repo, encoder).update(progress=False).embedded == 0  # the rebuilt cache works


class Exploit:
    """Unpickling this creates a file: proof that a pickle was loaded."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (str(self.path), "w")


def test_pickles_are_never_stored_or_loaded(repo, encoder, tmp_path):
    cache = diskcache.Cache(str(tmp_path / "plain"), disk=SafeDisk)
    for value in ({"a": 1}, [1.0], np.zeros(3), 2**70):
        with pytest.raises(UnsafeCacheValue):
            cache.set("key", value)
    with pytest.raises(UnsafeCacheValue):
        cache.set(("tuple", "key"), b"value")
    cache.set("key", b"bytes")
    assert cache.get("key") == b"bytes"
    cache.close()

    # A pickled row put into the index's cache by someone else is never unpickled.
    sentinel = tmp_path / "unpickled"
    wrap = next(u for u in RepositoryIndex(repo, encoder).units if u.qualified_name == "wrap")
    key = f"vec:{encoder.config_key}:{wrap.key}"
    with diskcache.Cache(str(repo / ".leancode" / "cache")) as unsafe:  # diskcache's default Disk pickles
        unsafe.set(key, Exploit(sentinel))
    with diskcache.Cache(str(repo / ".leancode" / "cache"), disk=SafeDisk) as safe, \
            pytest.raises(UnsafeCacheValue):
        safe.get(key)
    with pytest.warns(UserWarning, match="unpickle"):
        assert IndexCache(repo / ".leancode" / "cache").get_vector(key, encoder.dim) is None
    assert not sentinel.exists()

    with diskcache.Cache(str(repo / ".leancode" / "cache")) as unsafe:
        unsafe.set(key, Exploit(sentinel))
    (repo / ".leancode" / "snapshot.npz").unlink()
    index = RepositoryIndex(repo, encoder)
    with pytest.warns(UserWarning, match="unpickle"):
        assert index.update(progress=False).embedded == 1
    assert not sentinel.exists()
    assert "wrap" in names(index)


def test_rank_on_any_codebase():
    vectors = np.eye(4, dtype=np.float32)
    index = SearchIndex(vectors, [lexical_terms(code, "python") for code in (
        "def parse_http_header(line): ...", "def wrapText(text): ...", "def add(a, b): ...", "def noop(): ...")])
    assert lexical_terms("parseHTTPResponse lines") == ["parse", "http", "response", "parsehttpresponse", "line"]
    assert rank(vectors[2], "anything", index, top=2)[0] == (2, 1.0)
    fused = rank(vectors[2], "wrap text", index, hybrid=True, top=4)
    assert {row for row, _ in fused[:2]} == {1, 2}  # dense's best and BM25's best lead the fusion
    mask = np.array([True, True, False, False])
    assert [row for row, _ in rank(vectors[2], "", index, top=4, mask=mask)] and \
        {row for row, _ in rank(vectors[2], "", index, top=4, mask=mask)} <= {0, 1}
    assert rank(vectors[0], "x", SearchIndex(np.zeros((0, 4), np.float32), []), top=3) == []


@pytest.mark.slow
def test_cli_index_then_search_json(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    for name in MODULES:
        shutil.copy(STDLIB / name, root / name)
    run = lambda *args: subprocess.run([sys.executable, "-m", "leancode.cli", *args], capture_output=True,
                                       text=True, timeout=300, cwd=tmp_path)
    indexed = run("index", str(root), "--method", METHOD)
    assert indexed.returncode == 0, indexed.stderr
    assert f"indexed {len(stdlib_units())} functions in 3 files" in indexed.stdout
    found = run("search", QUERY, "--path", str(root), "--top", "5", "--json")  # method from the manifest
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 5 and {"wrap", "TextWrapper.wrap"} & {h["qualified_name"] for h in hits}
    hit = next(h for h in hits if h["name"] == "wrap")
    assert hit["path"] == "textwrap.py" and isinstance(hit["score"], float) and hit["preview"]
    assert "def wrap(" in Path(hit["file"]).read_text().splitlines()[hit["line"] - 1]
    assert "rebuilding" not in found.stderr  # the search used the index as built


def test_the_preview_is_the_docs_first_sentence_not_a_tag():
    from leancode.index import parse_units

    code = ("/**\n * @name addDays\n * @category Day Helpers\n * @summary Add the specified number of days to the "
            "given date.\n */\nexport function addDays(date, amount) {\n  return date + amount;\n}\n"
            "/** @param {number} n */\nfunction twice(n) {\n  return 2 * n;\n}\n")
    previews = [u["preview"] for u in parse_units(code, "javascript")["units"]]
    assert previews == ["Add the specified number of days to the given date.", "function twice(n) {"]


def test_the_preview_of_a_docstring_of_fields_alone_is_what_the_hover_says():
    # schedule's `idle_seconds` was listed by search as ":return: Number of seconds until"
    from leancode.index import parse_units

    code = ('def idle_seconds():\n    """\n    :return: Number of seconds until\n        the next run.\n    """\n\n\n'
            'def empty(x):\n    """\n    :param x: the value\n    """\n')
    previews = [u["preview"] for u in parse_units(code, "python")["units"]]
    assert previews == ["Returns number of seconds until the next run.", "def empty(x):"]


def test_the_preview_is_the_hovers_line_from_the_comment_above_inherited_or_class_documentation():
    # neverthrow's `ResultAsync.then`, boltons' `LRI.get` and `Callpoint.__init__` were listed by their first code
    # line while the hover showed these
    from leancode.index import parse_units

    code = ("class ResultAsync {\n  // Makes ResultAsync implement PromiseLike\n  then(ok, fail) {\n"
            "    return this.p.then(ok, fail);\n  }\n}\n")
    previews = [u["preview"] for u in parse_units(code, "javascript")["units"]]
    assert previews == ["Makes ResultAsync implement PromiseLike"]
    code = ('class LRI(dict):\n    def get(self, key, default=None):\n        return self[key]\n\n\n'
            'class Callpoint:\n    """The Callpoint is a lightweight frame."""\n\n    def __init__(self, x):\n'
            '        self.x = x\n')
    previews = [u["preview"] for u in parse_units(code, "python")["units"]]
    assert previews[0].startswith("Return the value for key if key is in the dictionary")  # dict.get's
    assert previews[1] == "The Callpoint is a lightweight frame."


P_LIMIT_JS = ("export default function pLimit(concurrency) {\n  return [];\n}\n\n"
              "export function limitFunction(fn, option) {\n  return pLimit(option.concurrency);\n}\n")
P_LIMIT_TYPES = ("/**\nRun multiple promise-returning & async functions with limited concurrency.\n\n"
                 "@param concurrency - Concurrency limit.\n*/\n"
                 "export default function pLimit(concurrency: number): Limit;\n")


def test_a_javascript_files_declaration_file_describes_its_functions_and_a_change_to_it_is_indexed(repo, encoder):
    # p-limit, nanoid, dayjs: documented only in the index.d.ts beside index.js, whose functions were indexed, listed
    # and embedded with no description
    (repo / "index.js").write_text(P_LIMIT_JS)
    (repo / "index.d.ts").write_text(P_LIMIT_TYPES)
    index = RepositoryIndex(repo, encoder)
    index.update(progress=False)
    previews = {u.qualified_name: u.preview for u in index.units if u.language == "javascript"}
    assert previews == {"pLimit": "Run multiple promise-returning & async functions with limited concurrency.",
                        "limitFunction": "function limitFunction(fn, option) {"}
    (repo / "index.d.ts").write_text(P_LIMIT_TYPES + "/** Limits a function. */\n"
                                                     "export function limitFunction(): void;\n")
    stats = index.update(progress=False)
    assert stats.files_parsed == 1  # the JavaScript file again, itself unchanged
    assert {u.qualified_name: u.preview for u in index.units if u.language == "javascript"}["limitFunction"] \
        == "Limits a function."


@pytest.mark.parametrize("language, code, expected", [
    # an annotation on the declaration's line: the first body line was shown (`try {`)
    ("java", "class C {\n  /** {@inheritDoc} */\n  @Override public Date fromString(String value) {\n    try {\n"
             "      return parse(value);\n    } finally {}\n  }\n}\n", "public Date fromString(String value) {"),
    # an attribute over several lines: its second line was shown (`target_arch = "wasm32",`)
    ("rust", '#[cfg(all(\n    target_arch = "wasm32",\n    not(target_os = "wasi")\n))]\n'
             "fn from_local(x: u8) -> u8 {\n    x\n}\n", "fn from_local(x: u8) -> u8 {"),
    ("python", '@app.route(\n    "/users",\n    methods=["GET"],\n)\ndef users():\n    return []\n', "def users():"),
    # a comment after a decorator (pluggy's `@property  # type: ignore[misc]`) was shown as the function's line
    ("python", "@property  # type: ignore[misc]\ndef _hookimpls(self) -> list:\n    return self._x\n",
     "def _hookimpls(self) -> list:"),
    # parameters over several lines (cattrs, hashbrown): the signature, as the hover shows it, not `def f(`
    ("python", "def gen(\n    self, cl: type[T]\n) -> Callable[[T], dict]:\n    return cl\n",
     "def gen(self, cl: type[T]) -> Callable[[T], dict]"),
    ("rust", "unsafe fn prepare_resize(\n    &self,\n    capacity: usize,\n) -> Result<Self, E> {\n    todo!()\n}\n",
     "unsafe fn prepare_resize(&self, capacity: usize) -> Result<Self, E>"),
])
def test_the_preview_without_documentation_is_the_declarations_line(language, code, expected):
    from leancode.index import parse_units

    assert [u["preview"] for u in parse_units(code, language)["units"]] == [expected]


def test_a_rust_doc_comment_reads_across_blank_lines_as_rustdoc_does():
    # chrono's `DateTime::from_local`: a blank line inside its example; only the lines below it were read, so the
    # preview and the embedded sentence were `assert_eq!(...)`
    from leancode.index import parse_units

    code = ("/// Makes a new `DateTime` with given local datetime and offset.\n///\n/// ```\n/// let a = 1;\n\n"
            "/// assert_eq!(a, 1);\n/// ```\n#[inline]\npub fn from_local(x: u8) -> u8 {\n    x\n}\n")
    [unit] = parse_units(code, "rust")["units"]
    assert unit["preview"] == "Makes a new DateTime with given local datetime and offset."
    assert unit["code"].startswith("/// Makes a new DateTime with given local datetime and offset.\n#[inline]")


@pytest.mark.parametrize("planted", ["symlink", "fifo", "directory"])
def test_an_ignore_file_that_cannot_be_read_is_told_not_passed_over(tmp_path, planted):
    (tmp_path / "repo").mkdir()
    repo = tmp_path / "repo"
    (repo / "kept.py").write_text("def kept():\n    return 1\n")
    (tmp_path / "rules").write_text("kept.py\n")
    {"symlink": lambda p: p.symlink_to(tmp_path / "rules"), "fifo": os.mkfifo,
     "directory": lambda p: p.mkdir()}[planted](repo / ".gitignore")
    skipped = []
    found = [relative for relative, *_ in walk_repository(repo, lambda *told: skipped.append(told))]
    assert found == ["kept.py"]  # its rules are not applied: nothing is left out by them
    assert [(path, reason) for path, reason, _ in skipped] == [(".gitignore", IGNORES_UNREAD)]


def test_progress_counts_the_files_scanned(tmp_path, encoder):
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(f"def {name[0]}(x):\n    return x\n")
    told: list[tuple[str, int]] = []
    RepositoryIndex(tmp_path, encoder).update(progress=lambda stage, done, total: told.append((stage, done)))
    assert [done for stage, done in told if stage == "scan"] == [0, 1, 2]


def test_hits_in_a_file_modified_since_indexing_are_checked_with_one_parse_of_it(tmp_path, monkeypatch):
    import leancode.index as index_module
    from leancode.index import parse_units, since_indexing
    from leancode.index_store import indexed_unit

    source = tmp_path / "m.py"
    source.write_text("def first():\n    return 1\n\n\ndef second():\n    return 2\n")
    units = [indexed_unit("m.py", record) for record in parse_units(source.read_text(), "python")["units"]]
    parsed = []
    real = index_module.parse_units_in_worker
    monkeypatch.setattr(index_module, "parse_units_in_worker", lambda code, language: parsed.append(language)
                        or real(code, language))
    assert [since_indexing(source, 0.0, unit) for unit in units] == [None, None]  # modified since, the same code
    assert parsed == ["python"]
    source.write_text("\n" + source.read_text() + "\n")  # both moved a line down: changed
    assert [since_indexing(source, 0.0, unit) for unit in units] == ["changed", "changed"] and len(parsed) == 2


def test_memory_running_out_while_loading_is_no_damage(repo, encoder, monkeypatch):
    """Short of memory, the index is not called damaged (and rebuilt next time): the error is the machine's."""
    index = RepositoryIndex(repo, encoder)

    def short_of_memory():
        raise MemoryError

    monkeypatch.setattr(index, "_read_snapshot", short_of_memory)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "damaged or inconsistent" warning
        with pytest.raises(MemoryError):
            index.load()
