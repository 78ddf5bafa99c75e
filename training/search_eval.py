"""Code search evaluation: rank a codebase for each query, write predictions, score MRR.

Formats (``../shared/docs/benchmark-format.md`` next to the repository, CodeXGLUE conventions):
`codebase.jsonl` lines `{"idx", "code", "language"}`, `queries.jsonl` lines `{"idx", "query"[, "gold"]}`;
predictions one line per query `{"idx", "answers": [top idx, best first]}`.
MRR counts ties against the gold answer: rank = 1 + the number of other candidates
scoring at least as high as gold.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from leancode.encoder import Encoder
from leancode.search import top_k
from leancode.simplify import REPEAT_DISCOUNT, Simplified

from .jsonl import read_jsonl, write_jsonl
from .metrics import gold_ranks, mean_reciprocal_rank


def token_totals(simplified: list[Simplified]) -> dict:
    n = max(len(simplified), 1)
    lexical_before = sum(len(s.tokens) for s in simplified)
    lexical_after = sum(len(s.kept) for s in simplified)
    model_before = sum(s.model_tokens for s in simplified)
    model_after = sum(s.model_tokens_kept for s in simplified)
    return {
        "lexical_tokens_before": lexical_before, "lexical_tokens_after": lexical_after,
        "model_tokens_before": model_before, "model_tokens_after": model_after,
        "mean_lexical_tokens_before": lexical_before / n, "mean_lexical_tokens_after": lexical_after / n,
        "mean_model_tokens_before": model_before / n, "mean_model_tokens_after": model_after / n,
        "model_tokens_removed_fraction": 1 - model_after / model_before if model_before else 0.0,
    }


@dataclass
class SearchRun:
    predictions: list[dict]
    report: dict
    ranks: list[int | None]


def evaluate_search(queries: list[dict], codebase: list[dict], encoder: Encoder, top: int = 100,
                    query_vectors: np.ndarray | None = None, progress: bool = False) -> SearchRun:
    """Embed codebase (simplified by `encoder`) and queries, rank, and score.

    `query_vectors` reuses query embeddings from an earlier run with the same model."""
    start = time.perf_counter()
    simplified = encoder.simplify([(r["code"], r["language"]) for r in codebase])
    simplify_seconds = time.perf_counter() - start
    start = time.perf_counter()
    code_vectors = encoder.encode_simplified([s.code for s in simplified], progress, [r["language"] for r in codebase])
    code_seconds = time.perf_counter() - start
    query_seconds = None
    if query_vectors is None:
        start = time.perf_counter()
        query_vectors = encoder.encode_queries([q["query"] for q in queries])
        query_seconds = time.perf_counter() - start

    scores = query_vectors @ code_vectors.T
    column = {r["idx"]: i for i, r in enumerate(codebase)}
    answers = top_k(scores, top)
    predictions = [{"idx": q["idx"], "answers": [codebase[j]["idx"] for j in row]}
                   for q, row in zip(queries, answers)]
    has_gold = any("gold" in q for q in queries)
    gold = [column.get(q["gold"], -1) if "gold" in q else None for q in queries]
    ranks = gold_ranks(scores, [None if g == -1 else g for g in gold])
    ranks = [0 if g == -1 else r for g, r in zip(gold, ranks)]  # gold missing from the codebase: 0 (scores 0)
    report = {
        "task": "code-search",
        "method": encoder.method,
        "ratio": encoder.ratio,  # None: each language's served default, `ratios`
        "ratios": {language: encoder.ratio_for(language) for language in sorted({r["language"] for r in codebase})},
        "repeat_discount": encoder.repeat_discount,
        "table": encoder.table,
        "model": str(encoder.path),
        "model_id": encoder.model_id,
        "config_key": encoder.config_key,
        "quantize": encoder.quantize,
        "queries": len(queries),
        "functions": len(codebase),
        "mrr": mean_reciprocal_rank(ranks) if has_gold else None,
        "queries_with_gold": sum(r is not None for r in ranks),
        **token_totals(simplified),
        "simplify_seconds": simplify_seconds,
        "encode_code_seconds": code_seconds,
        "encode_query_seconds": query_seconds,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    return SearchRun(predictions, report, ranks)


def run_search_eval(queries_path: str, codebase_path: str, output: str, report_path: str | None = None,
                    model: str | None = None, method: str = "leancode", ratio: float | None = None, top: int = 100,
                    quantize: bool = False, threads: int | None = None, batch_size: int = 32,
                    command: str | None = None, progress: bool = False,
                    repeat_discount: float = REPEAT_DISCOUNT, table: str | None = None) -> dict:
    """The `leancode-train eval search` command: read both files, evaluate, write predictions and report."""
    queries = read_jsonl(queries_path, required=("idx", "query"))
    codebase = read_jsonl(codebase_path, required=("idx", "code", "language"))
    if not codebase:
        raise ValueError(f"{codebase_path}: empty codebase")
    if not queries:
        raise ValueError(f"{queries_path}: no queries")
    known = {r["idx"] for r in codebase}
    missing = sum("gold" in q and q["gold"] not in known for q in queries)
    if missing and missing == sum("gold" in q for q in queries):
        raise ValueError(f"no query's gold function is in {codebase_path}: are these the queries of that codebase?")
    if missing:
        print(f"leancode-train: {missing} of {len(queries)} queries have a gold function {codebase_path} does not "
              "hold; they score 0", file=sys.stderr)
    encoder = Encoder(model, method=method, ratio=ratio, quantize=quantize, threads=threads, batch_size=batch_size,
                      repeat_discount=repeat_discount, table=table)
    run = evaluate_search(queries, codebase, encoder, top=top, progress=progress)
    run.report.update({"queries_file": str(queries_path), "codebase_file": str(codebase_path), "top": top,
                       "command": command})
    write_jsonl(output, run.predictions)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(json.dumps(run.report, indent=2) + "\n")
    return run.report


def _eval_search(args) -> int:
    report = run_search_eval(args.queries, args.codebase, args.output, args.report, model=args.model,
                             method=args.method, ratio=args.ratio, top=args.top, quantize=args.quantize,
                             threads=args.threads, batch_size=args.batch_size, command=args.command,
                             progress=args.progress, repeat_discount=args.repeat_discount, table=args.table)
    mrr = "" if report["mrr"] is None else f", MRR {report['mrr']:.4f}"
    print(f"{args.output}: {report['queries']} queries over {report['functions']} functions{mrr}; "
          f"model tokens {report['model_tokens_before']} -> {report['model_tokens_after']}, "
          f"code encoded in {report['encode_code_seconds']:.1f}s")
    return 0


def _ratio(text: str) -> float | None:
    return None if text == "default" else float(text)


def add_search_eval_parser(tasks) -> None:
    """`leancode-train eval search ...`."""
    from leancode.encoder import SEARCH_METHOD, SEARCH_RATIO
    from leancode.simplify import METHODS, add_repeat_discount_option

    p = tasks.add_parser("search", help="code search: rank the codebase for each query, score MRR",
                         description="Predictions: one line per query {idx, answers: [top idx, best first]}.")
    p.add_argument("--queries", required=True, metavar="FILE", help="queries.jsonl: {idx, query[, gold]}")
    p.add_argument("--codebase", required=True, metavar="FILE", help="codebase.jsonl: {idx, code, language}")
    p.add_argument("--method", choices=METHODS, default=SEARCH_METHOD)
    p.add_argument("--ratio", type=_ratio, default=None, help="fraction of model tokens to remove (default: each "
                   "language's served default ratio, read by its served reader, as `leancode index` embeds it; "
                   f"{SEARCH_RATIO:g} for a --model)")
    add_repeat_discount_option(p)
    p.add_argument("--table", metavar="DIR", help="importance table directory (`leancode-train importance`) for the "
                   "functions of the language its manifest names (default: the shipped tables)")
    p.add_argument("--model", help="local encoder directory (default: the shipped search adapter, "
                   "leancode/models/code-search; packaged:sentence-transformers/all-MiniLM-L6-v2 for the base "
                   "zero-shot)")
    p.add_argument("--output", required=True, metavar="FILE", help="predictions .jsonl to write")
    p.add_argument("--report", metavar="FILE", help="report .json to write (MRR, tokens, timings)")
    p.add_argument("--top", type=int, default=100, help="answers kept per query")
    p.add_argument("--quantize", action="store_true", help="dynamic int8 Linear layers (CPU)")
    p.add_argument("--threads", type=int, help="torch intra-op threads")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--progress", action="store_true")
    p.set_defaults(func=_eval_search)
