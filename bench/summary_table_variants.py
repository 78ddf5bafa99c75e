"""Does another cross-attention aggregation, or a reweighting of the table, make LeanCode's summaries better?

    python bench/summary_table_variants.py --model runs/stage1 --corpus data/mined/python/train.jsonl \
        --data valid=runs/xattn/valid1k.jsonl --data test=data/mined/python/test.jsonl:1000

Builds one table per aggregation from --model's cross-attention (reference summary teacher-forced, 3,000
sampled functions, as the recipe's `leancode-train importance --method leancode-cross` does; `paper` is that
command's table), then reads every data set with the shipped summarizer at leancode --ratio with each table, and
with the paper table reweighted at inference; slimcode, dietcode and full code beside them. The aggregation
variants need a LeanCode summarizer (a BERT decoder) as --model. DATA is NAME=FILE[:FIRST_N].
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Callable

import torch
from report import command_line, publish

from leancode.importance import ImportanceTable
from leancode.summarizer import Summarizer
from leancode.tokens import Token
from leancode.training.attention import AttentionScorer
from leancode.training.importance import build_table
from leancode.training.jsonl import read_jsonl
from leancode.training.summarize_eval import evaluate

AGGREGATIONS = {  # name: (decoding-step pooling, decoder layers, weight by value-vector norm)
    "paper: last layer, max over steps": ("max", "last", False),
    "mean over steps": ("mean", "last", False),
    "mean over layers": ("max", "all", False),
    "mean over layers and steps": ("mean", "all", False),
    "attention x value norm (Kobayashi et al. 2020)": ("max", "last", True),
}
REWEIGHTINGS: dict[str, Callable[[Token, float], float]] = {  # (token, relative position) -> factor
    "comments x0.05": lambda t, _: 0.05 if t.kind == "comment" else 1.0,
    "literals x0.3": lambda t, _: 0.3 if t.kind == "literal" else 1.0,
    "identifiers x1.5": lambda t, _: 1.5 if t.kind == "identifier" else 1.0,
    "operators x2": lambda t, _: 2.0 if t.kind == "operator" else 1.0,
    "`return` x5": lambda t, _: 5.0 if t.text == "return" else 1.0,
    "signature x3": lambda t, _: 3.0 if str(t.category) == "signature" else 1.0,
    "early tokens x(2 - position)": lambda _, position: 2.0 - position,
}


@dataclasses.dataclass
class VariantScorer(AttentionScorer):
    steps: str = "max"
    layers: str = "last"
    value_norm: bool = False

    def _cross(self, enc, targets):
        model = self.model
        source = {k: enc[k] for k in ("input_ids", "attention_mask")}
        decoder, steps = self._decoder_steps(source, targets)
        steps = steps.unsqueeze(-1).float()
        out = model(**source, decoder_input_ids=decoder, output_attentions=True)
        attention = out.cross_attentions[-1] if self.layers == "last" else torch.stack(out.cross_attentions).mean(0)
        if self.value_norm:  # |W_o,h v_h(j)|: how much source j can move the output through head h
            layer = model.decoder.bert.encoder.layer[-1].crossattention
            heads = layer.self.num_attention_heads
            encoded = out.encoder_last_hidden_state
            values = layer.self.value(encoded).view(*encoded.shape[:2], heads, -1)
            weight = layer.output.dense.weight.view(-1, heads, values.shape[-1])
            norms = torch.einsum("bshd,ohd->bhso", values, weight).norm(dim=-1)
            attention = attention * norms.unsqueeze(2)
        attention = attention.mean(1)
        attention = attention / attention.sum(-1, keepdim=True)
        if self.steps == "max":
            return (attention * steps).amax(1)
        return (attention * steps).sum(1) / steps.sum(1)


@dataclasses.dataclass
class Reweighted:
    """A table whose scores are multiplied by `weight(token, relative position)`."""

    table: ImportanceTable
    weight: Callable[[Token, float], float]

    def scores(self, tokens: list[Token], local: bool = True) -> list[float]:
        last = max(len(tokens) - 1, 1)
        return [score * self.weight(token, i / last)
                for i, (token, score) in enumerate(zip(tokens, self.table.scores(tokens, local)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="LeanCode summarizer whose cross-attention builds the tables")
    parser.add_argument("--corpus", required=True, help="summary .jsonl the tables are built from")
    parser.add_argument("--data", action="append", required=True, metavar="NAME=FILE[:FIRST_N]")
    parser.add_argument("--functions", type=int, default=3000)
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    sets = {}
    for spec in args.data:
        name, path = spec.split("=", 1)
        path, _, first = path.partition(":")
        sets[name] = read_jsonl(path)[:int(first) if first else None]
    scorer = VariantScorer.load(args.model, "leancode-cross", max_length=256)
    tables = {name: build_table(args.model, [args.corpus], "python", "leancode-cross", args.functions,
                                scorer=dataclasses.replace(scorer, steps=steps, layers=layers, value_norm=norm))
              for name, (steps, layers, norm) in AGGREGATIONS.items()}
    paper = tables[next(iter(AGGREGATIONS))]
    cells = [(f"table: {name}", "leancode", table) for name, table in tables.items()]
    cells += [(f"paper table, {name}", "leancode", Reweighted(paper, weight)) for name, weight in REWEIGHTINGS.items()]
    cells += [(method, method, None) for method in ("slimcode", "dietcode", "none")]

    summarizer = Summarizer(bank=None)
    bleu = {}
    for label, method, table in cells:
        for name, rows in sets.items():
            ratio = 0 if method == "none" else args.ratio
            bleu[label, name] = evaluate(rows, summarizer, method, ratio, table, batch_size=32)[1]["bleu"]
            print(f"{label} | {name} | {bleu[label, name]}", flush=True)

    reference = cells[0][0]
    names = list(sets)
    lines = [
        "## Summaries: cross-attention aggregations and table reweightings",
        "",
        f"`{command_line()}` — the shipped summarizer reads each set at leancode {args.ratio} with each table "
        f"(built from `{args.model}`'s cross-attention over {args.functions} functions of `{args.corpus}`); "
        f"smoothed BLEU-4, difference from the paper's aggregation in parentheses; full code (`none`) at ratio 0.",
        "",
        "| cell | " + " | ".join(f"{n} ({len(sets[n])})" for n in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for label, _, _ in cells:
        lines.append(f"| {label} | " + " | ".join(
            f"{bleu[label, n]:.2f} ({bleu[label, n] - bleu[reference, n]:+.2f})" for n in names) + " |")
    publish("summary-table-variants", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
