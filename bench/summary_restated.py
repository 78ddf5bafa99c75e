"""Lines that restate one word around their verb ("Return the path of the path."), withheld by the hover
(`leancode.summarizer.restated_word`): how many, their BLEU, and how a reader judged them.

    python bench/summary_restated.py valid                      # the BLEU table (the split the rule was fixed on)
    python bench/summary_restated.py test --sample lines.md     # ... and a blind judging sample of the test split
    python bench/summary_restated.py test --judged bench/judged/restated-lines.jsonl --no-write

Seeded samples as `bench/summary_invented_words.py` draws them (at most 60 functions a package; Python 600,
TypeScript 300, others 200; TypeScript's validation lines from data/mined-all), read at LeanCode 0.5 as the hover
reads them, without the bank; smoothed BLEU-4 against the docstring's first sentence. A line "shown" cleared the
threshold with no made-up or thrice-written word; of those, the rule withholds the ones it flags, and beside it
the trivial alternative, a stricter confidence threshold withholding as many. BLEU cannot tell a restating line: it
shares the name's words with the reference. `--sample` writes the rule's lines and as many other shown lines drawn
at random (seed 7), shuffled, for a reader blind to which is which (the judged file keeps item, group, line, grade);
`--judged` counts its grades (R right, V vacuous, W wrong) by what the rule says of each line now.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter

import numpy as np
from report import command_line, publish, seeded_sample

from leancode.summarizer import Summarizer, repeated_words, restated_word, summary_lead
from leancode.training.jsonl import read_jsonl
from leancode.training.summarize_calibrate import per_package, records

SIZES = {"python": 600, "java": 200, "javascript": 200, "go": 200, "rust": 200, "typescript": 300}


def sample_rows(language: str, split: str) -> list[dict]:
    path = f"data/mined-all/{language}/{split}.jsonl"
    if language == "typescript" and split == "test":
        path = "data/ts-heldout/typescript/test.jsonl"
    return seeded_sample(per_package(read_jsonl(path), 60), SIZES[language], seed=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("split", choices=("valid", "test"))
    parser.add_argument("--sample", help="write a blind judging sample (markdown) here")
    parser.add_argument("--judged", help="a judged sample (.jsonl with group and grade) to count")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    summarizer = Summarizer(bank=None)  # no rule of the bank's lines: the model's own
    lines = ["## Summaries: a line that restates one word", "",
             f"`{command_line()}` — seeded samples of the `{args.split}` splits, LeanCode 0.5, no bank; shown: lines "
             "that clear the threshold with no made-up or thrice-written word; BLEU: smoothed BLEU-4.", "",
             "| language | functions | shown | restating (withheld) | their BLEU | BLEU shown before | after "
             "| a stricter threshold withholding as many |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    pooled, drawn = [], []
    for language in SIZES:
        rows = sample_rows(language, args.split)
        recs = records([{**r, "language": language} for r in rows], summarizer)
        for row, rec in zip(rows, recs):
            confidence = rec[summarizer.confidence_score]
            # shown before the rule: above the threshold, no made-up word, no word written three times
            shown = not rec["invented"] and not repeated_words(rec["summary"]) \
                and (summarizer.threshold is None or confidence >= summarizer.threshold)
            flagged = shown and bool(restated_word(rec["summary"], summary_lead(row["code"], language)))
            pooled.append((language, rec["bleu"], shown, confidence, flagged))
            if shown:
                drawn.append({"language": language, "idx": rec["idx"], "code": row["code"], "line": rec["summary"],
                              "group": "restated" if flagged else "other"})
    for language in [*SIZES, "all"]:
        rows = [p for p in pooled if language in ("all", p[0])]
        bleu, shown, confidence, flagged = (np.array([p[k] for p in rows]) for k in (1, 2, 3, 4))
        kept = shown & ~flagged
        stricter = shown.copy()  # as many of the shown lines withheld, least confident first
        stricter[np.flatnonzero(shown)[np.argsort(confidence[shown])[:flagged.sum()]]] = False
        lines.append(f"| {language} | {len(rows)} | {shown.sum()} | {flagged.sum()} | "
                     f"{bleu[flagged].mean() if flagged.any() else float('nan'):.2f} | {bleu[shown].mean():.2f} | "
                     f"{bleu[kept].mean():.2f} | {bleu[stricter].mean():.2f} |")
    if args.sample:
        restating = [d for d in drawn if d["group"] == "restated"]
        rng = random.Random(7)
        sample = restating + rng.sample([d for d in drawn if d["group"] == "other"], len(restating))
        rng.shuffle(sample)
        with open(args.sample, "w") as out:
            for n, item in enumerate(sample, 1):
                code = "\n".join(item["code"].splitlines()[:40])
                out.write(f"## {n} ({item['language']})\n\n```\n{code}\n```\n\nLINE: {item['line']}\n\n")
        with open(args.sample + ".key.jsonl", "w") as out:  # which is which, for the judged file
            for n, item in enumerate(sample, 1):
                out.write(json.dumps({"item": n, "group": item["group"], "language": item["language"],
                                      "idx": item["idx"], "line": item["line"]}) + "\n")
    if args.judged:  # grouped by the rule as it is now (the sample was drawn by it as it was then)
        judged = [json.loads(line) for line in open(args.judged)]
        counts = Counter(("restated" if restated_word(j["line"], j["line"].split()[0] if j["language"] == "go"
                                                      else None) else "other", j["grade"]) for j in judged)
        lines += ["", f"Judged blind (`{args.judged}`): right / vacuous / wrong", "",
                  "| lines | judged | right | vacuous | wrong |", "|---|---:|---:|---:|---:|"]
        for group in ("restated", "other"):
            total = sum(n for (g, _), n in counts.items() if g == group)
            lines.append(f"| {'the rule withholds' if group == 'restated' else 'other shown lines'} | {total} | "
                         + " | ".join(str(counts[(group, grade)]) for grade in "RVW") + " |")
    publish("summary-restated", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
