"""Issue 18's reproductions: one bad file name, file, cache entry or frame never takes down an index or the server.

Each test reproduces a failure seen on the code before the fix (non-UTF-8 names, deep
nesting, damaged caches and manifests, broken LSP frames, symlinks, FIFOs), with the
real packaged model, the real grammars and the real server subprocess.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

import leancode.index as index_module
from leancode import parse_pool
from leancode.cli import main as cli
from leancode.encoder import Encoder
from leancode.index import RepositoryIndex
from leancode.simplify import simplify
from leancode.sources import FileSkipped, read_source
from leancode.tokens import ParseWarning, lex
from leancode.units import extract_units

from lsp_raw import RawServer, frame

GOOD = 'def load_config(path):\n    """Read a key=value file into a dict."""\n    return dict(line.split("=") for line in open(path))\n'
CONCAT = "def banner():\n    return (\n" + "".join(f"        'part{i}' +\n" for i in range(1000)) + "        'end')\n"
NESTED_IFS = "def deep(x):\n" + "".join(" " * (i + 1) + f"if x > {i}:\n" for i in range(1000)) \
    + " " * 1001 + "return x\n"
PARENS = "def parens():\n    return " + "(" * 5000 + "1" + ")" * 5000 + "\n"
BAD_NAME = os.fsdecode(b"bad_\xff.py")
# Files that tree-sitter's budget cannot stop, for it reports no progress through them: 120 KB of unclosed `(`
# (its function query is quadratic: 9 s here) and 16 KB of `*/` parameters (its error recovery took 5.3 GB of
# memory at half this size, and 14 s), in lines so that the walk does not take it for minified code.
SLOW_PARSE = "(\n" * 60_000
MEMORY_BOMB = "def f(" + ("*/" * 20 + "\n") * 400 + "):\n    pass\n"


@pytest.fixture(scope="module")
def encoder():
    return Encoder(method="slimcode")


def cli_run(*args, timeout=120, cwd=None):
    return subprocess.run([sys.executable, "-m", "leancode.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


# --- 1. a file name that is not UTF-8 ---------------------------------------------------------------

def test_non_utf8_file_name_is_skipped_with_a_warning_and_counted(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / BAD_NAME).write_text(GOOD.replace("load_config", "other"))
    with pytest.warns(UserWarning, match=r"bad_\\xff\.py.*not valid UTF-8"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 1 and stats.units == 1
    assert stats.skipped == {"file name not valid UTF-8": 1}
    with warnings.catch_warnings():  # told once, then only counted: every `leancode search` updates the index
        warnings.simplefilter("error")
        assert RepositoryIndex(tmp_path, encoder).update(progress=False).skipped == {"file name not valid UTF-8": 1}


def test_a_failing_file_is_skipped_and_the_rest_indexed(tmp_path, encoder, monkeypatch):
    import leancode.unit_records as records

    real = records.extract_units_told

    def explode(code, language, **options):
        if "explode" in code:
            raise RuntimeError("boom")
        return real(code, language, **options)

    def in_this_process(code, language, declaration_code=""):  # so that the failure injected here reaches the parse
        future = Future()
        try:
            future.set_result(records.parse_units(code, language, declaration_code))
        except Exception as error:
            future.set_exception(error)
        return future

    monkeypatch.setattr(records, "extract_units_told", explode)
    monkeypatch.setattr(index_module, "submit_parse", in_this_process)
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text("def explode():\n    pass\n")
    with pytest.warns(UserWarning, match=r"bad\.py.*RuntimeError: boom"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 1 and stats.units == 1 and stats.skipped == {"failed": 1}


def test_a_parse_that_outlasts_its_limit_is_stopped_named_and_not_retried(tmp_path, encoder, monkeypatch):
    monkeypatch.setattr(parse_pool, "PARSE_TIMEOUT_SECONDS", 1.0)
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "slow.py").write_text(SLOW_PARSE)
    with pytest.warns(UserWarning, match=r"slow\.py: skipped: parse timed out \(stopped after 1 s\)"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert (stats.files, stats.units, stats.skipped) == (1, 1, {"parse timed out": 1})
    with warnings.catch_warnings():  # remembered for this content: neither parsed nor told again
        warnings.simplefilter("error")
        again = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert (again.files_parsed, again.files, again.skipped) == (0, 1, {"parse timed out": 1})
    (tmp_path / "slow.py").write_text(GOOD.replace("load_config", "load_settings"))  # mended: parsed again
    assert RepositoryIndex(tmp_path, encoder).update(progress=False).units == 2


def test_a_repository_with_its_own_leancode_package_is_parsed_by_ours(tmp_path):
    """The CLI run where the repository has a `leancode/` folder (the unrelated PyPI project's, say): the parse
    workers import this leancode, not that one."""
    (tmp_path / "leancode").mkdir()
    (tmp_path / "leancode" / "__init__.py").write_text("raise SystemExit('not this leancode')\n")
    (tmp_path / "good.py").write_text(GOOD)
    done = subprocess.run([str(Path(sys.executable).parent / "leancode"), "index", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["units"] == 1 and "parser crashed" not in done.stderr


def test_parse_workers_start_under_a_users_lower_memory_limit(tmp_path):
    """`ulimit -v` below the workers' own cap: they keep the user's, rather than fail to start (and every file
    be told 'parser crashed')."""
    import resource

    limit = 1_536 << 20

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run([sys.executable, "-c", "from leancode import parse_pool; "
                           "print(parse_pool.parse_units('def f():\\n    pass\\n', 'python')['units'][0]['name'])"],
                          capture_output=True, text=True, timeout=120, preexec_fn=lower)
    assert (done.returncode, done.stdout.strip()) == (0, "f"), done.stderr


@pytest.mark.parametrize("command", ["simplify", "summarize"])
def test_a_file_named_on_the_command_line_is_parsed_within_bounds(tmp_path, command):
    """`leancode simplify FILE` and `leancode summarize FILE` parsed the named file in their own process: a file
    whose parse takes gigabytes ran the command out of memory (or for minutes); now it is one clear error."""
    (tmp_path / "bomb.py").write_text(MEMORY_BOMB)
    done = cli_run(command, str(tmp_path / "bomb.py"), timeout=300)
    assert done.returncode == 2, done.stderr
    assert re.search(r"error: .*bomb\.py: not read: parser crashed", done.stderr), done.stderr
    (tmp_path / "good.py").write_text(GOOD)
    assert cli_run(command, str(tmp_path / "good.py"), timeout=300).returncode == 0


def test_where_parse_workers_cannot_start_files_are_parsed_here_with_one_warning():
    script = ("import sys, warnings\nsys.executable = '/bin/false'  # a worker that ends at once\n"
              "from leancode import parse_pool\nwith warnings.catch_warnings(record=True) as told:\n"
              "    warnings.simplefilter('always')\n"
              "    names = [parse_pool.parse_units(f'def f{i}(): pass\\n', 'python')['units'][0]['name'] "
              "for i in range(3)]\n"
              "print(names, [str(w.message) for w in told])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    names, told = done.stdout.rsplit("] [", 1)
    assert names == "['f0', 'f1', 'f2'" and told.count("parse workers cannot start") == 1, done.stdout + done.stderr
    assert "files are parsed in this process" in told


def test_a_ctrl_c_during_a_slow_parse_ends_the_index_at_once(tmp_path):
    """The interpreter waits for the threads that read the workers: a busy one held a Ctrl-C for up to 30 s."""
    (tmp_path / "slow.py").write_text(SLOW_PARSE * 3)  # 180,000 lines: 85 s to parse here
    (tmp_path / "good.py").write_text(GOOD)
    index = subprocess.Popen([str(Path(sys.executable).parent / "leancode"), "index"], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             # as from a terminal, where a test run in the background would pass SIGINT on ignored
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3)  # the workers are parsing
    index.send_signal(signal.SIGINT)
    _, told = index.communicate(timeout=20)  # the parse alone has 30 s before it is stopped
    assert index.returncode == 130 and "interrupted" in told and "cannot start" not in told, told


def _parse_workers() -> list[int]:
    """The pids of this process's parse workers."""
    pids = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat_file.read_text().rsplit(")", 1)[1].split()[1])
            if parent == os.getpid() and b"leancode.parse_pool" in (stat_file.parent / "cmdline").read_bytes():
                pids.append(int(stat_file.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def test_a_parse_that_outgrows_its_memory_ends_its_worker_not_the_caller():
    with pytest.raises(FileSkipped, match=r"parser crashed \(its worker process ended with code"):
        parse_pool.parse_units(MEMORY_BOMB, "python")
    assert [u["name"] for u in parse_pool.parse_units(GOOD, "python")["units"]] == ["load_config"]


def test_a_ctrl_c_is_the_callers_to_handle_not_the_parse_workers():
    """A terminal's Ctrl-C reaches the whole process group: the workers go on (the caller ends them at its exit),
    rather than each print a KeyboardInterrupt traceback after the caller's own message."""
    parse_pool.parse_units(GOOD, "python")
    workers = _parse_workers()
    assert workers
    for pid in workers:
        os.kill(pid, signal.SIGINT)
    time.sleep(0.5)
    assert [u["name"] for u in parse_pool.parse_units(GOOD, "python")["units"]] == ["load_config"]
    assert set(workers) <= set(_parse_workers())  # the same workers, alive


def test_a_function_whose_lexing_outgrows_its_memory_ends_a_worker_not_the_encoder(encoder):
    """The encoder lexes in the parse workers too: a function that would take the caller's memory (here given to
    it directly, as the unsaved-buffer search and the scale engines do) is embedded as it is, with a warning, and
    the others of its batch are simplified as ever."""
    other = GOOD.replace("load_config", "read_settings")
    items = [(GOOD, "python"), (MEMORY_BOMB, "python"), (other, "python")]
    with pytest.warns(UserWarning, match=r"python function of 16,418 characters could not be simplified \(parser "
                                         r"crashed\); it is embedded as it is"):
        vectors = encoder.encode_code(items)
    expected = encoder.encode_simplified([encoder.simplify([items[0]])[0].code, MEMORY_BOMB,
                                          encoder.simplify([items[2]])[0].code])
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    assert encoder.simplify([items[0]])[0].code != GOOD  # simplified, not embedded as it is


def test_a_parser_that_dies_costs_its_file_only():
    """A crash in tree-sitter's C code ends the worker, as the signal sent here does: the file is reported,
    and the next file gets a new worker (workers killed while idle are not blamed on it)."""
    while not parse_pool._idle.empty():  # workers of earlier tests: the crash must come to a new one
        parse_pool._idle.get().stop()
    dying = parse_pool.submit(SLOW_PARSE, "python")
    parse_pool.parse_units(GOOD, "python")  # meanwhile, in a second worker, idle when the crash comes
    time.sleep(0.5)
    assert not dying.done()
    for pid in _parse_workers():
        os.kill(pid, signal.SIGSEGV)
    with pytest.raises(FileSkipped, match=r"parser crashed \(its worker process ended with code -11\)"):
        dying.result(timeout=60)
    assert [u["name"] for u in parse_pool.parse_units(GOOD, "python")["units"]] == ["load_config"]


# --- 2. deep nesting ------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [CONCAT, NESTED_IFS, PARENS], ids=["concat", "nested-ifs", "parens"])
def test_deep_nesting_lexes_and_simplifies(code):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        tokens = lex(code, "python")
        result = simplify(code, "python", ratio=0.5, method="slimcode")
    assert "".join(t.text for t in tokens) == "".join(code.split())
    assert 0 < result.model_tokens_kept < result.model_tokens


def test_a_function_tree_sitter_gives_up_on_is_reported():
    with pytest.warns(ParseWarning, match=r"line 1"):
        assert extract_units(NESTED_IFS, "python") == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [u.name for u in extract_units(CONCAT + PARENS, "python")] == ["banner", "parens"]


def test_deep_nesting_indexes_and_reports(tmp_path, encoder):
    (tmp_path / "concat.py").write_text(CONCAT)
    (tmp_path / "nested.py").write_text(NESTED_IFS)
    with pytest.warns(UserWarning, match=r"nested\.py.*syntax error"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 2 and stats.units == 1
    assert stats.syntax_errors == 1
    # functions nested past the bound, in code read without error, are told but are no syntax error (typebox's
    # build/cjs/syntax/parser.js was counted "with syntax errors", no file named)
    (tmp_path / "deep.js").write_text("function a() {\n" * 40 + "}\n" * 40)
    with pytest.warns(UserWarning, match=r"deep\.js: 7 functions nested more than 32 deep"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.syntax_errors == 1


@pytest.mark.parametrize("code", [NESTED_IFS, PARENS], ids=["nested-ifs", "parens"])
def test_cli_simplify_deep_nesting_prints_no_traceback(tmp_path, code):
    path = tmp_path / "deep.py"
    path.write_text(code)
    done = cli_run("simplify", str(path), "--method", "slimcode", "--color", "never")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]


# --- 3. cache and manifest damage heals ----------------------------------------------------------

def big_module(functions: int = 40) -> str:
    doc = "Explain the arguments at length. " * 30
    return "".join(f'def helper_{i}(value):\n    """{doc}"""\n    return value + {i}\n\n\n' for i in range(functions))


@pytest.mark.slow
def test_random_bytes_over_cache_value_files_heal(tmp_path, encoder):
    (tmp_path / "big.py").write_text(big_module())
    index_dir = tmp_path / ".leancode"
    RepositoryIndex(tmp_path, encoder).update(progress=False)
    values = [p for p in (index_dir / "cache").rglob("*.val")]
    assert values, "the units record should be large enough for a value file"
    for path in values:
        data = path.read_bytes()
        path.write_bytes(os.urandom(64) + data[64:])
    (index_dir / "snapshot.npz").unlink()
    with pytest.warns(UserWarning, match="damaged") as caught:
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert len([w for w in caught if "damaged" in str(w.message)]) == 1
    assert stats.units == 40
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert RepositoryIndex(tmp_path, encoder).update(progress=False).units == 40  # healed


@pytest.mark.parametrize("encoder_settings", [
    "abc", {"ratio": 5}, {"max_length": "x"}, {"method": 7}, {"quantize": "yes"}, {"max_length": -3}, [1, 2],
])
def test_manifest_with_invalid_encoder_settings_is_ignored_with_a_warning(tmp_path, capsys, encoder_settings):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / ".leancode").mkdir()
    (tmp_path / ".leancode" / "manifest.json").write_text(json.dumps(
        {"format": 1, "encoder": encoder_settings, "counts": "many", "model_path": 5}))
    code = cli(["search", "read a config file", "--path", str(tmp_path), "--json", "--method", "slimcode"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.count("manifest: invalid encoder settings") == 1 and json.loads(out)[0]["name"] == "load_config"


# --- 4. LSP framing ------------------------------------------------------------------------------

@pytest.mark.slow  # the real server
def test_server_survives_bad_frames(tmp_path):
    with RawServer() as server:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "leancode/ping", "params": {}}).encode()
        bad_frames = [
            b"Content-Length: %d\r\n\r\n" % (len(body) - 5) + body,  # too short: the rest is garbage
            b"Content-Length: %d\r\n\r\n" % (len(body) + 40) + body,  # too long: eats the next frame's start
            b"Content-Length: x\r\n\r\n" + body,  # not a number
            b"Content-Type: application/json\r\n\r\n" + body,  # missing
            b"Content-Length: 99999999999\r\n\r\n" + body,  # huge: refused without allocating
            b"garbage without any header\r\n\r\n",
        ]
        for number, bad in enumerate(bad_frames, 2):
            server.send(bad)
            assert server.alive(number), (bad[:40], b"".join(server.stderr)[-2000:])
        assert server.close() == 0


@pytest.mark.slow  # the real server
def test_a_request_before_initialize_is_answered_server_not_initialized(tmp_path):
    with RawServer(initialize=False) as server:
        uri = (tmp_path / "main.py").as_uri()
        hover = server.request(1, "textDocument/hover", {"textDocument": {"uri": uri},
                                                        "position": {"line": 0, "character": 0}})
        search = server.request(2, "workspace/executeCommand", {"command": "leancode.search", "arguments": ["q"]})
        assert hover["error"]["code"] == search["error"]["code"] == -32002
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "def f():\n    return 1\n"}}}))  # dropped
        server.initialize()
        assert server.alive(3)
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)


