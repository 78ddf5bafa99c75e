"""Which search encoder to ship: CoSQA dev MRR of the zero-shot base and of search adapters
(`leancode-train finetune search`) at a few (method, ratio) cells, all in one run.

    python bench/search_adapters.py --model zero-shot=packaged:sentence-transformers/all-MiniLM-L6-v2 \
        --model distill=runs/search-stage1 [--cells none:0,leancode:0.2,leancode:0.5,slimcode:0.5,dietcode:0.5]
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from report import command_line, publish
from search_quality import DATA, run_cell

from leancode.encoder import ADAPTER_MANIFEST, Encoder
from leancode.training.jsonl import read_jsonl


def describe(encoder: Encoder) -> str:
    manifest = encoder.path / ADAPTER_MANIFEST
    if not manifest.is_file():
        return "zero-shot"
    data = json.loads(manifest.read_text())
    train = data["train"]
    return (f"{train.get('objective', 'contrastive')}, {train['steps']} steps x {train['batch_size']}, ratios "
            f"{'/'.join(f'{r:g}' for r in data['simplification']['ratios'])}"
            + (", continued from " + Path(data["init"]).name if data.get("init") else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--cells", default="none:0,leancode:0.2,leancode:0.5,slimcode:0.5,dietcode:0.5")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    queries, codebase = read_jsonl(DATA / "queries.jsonl"), read_jsonl(DATA / "codebase.jsonl")
    column = {r["idx"]: i for i, r in enumerate(codebase)}
    gold = [column[q["gold"]] for q in queries]
    cells = [(m, float(r)) for m, r in (c.split(":") for c in args.cells.split(","))]

    header = "| model | trained | " + " | ".join("full" if m == "none" else f"{m} {r:g}" for m, r in cells) + " |"
    lines = ["## Search encoder: zero-shot base and search adapters (CoSQA dev)", "",
             f"`{command_line()}` — 500 queries over {len(codebase)} functions, MRR (in parentheses: relative to "
             "the same model's full input). Queries are read by the base model unless the adapter was trained "
             "contrastively (it then reads both).", "", header, "|---|---|" + "---:|" * len(cells)]
    for name, path in (spec.split("=", 1) for spec in args.model):
        encoder = Encoder(model=path, method="none", threads=args.threads)
        query_vectors = encoder.encode_queries([q["query"] for q in queries])
        results = [run_cell(encoder.configured(m, r), codebase, query_vectors, gold) for m, r in cells]
        full = next((c["mrr"] for c in results if c["method"] == "none"), None)
        row = [f"{c['mrr']:.4f}" + (f" ({c['mrr'] / full:.1%})" if full and c["method"] != "none" else "")
               for c in results]
        print(f"{name}: " + ", ".join(row), file=sys.stderr, flush=True)
        lines.append(f"| {name} | {describe(encoder)} | " + " | ".join(row) + " |")
    publish("search-adapters", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
