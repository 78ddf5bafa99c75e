"""Code summarization evaluation: summarize simplified code, write predictions, score smoothed BLEU-4.

Input: `summaries.jsonl` lines `{"idx", "code", "language", "summary"}` (``../shared/docs/benchmark-format.md``
next to the repository). Predictions: one line a function, `idx<TAB>summary`. The report holds BLEU (when
references are given), model tokens before and after simplification, and seconds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from leancode.importance import ImportanceTable
from leancode.simplify import REPEAT_DISCOUNT, simplify
from leancode.summarizer import DEFAULT_PRECISION, PRECISIONS, Summarizer, summary_lead
from leancode.summary_bank import DEFAULT_BANK

from .jsonl import read_jsonl
from .metrics import corpus_bleu


def evaluate(rows: list[dict], summarizer: Summarizer, method: str, ratio: float, table: ImportanceTable | None = None,
             batch_size: int = 16, seed: int = 0, repeat_discount: float = REPEAT_DISCOUNT) -> tuple[list[str], dict]:
    """(one summary per row, report)."""
    began = time.perf_counter()
    languages = [r.get("language", "python") for r in rows]
    simplified = [simplify(r["code"], language, ratio=ratio, method=method, task="summarize", table=table, seed=seed,
                           repeat_discount=repeat_discount) for r, language in zip(rows, languages)]
    simplify_seconds = time.perf_counter() - began
    began = time.perf_counter()
    leads = [summary_lead(r["code"], language) for r, language in zip(rows, languages)]
    generated = summarizer.generate([s.code for s in simplified], batch_size=batch_size, leads=leads,
                                    languages=languages)
    predictions = [g.text for g in generated]  # every line, even where the hover would abstain
    summarize_seconds = time.perf_counter() - began
    report = {
        "method": method, "ratio": ratio, "repeat_discount": repeat_discount, "functions": len(rows),
        "model": summarizer.path,
        "model_tokens": sum(s.model_tokens for s in simplified),
        "model_tokens_kept": sum(s.model_tokens_kept for s in simplified),
        "simplify_seconds": round(simplify_seconds, 3), "summarize_seconds": round(summarize_seconds, 3),
        "seconds_per_function": round(summarize_seconds / max(len(rows), 1), 4), "batch_size": batch_size,
    }
    if summarizer.bank is not None:  # the share of lines the summary bank gave (a similar mined function's)
        report["bank"] = str(summarizer.bank.path)
        report["from_bank"] = round(sum(g.neighbour is not None for g in generated) / max(len(rows), 1), 4)
    if any(g.threshold is not None for g in generated):  # the share of these lines a user would not be shown
        report["would_abstain"] = round(sum(not g.confident for g in generated) / max(len(rows), 1), 4)
    if all("summary" in r for r in rows):
        report["bleu"] = round(corpus_bleu([r["summary"] for r in rows], predictions), 2)
    return predictions, report


def write_predictions(path: str | Path, rows: list[dict], predictions: list[str]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for row, text in zip(rows, predictions):
            out.write(f"{row['idx']}\t{' '.join(text.split())}\n")


def _eval_summarize(args) -> int:
    rows = read_jsonl(args.data, required=("idx", "code"))[:args.limit]
    if not rows:
        raise ValueError(f"{args.data}: no functions")
    table = ImportanceTable.load(args.table) if args.table else None
    summarizer = Summarizer(args.model, num_beams=args.beams, precision=args.precision,
                            bank=None if args.no_bank else DEFAULT_BANK)
    predictions, report = evaluate(rows, summarizer, args.method, args.ratio, table, args.batch_size,
                                   repeat_discount=args.repeat_discount)
    write_predictions(args.output, rows, predictions)
    report["command"], report["precision"] = args.command, summarizer.precision
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("method", "ratio", "functions", "bleu", "from_bank", "would_abstain",
                                             "seconds_per_function")
                      if k in report}))
    return 0


def add_summarize_eval_parser(tasks) -> None:
    from leancode.simplify import METHODS, add_repeat_discount_option

    p = tasks.add_parser("summarize", help="code summarization: summarize each function, score smoothed BLEU-4",
                         description="Predictions: one line per function, idx<TAB>summary.")
    p.add_argument("--data", required=True, metavar="FILE", help="summaries.jsonl: {idx, code, language[, summary]}")
    p.add_argument("--method", choices=METHODS, default="leancode")
    p.add_argument("--ratio", type=float, default=0.0,
                   help="fraction of model tokens to remove (default 0: full code; the hover reads 0.5)")
    add_repeat_discount_option(p)
    p.add_argument("--model", help="LeanCode summarizer or Hugging Face seq2seq directory (default: the shipped one)")
    p.add_argument("--table", metavar="DIR", help="importance table (default: the shipped summarization table)")
    p.add_argument("--output", required=True, metavar="FILE", help="predictions to write (idx<TAB>summary)")
    p.add_argument("--report", metavar="FILE", help="report .json to write (BLEU, tokens, timings)")
    p.add_argument("--limit", type=int, help="the first N functions only")
    p.add_argument("--beams", type=int, default=1)
    p.add_argument("--precision", choices=PRECISIONS, default=DEFAULT_PRECISION,
                   help=f"the decoder's CPU precision (default: the served one, {DEFAULT_PRECISION})")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--no-bank", action="store_true",
                   help="the model writes every line (default: a function close enough to a documented one of the "
                        "shipped summary bank takes that one's first sentence)")
    p.set_defaults(func=_eval_summarize)
