"""Which matmuls of the int8 code model stay in fp32: speed, vectors and validation MRR of each choice.

    python bench/int8_variants.py [--out runs/int8-variants] [--json FILE]

Each variant is the shipped search adapter's fp32 ONNX export (made by `Encoder` once) quantized as served
(`leancode.runtime.quantize_onnx`) with another set of matmuls kept in fp32. Per variant: one call's time at 4, 32 and
128 model tokens (one intra-op thread, 200 calls, after 20 warm-up calls), cosine of its code vectors to fp32's on
the first 400 CoSQA dev functions, and MRR on the validation search sets (`data/search-sets/valid/<language>`)
and CoSQA dev at full code and at LeanCode 0.5, every language read by the adapter. For tuning: no test set is
read.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from leancode.encoder import Encoder, _identity
from leancode.runtime import FEED_FORWARD_OUT, OnnxRunner, matmul_layers, onnx_file, quantize_onnx
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import gold_ranks, mean_reciprocal_rank

SETS = {language: f"data/search-sets/valid/{language}" for language in ("python", "java", "javascript", "go", "rust")}
SETS["cosqa-dev"] = "../shared/data/cosqa-dev"


def variants(export: Path) -> dict[str, list[str]]:
    """Variant name -> the matmul nodes it keeps in fp32."""
    layers = matmul_layers(export)
    last = max(layers.values())
    ends = [n for n, layer in layers.items() if layer in (0, last)]
    ffn_out = [n for n in ends if FEED_FORWARD_OUT.search(n)]
    return {
        "first and last layers fp32 (v3)": ends,
        "all int8": [],
        "first and last layers' FFN output fp32 (v4, served)": ffn_out,
        "first and last layers' FFN fp32": [n for n in ends if n in ffn_out or "intermediate" in n],
        "first layer and last FFN output fp32": [n for n, layer in layers.items() if layer == 0] + [
            n for n in ffn_out if layers[n] == last],
    }


def call_ms(runner: OnnxRunner, length: int) -> float:
    ids, mask = np.full((1, length), 1000, dtype=np.int64), np.ones((1, length), dtype=np.int64)
    for _ in range(20):
        runner(ids, mask)
    start = time.perf_counter()
    for _ in range(200):
        runner(ids, mask)
    return (time.perf_counter() - start) / 200 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="runs/int8-variants", help="where the variant graphs are written")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    encoder = Encoder(threads=2, quantize=True)
    encoder.runner("code")  # makes the fp32 export once
    export = onnx_file(_identity(encoder.path), encoder._pooling)
    texts = [row["code"] for row in read_jsonl(Path(SETS["cosqa-dev"]) / "codebase.jsonl")][:400]
    reference = Encoder(threads=2, quantize=False).encode_simplified(texts)
    sets = {}
    for name, directory in SETS.items():
        queries = read_jsonl(Path(directory) / "queries.jsonl")
        codebase = read_jsonl(Path(directory) / "codebase.jsonl")
        sets[name] = (queries, codebase, encoder.encode_queries([q["query"] for q in queries]))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    results = {}
    for index, (name, kept) in enumerate(variants(export).items()):
        graph = Path(args.out) / f"variant{index}.onnx"
        quantize_onnx(export, graph, fp32_nodes=kept)  # as served, but for which nodes stay fp32
        runner = OnnxRunner(graph, 2, one_by_one=True)
        encoder._shared[(encoder.path, True)] = runner  # this encoder's code model is now the variant
        cosine = (encoder.encode_simplified(texts) * reference).sum(axis=1)
        row = {"fp32 matmuls": len(kept), "ms": {n: round(call_ms(runner, n), 2) for n in (4, 32, 128)},
               "cosine min": round(float(cosine.min()), 4), "cosine mean": round(float(cosine.mean()), 4), "mrr": {}}
        for set_name, (queries, codebase, query_vectors) in sets.items():
            rows = {c["idx"]: i for i, c in enumerate(codebase)}
            items = [(c["code"], c["language"]) for c in codebase]
            for ratio in (0.0, 0.5):
                code = encoder.configured(method="none" if ratio == 0 else "leancode", ratio=ratio).encode_code(items)
                ranks = gold_ranks(query_vectors @ code.T, [rows[q["gold"]] for q in queries])
                row["mrr"][f"{set_name}@{ratio:g}"] = round(mean_reciprocal_rank(ranks), 4)
        results[name] = row
        print(name, json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    columns = list(next(iter(results.values()))["mrr"])
    print("\n| variant | fp32 matmuls | ms at 4 / 32 / 128 tokens | cosine to fp32, min / mean | "
          + " | ".join(columns) + " |")
    print("|---|---:|---|---|" + "---:|" * len(columns))
    for name, row in results.items():
        ms = " / ".join(f"{v:.2f}" for v in row["ms"].values())
        print(f"| {name} | {row['fp32 matmuls']} | {ms} | {row['cosine min']:.4f} / {row['cosine mean']:.4f} | "
              + " | ".join(f"{row['mrr'][c]:.4f}" for c in columns) + " |")


if __name__ == "__main__":
    main()
