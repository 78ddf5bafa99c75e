"""Nasty inputs, shared by tests/test_fuzz.py (a bounded slice, hypothesis) and bench/fuzz.py (the long run).

Every generator draws from a `random.Random`, so a failing input is reproduced from its
seed. The corpus holds the inputs that broke LeanCode once (issue 18) or are known to
break parsers and readers: undecodable file names, deep nesting, huge lines, binary
data, odd encodings, real code of every supported language mutated, damaged cache and
manifest bytes, and broken LSP frames.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from snippets import SNIPPETS

EXTENSIONS = {"python": ".py", "java": ".java", "javascript": ".js", "typescript": ".ts", "tsx": ".tsx",
              "go": ".go", "rust": ".rs"}
LANGUAGES = tuple(EXTENSIONS)
REAL_CODE = {**SNIPPETS, "tsx": SNIPPETS["typescript"]}

# File names (bytes: POSIX names need not be UTF-8); the extension is added by `file_name`.
NASTY_NAMES = [b"bad_\xff", b"\xed\xa0\x80surrogate", b"\xc3(", b"-rf", b" ", b"\n", b"\t\r", b"a" * 240,
               b"..", b"...x", b"con", b"nul", b"\xe2\x80\xaereversed", b"\xf0\x9f\x92\xa9", b"$(touch pwned)",
               b"`id`", b"*", b"?[", b"\\", b"#", b"!important", b".gitignore", b".leancodeignore"]
NASTY_TOKENS = [b"(", b")", b"{", b"}", b"[", b"]", b'"""', b"'''", b"/*", b"*/", b"//", b"#", b"`", b"${", b"\\",
                b"\0", b"\xff", b"\xef\xbb\xbf", b"\r", b"\n" * 50, b"\t", b"\xe2\x80\xae", b"def ", b"fn ", b"func ",
                b"function ", b"class ", b"impl ", b"=>", b"::", b"r#\"", b"\"#", b"<T>", b"@", b"# coding: latin-1\n"]


