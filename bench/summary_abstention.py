"""When the summarizer abstains: BLEU of the lines shown against coverage, the threshold, latency.

    leancode-train calibrate summarize --data data/mined/python/valid.jsonl --report runs/calibration.json
    python bench/summary_abstention.py --calibration runs/calibration.json --test data/mined/python/test.jsonl

The first command (validation split) scores every greedy summary by each confidence score, picks
the score and threshold, and stores them in the model's manifest; this script tables its curves,
checks the stored threshold once on the held-out test split (same per-package cap), and times one
summary as the hover asks for it (simplify, generate, confidence), after the model is loaded.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from report import command_line, percentiles, write_section

from leancode.function_summary import summarize_units
from leancode.summarizer import CONFIDENCE_SCORES, Summarizer
from leancode.training.jsonl import read_jsonl
from leancode.training.summarize_calibrate import per_package, records
from leancode.units import extract_units

NAMES = {"mean": "mean log-probability", "min": "least likely piece", "sum": "sequence log-probability"}


def curve_table(curves: dict, chosen: str) -> list[str]:
    coverages = [p["coverage"] for p in curves[chosen]]
    lines = ["| confidence score | " + " | ".join(f"{c:.0%}" for c in coverages) + " |",
             "|---|" + "---:|" * len(coverages)]
    for name in CONFIDENCE_SCORES:
        mark = " (chosen)" if name == chosen else ""
        lines.append(f"| {NAMES[name]}{mark} | " + " | ".join(
            "–" if p["bleu_shown"] is None else f"{p['bleu_shown']:.2f}" for p in curves[name]) + " |")
    lines.append("| threshold of the chosen score | " + " | ".join(
        "–" if p["threshold"] is None else f"{p['threshold']:.3f}" for p in curves[chosen]) + " |")
    return lines


def held_out(rows: list[dict], summarizer: Summarizer) -> dict:
    recs = records(rows, summarizer)
    shown = [r for r in recs if r["shown"]]
    held = [r for r in recs if not r["shown"]]
    mean = lambda rs: sum(r["bleu"] for r in rs) / len(rs) if rs else float("nan")  # noqa: E731
    return {"functions": len(recs), "coverage": len(shown) / len(recs), "bleu_all": mean(recs),
            "bleu_shown": mean(shown), "bleu_withheld": mean(held)}


def latency(rows: list[dict], summarizer: Summarizer, count: int) -> tuple[float, float, int]:
    units = [u for r in rows[:count] for u in extract_units(r["code"], r.get("language", "python"))[:1]]
    summarize_units(units[:2], summarizer)  # warm
    seconds = []
    for unit in units:
        began = time.perf_counter()
        summarize_units([unit], summarizer)
        seconds.append(time.perf_counter() - began)
    return (*percentiles(seconds), len(seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calibration", required=True, help="report of `leancode-train calibrate summarize`")
    parser.add_argument("--test", help="held-out split to check the stored threshold on (looked at once)")
    parser.add_argument("--model", help="the calibrated summarizer (default: the shipped one)")
    parser.add_argument("--test-limit", type=int, metavar="N", help="a seeded sample of N test functions")
    parser.add_argument("--latency", type=int, default=100, metavar="N", help="time N summaries (default 100)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    report = json.loads(open(args.calibration).read())
    record, curves = report["abstention"], report["curves"]
    summarizer = Summarizer(args.model, bank=None)
    if summarizer.threshold != record["threshold"]:
        raise SystemExit(f"{summarizer.path}: its threshold {summarizer.threshold} is not this calibration's")
    lines = [
        "## Summaries: abstention (BLEU against coverage)", "",
        f"`{record['command']}`, then `{command_line()}`.", "",
        f"Validation: {record['functions']} functions ({record['data']}, at most {record['per_package']} per "
        f"package), read as the hover reads them ({record['method']} at {record['ratio']}), greedy. Each cell: "
        "mean smoothed BLEU-4 of the summaries shown when only the most confident share (column) is shown; "
        "100% would be showing every line (the same as random abstention at any coverage, the trivial baseline); "
        "a line holding a word the decoder made up or a word written three times is never shown, so coverages above "
        "the share of lines without one read –.", "",
        *curve_table(curves, record["score"]), "",
        f"Rule: the highest coverage whose shown lines keep BLEU >= {record['min_bleu']}: {record['score']} "
        f"log-probability >= {record['threshold']} (coverage {record['coverage']:.0%}, shown BLEU "
        f"{record['bleu_shown']}, all {record['bleu_all']}; {record.get('invented', 0):.1%} of the lines hold a "
        f"made-up word, {record.get('repeated', 0):.1%} a word written three times); stored in the model's manifest "
        "(`abstention`).",
    ]
    if args.test:
        rows = per_package([r for r in read_jsonl(args.test) if r.get("summary")], record["per_package"])
        if args.test_limit and args.test_limit < len(rows):
            rows = [rows[i] for i in sorted(random.Random(0).sample(range(len(rows)), args.test_limit))]
        check = held_out(rows, summarizer)
        lines += ["", f"Held-out test split ({args.test}, {check['functions']} functions, same cap), the stored "
                      f"threshold: coverage {check['coverage']:.0%}, BLEU of the lines shown "
                      f"{check['bleu_shown']:.2f}, withheld {check['bleu_withheld']:.2f}, all {check['bleu_all']:.2f}."]
        if args.latency:
            p50, p95, n = latency(rows, summarizer, args.latency)
            lines += ["", f"Latency of one hover summary after load (simplify, generate, confidence; {n} test "
                          f"functions, one at a time): p50 {p50:.0f} ms, p95 {p95:.0f} ms on 2 CPU threads."]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("summary-abstention", text)


if __name__ == "__main__":
    main()
