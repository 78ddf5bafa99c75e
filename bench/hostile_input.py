"""CPU time of the hostile inputs that were once super-linear, each at two sizes (a linear path takes about 4x).

    python bench/hostile_input.py [--no-write]

Each has a test that asserts its output (tests/test_languages.py, tests/test_server_parts.py,
tests/test_buffers.py); this gives the times, CPU seconds of this process, fastest of 3. The `->` lines are not
linear: they show the parse's CPU budget (`leancode.languages.PARSE_SECONDS`) holding.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from lsprotocol import types  # noqa: E402
from pygls.workspace import TextDocument  # noqa: E402

import leancode.server.buffers  # noqa: E402, F401  (LSP's lines and edits for pygls's buffers)
from leancode.server.framing import CHUNK, Frames  # noqa: E402
from leancode.tokens import lex  # noqa: E402
from leancode.units import extract_units  # noqa: E402
from lsp_raw import frame  # noqa: E402
from report import command_line, publish  # noqa: E402


def unclosed_comments(n: int) -> None:
    lex("#\n" + "/*\n" * n, "rust")


def doc_comment_lines(n: int) -> None:
    extract_units("/// x\n" * n + "fn f(x: i32) -> i32 { x }\n", "rust")


def arrow_lines(n: int) -> None:
    extract_units("function f(x) { " + "->\n" * n + " return x; }\n", "javascript")


def large_message(megabytes: int) -> None:
    stream = frame(b'{"jsonrpc": "2.0", "method": "x", "params": "' + b"a" * (megabytes * 2**20) + b'"}')
    starts = iter(range(0, len(stream), CHUNK))

    async def read() -> bytes:
        start = next(starts, len(stream))
        return stream[start:start + CHUNK]

    async def drain() -> None:
        frames = Frames(read, lambda bad: None)
        while await frames.next() is not None:
            pass

    asyncio.run(drain())


def _edit(line: int, character: int, text: str) -> types.TextDocumentContentChangePartial:
    position = types.Position(line=line, character=character)
    return types.TextDocumentContentChangePartial(range=types.Range(start=position, end=position), text=text)


def edits_in_buffer(n: int) -> None:
    document = TextDocument("file:///big.py", "x = 1\n" * (2**20 // 6))
    for i in range(n):
        document.apply_change(_edit(i * 100, 0, "y"))


def edits_on_long_line(n: int) -> None:
    document = TextDocument("file:///long.py", "x" * 2**20)
    for i in range(n):
        document.apply_change(_edit(0, 2**20 + i, "y"))


CASES = [  # (what, function, small size, large size)
    ("unclosed `/*` lines through the lexer (Rust)", unclosed_comments, 5_000, 20_000),
    ("`///` lines before one function (Rust units)", doc_comment_lines, 12_500, 50_000),
    ("`->` lines in a JavaScript function (units; tree-sitter's recovery is quadratic: the parse gives up at 5 s)",
     arrow_lines, 2_000, 8_000),
    ("one LSP message of this many MB, in 64 KB reads", large_message, 4, 16),
    ("incremental edits to a 1 MB buffer", edits_in_buffer, 250, 1_000),
    ("edits at the end of a 1 MB line", edits_on_long_line, 50, 200),
]


def cpu_seconds(function, size: int) -> float:
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        function(size)
        best = min(best, time.process_time() - began)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="do not write BENCHMARKS.md")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    for what, function, small, large in CASES:
        a, b = cpu_seconds(function, small), cpu_seconds(function, large)
        rows.append(f"| {what} | {small:,} / {large:,} | {a:.3f} / {b:.3f} | {b / a:.1f} |")
    publish("hostile-input", [f"`{command_line()}` (CPU seconds, fastest of 3)", "",
                              "| input | sizes | seconds | ratio (4x the input) |", "|---|---:|---:|---:|", *rows],
            write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
