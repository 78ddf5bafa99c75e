"""The `leancode` command line, run as a user runs it."""

import json
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
