"""`leancode-train finetune summarize`: train the summarizer's decoder on simplified code.

One readable loop (Hugging Face `accelerate` places it on the CPU, a GPU, or several
under `accelerate launch`). The encoder is frozen below its top `--tune-top-layers`
layers (default none), so its states there for each (simplified) source are computed
once, cached on disk under `--work` in chunks, and reused every epoch; the tuned top
layers, if any, run on them in every step, before the decoder. What simplification
saves in training is visible twice: fewer encoder pieces to compute and shorter
cross-attention in every decoder step.

Each training example gets one ratio from `--ratio` (repeatable; a seeded draw per
example), so one run can train on a mix of full and simplified inputs. Checkpoints
(`--work/checkpoint`) hold model, optimizer, scheduler and step; `--resume` continues.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from leancode.model_tokens import PACKAGED
from leancode.summarizer import (MAX_SOURCE_LENGTH, MAX_SUMMARY_LENGTH, add_copy_head, has_copy_head,
                                 is_leancode_summarizer, load_model, new_model, save_decoder)

from .examples import NAME_MASK, WITH_SUMMARY, Example, read_pairs, simplified_examples
from .loop import LoopSettings, add_training_arguments, data_record, length_batches, run_training, training_inputs

STATE_CHUNK = 2048  # examples per cached chunk of encoder states


# --- encoder states, cached ---------------------------------------------------------------------

def _states_key(examples: list[Example], model, below_top: int) -> str:
    weights = sum(float(p.detach().double().sum()) for p in model.encoder.parameters())  # tells tuned encoders apart
    digest = hashlib.sha256(f"{model.encoder.name_or_path} {weights!r} {below_top}".encode())
    for e in examples:
        digest.update(e.source.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:16]


def encoder_states(model, tokenizer, examples: list[Example], work: Path, device, batch_size: int = 64,
                   progress: bool = True, below_top: int = 0) -> tuple[list[np.ndarray], float]:
    """Per-example states (float16) of the encoder's last layer, or of the layer `below_top` layers under it,
    cached in chunks under `work`; and seconds spent encoding now."""
    directory = work / f"states-{_states_key(examples, model, below_top)}"
    directory.mkdir(parents=True, exist_ok=True)
    states: list[np.ndarray] = []
    seconds = 0.0
    bar = tqdm(total=len(examples), desc="encode", unit="fn", disable=not progress)
    for start in range(0, len(examples), STATE_CHUNK):
        chunk_file = directory / f"chunk-{start // STATE_CHUNK:05d}.npz"
        chunk = examples[start:start + STATE_CHUNK]
        if not chunk_file.is_file():
            began = time.perf_counter()
            flat, lengths = _encode_chunk(model, tokenizer, [e.source for e in chunk], device, batch_size, below_top)
            seconds += time.perf_counter() - began
            tmp = chunk_file.with_suffix(f".{os.getpid()}.tmp.npz")  # one per process under accelerate launch
            np.savez(tmp, flat=flat, lengths=lengths)
            tmp.replace(chunk_file)  # a chunk is either whole or absent: resumable
        data = np.load(chunk_file)
        flat, lengths = data["flat"], data["lengths"]
        states += np.split(flat, np.cumsum(lengths)[:-1])
        bar.update(len(chunk))
    bar.close()
    return states, seconds


@torch.no_grad()
def _encode_chunk(model, tokenizer, sources: list[str], device, batch_size: int,
                  below_top: int) -> tuple[np.ndarray, np.ndarray]:
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))  # similar lengths pad less
    result: list[np.ndarray | None] = [None] * len(sources)
    encoder = model.encoder.to(device).eval()
    for b in range(0, len(order), batch_size):
        batch = order[b:b + batch_size]
        enc = tokenizer([sources[i] for i in batch], padding=True, truncation=True, max_length=MAX_SOURCE_LENGTH,
                        return_tensors="pt").to(device)
        hidden = encoder(**enc, output_hidden_states=True).hidden_states[-1 - below_top]
        hidden = hidden.to(torch.float16).cpu().numpy()
        for row, i in enumerate(batch):
            result[i] = hidden[row, :int(enc["attention_mask"][row].sum())]
    lengths = np.array([len(r) for r in result], dtype=np.int64)
    return np.concatenate(result), lengths


# --- training ------------------------------------------------------------------------------------

@dataclass
class TrainConfig(LoopSettings):
    """The loop's settings (its defaults are this fine-tune's) and the decoder's shape."""

    layers: int = 3
    ffn: int = 1536
    tune_top_layers: int = 0  # encoder layers trained with the decoder, at encoder_lr
    encoder_lr: float = 5e-5


