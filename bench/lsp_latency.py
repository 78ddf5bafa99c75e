"""Language-server latency through LSP: hover cold/warm, search, time to first result after opening.

    python bench/lsp_latency.py [--functions 1000] [--hovers 200] [--queries 50] [--no-write]
    # BENCHMARKS.md's headline: --functions 5000

The workspace is a copy of part of the Python standard library (whole files, in sorted
order, until it holds about `--functions` functions), written to a temporary directory
with no index. The real server (`python -m leancode.server`) is started as a subprocess
and driven by a real LSP client (pytest-lsp's, VS Code's capabilities):

- time to first result: from `initialize` until `leancode.search` first returns hits
  (the index is built from scratch: every function embedded), and the same after a
  restart on the index the first run left on disk;
- hover: `--hovers` function definitions picked at random; cold = the first hover of each
  (nothing cached), warm = the same hovers again; also the share that got a summary;
- search: `--queries` queries (first docstring sentences), `leancode.search` top 10, and
  `workspace/symbol`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from report import command_line, percentiles, publish

from leancode.function_summary import (ABSTAINED, DOCUMENTATION, EMPTY, GENERATED, INHERITED, NOT_LEARNED, NOTES,
                                       SIMILAR, UNIMPLEMENTED)
from leancode.units import extract_units

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def hover_label(text: str | None) -> str | None:
    """The `leancode.function_summary` note a hover's text carries (its label), or None (no hover, no label)."""
    for label in (INHERITED, SIMILAR, *(k for k in NOTES if k not in (INHERITED, SIMILAR))):  # "documentation" last
        if text and re.search(r"\*" + ".*?".join(map(re.escape, re.split(r"\{[^}]*\}", NOTES[label]))), text):
            return label
    return None


def label_shares(run: dict) -> str:
    """The hovers' labels as shares, lines first: documentation, inherited, a similar function's, generated."""
    names = {DOCUMENTATION: "its own documentation", INHERITED: "documentation it inherits",
             SIMILAR: "a similar mined function's documentation (the summary bank)", GENERATED: "a generated line",
             NOT_LEARNED: "no line: tests, constructors and standard methods, which the model is not asked about",
             EMPTY: "no line: a body that does nothing",
             UNIMPLEMENTED: "no line: a body that says it is not implemented",
             ABSTAINED: "no line: the model abstained", None: "no label"}
    shares = run["labels"]
    lines = sum(shares.get(label, 0) for label in (DOCUMENTATION, INHERITED, SIMILAR, GENERATED))
    return f"a line on {lines:.1%} of {run['hovers']}; " + ", ".join(
        f"{names.get(label, label)} {shares[label]:.1%}" for label in names if shares.get(label))


