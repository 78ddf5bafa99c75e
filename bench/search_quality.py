"""Code search quality per simplification method and ratio (CoSQA dev MRR), and the encoder's CPU speed-ups.

    python bench/search_quality.py [--queries Q.jsonl --codebase C.jsonl | --pairs P.jsonl] [--methods ...]
                                   [--ratios 0.1,0.2,0.3,0.4,0.5] [--threads N] [--speed-sample 512]
                                   [--discount-sweep 0,0.5,1] [--model DIR] [--zero-shot-model DIR]

All in one process with one loaded model: the queries are embedded once and reused by
every cell (they are never simplified); the codebase is simplified and embedded once
per (method, ratio). Encode time counts simplification plus embedding of the codebase.
The grid uses `--model` (default: the encoder's default, the shipped search adapter); the
zero-shot base model's full-input MRR is measured in the same run for reference. MRR
intervals are paired bootstraps over the queries (`--bootstrap` seeded resamples, the same
resampled queries for every cell), for each MRR and for its difference from full input and
from the zero-shot base.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from report import best_time, bootstrap, command_line, interval, write_section

from leancode.encoder import SEARCH_RATIO, Encoder
from leancode.model_tokens import default_model_path, piece_counter
from leancode.simplify import METHODS, REPEAT_DISCOUNT, simplify
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import gold_ranks

DATA = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev"
RATIOS = (0.1, 0.2, 0.3, 0.4, 0.5)
ORDER = ("none", "leancode", "leancode-global", "dietcode", "slimcode", "random", "truncate")
PLAIN = "leancode, repeat discount 1"  # the paper's plain removal order, beside the default discount


def reciprocal_ranks(query_vectors: np.ndarray, code_vectors: np.ndarray, gold: list[int]) -> np.ndarray:
    """1/rank of each query's gold function (their mean is the MRR)."""
    return 1 / np.array(gold_ranks(query_vectors @ code_vectors.T, gold), dtype=float)


def simplified_ranks(encoder: Encoder, codes: list[str], language: str, query_vectors, gold, **settings) -> np.ndarray:
    """Reciprocal ranks with each of `codes` simplified by `simplify(..., **settings)` as the index simplifies (within
    the encoder's window) and read by the encoder's reader of `language`."""
    counter = piece_counter()
    texts = [simplify(code, language, task="search", counter=counter, window=encoder.window, **settings).code
             for code in codes]
    return reciprocal_ranks(query_vectors, encoder.encode_simplified(texts, languages=[language] * len(texts)), gold)


def run_cell(encoder: Encoder, codebase: list[dict], query_vectors, gold, steps: bool = False) -> dict:
    """MRR and `seconds`, the time of `encoder.encode_code` as the index calls it (simplify in the parse workers,
    then embed; full code goes to the model unlexed). `steps`: also each step alone: simplifying in this process
    (`simplify_s`, and the model tokens before and after) and embedding the simplified code (`encode_s`)."""
    items = [(r["code"], r["language"]) for r in codebase]
    start = time.perf_counter()
    vectors = encoder.encode_code(items)
    seconds = time.perf_counter() - start
    rr = reciprocal_ranks(query_vectors, vectors, gold)
    cell = {"method": encoder.method, "ratio": encoder.ratio, "repeat_discount": encoder.repeat_discount,
            "mrr": float(rr.mean()), "rr": rr, "seconds": seconds}
    if steps:
        start = time.perf_counter()
        simplified = encoder.simplify(items)
        middle = time.perf_counter()
        encoder.encode_simplified([s.code for s in simplified], languages=[language for _, language in items])
        cell |= {"simplify_s": middle - start, "encode_s": time.perf_counter() - middle,
                 "model_tokens_before": sum(s.model_tokens for s in simplified),
                 "model_tokens_after": sum(s.model_tokens_kept for s in simplified)}
    return cell


def by_cell(cells: list[dict], method: str, ratio: float) -> dict | None:
    return next((c for c in cells if c["method"] == method and c["ratio"] == ratio), None)


