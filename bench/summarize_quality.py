"""Summary quality per simplification method and ratio (smoothed BLEU-4), beside trivial baselines, and latency.

    python bench/summarize_quality.py [--data data/mined-all/python/test.jsonl] [--limit 400] [--model DIR]
                                      [--methods none,leancode,...] [--ratios 0.1,...,0.5] [--latency 100]

One process, one loaded summarizer (greedy decoding, batches of 16). Baselines need no
model: a constant summary (the most common first sentence of the training split), the
words of the function's name, and the summarizer on plain truncation and random removal
(rows of the table); the summarizer reading only the signature shows how much of the
BLEU the header alone carries. Each method's difference from LeanCode at the same ratio comes with its 95%
paired-bootstrap interval (2,000 seeded resamples of the functions). Latency: single functions of 150-250 model pieces, batch size 1,
simplification plus generation, as `leancode summarize` runs after the model is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from collections import Counter
from pathlib import Path

import torch
import numpy as np
from report import bootstrap, command_line, interval, percentiles, seeded_sample, write_section

from leancode.model_tokens import piece_counter
from leancode.simplify import METHODS, signature_only, simplify
from leancode.summarizer import DEFAULT_METHOD, DEFAULT_RATIO, Summarizer
from leancode.training.metrics import corpus_bleu, sentence_bleu
from leancode.training.jsonl import read_jsonl
from leancode.training.summarize_eval import evaluate

ROOT = Path(__file__).resolve().parents[1]
RATIOS = (0.1, 0.2, 0.3, 0.4, 0.5)
ORDER = ("leancode", "leancode-global", "dietcode", "slimcode", "random", "truncate")


def name_words(code: str) -> str:
    """The function's name as words: `parse_config_file` -> "parse config file"."""
    match = re.search(r"def\s+(\w+)|(\w+)\s*\(", code)
    name = (match.group(1) or match.group(2)) if match else ""
    return " ".join(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ").split()).lower()


def latency(summarizer: Summarizer, rows: list[dict], method: str, ratio: float) -> list[float]:
    samples = []
    for row in rows:
        began = time.perf_counter()
        code = simplify(row["code"], row["language"], ratio=ratio, method=method, task="summarize").code
        summarizer.summarize([code], batch_size=1)
        samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data/mined-all/python/test.jsonl"))
    parser.add_argument("--train", default=str(ROOT / "data/mined-all/python/train.jsonl"),
                        help="where the constant baseline's sentence comes from")
    parser.add_argument("--limit", type=int, default=400, help="a seeded sample of N test functions")
    parser.add_argument("--model", help="summarizer directory (default: the shipped one)")
    parser.add_argument("--methods", default=",".join(ORDER))
    parser.add_argument("--ratios", default=",".join(map(str, RATIOS)))
    parser.add_argument("--latency", type=int, default=100, help="functions timed one by one")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="also write the raw cells here")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    methods = [m for m in args.methods.split(",") if m in METHODS and m != "none"]
    ratios = [float(r) for r in args.ratios.split(",")]

    rows = read_jsonl(args.data)
    rows = seeded_sample(rows, args.limit)
    references = [r["summary"] for r in rows]
    constant = Counter(" ".join(r["summary"].lower().split()) for r in read_jsonl(args.train)).most_common(1)[0][0]
    summarizer = Summarizer(args.model, bank=None)
    summarizer.summarize([rows[0]["code"]])  # warm-up, untimed

    def cell(method: str, ratio: float) -> dict:
        predictions, report = evaluate(rows, summarizer, method, ratio)
        report["scores"] = [100 * sentence_bleu(r, h) for r, h in zip(references, predictions)]
        return report

    cells = [cell("none", 0.0)]
    for method in methods:
        for ratio in ratios:
            report = cell(method, ratio)
            cells.append(report)
            print(json.dumps({k: report[k] for k in ("method", "ratio", "bleu", "seconds_per_function")}), flush=True)
    baselines = {f"constant \"{constant}\"": corpus_bleu(references, [constant] * len(rows)),
                 "words of the function name": corpus_bleu(references, [name_words(r["code"]) for r in rows])}
    headers = [signature_only(r["code"], r["language"]) for r in rows]
    counter = piece_counter()
    pieces = [counter.count_text(r["code"]) for r in rows]
    share = sum(map(counter.count_text, headers)) / sum(pieces)
    baselines[f"the summarizer reading only the signature ({100 * share:.0f}% of the model pieces)"] = corpus_bleu(
        references, summarizer.summarize(headers))

    sized = [r for r, n in zip(rows, pieces) if 150 <= n <= 250][:args.latency]
    # dict.fromkeys: the default input may be leancode at 0.5 itself, which is then timed once.
    timing = {(m, r): percentiles(latency(summarizer, sized, m, r)) for m, r in
              dict.fromkeys((("none", 0.0), (DEFAULT_METHOD, DEFAULT_RATIO), ("leancode", 0.5)))}
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"cells": cells, "baselines": baselines,
                                               "latency_ms": {f"{m}@{r}": v for (m, r), v in timing.items()}},
                                              indent=2))
    if not args.no_write:
        write_section("summarize-quality", render(args, summarizer, rows, cells, baselines, timing, len(sized)))