def mutate(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """`data` with a few random edits: slices deleted, duplicated or moved, nasty tokens or bytes inserted."""
    data = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.randint(1, 8)):
        at = rng.randint(0, len(data))
        size = rng.randint(0, max(1, len(data) // 4))
        op = rng.randrange(6)
        if op == 0:
            del data[at:at + size]
        elif op == 1:
            data[at:at] = data[at:at + size] * rng.randint(1, 20)
        elif op == 2:
            data[at:at] = rng.choice(NASTY_TOKENS) * rng.randint(1, 40)
        elif op == 3:
            data[at:at] = rng.randbytes(rng.randint(1, 16))
        elif op == 4 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        else:
            data = data[:at]
    return bytes(data)


def deep_nesting(rng: random.Random, language: str, depth: int) -> str:
    opener, closer = rng.choice([("(", ")"), ("[", "]"), ("{", "}")])
    if language == "python":
        kind = rng.randrange(3)
        if kind == 0:
            return "def f(x):\n" + "".join(" " * (i + 1) + f"if x > {i}:\n" for i in range(depth)) \
                + " " * (depth + 1) + "return x\n"
        if kind == 1:
            return "def f():\n    return (\n" + "".join(f"        'p{i}' +\n" for i in range(depth)) + "        'e')\n"
        return "def f():\n    return " + opener * depth + "1" + closer * depth + "\n"
    body = "if (x) {" * depth + "x = 1;" + "}" * depth
    return {"go": f"func f(x int) {{ {body} }}\n", "rust": f"fn f(x: i32) {{ {body} }}\n",
            "java": f"class A {{ void f(int x) {{ {body} }} }}\n"}.get(language, f"function f(x) {{ {body} }}\n")


# Doc comment markup that backtracking patterns once rescanned per occurrence (docstrings.py's readers were quadratic)
DOC_PIECES = ["e.g. ", "x!! ", ":paramWord", "<pre ", "<p ", " ", "Returns:\n", "{@link ", "`", "[", "**a", "1. x\n",
              "@returns ", " \n", "a.. "]


def hostile_doc(rng: random.Random, language: str, scale: int = 1) -> str:
    """A function whose doc comment repeats one markup piece thousands of times."""
    doc = rng.choice(DOC_PIECES) * rng.choice([100, 2000, 10_000 * scale])
    if language == "python":
        return f'def f(x):\n    """{doc}"""\n    return x\n'
    if language in ("go", "rust"):
        marker = "/// " if language == "rust" else "// "
        comment = "\n".join(marker + line for line in doc.split("\n"))
        return comment + ("\nfn f(x: i32) -> i32 { x }\n" if language == "rust" else "\nfunc F(x int) int { return x }\n")
    if language == "java":
        return "class A { /** " + doc + " */ int f(int x) { return x; } }\n"
    return "/** " + doc + " */\nfunction f(x) { return x; }\n"


def file_content(rng: random.Random, language: str, scale: int = 1) -> bytes:
    """Source bytes of one kind: mutated real code, deep nesting, huge lines, binary, odd encodings, ..."""
    real = REAL_CODE[language].encode()
    kind = rng.randrange(11)
    if kind <= 3:
        return mutate(rng, real * rng.randint(1, 3))
    if kind == 4:
        return deep_nesting(rng, language, rng.choice([10, 100, 600, 1000 * scale])).encode()
    if kind == 5:
        return real + b"x = '" + b"a" * (20_000 * scale) + b"'\n" + real  # a huge line
    if kind == 6:
        return rng.randbytes(rng.randint(0, 4096))
    if kind == 7:
        text = REAL_CODE[language]
        return rng.choice([lambda: text.encode("utf-16"), lambda: b"\xef\xbb\xbf" + real,
                           lambda: b"# -*- coding: latin-1 -*-\n" + text.encode("utf-8"),
                           lambda: b"# coding: " + rng.choice([b"rot13", b"utf-16", b"bogus", b"hex"]) + b"\n" + real,
                           lambda: real.replace(b"e", b"\xe9")])()
    if kind == 8:
        return rng.choice([b"", b"\n" * 1000, b" " * 5000, b"\0", b"\r\r\r", real[: rng.randrange(len(real))]])
    if kind == 10:
        return hostile_doc(rng, language, scale).encode()
    return "".join(" " * i + f"def f{i}():\n" for i in range(rng.randint(1, 300))).encode() + b"    pass\n"


NAMED_FUNCTION = {  # one function per language, {name} its name, no documentation: what the summarizer is asked
    "python": "def {name}(value):\n    return value + 1\n",
    "java": "class A {{\n    int {name}(int value) {{\n        return value + 1;\n    }}\n}}\n",
    "javascript": "function {name}(value) {{\n  return value + 1;\n}}\n",
    "typescript": "function {name}(value: number): number {{\n  return value + 1;\n}}\n",
    "tsx": "function {name}(value: number): number {{\n  return value + 1;\n}}\n",
    "go": "package a\n\nfunc {name}(value int) int {{\n\treturn value + 1\n}}\n",
    "rust": "fn {name}(value: i32) -> i32 {{\n    value + 1\n}}\n",
}


def named_function(rng: random.Random, language: str) -> str:
    """An undocumented function whose name is odd: many words (up to a few hundred model pieces), digits, one
    letter repeated, non-ASCII letters, or a single letter. Go's summaries begin with the name."""
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 9)))
             for _ in range(rng.choice([1, 3, 10, 40, 120]))]
    name = rng.choice([
        lambda: "".join(w.capitalize() for w in words),
        lambda: "_".join(words),
        lambda: "X" + "".join(w.capitalize() + str(rng.randint(0, 99)) for w in words),
        lambda: "a" * rng.choice([1, 50, 500, 5000]),
        lambda: "Ünïcødé" + "".join(w.capitalize() for w in words) + "Ωμέγα",
        lambda: "x",
    ])()
    return NAMED_FUNCTION[language].format(name=name)


