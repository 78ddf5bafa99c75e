"""The `leancode` command line, run as a user runs it."""

import json
import os
import re
import subprocess
import sys

import pytest

from leancode.cli import main

from snippets import SNIPPETS


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "leancode.cli", *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


@pytest.fixture
def java_file(tmp_path):
    path = tmp_path / "Finder.java"
    path.write_text("class Finder {\n" + SNIPPETS["java"] + "\n  int size() { return size; }\n}\n")
    return path


def test_simplify_file_prints_each_function(java_file):
    done = run("simplify", str(java_file), "--ratio", "0.5", "--method", "slimcode")
    assert done.returncode == 0, done.stderr
    assert "Finder.indexOf" in done.stdout and "Finder.size" in done.stdout
    assert "\x1b[" not in done.stdout  # not a terminal: no colour
    counts = [tuple(map(int, m)) for m in re.findall(r"(\d+) -> (\d+) model tokens", done.stdout)]
    assert len(counts) == 2 and all(after <= before / 2 + 3 for before, after in counts)


def test_simplify_one_function_with_budget_and_colour(java_file, capsys):
    assert main(["simplify", str(java_file), "--function", "size", "--budget", "4", "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "Finder.size" in out and "indexOf" not in out
    assert "\x1b[2m" in out  # removed tokens dimmed in place


def test_ratio_zero_prints_code_unchanged(tmp_path, capsys):
    path = tmp_path / "walk.go"
    path.write_text(SNIPPETS["go"])
    assert main(["simplify", str(path), "--ratio", "0"]) == 0
    function = SNIPPETS["go"].split("\n", 1)[1]  # the doc comment is not part of the unit
    assert function.strip() in capsys.readouterr().out


def test_batch_mode(tmp_path):
    records = [{"idx": f"c-{i}", "code": code, "language": language} for i, (language, code) in
               enumerate(SNIPPETS.items())]
    records.append({"idx": "bad-language", "code": "x", "language": "cobol"})
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records) + "{not json\n")
    target = tmp_path / "out.jsonl"
    done = run("simplify", "--input", str(source), "--output", str(target), "--ratio", "0.3",
               "--method", "leancode")
    assert done.returncode == 1 and "2 line(s) could not be simplified" in done.stderr
    out = [json.loads(line) for line in target.read_text().splitlines()]
    assert [o["idx"] for o in out] == [r["idx"] for r in records] + [None]  # nothing lost
    assert "supported" in out[-2]["error"] and out[-1]["input"] == "{not json"
    for record, result in zip(records, out[:-2]):
        assert "".join(result["tokens"]) == re.sub(r"\s+", "", record["code"])
        assert result["kept"] == sorted(result["kept"])
        assert result["model_tokens"] - result["model_tokens_kept"] >= round(0.3 * result["model_tokens"])


def test_batch_writes_a_lone_surrogate_escaped_and_goes_on(tmp_path):
    # Half a UTF-16 pair is valid in a JSON string but UTF-8 cannot write it: the line used to end the whole batch.
    code = "def f(x):\n    return '\ud800' + x\n"
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"idx": i, "code": c, "language": "python"}) + "\n"
                              for i, c in enumerate([code, "def g():\n    return 'é'\n"])))
    done = run("simplify", "--input", str(source), "--output", str(tmp_path / "out.jsonl"), "--ratio", "0")
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "out.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["code"] for line in lines] == [code, "def g():\n    return 'é'\n"]
    assert "\\ud800" in lines[0] and "é" in lines[1]  # escaped only where UTF-8 cannot hold the text


def test_errors_are_clear(tmp_path):
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello")
    for args, message in [
        ((str(binary),), "binary"),
        ((str(unknown),), "--language"),
        ((str(tmp_path / "missing.py"),), "No such file"),
        ((str(unknown), "--language", "python", "--function", "nope"), "no function named"),
    ]:
        done = run("simplify", *args)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    done = run("simplify", str(unknown), "--ratio", "2")
    assert done.returncode == 2 and "between 0 and 1" in done.stderr


