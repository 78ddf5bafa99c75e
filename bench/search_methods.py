"""Search at a fixed share of the tokens, every simplifier, each language read as served.

    python bench/search_methods.py --set python=data/search-sets/test/python [--set LANGUAGE=DIR ...] [--ratio 0.5]

For each set (a directory of queries.jsonl and codebase.jsonl of one language): the reader `leancode index` serves
that language with (`leancode/models/code-search/language-defaults.json`: the shipped adapter, its base or a further
adapter), in int8 as served, reads the codebase on full code and simplified by LeanCode, SlimCode, DietCode,
truncation and random removal at `--ratio`. Per set: MRR of each, LeanCode's share of full code, and each other
simplifier's difference from LeanCode with its paired-bootstrap 95% interval (2,000 seeded resamples of the
queries); and LeanCode's encode time over full code's (`Encoder.encode_code`, as the index encodes: LeanCode
simplifies in the parse workers, then embeds; full code goes straight to the model; and embedding alone, the already
simplified code):
the median, lowest and highest of `--timing-repeats` paired runs, full code and LeanCode alternating (one run each is
as likely to catch a burst of other work on a shared machine as not).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from report import bootstrap, command_line, interval, publish
from search_quality import run_cell

from leancode.encoder import SHIPPED_ADAPTER, Encoder, adapter_base, extra_readers, language_defaults
from leancode.training.jsonl import read_jsonl

OTHERS = ("slimcode", "dietcode", "truncate", "random")


def served_reader(language: str, name: str | None = None) -> tuple[str, str]:
    """The name and directory of the model that reads `language`'s code as served (or of the reader `name`)."""
    name = name or language_defaults().get(language, {}).get("reader", "adapter")
    if name == "adapter":
        return name, str(SHIPPED_ADAPTER)
    if name == "base":
        return name, str(adapter_base(SHIPPED_ADAPTER))  # as the served encoder finds it
    return name, str(extra_readers(SHIPPED_ADAPTER)[name])


def time_ratios(lean: Encoder, full: Encoder, codebase: list[dict], query_vectors, gold, repeats: int) -> np.ndarray:
    """LeanCode's time over full code's, [encode_code, embedding alone], once per pair of runs; which runs first
    alternates."""
    ratios = []
    for k in range(repeats):
        first, second = (lean, full) if k % 2 else (full, lean)
        timed = {id(e): run_cell(e, codebase, query_vectors, gold, steps=True) for e in (first, second)}
        lean_cell, full_cell = timed[id(lean)], timed[id(full)]
        ratios.append((lean_cell["seconds"] / full_cell["seconds"], lean_cell["encode_s"] / full_cell["encode_s"]))
    return np.array(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, metavar="LANGUAGE=DIR")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--timing-repeats", type=int, default=5, help="paired timing runs per set (default 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the per-query reciprocal ranks here")
    parser.add_argument("--section", default="search-methods")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    ratio = args.ratio
    lines = [f"## Search by simplifier at {ratio:g}, every language as served", "",
             f"`{command_line()}` — each language read by its served reader in int8; MRR; Δ = simplifier − LeanCode "
             f"with its 95% paired-bootstrap interval; time = encoding the codebase as the index does (`encode_code`: "
             f"LeanCode {ratio:g} simplifies in the parse workers, then embeds; full code goes to the model as it is, "
             f"not lexed) over full code's, median [lowest, highest] of {args.timing_repeats} paired runs; embedding "
             "alone: the simplified code's embedding over full code's.", "",
             f"| set | reader | functions (queries) | full code | LeanCode {ratio:g} (share of full) | "
             + " | ".join(f"{m} {ratio:g}: MRR, Δ [95%]" for m in OTHERS) + " | time | embedding alone |",
             "|---|---|---:|---:|---:|" + "---|" * len(OTHERS) + "---:|---:|"]
    raw = {}
    for spec in args.set:
        language, directory = spec.split("=", 1)
        queries, codebase = read_jsonl(f"{directory}/queries.jsonl"), read_jsonl(f"{directory}/codebase.jsonl")
        reader, path = served_reader(language)
        column = {r["idx"]: i for i, r in enumerate(codebase)}
        gold = [column[q["gold"]] for q in queries]
        full = Encoder(model=path, method="none", threads=args.threads)
        query_vectors = full.encode_queries([q["query"] for q in queries])
        full.encode_code([(r["code"], r["language"]) for r in codebase[:64]])  # warm-up: model, tables, counter
        cells = {"none": run_cell(full, codebase, query_vectors, gold)}
        for method in ("leancode", *OTHERS):
            encoder = full.configured(method=method, ratio=ratio)
            cells[method] = run_cell(encoder, codebase, query_vectors, gold)
        times = time_ratios(full.configured(method="leancode", ratio=ratio), full, codebase, query_vectors, gold,
                            args.timing_repeats)
        draws = bootstrap(2000, len(queries))
        lean = cells["leancode"]["rr"]
        others = []
        for method in OTHERS:
            low, high = interval(draws, cells[method]["rr"], lean)
            others.append(f"{cells[method]['mrr']:.4f}, {cells[method]['mrr'] - lean.mean():+.4f} "
                          f"[{low:+.4f}, {high:+.4f}]")
        share = lean.mean() / cells["none"]["mrr"]
        total, embed = times[:, 0], times[:, 1]
        time_ratio = (f"{np.median(total):.2f} [{total.min():.2f}, {total.max():.2f}] | "
                      f"{np.median(embed):.2f} [{embed.min():.2f}, {embed.max():.2f}]")
        lines.append(f"| {directory} | {reader} | {len(codebase):,} ({len(queries):,}) | {cells['none']['mrr']:.4f} "
                     f"| {lean.mean():.4f} ({share:.1%}) | " + " | ".join(others) + f" | {time_ratio} |")
        print(lines[-1], flush=True)
        raw[directory] = {m: {"rr": c["rr"].tolist(), "seconds": c["seconds"]} for m, c in cells.items()}
        raw[directory]["time_ratios"] = times.tolist()
    if args.json:
        with open(args.json, "w") as out:
            json.dump(raw, out)
    publish(args.section, lines, not args.no_write)


if __name__ == "__main__":
    main()