@pytest.mark.slow  # the real server
def test_server_follows_the_protocol_on_odd_but_valid_messages():
    with RawServer() as server:
        server.send(frame({"jsonrpc": "2.0", "id": 1, "method": "leancode/unknown"}))  # params may be left out
        assert server.answer(1)["error"]["code"] == -32601
        server.send(frame({"jsonrpc": "2.0", "method": "$/unknownNotification"}))
        again = server.request(2, "initialize", {"processId": None, "capabilities": {}})
        assert again["error"]["code"] == -32600 and "initialized" in again["error"]["message"]
        server.send(frame({"jsonrpc": "2.0", "method": "exit"}))  # exit without shutdown: code 1
        assert server.process.wait(60) == 1
        assert b"Traceback" not in b"".join(server.stderr)


@pytest.mark.slow  # the real server
def test_a_buffer_with_old_mac_line_ends_is_hovered_on_the_right_line(tmp_path):
    path = tmp_path / "mac.py"
    text = 'import os\r\rdef alpha(x):\r    """First."""\r    return x\r\rdef beta(y):\r    """Second."""\r    return y\r'
    path.write_text("")
    with RawServer(root=tmp_path) as server:
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}}}))
        for msg_id, (line, name) in enumerate([(2, "alpha"), (6, "beta")]):  # LSP counts a lone \r as a line end
            answer = server.request(msg_id + 1, "textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                                       "position": {"line": line, "character": 5}})
            assert f"def {name}" in answer["result"]["contents"]["value"], answer
        assert server.close() == 0


@pytest.mark.slow  # the real server
def test_an_edit_that_cannot_be_read_drops_the_buffer_rather_than_misplace_later_edits(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('def saved_one():\n    """The saved file\'s function."""\n    return 2\n')
    uri = path.as_uri()

    def hover() -> str:
        answer = server.request(f"h{time.monotonic()}", "textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}}, timeout=60)
        return answer["result"]["contents"]["value"]

    with RawServer(root=tmp_path) as server:
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1,
            "text": 'def in_buffer():\n    """The buffer\'s function."""\n    return 1\n'}}}))
        assert "The buffer's function." in hover()
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {
                "start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# x\n"}]}}))
        told = server.wait_for("window/showMessage", timeout=30)["params"]
        assert "could not be read" in told["message"] and told["type"] == 2  # a warning
        assert "The saved file's function." in hover()  # not the buffer, whose edits no longer line up
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)