def render(args, summarizer, rows, cells, baselines, timing, timed) -> str:
    full = cells[0]
    trained = summarizer.manifest.get("simplification", {})
    size = sum(p.stat().st_size for p in Path(summarizer.path).iterdir()) / 1e6
    lines = [
        "## Code summarization: smoothed BLEU-4 per simplification method and ratio",
        "",
        f"Command: `{command_line()}`  ",
        f"Machine: {platform.processor() or platform.machine()}, {args.threads} threads, torch {torch.__version__}.  ",
        f"Data: {len(rows)} functions sampled (seed 0) from `{os.path.relpath(args.data, ROOT)}` "
        f"(held-out packages). Model: `{os.path.relpath(summarizer.path, ROOT)}` "
        f"({size:.1f} MB on disk; decoder and {summarizer.manifest.get('encoder_tuned_layers', 0)} top encoder "
        f"layers trained on `{trained.get('method')}` inputs at ratios "
        f"{trained.get('ratios')}), greedy decoding with repetition penalty "
        f"{summarizer.decoding.repetition_penalty} and the repeat bans, decoder in {summarizer.precision}. "
        "BLEU: CodeXGLUE smoothed sentence BLEU-4 x 100.",
        "",
        f"Full input (ratio 0): **BLEU {full['bleu']:.2f}**, {full['seconds_per_function'] * 1000:.0f} ms per function "
        + ("(int8 decodes one at a time)." if summarizer.precision == "int8" else "in batches of 16."),
        "",
        "| method | " + " | ".join(f"{r:g}" for r in sorted({c['ratio'] for c in cells[1:]})) + " |",
        "|---|" + "---|" * len({c['ratio'] for c in cells[1:]}),
    ]
    for method in dict.fromkeys(c["method"] for c in cells[1:]):
        row = [c for c in cells[1:] if c["method"] == method]
        lines.append(f"| {method} | " + " | ".join(
            f"{c['bleu']:.2f} ({100 * c['bleu'] / full['bleu']:.1f}%)" for c in row) + " |")
    draws = bootstrap(2000, len(rows))
    lean = {c["ratio"]: np.array(c["scores"]) for c in cells[1:] if c["method"] == "leancode"}
    if lean:
        lines += ["", "Difference from LeanCode at the same ratio, with its 95% paired-bootstrap interval:", "",
                  "| method | " + " | ".join(f"{r:g}" for r in sorted(lean)) + " |", "|---|" + "---|" * len(lean)]
        for method in dict.fromkeys(c["method"] for c in cells[1:] if c["method"] != "leancode"):
            row = [c for c in cells[1:] if c["method"] == method and c["ratio"] in lean]
            lines.append(f"| {method} | " + " | ".join(
                "{:+.2f} [{:+.2f}, {:+.2f}]".format(c["bleu"] - lean[c["ratio"]].mean(),
                                                    *interval(draws, np.array(c["scores"]), lean[c["ratio"]]))
                for c in row) + " |")
        lines.append("| full code | " + " | ".join(
            "{:+.2f} [{:+.2f}, {:+.2f}]".format(full["bleu"] - lean[r].mean(),
                                                *interval(draws, np.array(full["scores"]), lean[r]))
            for r in sorted(lean)) + " |")
    lines += ["", "Cells: BLEU (share of the full-input BLEU). Baselines without a model:", ""]
    lines += [f"- {name}: BLEU {value:.2f}" for name, value in baselines.items()]
    lines += ["", f"Latency, one function at a time ({timed} functions of 150-250 model pieces, simplify + generate):",
              "", "| input | p50 ms | p95 ms |", "|---|---|---|"]
    lines += [f"| {m} @ {r:g} | {p50:.0f} | {p95:.0f} |" for (m, r), (p50, p95) in timing.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
