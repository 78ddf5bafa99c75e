"""`leancode-train finetune search`: tune the search encoder on simplified code, as a LoRA adapter.

The code side is simplified at a seeded per-example choice among `--ratio`, so the encoder
learns to read what the index feeds it. Two objectives, both with in-batch negatives
(sentence-transformers' MultipleNegativesRankingLoss):

- `distill` (default): the tuned encoder reading *simplified* code must land on the base
  model's embedding of the *full* code, closer to it than to any other function's in the
  batch (plus a cosine term). Queries stay with the base model, so its query understanding
  is untouched and no docstrings are needed; what is learnt is to read simplified code.
- `contrastive`: each docstring summary must pick out its own simplified function; both
  sides are tuned (docstrings are not search queries: on CoSQA this lowered full-input MRR,
  see BENCHMARKS.md).

Only LoRA weights train (peft); the directory written holds the adapter (a few MB) and a
manifest naming the base and which side the adapter serves; it loads with
`leancode.encoder.Encoder(model=DIR)`, which merges it into the base once at load.

One readable loop under Hugging Face `accelerate` (CPU, one GPU, or `accelerate launch`),
checkpoint and `--resume` like `finetune summarize`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

from leancode.encoder import ADAPTER_MANIFEST, pool
from leancode.model_tokens import PACKAGED, resolve_model

from .examples import WITH_SUMMARY, Example, read_pairs, simplified_examples
from .loop import LoopSettings, add_training_arguments, data_record, length_batches, run_training, training_inputs
from .metrics import gold_ranks, mean_reciprocal_rank

LORA_TARGETS = ["query", "key", "value", "dense"]  # attention projections and both feed-forward layers
OBJECTIVES = ("distill", "contrastive")


@dataclass
class SearchTrainConfig(LoopSettings):
    """The loop's settings (with this fine-tune's defaults), the objective and the LoRA shape."""

    epochs: float = 1.0
    batch_size: int = 64
    lr: float = 2e-4
    warmup: float = 0.1
    save_every: int = 100
    objective: str = "distill"
    scale: float = 20.0  # logits = cosine similarity x scale (sentence-transformers' default)
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    max_code_length: int = 256
    max_query_length: int = 64


def distinct_summaries(examples: list[Example]) -> list[Example]:
    """First example of each summary (case-insensitive): a repeated summary would be a false negative."""
    seen, out = set(), []
    for e in examples:
        key = " ".join(e.summary.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(e)
    return out


def new_model(base: str, config: SearchTrainConfig, init: str | None = None):
    """The base encoder with fresh LoRA weights, or with those of the adapter directory `init` (trainable)."""
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModel, AutoTokenizer

    path = resolve_model(base)
    model = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32)
    if init:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        return PeftModel.from_pretrained(model, init, is_trainable=True), tokenizer
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=LORA_TARGETS)
    return get_peft_model(model, lora), AutoTokenizer.from_pretrained(path, local_files_only=True)


def embed(model, tokenizer, texts: list[str], max_length: int, device, pooling: str = "mean_tokens"):
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt").to(device)
    hidden = model(**batch).last_hidden_state
    return pool(hidden, batch["attention_mask"], pooling)


def anchors(model, tokenizer, batch: list[Example], config: SearchTrainConfig, device):
    """What each simplified function must be closest to: the base model's embedding of its full code
    (distill) or the tuned model's embedding of its summary (contrastive)."""
    if config.objective == "contrastive":
        return embed(model, tokenizer, [e.summary for e in batch], config.max_query_length, device)
    peft_model = getattr(model, "module", model)  # under `accelerate launch`, the model inside the DDP wrapper
    with torch.no_grad(), peft_model.disable_adapter():
        return embed(peft_model, tokenizer, [e.code for e in batch], config.max_code_length, device)


def loss_of(model, tokenizer, batch: list[Example], config: SearchTrainConfig, device):
    """The in-batch-negatives loss of simplified code against its anchors (plus the cosine term for distill)."""
    targets = anchors(model, tokenizer, batch, config, device)
    codes = embed(model, tokenizer, [e.source for e in batch], config.max_code_length, device)
    logits = targets @ codes.T * config.scale
    loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch), device=logits.device))
    if config.objective == "distill":
        loss = loss + (1 - (targets * codes).sum(dim=1)).mean()  # both are unit vectors
    return loss


@torch.no_grad()
def retrieval_mrr(model, tokenizer, examples: list[Example], config: SearchTrainConfig, device) -> float:
    """MRR of each summary retrieving its own simplified code among all `examples`' codes (summaries read by
    the base model when the adapter serves code only)."""
    model.eval()
    vectors = {}
    for side, texts, length in (("query", [e.summary for e in examples], config.max_query_length),
                                ("code", [e.source for e in examples], config.max_code_length)):
        def run(part):
            return embed(model, tokenizer, part, length, device).float().cpu()

        parts = []
        for b in range(0, len(texts), 64):
            if side == "query" and config.objective == "distill":
                with model.disable_adapter():
                    parts.append(run(texts[b:b + 64]))
            else:
                parts.append(run(texts[b:b + 64]))
        vectors[side] = torch.cat(parts).numpy()
    model.train()
    return mean_reciprocal_rank(gold_ranks(vectors["query"] @ vectors["code"].T, list(range(len(examples)))))