@pytest.mark.slow  # the real server
def test_an_open_buffer_is_found_whatever_its_uri_escapes(tmp_path):
    folder = tmp_path / "odd dir"
    folder.mkdir()
    path = folder / "mödule one.py"
    path.write_text("x = 1\n")
    with RawServer(root=tmp_path) as server:
        uri = path.as_uri()  # percent-encoded: "odd%20dir/m%C3%B6dule%20one.py"
        assert "%20" in uri
        buffer = 'x = 1\n\ndef unsaved(a):\n    """Add one to a. More."""\n    return a + 1\n'
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": buffer}}}))
        answer = server.request(1, "textDocument/hover", {"textDocument": {"uri": uri},
                                                          "position": {"line": 2, "character": 6}}, timeout=60)
        assert "Add one to a." in answer["result"]["contents"]["value"], answer
        past = server.request(2, "textDocument/hover", {"textDocument": {"uri": uri},
                                                         "position": {"line": 99, "character": 0}})
        assert past["error"]["code"] == -32602  # answered, and not logged as a fault
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)


@pytest.mark.slow  # the real server
def test_a_search_whose_model_does_not_load_says_why_without_a_traceback(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    with RawServer(root=tmp_path, options={"modelPath": str(tmp_path / "no-model")}) as server:
        told = server.wait_for("window/showMessage", timeout=60)  # the workspace could not be opened
        assert "no-model" in told["params"]["message"] and told["params"]["type"] == 1  # an error
        answer = server.request(1, "workspace/executeCommand", {"command": "leancode.search",
                                                                 "arguments": ["read a config file"]}, timeout=60)
        assert answer["result"] == [] and "Traceback" not in json.dumps(answer)
        told = server.wait_for("window/showMessage", timeout=10)  # and the search says why it found nothing
        assert "failed" in told["params"]["message"] and "no-model" in told["params"]["message"]
        assert server.close() == 0


@pytest.mark.slow  # the real server
def test_an_importance_table_that_does_not_load_is_told_by_name(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad-table").mkdir()
    (tmp_path / "bad-table" / "table.json").write_text("{not json")
    with RawServer(root=tmp_path, options={"table": str(tmp_path / "bad-table")}) as server:
        told = server.wait_for("window/showMessage", timeout=60)  # the workspace could not be opened
        assert "bad-table" in told["params"]["message"] and told["params"]["type"] == 1, told  # an error
        assert server.close() == 0
    assert b"Traceback" not in b"".join(server.stderr)


@pytest.mark.slow  # the real server
def test_a_bad_setting_keeps_its_value_and_the_others_apply(tmp_path):
    (tmp_path / "util.py").write_text("".join(f"def {name}():\n    return {n}\n\n\n" for n, name in enumerate("abc")))
    with RawServer(root=tmp_path, options={"ratio": 5, "top": 1}) as server:  # as a client resends a bad value
        told = server.wait_for("window/showMessage", timeout=60)["params"]["message"]
        assert "each kept as it was" in told and "ratio must be" in told, told
        server.logged_until_indexed()
        assert len(server.request(1, "workspace/symbol", {"query": "return a number"}, timeout=60)["result"]) == 1
        assert server.close() == 0


@pytest.mark.slow  # the real server
def test_the_server_tells_what_it_skipped_and_shows_a_file_name_as_the_cli_does(tmp_path):
    (tmp_path / "odd\nname.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01binary\x00" * 10)
    with RawServer(root=tmp_path) as server:
        indexed = server.logged_until_indexed()[-1]["message"]
        assert indexed.endswith("skipped: 1 binary"), indexed  # not a dict's repr, {'binary': 1}
        (symbol,) = server.request(1, "workspace/symbol", {"query": "add"}, timeout=60)["result"]
        assert symbol["containerName"].startswith("odd\\nname.py ("), symbol  # a label of one line
        assert server.close() == 0


@pytest.mark.slow  # the real server
def test_a_failed_search_is_shown_once_by_the_client_and_a_failed_symbol_search_by_the_server(tmp_path):
    with RawServer(options={"modelPath": str(tmp_path / "no-model"), "searchIndex": str(tmp_path / "lance")}) as server:
        answer = server.request(1, "workspace/executeCommand", {"command": "leancode.search",
                                                                 "arguments": ["read a config file"]}, timeout=60)
        assert "no-model" in answer["error"]["message"] and "Traceback" not in json.dumps(answer)
        symbols = server.request(2, "workspace/symbol", {"query": "read a config file"}, timeout=60)
        assert "no-model" in symbols["error"]["message"]
        told = server.wait_for("window/showMessage", timeout=10)  # one popup: the symbol search's
        assert "search failed" in told["params"]["message"]
        with pytest.raises(TimeoutError):
            server.wait_for("window/showMessage", timeout=2)
        logged = [m["params"]["message"] for m in server.passed if m.get("method") == "window/logMessage"]
        assert sum("search failed" in m for m in logged) == 2, logged
        assert server.close() == 0


@pytest.mark.slow  # the real server
def test_an_unsaved_buffer_stays_searchable_when_its_folder_is_added_or_reopened(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "good.py").write_text(GOOD)
    buffer = GOOD + '\ndef rotate_log_files(directory, keep):\n    """Delete all but the newest log files."""\n'
    def found() -> list[str]:
        for attempt in range(100):
            answer = server.request(f"s{time.monotonic()}", "workspace/executeCommand", {
                "command": "leancode.search", "arguments": ["delete old log files"]}, timeout=60)
            names = [hit["name"] for hit in answer["result"]]
            if "rotate_log_files" in names:
                break
            time.sleep(0.2)
        return names

    with RawServer() as server:  # no folder yet
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": (folder / "good.py").as_uri(), "languageId": "python", "version": 1, "text": buffer}}}))
        server.send(frame({"jsonrpc": "2.0", "method": "workspace/didChangeWorkspaceFolders", "params": {"event": {
            "added": [{"uri": "http://example.com/repo", "name": "web"}, {"uri": folder.as_uri(), "name": "ws"}],
            "removed": []}}}))  # a folder no file path names is skipped, not the end of the others
        logged = [m["message"] for m in server.logged_until_indexed()]
        assert any("http://example.com/repo is not a local folder; skipped" in m for m in logged), logged
        assert "rotate_log_files" in found()  # opened before its folder was added
        server.send(frame({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                           "params": {"settings": {"leancode": {"ratio": 0.3}}}}))
        server.logged_until_indexed()
        assert "rotate_log_files" in found()  # the folder was reopened for the new ratio
        assert server.close() == 0

# --- 5. symlinks ---------------------------------------------------------------------------------

def test_index_dir_symlink_out_of_the_workspace_is_refused(tmp_path, encoder):
    repo, victim = tmp_path / "repo", tmp_path / "victim"
    repo.mkdir(), victim.mkdir()
    (repo / "good.py").write_text(GOOD)
    (victim / "manifest.json").write_text("precious")
    (repo / ".leancode").symlink_to(victim)
    with pytest.raises(OSError, match="is a symlink"):
        RepositoryIndex(repo, encoder).update(progress=False)
    assert os.listdir(victim) == ["manifest.json"] and (victim / "manifest.json").read_text() == "precious"


def test_an_index_dir_that_is_a_symlink_is_not_read_either(tmp_path, encoder, capsys):
    elsewhere, repo = tmp_path / "elsewhere", tmp_path / "repo"
    elsewhere.mkdir(), repo.mkdir()
    (elsewhere / "planted.py").write_text(GOOD)
    RepositoryIndex(elsewhere, encoder).update(progress=False)  # another index, with its names and previews
    (repo / "good.py").write_text(GOOD.replace("load_config", "read_settings"))
    (repo / ".leancode").symlink_to(elsewhere / ".leancode")
    with pytest.warns(UserWarning, match=r"\.leancode is a symlink; not read"):
        assert not RepositoryIndex(repo, encoder).load()
    assert cli(["search", "read a config file", "--path", str(repo), "--no-update", "--method", "slimcode"]) == 2
    assert "load_config" not in capsys.readouterr().out


@pytest.mark.parametrize("name", [".gitignore", "cache", "manifest.json", "snapshot.npz", "update.lock"])
def test_symlinks_inside_the_index_dir_are_refused(tmp_path, encoder, name):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir(), outside.mkdir()
    (repo / "good.py").write_text(GOOD)
    (repo / ".leancode").mkdir()
    # A directory link to an existing directory; a file link dangling (a write through it would create it).
    (repo / ".leancode" / name).symlink_to(outside if name == "cache" else outside / "target")
    with pytest.raises(OSError, match="is a symlink"):
        RepositoryIndex(repo, encoder).update(progress=False)
    assert os.listdir(outside) == []
    done = cli_run("index", str(repo), "--method", "slimcode")
    assert done.returncode == 2 and "is a symlink" in done.stderr and "Traceback" not in done.stderr
    assert os.listdir(outside) == []


# --- 6. FIFOs and other non-regular files -------------------------------------------------------

def _skipped(read, path) -> str | None:
    try:
        read(path)
    except FileSkipped as reason:
        return str(reason)
    return None


def test_fifo_is_never_opened_for_reading(tmp_path, encoder):
    fifo = tmp_path / "x.py"
    os.mkfifo(fifo)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_skipped(read_source, fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert outcome == ["not a regular file"]
    done = cli_run("simplify", str(fifo), timeout=60)
    assert done.returncode == 2 and "not a regular file" in done.stderr
    os.mkfifo(tmp_path / ".gitignore")  # the walk reads ignore files: never a FIFO
    (tmp_path / "good.py").write_text(GOOD)
    stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.units == 1 and stats.skipped == {"not a regular file": 1, "ignore rules not read": 1}


@pytest.mark.slow  # the real server
def test_server_hover_on_fifo_answers_and_exits(tmp_path):
    fifo = tmp_path / "x.py"
    os.mkfifo(fifo)
    with RawServer() as server:
        for number in range(1, 5):  # more hovers than the server has workers
            params = {"textDocument": {"uri": fifo.as_uri()}, "position": {"line": 0, "character": 0}}
            assert server.request(number, "textDocument/hover", params, timeout=30)["result"] is None
        assert server.alive(10)
        assert server.close() == 0


def test_a_file_whose_parse_outgrows_its_memory_costs_the_server_nothing_else(tmp_path):
    """Indexed and hovered: each parse of it is stopped in a worker, so neither the index, nor the hover (which
    parses in the server), stalls or takes the server's memory."""
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bomb.py").write_text(MEMORY_BOMB)
    with RawServer(tmp_path) as server:
        logged = [entry["message"] for entry in server.logged_until_indexed(timeout=120)]
        assert any("bomb.py: skipped: parser crashed" in message for message in logged), logged
        for number, name in enumerate(["bomb.py", "good.py"], 1):
            params = {"textDocument": {"uri": (tmp_path / name).as_uri()}, "position": {"line": 0, "character": 5}}
            answered = server.request(number, "textDocument/hover", params, timeout=90)["result"]
            assert (answered is None) == (name == "bomb.py"), answered
        assert "load_config" in answered["contents"]["value"]
        shown = server.wait_for("window/showMessage")["params"]  # the empty hover told, once
        assert "does not read bomb.py: parser crashed" in shown["message"], shown
        assert server.close() == 0


def test_a_hover_in_a_file_too_large_to_read_tells_why_once(tmp_path):
    huge = tmp_path / "huge.py"
    huge.write_text(GOOD + "x = 1\n" * 200_000)
    uri = huge.as_uri()
    with RawServer(tmp_path) as server:
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": huge.read_text()}}}))
        params = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}}
        for number in (1, 2):
            assert server.request(number, "textDocument/hover", params, timeout=60)["result"] is None
        shown = [message for message in server.passed if message.get("method") == "window/showMessage"]
        assert len(shown) == 1, shown
        assert shown[0]["params"]["message"].startswith("LeanCode does not read huge.py: too large ("), shown
        assert server.close() == 0


# --- 7. the smaller cases ------------------------------------------------------------------------

def test_source_decoding_honours_pep263_and_boms(tmp_path):
    latin = tmp_path / "latin.py"
    latin.write_bytes("# -*- coding: latin-1 -*-\ndef café():\n    return 'déjà vu'\n".encode("latin-1"))
    assert "déjà vu" in read_source(latin) and "\ufffd" not in read_source(latin)
    utf16 = tmp_path / "Wide.java"
    utf16.write_bytes("class Wide { int größe() { return 1; } }".encode("utf-16"))  # BOM + NUL bytes: not binary
    assert read_source(utf16).startswith("class Wide") and "größe" in read_source(utf16)
    bom8 = tmp_path / "bom.ts"
    bom8.write_bytes(b"\xef\xbb\xbffunction f() {}\n")
    assert read_source(bom8) == "function f() {}\n"
    for cookie in (b"rot13", b"utf-16", b"no-such-codec"):  # unusable coding lines: UTF-8, never an error
        odd = tmp_path / "odd.py"
        odd.write_bytes(b"# coding: " + cookie + b"\nx = '\xc3\xa9'\n")
        assert "x = 'é'" in read_source(odd)
    from leancode.index import parse_units

    assert parse_units(read_source(latin), "python")["units"][0]["name"] == "café"


def test_a_legacy_8bit_file_keeps_its_letters_and_damaged_utf8_keeps_what_is_whole(tmp_path):
    from leancode.index import parse_units

    for name, language in (("plain.py", "python"), ("Plain.java", "java")):  # no coding line: Windows-1252
        legacy = tmp_path / name
        code = ("def café_name():\n    return 'déjà vu'\n" if language == "python"
                else "class Plain { int café() { return 1; } } // “quoted”\n")
        legacy.write_bytes(code.encode("cp1252"))
        assert read_source(legacy) == code
        assert parse_units(read_source(legacy), language)["units"][0]["name"].startswith("café")
    damaged = tmp_path / "damaged.py"
    damaged.write_bytes("x = 'größe'\n".encode("utf-8") + b"y = '\xff'\n")
    assert read_source(damaged) == "x = 'größe'\ny = '\ufffd'\n"


def test_nested_functions_are_bounded_in_what_they_store():
    from leancode.index import MAX_UNIT_CHARS, parse_units
    from leancode.units import MAX_NESTING

    code = "".join(" " * i + f"def f{i}():\n" for i in range(900)) + " " * 900 + "pass\n"  # 416 KB
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        parsed = parse_units(code, "python")
    stored = sum(len(u["code"]) + len(u["terms"]) for u in parsed["units"])
    assert MAX_NESTING < len(parsed["units"]) and stored < 3 * len(parsed["units"]) * MAX_UNIT_CHARS < 40 * len(code)
    assert "syntax errors" in parsed["syntax"]  # where tree-sitter gave up (past depth ~500), that is reported


def test_index_dir_is_created_0700_and_tightened(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / ".leancode").mkdir(mode=0o755)
    os.chmod(tmp_path / ".leancode", 0o755)
    RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stat.S_IMODE(os.stat(tmp_path / ".leancode").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / ".leancode" / "cache").st_mode) == 0o700


