"""Simplifying in the parse workers against in this process: LeanCode 0.5's encode time over full code's, paired.

    python bench/simplify_workers.py --set data/search-sets/test/go [--set ...] [--repeat 6]

Per set (a search set's codebase.jsonl, each function as the index embeds it), in one process, alternating: the
encoder as it was (`Encoder.simplify` in this process, then `encode_simplified`), `Encoder.encode_code` as it is
(`simplified_codes`: batches simplified in the parse workers, then embedded), and full code (`encode_code` at ratio
0, which lexes nothing); each LeanCode time over the full-code time of the same round. The two LeanCode paths give
the same vectors (checked first). Simplifying alone, in this process and in the workers, is timed in the same rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
from report import command_line, publish

from leancode.encoder import Encoder


def spread(values: list[float], sign: bool = False) -> str:
    form = "+.3f" if sign else ".3f"
    return f"{statistics.median(values):{form}} [{min(values):{form}}, {max(values):{form}}]"


def measure(encoder: Encoder, full: Encoder, items: list[tuple[str, str]], repeat: int) -> dict[str, list[float]]:
    languages = [language for _, language in items]

    def in_process():
        return encoder.encode_simplified([s.code for s in encoder.simplify(items)], languages=languages)

    if not np.array_equal(in_process(), encoder.encode_code(items)):
        raise SystemExit("the two paths gave different vectors")
    full.encode_code(items[:50])  # its runner loaded
    steps = {"in process": in_process, "workers": lambda: encoder.encode_code(items),
             "full": lambda: full.encode_code(items), "simplify in process": lambda: encoder.simplify(items),
             "simplify workers": lambda: encoder.simplified_codes(items)}
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    for round_ in range(repeat):
        for name in list(steps) if round_ % 2 else list(steps)[::-1]:
            began = time.perf_counter()
            steps[name]()
            seconds[name].append(time.perf_counter() - began)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, help="a search set directory (codebase.jsonl)")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    encoder = Encoder(ratio=args.ratio, threads=args.threads)
    full = encoder.configured(method="none", ratio=0.0)
    lines = ["## Simplifying in the parse workers", "",
             f"`{command_line()}` — LeanCode at {args.ratio:g}, read by the shipped adapter in int8: encode "
             "time over "
             f"full code's in the same round, median [lowest, highest] of {args.repeat} alternating rounds; Δ = "
             "workers − in process, per round.", "",
             "| set | functions | in process (before) | workers (`encode_code`) | Δ | simplifying alone: in process "
             "| in the workers |", "|---|---:|---:|---:|---|---:|---:|"]
    for directory in args.set:
        rows = [json.loads(line) for line in open(Path(directory) / "codebase.jsonl")]
        items = [(r["code"], r["language"]) for r in rows]
        seconds = measure(encoder, full, items, args.repeat)
        share = {name: [t / f for t, f in zip(values, seconds["full"])] for name, values in seconds.items()}
        delta = [w - i for w, i in zip(share["workers"], share["in process"])]
        lines.append(f"| {directory} | {len(items):,} | {spread(share['in process'])} | {spread(share['workers'])} "
                     f"| {spread(delta, sign=True)} | {spread(share['simplify in process'])} "
                     f"| {spread(share['simplify workers'])} |")
        print(lines[-1], flush=True)
    publish("simplify-workers", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
