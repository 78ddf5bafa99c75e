"""Are the BLEU differences between simplifiers real? Paired bootstrap over the functions of one test set.

    python bench/summary_compare.py --data data/mined/python/test.jsonl --reference leancode=runs/sumfull/leancode \
        --other slimcode=runs/sumfull/slimcode --other dietcode=runs/sumfull/dietcode ...

Each NAME=PREFIX names the predictions (PREFIX.txt, idx<TAB>summary) and report (PREFIX.json) of one
`leancode-train eval summarize` run. Smoothed BLEU-4 (CodeXGLUE) is a mean of per-function scores, so
resampling functions with replacement (seeded) gives a 95% interval for each difference.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from report import bootstrap, command_line, interval, write_section

from leancode.training.metrics import sentence_bleu
from leancode.training.jsonl import read_jsonl


def per_function_bleu(prefix: str, references: dict[str, str]) -> np.ndarray:
    predictions = dict(line.rstrip("\n").split("\t", 1) for line in open(f"{prefix}.txt", encoding="utf-8"))
    return np.array([100 * sentence_bleu(references[idx], predictions.get(idx, "")) for idx in references])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--reference", required=True, metavar="NAME=PREFIX")
    parser.add_argument("--other", action="append", required=True, metavar="NAME=PREFIX")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--section", default="summary-compare", help="BENCHMARKS.md section to write")
    parser.add_argument("--title", default="Summaries: paired bootstrap of BLEU differences")
    parser.add_argument("--without-package", action="append", default=[], metavar="PACKAGE",
                        help="leave out the functions of this package (e.g. one that vendors another's code)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    references = {row["idx"]: row["summary"] for row in read_jsonl(args.data)
                  if row.get("package") not in args.without_package}
    name, prefix = args.reference.split("=", 1)
    base = per_function_bleu(prefix, references)
    draws = bootstrap(args.samples, len(base))
    lines = [f"## {args.title}", "",
             f"`{command_line()}` — {len(base)} functions, {args.samples} seeded resamples; difference = "
             f"other − {name}, in BLEU points.", "",
             "| method | cell | BLEU | difference vs " + name + " | 95% interval |", "|---|---|---:|---:|---|",
             f"| {name} | {_cell(prefix)} | {base.mean():.2f} | | |"]
    for spec in args.other:
        other_name, other_prefix = spec.split("=", 1)
        scores = per_function_bleu(other_prefix, references)
        low, high = interval(draws, scores, base)
        lines.append(f"| {other_name} | {_cell(other_prefix)} | {scores.mean():.2f} "
                     f"| {scores.mean() - base.mean():+.2f} | [{low:+.2f}, {high:+.2f}] |")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(args.section, text)


def _cell(prefix: str) -> str:
    report = json.loads(Path(f"{prefix}.json").read_text())
    return f"{report['method']} {report['ratio']:g}, model {Path(report['model']).name}"


if __name__ == "__main__":
    main()