class TopLayersAndDecoder(torch.nn.Module):
    """What training updates: the encoder's tuned top layers, run on cached states from below them, then the
    decoder. With no tuned layers it is the decoder reading the encoder's cached last-layer states."""

    def __init__(self, model, tune_top_layers: int):
        super().__init__()
        layers = model.encoder.encoder.layer
        self.layers = torch.nn.ModuleList(layers[len(layers) - tune_top_layers:] if tune_top_layers else [])
        self.layers.requires_grad_(True)
        self.decoder = model.decoder

    def forward(self, encoder_hidden_states, encoder_attention_mask, **decoder_inputs):
        hidden = encoder_hidden_states
        padding = (1.0 - encoder_attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.layers:
            hidden = layer(hidden, attention_mask=padding)
            hidden = hidden[0] if isinstance(hidden, tuple) else hidden  # transformers 4 returns a tuple
        return self.decoder(encoder_hidden_states=hidden, encoder_attention_mask=encoder_attention_mask,
                            **decoder_inputs)


def _targets(tokenizer, summaries: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    enc = tokenizer(summaries, padding=True, truncation=True, max_length=MAX_SUMMARY_LENGTH, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"]


def _source_ids(tokenizer, examples: list[Example], indices: list[int], longest: int) -> torch.Tensor:
    """The encoder's input ids of each example (tokenized as its cached states were), padded to `longest`."""
    enc = tokenizer([examples[i].source for i in indices], padding="max_length", truncation=True,
                    max_length=max(longest, 1), return_tensors="pt")
    if enc["input_ids"].shape[1] != longest:
        raise ValueError("the sources' pieces do not match their cached encoder states")
    return enc["input_ids"]


def decoder_batch(states: list[np.ndarray], tokenizer, examples: list[Example], indices: list[int], device,
                  copy: bool = False):
    """The decoder's inputs and labels for `examples[indices]`, their cached states padded to the longest
    (and, for a copy decoder, the input pieces it may copy)."""
    longest = max(len(states[i]) for i in indices)
    hidden = np.zeros((len(indices), longest, states[indices[0]].shape[1]), dtype=np.float32)
    mask = torch.zeros(len(indices), longest, dtype=torch.long)
    for row, i in enumerate(indices):
        hidden[row, :len(states[i])] = states[i]
        mask[row, :len(states[i])] = 1
    ids, target_mask = _targets(tokenizer, [examples[i].summary for i in indices])
    labels = ids.masked_fill(target_mask == 0, -100)
    batch = {"input_ids": ids.to(device), "attention_mask": target_mask.to(device), "labels": labels.to(device),
             "encoder_hidden_states": torch.from_numpy(hidden).to(device), "encoder_attention_mask": mask.to(device)}
    if copy:
        batch["source_ids"] = _source_ids(tokenizer, examples, indices, longest).to(device)
    return batch


def _copies(module) -> bool:
    """Whether `module` (a decoder or a TopLayersAndDecoder, possibly wrapped) is a copy decoder."""
    module = getattr(module, "module", module)
    return bool(getattr(getattr(module, "decoder", module).config, "copy_head", False))


@torch.no_grad()
def mean_loss(decoder, states, tokenizer, examples, device, batch_size: int = 64) -> float:
    """Per-token loss of `decoder` (or a TopLayersAndDecoder) on the cached `states` of `examples`."""
    decoder.eval()
    total, count = 0.0, 0
    for b in range(0, len(examples), batch_size):
        indices = list(range(b, min(b + batch_size, len(examples))))
        batch = decoder_batch(states, tokenizer, examples, indices, device, copy=_copies(decoder))
        tokens = int((batch["labels"][:, 1:] != -100).sum())
        total += float(decoder(**batch).loss) * tokens
        count += tokens
    decoder.train()
    return total / max(count, 1)


def train(model, tokenizer, examples: list[Example], states: list[np.ndarray], config: TrainConfig, work: Path,
          resume: bool, valid: tuple[list[Example], list[np.ndarray]] | None = None, progress: bool = True) -> dict:
    """Train `model.decoder` (and the encoder's top `config.tune_top_layers` layers) on cached encoder states
    (`encoder_states(..., below_top=config.tune_top_layers)`); returns a summary of the run."""
    trainable = TopLayersAndDecoder(model, config.tune_top_layers)
    copy = has_copy_head(model)
    groups = [{"params": [p for p in model.decoder.parameters() if p.requires_grad]}]
    if config.tune_top_layers:
        groups.append({"params": list(trainable.layers.parameters()), "lr": config.encoder_lr})
    lengths = [len(state) for state in states]
    run = run_training(trainable, groups, config, len(examples),
                       lambda epoch: length_batches(lengths, config.batch_size, config.seed, epoch, window=50),
                       lambda decoder, indices, device: decoder(**decoder_batch(states, tokenizer, examples,
                                                                                indices, device, copy)).loss,
                       work, resume, progress)
    summary = {"steps": run.steps, "planned_steps": run.planned_steps, "train_seconds_this_run": round(run.seconds, 1),
               "train_loss_last_100": round(float(np.mean(run.losses[-100:])), 4) if run.losses else None}
    if valid:
        summary["valid_loss"] = round(mean_loss(run.model, valid[1], tokenizer, valid[0], run.accelerator.device), 4)
    model.decoder = run.accelerator.unwrap_model(run.model).decoder  # the tuned layers are model.encoder's own
    return summary


# --- command -------------------------------------------------------------------------------------

def _finetune(args: argparse.Namespace) -> int:
    work, ratios, table = training_inputs(args)
    from accelerate.utils import set_seed

    set_seed(args.seed)  # before any weight is drawn: a new decoder, a new adapter or copy head
    if args.init:
        if not is_leancode_summarizer(args.init):
            raise ValueError(f"--init {args.init}: not a LeanCode summarizer directory")
        model, tokenizer, init_manifest = load_model(args.init)
        if args.copy and not has_copy_head(model):
            add_copy_head(model, tokenizer)  # the trained decoder keeps its weights; the copy head starts fresh
        encoder = init_manifest["encoder"]
        init_commands = init_manifest.get("init_commands", []) + [init_manifest.get("command")]
        tuned = max(args.tune_top_layers, init_manifest.get("encoder_tuned_layers", 0))
    else:
        model, tokenizer = new_model(args.encoder, layers=args.layers, ffn=args.ffn, copy=args.copy)
        encoder, init_commands, tuned = args.encoder, [], args.tune_top_layers
    below = args.tune_top_layers
    if not 0 <= below <= len(model.encoder.encoder.layer):  # checked before the data is simplified and encoded
        raise ValueError(f"--tune-top-layers {below}: the encoder has {len(model.encoder.encoder.layer)} layers")
    device = "cuda" if torch.cuda.is_available() else "cpu"

    timings = {}
    began = time.perf_counter()
    rows = read_pairs(args.data, args.max_examples, args.seed, WITH_SUMMARY)
    examples = simplified_examples(rows, args.method, ratios, table, args.seed, repeat_discount=args.repeat_discount,
                                   mask_names=args.mask_names, drop_signature=args.drop_signature)
    timings["simplify_seconds"] = round(time.perf_counter() - began, 1)
    states, timings["encode_seconds"] = encoder_states(model, tokenizer, examples, work, device, below_top=below)
    valid = None
    if args.valid:
        pairs = read_pairs(args.valid, args.valid_examples, args.seed, WITH_SUMMARY)
        valid_examples = simplified_examples(pairs, args.method, ratios, table, args.seed, progress=False,
                                             repeat_discount=args.repeat_discount)
        valid = (valid_examples, encoder_states(model, tokenizer, valid_examples, work, device, progress=False,
                                                below_top=below)[0])
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                         max_steps=args.max_steps, save_every=args.save_every, layers=args.layers, ffn=args.ffn,
                         tune_top_layers=below, encoder_lr=args.encoder_lr, time_limit=args.time_limit)
    run = train(model, tokenizer, examples, states, config, work, args.resume, valid)
    manifest = {
        "kind": "leancode summarizer",
        "encoder": encoder,
        "encoder_tuned_layers": tuned,  # top layers saved beside the decoder; the rest is the named encoder
        "copy_head": has_copy_head(model),
        "init": args.init,
        "init_commands": init_commands,  # how the --init model was made, oldest first
        **data_record(args, ratios, examples, mask_names=args.mask_names, drop_signature=args.drop_signature),
        "train": {**asdict(config), **run, **{k: round(v, 1) for k, v in timings.items()}},
        "command": args.command,
        "recipe": args.recipe,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": {p: metadata.version(p) for p in ("torch", "transformers", "accelerate")},
    }
    from accelerate import PartialState

    if PartialState().is_main_process:
        save_decoder(model, args.out, manifest)
    print(f"{args.out}: {run['steps']} steps, loss {run['train_loss_last_100']}"
          + (f", valid loss {run['valid_loss']}" if "valid_loss" in run else ""))
    return 0


def add_finetune_summarize_parser(tasks) -> None:
    p = tasks.add_parser("summarize", help="train the summarizer's decoder (and the encoder's top layers)")
    add_training_arguments(p, out_help="where the trained summarizer is written",
                           valid_help="loss reported at the end", valid_examples=500, epochs=3.0, batch_size=32,
                           lr=5e-4, save_every=200)
    p.add_argument("--init", metavar="DIR", help="start from this LeanCode summarizer instead of a fresh decoder")
    p.add_argument("--encoder", default=PACKAGED, help="encoder path or id (default: the packaged all-MiniLM-L6-v2)")
    p.add_argument("--layers", type=int, default=3, help="decoder layers (fresh decoder only)")
    p.add_argument("--ffn", type=int, default=1536, help="decoder feed-forward width (fresh decoder only)")
    p.add_argument("--tune-top-layers", type=int, default=0, metavar="K",
                   help="also train the encoder's top K layers (saved beside the decoder; default 0: frozen)")
    p.add_argument("--encoder-lr", type=float, default=5e-5, help="learning rate of the tuned encoder layers")
    p.add_argument("--copy", action="store_true",
                   help="a decoder that can copy input pieces (pointer-generator; added fresh to an --init model)")
    p.add_argument("--mask-names", type=float, default=0.0, metavar="P",
                   help=f"share of training examples whose function name reads {NAME_MASK} (default 0; validation "
                        "never masked)")
    p.add_argument("--drop-signature", type=float, default=0.0, metavar="P",
                   help="share of training examples that read the body alone, the function's header removed "
                        "(default 0; validation never)")
    p.add_argument("--recipe", default="scripts/build_summarizer.sh",
                   help="the script this run is a step of, recorded in the manifest")
    p.set_defaults(func=_finetune)
