"""Which importance signal serves the packaged encoder best: LeanCode's CoSQA dev MRR with tables
built by different `leancode-train importance` methods, same encoder, same run.

    python bench/importance_signal.py --table cls=leancode/tables/python-search --table pooled=/tmp/pooled/python-search
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from report import command_line, publish

from leancode.encoder import Encoder
from leancode.importance import ImportanceTable
from leancode.model_tokens import piece_counter
from leancode.simplify import simplify

DATA = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--table", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--ratios", default="0.3,0.5")
    parser.add_argument("--model", help="encoder or search adapter directory (default: the encoder's default)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    queries = [json.loads(line) for line in open(DATA / "queries.jsonl")]
    codebase = [json.loads(line) for line in open(DATA / "codebase.jsonl")]
    position = {c["idx"]: i for i, c in enumerate(codebase)}
    gold = np.array([position[q["gold"]] for q in queries])
    encoder = Encoder(model=args.model, method="none", ratio=0)
    query_vectors = encoder.encode_queries([q["query"] for q in queries])

    def mrr(texts: list[str]) -> float:
        scores = query_vectors @ encoder.encode_simplified(texts).T
        ranks = (scores >= scores[np.arange(len(queries)), gold][:, None]).sum(1)  # ties count against gold
        return float(np.mean(1 / ranks))

    counter = piece_counter()
    full = mrr([c["code"] for c in codebase])
    cells = [("slimcode", "(none)", None)] + [
        ("leancode", name, ImportanceTable.load(path)) for name, path in (t.split("=", 1) for t in args.table)]
    ratios = [float(r) for r in args.ratios.split(",")]
    rows = []
    for method, name, table in cells:
        row = [method, name]
        for ratio in ratios:
            texts = [simplify(c["code"], c["language"], ratio=ratio, method=method, table=table, counter=counter).code
                     for c in codebase]
            score = mrr(texts)
            row.append(f"{score:.4f} ({score / full:.1%})")
        rows.append(row)
    command = command_line()
    lines = ["## Importance signal for the packaged encoder (CoSQA dev)", "",
             f"`{command}` — 500 queries over {len(codebase)} functions, model `{encoder.model_id}`; full input "
             f"MRR {full:.4f}. "
             "Tables: python, 1,500 corpus functions each, built by `leancode-train importance --method <name>`.", "",
             "| method | table | " + " | ".join(f"ratio {r:g}" for r in ratios) + " |",
             "|---|---|" + "---:|" * len(ratios),
             *("| " + " | ".join(row) + " |" for row in rows)]
    publish("importance-signal", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
