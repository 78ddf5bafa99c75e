"""The encoder's runtimes side by side: vectors against PyTorch's, embedding speed, and MRR where vectors differ.

    python bench/encoder_backends.py [--sample 512] [--functions 2000] [--threads 2]

Runtimes: PyTorch fp32 (the reference), ONNX Runtime fp32 (the default), ONNX Runtime
int8 (dynamic, per-channel weights), PyTorch int8 (dynamic). Speed: embedding the first
`--sample` functions of the CoSQA dev codebase, unsimplified, each runtime in turn, twice,
best of the two (the machine is shared: read the ratios). Vectors: cosine to PyTorch fp32
per function. MRR: the 500 CoSQA dev queries over their gold functions plus the first
others up to `--functions`, and each `--pairs` file (held-out packages: each docstring's
first sentence queries its function); code simplified as served (LeanCode at the default
ratio), queries in fp32 (as served).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

from report import best_time, command_line, publish

from leancode.encoder import Encoder
from leancode.training.metrics import gold_ranks, mean_reciprocal_rank

DATA = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev"
RUNTIMES = {"PyTorch fp32": ("torch", False), "ONNX Runtime fp32": ("onnx", False),
            "ONNX Runtime int8": ("onnx", True), "PyTorch int8": ("torch", True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=512)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--pairs", nargs="*", default=[], help="held-out pairs files for MRR (summary, code)")
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
    seconds = {name: best_time(lambda: encoder.encode_simplified(texts)) for name, encoder in encoders.items()}

    sets = {f"CoSQA dev, {len(subset):,} functions": ([(q["query"], q["gold"]) for q in queries], subset)}
    for path in args.pairs:
        pairs = [json.loads(line) for line in open(path)]
        sets[f"`{path}`, {len(pairs):,} functions"] = ([(c["summary"], c["idx"]) for c in pairs], pairs)
    mrr: dict[tuple[str, str], float] = {}
    for name, (chosen, functions) in sets.items():
        rows = {c["idx"]: row for row, c in enumerate(functions)}
        query_vectors = encoders["ONNX Runtime fp32"].encode_queries([text for text, _ in chosen])
        items = [(c["code"], c["language"]) for c in functions]
        for runtime in ("ONNX Runtime fp32", "ONNX Runtime int8"):
            served = encoders[runtime].configured(method="leancode", ratio=Encoder().ratio)
            scores = query_vectors @ served.encode_code(items).T
            mrr[name, runtime] = mean_reciprocal_rank(gold_ranks(scores, [rows[gold] for _, gold in chosen]))

    reference = vectors["PyTorch fp32"]
    lines = ["## Encoder runtimes", "",
             f"`{command_line()}` — embedding {len(texts)} CoSQA dev functions (full code), best of 2, "
             f"{args.threads} threads, {os.cpu_count()} cores ({platform.machine()}), shared machine: compare the "
             f"ratio column.", "",
             "| runtime | seconds | relative to PyTorch fp32 | cosine to PyTorch fp32, min / mean |",
             "|---|---:|---:|---:|"]
    for name in RUNTIMES:
        cosine = (vectors[name] * reference).sum(axis=1)
        lines.append(f"| {name} | {seconds[name]:.1f} | {seconds[name] / seconds['PyTorch fp32']:.2f} | "
                     f"{cosine.min():.5f} / {cosine.mean():.5f} |")
    lines += ["", "MRR of code embedded in fp32 and in int8 (ONNX Runtime), queries in fp32; the bar for int8: "
              "within 1%.", "", "| set | fp32 | int8 | change |", "|---|---:|---:|---:|"]
    for name in sets:
        fp32, int8 = mrr[name, "ONNX Runtime fp32"], mrr[name, "ONNX Runtime int8"]
        lines.append(f"| {name} | {fp32:.4f} | {int8:.4f} | {int8 / fp32 - 1:+.2%} |")
    publish("encoder-runtimes", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