def test_search_says_it_waits_on_the_index_lock(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    RepositoryIndex(tmp_path, encoder).update(progress=False)
    with FileLock(str(tmp_path / ".leancode" / "update.lock")):
        search = subprocess.Popen([sys.executable, "-m", "leancode.cli", "search", "read a config file", "--path",
                                   str(tmp_path), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(search.stderr.readline, "")), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not any("waiting" in line for line in lines) and time.monotonic() < deadline \
                and search.poll() is None:
            time.sleep(0.1)
        assert any("being updated by another process; waiting" in line for line in lines), lines
    out, _ = search.communicate(timeout=120)
    assert search.returncode == 0 and json.loads(out)[0]["name"] == "load_config"


def test_a_search_without_update_during_the_first_index_says_it_is_being_built(tmp_path):
    # "no index of ... run `leancode index` first" while another process was building it
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / ".leancode").mkdir(mode=0o700)
    command = [sys.executable, "-m", "leancode.cli", "search", "read a config file", "--path", str(tmp_path),
               "--no-update"]
    with FileLock(str(tmp_path / ".leancode" / "update.lock")):
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "is being built by another process" in done.stderr, done.stderr
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)  # no one building it: as before
    assert done.returncode != 0 and "--no-update" in done.stderr and "another process" not in done.stderr


