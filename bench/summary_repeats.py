"""Summaries with a word repeated: the copy decoder's repeat bans, and the rule that withholds a line repeating a word.

    python bench/summary_repeats.py [--split valid] [--cap K]

Each language's seeded sample (at most 60 functions a package, as bench/summarize_languages.py draws it: Python
1,000, the others 200), read at LeanCode 0.5 as the hover reads them, summarized by the shipped model three ways:
without the bans (`Decoding.ban_adjacent`, `no_repeat_ngram` off), as served (bans, no word cap), and with the
word cap `--cap` (default 2; `Decoding.word_cap`, not served). Per language and decoding: lines holding a word
written twice in a row or around punctuation, and a content word (not in `leancode.summarizer.FUNCTION_WORDS`) twice and three times;
in brackets how many of them clear the confidence threshold with no made-up word; mean smoothed BLEU-4 of all
lines. Then, over every language as served, the lines that clear the threshold with no made-up word, split by
whether a content word is written K times: mean BLEU of each side, with a 95% bootstrap interval of the difference
(the hover withholds the lines with a word written `WITHHELD_REPEATS` times).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from report import seeded_sample

from leancode.simplify import simplify
from leancode.summarizer import WITHHELD_REPEATS, Generated, Summarizer, content_word_counts, summary_lead
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import sentence_bleu
from leancode.training.summarize_calibrate import per_package

SIZES = {"python": 1000, "java": 200, "javascript": 200, "typescript": 200, "go": 200, "rust": 200}
REPEAT = re.compile(r"\b(\w+)\W+\1\b")


def most_repeated(line: str) -> int:
    """How often the line's most frequent content word occurs."""
    return max(content_word_counts(line).values(), default=0)


def clears(line: Generated) -> bool:
    """Whether the line clears its threshold and makes up no word (what the hover showed before the repeat rule)."""
    return replace(line, repeated=()).confident


def split_difference(bleu: np.ndarray, flagged: np.ndarray, samples: int = 2000, seed: int = 0) -> str:
    """Mean BLEU of the flagged and other lines, and the difference with a 95% bootstrap interval (each side
    resampled on its own)."""
    rng = np.random.default_rng(seed)
    a, b = bleu[flagged], bleu[~flagged]
    draws = [rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(samples)]
    low, high = np.percentile(draws, [2.5, 97.5])
    return f"{a.mean():.2f} | {b.mean():.2f} | {a.mean() - b.mean():+.2f} [{low:+.2f}, {high:+.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="valid")
    parser.add_argument("--data-dir", default="data/mined-all")
    parser.add_argument("--cap", type=int, default=2, help="the word cap of the last decoding")
    args = parser.parse_args()
    torch.set_num_threads(2)
    summarizer = Summarizer(bank=None)
    decoding = summarizer.decoding  # shared with the model TypeScript is routed to
    served = decoding.ban_adjacent, decoding.no_repeat_ngram, decoding.word_cap
    decodings = {"no bans": (False, 0, 0), "served": served, f"cap {args.cap}": (*served[:2], args.cap)}
    print("| language | lines | decoding | a word again in a row or around punctuation | a content word twice "
          "| three times | BLEU, all lines |\n|---|---:|---|---:|---:|---:|---:|")
    kept = []  # (BLEU, most repeated) of the served lines that clear the threshold with no made-up word
    for language, limit in SIZES.items():
        rows = per_package(read_jsonl(Path(args.data_dir) / language / f"{args.split}.jsonl"), 60)
        rows = seeded_sample(rows, limit)
        texts = [simplify(r["code"], language, ratio=0.5, method="leancode", task="summarize").code for r in rows]
        leads = [summary_lead(r["code"], language) for r in rows]
        for name, bans in decodings.items():
            decoding.ban_adjacent, decoding.no_repeat_ngram, decoding.word_cap = bans
            lines = summarizer.generate(texts, leads=leads, languages=[language] * len(texts))
            bleu = [100 * sentence_bleu(r["summary"], g.text) for r, g in zip(rows, lines)]
            cells = [[g for g in lines if REPEAT.search(g.text.lower())],
                     [g for g in lines if most_repeated(g.text) >= 2], [g for g in lines if most_repeated(g.text) >= 3]]
            counts = " | ".join(f"{len(cell)} ({sum(map(clears, cell))})" for cell in cells)
            print(f"| {language} | {len(rows)} | {name} | {counts} | {np.mean(bleu):.2f} |", flush=True)
            if bans == served:
                kept += [(b, most_repeated(g.text)) for b, g in zip(bleu, lines) if clears(g)]
    bleu, most = map(np.array, zip(*kept))
    print(f"\nServed lines that clear the threshold with no made-up word, all languages ({len(kept)}):\n\n"
          "| a content word written | lines | their BLEU | the others' BLEU | difference |\n|---|---:|---:|---:|---|")
    for times in sorted({2, WITHHELD_REPEATS}):
        print(f"| {times} times or more | {int((most >= times).sum())} | {split_difference(bleu, most >= times)} |")


if __name__ == "__main__":
    main()
