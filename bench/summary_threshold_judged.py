"""How often a shown model line is right, by its confidence: a blind reading of the hover's lines, to set how
strict the hover is (`leancode.summarizer` withholds a line below its model's threshold).

    python bench/summary_threshold_judged.py --sample lines.md      # write a blind sample of both splits
    python bench/summary_threshold_judged.py --judged bench/judged/threshold-lines.jsonl [--test]

The lines are the seeded samples of `bench/summary_restated.py` (LeanCode 0.5, no bank), those the hover shows
today; `--sample` draws 27 of each language from each split (seed 11), shuffled together, with no confidence and no
split shown to the reader (the key file keeps them). `--judged` counts the grades (R right, V vacuous, W wrong) of
the validation lines by confidence and names the loosest threshold, at a tenth of the validation lines, where the
lines shown are right at least as often as wrong; `--test` adds the test split's lines at that threshold (look once).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter

import numpy as np
from report import command_line, publish
from summary_restated import SIZES, sample_rows

from leancode.summarizer import Summarizer
from leancode.training.summarize_calibrate import records

PER_LANGUAGE = 27


def shown_lines(split: str, summarizer: Summarizer) -> list[dict]:
    """The lines the hover shows for the split's seeded sample, with their confidence."""
    out = []
    for language in SIZES:
        rows = sample_rows(language, split)
        for row, rec in zip(rows, records([{**r, "language": language} for r in rows], summarizer)):
            if rec["shown"]:
                out.append({"split": split, "language": language, "idx": rec["idx"], "code": row["code"],
                            "line": rec["summary"], "confidence": rec[summarizer.confidence_score],
                            "reference": row["summary"], "bleu": rec["bleu"]})
    return out


def write_sample(path: str, summarizer: Summarizer) -> None:
    rng = random.Random(11)
    sample = []
    for split in ("valid", "test"):
        lines = shown_lines(split, summarizer)
        for language in SIZES:
            mine = [d for d in lines if d["language"] == language]
            sample += rng.sample(mine, min(PER_LANGUAGE, len(mine)))
        with open(f"{path}.{split}-shown.jsonl", "w") as out:  # every shown line: the share a threshold keeps
            out.writelines(json.dumps({k: v for k, v in d.items() if k != "code"}) + "\n" for d in lines)
    rng.shuffle(sample)
    with open(path, "w") as out:
        for n, item in enumerate(sample, 1):
            code = "\n".join(item["code"].splitlines()[:60])
            out.write(f"## {n} ({item['language']})\n\n```\n{code}\n```\n\nLINE: {item['line']}\n\n")
    with open(path + ".key.jsonl", "w") as out:
        for n, item in enumerate(sample, 1):
            out.write(json.dumps({"item": n, **{k: v for k, v in item.items() if k != "code"}}) + "\n")


def counts(judged: list[dict]) -> str:
    grades = Counter(j["grade"] for j in judged)
    return f"{len(judged)} | " + " | ".join(f"{grades[g]} ({grades[g] / max(1, len(judged)):.0%})" for g in "RVW")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", help="write a blind judging sample (markdown) here")
    parser.add_argument("--judged", help="the judged sample (.jsonl: split, language, confidence, grade)")
    parser.add_argument("--test", action="store_true", help="also count the test split's lines (look once)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.sample:
        write_sample(args.sample, Summarizer(bank=None))
    if not args.judged:
        return
    judged = [json.loads(line) for line in open(args.judged)]
    splits = ("valid", "test") if args.test else ("valid",)
    by_split = {split: [j for j in judged if j["split"] == split] for split in splits}
    valid = by_split["valid"]
    cuts = [float(c) for c in np.quantile([j["confidence"] for j in valid], [0.2, 0.4, 0.6, 0.8])]
    chosen = None  # the loosest cut (a fifth of the validation lines) whose lines shown are right as often as wrong
    for cut in [-np.inf, *cuts]:
        grades = Counter(j["grade"] for j in valid if j["confidence"] >= cut)
        if grades["R"] >= grades["W"]:
            chosen = cut
            break
    lines = ["## Summaries: how often a shown line is right, by confidence", "",
             f"`{command_line()}` — the model's lines that the hover showed until 2026-12-06 (the calibrated "
             "threshold, no made-up, thrice-written or restated word), seeded samples of each split as "
             "`bench/summary_restated.py` draws them (LeanCode 0.5, no bank), 27 a language a split, judged from the "
             "code alone by two readers blind to the split and the confidence: R right, V true but saying no more "
             "than the name, W wrong.", "",
             "| lines | confidence (sum log-probability) | " + " | ".join(f"{s}: judged | R | V | W" for s in splits)
             + " |", "|---|---|" + "---:|" * 4 * len(splits)]
    edges = [-np.inf, *cuts, np.inf]
    for n, (low, high) in enumerate(zip(edges, edges[1:]), 1):
        lines.append(f"| fifth {n} | [{low:.1f}, {high:.1f}) | " + " | ".join(
            counts([j for j in by_split[s] if low <= j["confidence"] < high]) for s in splits) + " |")
    lines.append("| **all** | | " + " | ".join(f"**{counts(by_split[s])}**" for s in splits) + " |")
    languages = sorted({j["language"] for j in valid})
    lines += ["", "| language | " + " | ".join(f"{s}: judged | R | V | W" for s in splits) + " |",
              "|---|" + "---:|" * 4 * len(splits)]
    lines += [f"| {language} | " + " | ".join(counts([j for j in by_split[s] if j["language"] == language])
                                             for s in splits) + " |" for language in languages]
    lines += ["", "The rule, set before the grades were read: show the model's lines above the loosest of these "
              "confidences at which the validation lines shown are right at least as often as wrong. "
              + ("None is: the hover shows no generated line unless asked (`leancode summarize --generated`, the "
                 "editor setting `generatedSummaries`)." if chosen is None else f"It is {chosen:.2f}.")]
    publish("summary-threshold-judged", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
