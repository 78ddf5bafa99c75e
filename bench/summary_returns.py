"""Lines that say a function returns something it does not: the summarizer with and without the opening ban.

    python bench/summary_returns.py --data-dir data/mined-all --split valid [--limit 300] [--language go ...]

Per language, the first `--limit` functions of DATA_DIR/<language>/<split>.jsonl: those that certainly return nothing
(`leancode.summarizer.returns_nothing`: no Go result, no Rust `->`, Java `void`, no value returned in Python, JavaScript
or TypeScript); how many of their lines say what they return ("returns" or "gets" first after Go's name lead,
`summarizer.NOT_RETURNING_OPENERS`, or "returns" later, `NOT_RETURNING_WORDS`) without the ban and with it (as
served); smoothed BLEU-4 of the lines the ban changes, both ways, with its paired-bootstrap 95% interval. The
model's own lines (no summary bank), LeanCode at 0.5 as the hover reads them. A last row: every Go function of the
split whose only result is `error` (`summarizer.returns_error_only`), whose lines may not begin by saying what they
return (the first word after the name lead only: "returns an error" later is true).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from report import bootstrap, command_line, interval, publish

from leancode.simplify import simplify
from leancode.summarizer import (NOT_RETURNING_OPENERS, NOT_RETURNING_WORDS, Lead, Summarizer, begins_with_returns,
                                 says_returns, summary_lead)
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import sentence_bleu

LANGUAGES = ("python", "java", "javascript", "typescript", "go", "rust")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--split", default="valid")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--language", action="append", choices=LANGUAGES)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    summarizer = Summarizer(bank=None)
    lines = ["## Summaries: no 'returns' where nothing is returned", "",
             f"`{command_line()}` — the first {args.limit} functions of each language's `{args.split}` split, read "
             "at LeanCode 0.5 by the shipped model without the summary bank; a line \"says returns\" when its first "
             f"word after Go's name lead is one of {', '.join(NOT_RETURNING_OPENERS)}, or a later one "
             f"{' or '.join(NOT_RETURNING_WORDS)}; BLEU: smoothed BLEU-4 of the "
             "lines the ban changes, with the paired-bootstrap 95% interval of the difference.", "",
             "| language | functions | return nothing (or only an error) | say returns, without the ban | with it "
             "| lines changed "
             "| BLEU of those, without | with | Δ [95%] |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    cases = [(language, language, "returns_nothing", says_returns) for language in args.language or LANGUAGES]
    if "go" in (args.language or LANGUAGES):  # every one of the split's: they are fewer
        cases.append(("go, only an error returned", "go", "error_only", begins_with_returns))
    for label, language, flag, says in cases:
        path = Path(args.data_dir) / language / f"{args.split}.jsonl"
        if not path.is_file():
            continue
        rows = read_jsonl(path)[:args.limit] if flag == "returns_nothing" else read_jsonl(path)
        leads = [summary_lead(r["code"], language) for r in rows]
        picked = [i for i, lead in enumerate(leads) if lead is not None and getattr(lead, flag)]
        sources = [simplify(rows[i]["code"], language, ratio=0.5, method="leancode", task="summarize").code
                   for i in picked]
        served = summarizer.summarize(sources, leads=[leads[i] for i in picked], languages=[language] * len(picked))
        free = summarizer.summarize(sources, leads=[Lead(leads[i]) or None for i in picked],
                                    languages=[language] * len(picked))
        changed = [k for k in range(len(picked)) if served[k] != free[k]]
        references = [rows[picked[k]]["summary"] for k in changed]
        before = np.array([100 * sentence_bleu(r, free[k]) for r, k in zip(references, changed)])
        after = np.array([100 * sentence_bleu(r, served[k]) for r, k in zip(references, changed)])
        delta = "–"
        if changed:
            low, high = interval(bootstrap(2000, len(changed)), after, before)
            delta = f"{after.mean() - before.mean():+.2f} [{low:+.2f}, {high:+.2f}]"
        said = [sum(says(text[k], leads[i]) for k, i in enumerate(picked)) for text in (free, served)]
        lines.append(f"| {label} | {len(rows)} | {len(picked)} | {said[0]} | {said[1]} | {len(changed)} | "
                     f"{before.mean() if changed else 0:.2f} | {after.mean() if changed else 0:.2f} | {delta} |")
        print(lines[-1], flush=True)
    publish("summary-returns", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
