"""The encoder's runtimes side by side: vectors against PyTorch's, embedding speed, and MRR where vectors differ.

    python bench/encoder_backends.py [--sample 512] [--functions 2000] [--threads 2]

Runtimes: PyTorch fp32 (the reference), ONNX Runtime fp32 (the default), ONNX Runtime
int8 (dynamic, per-channel weights), PyTorch int8 (dynamic). Speed: embedding the first
`--sample` functions of the CoSQA dev codebase, unsimplified, each runtime in turn, twice,
best of the two (the machine is shared: read the ratios). Vectors: cosine to PyTorch fp32
per function. MRR: the 500 CoSQA dev queries over their gold functions plus the first
others up to `--functions`, code simplified as served (LeanCode at the default ratio),
queries by the base model in fp32 (as served).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
from report import command_line, write_section

from leancode.encoder import Encoder
from leancode.training.metrics import gold_ranks, mean_reciprocal_rank

DATA = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev"
RUNTIMES = {"PyTorch fp32": ("torch", False), "ONNX Runtime fp32": ("onnx", False),
            "ONNX Runtime int8": ("onnx", True), "PyTorch int8": ("torch", True)}


def best_of(function, repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=512)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    queries = [json.loads(line) for line in open(DATA / "queries.jsonl")]
    codebase = [json.loads(line) for line in open(DATA / "codebase.jsonl")]
    gold = {q["gold"] for q in queries}
    subset = [c for c in codebase if c["idx"] in gold]
    subset += [c for c in codebase if c["idx"] not in gold][:max(0, args.functions - len(subset))]
    texts = [c["code"] for c in codebase[:args.sample]]
    encoders = {name: Encoder(method="none", backend=backend, quantize=int8, threads=args.threads)
                for name, (backend, int8) in RUNTIMES.items()}
    vectors = {name: encoder.encode_simplified(texts) for name, encoder in encoders.items()}  # loads, warms up
    seconds = {name: best_of(lambda: encoder.encode_simplified(texts)) for name, encoder in encoders.items()}

    query_vectors = encoders["ONNX Runtime fp32"].encode_queries([q["query"] for q in queries])
    rows = {c["idx"]: row for row, c in enumerate(subset)}
    gold_rows = [rows[q["gold"]] for q in queries]
    items = [(c["code"], c["language"]) for c in subset]
    mrr = {}
    for name in ("ONNX Runtime fp32", "ONNX Runtime int8"):
        served = encoders[name].configured(method="leancode", ratio=Encoder().ratio)
        mrr[name] = mean_reciprocal_rank(gold_ranks(query_vectors @ served.encode_code(items).T, gold_rows))

    reference = vectors["PyTorch fp32"]
    lines = ["## Encoder runtimes", "",
             f"`{command_line()}` — embedding {len(texts)} CoSQA dev functions (full code), best of 2, "
             f"{args.threads} threads, {os.cpu_count()} cores ({platform.machine()}), shared machine: compare the "
             f"ratio column. MRR: {len(queries)} CoSQA dev queries over {len(subset):,} functions (their gold "
             "functions and others), code simplified as served (LeanCode at the default ratio).", "",
             "| runtime | seconds | relative to PyTorch fp32 | cosine to PyTorch fp32, min / mean | MRR |",
             "|---|---:|---:|---:|---:|"]
    for name in RUNTIMES:
        cosine = (vectors[name] * reference).sum(axis=1)
        score = f"{mrr[name]:.4f}" if name in mrr else "-"
        lines.append(f"| {name} | {seconds[name]:.1f} | {seconds[name] / seconds['PyTorch fp32']:.2f} | "
                     f"{cosine.min():.5f} / {cosine.mean():.5f} | {score} |")
    change = mrr["ONNX Runtime int8"] / mrr["ONNX Runtime fp32"] - 1
    lines += ["", f"int8 changes MRR by {change:+.2%} against fp32 in ONNX Runtime (the bar for using it: within 1%)."]
    print("\n".join(lines))
    if not args.no_write:
        write_section("encoder-runtimes", "\n".join(lines))


if __name__ == "__main__":
    main()