def train(model, tokenizer, examples: list[Example], config: SearchTrainConfig, work: Path, resume: bool,
          progress: bool = True) -> dict:
    """Train the LoRA weights of `model` on simplified code (see the objectives above); returns a summary of the run."""
    lengths = [len(e.source) for e in examples]
    run = run_training(model, [p for p in model.parameters() if p.requires_grad], config, len(examples),
                       lambda epoch: length_batches(lengths, config.batch_size, config.seed, epoch, window=20,
                                                    min_size=2),
                       lambda prepared, indices, device: loss_of(prepared, tokenizer, [examples[i] for i in indices],
                                                                 config, device),
                       work, resume, progress)
    losses = run.losses
    return {"steps": run.steps, "planned_steps": run.planned_steps, "train_seconds_this_run": round(run.seconds, 1),
            "train_loss_first_50": round(float(np.mean(losses[:50])), 4) if losses else None,
            "train_loss_last_50": round(float(np.mean(losses[-50:])), 4) if losses else None,
            "model": run.accelerator.unwrap_model(run.model)}


def save_adapter(model, directory: str | Path, manifest: dict) -> None:
    """The LoRA weights (peft's adapter_model.safetensors + adapter_config.json) and the manifest."""
    directory = Path(directory)
    model.save_pretrained(str(directory), save_embedding_layers=False)  # LoRA weights only
    (directory / "README.md").unlink(missing_ok=True)  # peft's blank model card; the manifest says what this is
    config_file = directory / "adapter_config.json"
    config = json.loads(config_file.read_text())
    config["base_model_name_or_path"] = manifest["base"]  # not the training machine's local path
    config_file.write_text(json.dumps(config, indent=2) + "\n")
    weights = (directory / "adapter_model.safetensors").read_bytes()
    manifest = {"id": hashlib.sha256(weights).hexdigest()[:12], **manifest}
    (directory / ADAPTER_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def _finetune(args: argparse.Namespace) -> int:
    work, ratios, table = training_inputs(args)
    from accelerate.utils import set_seed

    set_seed(args.seed)  # before any weight is drawn: a new decoder, a new adapter or copy head
    config = SearchTrainConfig(objective=args.objective, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                               lora_r=args.lora_r, lora_alpha=2 * args.lora_r, max_code_length=args.max_code_length,
                               max_steps=args.max_steps, save_every=args.save_every, seed=args.seed,
                               time_limit=args.time_limit)
    began = time.perf_counter()
    rows = read_pairs(args.data, args.max_examples, args.seed,
                      WITH_SUMMARY if args.objective == "contrastive" else ("idx", "code"))
    examples = simplified_examples(rows, args.method, ratios, table, args.seed, task="search",
                                   repeat_discount=args.repeat_discount)
    if args.objective == "contrastive":
        examples = distinct_summaries(examples)
    simplify_seconds = round(time.perf_counter() - began, 1)
    init_commands = []
    if args.init:
        init_manifest = json.loads((Path(args.init) / ADAPTER_MANIFEST).read_text())
        if init_manifest["base"] != args.base:
            raise ValueError(f"--init {args.init} was trained over {init_manifest['base']}, not --base {args.base}")
        init_commands = init_manifest.get("init_commands", []) + [init_manifest["command"]]
    model, tokenizer = new_model(args.base, config, args.init)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    valid, report = None, {}
    if args.valid:
        pairs = read_pairs(args.valid, args.valid_examples, args.seed, WITH_SUMMARY)
        valid = distinct_summaries(simplified_examples(pairs, args.method, ratios, table, args.seed, progress=False,
                                                       task="search", repeat_discount=args.repeat_discount))
        with model.disable_adapter():
            report["valid_mrr_base"] = round(retrieval_mrr(model.to(device), tokenizer, valid, config, device), 4)
    run = train(model, tokenizer, examples, config, work, args.resume)
    model = run.pop("model")
    if valid:
        report["valid_mrr_tuned"] = round(retrieval_mrr(model, tokenizer, valid, config, device), 4)
        report["valid_examples"] = len(valid)
    manifest = {
        "kind": "leancode search adapter",
        "base": args.base,
        "serves": "code" if args.objective == "distill" else "code and queries",
        "init": args.init,
        "init_commands": init_commands,  # how the --init adapter was made, oldest first
        **data_record(args, ratios, examples),
        "train": {**asdict(config), **run, "simplify_seconds": simplify_seconds,
                  "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu"},
        "valid": report,
        "command": args.command,
        "recipe": args.recipe,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {p: metadata.version(p) for p in ("torch", "transformers", "peft", "accelerate")},
    }
    from accelerate import PartialState

    if PartialState().is_main_process:
        save_adapter(model, args.out, manifest)
    print(f"{args.out}: {run['steps']} steps, loss {run['train_loss_first_50']} -> {run['train_loss_last_50']}"
          + (f", valid MRR {report['valid_mrr_base']} -> {report['valid_mrr_tuned']}" if valid else ""))
    return 0


def add_finetune_search_parser(tasks) -> None:
    p = tasks.add_parser("search", help="tune the search encoder on simplified code (a LoRA adapter)")
    add_training_arguments(p, out_help="where the adapter is written",
                           valid_help="summary-to-code MRR before and after", valid_examples=1000, epochs=1.0,
                           batch_size=64, lr=2e-4, save_every=100)
    p.add_argument("--objective", choices=OBJECTIVES, default="distill",
                   help="distill: simplified code onto the base's full-code embedding (default); "
                        "contrastive: summaries to simplified code")
    p.add_argument("--init", metavar="DIR", help="continue from this search adapter instead of fresh LoRA weights")
    p.add_argument("--base", default=PACKAGED, help="base encoder path or id (default: the packaged all-MiniLM-L6-v2)")
    p.add_argument("--lora-r", type=int, default=16, help="LoRA rank (alpha = 2 r)")
    p.add_argument("--max-code-length", type=int, default=256, metavar="PIECES",
                   help="model pieces of code read in training (the index reads up to 256)")
    p.add_argument("--recipe", default="scripts/build_search_adapter.sh",
                   help="the script this run is a step of, recorded in the manifest")
    p.set_defaults(func=_finetune)
