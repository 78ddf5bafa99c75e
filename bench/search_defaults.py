"""Do the search defaults keep the packaged model's zero-shot quality? The served encoder against zero-shot, per set.

    python bench/search_defaults.py --set test/python=data/search-sets/test/python [--set NAME=DIR ...] \
        [--no-quantize] [--json FILE]

For each set (a directory of queries.jsonl and codebase.jsonl): MRR of the packaged all-MiniLM-L6-v2 on full
code (zero-shot, fp32 as trained) and of the encoder as `leancode index` serves it (`Encoder()`: the shipped
adapter with its per-language defaults, `leancode/models/code-search/language-defaults.json`, int8 unless
`--no-quantize`), the difference with its paired-bootstrap 95% interval (2,000 seeded resamples of the queries),
and the codebase's simplify + embed time of the served encoder relative to zero-shot's (same run).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from report import bootstrap, command_line, difference, publish
from search_quality import run_cell

from leancode.encoder import Encoder
from leancode.model_tokens import default_model_path
from leancode.training.jsonl import read_jsonl


def reciprocal_ranks(encoder: Encoder, queries: list[dict], codebase: list[dict]) -> tuple[np.ndarray, float]:
    """1/rank of each query's gold function, and the seconds spent simplifying and embedding the codebase."""
    column = {r["idx"]: i for i, r in enumerate(codebase)}
    query_vectors = encoder.encode_queries([q["query"] for q in queries])
    encoder.encode_code([(r["code"], r["language"]) for r in codebase[:64]])  # warm-up: model, tables, counter
    cell = run_cell(encoder, codebase, query_vectors, [column[q["gold"]] for q in queries])
    return cell["rr"], cell["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--quantize", action=argparse.BooleanOptionalAction, default=None,
                        help="the served encoder in int8 (ONNX Runtime) or not (default: as served)")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--json", metavar="FILE", help="also write the per-query reciprocal ranks here")
    parser.add_argument("--section", default="search-defaults")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    served = Encoder(quantize=args.quantize, threads=args.threads)
    zero_shot = Encoder(model=default_model_path(), method="none", quantize=False, threads=args.threads)  # fp32
    lines = ["## Search defaults against zero-shot", "",
             f"`{command_line()}` — served: `{served.config_key}`. MRR; Δ = served − zero-shot with its 95% "
             "paired-bootstrap interval; time = simplify + embed the codebase, served over zero-shot full code.", "",
             "| set | functions (queries) | zero-shot | served | Δ [95% interval] | time |",
             "|---|---:|---:|---:|---|---:|"]
    raw = {}
    for spec in args.set:
        name, directory = spec.split("=", 1)
        queries, codebase = read_jsonl(f"{directory}/queries.jsonl"), read_jsonl(f"{directory}/codebase.jsonl")
        base, base_seconds = reciprocal_ranks(zero_shot, queries, codebase)
        got, seconds = reciprocal_ranks(served, queries, codebase)
        raw[name] = {"zero_shot": base.tolist(), "served": got.tolist(), "seconds": [base_seconds, seconds]}
        lines.append(f"| {name} | {len(codebase):,} ({len(queries):,}) | {base.mean():.4f} | {got.mean():.4f} "
                     f"| {difference(bootstrap(2000, len(queries)), got, base)} | {seconds / base_seconds:.2f} |")
        print(lines[-1], flush=True)
    publish(args.section, lines, not args.no_write)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(raw, out)


if __name__ == "__main__":
    main()
