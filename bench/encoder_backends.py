"""The encoder's runtimes side by side: speed, vectors against PyTorch's, batch independence, MRR, encode time.

    python bench/encoder_backends.py [--sample 256] [--functions 0] [--threads 2] [--pairs P.jsonl ...]
                                     [--time-functions 2000]

Runtimes: PyTorch fp32 (the reference), ONNX Runtime fp32, ONNX Runtime int8 (the default:
dynamic int8 weights, first and last layers' feed-forward outputs fp32, one function per call), PyTorch int8 (dynamic,
batched). Speed: embedding the first `--sample` functions of the CoSQA dev codebase,
unsimplified, each runtime in turn, best of 2 (read the ratios). Vectors: cosine to PyTorch
fp32 per function; batch independence: cosine of each function's vector as the encoder
embeds the whole sample to its vector embedded alone. MRR: the 500 CoSQA dev queries over
the codebase (its first `--functions` with every gold function when given) and each `--pairs`
file (held-out packages: each docstring's first sentence queries its function); code simplified
as served (LeanCode at the default ratio) in fp32 and in int8, queries as served (fp32, ONNX
Runtime). Encode time: simplification plus embedding of the first `--time-functions` CoSQA dev
functions with the default encoder, full code and LeanCode at 0.5 alternately, 3 times each,
fastest of each, after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
from report import best_time, command_line, publish

from leancode.encoder import Encoder
from leancode.training.metrics import gold_ranks, mean_reciprocal_rank

DATA = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev"
RUNTIMES = {"PyTorch fp32": ("torch", False), "ONNX Runtime fp32": ("onnx", False),
            "ONNX Runtime int8 (default)": ("onnx", True), "PyTorch int8": ("torch", True)}
FP32, INT8 = "ONNX Runtime fp32", "ONNX Runtime int8 (default)"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in open(path)]


def encode_ratio(encoder: Encoder, items: list[tuple[str, str]], repeats: int = 3) -> tuple[float, float]:
    """Fastest seconds to simplify and embed `items` in full and at LeanCode 0.5, alternating."""
    full, half = encoder.configured(method="none"), encoder.configured(method="leancode", ratio=0.5)
    full.encode_code(items)  # warm-up: model, tables, piece counter
    seconds = {"full": float("inf"), "half": float("inf")}
    for _ in range(repeats):
        for name, configured in (("full", full), ("half", half)):
            start = time.perf_counter()
            configured.encode_code(items)
            seconds[name] = min(seconds[name], time.perf_counter() - start)
    return seconds["full"], seconds["half"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=256)
    parser.add_argument("--functions", type=int, default=0, help="CoSQA dev functions for MRR (0: all)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--pairs", nargs="*", default=[], help="held-out pairs files for MRR (summary, code)")
    parser.add_argument("--time-functions", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    queries, codebase = load(DATA / "queries.jsonl"), load(DATA / "codebase.jsonl")
    subset = codebase
    if args.functions:
        gold = {q["gold"] for q in queries}
        subset = [c for c in codebase if c["idx"] in gold]
        subset += [c for c in codebase if c["idx"] not in gold][:max(0, args.functions - len(subset))]
    texts = [c["code"] for c in codebase[:args.sample]]
    encoders = {name: Encoder(method="none", backend=backend, quantize=int8, threads=args.threads)
                for name, (backend, int8) in RUNTIMES.items()}
    vectors = {name: encoder.encode_simplified(texts) for name, encoder in encoders.items()}  # loads, warms up
    seconds = {name: best_time(lambda: encoder.encode_simplified(texts)) for name, encoder in encoders.items()}
    alone = {name: np.stack([encoder.encode_simplified([text])[0] for text in texts])
             for name, encoder in encoders.items()}

    sets = {f"CoSQA dev, {len(subset):,} functions (tuning set)":
            ([(q["query"], q["gold"]) for q in queries], subset)}
    for path in args.pairs:
        pairs = load(Path(path))
        sets[f"`{path}`, {len(pairs):,} functions"] = ([(c["summary"], c["idx"]) for c in pairs], pairs)
    mrr: dict[tuple[str, str], float] = {}
    cosines: dict[str, np.ndarray] = {}
    for name, (chosen, functions) in sets.items():
        rows = {c["idx"]: row for row, c in enumerate(functions)}
        query_vectors = encoders[INT8].encode_queries([text for text, _ in chosen])  # as served: fp32
        items = [(c["code"], c["language"]) for c in functions]
        code = {}
        for runtime in (FP32, INT8):
            code[runtime] = encoders[runtime].configured(method="leancode", ratio=Encoder().ratio).encode_code(items)
            scores = query_vectors @ code[runtime].T
            mrr[name, runtime] = mean_reciprocal_rank(gold_ranks(scores, [rows[gold] for _, gold in chosen]))
        cosines[name] = (code[FP32] * code[INT8]).sum(axis=1)

    timed = [(c["code"], c["language"]) for c in codebase[:args.time_functions]]
    full, half = encode_ratio(Encoder(threads=args.threads), timed)
    load_after = os.getloadavg()[0]

    reference = vectors["PyTorch fp32"]
    lines = ["## Encoder runtimes", "",
             f"`{command_line()}` — embedding {len(texts)} CoSQA dev functions (full code), best of 2, "
             f"{args.threads} threads, {os.cpu_count()} cores ({platform.machine()}), Python "
             f"{platform.python_version()}; load average {load_before:.1f} at the start, {load_after:.1f} at the end "
             "(read the ratios).", "",
             "| runtime | seconds | relative to PyTorch fp32 | cosine to PyTorch fp32, min / mean "
             "| cosine in the batch to alone, min |", "|---|---:|---:|---:|---:|"]
    for name in RUNTIMES:
        cosine = (vectors[name] * reference).sum(axis=1)
        batch = (vectors[name] * alone[name]).sum(axis=1)
        lines.append(f"| {name} | {seconds[name]:.1f} | {seconds[name] / seconds['PyTorch fp32']:.2f} | "
                     f"{cosine.min():.5f} / {cosine.mean():.5f} | {batch.min():.6f} |")
    lines += ["", "MRR of code embedded in fp32 and in int8 (ONNX Runtime), simplified as served, queries as served; "
              "the bar for int8: within 1%. Cosine: int8 to fp32 code vectors, every function of the set.", "",
              "| set | fp32 | int8 | change | cosine min / 1st percentile / mean |", "|---|---:|---:|---:|---:|"]
    for name in sets:
        fp32, int8, cosine = mrr[name, FP32], mrr[name, INT8], cosines[name]
        lines.append(f"| {name} | {fp32:.4f} | {int8:.4f} | {int8 / fp32 - 1:+.2%} | {cosine.min():.5f} / "
                     f"{np.percentile(cosine, 1):.5f} / {cosine.mean():.5f} |")
    lines += ["", f"Encode time (simplification + embedding) of the first {len(timed):,} CoSQA dev functions with the "
              f"default encoder: full code {full:.1f} s, LeanCode at 0.5 {half:.1f} s: **{half / full:.2f}** of the "
              "full-code time (3 runs each, alternating, fastest of each)."]
    publish("encoder-runtimes", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