def hovers(server, rng: random.Random, language: str, text: str, uri: str, first_id: int, timeout: float,
           count: int = 3) -> list[dict]:
    """The answers of `server` (a `lsp_raw.RawServer`) to `count` hovers on `text`, opened as `uri` (closed after):
    most on a name before `(`, the rest at random lines and columns, some past a line's end or the last line."""
    from lsp_raw import frame

    server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": language, "version": 1, "text": text}}}))
    answers = [server.request(request["id"], request["method"], request["params"], timeout)
               for request in hover_requests(rng, uri, text, first_id, count)]
    server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}))
    return answers


def hover_requests(rng: random.Random, uri: str, text: str, first_id: int, count: int) -> list[dict]:
    """`count` hover requests on `text` (opened as `uri`), at random lines and columns: most on a name before `(`
    where there is one, some past a line's end or the last line."""
    lines = text.split("\n")
    words = [(number, match.start()) for number, line in enumerate(lines[:2000])
             for match in re.finditer(r"\w+\s*\(", line[:2000])]  # names called or defined: where hovers say most
    requests = []
    for number in range(count):
        if words and rng.random() < 0.7:
            line, character = rng.choice(words)
        else:
            line = rng.randrange(len(lines) + 2)
            character = rng.randrange((len(lines[line]) if line < len(lines) else 0) + 3)
        requests.append({"jsonrpc": "2.0", "id": first_id + number, "method": "textDocument/hover",
                         "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}})
    return requests


def file_name(rng: random.Random, language: str) -> bytes:
    stem = rng.choice(NASTY_NAMES) if rng.random() < 0.5 else \
        bytes(b for b in rng.randbytes(rng.randint(1, 30)) if b not in (0, ord("/")))
    return (stem or b"x") + EXTENSIONS[language].encode()


def write_repository(rng: random.Random, root: Path, files: int, scale: int = 1) -> int:
    """`files` fuzzed files (names, contents, some in nested or odd directories, a FIFO, links); returns how many."""
    root.mkdir(parents=True, exist_ok=True)
    written = 0
    for _ in range(files):
        language = rng.choice(LANGUAGES)
        folder = root / os.fsdecode(rng.choice([b"", b"src", b"\xff dir", b"a/b/c", b"node_modules", b".git"]))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / os.fsdecode(file_name(rng, language))
        try:
            path.write_bytes(file_content(rng, language, scale))
            written += 1
        except OSError:  # a name the file system refuses (too long, "..")
            continue
    extras = [lambda: os.mkfifo(root / "fifo.py"), lambda: (root / "loop.py").symlink_to(root / "loop.py"),
              lambda: (root / "out.py").symlink_to("/etc/hostname"), lambda: (root / "up").symlink_to(".."),
              lambda: (root / ".gitignore").write_bytes(mutate(rng, b"*.min.js\n!keep.py\n/build\n**/x\n"))]
    for extra in rng.sample(extras, rng.randint(0, len(extras))):
        try:
            extra()
        except OSError:
            pass
    return written


def damage(rng: random.Random, index_dir: Path) -> str:
    """Damage one file of an index directory (random bytes, truncation, a mutated manifest); says what it did."""
    files = sorted(p for p in index_dir.rglob("*") if p.is_file() and not p.name.endswith(".lock"))
    if not files:
        return "nothing to damage"
    path = rng.choice(files)
    data = path.read_bytes()
    kind = rng.randrange(4)
    if path.name == "manifest.json" and kind < 2:
        manifest = json.loads(data) if data.startswith(b"{") else {}
        manifest[rng.choice(["encoder", "counts", "model_path", "config_key", "format", "dim"])] = rng.choice(
            ["abc", 5, -1, None, [], {"ratio": 5}, {"max_length": "x"}, {"method": 7}, 1e308, "/etc", True])
        path.write_text(json.dumps(manifest))
    elif kind == 0:
        at = rng.randrange(max(1, len(data)))
        path.write_bytes(data[:at] + rng.randbytes(rng.randint(1, 256)) + data[at + 256:])
    elif kind == 1:
        path.write_bytes(data[: rng.randrange(max(1, len(data)))])
    elif kind == 2:
        path.write_bytes(rng.randbytes(64) + data[64:])
    else:
        path.write_bytes(mutate(rng, data, rounds=2))
    return f"{path.relative_to(index_dir)} (kind {kind})"


# --- LSP ----------------------------------------------------------------------------------------

METHODS = ["textDocument/hover", "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose",
           "textDocument/didSave", "workspace/symbol", "workspace/executeCommand", "$/cancelRequest",
           "workspace/didChangeConfiguration", "workspace/didChangeWorkspaceFolders", "textDocument/completion",
           "initialize", "initialized", "leancode/x", "", "\udcff"]


def json_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 4 else 6)
    return [lambda: None, lambda: rng.random() < 0.5, lambda: rng.randint(-2**63, 2**63),
            lambda: rng.choice([0, -1, 2**31, 1e308, float("inf") if rng.random() < 0.1 else 0.5]),
            lambda: rng.choice(["", "x" * rng.randint(0, 300), "file:///etc/passwd", "file:///nowhere/x.py",
                                "\u202e", "../../x.py", "\0"]),
            lambda: rng.randbytes(8).decode("latin-1"),
            lambda: [json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))],
            lambda: {rng.choice(["textDocument", "position", "uri", "line", "character", "text", "query",
                                 "command", "arguments", "contentChanges", "settings", "id", "version"]):
                     json_value(rng, depth + 1) for _ in range(rng.randint(0, 5))},
            lambda: {"textDocument": {"uri": rng.choice(["file:///tmp/x.py", "untitled:1", "file:///dev/zero.py"]),
                                      "languageId": "python", "version": rng.randint(-1, 3),
                                      "text": file_content(rng, "python").decode("utf-8", "replace")[:5000]},
                     "position": {"line": rng.randint(-1, 50), "character": rng.randint(-1, 50)}}][kind]()


