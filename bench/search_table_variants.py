"""Which importance table, and which of its lookups, serve search best? LeanCode against its category-free
ablation per table, on one search set.

    python bench/search_table_variants.py --queries Q.jsonl --codebase C.jsonl --language java \
        [--table NAME=DIR ...] [--model DIR] [--ratios 0.3,0.5] [--section search-table-variants] [--no-write]

Each table (the shipped one, any --table, and the shipped one with its identifier statistics removed, so that
every identifier falls back as one the table never saw, as in a library unlike its corpus) simplifies the
codebase with `leancode` (category-local lookups) and `leancode-global` (category-free) at each ratio; the
search model (`--model`, default the shipped one) embeds everything once per cell, queries once. MRR with
paired-bootstrap intervals of leancode − leancode-global and of each table's leancode − the shipped table's.
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np
from report import bootstrap, command_line, difference, publish
from search_quality import reciprocal_ranks

from leancode.encoder import Encoder
from leancode.importance import ImportanceTable, default_table, default_table_dir
from leancode.model_tokens import piece_counter
from leancode.simplify import simplify
from leancode.tokens import IDENTIFIER, lex
from leancode.training.jsonl import read_jsonl


def without_identifiers(table: ImportanceTable, codebase: list[dict]) -> ImportanceTable:
    """The table as it reads code whose identifiers it never saw: the statistics of every identifier of
    `codebase` removed (the category-kind and kind means stay, so lookups fall back to them)."""
    identifiers = {t.text for r in codebase for t in lex(r["code"], r["language"]) if t.kind == IDENTIFIER}
    return dataclasses.replace(
        table, by_token={t: v for t, v in table.by_token.items() if t not in identifiers},
        by_category_token={k: v for k, v in table.by_category_token.items() if k[1] not in identifiers})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--codebase", required=True)
    parser.add_argument("--language", required=True)
    parser.add_argument("--table", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument("--model", help="search model or adapter directory (default: the shipped one)")
    parser.add_argument("--ratios", default="0.3,0.5")
    parser.add_argument("--bootstrap", type=int, default=2000)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--section", default="search-table-variants")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    queries, codebase = read_jsonl(args.queries), read_jsonl(args.codebase)
    column = {r["idx"]: i for i, r in enumerate(codebase)}
    gold = [column[q["gold"]] for q in queries]
    shipped = default_table(args.language, "search")
    tables = {f"shipped ({default_table_dir(args.language)})": shipped,
              **{name: ImportanceTable.load(path) for name, path in (t.split("=", 1) for t in args.table)},
              "shipped, identifiers unseen": without_identifiers(shipped, codebase)}
    encoder = Encoder(model=args.model, method="none", threads=args.threads)
    query_vectors = encoder.encode_queries([q["query"] for q in queries])
    counter = piece_counter()
    draws = bootstrap(args.bootstrap, len(queries))

    def cell(table: ImportanceTable | None, method: str, ratio: float) -> np.ndarray:
        texts = [simplify(r["code"], r["language"], ratio=ratio, method=method, table=table, counter=counter).code
                 for r in codebase]
        return reciprocal_ranks(query_vectors, encoder.encode_simplified(texts), gold)

    full = cell(None, "none", 0.0)
    lines = ["## Search: importance table variants", "",
             f"`{command_line()}` — {len(queries)} queries over {len(codebase)} functions; model "
             f"`{encoder.model_id}`; full code MRR **{full.mean():.4f}**. Intervals: paired bootstrap over the "
             f"queries ({args.bootstrap} seeded resamples).", "",
             "| table | ratio | leancode | leancode-global | leancode − leancode-global [95%] "
             "| leancode − shipped table's [95%] |",
             "|---|---:|---:|---:|---:|---:|"]
    reference: dict[float, np.ndarray] = {}  # per ratio, the shipped table's (the first in `tables`) scores
    for name, table in tables.items():
        for ratio in (float(r) for r in args.ratios.split(",")):
            local, flat = cell(table, "leancode", ratio), cell(table, "leancode-global", ratio)
            reference.setdefault(ratio, local)
            lines.append(f"| {name} | {ratio:g} | {local.mean():.4f} | {flat.mean():.4f} | "
                         f"{difference(draws, local, flat)} | {difference(draws, local, reference[ratio])} |")
            print(lines[-1], flush=True)
    publish(args.section, lines, not args.no_write)


if __name__ == "__main__":
    main()
