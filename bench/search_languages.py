"""Search quality per language, one row per set, from the JSON files `bench/search_quality.py --json` wrote.

    python bench/search_languages.py runs/s2/sq-test-python.json runs/s2/sq-test-java.json ... \
        [--section search-languages] [--bootstrap 2000] [--no-write]

MRR at ratio 0.5 per method, the defaults against the zero-shot base, and LeanCode's paired
bootstrap differences from each baseline (the same seeded query resamples for every column of
a row). Encode time is simplification plus embedding relative to full code, from the same run.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from report import bootstrap, command_line, interval, publish

BASELINES = ("slimcode", "dietcode", "truncate", "random", "leancode-global")


def cell(run: dict, method: str, ratio: float) -> dict | None:
    return next((c for c in run["cells"] if c["method"] == method and (method == "none" or c["ratio"] == ratio)), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", metavar="JSON", help="bench/search_quality.py --json outputs")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--section", default="search-languages")
    parser.add_argument("--bootstrap", type=int, default=2000, metavar="N")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    r = args.ratio
    quality = [f"| set | functions (queries) | zero-shot | full code | default | LeanCode {r:g} (% of full) | "
               + " | ".join(f"{m} {r:g}" for m in BASELINES) + f" | encode time, LeanCode {r:g} |",
               "|---|---:|" + "---:|" * (5 + len(BASELINES))]
    paired = [f"| set | default − zero-shot | LeanCode {r:g} − full code | "
              + " | ".join(f"LeanCode − {m}" for m in BASELINES) + " |", "|---|" + "---:|" * (2 + len(BASELINES))]
    for path in args.runs:
        with open(path) as file:
            run = json.load(file)
        base, zero, lean = cell(run, "none", 0), run["zero_shot"], cell(run, "leancode", r)
        default = cell(run, "leancode", run["default_ratio"])
        draws = bootstrap(args.bootstrap, run["queries"])
        diff = lambda a, b, draws=draws: "{:+.4f} [{:+.4f}, {:+.4f}]".format(  # noqa: E731
            a["mrr"] - b["mrr"], *interval(draws, np.asarray(a["rr"]), np.asarray(b["rr"])))
        others = [cell(run, m, r) for m in BASELINES]
        quality.append(
            f"| {run['data']} | {run['functions']:,} ({run['queries']:,}) | {zero['mrr']:.4f} | {base['mrr']:.4f} | "
            + (f"{default['mrr']:.4f} ({run['default_ratio']:g})" if default else "") + " | "
            f"{lean['mrr']:.4f} ({lean['mrr'] / base['mrr']:.1%}) | "
            + " | ".join(f"{c['mrr']:.4f}" if c else "" for c in others)
            + f" | {lean['seconds'] / base['seconds']:.2f} |")
        paired.append(f"| {run['data']} | {diff(default, zero) if default else ''} | {diff(lean, base)} | "
                      + " | ".join(diff(lean, c) if c else "" for c in others) + " |")
    lines = ["## Code search quality per language", "", f"`{command_line()}`. MRR of the shipped adapter on each "
             "set (zero-shot: the packaged base model on full code, same run); encode time = simplification plus "
             f"embedding of the codebase at LeanCode {r:g}, relative to full code, same run.", "", *quality, "",
             f"Differences of MRR with their 95% paired-bootstrap intervals ({args.bootstrap} seeded resamples of "
             "the queries):", "", *paired]
    publish(args.section, lines, not args.no_write)


if __name__ == "__main__":
    main()
