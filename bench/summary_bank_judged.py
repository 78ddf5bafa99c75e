"""How often the summary bank's borrowed line is right for the function it is shown on, judged by reading.

    python bench/summary_bank_judged.py --sample OUT_DIR      # draw a blind sample: OUT_DIR/items.md, key.jsonl
    python bench/summary_bank_judged.py --report bench/judged/summary-bank-lines.jsonl

The sample: validation functions of six languages (400 of each, seeded) whose nearest bank function, for what the
summarizer reads (LeanCode 0.5), reaches the bank's lowest threshold; 10 per similarity bin. `items.md` shows each
function's code, its own documentation and the candidate line, without the similarity, for a judge to mark "yes"
(right for this function), "partly" (a detail that matters is wrong, or it says almost nothing) or "no" (another
behaviour). `--report` reads the judged lines (key.jsonl's rows with `verdict` and `why` added) and prints, per
threshold, the share of lines judged each way at or above it. The served threshold is the lowest bin edge where at
most 15% are judged "no" (the rule was written before the judgements were read).

The judged sample of 2026-12-05 (`bench/judged/summary-bank-lines.jsonl`) led a Go method's line by its qualified
name ("CodeWriter.WriteComment prints s to out ...") where the hover leads it by the method's own ("WriteComment
prints ..."); a sample drawn now leads it as the hover does (`summary_lead`) and picks the same functions.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from leancode.simplify import simplify
from leancode.summarizer import summary_lead
from leancode.summary_bank import SummaryBank
from leancode.training.jsonl import read_jsonl

LANGUAGES = ("python", "java", "javascript", "typescript", "go", "rust")
EDGES = (0.825, 0.85, 0.875, 0.9, 0.95)


def sample(out: Path, data_dir: str) -> None:
    rng = random.Random(5)
    bank = SummaryBank()
    pool = []
    for language in LANGUAGES:
        rows = list(read_jsonl(f"{data_dir}/{language}/valid.jsonl"))
        rng.shuffle(rows)
        rows = rows[:400]
        texts = [simplify(r["code"][:20000], language, ratio=0.5, task="summarize").code for r in rows]
        pool += [(r, n) for r, n in zip(rows, bank.nearest(texts, [language] * len(rows), EDGES[0])) if n]
    chosen = []
    for low, high in zip(EDGES, EDGES[1:] + (1.01,)):
        in_bin = [p for p in pool if low <= p[1].similarity < high]
        rng.shuffle(in_bin)
        chosen += in_bin[:10]
    rng.shuffle(chosen)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "key.jsonl", "w") as key, open(out / "items.md", "w") as items:
        for k, (r, n) in enumerate(chosen, 1):
            line = n.line(summary_lead(r["code"], r["language"]))  # as the hover leads it
            key.write(json.dumps({"item": k, "similarity": round(n.similarity, 4), "language": r["language"],
                                  "idx": r["idx"], "origin": n.origin, "line": line, "own": r["summary"]}) + "\n")
            code = "\n".join(r["code"].splitlines()[:40])
            items.write(f"## Item {k} ({r['language']}, `{r['name']}` of {r['package']})\n\n```\n{code}\n```\n\n"
                        f"Its own documentation (reference): {r['summary']}\n\nCandidate line: **{line}**\n\n")
    print(f"{out}: {len(chosen)} items")


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print("| similarity at or above | lines | yes | partly | no |\n|---:|---:|---:|---:|---:|")
    for edge in EDGES:
        verdicts = [r["verdict"] for r in rows if r["similarity"] >= edge]
        shares = " | ".join(f"{verdicts.count(v) / len(verdicts):.0%}" for v in ("yes", "partly", "no"))
        print(f"| {edge} | {len(verdicts)} | {shares} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=Path, metavar="OUT_DIR")
    parser.add_argument("--data-dir", default="data/mined-all")
    parser.add_argument("--report", type=Path, metavar="JUDGED_JSONL")
    args = parser.parse_args()
    if args.sample:
        sample(args.sample, args.data_dir)
    if args.report:
        report(args.report)


if __name__ == "__main__":
    main()
