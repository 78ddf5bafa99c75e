"""The one training loop both fine-tuning commands use, under Hugging Face `accelerate`, and the
options, inputs and manifest fields they share.

AdamW over the given parameters, linear warm-up then decay, gradient clipping at 1.0,
progress with ETA, a checkpoint (model, optimizer, scheduler, RNG states and step) every
`save_every` steps and at the end, `resume` from it. Under `accelerate launch` each process
takes every n-th batch of the epoch (all the same count).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from leancode.importance import ImportanceTable
from leancode.simplify import add_repeat_discount_option


@dataclass
class LoopSettings:
    """The loop's settings; each fine-tune's config extends it (these defaults are the summarizer's)."""

    epochs: float = 3.0
    batch_size: int = 32
    lr: float = 5e-4
    weight_decay: float = 0.01
    warmup: float = 0.03  # share of the steps spent warming up
    max_steps: int | None = None  # overrides epochs
    save_every: int = 200  # steps between checkpoints
    seed: int = 0
    time_limit: float | None = None  # minutes; training stops (and saves) when they are spent


@dataclass
class LoopResult:
    model: object  # as `accelerate` prepared it (wrapped under `accelerate launch`)
    accelerator: object
    steps: int
    planned_steps: int  # what the schedule was made for; more than `steps` when the time limit stopped it
    losses: list[float]
    seconds: float  # training time of this run (a resumed run counts only its own)


def run_training(model, params: list, settings: LoopSettings, examples: int,
                 batches_of_epoch: Callable[[int], list[list[int]]], loss_of_batch: Callable, work: Path, resume: bool,
                 progress: bool = True) -> LoopResult:
    """Train `params` of `model` (tensors, or AdamW parameter groups with their own "lr") on `examples` examples;
    `loss_of_batch(prepared_model, indices, device)` gives each batch's loss."""
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from transformers import get_linear_schedule_with_warmup

    accelerator = Accelerator()
    set_seed(settings.seed)
    optimizer = torch.optim.AdamW(params, lr=settings.lr, weight_decay=settings.weight_decay)
    clipped = [p for group in optimizer.param_groups for p in group["params"]]
    ranks, rank = accelerator.num_processes, accelerator.process_index
    # The batches an epoch really has (a batch too small to train on is dropped), as many every epoch.
    per_epoch = len(batches_of_epoch(0)) // ranks
    if per_epoch < 1:
        raise ValueError(f"{examples} training examples make no batch of --batch-size {settings.batch_size}"
                         + (f" on each of {ranks} processes" if ranks > 1 else ""))
    total = settings.max_steps or max(1, int(per_epoch * settings.epochs))
    scheduler = get_linear_schedule_with_warmup(optimizer, int(total * settings.warmup), total)
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    checkpoint, step_file = work / "checkpoint", work / "checkpoint" / "step.json"
    step, losses = 0, []
    if resume and step_file.is_file():
        accelerator.load_state(str(checkpoint))
        step = json.loads(step_file.read_text())["step"]
    elif resume:
        print(f"leancode-train: no checkpoint in {work}: --resume starts from step 0", file=sys.stderr)

    def save_checkpoint():
        accelerator.save_state(str(checkpoint))
        step_file.write_text(json.dumps({"step": step}))

    model.train()
    began = time.perf_counter()
    bar = tqdm(total=total, initial=step, desc="train", unit="step", disable=not progress)
    deadline = began + settings.time_limit * 60 if settings.time_limit is not None else float("inf")
    while step < total and time.perf_counter() < deadline:
        epoch, offset = divmod(step, per_epoch)
        for indices in batches_of_epoch(epoch)[rank::ranks][offset:per_epoch]:
            loss = loss_of_batch(model, indices, accelerator.device)
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(clipped, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            losses.append(float(loss.detach()))
            bar.update(1)
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}")
            if step % settings.save_every == 0:
                save_checkpoint()
            if step >= total or time.perf_counter() >= deadline:
                break
    bar.close()
    save_checkpoint()
    return LoopResult(model, accelerator, step, total, losses, time.perf_counter() - began)


def length_batches(lengths: list[int], batch_size: int, seed: int, epoch: int, window: int,
                   min_size: int = 1) -> list[list[int]]:
    """Shuffled batches of similar length (sorted within windows of `window` batches; batches under `min_size`
    dropped), reproducible per epoch."""
    rng = random.Random(seed * 1_000_003 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    span = batch_size * window
    batches = []
    for w in range(0, len(order), span):
        part = sorted(order[w:w + span], key=lambda i: lengths[i])
        batches += [batch for b in range(0, len(part), batch_size) if len(batch := part[b:b + batch_size]) >= min_size]
    rng.shuffle(batches)
    return batches


def add_training_arguments(p, *, out_help: str, valid_help: str, valid_examples: int, epochs: float,
                           batch_size: int, lr: float, save_every: int) -> None:
    """The options both `finetune` commands take: data, simplification mix, output, and this loop's settings."""
    p.add_argument("--data", required=True, help="training pairs, .jsonl of {idx, code, language, summary}")
    p.add_argument("--valid", help=f"validation pairs (.jsonl): {valid_help}")
    p.add_argument("--valid-examples", type=int, default=valid_examples, metavar="N")
    p.add_argument("--out", required=True, metavar="DIR", help=out_help)
    p.add_argument("--work", metavar="DIR", help="checkpoints and caches (default: OUT.work)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in --work")
    p.add_argument("--method", default="leancode", help="simplifier for ratios above 0 (default leancode)")
    p.add_argument("--ratio", type=float, action="append",
                   help="removal ratio; repeat for a per-example mix (default 0: full code)")
    p.add_argument("--table", metavar="DIR", help="importance table (default: the shipped one for the task)")
    add_repeat_discount_option(p)
    p.add_argument("--max-examples", type=int, metavar="N", help="a seeded sample of N training pairs")
    p.add_argument("--epochs", type=float, default=epochs)
    p.add_argument("--max-steps", type=int, help="stop after N optimizer steps (overrides --epochs)")
    p.add_argument("--time-limit", type=float, metavar="MINUTES",
                   help="stop and save when this much training time is spent (the schedule still plans --epochs)")
    p.add_argument("--batch-size", type=int, default=batch_size)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--save-every", type=int, default=save_every, metavar="STEPS")
    p.add_argument("--seed", type=int, default=0)


def training_inputs(args) -> tuple[Path, list[float], ImportanceTable | None]:
    """The work directory (created), the ratio mix (checked) and the importance table of the options above."""
    work = Path(args.work or Path(args.out).with_name(Path(args.out).name + ".work"))
    work.mkdir(parents=True, exist_ok=True)
    ratios = args.ratio or [0.0]
    if any(not 0 <= r < 1 for r in ratios):
        raise ValueError("--ratio must be in [0, 1)")
    return work, ratios, ImportanceTable.load(args.table) if args.table else None


def data_record(args, ratios: list[float], examples: list, **simplification) -> dict:
    """What a manifest says of the training data and how it was simplified (plus any `simplification` options)."""
    return {"data": str(args.data), "examples": len(examples),
            "simplification": {"method": args.method, "ratios": ratios, "repeat_discount": args.repeat_discount,
                               "table": args.table or "shipped default",
                               "model_pieces_full": sum(e.pieces_full for e in examples),
                               "model_pieces_read": sum(e.pieces_kept for e in examples), **simplification}}
