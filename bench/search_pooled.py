"""Search over every held-out set at once: is a per-set gap a difference or noise?

    python bench/search_pooled.py --methods runs/search-methods.json [--defaults runs/search-defaults.json] \
        [--by-package SET=MINED.jsonl ...]

Reads the per-query reciprocal ranks `bench/search_methods.py --json` and `bench/search_defaults.py --json` wrote
(sets whose name says "tuning" are left out). Each set weighs the same (one library or language is one vote, however
many queries it has); the 95% interval resamples the queries within each set (stratified paired bootstrap, 2,000
seeded draws). Rows: each other simplifier at the methods' ratio minus LeanCode, LeanCode's share of full code, the
defaults minus zero-shot, and the encode time pairs.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

import numpy as np
from report import bootstrap, command_line, publish

from leancode.training.jsonl import read_jsonl

OTHERS = ("slimcode", "dietcode", "truncate", "random")


def pooled(per_set: list[tuple[np.ndarray, np.ndarray]], statistic, draws: int = 2000) -> tuple[float, float, float]:
    """The mean over sets of statistic(a, b) of each set's paired per-query scores, and its 95% interval."""
    point = float(np.mean([statistic(a, b) for a, b in per_set]))
    samples = np.zeros(draws)
    for seed, (a, b) in enumerate(per_set):
        rows = bootstrap(draws, len(a), seed=seed)
        samples += np.array([statistic(a[r], b[r]) for r in rows])
    samples /= len(per_set)
    return point, float(np.percentile(samples, 2.5)), float(np.percentile(samples, 97.5))


def held_out(results: dict) -> dict:
    return {name: cells for name, cells in results.items() if "tuning" not in name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", required=True, help="bench/search_methods.py --json output")
    parser.add_argument("--defaults", help="bench/search_defaults.py --json output")
    parser.add_argument("--by-package", action="append", default=[], metavar="SET=MINED",
                        help="also print one set's shares per package, the packages read from its mined jsonl, and "
                             "each simplifier's difference with an interval that resamples packages")
    parser.add_argument("--section", default="search-pooled")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    difference = lambda a, b: a.mean() - b.mean()  # noqa: E731
    share = lambda a, b: a.mean() / b.mean()  # noqa: E731

    methods = held_out(json.load(open(args.methods)))
    rr = {name: {m: np.array(c["rr"]) for m, c in cells.items() if isinstance(c, dict) and "rr" in c}
          for name, cells in methods.items()}
    def row(label: str, pairs: dict, statistic, fmt: str, worst) -> str:
        value, low, high = pooled(list(pairs.values()), statistic)
        name = worst(pairs, key=lambda n: statistic(*pairs[n]))
        return (f"| {label} | {value:{fmt}} [{low:{fmt}}, {high:{fmt}}] | "
                f"{statistic(*pairs[name]):{fmt}} ({name}) |")

    rows = [row("LeanCode's share of full code", {n: (r["leancode"], r["none"]) for n, r in rr.items()}, share,
                ".1%", min)]
    rows += [row(f"{method} − LeanCode", {n: (r[method], r["leancode"]) for n, r in rr.items()}, difference,
                 "+.4f", max) for method in OTHERS]
    if args.defaults:
        defaults = held_out(json.load(open(args.defaults)))
        rows.append(row(f"defaults − zero-shot ({len(defaults)} sets)",
                        {n: (np.array(c["served"]), np.array(c["zero_shot"])) for n, c in defaults.items()},
                        difference, "+.4f", min))
    times = np.array([pair for cells in methods.values() for pair in cells.get("time_ratios", [])])
    lines = ["## Search pooled over the held-out sets", "",
             f"`{command_line()}` — {len(rr)} held-out sets, each weighing the same; 95% intervals resample the "
             "queries within each set (2,000 draws). The last column: the set least favourable to LeanCode (the "
             "lowest share, the highest other − LeanCode, the lowest margin over zero-shot).", "",
             "| pooled | mean over sets [95%] | worst set |", "|---|---|---:|", *rows]
    if len(times):
        total, embed = times[:, 0], times[:, 1]
        lines += ["", f"Encode time at the methods' ratio over full code, all {len(times)} paired runs of every set: "
                  f"median {np.median(total):.2f} (simplify + embed; {np.mean(total <= 0.55):.0%} of pairs at or "
                  f"under 0.55), embedding alone {np.median(embed):.2f}."]
    for spec in args.by_package:
        lines += ["", *per_package(spec, rr)]
    publish(args.section, lines, not args.no_write)


def per_package(spec: str, rr: dict) -> list[str]:
    """One set's full-code MRR and each simplifier's share of it, per package of the queries' functions."""
    name, mined = spec.split("=", 1)
    package = {row["idx"]: row["package"] for row in read_jsonl(mined)}
    queries = read_jsonl(f"{name}/queries.jsonl")
    rows = defaultdict(list)
    for i, query in enumerate(queries):
        rows[package[query["gold"]]].append(i)
    methods = ["leancode", *OTHERS]
    lines = [f"{name} by package: full-code MRR and each simplifier's share of it.", "",
             "| package | queries | full code | " + " | ".join(methods) + " |", "|---|---:|---:|" + "---:|" * len(methods)]
    for pkg, index in sorted(rows.items(), key=lambda item: -len(item[1])):
        full = rr[name]["none"][index].mean()
        lines.append(f"| {pkg} | {len(index)} | {full:.4f} | "
                     + " | ".join(f"{rr[name][m][index].mean() / full:.1%}" for m in methods) + " |")
    groups = [np.array(index) for index in rows.values()]
    differences = []
    for method in OTHERS:
        values = rr[name][method] - rr[name]["leancode"]
        low, high = package_interval(groups, values)
        differences.append(f"{method} {values.mean():+.4f} [{low:+.4f}, {high:+.4f}]")
    lines += ["", "Each simplifier − LeanCode with the 95% interval of a bootstrap that resamples the set's "
              f"{len(groups)} packages, not its queries (a package's functions are alike, so the query bootstrap's "
              f"interval is narrower than the data allow): {'; '.join(differences)}."]
    return lines


def package_interval(groups: list[np.ndarray], values: np.ndarray, draws: int = 2000) -> tuple[float, float]:
    """95% interval of the mean of per-query `values` when whole packages (`groups` of query indices) are resampled."""
    rng = np.random.default_rng(0)
    means = [values[np.concatenate([groups[k] for k in rng.integers(0, len(groups), len(groups))])].mean()
             for _ in range(draws)]
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


if __name__ == "__main__":
    main()