def message(rng: random.Random, msg_id: int) -> dict:
    out = {"jsonrpc": rng.choice(["2.0"] * 8 + ["1.0", None]), "method": rng.choice(METHODS),
           "params": json_value(rng)}
    if rng.random() < 0.6:
        out["id"] = rng.choice([msg_id, msg_id, str(msg_id), None, [msg_id], 1.5])
    return out


def lsp_frame(rng: random.Random, msg_id: int) -> bytes:
    """One frame, good or bad: fuzzed messages, wrong or huge lengths, bad headers, stray bytes, deep JSON."""
    body = json.dumps(message(rng, msg_id), ensure_ascii=rng.random() < 0.5, allow_nan=True)
    data = body.encode("utf-8", "surrogatepass")
    kind = rng.randrange(10)
    if kind == 0:
        data = mutate(rng, data, rounds=2)
    elif kind == 1:
        data = b"[" * rng.choice([100, 5000, 200_000]) + b"]" * rng.randint(0, 10)  # deep JSON
    length = len(data)
    if kind == 2:
        length += rng.choice([-5, -1, 1, 40, 10**11])
    header = b"Content-Length: %d\r\n" % length
    if kind == 3:
        header = rng.choice([b"Content-Length: x\r\n", b"Content-Type: a\r\n", b"Content-Length:\r\n",
                             b"content-length:  %d \r\n" % length, b"Content-Length: -3\r\n", b""])
    if kind == 4:
        header = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + header
    frame = header + b"\r\n" + data
    if kind == 5:
        frame = rng.randbytes(rng.randint(1, 64)) + frame
    if kind == 6:
        frame = frame[: rng.randrange(len(frame))] + b"\r\n\r\n"  # cut short
    return frame
