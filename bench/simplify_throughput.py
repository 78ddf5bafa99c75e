"""Simplifier throughput: functions per second in one process, parsing included, per method.

    python bench/simplify_throughput.py [--codebase ../shared/data/cosqa-dev/codebase.jsonl] [--ratio 0.5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

from report import command_line, publish

from leancode.importance import default_table
from leancode.simplify import METHODS, simplify
from leancode.tokens import lex

DEFAULT_CODEBASE = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev/codebase.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codebase", default=str(DEFAULT_CODEBASE))
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with open(args.codebase) as lines:
        records = [json.loads(line) for line in lines]
    for language in {r["language"] for r in records}:
        default_table(language)
    # First pass: the tokenizer's piece-count cache starts empty (what a fresh process pays).
    start = time.perf_counter()
    for record in records:
        simplify(record["code"], record["language"], ratio=args.ratio, method="leancode")
    cold = ("leancode, cold piece-count cache", len(records) / (time.perf_counter() - start), "", "")

    start = time.perf_counter()
    for record in records:
        lex(record["code"], record["language"])
    rows = [("lex only (tree-sitter + categories)", len(records) / (time.perf_counter() - start), "", ""), cold]
    for method in METHODS:
        before = after = 0
        start = time.perf_counter()
        for record in records:
            result = simplify(record["code"], record["language"], ratio=args.ratio, method=method)
            before += result.model_tokens
            after += result.model_tokens_kept
        rate = len(records) / (time.perf_counter() - start)
        rows.append((method, rate, f"{before / len(records):.1f}", f"{after / len(records):.1f}"))

    command = command_line()
    lines = [
        "## Simplifier throughput",
        "",
        f"`{command}` — {len(records)} functions of `{Path(args.codebase).name}`, ratio {args.ratio}, "
        f"one process on {platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| method | functions/s | model tokens before | model tokens after |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {rate:,.0f} | {b} | {a} |" for name, rate, b, a in rows),
    ]
    publish("simplify-throughput", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
