"""Dense vs hybrid (dense + BM25, reciprocal-rank fusion) ranking, same vectors, by kind of query.

    python bench/hybrid_ranking.py [--pairs data/mined/python/test.jsonl ...] [--method leancode] [--ratio 0.2]

Sets: CoSQA dev (real web queries) and each `--pairs` file (held-out packages: each
docstring's first sentence queries its own function). Kinds of query, per set:
- all queries;
- queries that name an identifier of their function (a word of the query with `_`, an
  inner capital, a digit or a dot that is also an identifier of the code);
- name lookups: the function's own name split into words ("read_json_file" -> "read json
  file"), what a developer types who half-remembers a name (pairs sets only).
Code is read as served (LeanCode at the default ratio); queries by the served query model.
"""

from __future__ import annotations

import argparse
import json
import re
import warnings
from pathlib import Path

import numpy as np
from report import bootstrap, command_line, difference, publish

from leancode.encoder import SEARCH_METHOD, SEARCH_RATIO, Encoder
from leancode.search import BM25_B, NAME_WEIGHT, SearchIndex, rank, split_identifier, unit_terms
from leancode.units import extract_units

DATA = Path(__file__).resolve().parents[2] / "shared/data/cosqa-dev"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def names_identifier(query: str, code: str) -> bool:
    """The query holds an identifier-shaped word (snake_case, camelCase, digits, dotted) found in the code."""
    words = set(_IDENTIFIER.findall(code))
    return any(("_" in w or "." in w.strip(".") or re.search(r"[a-z][A-Z]|\d", w)) and w.strip(".") in words
               for w in _IDENTIFIER.findall(query))


def name_lookup(name: str) -> str:
    return " ".join(split_identifier(name.split(".")[-1]))


def reciprocal_ranks(query_vectors: np.ndarray, texts: list[str], gold: list[int], index: SearchIndex,
                     hybrid: bool) -> np.ndarray:
    """Each query's reciprocal rank of its function in the top 100 (0 below); their mean is the MRR."""
    out = np.zeros(len(texts))
    for i, (vector, text, answer) in enumerate(zip(query_vectors, texts, gold)):
        rows = [row for row, _ in rank(vector, text, index, hybrid=hybrid, top=100)]
        out[i] = 1 / (rows.index(answer) + 1) if answer in rows else 0.0
    return out


def parsed_name(code: str, language: str) -> str:
    """The name of the (first) function of `code`, as the index names it; "" when none parses."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = extract_units(code, language)
    return units[0].qualified_name if units else ""


def read_set(path: Path) -> tuple[list[dict], list[dict]]:
    """(queries with gold row, codebase) of CoSQA dev (a directory) or of a pairs file."""
    if path.is_dir():
        queries = [json.loads(line) for line in open(path / "queries.jsonl")]
        codebase = [json.loads(line) for line in open(path / "codebase.jsonl")]
        rows = {c["idx"]: row for row, c in enumerate(codebase)}
        return [{"query": q["query"], "gold": rows[q["gold"]]} for q in queries if q["gold"] in rows], codebase
    codebase = [json.loads(line) for line in open(path)]
    return [{"query": c["summary"], "gold": row, "name": c.get("name", "")} for row, c in enumerate(codebase)], codebase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", nargs="*", default=[], help="held-out pairs files (summary, code)")
    parser.add_argument("--cosqa", action=argparse.BooleanOptionalAction, default=True,
                        help="include CoSQA dev (6,267 functions; 1 of its 500 queries names an identifier)")
    parser.add_argument("--method", default=SEARCH_METHOD)
    parser.add_argument("--ratio", type=float, default=SEARCH_RATIO)
    parser.add_argument("--name-weight", type=int, nargs="*", default=[NAME_WEIGHT],
                        help="extra copies of each function's name among its BM25 terms; several: one row each")
    parser.add_argument("--bm25-b", type=float, nargs="*", default=[BM25_B],
                        help="BM25 length normalisation b; several: one row each (with every name weight)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    encoder = Encoder(method=args.method, ratio=args.ratio)
    rows = []
    for path in [DATA] * args.cosqa + [*map(Path, args.pairs)]:
        queries, codebase = read_set(path)
        items = [(c["code"], c["language"]) for c in codebase]
        vectors = encoder.encode_code(items)
        names = [c.get("name") or parsed_name(c["code"], c["language"]) for c in codebase]
        indexes = {(weight, b): SearchIndex(vectors, [unit_terms(c["code"], c["language"], name, weight)
                                                      for c, name in zip(codebase, names)], bm25_b=b)
                   for weight in args.name_weight for b in args.bm25_b}
        kinds = {"all queries": queries,
                 "naming an identifier of the function": [q for q in queries
                                                          if names_identifier(q["query"], codebase[q["gold"]]["code"])]}
        if path != DATA:
            kinds["name lookups (the function's name as words)"] = [
                {"query": name_lookup(q["name"]), "gold": q["gold"]} for q in queries if q.get("name")]
        name = "CoSQA dev" if path == DATA else f"`{path}`"
        for kind, chosen in kinds.items():
            texts = [q["query"] for q in chosen]
            query_vectors = encoder.encode_queries(texts)
            gold = [q["gold"] for q in chosen]
            if not chosen:
                continue
            dense = reciprocal_ranks(query_vectors, texts, gold, next(iter(indexes.values())), False)
            draws = bootstrap(2000, len(chosen))
            first = None
            for (weight, b), index in indexes.items():
                hybrid = reciprocal_ranks(query_vectors, texts, gold, index, True)
                if first is None:
                    first, change = hybrid, "-"
                else:
                    change = difference(draws, hybrid, first)
                rows.append((name, len(codebase), kind, f"{weight}, b {b:g}", len(chosen), dense.mean(),
                             hybrid.mean(), change))
    lines = ["## Dense vs hybrid ranking", "",
             f"`{command_line()}` — code read as served ({args.method} {args.ratio:g}); BM25 (bm25s) over split "
             "identifiers and words of the code, fused with the dense ranking by reciprocal rank (k=60, 100 deep "
             "each); MRR over the top 100; name weight: extra copies of a function's name among its BM25 terms.", "",
             f"Δ: hybrid MRR against the first row's (name weight {args.name_weight[0]}, b {args.bm25_b[0]:g}), 95% "
             "paired-bootstrap interval.", "",
             "| set | functions | queries | name weight, BM25 b | n | dense MRR | hybrid MRR | hybrid / dense | Δ [95%] |",
             "|---|---:|---|---:|---:|---:|---:|---:|---|",
             *(f"| {name} | {n:,} | {kind} | {weight} | {count:,} | {dense:.4f} | {hybrid:.4f} | {hybrid / dense:.2f} "
               f"| {change} |" for name, n, kind, weight, count, dense, hybrid, change in rows)]
    publish("hybrid-ranking", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
