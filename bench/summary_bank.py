"""The summary bank's threshold: BLEU against the share of lines the bank gives, on validation.

    python bench/summarize_languages.py --data-dir data/mined-all --split valid --limit 1000 --max-per-package 60 \
        --model model=nobank: --json runs/valid-model.json --no-write
    python bench/summary_bank.py --data-dir data/mined-all --bank DIR --scores model=runs/valid-model.json

On the same seeded sample as `summarize_languages.py` (its `--json` scores of the model without the bank), each
function's nearest bank neighbour is found for what the summarizer reads (full code, LeanCode 0.5, the signature
alone), and its summary scored. At each threshold, a function whose neighbour reaches it takes the neighbour's line,
the others keep the model's: smoothed BLEU-4 per language and pooled (each language weighted by its functions), and
the share the bank gives. The threshold printed last is the one with the best pooled full-code BLEU.

`--without-copies S` leaves out the functions whose full code's nearest bank function has similarity S or more
(copies, as setuptools' vendored distutils of the standard library's): what the bank does for code it holds no copy
of.

`--latency N` also times N hovers' summaries one at a time after load (`summarize_units`: simplify, the bank's
search, generate where the bank has no line), drawn from the languages' split, with the shipped bank and without it
in alternation: p50 / p95 each.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
from report import command_line, percentiles, publish, seeded_sample

from leancode.function_summary import summarize_units
from leancode.summarizer import Summarizer, summary_lead
from leancode.units import extract_units

from leancode.simplify import signature_only, simplify
from leancode.summary_bank import SummaryBank
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import sentence_bleu
from leancode.training.summarize_calibrate import per_package

CELLS = (("full", "none", 0.0), ("leancode 0.5", "leancode", 0.5))
THRESHOLDS = (0.75, 0.8, 0.825, 0.85, 0.875, 0.9, 0.925, 0.95, 1.01)  # 1.01: never


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--split", default="valid")
    parser.add_argument("--bank", required=True, metavar="DIR")
    parser.add_argument("--scores", required=True, metavar="NAME=FILE",
                        help="summarize_languages.py --json of the model without the bank, and the model's name there")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--max-per-package", type=int, default=60, help="0: no cap")
    parser.add_argument("--language", action="append")
    parser.add_argument("--without-copies", type=float, metavar="S", help="leave out functions with a neighbour >= S")
    parser.add_argument("--latency", type=int, default=0, metavar="N", help="time N summaries with and without it")
    parser.add_argument("--section", default="summary-bank")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    name, path = args.scores.split("=", 1)
    earlier = json.loads(Path(path).read_text())
    bank = SummaryBank(args.bank)
    pooled: dict[str, list] = {}
    per_language = {}
    for language in args.language or list(bank.manifest["languages"]):
        if f"{language}/{name}" not in earlier:
            print(f"{language}: no scores of {name} in {path}; skipped")
            continue
        rows = seeded_sample(per_package(read_jsonl(Path(args.data_dir) / language / f"{args.split}.jsonl"),
                                         args.max_per_package or None), args.limit)
        if earlier.get(f"{language}/sample") != [r["idx"] for r in rows]:
            raise SystemExit(f"{language}: {path} scored another sample")
        inputs = {cell: [simplify(r["code"], language, ratio=ratio, method=method, task="summarize").code
                         for r in rows] for cell, method, ratio in CELLS}
        inputs["signature"] = [signature_only(r["code"], language) for r in rows]
        cells = {}
        for cell, texts in inputs.items():
            found = bank.nearest(texts, [language] * len(texts), threshold=-2.0)
            similarity = np.array([n.similarity for n in found])
            retrieved = np.array([100 * sentence_bleu(r["summary"], n.line(summary_lead(r["code"], language)))
                                  for r, n in zip(rows, found)])
            cells[cell] = (similarity, retrieved, np.array(earlier[f"{language}/{name}"][cell]))
        if args.without_copies is not None:
            kept = cells["full"][0] < args.without_copies
            print(f"{language}: {int((~kept).sum())} of {len(kept)} functions left out as copies")
            cells = {cell: tuple(values[kept] for values in triple) for cell, triple in cells.items()}
        per_language[language] = cells
        for cell, values in cells.items():
            pooled.setdefault(cell, []).append(values)
    per_language["pooled"] = {cell: tuple(np.concatenate(parts) for parts in zip(*values))
                              for cell, values in pooled.items()}
    lines = [f"## Summaries: the summary bank against the model alone ({args.split} split)", "",
             f"`{command_line()}` — {args.split} split; the model's own lines from `{path}`. Each cell: BLEU "
             "(share of lines from the bank).", "",
             "| language | threshold | full | LeanCode 0.5 | signature only | full − signature |",
             "|---|---:|---:|---:|---:|---:|"]
    best = None
    for language, cells in per_language.items():
        for threshold in THRESHOLDS:
            scores = {}
            for cell, (similarity, retrieved, model) in cells.items():
                use = similarity >= threshold
                scores[cell] = (np.where(use, retrieved, model).mean(), use.mean())
            label = "model alone" if threshold > 1 else f"{threshold:.3f}"
            lines.append(f"| {language} | {label} | " + " | ".join(f"{b:.2f} ({share:.0%})" for b, share in
                                                                  scores.values())
                         + f" | {scores['full'][0] - scores['signature'][0]:+.2f} |")
            print(lines[-1], flush=True)
            if language == "pooled" and (best is None or scores["full"][0] > best[1]):
                best = (threshold, scores["full"][0])
    lines += ["", f"Best pooled full-code threshold: {best[0]:.3f}."]
    print(lines[-1])
    if args.latency:
        lines += ["", *latency(args, list(per_language)[:-1])]
    publish(args.section, lines, write=not args.no_write)


def latency(args, languages: list[str]) -> list[str]:
    """p50 / p95 of one summary after load, the shipped summarizer with this bank and without any, alternating."""
    rows = [r for language in languages
            for r in read_jsonl(Path(args.data_dir) / language / f"{args.split}.jsonl")]
    units = [u for r in random.Random(0).sample(rows, min(len(rows), 4 * args.latency))
             for u in extract_units(r["code"], r["language"])[:1]][:args.latency]
    with_bank, without = Summarizer(bank=args.bank), Summarizer(bank=None)
    summarize_units(units[:2], with_bank), summarize_units(units[:2], without)  # first use loads the parts
    seconds: dict[str, list[float]] = {"with the bank": [], "without": []}
    from_bank = 0
    for unit in units:
        for name, summarizer in (("with the bank", with_bank), ("without", without)):
            began = time.perf_counter()
            [summary] = summarize_units([unit], summarizer)
            seconds[name].append(time.perf_counter() - began)
            from_bank += name == "with the bank" and summary.source == "similar"
    lines = [f"One summary after load, {len(units)} functions of the {args.split} split, one at a time, alternating "
             f"(LeanCode 0.5, decoder int8 as served); {from_bank} lines came from the bank:", "",
             "| summarizer | p50 ms | p95 ms |", "|---|---:|---:|"]
    lines += [f"| {name} | {percentiles(values)[0]:.1f} | {percentiles(values)[1]:.1f} |"
              for name, values in seconds.items()]
    for line in lines:
        print(line)
    return lines


if __name__ == "__main__":
    main()
