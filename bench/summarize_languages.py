"""Summaries in every language: summarizers side by side on each language's mined split, beside trivial baselines.

    python bench/summarize_languages.py --data-dir data/mined-all --split valid --limit 150 [--limit-others 50] \
        --model shipped= --model copy=runs/c2/copy [--language python ...] [--json scores.json]
    # a later run reuses a model's scores on the same sample: --model shipped=json:scores.json
    # the decoder in fp32 rather than the served int8: --model shipped-fp32=fp32:DIR (fp32: alone, the shipped one)
    # without the name lead of Go summaries (leancode.summarizer.summary_lead): --model unled=nolead:DIR
    # free to begin with "returns" where nothing is returned (summarizer.NOT_RETURNING_OPENERS): --model r=returning:DIR
    # without the copy decoder's repeat bans (leancode.summarizer.BAN_ADJACENT, NO_REPEAT_NGRAM): --model r=repeats:DIR
    # no word more than K times in a line (leancode.summarizer.WORD_CAP; 0: no cap): --model c=capK:DIR
    # another repetition penalty (leancode.summarizer.REPETITION_PENALTY): --model p=penaltyX:DIR
    # without the summary bank (leancode.summary_bank): --model model=nobank:DIR
    # prefixes combine in this order: repeats:capK:penaltyX:returning:nolead:nobank:fp32:DIR

Per language (a seeded sample of `--limit` functions of DATA_DIR/<language>/<split>.jsonl, optionally of at most
`--max-per-package` of each package): smoothed BLEU-4 of a constant summary (the most common first sentence of that
language's train split), of the words of the function's name, and of each summarizer on full code (ratio 0), on
LeanCode at 0.5 and on the signature alone (a model that reads the body loses BLEU there). Where summaries lead with
the function's name (Go), the constant led by the name is a baseline too: the name, then the most common rest of a
train summary. The first model is the reference: each other one's difference on full code and at 0.5 comes with a
paired-bootstrap 95% interval (2,000 seeded resamples).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from report import bootstrap, command_line, interval, publish, seeded_sample

from leancode.simplify import signature_only, simplify
from leancode.summarizer import DEFAULT_PRECISION, Lead, Summarizer, summary_lead
from leancode.summary_bank import DEFAULT_BANK
from leancode.training.jsonl import read_jsonl
from leancode.training.metrics import sentence_bleu
from leancode.training.summarize_calibrate import per_package
from leancode.units import function_name

LANGUAGES = ("python", "java", "javascript", "typescript", "go", "rust")
CELLS = (("full", "none", 0.0), ("leancode 0.5", "leancode", 0.5))


def name_words(code: str, language: str) -> str:
    """The function's name as lower-case words: `parseConfigFile`, `parse_config_file` -> "parse config file"."""
    name = function_name(code, language)
    return " ".join(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ").split()).lower()


# Decoding options a --model DIR may carry as prefixes, in this order:
# repeats:capK:penaltyX:returning:nolead:nobank:fp32:DIR
PREFIXES = re.compile(r"(?P<repeats>repeats:)?(?:cap(?P<cap>\d+):)?(?:penalty(?P<penalty>[\d.]+):)?"
                      r"(?P<returning>returning:)?(?P<nolead>nolead:)?(?P<nobank>nobank:)?(?P<fp32>fp32:)?")


def summarizer_from_spec(spec: str) -> tuple[Summarizer, bool, bool]:
    """The summarizer a --model DIR names (empty: the shipped one), whether Go's name lead is kept and whether a
    function that returns nothing is kept from beginning with "returns". Prefixes: repeats: decodes without the repeat
    bans, capK: with no word more than K times, penaltyX: with repetition penalty X, returning: without the
    "returns" ban, nolead: drops Go's name lead, nobank: leaves the summary bank out, fp32: runs the decoder in fp32
    instead of the served int8."""
    options = PREFIXES.match(spec)
    path = spec[options.end():]
    summarizer = Summarizer(path or None, precision="fp32" if options["fp32"] else DEFAULT_PRECISION,
                            bank=None if options["nobank"] else DEFAULT_BANK)
    if options["repeats"]:
        summarizer.decoding.ban_adjacent, summarizer.decoding.no_repeat_ngram = False, 0
    if options["cap"]:
        summarizer.decoding.word_cap = int(options["cap"])
    if options["penalty"]:
        summarizer.decoding.repetition_penalty = float(options["penalty"])
    return summarizer, not options["nolead"], not options["returning"]


def leads_for(leads: list[Lead | None], led: bool, ban_returns: bool) -> list[Lead | None]:
    """The leads as a model of `summarizer_from_spec` reads them: without the name (`led` False), without the
    "returns" ban (`ban_returns` False)."""
    if not ban_returns:
        leads = [Lead(lead) if lead else None for lead in leads]
    return [lead if led else (Lead("", True) if lead is not None and lead.returns_nothing else None)
            for lead in leads]


def scores(references: list[str], hypotheses: list[str]) -> np.ndarray:
    return np.array([100 * sentence_bleu(r, h) for r, h in zip(references, hypotheses)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--split", default="valid")
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--limit-others", type=int, help="functions per language other than Python (default: --limit)")
    parser.add_argument("--language", action="append", choices=LANGUAGES)
    parser.add_argument("--max-per-package", type=int,
                        help="sample from at most N functions of each package (seeded), so no one package decides")
    parser.add_argument("--model", action="append", required=True, metavar="NAME=DIR",
                        help="a summarizer (empty DIR: the shipped one); the first is the reference; DIR "
                             "json:FILE reuses NAME's per-function scores from an earlier run's --json (same sample)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="also write the raw per-function scores here")
    parser.add_argument("--section", default="summarize-languages")
    parser.add_argument("--title", help="the section's heading (default: Summaries per language, SPLIT split)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    models = []
    for spec in args.model:
        name, path = spec.split("=", 1)
        if path.startswith("json:"):
            models.append((name, json.loads(Path(path[5:]).read_text())))
        else:
            models.append((name, summarizer_from_spec(path)))
    root = Path(args.data_dir)
    lines = [f"## {args.title or f'Summaries per language, {args.split} split'}", "",
             f"`{command_line()}` — a seeded sample of each language's "
             f"`{args.split}` split (held-out packages), greedy decoding, smoothed BLEU-4; "
             f"Δ = model − {models[0][0]} with its paired-bootstrap 95% interval.", "",
             "| language | functions | constant | name + constant | name words | model | full | Δ full | LeanCode 0.5 "
             "| Δ 0.5 | signature only |", "|---|---:|---:|---:|---:|---|---:|---|---:|---|---:|"]
    raw = {}
    for language in args.language or LANGUAGES:
        path = root / language / f"{args.split}.jsonl"
        if not path.is_file() or not path.stat().st_size:
            continue
        rows = read_jsonl(path)
        rows = per_package(rows, args.max_per_package)
        limit = args.limit if language == "python" or args.limit_others is None else args.limit_others
        rows = seeded_sample(rows, limit)
        references = [r["summary"] for r in rows]
        train = root / language / "train.jsonl"
        train_summaries = [r["summary"].lower().split() for r in read_jsonl(train)]
        common = Counter(" ".join(words) for words in train_summaries).most_common(1)
        constant = scores(references, [common[0][0] if common else ""] * len(rows)).mean()
        leads = [summary_lead(r["code"], language) for r in rows]
        led_constant = "–"
        if any(leads):
            rest = Counter(" ".join(words[1:]) for words in train_summaries).most_common(1)[0][0]
            led_lines = [f"{lead} {rest}" if lead else rest for lead in leads]
            led_constant = f"{scores(references, led_lines).mean():.2f}"
        names = scores(references, [name_words(r["code"], language) for r in rows]).mean()
        inputs = {}
        if not all(isinstance(model, dict) for _, model in models):  # some model summarizes now
            inputs = {cell: [simplify(r["code"], language, ratio=ratio, method=method, task="summarize").code
                             for r in rows] for cell, method, ratio in CELLS}
            inputs["signature"] = [signature_only(r["code"], language) for r in rows]
        raw[f"{language}/sample"] = [r["idx"] for r in rows]  # what a later run reusing these scores must draw
        base = None
        draws = bootstrap(2000, len(rows))  # the same resamples for every model: paired
        for name, model in models:
            if isinstance(model, dict):  # scores of an earlier run on the same seeded sample
                got = {cell: np.array(values) for cell, values in model[f"{language}/{name}"].items()}
                sample = model.get(f"{language}/sample")  # runs before it was recorded hold only the scores
                if sample is None:
                    print(f"{language}/{name}: the earlier run recorded no sample; only its size is checked")
                if (sample is not None and sample != [r["idx"] for r in rows]) \
                        or any(len(values) != len(rows) for values in got.values()):
                    raise SystemExit(f"{language}/{name}: the earlier run scored another sample; rescore the model")
            else:
                summarizer, led, ban_returns = model
                read_leads = leads_for(leads, led, ban_returns)
                got = {cell: scores(references, summarizer.summarize(texts, leads=read_leads,
                                                                     languages=[language] * len(texts)))
                       for cell, texts in inputs.items()}
            raw[f"{language}/{name}"] = {cell: values.tolist() for cell, values in got.items()}
            deltas = ["", ""]
            if base is None:
                base = got
            else:
                for k, cell in enumerate(("full", "leancode 0.5")):
                    low, high = interval(draws, got[cell], base[cell])
                    deltas[k] = f"{got[cell].mean() - base[cell].mean():+.2f} [{low:+.2f}, {high:+.2f}]"
            lines.append(f"| {language} | {len(rows)} | {constant:.2f} | {led_constant} | {names:.2f} | {name} "
                         f"| {got['full'].mean():.2f} | {deltas[0]} | {got['leancode 0.5'].mean():.2f} | {deltas[1]} "
                         f"| {got['signature'].mean():.2f} |")
            print(lines[-1], flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(raw))
    publish(args.section, lines, write=not args.no_write)


if __name__ == "__main__":
    main()
