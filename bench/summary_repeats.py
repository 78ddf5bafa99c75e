"""Summaries with a word repeated, with and without the copy decoder's repeat bans.

    python bench/summary_repeats.py [--split valid]

Each language's seeded sample (at most 60 functions a package, as bench/summarize_languages.py draws it: Python
600, the others 200), read at LeanCode 0.5 as the hover reads them, summarized by the shipped model twice: without
the bans (`Summarizer.ban_adjacent`, `no_repeat_ngram` off) and as served. Per language: lines holding a word
written twice in a row or around punctuation, how many of those the hover would show (threshold cleared, no
made-up word), and mean smoothed BLEU-4 of all lines.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import torch
from report import seeded_sample

from leancode.simplify import simplify
from leancode.summarizer import Summarizer, summary_lead
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import sentence_bleu
from leancode.training.summarize_calibrate import per_package

SIZES = {"python": 600, "java": 200, "javascript": 200, "go": 200, "rust": 200}
REPEAT = re.compile(r"\b(\w+)\W+\1\b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="valid")
    parser.add_argument("--data-dir", default="data/mined-all")
    args = parser.parse_args()
    torch.set_num_threads(2)
    summarizer = Summarizer()
    served = summarizer.ban_adjacent, summarizer.no_repeat_ngram
    print("| language | lines | with a repeat | shown with a repeat | BLEU, all lines |\n|---|---:|---|---|---|")
    for language, limit in SIZES.items():
        rows = per_package(read_jsonl(Path(args.data_dir) / language / f"{args.split}.jsonl"), 60)
        rows = seeded_sample(rows, limit)
        texts = [simplify(r["code"], language, ratio=0.5, method="leancode", task="summarize").code for r in rows]
        leads = [summary_lead(r["code"], language) for r in rows]
        cells = []
        for bans in ((False, 0), served):
            summarizer.ban_adjacent, summarizer.no_repeat_ngram = bans
            lines = summarizer.generate(texts, leads=leads, languages=[language] * len(texts))
            repeated = [g for g in lines if REPEAT.search(g.text.lower())]
            bleu = sum(100 * sentence_bleu(r["summary"], g.text) for r, g in zip(rows, lines)) / len(rows)
            cells.append((len(repeated), sum(g.confident for g in repeated), bleu))
        (before, shown_before, bleu_before), (after, shown_after, bleu_after) = cells
        print(f"| {language} | {len(rows)} | {before} → {after} | {shown_before} → {shown_after} "
              f"| {bleu_before:.2f} → {bleu_after:.2f} |", flush=True)


if __name__ == "__main__":
    main()