def copy_stdlib(target: Path, functions: int) -> tuple[int, int]:
    """Copy stdlib .py files (no tests, no site-packages) until about `functions` functions; (files, functions)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = n = 0
    for path in sorted(stdlib.rglob("*.py")):
        relative = path.relative_to(stdlib)
        if any(part in ("test", "tests", "idle_test", "site-packages", "lib2to3", "__pycache__") or
               part.startswith("test_") for part in relative.parts):
            continue
        try:
            code = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(code) > 500_000:
            continue
        count = len(extract_units(code, "python"))
        if not count:
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(code, encoding="utf-8")
        files, n = files + 1, n + count
        if n >= functions:
            break
    (target / ".git").mkdir(exist_ok=True)
    return files, n


async def session(root: Path, hovers: int, queries: int, rng: random.Random, measure: bool) -> dict:
    from lsprotocol import types
    from pytest_lsp import ClientServerConfig, client_capabilities

    started = time.perf_counter()
    client = await ClientServerConfig(server_command=[sys.executable, "-m", "leancode.server"]).start()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:  # file watchers: accepted, as an editor does
        return None

    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)]))
    result: dict = {}

    async def search(query: str, top: int = 10) -> list:
        return await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="leancode.search", arguments=[{"query": query, "top": top}]))

    while not await search("read a file"):
        await asyncio.sleep(0.25)
    result["first_result"] = time.perf_counter() - started
    while not any(isinstance(r, types.WorkDoneProgressEnd) for rs in client.progress_reports.values() for r in rs):
        await asyncio.sleep(0.25)
    result["indexed"] = time.perf_counter() - started
    if measure:
        definitions = []
        for path in sorted(root.rglob("*.py")):
            for unit in extract_units(path.read_text(encoding="utf-8"), "python"):
                definitions.append((path, unit))
        picked = rng.sample(definitions, min(hovers, len(definitions)))
        opened = set()
        for path, _ in picked:
            if path not in opened:
                opened.add(path)
                client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                    uri=path.as_uri(), language_id="python", version=1, text=path.read_text(encoding="utf-8"))))

        async def hover(path: Path, unit) -> tuple[float, str | None]:
            line = unit.code.split("\n")
            offset = next((i for i, text in enumerate(line) if not text.lstrip().startswith("@")), 0)
            character = line[offset].find(unit.name)
            begin = time.perf_counter()
            answer = await client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                position=types.Position(line=unit.start_line + offset, character=max(character, 0))))
            return time.perf_counter() - begin, None if answer is None else answer.contents.value

        cold = [await hover(path, unit) for path, unit in picked]
        warm = [await hover(path, unit) for path, unit in picked]
        result["hover_cold"] = [t for t, _ in cold]
        result["hover_warm"] = [t for t, _ in warm]
        shown = [hover_label(text) for _, text in cold]
        result["labels"] = {label: shown.count(label) / len(cold) for label in set(shown)}
        result["hovers"] = len(cold)
        texts = [u.docstring.strip().split("\n")[0] for _, u in definitions if u.docstring and
                 len(u.docstring.strip().split("\n")[0]) > 20]
        asked = rng.sample(texts, min(queries, len(texts)))
        await search(asked[0])  # warm-up (first query builds nothing, but loads torch kernels)
        timings = []
        for query in asked:
            begin = time.perf_counter()
            await search(query)
            timings.append(time.perf_counter() - begin)
        result["search"] = timings
        timings = []
        for query in asked:
            begin = time.perf_counter()
            await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
            timings.append(time.perf_counter() - begin)
        result["symbol"] = timings
    await client.shutdown_session()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--functions", type=int, default=1000, help="about this many functions in the workspace")
    parser.add_argument("--hovers", type=int, default=200)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="leancode-lsp-bench-"))
    try:
        files, functions = copy_stdlib(root, args.functions)
        print(f"workspace: {files} files, {functions} functions in {root}", file=sys.stderr)
        first = asyncio.run(session(root, args.hovers, args.queries, rng, measure=True))
        again = asyncio.run(session(root, args.hovers, args.queries, rng, measure=False))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    rows = []
    for name, key in (("hover, cold (nothing cached)", "hover_cold"), ("hover, warm (same function again)",
                                                                       "hover_warm"),
                      ("`leancode.search` (top 10)", "search"), ("`workspace/symbol`", "symbol")):
        p50, p95 = percentiles(first[key])
        rows.append(f"| {name} | {len(first[key])} | {p50:.1f} | {p95:.1f} |")
    command = command_line()
    lines = [
        "## Language server latency",
        "",
        f"`{command}` — the real server (`python -m leancode.server`, default settings: leancode "
        f"simplification, packaged MiniLM encoder, the shipped summarizer, greedy) over stdio, "
        f"driven by pytest-lsp's client "
        f"with VS Code's capabilities; workspace: {files} files of the Python {platform.python_version()} "
        f"standard library, {functions:,} functions; {platform.machine()} with {os.cpu_count()} cores.",
        "",
        "| request | n | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"- time to first search result after `initialize`, no index on disk (every function embedded): "
        f"{first['first_result']:.1f} s (indexing done at {first['indexed']:.1f} s);",
        f"- the same after a restart, on the index the first run left in `.leancode/`: "
        f"{again['first_result']:.1f} s (up-to-date check done at {again['indexed']:.1f} s);",
        f"- hovers on a function definition, by what they showed (the label under the line): {label_shares(first)}.",
        "",
        "Search answers during the first index from what has been embedded so far (partial snapshots every 2 s), "
        "so the first result comes before indexing ends.",
    ]
    publish("lsp-latency", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
