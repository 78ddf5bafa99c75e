"""Latency of the copy decoder's own greedy loop against Hugging Face's generate, on the same shipped weights.

    python bench/copy_latency.py [--data data/mined-all/python/valid.jsonl] [--functions 20]

The shipped summarizer is loaded twice: as it is (decoded by `generate`), and with a fresh copy head added
(`add_copy_head`, decoded by `leancode.copy_decoder.greedy` with its cache). Each function of 150-250 model
pieces is summarized alone (batch 1) at the default input, simplification included, as `leancode summarize`
runs once the model is loaded. Timings on a shared machine: compare the two rows, not absolute values.
"""

from __future__ import annotations

import argparse
import random

import torch
from report import command_line, percentiles, publish
from summarize_quality import latency

from leancode.model_tokens import piece_counter
from leancode.summarizer import DEFAULT_METHOD, DEFAULT_RATIO, Summarizer, add_copy_head
from leancode.training.jsonl import read_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="data/mined-all/python/valid.jsonl")
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    counter = piece_counter()
    rows = [r for r in read_jsonl(args.data) if 150 <= counter.count_text(r["code"]) <= 250]
    rows = random.Random(0).sample(rows, min(args.functions, len(rows)))
    plain = Summarizer(bank=None)
    copying = Summarizer(bank=None)
    add_copy_head(copying.model, copying.tokenizer)
    copying.model.eval()
    lines = ["## Copy decoder latency", "",
             f"`{command_line()}` — {len(rows)} functions of 150-250 model pieces, batch 1, LeanCode "
             f"{DEFAULT_RATIO}, simplify + generate, {args.threads} threads, shared machine.", "",
             "| decoder | p50 ms | p95 ms |", "|---|---:|---:|"]
    for name, summarizer in (("shipped, Hugging Face generate", plain), ("shipped + copy head, own greedy loop",
                                                                        copying)):
        summarizer.summarize([rows[0]["code"]])  # warm-up, untimed
        p50, p95 = percentiles(latency(summarizer, rows, DEFAULT_METHOD, DEFAULT_RATIO))
        lines.append(f"| {name} | {p50:.0f} | {p95:.0f} |")
        print(lines[-1], flush=True)
    publish("copy-latency", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