def intervals_table(cells: list[dict], base: dict, zero_shot: dict, default_ratio: float, ratio: float,
                    draws: np.ndarray) -> list[str]:
    """MRR of the reference cells and of every method at `ratio`, each with its paired-bootstrap interval."""
    rows = [("zero-shot base, full code", zero_shot), ("full code (`none`)", base),
            (f"default (leancode {default_ratio:g})", by_cell(cells, "leancode", default_ratio))]
    rows += [(f"{c['method']} {ratio:g}", c) for c in cells if c["ratio"] == ratio]
    fmt = lambda lo, hi: f"[{lo:+.4f}, {hi:+.4f}]"  # noqa: E731
    lines = ["", f"MRR with 95% intervals, paired bootstrap over the {draws.shape[1]} queries ({draws.shape[0]} "
             "seeded resamples, the same for every row); Δ = row minus full code or minus the zero-shot base:", "",
             "| cell | MRR | 95% interval | Δ full code [95%] | Δ zero-shot [95%] |", "|---|---:|---:|---:|---:|"]
    for name, cell in rows:
        if cell is None:
            continue
        lo, hi = interval(draws, cell["rr"])
        lines.append(f"| {name} | {cell['mrr']:.4f} | [{lo:.4f}, {hi:.4f}] | "
                     f"{cell['mrr'] - base['mrr']:+.4f} {fmt(*interval(draws, cell['rr'], base['rr']))} | "
                     f"{cell['mrr'] - zero_shot['mrr']:+.4f} {fmt(*interval(draws, cell['rr'], zero_shot['rr']))} |")
    return lines


