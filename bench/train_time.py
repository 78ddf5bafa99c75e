"""Summarizer training cost with and without simplification, measured in one run.

    python bench/train_time.py [--data data/mined/python/train.jsonl] [--examples 1024] [--steps 30] [--no-write]

The same training examples and the same fresh decoder (3 layers), per input: the time
to compute the frozen encoder's states (once per input, then cached) and the time per
optimizer step (batches of 32; cross-attention runs over the source's pieces), on full
code and on code with half its model tokens removed by LeanCode.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import torch
from report import command_line, publish

from leancode.summarizer import new_model
from leancode.training.examples import read_pairs, simplified_examples
from leancode.training.summarize_finetune import TrainConfig, encoder_states, train

ROOT = Path(__file__).resolve().parents[1]


def measure(rows, method: str, ratio: float, steps: int, work: Path) -> dict:
    torch.manual_seed(0)
    model, tokenizer = new_model()
    began = time.perf_counter()
    examples = simplified_examples(rows, method, [ratio], None, seed=0, progress=False)
    simplify_seconds = time.perf_counter() - began
    states, encode_seconds = encoder_states(model, tokenizer, examples, work, "cpu", progress=False)
    config = TrainConfig(max_steps=steps, batch_size=32, save_every=10**9)
    began = time.perf_counter()
    train(model, tokenizer, examples, states, config, work, resume=False, progress=False)
    step_seconds = (time.perf_counter() - began) / steps
    return {"pieces": sum(e.pieces_kept for e in examples) / len(examples), "simplify": simplify_seconds,
            "encode": encode_seconds, "step": step_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data/mined/python/train.jsonl"))
    parser.add_argument("--examples", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = read_pairs(args.data, args.examples, seed=0)
    with tempfile.TemporaryDirectory() as work:
        full = measure(rows, "none", 0.0, args.steps, Path(work) / "full")
        lean = measure(rows, "leancode", 0.5, args.steps, Path(work) / "lean")
    per_epoch = 35644 / 32  # steps per epoch of the shipped model's training split
    lines = [
        "## Summarizer training time, full vs simplified input",
        "",
        f"Command: `{command_line()}`  ",
        f"{args.examples} training pairs (seeded sample), fresh 3-layer decoder, batches of 32, "
        f"{args.threads} torch threads on {platform.machine()}, torch {torch.__version__}.",
        "",
        "| input | model pieces per function | simplify s | encoder states s | s per step | "
        "one epoch of 35,644 pairs (states + steps), min |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, m in (("full code", full), ("leancode, ratio 0.5", lean)):
        epoch = (m["simplify"] + m["encode"]) * 35644 / args.examples + m["step"] * per_epoch
        lines.append(f"| {name} | {m['pieces']:.1f} | {m['simplify']:.1f} | {m['encode']:.1f} | {m['step']:.3f} | "
                     f"{epoch / 60:.1f} |")
    lines += ["", f"Encoder states at 0.5: {lean['encode'] / full['encode']:.2f} of full; decoder step: "
              f"{lean['step'] / full['step']:.2f} of full."]
    publish("train-time", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