def test_the_model_never_comes_from_a_manifest_in_the_repository(tmp_path, capsys):
    (tmp_path / "good.py").write_text(GOOD)
    planted = tmp_path / "model"
    planted.mkdir()
    (planted / "config.json").write_text('{"model_type": "bert", "auto_map": {"AutoModel": "evil.Model"}}')
    (tmp_path / ".leancode").mkdir()
    (tmp_path / ".leancode" / "manifest.json").write_text(json.dumps(
        {"format": 1, "model_path": str(planted), "encoder": {"method": "slimcode"}}))
    code = cli(["search", "read a config file", "--path", str(tmp_path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "never taken from the index directory" in err and json.loads(out)[0]["name"] == "load_config"
    assert str(planted) not in json.loads((tmp_path / ".leancode" / "manifest.json").read_text())["model_path"]


@pytest.mark.slow  # a cold index killed and rerun
def test_a_kill_during_a_cold_index_loses_little_and_the_rerun_is_consistent(tmp_path):
    import sysconfig

    repo = tmp_path / "repo"
    repo.mkdir()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in ("argparse.py", "textwrap.py", "shlex.py"):
        (repo / name).write_bytes((stdlib / name).read_bytes())
    index = subprocess.Popen([sys.executable, "-m", "leancode.cli", "index", str(repo), "--method", "slimcode"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = repo / ".leancode" / "cache" / "cache.db"

    def committed() -> int:
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
                return db.execute("SELECT count(*) FROM Cache WHERE key LIKE 'vec:%'").fetchone()[0]
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 300
    while committed() == 0 and index.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the rest of a burst of commits lands; the next chunk (about 4 s of work) does not
    index.send_signal(signal.SIGKILL)
    index.wait()
    kept = committed()
    assert kept > 0 and not (repo / ".leancode" / "snapshot.npz").exists()  # killed mid-embedding
    done = cli_run("index", str(repo), "--method", "slimcode", "--json", timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    stats = json.loads(done.stdout)
    distinct = len({u.key for u in _units(repo)})
    assert stats["reused"] == kept and stats["embedded"] + kept == distinct
    assert kept < distinct / 2  # committed in small chunks, not all at the end
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a consistent index: loads without a "rebuilding" warning
        loaded = RepositoryIndex(repo, Encoder(method="slimcode"))
        assert loaded.load() and len(loaded.units) == stats["units"]


def _units(repo: Path) -> list:
    from leancode.index import RepositoryIndex as Index

    return Index(repo, Encoder(method="slimcode")).units


def test_server_indexes_a_folder_despite_bad_files(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / BAD_NAME).write_text(GOOD.replace("load_config", "other"))
    (tmp_path / "deep.py").write_text(CONCAT)
    os.mkfifo(tmp_path / "fifo.py")
    with RawServer(root=tmp_path) as server:
        deadline, names = time.monotonic() + 300, []
        for number in range(1, 10**6):
            answer = server.request(number, "workspace/executeCommand",
                                    {"command": "leancode.search", "arguments": ["read a config file", 5]}, 60)
            names = [hit["name"] for hit in answer.get("result") or []]
            if {"load_config", "banner"} <= set(names) or time.monotonic() > deadline:  # (partial results first)
                break
            time.sleep(1)
        assert "load_config" in names and "banner" in names
        assert server.close() == 0


@pytest.mark.parametrize("damage", [
    "UPDATE Settings SET key = X'00ff' WHERE key = 'count'",  # a blob where a name goes
    "UPDATE Settings SET key = CAST(X'ff' AS TEXT) WHERE key = 'count'",  # text that is not UTF-8
])
def test_a_cache_database_with_odd_rows_is_rebuilt(tmp_path, encoder, damage):
    (tmp_path / "good.py").write_text(GOOD)
    RepositoryIndex(tmp_path, encoder).update(progress=False)
    with sqlite3.connect(tmp_path / ".leancode" / "cache" / "cache.db") as db:  # each found by bench/fuzz.py
        db.execute(damage)
    (tmp_path / ".leancode" / "snapshot.npz").unlink()
    with pytest.warns(UserWarning, match="corrupt"):
        assert RepositoryIndex(tmp_path, encoder).update(progress=False).units == 1


# --- hostile repositories: what they ship, name or write ------------------------------------------

def test_a_directory_where_a_file_is_expected_is_skipped_not_fatal(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / ".gitignore").mkdir()  # read for ignore rules
    (tmp_path / "sub" / ".leancodeignore").mkdir(parents=True)
    with pytest.raises(FileSkipped, match="not a regular file"):
        read_source(tmp_path / ".gitignore")
    assert RepositoryIndex(tmp_path, encoder).update(progress=False).units == 1


def _tamper_snapshot(index_dir: Path, path: str) -> None:

    with np.load(index_dir / "snapshot.npz") as data:
        arrays = {name: data[name] for name in data.files}
    units = json.loads(bytes(arrays["units"]).decode())
    units[0]["path"] = path
    arrays["units"] = np.frombuffer(json.dumps(units).encode(), dtype=np.uint8)
    with open(index_dir / "snapshot.npz", "wb") as handle:
        np.savez(handle, **arrays)


@pytest.mark.parametrize("outside", ["../outside/secret.py", "/etc/passwd", "a/../../x.py", "./good.py"])
def test_a_snapshot_naming_a_file_outside_the_repository_is_rebuilt(tmp_path, encoder, capsys, outside):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text(GOOD)
    assert cli(["index", str(repo), "--method", "slimcode"]) == 0
    _tamper_snapshot(repo / ".leancode", outside)
    capsys.readouterr()
    assert cli(["search", "read a config file", "--path", str(repo), "--json", "--method", "slimcode"]) == 0
    out, err = capsys.readouterr()
    assert "leaves the repository" in err and err.count("rebuilds it") == 1 and "no index" not in err
    assert [hit["file"] for hit in json.loads(out)] == [str(repo / "good.py")]


@pytest.mark.parametrize("damage", ["random bytes", "object arrays"])
def test_a_garbage_snapshot_is_told_once_in_leancodes_words(tmp_path, encoder, capsys, damage):

    (tmp_path / "good.py").write_text(GOOD)
    assert cli(["index", str(tmp_path), "--method", "slimcode"]) == 0
    snapshot = tmp_path / ".leancode" / "snapshot.npz"
    if damage == "random bytes":
        snapshot.write_bytes(os.urandom(4000))
    else:  # numpy refuses them with a message that suggests unpickling the file
        with open(snapshot, "wb") as handle:
            np.savez(handle, meta=np.array([{"format": 1}], dtype=object), units=np.zeros(1), vectors=np.zeros(1))
    capsys.readouterr()
    assert cli(["search", "read a config file", "--path", str(tmp_path), "--method", "slimcode"]) == 0
    err = capsys.readouterr().err
    assert err.count("damaged") == 1 and "allow_pickle" not in err and "no index" not in err


@pytest.mark.slow  # the real server
def test_the_server_tells_a_damaged_index_once_in_its_log_and_the_clients(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    assert cli(["index", str(tmp_path)]) == 0  # the server's settings: its cache is reused
    (tmp_path / ".leancode" / "snapshot.npz").write_bytes(os.urandom(4000))
    with RawServer(root=tmp_path) as server:
        logged = server.logged_until_indexed()
        assert server.close() == 0
        warned = [m for m in logged if "damaged" in m["message"]]
        assert len(warned) == 1 and warned[0]["type"] == 2 and warned[0]["message"].startswith("leancode: index")
        assert b"".join(server.stderr).decode().count("damaged") == 1

def test_repository_text_cannot_drive_the_terminal(tmp_path, encoder, capsys):
    escape = "\x1b[2J\x1b]0;pwned\x07\u202e"  # clear the screen, set the title, reverse what follows
    (tmp_path / "new\nline.py").write_text(f'def clear():\n    """{escape}Clears the screen."""\n    return 1\n')
    assert cli(["search", "clear the screen", "--path", str(tmp_path), "--method", "slimcode"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out and "new\\nline.py" in out and len(out.splitlines()) == 1
    assert cli(["summarize", str(tmp_path / "new\nline.py")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\\u202e" in out and len(out.splitlines()) == 1


def test_an_invisible_character_cannot_make_one_name_look_like_another():
    from leancode.messages import printable

    for invisible in "\u200b\ufeff\u200e\u200f\u061c\u2060":
        assert printable(f"a{invisible}.py") == f"a\\u{ord(invisible):04x}.py"
    assert printable("naïve_名前.py\tx") == "naïve_名前.py\tx"  # letters of any script (and a tab) as they are


def test_a_directory_in_place_of_the_cache_database_is_rebuilt(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    RepositoryIndex(tmp_path, encoder).update(progress=False)
    database = tmp_path / ".leancode" / "cache" / "cache.db"
    database.unlink()
    database.mkdir()
    (tmp_path / ".leancode" / "snapshot.npz").unlink()
    with pytest.warns(UserWarning, match="corrupt"):
        assert RepositoryIndex(tmp_path, encoder).update(progress=False).units == 1
    assert database.is_file()


def test_a_directory_in_place_of_the_manifest_is_named_in_the_error(tmp_path, encoder, capsys):
    (tmp_path / "good.py").write_text(GOOD)
    assert cli(["index", str(tmp_path), "--method", "slimcode"]) == 0
    manifest = tmp_path / ".leancode" / "manifest.json"
    manifest.unlink()
    manifest.mkdir()
    capsys.readouterr()
    assert cli(["index", str(tmp_path), "--method", "slimcode"]) == 2
    assert f"{manifest} is a directory" in capsys.readouterr().err


@pytest.mark.slow  # the real server
def test_server_answers_odd_text_and_uris_without_internal_errors(tmp_path):
    (tmp_path / "a.py").write_text(GOOD)
    (tmp_path / "dir.py").mkdir()
    with RawServer(root=tmp_path) as server:
        nested = b'{"jsonrpc": "2.0", "id": 1, "method": "leancode/ping", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        server.send(b"Content-Length: %d\r\n\r\n" % len(nested) + nested)
        assert server.answer(None)["error"]["code"] == -32700  # a parse error, not silence
        uri = (tmp_path / "lone.py").as_uri()
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "def \ud800x():\n    '''Lone.'''\n"}}}))
        answers = [server.request(2, "textDocument/hover", {"textDocument": {"uri": uri},
                                                            "position": {"line": 0, "character": 5}}, timeout=60),
                   server.request(3, "textDocument/hover", {"textDocument": {"uri": "file:///x%00/a.py"},
                                                            "position": {"line": 0, "character": 0}}),
                   server.request(4, "textDocument/hover", {"textDocument": {"uri": (tmp_path / "dir.py").as_uri()},
                                                            "position": {"line": 0, "character": 0}})]
        assert "Lone." in answers[0]["result"]["contents"]["value"], answers[0]
        assert all("error" not in answer for answer in answers), answers
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)


def test_thousands_of_nested_functions_index_in_linear_time_and_are_told():
    from leancode.unit_records import parse_units
    from leancode.units import MAX_NESTING

    code = "".join(f"function f{i}() {{\n" for i in range(3000)) + "return 1;\n" + "}\n" * 3000
    record = parse_units(code, "javascript")
    assert [u["name"] for u in record["units"]] == [f"f{i}" for i in range(MAX_NESTING + 1)]
    assert f"{3000 - MAX_NESTING - 1} functions nested more than {MAX_NESTING} deep" in record["syntax"]


def test_simplify_never_writes_over_its_input(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    line = json.dumps({"idx": 0, "code": "def f(x):\n    return x + 1\n", "language": "python"})
    source.write_text("\ufeff" + line + "\n" + json.dumps({"code": 5, "language": "python"}) + "\n")  # a BOM
    (tmp_path / "link.jsonl").symlink_to(source)
    for same in (source, tmp_path / "link.jsonl", tmp_path / "." / "in.jsonl"):
        assert cli(["simplify", "--input", str(source), "--output", str(same)]) == 2
        assert "is the input file" in capsys.readouterr().err and source.read_text().count("\n") == 2
    assert cli(["simplify", "--input", str(source), "--output", str(tmp_path / "out.jsonl")]) == 1
    first, second = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert "code" in first and second["error"] == "'code' must be the function's text, not int"


def test_a_batch_line_that_is_not_utf8_is_that_lines_error(tmp_path, capsys):
    # One undecodable byte emptied the whole output ("'utf-8' codec can't decode byte 0xff"), naming no line.
    good = json.dumps({"idx": 0, "code": "def f(x):\n    return x + 1\n", "language": "python"}).encode()
    source = tmp_path / "in.jsonl"
    source.write_bytes(good + b"\n" + b'{"idx": 1, "code": "def \xff(x): pass", "language": "python"}\n' + good + b"\n")
    assert cli(["simplify", "--input", str(source), "--output", str(tmp_path / "out.jsonl")]) == 1
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o.get("idx") for o in out] == [0, 1, 0] and "code" in out[0] and "code" in out[2]
    assert out[1]["error"].startswith("not UTF-8 text") and "\\xff" in out[1]["input"]  # the input, escaped
    assert "line 2: not UTF-8 text" in capsys.readouterr().err


def test_simplify_refuses_options_its_input_would_ignore(tmp_path, capsys):
    (tmp_path / "a.py").write_text("def f(x):\n    return x\n")
    (tmp_path / "in.jsonl").write_text(json.dumps({"code": "def f(x):\n    return x\n", "language": "python"}) + "\n")
    assert cli(["simplify", str(tmp_path / "a.py"), "--output", str(tmp_path / "out.jsonl")]) == 2
    assert cli(["simplify", "--input", str(tmp_path / "in.jsonl"), "--function", "f"]) == 2
    err = capsys.readouterr().err
    assert "--output writes what --input JSONL gives" in err and "--function picks a function of a FILE" in err
    assert not (tmp_path / "out.jsonl").exists()


def test_an_ignore_pattern_too_costly_to_match_is_left_out(tmp_path, encoder):
    name = "b" * 200 + ".py"
    (tmp_path / name).write_text(GOOD)
    (tmp_path / "gone.py").write_text(GOOD.replace("load_config", "other"))
    (tmp_path / ".gitignore").write_text("*b*b*b*b*b*b*b*b*c\n**********e.py\ngone.py\n")  # would run for hours
    with pytest.warns(UserWarning, match=r"\*b\*b.*left out"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 1  # gone.py still ignored, the run of stars read as one


def test_an_ignore_pattern_whose_cost_multiplies_across_path_parts_is_left_out(tmp_path, encoder):
    deep = tmp_path.joinpath(*["a" * 24] * 4)  # each part within the bound alone: 3 `*`, 12 in all
    deep.mkdir(parents=True)
    (deep / "x.py").write_text(GOOD)
    (tmp_path / ".gitignore").write_text("*a*a*a/*a*a*a/*a*a*a/*a*a*a/b\n**/build/*.py\n")  # minutes to match
    with pytest.warns(UserWarning, match=r"\*a\*a.*left out: more than 3 `\*`"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 1


def test_an_ignore_pattern_that_is_no_regular_expression_is_left_out(tmp_path, encoder):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "gone.py").write_text(GOOD.replace("load_config", "other"))
    (tmp_path / ".gitignore").write_text("gen/[z-a]*.py\ngone.py\n")  # a reversed range: re.error, not ValueError
    stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 1  # gone.py still ignored


@pytest.mark.slow  # the real server
def test_a_model_path_that_kept_the_workspace_closed_can_be_mended_without_a_restart(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    with RawServer(root=tmp_path, options={"modelPath": str(tmp_path / "no-model")}) as server:
        told = server.wait_for("window/showMessage", timeout=60)  # the workspace could not be opened
        assert "no-model" in told["params"]["message"]
        server.send(frame({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                           "params": {"settings": {"leancode": {"modelPath": None}}}}))
        server.logged_until_indexed()
        answer = server.request(1, "workspace/executeCommand", {"command": "leancode.search",
                                                                 "arguments": ["read a config file"]}, timeout=60)
        assert [hit["name"] for hit in answer["result"]] == ["load_config"]
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)  # a model that does not load is told, not a fault


def test_an_index_dir_holding_other_files_is_left_alone(tmp_path, encoder, capsys):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "good.py").write_text(GOOD)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    (shared / "readme.txt").write_text("someone's notes\n")
    assert cli(["index", str(tmp_path / "repo"), "--index-dir", str(shared)]) == 2
    assert "not a LeanCode index" in capsys.readouterr().err
    assert sorted(os.listdir(shared)) == ["readme.txt"] and stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_summarize_targets_say_what_they_name(tmp_path, capsys):
    path = tmp_path / "s.py"
    path.write_text('def f():\n    """Return one."""\n    return 1\n')
    for target in (f"{path}:", f"{path}:f", f"{path}:2"):
        assert cli(["summarize", target]) == 0 and "Return one." in capsys.readouterr().out
    for target, said in ((f"{path}:0", "numbered from 1"), (f"{path}:-1", "numbered from 1"),
                         (":3", ":3: unreadable"), ("D:\\y.py", "D:\\y.py: unreadable")):
        assert cli(["summarize", target]) == 2 and said in capsys.readouterr().err, target


@pytest.mark.parametrize("name", ["{victim}", "../../../victim/sub/precious.txt"])
def test_a_cache_row_naming_a_file_outside_the_cache_never_reads_or_deletes_it(tmp_path, encoder, name):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "good.py").write_text(GOOD)
    victim = tmp_path / "victim" / "sub" / "precious.txt"
    victim.parent.mkdir(parents=True)
    victim.write_text("not LeanCode's\n")
    RepositoryIndex(tmp_path / "repo", encoder).update(progress=False)
    with sqlite3.connect(tmp_path / "repo" / ".leancode" / "cache" / "cache.db") as db:  # as a repository ships it
        db.execute("UPDATE Cache SET mode = 2, value = NULL, filename = ?", (name.format(victim=victim),))
    with pytest.warns(UserWarning, match="not one diskcache names"):
        assert RepositoryIndex(tmp_path / "repo", encoder).update(progress=False).units == 1
    assert victim.read_text() == "not LeanCode's\n"  # diskcache's own remove deleted it, and its folders


def test_cache_settings_shipped_in_the_database_are_never_applied(tmp_path, encoder):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "good.py").write_text(GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    RepositoryIndex(tmp_path / "repo", encoder).update(progress=False)
    with sqlite3.connect(tmp_path / "repo" / ".leancode" / "cache" / "cache.db") as db:
        db.execute("INSERT INTO Settings VALUES ('_directory', ?)", (str(elsewhere),))  # diskcache's own attribute
    with pytest.warns(UserWarning, match="'_directory'.*is not LeanCode's"):
        assert RepositoryIndex(tmp_path / "repo", encoder).update(progress=False).units == 1
    assert os.listdir(elsewhere) == []  # was: a cache.db written there


@pytest.fixture
def nest():
    """nest(directory, depth): `depth` directories `d`, one in the other, in `directory`, made and removed one by
    one (mkdir(parents=True) and shutil.rmtree recurse: pytest could not clean them up)."""
    made = []

    def make(directory: Path, depth: int) -> Path:
        for _ in range(depth):
            directory = directory / "d"
            directory.mkdir()
            made.append(directory)
        return directory

    yield make
    for directory in reversed(made):
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()


def test_directories_nested_thousands_deep_are_skipped_and_named(tmp_path, encoder, nest):
    (tmp_path / "good.py").write_text(GOOD)
    deep = nest(tmp_path, 1100)  # os.walk recursed once a level: RecursionError ended the index
    (deep / "deepest.py").write_text(GOOD.replace("load_config", "deepest"))
    (tmp_path / "d" / "d" / "shallow.py").write_text(GOOD.replace("load_config", "shallow"))
    with pytest.warns(UserWarning, match=r"(d/){65}: skipped: nested too deep"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 2 and stats.skipped == {"nested too deep": 1}


def test_a_directory_that_cannot_be_listed_is_named(tmp_path, encoder, monkeypatch):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "c.py").write_text(GOOD)
    scandir = os.scandir

    def closed(path="."):  # chmod 000, as a user other than root meets it
        if os.fspath(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", closed)
    with pytest.warns(UserWarning, match=r"closed/: skipped: unreadable \(Permission denied\)"):
        stats = RepositoryIndex(tmp_path, encoder).update(progress=False)
    assert stats.files == 1 and stats.skipped == {"unreadable": 1}


def test_an_index_directory_nested_deeper_than_leancode_writes_is_refused(tmp_path, encoder, nest):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / ".leancode" / "cache").mkdir(parents=True)
    nest(tmp_path / ".leancode" / "cache", 1100)  # was: RecursionError
    with pytest.raises(OSError, match="nested deeper inside the index directory"):
        RepositoryIndex(tmp_path, encoder).update(progress=False)


def test_a_planted_manifest_cannot_drive_the_terminal_or_stop_search(tmp_path, capsys):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / ".leancode").mkdir()
    (tmp_path / ".leancode" / "manifest.json").write_text(
        '{"format": 1, "model_path": "m\\u001b[2J\\nleancode: fake", "table": "t\\ud800"}')  # JSON's lone surrogate
    code = cli(["search", "read a config file", "--path", str(tmp_path), "--json", "--method", "slimcode"])
    out, err = capsys.readouterr()
    assert code == 0, err  # was: "error: 'utf-8' codec can't encode character '\ud800'"
    assert "\x1b" not in err and "m\\x1b[2J\\nleancode: fake" in err and "t\\ud800" in err
    assert json.loads(out)[0]["name"] == "load_config"


def test_a_compressed_snapshot_is_refused_before_it_inflates(tmp_path, encoder):
    import zipfile

    from numpy.lib import format as np_format

    (tmp_path / "good.py").write_text(GOOD)
    RepositoryIndex(tmp_path, encoder).update(progress=False)
    snapshot = tmp_path / ".leancode" / "snapshot.npz"
    with zipfile.ZipFile(snapshot, "w", zipfile.ZIP_DEFLATED) as archive:  # 256 MB of zeros in 256 KB; was: read
        with archive.open("vectors.npy", "w", force_zip64=True) as handle:  # (twice) before any check, so a 40 MB
            header = {"descr": "<f4", "fortran_order": False, "shape": (2**26 // 384, 384)}  # one took 40 GB
            np_format.write_array_header_1_0(handle, header)
            for _ in range(256):
                handle.write(bytes(2**20))
    with pytest.warns(UserWarning, match="compressed arrays"):
        assert not RepositoryIndex(tmp_path, encoder).load()


def test_threads_parsing_at_once_each_use_their_own_parser():
    """The server answers hovers on worker threads; with one tree-sitter parser shared by all, two parsing at once
    crashed the process (a segfault or all memory), since a parse calls back into Python and lets the other run.
    In a child process, so a crash fails this test and not the run."""
    script = """
import threading
from leancode.units import extract_units
code = "".join(f"def f{i}(x):\\n    return x * {i} + len(str(x))\\n\\n" for i in range(1000))
counts = []
def parse():
    for _ in range(5):
        counts.append(len(extract_units(code + " ", "python")))
threads = [threading.Thread(target=parse) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert counts == [1000] * 20, counts
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])


def test_a_hover_sent_before_edits_is_never_answered_for_the_edited_buffer(tmp_path):
    """Hovers and edits pipelined as an editor sends them while one types: each hover is answered for the version
    it was asked of, or ContentModified; pygls started the hover only after the edits read with it were applied,
    and it named the function of the last version (37 of 38 in the QA run)."""
    uri = (tmp_path / "typing.py").as_uri()
    with RawServer(tmp_path) as server:
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "def f_1(x):\n    return x\n"}}}))
        batch = b""
        for version in range(2, 22):
            batch += frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [
                    {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                     "text": f"def f_{version}(x):\n    return x\n"}]}})
            batch += frame({"jsonrpc": "2.0", "id": version, "method": "textDocument/hover", "params": {
                "textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}}})
        server.send(batch)
        answers = [server.answer(version, timeout=60) for version in range(2, 22)]
        for version, answer in zip(range(2, 22), answers):
            assert answer.get("error", {}).get("code") == -32801 or f"def f_{version}(x)" in json.dumps(answer["result"])
        assert any("error" in answer for answer in answers)  # pipelined: most were asked of a version gone by
        assert server.close() == 0


def test_a_hover_on_an_unopened_file_is_answered_while_its_folder_still_opens(tmp_path):
    """The editor hovers before the encoder has loaded (seconds): the folder it named is the workspace already,
    so a file in it is read from disk (it answered null then, logged as "outside the workspace")."""
    (tmp_path / "conf.py").write_text('def load(path):\n    """Read the settings file."""\n    return open(path).read()\n')
    with RawServer(tmp_path) as server:
        answer = server.request(1, "textDocument/hover", {"textDocument": {"uri": (tmp_path / "conf.py").as_uri()},
                                                          "position": {"line": 0, "character": 5}}, timeout=60)
        assert "Read the settings file." in json.dumps(answer["result"])
        assert server.close() == 0


def test_an_update_with_many_functions_to_embed_shows_a_progress_and_a_save_none(tmp_path):
    """A file of many functions arriving while the editor is open (a checkout, a generated file) is embedded with a
    work-done progress the user can see and cancel; a small save embeds without one (it ran silently either way)."""
    (tmp_path / "small.py").write_text("def one():\n    return 1\n")
    with RawServer(tmp_path, capabilities={"window": {"workDoneProgress": True}}) as server:
        def progress_titles() -> list[str]:
            create = server.wait_for("window/workDoneProgress/create", timeout=120)
            server.send(frame({"jsonrpc": "2.0", "id": create["id"], "result": None}))
            titles = []
            while True:
                value = server.wait_for("$/progress", timeout=120)["params"]["value"]
                titles += [value["title"]] if value["kind"] == "begin" else []
                if value["kind"] == "end":
                    return titles

        assert progress_titles() == ["LeanCode: indexing"]
        (tmp_path / "small.py").write_text("def one():\n    return 1\n\ndef two():\n    return 2\n")
        server.send(frame({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [
            {"uri": (tmp_path / "small.py").as_uri(), "type": 2}]}}))
        for attempt in range(300):  # until the update is searched
            found = server.request(attempt + 1, "workspace/executeCommand", {"command": "leancode.search",
                                                                            "arguments": ["two", 1]}, timeout=60)
            if found["result"] and found["result"][0]["name"] == "two":
                break
            time.sleep(0.1)
        assert found["result"][0]["name"] == "two"
        assert not any(m.get("method") == "window/workDoneProgress/create" for m in server.passed)  # the save: none
        (tmp_path / "generated.py").write_text("".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(150)))
        server.send(frame({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [
            {"uri": (tmp_path / "generated.py").as_uri(), "type": 1}]}}))
        assert progress_titles() == ["LeanCode: updating the index"]
        assert server.close() == 0


def test_a_buffer_s_functions_are_read_once_in_a_worker_and_its_verdict_kept(monkeypatch):
    """The hover reads a buffer's functions in a worker (bounded), not a worker's check and then this process's
    reading again; the same functions as this process reads, syntax-error warnings told here, a failure kept."""
    code = GOOD + "\ndef broken(:\n    pass\n"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = parse_pool.units(code, "python")
    expected = extract_units(code, "python")
    assert [(u.qualified_name, u.start, u.end, u.docstring) for u in found] == \
        [(u.qualified_name, u.start, u.end, u.docstring) for u in expected]
    assert any(issubclass(w.category, ParseWarning) for w in caught)
    asked = []
    monkeypatch.setattr(parse_pool, "_answer", lambda *args: asked.append(args))
    parse_pool.check(code, "python")  # known sound: no worker asked again
    assert asked == []


@pytest.mark.parametrize("module, args", [("leancode.cli", ["index", "--help"]), ("leancode.server", ["--help"]),
                                          ("leancode.cli", ["summarize", "app.py:run"])])
def test_a_workspaces_python_files_are_never_imported_by_python_dash_m(tmp_path, module, args):
    # The editors start `python -m leancode.server` in the workspace folder, which `-m` puts first on the import
    # path: a repository's json.py ran in the server (and killed it), its h2.py started servers in a chain.
    ran = tmp_path / "ran"
    for name in ("json", "h2", "numpy", "argparse"):
        (tmp_path / f"{name}.py").write_text(f"open({str(ran)!r}, 'a').write({name!r})\nraise SystemExit(3)\n")
    (tmp_path / "app.py").write_text('def run():\n    """Run the app."""\n')
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and not ran.exists(), (done.stderr[-500:], ran.exists() and ran.read_text())
