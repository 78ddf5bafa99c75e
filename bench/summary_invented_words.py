"""Abstention with and without the made-up-word rule (`Summarizer.invented`), per language, against a stricter
confidence threshold at the same coverage: how many shown lines hold a word the decoder glued from pieces. The
served rules also withhold a line writing a word three times (`Generated.repeated`): "shown" and "withheld by the
rules" count both.

    python bench/summary_invented_words.py valid     # or test (TypeScript: data/ts-valid, data/ts-heldout)

Seeded samples of at most 60 functions a package (Python 600, TypeScript 300, others 200), read at LeanCode 0.5 as the
hover reads them, smoothed BLEU-4 against the docstring's first sentence.
"""

from __future__ import annotations

import argparse

import numpy as np
from report import seeded_sample

from leancode.summarizer import Summarizer
from leancode.training.jsonl import read_jsonl
from leancode.training.summarize_calibrate import per_package, records

SIZES = {"python": 600, "java": 200, "javascript": 200, "go": 200, "rust": 200, "typescript": 300}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("split", choices=("valid", "test"))
    args = parser.parse_args()
    summarizer = Summarizer(bank=None)
    scores, by_threshold, shown, confidence, invented = [], [], [], [], []
    print("| language | functions | BLEU, all | shown by the threshold | its BLEU | shown (no made-up or thrice-written word) | its BLEU "
          "| withheld by the rules: BLEU (lines) |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for language, limit in SIZES.items():
        path = f"data/mined-all/{language}/{args.split}.jsonl"
        if language == "typescript":
            path = "data/ts-valid/typescript/valid.jsonl" if args.split == "valid" else "data/ts-heldout/typescript/test.jsonl"
        rows = per_package(read_jsonl(path), 60)
        rows = seeded_sample(rows, limit, seed=1)
        recs = records([{**r, "language": language} for r in rows], summarizer)  # as the hover reads them
        bleu = np.array([r["bleu"] for r in recs])
        threshold = np.array([summarizer.threshold is None or r[summarizer.confidence_score] >= summarizer.threshold
                              for r in recs])
        both = np.array([r["shown"] for r in recs])  # the threshold cleared, no made-up or repeated word
        gone = threshold & ~both
        print(f"| {language} | {len(rows)} | {bleu.mean():.2f} | {threshold.mean():.1%} | {bleu[threshold].mean():.2f} "
              f"| {both.mean():.1%} | {bleu[both].mean():.2f} | {bleu[gone].mean() if gone.any() else float('nan'):.2f} "
              f"({gone.sum()}) |", flush=True)
        scores += list(bleu)
        by_threshold += list(threshold)
        shown += list(both)
        confidence += [r[summarizer.confidence_score] for r in recs]
        invented += [bool(r["invented"]) for r in recs]
    bleu, threshold, both, made_up = map(np.array, (scores, by_threshold, shown, invented))
    gone = threshold & ~both
    print(f"| all | {len(bleu)} | {bleu.mean():.2f} | {threshold.mean():.1%} | {bleu[threshold].mean():.2f} | "
          f"{both.mean():.1%} | {bleu[both].mean():.2f} | {bleu[gone].mean():.2f} ({gone.sum()}) |")
    stricter = np.argsort(-np.array(confidence))[:int(both.sum())]
    print(f"\nA stricter threshold showing the same {both.mean():.1%}: BLEU {bleu[stricter].mean():.2f}, "
          f"{made_up[stricter].mean():.1%} of its lines with a made-up word (the threshold alone: "
          f"{made_up[threshold].mean():.1%}; threshold and rule: {made_up[both].mean():.1%}).")


if __name__ == "__main__":
    main()