def test_closed_pipe_ends_quietly(java_file):
    # `leancode simplify FILE | head -0`: the reader is gone before anything is written.
    process = subprocess.Popen([sys.executable, "-m", "leancode.cli", "simplify", str(java_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert "error" not in stderr and "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_batch_to_standard_output_succeeds_and_names_bad_lines_plainly(tmp_path):
    good = json.dumps({"idx": "a", "code": SNIPPETS["python"], "language": "python"})
    lines = [good, json.dumps({"idx": "b", "language": "python"}), "[1, 2]", "{not json"]
    for output in ([], ["--output", "-"]):  # standard output, by default or as "-"
        done = run("simplify", "--input", "-", *output, stdin=good + "\n")
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert json.loads(done.stdout)["idx"] == "a"
    assert not (tmp_path / "-").exists()
    done = run("simplify", "--input", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 1 and "I/O operation" not in done.stderr
    errors = [json.loads(line).get("error") for line in done.stdout.splitlines()]
    assert errors[0] is None and "no 'code' field" in errors[1] and "JSON object" in errors[2]
    assert errors[3].startswith("not a JSON line")
    assert "KeyError" not in done.stderr and "'code'" not in errors[1].split("no ")[0]


def test_clear_errors_for_directories_empty_queries_and_bad_numbers(tmp_path, capsys):
    assert main(["summarize", str(tmp_path)]) == 2
    assert main(["simplify", str(tmp_path), "--language", "python"]) == 2
    assert main(["search", "   ", "--path", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("is a directory; give a source file") == 2 and "the query is empty" in err
    assert main(["search", "round", "--repo", str(tmp_path)]) == 2  # a new user's guess at naming the repository
    assert f"name its folder: leancode search QUERY {tmp_path}" in capsys.readouterr().err
    for bad in (["--threads", "0"], ["--ratio", "1"]):
        with pytest.raises(SystemExit):
            main(["search", "x", "--path", str(tmp_path), *bad])
    assert "must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["summarize", str(tmp_path / "m.py"), "--beams", "0"])
    assert "--beams: must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # as `simplify` takes them too (it printed empty functions)
        main(["simplify", str(tmp_path / "m.py"), "--budget", "0"])
    assert "--budget: must be at least 1" in capsys.readouterr().err
    for command, bad, told in ((["summarize", "m.py"], "1", "leaving the model nothing to read"),
                               (["simplify", "m.py"], "1", "leaving the model nothing to read"),
                               (["search", "x"], "abc", "ratio must be a number between 0 and 1, got 'abc'")):
        with pytest.raises(SystemExit):
            main([*command, "--ratio", bad])
        assert told in capsys.readouterr().err
    assert main(["search", "x", str(tmp_path / "missing")]) == 2  # the folder as `leancode index` takes it
    assert main(["search", "x", str(tmp_path), "--path", str(tmp_path / "sub")]) == 2
    assert main(["index", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("missing does not exist") == 2 and "two places to search" in err
    (tmp_path / "model").mkdir()
    (tmp_path / "m.py").write_text("def f(x):\n    return x * 2\n")  # undocumented: the model is loaded
    assert main(["summarize", str(tmp_path / "m.py"), "--model", str(tmp_path / "model")]) == 2
    assert "not a model directory (no config.json)" in capsys.readouterr().err


def test_search_without_update_needs_an_index(tmp_path, capsys):
    (tmp_path / "m.py").write_text("def f():\n    return 1\n")
    assert main(["search", "one", "--path", str(tmp_path), "--no-update"]) == 2
    assert "no index of" in capsys.readouterr().err and not (tmp_path / ".leancode").exists()


def test_a_read_only_checkout_is_searched_as_indexed_and_indexing_it_says_where_else(tmp_path, capsys, monkeypatch):
    import errno

    import leancode.index

    (tmp_path / "m.py").write_text("def escape_html(text):\n    return text.replace('<', '&lt;')\n")
    assert main(["index", str(tmp_path)]) == 0
    (tmp_path / "m.py").write_text("def escape_html(text):\n    return text.replace('>', '&gt;')\n")

    def read_only(path):  # what a read-only mount answers (a test as root cannot be refused by permissions)
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(leancode.index, "safe_mkdir", read_only)
    capsys.readouterr()
    assert main(["search", "escape html", "--path", str(tmp_path), "--json"]) == 0
    captured = capsys.readouterr()
    assert [(h["name"], h["stale"]) for h in json.loads(captured.out)] == [("escape_html", "changed")]
    assert "cannot be written (Read-only file system): searching it as it was last written" in captured.err
    assert main(["index", str(tmp_path)]) == 2
    assert "cannot be written (Read-only file system): --index-dir DIR" in capsys.readouterr().err


def test_a_method_is_printed_as_its_own_text_and_found_by_its_tail(tmp_path, capsys):
    path = tmp_path / "Cache.java"
    path.write_text("class Cache {\n  static class Inner {\n    void run() {\n      work();\n    }\n  }\n}\n")
    assert main(["simplify", str(path), "--function", "Inner.run", "--method", "none"]) == 0
    assert "void run() {\n  work();\n}" in capsys.readouterr().out  # dedented as a whole
    assert main(["simplify", str(path), "--function", "Inner.rnu"]) == 2
    assert "did you mean Cache.Inner.run?" in capsys.readouterr().err


def test_index_settings_chosen_by_the_user_persist_until_default(tmp_path):
    from leancode.cli import _encoder, build_parser
    from leancode.index_store import built_settings

    assert built_settings({"encoder": {"ratio": 0.2}, "encoder_chosen": True}) == {"ratio": 0.2}
    assert built_settings({"encoder": {"ratio": 0.2}}) == {}  # an old manifest: 0.2 was every index's default
    with pytest.warns(UserWarning, match=r'invalid encoder settings \{"ratio": 1\} ignored'):  # all tokens removed
        assert built_settings({"encoder": {"ratio": 1}, "encoder_chosen": True}) == {}
    args = build_parser().parse_args(["index", str(tmp_path), "--ratio", "default"])
    assert _encoder(args, {"encoder": {"ratio": 0.5}, "encoder_chosen": True}).ratio is None
    args = build_parser().parse_args(["index", str(tmp_path)])
    assert _encoder(args, {"encoder": {"ratio": 0.5}, "encoder_chosen": True}).ratio == 0.5


def test_an_index_records_its_importance_table_and_serves_no_other(tmp_path, capsys):
    """`leancode index --table DIR`: the manifest names the table and the cache key holds it, so a search with
    another table, or with the shipped ones, is not served this index; as a model, the table is never taken from
    the index directory, and a search without --table says which one it was built with."""
    import shutil

    from leancode.importance import ImportanceTable, default_table_dir

    table = tmp_path / "table"
    shutil.copytree(default_table_dir("python"), table)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "m.py").write_text("def escape_html(text):\n    return text.replace('&', '&amp;')\n")
    assert main(["index", str(repo), "--table", str(table)]) == 0
    manifest = json.loads((repo / ".leancode" / "manifest.json").read_text())
    assert manifest["table"] == str(table) and "+table@" in manifest["config_key"]
    search = ["search", "escape html", "--path", str(repo), "--no-update"]
    capsys.readouterr()
    assert main([*search, "--table", str(table)]) == 0 and "escape_html" in capsys.readouterr().out
    assert main(search) == 2
    err = capsys.readouterr().err
    assert f"built with the importance table {table}" in err and "no usable index" in err
    changed = ImportanceTable.load(table)
    changed.overall = (changed.overall[0] + 1, changed.overall[1])
    changed.save(table)
    assert main([*search, "--table", str(table)]) == 2 and "no usable index" in capsys.readouterr().err


def test_summarize_describes_overload_stubs_by_their_implementation(tmp_path, capsys):
    path = tmp_path / "deco.py"
    path.write_text("import typing as t\n\n@t.overload\ndef command(name: str) -> int: ...\n\n"
                    "@t.overload\ndef command(name: None = None) -> str: ...\n\n"
                    "def command(name=None):  # the one that runs\n"
                    "    \"\"\"Create a new command. More words.\"\"\"\n    return name\n")
    assert main(["summarize", f"{path}:4", f"{path}:7", "--json"]) == 0  # each stub by its line
    found = json.loads(capsys.readouterr().out)
    assert [(s["line"], s["summary"], s["source"]) for s in found] == [(3, "Create a new command.", "documentation"),
                                                                       (6, "Create a new command.", "documentation")]
    assert main(["summarize", f"{path}:command", "--json"]) == 0  # by name: the implementation once (was per stub)
    [found] = json.loads(capsys.readouterr().out)
    assert (found["line"], found["summary"]) == (9, "Create a new command.")
    assert found["signature"] == "def command(name=None)"  # no trailing comment


TS_DECLARED = ("/** Parse a value into a number. */\nexport function parse(x: string): number;\n"
               "export function parse(x: number): number;\nexport function parse(x: any): number {\n"
               "  return Number(x);\n}\n\nexport interface Store {\n  /** Read the value stored under a key. */\n"
               "  get(key: string): string | undefined;\n  get(key: number): string;\n}\n")


@pytest.mark.parametrize("target, expected", [
    ("2", ["2 parse: Parse a value into a number."]),  # a documented overload signature: its own
    ("1", ["2 parse: Parse a value into a number."]),  # its doc comment
    ("3", ["4 parse: Parse a value into a number."]),  # an undocumented one stands for its implementation
    ("10", ["10 Store.get: Read the value stored under a key."]),  # an interface's method
    ("9", ["10 Store.get: Read the value stored under a key."]),
    ("Store.get", ["10 Store.get: Read the value stored under a key.",
                   "11 Store.get: Read the value stored under a key."]),
    ("11", ["11 Store.get: Read the value stored under a key."]),  # a later overload: the first one's (was none)
    ("", ["2 parse: Parse a value into a number.", "4 parse: Parse a value into a number.",
          "10 Store.get: Read the value stored under a key.", "11 Store.get: Read the value stored under a key."]),
    # the whole file: the implementation once
])
def test_summarize_finds_declarations_without_a_body(tmp_path, capsys, target, expected):
    # An interface's method and an overload signature are no units: `summarize FILE:LINE` on them found nothing.
    path = tmp_path / "parse.ts"
    path.write_text(TS_DECLARED)
    assert main(["summarize", f"{path}:{target}"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{path}:{line} [documentation]" for line in expected]


def test_summarize_finds_a_function_by_another_name_bound_to_it(tmp_path, capsys):
    # sortedcontainers' `bisect = bisect_right` in SortedList: "no function named 'SortedList.bisect'", "no function at"
    path = tmp_path / "sortedlist.py"
    path.write_text('class SortedList:\n    def bisect_right(self, value):\n'
                    '        """Return an index to insert value."""\n'
                    "        return 0\n\n    bisect = bisect_right\n\n\nbisect = 3\n")
    for target in ("SortedList.bisect", "bisect", "6"):
        assert main(["summarize", f"{path}:{target}"]) == 0
        assert capsys.readouterr().out == f"{path}:2 SortedList.bisect_right: Return an index to insert value. " \
                                          "[documentation]\n", target
    assert main(["summarize", f"{path}:9"]) == 2  # a module's `bisect = 3` binds no function
    assert "no function at" in capsys.readouterr().err


def test_summarize_reads_an_overload_signature_of_tags_alone_as_undocumented_and_names_nested_ones(tmp_path, capsys):
    # true-myth: an overload whose JSDoc holds only `@param` showed "no docstring" where one without any showed the
    # implementation's; overload signatures nested in `mapOr` were named `partialOp`, their implementation
    # `mapOr.partialOp`
    path = tmp_path / "make.ts"
    path.write_text("/** Create a thing. */\nexport function make(): string;\n/**\n  @param value The value.\n */\n"
                    "export function make(value: number): string;\nexport function make(value?: number): string {\n"
                    "  return String(value);\n}\nexport function mapOr(x: number) {\n"
                    "  function partialOp(a: string): string;\n  function partialOp(a: any): any { return a; }\n"
                    "  return partialOp(x);\n}\n")
    assert main(["summarize", f"{path}:6", f"{path}:11", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(s["line"], s["name"], s["summary"]) for s in found] == [(7, "make", "Create a thing."),
                                                                     (12, "mapOr.partialOp", "")]


def test_summarize_reads_a_javascript_functions_documentation_from_its_declaration_file(tmp_path, capsys):
    # nanoid, p-limit, dayjs's builds: documented in the .d.ts beside the .js (where TypeScript reads it); summarize
    # said "no docstring". A symlinked declaration file is not followed; a .mjs file's is its .d.mts.
    (tmp_path / "index.js").write_text("export function nanoid(size) {\n  return '';\n}\n")
    (tmp_path / "index.d.ts").write_text("/**\n * Generate secure URL-friendly unique ID.\n *\n * @param size Size.\n"
                                         " */\nexport function nanoid(size?: number): string\n")
    (tmp_path / "esm.mjs").write_text("export function nanoid(size) {\n  return '';\n}\n")
    (tmp_path / "esm.d.mts").write_text("/** Make an ID. */\nexport function nanoid(size?: number): string\n")
    (tmp_path / "linked.js").write_text("export function nanoid(size) {\n  return '';\n}\n")
    (tmp_path / "linked.d.ts").symlink_to(tmp_path / "index.d.ts")
    targets = [f"{tmp_path / name}:nanoid" for name in ("index.js", "esm.mjs", "linked.js")]
    assert main(["summarize", *targets, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(s["summary"], s["source"]) for s in found] == [
        ("Generate secure URL-friendly unique ID.", "documentation"), ("Make an ID.", "documentation"),
        ("", "not generated")]


def test_summarize_takes_a_class_as_its_methods(tmp_path, capsys):
    # pluggy: `summarize src/pluggy/_manager.py:PluginManager` said "no function named 'PluginManager'"
    path = tmp_path / "m.py"
    path.write_text('class PluginManager:\n    def register(self, plugin):\n        """Register a plugin."""\n'
                    '        return 1\n\n    def unregister(self, plugin):\n        """Unregister a plugin."""\n'
                    '        return 2\n\n\ndef other():\n    return 3\n')
    assert main(["summarize", f"{path}:PluginManager", "--json"]) == 0
    assert [(s["name"], s["summary"]) for s in json.loads(capsys.readouterr().out)] == [
        ("PluginManager.register", "Register a plugin."), ("PluginManager.unregister", "Unregister a plugin.")]


def test_summarize_takes_a_place_as_a_trace_writes_it_and_its_column_picks_on_a_minified_line(tmp_path, capsys):
    # mitt's dist/mitt.mjs is one line of four functions: `:1` gave the last; `FILE:1:150`, as a Node frame writes a
    # place, was "neither a line number nor a function's name"
    path = tmp_path / "mitt.js"
    path.write_text("export default function mitt(all){return{on:function(t,h){return 1},"
                    "emit:function(t,e){return 3}}}\n")
    for place, name in (("1:75", "mitt.emit"), ("1:50", "mitt.on"), ("1:5", "mitt"), ("1", "mitt.emit")):
        assert main(["summarize", f"{path}:{place}", "--json"]) == 0
        assert [s["name"] for s in json.loads(capsys.readouterr().out)] == [name], place
    assert main(["summarize", f"{path}:1:0"]) == 2
    assert "numbered from 1" in capsys.readouterr().err
    # an ES module's frame writes its place as a URL (superjson's `at copyObject (file:///app/dist/util.js:42:38)`)
    assert main(["summarize", f"{path.as_uri()}:1:75", "--json"]) == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == ["mitt.emit"]


def test_summarize_takes_a_rust_trait_implementation_as_search_does(tmp_path, capsys):
    # smallvec: `search "impl Drop for SmallVec"` found SmallVec::drop; summarize said "neither a line number nor a
    # function's name"
    path = tmp_path / "lib.rs"
    path.write_text("pub struct SmallVec;\nimpl Drop for SmallVec {\n    fn drop(&mut self) {}\n}\n"
                    "impl SmallVec {\n    /// Grows it.\n    pub fn grow(&mut self) {}\n}\n")
    for target in ("impl Drop for SmallVec", "Drop for SmallVec"):
        assert main(["summarize", f"{path}:{target}", "--json"]) == 0
        assert [(s["line"], s["name"]) for s in json.loads(capsys.readouterr().out)] == [(3, "SmallVec.drop")], target
    assert main(["summarize", f"{path}:Clone for SmallVec"]) == 2  # no such implementation
    assert "no function named 'Clone for SmallVec'" in capsys.readouterr().err


def test_summarize_names_the_closest_declaration(tmp_path, capsys):
    path = tmp_path / "store.go"
    path.write_text("package x\n\n// Store keeps values.\ntype Store interface {\n\t// Get reads the value under key."
                    "\n\tGet(key string) string\n}\n")
    assert main(["summarize", f"{path}:Store.Get", f"{path}:Store.Gett"]) == 2
    out, err = capsys.readouterr()
    assert out == f"{path}:6 Store.Get: Get reads the value under key. [documentation]\n"
    assert "no function named 'Store.Gett'" in err and "did you mean Store.Get?" in err


def test_summarize_takes_a_private_methods_name(tmp_path, capsys):
    # it suggested `Debouncer.#getWait`, then refused it as "neither a line number nor a function's name"
    path = tmp_path / "debouncer.ts"
    path.write_text("class Debouncer {\n  /** Returns the wait. */\n  #getWait(): number {\n    return 5;\n  }\n}\n")
    assert main(["summarize", f"{path}:Debouncer.#getWait", f"{path}:#getWait"]) == 0
    assert capsys.readouterr().out == f"{path}:3 Debouncer.#getWait: Returns the wait. [documentation]\n" * 2


def test_summarize_lists_no_method_of_a_type_written_inline(tmp_path, capsys):
    # go-cmp's `func Reporter(r interface{ PushStep(PathStep) ... })` listed PushStep as if a function of the file
    path = tmp_path / "report.go"
    path.write_text("package x\n\n// Reporter reports.\nfunc Reporter(r interface {\n\t// Push pushes.\n\tPush()\n}) {}\n")
    assert main(["summarize", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}:4 Reporter: Reporter reports. [documentation]\n"


def test_an_undocumented_constructor_shows_its_own_class_before_its_bases_constructor(tmp_path, capsys):
    # parsimonious's `Lookahead.__init__` showed `Compound.__init__`'s "members is a sequence of expressions."
    path = tmp_path / "expressions.py"
    path.write_text('class Compound:\n    def __init__(self, *members):\n        """members is a sequence."""\n\n\n'
                    'class Lookahead(Compound):\n    """An expression which consumes nothing."""\n\n'
                    '    def __init__(self, member):\n        super().__init__(member)\n')
    assert main(["summarize", f"{path}:Lookahead.__init__"]) == 0
    assert "An expression which consumes nothing. [documentation of its class `Lookahead`]" in capsys.readouterr().out


def test_a_search_given_the_path_before_the_query_says_the_query_comes_first(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "click").mkdir()
    assert main(["search", "click", "prompt"]) == 2
    assert "prompt does not exist (the query comes first: leancode search prompt click)" in capsys.readouterr().err


def test_summarize_tells_a_target_not_found_and_still_summarizes_the_others(tmp_path, capsys):
    path = tmp_path / "conf.py"
    path.write_text('def load(path):\n    """Read the settings file."""\n    return open(path).read()\n')
    assert main(["summarize", f"{path}:load", f"{path}:99", f"{tmp_path / 'missing.py'}:load", f"{path}:load"]) == 2
    out, err = capsys.readouterr()
    assert out.count("load: Read the settings file.") == 2
    assert "no function at" in err and "missing.py" in err and err.count("leancode: error:") == 2


def test_summarize_names_the_file_whose_syntax_errors_it_tells(tmp_path, capsys):
    # With several targets a bare "rust code has syntax errors from line 3" did not say which file.
    good, broken = tmp_path / "good.rs", tmp_path / "broken.rs"
    good.write_text("/// Adds one.\nfn inc(x: u8) -> u8 { x + 1 }\n")
    broken.write_text("/// Doubles.\nfn double(x: u8) -> u8 { x * 2 }\nfn half( {\n")
    assert main(["summarize", f"{good}:inc", f"{broken}:double"]) == 0
    out, err = capsys.readouterr()
    assert "Adds one." in out and "Doubles." in out
    assert f"{broken}: rust code has syntax errors from line 3" in err and str(good) not in err


@pytest.mark.parametrize("file, code, name", [
    ("lib.rs", "struct Version;\nimpl Version {\n    /// Parses a version.\n    fn parse(s: &str) -> Self { Version }\n}\n",
     "Version::parse"),
    ("semver.js", "class SemVer {\n  /** Compares two versions. */\n  compare(other) { return 0 }\n}\n", "SemVer#compare"),
    ("semver.js", "class SemVer {\n  /** Compares two versions. */\n  compare(other) { return 0 }\n}\n", "SemVer.compare"),
    # with the crate or package before it, as a user copies it from docs (refused before, "did you mean" the rest)
    ("lib.rs", "struct Version;\nimpl Version {\n    /// Parses a version.\n"
               "    fn parse(s: &str) -> Self { Version }\n}\n", "semver::Version::parse"),
    ("semver.js", "class SemVer {\n  /** Compares two versions. */\n  compare(other) { return 0 }\n}\n",
     "semver.classes.SemVer.compare"),
    # a Go method as `go doc` and pprof write it, with and without its package
    ("parser.go", "package parser\n\ntype Parser struct{}\n\n// Parses a version.\nfunc (p *Parser) Parse() {}\n",
     "(*Parser).Parse"),
    ("parser.go", "package parser\n\ntype Parser struct{}\n\n// Parses a version.\nfunc (p *Parser) Parse() {}\n",
     "parser.(*Parser).Parse"),
])
def test_summarize_takes_a_name_qualified_as_search_takes_it(tmp_path, capsys, file, code, name):
    (tmp_path / file).write_text(code)
    assert main(["summarize", f"{tmp_path / file}:{name}", "--json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)
    assert found["summary"] in ("Parses a version.", "Compares two versions.") and found["source"] == "documentation"


def test_summarize_takes_a_qualified_names_last_part_alone_only_after_a_modules_name(tmp_path, capsys):
    (tmp_path / "lib.rs").write_text("struct Version;\nimpl Version {\n    /// Parses.\n    fn parse() {}\n}\n"
                                     "/// Parses a TOML string.\npub fn from_str(s: &str) {}\n")
    assert main(["summarize", f"{tmp_path / 'lib.rs'}:Other::parse"]) == 2  # another type's parse: not this one
    assert "no function named 'Other::parse'" in capsys.readouterr().err
    for name in ("toml::from_str", "toml::de::from_str"):  # the crate's free function, as its docs name it
        assert main(["summarize", f"{tmp_path / 'lib.rs'}:{name}", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)[0]["summary"] == "Parses a TOML string."
    assert main(["summarize", f"{tmp_path / 'lib.rs'}:toml::parse"]) == 2  # a method: its type named, not a module
    capsys.readouterr()


def test_summarize_says_what_it_cannot_read_as_a_target(tmp_path, capsys):
    (tmp_path / "lib.rs").write_text("/// Parses.\npub fn parse() {}\n")
    assert main(["summarize", f"{tmp_path / 'lib.rs'}:parse the text"]) == 2
    assert "'parse the text' is neither a line number nor a function's name" in capsys.readouterr().err
    assert main(["summarize", f"{tmp_path / 'lib.rs'}:FromStr for Datetime"]) == 2  # a name, of no function here
    assert "no function named 'FromStr for Datetime'" in capsys.readouterr().err
    assert main(["summarize", "Datetime::from_str"]) == 2  # a name without its file (was "unreadable")
    assert "Datetime::from_str: no such file; summarize takes FILE:NAME" in capsys.readouterr().err
    for name in ("RNCWebViewClient#shouldOverrideUrlLoading", "Cache.get"):  # no ":" (were "unreadable")
        assert main(["summarize", name]) == 2
        assert f"{name}: no such file; summarize takes FILE:NAME" in capsys.readouterr().err
    assert main(["summarize", str(tmp_path / "missing.py")]) == 2  # a file's name: that it is missing
    assert "missing.py: unreadable (No such file or directory)" in capsys.readouterr().err


def test_summarize_shows_what_a_method_inherits_from_a_base_in_another_indexed_file(tmp_path, capsys):
    (tmp_path / "shapes.py").write_text('class Shape:\n    def area(self):\n        """Return the surface it covers."""\n')
    (tmp_path / "square.py").write_text("from shapes import Shape\n\nclass Square(Shape):\n    def area(self):\n"
                                        "        return self.side ** 2\n")
    target = f"{tmp_path / 'square.py'}:Square.area"
    assert main(["summarize", target, "--json"]) == 0  # no index: the file the import names, as Python finds it
    assert json.loads(capsys.readouterr().out)[0]["inherited_from"] == "Shape.area"
    assert main(["index", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["summarize", target, "--json"]) == 0  # as the hover shows it
    [found] = json.loads(capsys.readouterr().out)
    assert (found["summary"], found["source"], found["inherited_from"]) == (
        "Return the surface it covers.", "inherited documentation", "Shape.area")
    (tmp_path / "circle.py").write_text("class Shape:\n    def area(self):\n        return 0\n")
    assert main(["index", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["summarize", target, "--json"]) == 0  # two files declare a Shape: the one imported
    assert json.loads(capsys.readouterr().out)[0]["inherited_from"] == "Shape.area"
    (tmp_path / "square.py").write_text((tmp_path / "square.py").read_text().replace("from shapes import Shape", ""))
    assert main(["summarize", target, "--json"]) == 0  # neither imported: which one is not guessed
    assert json.loads(capsys.readouterr().out)[0]["inherited_from"] is None


# npm packages as installed, each declaring its types the way a real one does (@angular/core: an `exports` types
# condition; @types/vscode: `declare module`; @types/react: a namespace whose class merges with an interface that
# extends another; rxjs: an entry file that re-exports).
NODE_MODULES = {
    "@angular/core/package.json": '{"name": "@angular/core", "exports": {".": {"types": "./types/core.d.ts", '
                                  '"default": "./fesm2022/core.mjs"}}}',
    "@angular/core/types/core.d.ts": "interface OnInit {\n  /** A callback invoked after data-bound properties are "
                                     "first checked. */\n  ngOnInit(): void;\n}\nexport { OnInit };\n",
    "@types/vscode/package.json": '{"name": "@types/vscode", "types": "index.d.ts"}',
    "@types/vscode/index.d.ts": "declare module 'vscode' {\n  export interface HoverProvider {\n"
                                "    /** Provide a hover for the given position and document. */\n"
                                "    provideHover(document: any, position: any): any;\n  }\n}\n",
    "@types/react/index.d.ts": "export = React;\ndeclare namespace React {\n  class Component<P> {\n"
                               "    render(): any;\n  }\n  interface Component<P> extends ComponentLifecycle<P> {}\n"
                               "  interface ComponentLifecycle<P> {\n    /** Called immediately after a component is "
                               "mounted. */\n    componentDidMount?(): void;\n  }\n}\n",
    "rxjs/package.json": "{not json",
    "rxjs/index.d.ts": "export * from './internal/types';\nexport { Observer } from './internal/observer';\n",
    "rxjs/internal/types.d.ts": "export interface Subscribable<T> {\n  subscribe(o: any): any;\n}\n",
    "rxjs/internal/observer.d.ts": "export interface Observer<T> {\n  /** Receives the next value. */\n"
                                   "  next(value: T): void;\n}\n",
    "evil/package.json": '{"types": "../../../outside/evil.d.ts"}',
    # manifests no lookup may fail on: nested past Python's recursion limit, a path longer than any file name
    "deep/package.json": '{"exports": ' * 5000 + '"x"' + "}" * 5000,
    "long/package.json": '{"types": "' + "x" * 5000 + '.d.ts"}',
    # Node's own modules, in @types/node; prosemirror-view's shapes: a field of a declared class, a property a getter
    # implements, a type renamed on export; `export =` read through `import x = require()`.
    "@types/node/stream.d.ts": 'declare module "node:stream" {\n  class Readable {\n    /** Destroy the stream. */\n'
                               '    destroy(error?: Error): this;\n  }\n}\ndeclare module "stream" {\n'
                               '  export * from "node:stream";\n}\n',
    "prosemirror-view/index.d.ts": "interface NodeView {\n  /** The outer DOM node that represents the node. */\n"
                                   "  dom: Node;\n}\ndeclare class EditorView {\n  /** Dispatch a transaction. */\n"
                                   "  dispatch: (tr: any) => void;\n}\ninterface EditorProps {\n"
                                   "  /** Called when something is dropped on the editor. */\n"
                                   "  handleDrop?: (view: EditorView, event: DragEvent) => boolean;\n}\n"
                                   "export { NodeView as PMNodeView, EditorView, EditorProps };\n",
    # an object passed to a constructor: its parameter's type, and a property's type in it
    "prosemirror-state/index.d.ts": "import { EditorProps } from 'prosemirror-view';\nexport interface PluginSpec {\n"
                                    "  /** Maps transactions to the plugin's state. */\n  apply?: (tr: any) => any;\n"
                                    "  props?: EditorProps;\n}\nexport declare class Plugin {\n"
                                    "  constructor(spec: PluginSpec);\n}\n",
    "expeq/index.d.ts": "declare namespace expeq {\n  interface Handler {\n    /** Handle the request. */\n"
                        "    handle(): void;\n  }\n}\nexport = expeq;\n",
}
TYPESCRIPT_APP = """\
import { Component, OnInit } from '@angular/core';
import * as vscode from 'vscode';
import React from 'react';
import { Observer } from 'rxjs';
import { Evil } from 'evil';
import { Readable } from 'node:stream';
import type { PMNodeView as View, EditorView } from 'prosemirror-view';
import expeq = require('expeq');
import { Plugin } from 'prosemirror-state';
import { Deep } from 'deep';
import { Long } from 'long';

export class AppComponent implements OnInit {
  ngOnInit(): void { this.load(); }
}
export const hovers: vscode.HoverProvider = { provideHover(document, position) { return find(position); } };
export class App extends React.Component<{}> {
  componentDidMount() { document.title = 'x'; }
}
export const log: Observer<number> = { next(value) { console.log(value); } };
export class Bad implements Evil {
  run() { return 1; }
}
export class Source extends Readable {
  destroy(error?: Error) { return this.close(error); }
}
export function view(node: Node) {
  return { get dom() { return node; } } as unknown as View;
}
export const editor: EditorView = { dispatch: (tr) => apply(tr) };
export class Handler implements expeq.Handler {
  handle() { return respond(); }
}
export const drop = new Plugin({ apply: (tr) => tr, props: { handleDrop(view, event) { return stop(event); } } });
listen({ handleDrop() { return true; } });
export class Odd implements Deep, Long {
  run() { return 2; }
}
"""


def test_summarize_shows_the_documentation_an_npm_package_declares_for_what_a_method_implements(tmp_path, capsys):
    workspace = tmp_path / "app"
    for relative, text in NODE_MODULES.items():
        (workspace / "node_modules" / relative).parent.mkdir(parents=True, exist_ok=True)
        (workspace / "node_modules" / relative).write_text(text)
    (tmp_path / "outside").mkdir()  # a package's types path out of the workspace: never read
    (tmp_path / "outside" / "evil.d.ts").write_text("export interface Evil {\n  /** Leaked. */\n  run(): number;\n}\n")
    (workspace / ".git").mkdir()
    (workspace / "src").mkdir()
    (workspace / "src" / "app.ts").write_text(TYPESCRIPT_APP)
    assert main(["summarize", str(workspace / "src" / "app.ts"), "--json"]) == 0
    found = {s["name"]: (s["summary"], s["inherited_from"]) for s in json.loads(capsys.readouterr().out)}
    assert found == {
        "AppComponent.ngOnInit": ("A callback invoked after data-bound properties are first checked.", "OnInit.ngOnInit"),
        "hovers.provideHover": ("Provide a hover for the given position and document.", "HoverProvider.provideHover"),
        "App.componentDidMount": ("Called immediately after a component is mounted.",
                                  "ComponentLifecycle.componentDidMount"),
        "log.next": ("Receives the next value.", "Observer.next"),
        "Bad.run": ("", None),  # not "Leaked."
        "Source.destroy": ("Destroy the stream.", "Readable.destroy"),
        "view": ("", None),
        "view.dom": ("The outer DOM node that represents the node.", "NodeView.dom"),
        "editor.dispatch": ("Dispatch a transaction.", "EditorView.dispatch"),
        "Handler.handle": ("Handle the request.", "Handler.handle"),
        "drop.apply": ("Maps transactions to the plugin's state.", "PluginSpec.apply"),  # (named by the binding)
        "drop.props.handleDrop": ("Called when something is dropped on the editor.", "EditorProps.handleDrop"),
        "handleDrop": ("", None),  # passed to a function nothing declares
        "Odd.run": ("", None),
    }
    # JavaScript reads the declaration files too
    (workspace / "src" / "drop.js").write_text("import { Plugin } from 'prosemirror-state';\n\n"
                                              "export const drop = new Plugin({ props: { handleDrop() { return 1; } } });\n")
    assert main(["summarize", str(workspace / "src" / "drop.js"), "--json"]) == 0
    [found] = json.loads(capsys.readouterr().out)
    assert (found["summary"], found["inherited_from"]) == ("Called when something is dropped on the editor.",
                                                           "EditorProps.handleDrop")
    # a class bound to a name, `const Base = class {...}`, in the workspace: a base like another
    (workspace / "src" / "base.js").write_text("export const Base = class {\n  /** Runs the job. */\n  run() {}\n};\n")
    (workspace / "src" / "impl.js").write_text("import { Base } from './base.js';\n\n"
                                               "export class Impl extends Base {\n  run() { return 2; }\n}\n")
    assert main(["summarize", str(workspace / "src" / "impl.js"), "--json"]) == 0
    [found] = json.loads(capsys.readouterr().out)
    assert (found["summary"], found["inherited_from"]) == ("Runs the job.", "Base.run")


TIPTAP_CORE = """\
export interface ExtendableConfig<O> {
  /** This method adds options to the extension. */
  addOptions?: (this: { name: string }) => O;
}
export interface MarkConfig<O, S> extends ExtendableConfig<O> {
  /** Reads the mark from HTML. */
  parseHTML?: () => unknown[];
}
export declare class Mark<O = any, S = any> {
  static create<O = any, S = any>(config?: Partial<MarkConfig<O, S>> | (() => Partial<MarkConfig<O, S>>)): Mark<O, S>;
  /** Configures the mark. */
  configure(options?: Partial<O>): Mark<O, S>;
  /** An instance's, not the class's. */
  build(options: ItemOptions): void;
}
export interface ItemOptions {
  /** Renders the item. */
  render?: () => string;
}
"""


def test_an_object_passed_to_a_class_s_static_method_takes_its_parameter_s_type(tmp_path, capsys):
    # TipTap's extensions are `Mark.create({...})`, `Node.create`, `Extension.create`: their config methods
    # (addOptions, parseHTML, addKeyboardShortcuts ...) showed no line, though @tiptap/core documents each.
    package = tmp_path / "app" / "node_modules" / "@tiptap" / "core"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "@tiptap/core", "types": "index.d.ts"}')
    (package / "index.d.ts").write_text(TIPTAP_CORE)
    (tmp_path / "app" / ".git").mkdir()
    (tmp_path / "app" / "bold.ts").write_text(
        "import { Mark } from '@tiptap/core'\n\nexport const Bold = Mark.create<{}>({\n"
        "  addOptions() { return {}; },\n  parseHTML() { return []; },\n  configure() { return 1; },\n})\n"
        "export const other = helper.create({ parseHTML() { return []; } })\n"
        "export const item = Mark.build({ render() { return ''; } })\n")
    assert main(["summarize", str(tmp_path / "app" / "bold.ts"), "--json"]) == 0
    found = [(s["name"], s["summary"], s["inherited_from"]) for s in json.loads(capsys.readouterr().out)]
    assert found == [
        ("Bold.addOptions", "This method adds options to the extension.", "ExtendableConfig.addOptions"),
        ("Bold.parseHTML", "Reads the mark from HTML.", "MarkConfig.parseHTML"),
        ("Bold.configure", "", None),  # the class's own method, not a member of its config
        ("other.parseHTML", "", None),  # an instance's method: its type is not read
        ("item.render", "", None),  # `build` is no static method
    ]


# Python packages as installed in a project's virtual environment, laid out as the real ones are: torch.nn re-exports
# Module through a star import, django.views re-exports View, and rest_framework's serializers import a Field they
# rename (`Field as DjangoModelField`), which is not the Field their Serializer extends.
SITE_PACKAGES = {
    "torch/__init__.py": "from torch import nn as nn\n",
    "torch/nn/__init__.py": "from .parameter import Parameter\nfrom .modules import *  # noqa: F403\n",
    "torch/nn/modules/__init__.py": "from .linear import Linear\nfrom .module import Module\n",
    "torch/nn/modules/module.py": 'class Module:\n    def extra_repr(self) -> str:\n'
                                  '        """Return the extra representation of the module."""\n        return ""\n',
    "django/views/__init__.py": "from django.views.generic.base import RedirectView, View\n",
    "django/views/generic/base.py": 'class View:\n    def setup(self, request, *args, **kwargs):\n'
                                    '        """Initialize attributes shared by all view methods."""\n',
    "django/db/models/fields/__init__.py": 'class Field:\n    def validate(self, value, model_instance):\n'
                                           '        """Validate value and raise ValidationError if necessary."""\n',
    "rest_framework/fields.py": "class Field:\n    def run_validation(self, data):\n        return data\n",
    "rest_framework/serializers.py": "from django.db.models.fields import Field as DjangoModelField\n"
                                     "from rest_framework.fields import *  # NOQA\n\nclass Serializer(Field):\n"
                                     "    def validate(self, attrs):\n        return attrs\n",
}
PYTHON_APP = """\
import torch
import torch.nn as tnn
from torch import nn
from django.views import View
from rest_framework import serializers


class Net(nn.Module):
    def extra_repr(self):
        return "net"


class Net2(torch.nn.Module):
    def extra_repr(self):
        return "net2"


class Net3(tnn.Module):
    def extra_repr(self):
        return "net3"


class Home(View):
    def setup(self, request, *args, **kwargs):
        self.request = request


class Items(serializers.Serializer):
    def validate(self, attrs):
        return attrs


class Module(torch.nn.Module):  # a class named as the one it extends
    def extra_repr(self):
        return "module"


class Wide(nn.Module):  # set up unlike a View
    def setup(self):
        self.wide = True
"""


def test_summarize_shows_the_documentation_a_python_package_of_the_project_s_environment_gives(tmp_path, capsys):
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    for relative, text in SITE_PACKAGES.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text)
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(PYTHON_APP)
    # an unrelated class of the project named as the one imported: the import decides, indexed or not
    (tmp_path / "app" / "widgets.py").write_text('class View:\n    def setup(self):\n        """Lay it out."""\n')
    module = ("Return the extra representation of the module.", "Module.extra_repr")
    for indexed in (False, True):
        if indexed:
            assert main(["index", str(tmp_path)]) == 0
            capsys.readouterr()
        assert main(["summarize", str(tmp_path / "app" / "models.py"), "--json"]) == 0
        found = {s["name"]: (s["summary"], s["inherited_from"]) for s in json.loads(capsys.readouterr().out)}
        assert found == {
            "Net.extra_repr": module, "Net2.extra_repr": module, "Net3.extra_repr": module,
            "Module.extra_repr": module,
            "Wide.setup": ("", None),  # a comment in the class's header names no base
            "Home.setup": ("Initialize attributes shared by all view methods.", "View.setup"),
            "Items.validate": ("", None),  # not Django's model Field's
        }, indexed


JAVA_CONNECTION = """\
package org.web;

public interface Connection {
    /** Set the total request timeout duration. */
    Connection timeout(int millis);

    /** Add all of the supplied data to the request. */
    Connection data(Collection<KeyVal> data);

    /** Add one or more request key, val data parameter pairs. */
    Connection data(String... keyvals);

    interface Request {
        /** Get the request timeout, in milliseconds. */
        int timeout();

        /** Update the request timeout. */
        Request timeout(int millis);
    }
}
"""

JAVA_HTTP = """\
package org.web.helper;

import org.web.Connection;

public class HttpConnection implements Connection {
    public Connection timeout(int millis) {
        req.timeout(millis);
        return this;
    }

    public Connection data(Collection<Connection.KeyVal> data) {
        req.data(data);
        return this;
    }

    public Connection data(String key, String value, boolean encoded) {
        req.data(key, value);
        return this;
    }

    public static class Request implements Connection.Request {
        public int timeout() {
            return timeoutMilliseconds;
        }

        public Request timeout(int millis) {
            timeoutMilliseconds = millis;
            return this;
        }
    }
}
"""


def test_summarize_finds_a_java_supertype_by_javas_file_rules_without_an_index(tmp_path, capsys):
    # jsoup's HttpConnection: 105 of its 132 methods got a generated line ("Returns the number of bytes in this
    # connection." for `timeout`): Connection, an interface of bodiless methods, is in no index, and a nested
    # interface's simple name (`Request`) named the implementing class itself; an overload took the first's line.
    source = tmp_path / "src" / "main" / "java" / "org" / "web"
    (source / "helper").mkdir(parents=True)
    (source / "Connection.java").write_text(JAVA_CONNECTION)
    (source / "helper" / "HttpConnection.java").write_text(JAVA_HTTP)
    assert main(["summarize", str(source / "helper" / "HttpConnection.java"), "--json", "--no-bank"]) == 0
    found = [(s["name"], s["summary"], s["inherited_from"]) for s in json.loads(capsys.readouterr().out)]
    assert found[2][2] is None  # data(key, value, encoded): no overload of three parameters to implement
    assert found[:2] + found[3:] == [
        ("HttpConnection.timeout", "Set the total request timeout duration.", "Connection.timeout"),
        ("HttpConnection.data", "Add all of the supplied data to the request.", "Connection.data"),  # its types
        ("HttpConnection.Request.timeout", "Get the request timeout, in milliseconds.", "Request.timeout"),
        ("HttpConnection.Request.timeout", "Update the request timeout.", "Request.timeout")]


def test_summarize_reads_an_imported_file_of_declarations_but_never_one_outside_the_repository(tmp_path, capsys):
    # A TypeScript file of interfaces alone holds no function, so the index knows no file declaring `Reader`: the
    # relative import names it. One importing from outside the repository is not read.
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "src").mkdir(parents=True)
    outside.mkdir()
    interface = "export interface Reader {\n  /** Reads the next chunk of the stream. */\n  read(): string;\n}\n"
    (repo / "src" / "types.ts").write_text(interface)
    (outside / "types.ts").write_text(interface)
    (repo / "src" / "file.ts").write_text("import { Reader } from './types';\n\nexport class FileReader implements Reader "
                                          "{\n  read() { return ''; }\n}\n")
    (repo / "src" / "leak.ts").write_text("import { Reader } from '../../outside/types';\n\nexport class Leak implements "
                                          "Reader {\n  read() { return ''; }\n}\n")
    assert main(["index", str(repo)]) == 0
    capsys.readouterr()
    assert main(["summarize", str(repo / "src" / "file.ts"), str(repo / "src" / "leak.ts"), "--json"]) == 0
    found = {s["name"]: s["inherited_from"] for s in json.loads(capsys.readouterr().out)}
    assert found == {"FileReader.read": "Reader.read", "Leak.read": None}


def test_files_taken_for_generated_are_named_and_a_negation_brings_one_back(tmp_path, capsys):
    (tmp_path / "app.min.js").write_text("function add(a, b) { return a + b; }\n")
    (tmp_path / "schema.py").write_text("# Code generated by a tool, but kept by hand since.\n\ndef validate(x):\n"
                                        "    return x\n")
    assert main(["index", str(tmp_path)]) == 0
    told = capsys.readouterr().err
    assert "taken for generated or minified code: app.min.js, schema.py; to index one, add a negation such as " \
           f"`!app.min.js` to {tmp_path / '.leancodeignore'}" in told
    (tmp_path / ".leancodeignore").write_text("!schema.py\n!app.min.js\n")
    assert main(["index", str(tmp_path), "--json"]) == 0  # the verdicts kept for unchanged files yield to it
    indexed = json.loads(capsys.readouterr().out)
    assert (indexed["units"], indexed["generated_files"]) == (2, [])


def test_vendored_and_build_directories_are_named_and_a_negation_brings_one_back(tmp_path, capsys):
    # "skipped: 1 vendored or build directory" did not say which (mistletoe's .egg-info, js-yaml's dist/).
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "yaml.js").write_text("function dump(x) { return String(x); }\n")
    (tmp_path / "lib.js").write_text("function load(x) { return x; }\n")
    assert main(["index", str(tmp_path)]) == 0
    assert "taken for vendored or build directories: dist/; to index one, add a negation such as `!dist/` to " \
           f"{tmp_path / '.leancodeignore'}" in capsys.readouterr().err
    (tmp_path / ".leancodeignore").write_text("!dist/\n")
    assert main(["index", str(tmp_path), "--json"]) == 0
    indexed = json.loads(capsys.readouterr().out)
    assert (indexed["units"], indexed["vendored_dirs"]) == (2, [])


def test_index_names_the_files_it_left_out(tmp_path, capsys):
    (tmp_path / "good.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01binary\x00" * 10)
    assert main(["index", str(tmp_path)]) == 0
    assert "files skipped: blob.py (binary)" in capsys.readouterr().err
    assert main(["index", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped_files"] == [{"path": "blob.py", "reason": "binary"}]


def test_a_hit_with_many_copies_names_a_few_and_counts_the_rest(tmp_path, capsys):
    helper = "function objectSpread(target) {\n  return Object.assign({}, target);\n}\n"
    for locale in ("ar", "de", "fr", "it", "ja", "nl"):  # a helper bundled into every locale's build
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "cdn.js").write_text(helper)
    assert main(["index", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["search", "copy an object", "--path", str(tmp_path), "--no-update", "--top", "1"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.endswith(" and 2 more (--json lists all))") and line.count("cdn.js:1") == 4, line
    assert main(["search", "copy an object", "--path", str(tmp_path), "--no-update", "--top", "1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)[0]["also_at"]) == 5


def test_search_through_a_symlinked_repository_shows_its_files_through_the_link(tmp_path, capsys, monkeypatch):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "durations.py").write_text("def parse_duration(text):\n    return float(text)\n")
    (tmp_path / "link").symlink_to("real")
    monkeypatch.chdir(tmp_path)
    for given in ("link", "link/durations.py"):
        assert main(["search", "parse a duration", given]) == 0
        assert capsys.readouterr().out.split()[1] == "link/durations.py:1"  # it showed real/durations.py
    monkeypatch.chdir(tmp_path / "link")  # started inside the link, as the shell tells it ($PWD)
    monkeypatch.setenv("PWD", str(tmp_path / "link"))
    assert main(["search", "parse a duration", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["file"] == str(tmp_path / "link" / "durations.py")
    assert main(["search", "parse a duration"]) == 0  # the row's file from there (`../../link/durations.py`)
    assert capsys.readouterr().out.split()[1] == "durations.py:1"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PWD", str(tmp_path))
    (tmp_path / "real" / "sub").mkdir()  # a link into the repository's middle: shown from its root
    (tmp_path / "real" / "sub" / "more.py").write_text("def parse_size(text):\n    return int(text)\n")
    (tmp_path / "inner").symlink_to("real/sub")
    assert main(["search", "parse a size", "inner", "--top", "1"]) == 0
    assert capsys.readouterr().out.split()[1] == "real/sub/more.py:1"


def test_search_says_why_a_row_is_out_of_score_order(tmp_path, capsys):
    # A function the query names stands first whatever its score, a test after the code whatever its score: the
    # row says so, else its score reads as a ranking mistake.
    (tmp_path / "sizes.py").write_text("def parse_size(text):\n    return int(text.rstrip('kb')) * 1024\n\n"
                                       "def zap(path):\n    return open(path).read().split()\n")
    (tmp_path / "test_sizes.py").write_text("def test_parse_size():\n    assert parse_size('2kb') == 2048\n")
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "demo.py").write_text("def main():\n    print(parse_size('4kb'))\n")
    (tmp_path / "stubs.py").write_text("def parse_size_strict(text):\n    raise NotImplementedError\n")
    (tmp_path / "size.py").write_text("class Size:\n    def __init__(self, n):\n        self.n = int(n)\n\n"
                                      "    def __repr__(self):\n        return f'Size({self.n} bytes)'\n")
    assert main(["index", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["search", "zap", "--path", str(tmp_path), "--no-update"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert "zap (named by the query)" in rows[0] and "named" not in "".join(rows[1:])
    assert {"test_parse_size (test)", "main (example)", "parse_size_strict (not implemented)",
            "Size.__init__ (constructor)", "Size.__repr__ (standard method)"} \
        == {row.split("  ")[2] for row in rows[2:]}
    assert "(test)" not in "".join(rows[:2]) and "(example)" not in "".join(rows[:2])
    assert main(["search", "zap", "--path", str(tmp_path), "--no-update", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(h["name"], h["named_by_query"], h["test"], h["example"]) for h in hits[:2]] == [
        ("zap", True, False, False), ("parse_size", False, False, False)]
    assert sorted((h["name"], h["test"], h["example"], h["does_nothing"], h["standard_method"]) for h in hits[2:]) \
        == [("__init__", False, False, False, "constructor"), ("__repr__", False, False, False, "standard method"),
            ("main", False, True, False, False), ("parse_size_strict", False, False, "unimplemented", False),
            ("test_parse_size", True, False, False, False)]


def test_search_finds_the_function_whose_code_holds_a_pasted_line_or_error_message(tmp_path, capsys):
    # bidict's `raise ValueDuplicationError(val)` (17th: the line is past what the encoder reads of `_dedup`, under a
    # long docstring), voluptuous' "extra keys not allowed" (8th, behind the exception's own methods)
    padding = "".join(f"    step_{i} = compute_something_long(step_{i - 1}, factor={i})\n" for i in range(1, 80))
    (tmp_path / "dedup.py").write_text(
        "def dedup(key, val):\n    \"\"\"Check key and val for any duplication.\"\"\"\n    step_0 = key\n" + padding
        + "    if val in seen:\n        raise ValueDuplicationError(val)\n\n\n"
        "def check_mapping(data):\n    for key in data:\n        if key not in allowed:\n"
        "            errors.append(Invalid('extra keys not allowed', [key]))\n\n\n"
        "class ValueDuplicationError(Exception):\n    def describe(self):\n        return 'a value was duplicated'\n\n"
        "    def raise_again(self, val):\n        raise self\n")
    assert main(["index", str(tmp_path)]) == 0
    capsys.readouterr()
    for query, expected in (("raise ValueDuplicationError(val)", "dedup"),
                            ("voluptuous.error.MultipleInvalid: extra keys not allowed @ data['foo']",
                             "check_mapping")):
        assert main(["search", query, "--path", str(tmp_path), "--no-update", "--top", "2"]) == 0
        rows = capsys.readouterr().out.splitlines()
        assert f"{expected} (holds the query's text)" in rows[0] and "holds" not in rows[1], rows
    assert main(["search", "raise ValueDuplicationError(val)", "--path", str(tmp_path), "--no-update", "--json"]) == 0
    assert [h["holds_query_text"] for h in json.loads(capsys.readouterr().out)][:2] == [True, False]
    assert main(["search", "check for duplicated values", "--path", str(tmp_path), "--no-update"]) == 0
    assert "holds" not in capsys.readouterr().out  # prose: by meaning alone


def test_search_folds_identical_copies_and_marks_deleted_files(tmp_path, capsys):
    shipped = "def escape_html(text):\n    return text.replace('&', '&amp;').replace('<', '&lt;')\n"
    (tmp_path / "esm").mkdir()
    (tmp_path / "escape.py").write_text(shipped)
    (tmp_path / "esm" / "escape.py").write_text(shipped)  # the same code shipped twice
    (tmp_path / "small.py").write_text("def strip_tags(html):\n    return re.sub('<[^>]+>', '', html)\n")
    assert main(["index", str(tmp_path)]) == 0
    (tmp_path / "small.py").unlink()
    capsys.readouterr()
    assert main(["search", "escape html", "--path", str(tmp_path), "--no-update", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(h["name"], h["stale"]) for h in hits] == [("escape_html", False), ("strip_tags", "deleted")]
    copy = hits[0]["also_at"]  # one row for both copies: the first-ranked, naming the other
    assert {hits[0]["path"], *(c["path"] for c in copy)} == {"escape.py", "esm/escape.py"}
    assert copy[0]["line"] == 1 and copy[0]["qualified_name"] == "escape_html" and hits[1]["also_at"] == []
    assert main(["search", "escape html", "--path", str(tmp_path), "--no-update", "--top", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].endswith(f"(also at: {os.path.relpath(tmp_path / copy[0]['path'])}:1)")
    later = os.stat(tmp_path / ".leancode" / "snapshot.npz").st_mtime + 5  # edited after the index was written
    (tmp_path / hits[0]["path"]).write_text("\n\n" + shipped)
    os.utime(tmp_path / hits[0]["path"], (later, later))
    assert main(["search", "escape html", "--path", str(tmp_path), "--no-update", "--top", "1"]) == 0
    assert "(file changed since indexing)" in capsys.readouterr().out
    assert main(["search", "strip tags from html", "--path", str(tmp_path), "--no-update", "--top", "1"]) == 0
    assert "small.py:1  strip_tags (file deleted since indexing)" in capsys.readouterr().out
    assert main(["search", "escape html", "--path", str(tmp_path), "--top", "1"]) == 0  # updated first: current
    capsys.readouterr()
    touched = os.stat(tmp_path / ".leancode" / "snapshot.npz").st_mtime + 10  # a checkout: same text, newer
    for copy in ("escape.py", "esm/escape.py"):
        os.utime(tmp_path / copy, (touched, touched))
    assert main(["search", "escape html", "--path", str(tmp_path), "--no-update", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "escape_html" in out and "since indexing" not in out  # the same function at the same line
    assert main(["search", "escape html", "--path", str(tmp_path), "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "escape_html" in out and "since indexing" not in out


def test_index_of_a_package_all_in_dist_says_how_to_include_it(tmp_path, capsys):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.js").write_text("export function validate(value) {\n  return value != null;\n}\n")
    assert main(["index", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "indexed 0 functions" in captured.out
    assert "skipped: dist/" in captured.err and "`!dist/`" in captured.err and ".leancodeignore" in captured.err
    (tmp_path / ".leancodeignore").write_text("!dist/\n")
    assert main(["index", str(tmp_path)]) == 0
    assert "indexed 1 function in 1 file " in capsys.readouterr().out


def test_indexing_a_folder_inside_an_indexed_repository_updates_that_index(tmp_path, capsys):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "top.py").write_text("def load_settings(path):\n    return open(path).read()\n")
    (tmp_path / "pkg" / "inner.py").write_text("def load_table(path):\n    return open(path).read()\n")
    assert main(["index", str(tmp_path), "--method", "slimcode"]) == 0
    capsys.readouterr()
    (tmp_path / "pkg" / "more.py").write_text("def save_table(path, rows):\n    open(path, 'w').write(rows)\n")
    assert main(["index", str(tmp_path / "pkg")]) == 0
    captured = capsys.readouterr()
    assert f"inside the repository indexed at {tmp_path}: updated that index" in captured.err
    assert "indexed 3 functions in 3 files (1 embedded, 2 reused" in captured.out
    assert not (tmp_path / "pkg" / ".leancode").exists()
    # A folder the repository's index leaves out (ignored) gets an index of its own.
    (tmp_path / ".leancodeignore").write_text("pkg/\n")
    assert main(["index", str(tmp_path / "pkg")]) == 0
    captured = capsys.readouterr()
    assert "updated that index" not in captured.err and "indexed 2 functions in 2 files" in captured.out
    assert (tmp_path / "pkg" / ".leancode" / "manifest.json").is_file()


def test_a_search_from_inside_a_repository_says_it_covers_that_folder_only(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "top.py").write_text("def load_settings(path):\n    return open(path).read()\n")
    (tmp_path / "pkg" / "inner.py").write_text("def load_table(path):\n    return open(path).read()\n")
    monkeypatch.chdir(tmp_path / "pkg")
    assert main(["search", "load a file", "--method", "slimcode"]) == 0
    captured = capsys.readouterr()
    assert "load_table" in captured.out and "load_settings" not in captured.out
    assert "searching pkg/ only (--path .. for the whole repository)" in captured.err
    assert main(["search", "load a file", "--method", "slimcode", "--path", ".."]) == 0
    captured = capsys.readouterr()
    assert "load_settings" in captured.out and "searching" not in captured.err


def test_summarize_takes_a_name_in_any_script(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Rechner.java").write_text("class Rechner {\n    /** Addiert alle Werte. */\n    int 合計() { return 0; }\n}\n")
    assert main(["summarize", "Rechner.java:合計", "Rechner.java:Rechner.合計"]) == 0
    assert capsys.readouterr().out.count("Rechner.合計: Addiert alle Werte.") == 2


def test_rust_names_are_shown_as_rust_writes_them(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib.rs").write_text("struct Version;\nimpl Version {\n    /// Parses a version string.\n"
                                     "    fn parse(s: &str) -> Self { Version }\n}\n")
    assert main(["search", "parse a version string", "--top", "1"]) == 0
    assert " Version::parse " in capsys.readouterr().out
    assert main(["summarize", "lib.rs:Version.parse"]) == 0
    assert "lib.rs:4 Version::parse: Parses a version string." in capsys.readouterr().out
    assert main(["simplify", "lib.rs"]) == 0
    assert "lib.rs:4 Version::parse:" in capsys.readouterr().out


def test_a_javadoc_of_inherit_doc_alone_shows_the_supertype_s_documentation(tmp_path, capsys):
    (tmp_path / "Collection.java").write_text(
        "public interface Collection<E> {\n    /** Returns true if this collection contains no elements. */\n"
        "    boolean isEmpty();\n}\n")
    (tmp_path / "AbstractCollection.java").write_text(
        "public abstract class AbstractCollection<E> implements Collection<E> {\n    /**\n     * {@inheritDoc}\n"
        "     *\n     * @implSpec This implementation returns size() == 0.\n     */\n"
        "    public boolean isEmpty() { return size() == 0; }\n}\n")
    assert main(["index", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["search", "isEmpty", str(tmp_path), "--json", "--no-update"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert "{@inheritDoc}" not in json.dumps(hits)
    assert main(["summarize", f"{tmp_path / 'AbstractCollection.java'}:isEmpty", "--json"]) == 0
    [found] = json.loads(capsys.readouterr().out)
    assert (found["summary"], found["inherited_from"]) == (
        "Returns true if this collection contains no elements.", "Collection.isEmpty")


def test_summarize_takes_a_nested_function_by_its_name_and_an_exact_name_before_a_nested_one(tmp_path, capsys):
    path = tmp_path / "store.py"
    path.write_text('class Store:\n    def size(self):\n        """Count the entries."""\n        return 1\n\n'
                    '    def view(self):\n        def size():\n            """Count the view\'s entries."""\n'
                    '            return 2\n        return size\n')
    for target, expected in (("Store.size", ["Count the entries."]), ("Store.view.size", ["Count the view's entries."]),
                             ("view.size", ["Count the view's entries."])):
        assert main(["summarize", f"{path}:{target}", "--json"]) == 0
        assert [s["summary"] for s in json.loads(capsys.readouterr().out)] == expected, target
    rust = tmp_path / "lib.rs"
    rust.write_text("struct Version;\nimpl Version {\n    fn parse(s: &str) -> Self { Version }\n}\n")
    assert main(["summarize", f"{rust}:Version::prase"]) == 2
    assert "no function named 'Version::prase'" in (err := capsys.readouterr().err) and "Version::parse?" in err


def test_summarize_at_a_line_of_a_doc_comment_takes_the_function_it_documents(tmp_path, capsys):
    path = tmp_path / "Store.java"
    path.write_text("class Store {\n    int n;\n\n    /**\n     * Counts the entries.\n     *\n     * @return the count\n"
                    "     */\n    @Override\n    public int size() { return n; }\n}\n")
    for line in (4, 5, 8, 9, 10):
        assert main(["summarize", f"{path}:{line}", "--json"]) == 0, line
        assert json.loads(capsys.readouterr().out)[0]["name"] == "Store.size", line
    for line in (2, 3):  # a field, a blank line: no function
        assert main(["summarize", f"{path}:{line}"]) == 2
        assert "no function at" in capsys.readouterr().err


def test_simplify_tells_the_lexers_word_on_syntax_errors_with_the_file_or_line(tmp_path, capsys):
    # "python code has syntax errors; categories near them are approximate" named neither the file nor the line.
    (tmp_path / "broken.py").write_text("def f(x:\n    return x +\n")
    assert main(["simplify", str(tmp_path / "broken.py")]) == 0
    assert f"{tmp_path / 'broken.py'}: python code has syntax errors; categories near" in capsys.readouterr().err
    (tmp_path / "in.jsonl").write_text(json.dumps({"code": "def f(x:\n    return x\n", "language": "python"}) + "\n")
    assert main(["simplify", "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "out.jsonl")]) == 0
    assert "line 1: python code has syntax errors; categories near" in capsys.readouterr().err


@pytest.mark.parametrize("ratio", ["0.1", "0.5", "0"])
def test_simplify_keeps_a_crlf_files_line_ends_throughout(tmp_path, capsys, ratio):
    path = tmp_path / "calc.py"
    path.write_bytes(b'def add(a, b):\r\n    """Add two numbers.\r\n\r\n    More text.\r\n    """\r\n'
                     b'    total = a + b  # sum\r\n    return total\r\n\r\n\r\ndef sub(a, b):\r\n    return a - b\r\n')
    assert main(["simplify", str(path), "--ratio", ratio]) == 0
    out = capsys.readouterr().out
    assert "add" in out and "sub" in out
    assert out.count("\n") == out.count("\r\n") > 10  # no line ends in LF alone