def speedups(encoder: Encoder, texts: list[str], threads: int = os.cpu_count() or 1) -> list[tuple[str, float]]:
    """Seconds to embed `texts` under each CPU setting, one step added at a time."""
    import torch

    rows = []
    torch.set_num_threads(1)
    rows.append(("in input order, every batch padded to the longest of the set, 1 thread",
                 best_time(lambda: encoder._encode(texts, bucket=False, pad_to_longest_of_set=True))))
    rows.append(("in input order, each batch padded to its own longest, 1 thread",
                 best_time(lambda: encoder._encode(texts, bucket=False))))
    rows.append(("length buckets (sorted by length), 1 thread", best_time(lambda: encoder._encode(texts))))
    if threads > 1:
        torch.set_num_threads(threads)
        rows.append((f"length buckets, {threads} threads", best_time(lambda: encoder._encode(texts))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(DATA / "queries.jsonl"))
    parser.add_argument("--codebase", default=str(DATA / "codebase.jsonl"))
    parser.add_argument("--pairs", metavar="FILE", help="instead of --queries/--codebase: summary pairs (.jsonl of "
                        "{idx, code, language, summary}); each summary is the query for its own function")
    parser.add_argument("--section", default="search-quality", help="BENCHMARKS.md section to write")
    parser.add_argument("--methods", default=",".join(ORDER))
    parser.add_argument("--ratios", default=",".join(map(str, RATIOS)))
    parser.add_argument("--other-ratios", metavar="RATIOS",
                        help="ratios for the methods other than leancode (default: --ratios)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="torch threads for the grid (the speed-up rows try 1 and all cores)")
    parser.add_argument("--speed-sample", type=int, default=512, metavar="N",
                        help="functions timed for the CPU speed-up rows (0: skip them)")
    parser.add_argument("--int8-check", default="none:0,leancode:0.3",
                        help="method:ratio cells rerun with int8 quantization ('' to skip)")
    parser.add_argument("--discount-sweep", default="0,0.25,0.5,0.75,1",
                        help="repeat discounts tried for leancode at the largest ratio ('' to skip)")
    parser.add_argument("--timing-repeats", type=int, default=3, metavar="N",
                        help="re-time none and leancode at the largest ratio N times, interleaved (0: skip)")
    parser.add_argument("--model", help="encoder model or search adapter directory (default: the encoder's default)")
    parser.add_argument("--zero-shot-model", default=default_model_path(),
                        help="reference model measured on full input (default: the packaged all-MiniLM-L6-v2)")
    parser.add_argument("--no-plain", action="store_true",
                        help=f"leave out the '{PLAIN}' rows (the paper's removal order beside leancode's)")
    parser.add_argument("--bootstrap", type=int, default=2000, metavar="N",
                        help="seeded bootstrap resamples of the queries for the MRR intervals (0: none)")
    parser.add_argument("--default-ratio", type=float, default=SEARCH_RATIO,
                        help="the ratio this set's default serves (default: leancode.encoder.SEARCH_RATIO)")
    parser.add_argument("--json", metavar="FILE", help="also write every measurement here")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import torch

    methods = [m for m in args.methods.split(",") if m]
    ratios = [float(r) for r in args.ratios.split(",") if r]
    others = ratios if args.other_ratios is None else [float(r) for r in args.other_ratios.split(",") if r]
    for method in methods:
        if method not in METHODS:
            parser.error(f"unknown method {method!r}")
    if args.pairs:
        pairs = read_jsonl(args.pairs)
        queries = [{"idx": r["idx"], "query": r["summary"], "gold": r["idx"]} for r in pairs]
        codebase = [{"idx": r["idx"], "code": r["code"], "language": r["language"]} for r in pairs]
    else:
        queries, codebase = read_jsonl(args.queries), read_jsonl(args.codebase)
    data_name = "/".join(Path(args.pairs).parts[-2:]) if args.pairs else "/".join(Path(args.queries).parts[-3:-1])
    cosqa = not args.pairs and Path(args.queries).resolve() == (DATA / "queries.jsonl").resolve()
    column = {r["idx"]: i for i, r in enumerate(codebase)}
    gold = [column[q["gold"]] for q in queries]
    log = lambda *parts: print(*parts, file=sys.stderr, flush=True)  # noqa: E731

    began = time.perf_counter()
    zero_shot = Encoder(model=args.zero_shot_model, method="none", threads=args.threads)
    zero_shot_cell = run_cell(zero_shot, codebase, zero_shot.encode_queries([q["query"] for q in queries]), gold,
                              steps=True)
    log(f"zero-shot {zero_shot.model_id}: MRR {zero_shot_cell['mrr']:.4f}")
    encoder = Encoder(model=args.model, method="none", threads=args.threads)
    start = time.perf_counter()
    query_vectors = encoder.encode_queries([q["query"] for q in queries])
    query_seconds = time.perf_counter() - start
    log(f"queries: {len(queries)} in {query_seconds:.1f}s")
    # Untimed warm-up over every input shape: the first pass pays for kernel selection and
    # allocation per batch shape, which would otherwise count against whichever cell runs first.
    encoder.encode_code([(c["code"], c["language"]) for c in codebase])

    cells = []
    for method in methods:
        plain = [(PLAIN, 1.0)] if method == "leancode" and not args.no_plain else []
        for name, discount in [(method, None)] + plain:
            for ratio in ([0.0] if method == "none" else ratios if method == "leancode" else others):
                cell = run_cell(encoder.configured(method, ratio, discount), codebase, query_vectors, gold, steps=True)
                cell["method"] = name
                cells.append(cell)
                log(f"{name} {ratio}: MRR {cell['mrr']:.4f}, {cell['simplify_s']:.1f}s + {cell['encode_s']:.1f}s")
    base = next((c for c in cells if c["method"] == "none"), None)
    sweep = []
    for discount in (float(d) for d in args.discount_sweep.split(",") if d):
        sweep.append(run_cell(encoder.configured("leancode", max(ratios), discount), codebase, query_vectors, gold,
                              steps=True))
        log(f"leancode {max(ratios)}, repeat discount {discount:g}: MRR {sweep[-1]['mrr']:.4f}")

    # The grid times each cell once; a one-off disturbance on a shared machine moves a ratio by a few
    # points, so the headline encode-time ratio is re-measured: the two cells alternately, best of N each.
    repeats = {"none": [], "leancode": []}
    for _ in range(args.timing_repeats if "leancode" in methods else 0):
        for method, ratio in (("none", 0.0), ("leancode", max(ratios))):
            repeats[method].append(run_cell(encoder.configured(method, ratio), codebase, query_vectors, gold,
                                            steps=True))
    if repeats["none"]:
        fastest = {m: min(timings, key=lambda c: c["seconds"]) for m, timings in repeats.items()}
        log(f"interleaved timing: leancode {max(ratios):g} / none = "
            f"{fastest['leancode']['seconds'] / fastest['none']['seconds']:.2f}")

    int8 = []
    if args.int8_check:
        quantized = Encoder(model=args.model, method="none", quantize=True, threads=args.threads)
        int8_queries = quantized.encode_queries([q["query"] for q in queries])
        for spec in args.int8_check.split(","):
            method, ratio = spec.split(":")
            cell = run_cell(quantized.configured(method, float(ratio)), codebase, int8_queries, gold, steps=True)
            same = [c for c in cells if c["method"] == method and (method == "none" or c["ratio"] == float(ratio))]
            fp32 = same[0] if same else None
            int8.append((cell, fp32))
            log(f"int8 {method} {ratio}: MRR {cell['mrr']:.4f}, {cell['encode_s']:.1f}s")

    speed_rows = []
    if args.speed_sample:
        texts = [r["code"] for r in codebase[: args.speed_sample]]
        speed_rows = speedups(encoder, texts)
        quantized = quantized if args.int8_check else Encoder(model=args.model, method="none", quantize=True)
        for threads in sorted({1, os.cpu_count() or 1}):
            torch.set_num_threads(threads)
            speed_rows.append((f"length buckets, {threads} thread(s), int8 dynamic quantization",
                               best_time(lambda: quantized._encode(texts))))
        for name, seconds in speed_rows:
            log(f"speed: {name}: {seconds:.2f}s")
    total_minutes = (time.perf_counter() - began) / 60

    command = command_line()
    precision = "int8 code model" if encoder.quantize else "fp32"
    lines = [
        "## Code search quality (CoSQA dev)" if cosqa else f"## Code search quality ({data_name})",
        "",
        f"`{command}` — {len(queries)} queries over {len(codebase)} functions "
        f"(`{data_name}`), model `{encoder.model_id}` (mean pooling, "
        f"max {encoder.max_length} model tokens), {precision}, {encoder.backend} runtime, {args.threads} threads, "
        "one process on "
        f"{platform.machine()} with {os.cpu_count()} cores, torch {torch.__version__}; "
        f"{total_minutes:.0f} minutes in all. "
        "The queries are embedded once and reused by every cell (queries are never simplified); the codebase "
        "is simplified and embedded once per cell, after one untimed warm-up pass over the full codebase. "
        "Ratio = fraction of model tokens removed from each function.",
        "",
    ]
    if base:
        lines += [f"Full input (`none`): MRR **{base['mrr']:.4f}**; codebase embedded in {base['seconds']:.0f}s "
                  f"({base['model_tokens_before'] / len(codebase):.1f} model tokens per function); "
                  f"queries in {query_seconds:.1f}s. For reference, zero-shot `{zero_shot.model_id}` on full "
                  f"input: MRR **{zero_shot_cell['mrr']:.4f}**.", ""]
        default = by_cell(cells, "leancode", args.default_ratio)
        if default:
            lines += [f"Defaults (this model, leancode at ratio {args.default_ratio:g}): MRR **{default['mrr']:.4f}**, "
                      f"{default['mrr'] / zero_shot_cell['mrr']:.1%} of the zero-shot full-input MRR.", ""]
    header = "| method | " + " | ".join(f"{r:g}" for r in ratios) + " |"
    rule = "|---|" + "---:|" * len(ratios)
    by = {(c["method"], c["ratio"]): c for c in cells}
    shown = list(dict.fromkeys(c["method"] for c in cells if c["method"] != "none"))
    lines += ["MRR (relative to `none`) by fraction of model tokens removed:", "", header, rule]
    for method in shown:
        row = []
        for r in ratios:
            c = by.get((method, r))
            row.append("" if c is None else f"{c['mrr']:.4f} ({c['mrr'] / base['mrr']:.1%})" if base
                       else f"{c['mrr']:.4f}")
        lines.append(f"| {method} | " + " | ".join(row) + " |")
    if base:
        lines += ["", "Codebase encode time (simplification + embedding) relative to `none`, same run "
                  "(embedding alone relative to `none`'s embedding in parentheses):", "", header, rule]
        for method in shown:
            row = [f"{by[(method, r)]['seconds'] / base['seconds']:.2f} "
                   f"({by[(method, r)]['encode_s'] / base['encode_s']:.2f})" if (method, r) in by else ""
                   for r in ratios]
            lines.append(f"| {method} | " + " | ".join(row) + " |")
        if repeats["none"]:
            none_s, lean_s = (fastest[m]["seconds"] for m in ("none", "leancode"))
            lines += ["", f"Re-timed, `none` and `leancode {max(ratios):g}` alternately, {args.timing_repeats} times "
                      f"each, fastest of each: {none_s:.1f}s and {lean_s:.1f}s: leancode at {max(ratios):g} encodes in "
                      f"**{lean_s / none_s:.2f}** of the full-input time (embedding alone "
                      f"{fastest['leancode']['encode_s'] / fastest['none']['encode_s']:.2f})."]
        floor = max(0.97 * base["mrr"], zero_shot_cell["mrr"])
        leancode = [c for c in cells if c["method"] == "leancode" and c["mrr"] >= floor]
        if leancode:
            best = max(leancode, key=lambda c: c["ratio"])
            lines += ["", f"Largest leancode ratio keeping >= 97% of full-input MRR and at least the zero-shot "
                      f"full-input MRR: **{best['ratio']:g}** (MRR {best['mrr']:.4f}, "
                      f"{best['mrr'] / base['mrr']:.1%}); "
                      + ("" if not cosqa else f"the shipped default (`leancode.encoder.SEARCH_RATIO` = "
                         f"{SEARCH_RATIO:g}) also weighs the held-out package sets (sections below).")]
    if base and args.bootstrap:
        lines += intervals_table(cells, base, zero_shot_cell, args.default_ratio, max(ratios),
                                 bootstrap(args.bootstrap, len(queries)))
    if sweep:
        lines += ["", f"leancode at ratio {max(ratios):g} by repeat discount (the k-th repeat of a token's text in a "
                  f"function scores discount**k of its table score; shipped: {REPEAT_DISCOUNT:g}; 1 is the paper's "
                  "plain order):", "", "| repeat discount | " + " | ".join(f"{c['repeat_discount']:g}" for c in sweep)
                  + " |", "|---|" + "---:|" * len(sweep),
                  "| MRR | " + " | ".join(f"{c['mrr']:.4f}" for c in sweep) + " |"]
    if int8:
        lines += ["", "Dynamic int8 quantization of the Linear layers (`Encoder(quantize=True)`), same cells:", "",
                  "| cell | MRR fp32 | MRR int8 | embedding time int8 / fp32 |", "|---|---:|---:|---:|"]
        for cell, fp32 in int8:
            name = cell["method"] if cell["method"] == "none" else f"{cell['method']} {cell['ratio']:g}"
            ref = f"{fp32['mrr']:.4f}" if fp32 else "—"
            speed = f"{cell['encode_s'] / fp32['encode_s']:.2f}" if fp32 else "—"
            lines.append(f"| {name} | {ref} | {cell['mrr']:.4f} | {speed} |")
    if speed_rows:
        reference = speed_rows[0][1]
        lines += ["", f"CPU speed-ups, embedding the first {args.speed_sample} functions (unsimplified), "
                  "batch 32, `torch.inference_mode`, best of 2:", "",
                  "| setting | seconds | speed-up over the first row |", "|---|---:|---:|",
                  *(f"| {name} | {seconds:.2f} | {reference / seconds:.2f}x |" for name, seconds in speed_rows)]
    text = "\n".join(lines)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        for cell in [*cells, zero_shot_cell, *sweep, *(c for c, _ in int8), *sum(repeats.values(), [])]:
            cell["rr"] = [round(float(x), 6) for x in cell["rr"]]
        Path(args.json).write_text(json.dumps({"data": data_name, "queries": len(queries),
                                               "functions": len(codebase), "default_ratio": args.default_ratio,
                                               "model": encoder.model_id, "backend": encoder.backend,
                                               "cells": cells, "query_seconds": query_seconds,
                                               "int8": [c for c, _ in int8], "speed": speed_rows, "sweep": sweep,
                                               "timing_repeats": repeats,
                                               "zero_shot": zero_shot_cell,
                                               "command": command}, indent=2) + "\n")
    if not args.no_write:
        write_section(args.section, text)


if __name__ == "__main__":
    main()
