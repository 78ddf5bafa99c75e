"""How much of each summarizer's BLEU comes from the signature: full code against the signature alone.

    python bench/signature_reliance.py --data runs/xattn/valid1k.jsonl --model shipped= --model B=runs/gpu7/B

A model that reads the body loses BLEU when it sees only the signature; one that does not, loses none.
"""

from __future__ import annotations

import argparse

from report import command_line, publish

from leancode.simplify import signature_only
from leancode.summarizer import Summarizer
from leancode.training.metrics import corpus_bleu
from leancode.training.jsonl import read_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help=".jsonl of {code, language, summary}")
    parser.add_argument("--model", action="append", required=True, metavar="NAME=DIR",
                        help="a summarizer (empty DIR: the shipped one); repeatable")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = read_jsonl(args.data)
    references = [r["summary"] for r in rows]
    full = [r["code"] for r in rows]
    signatures = [signature_only(r["code"], r.get("language", "python")) for r in rows]
    lines = ["## How much of the summarizers' BLEU the signature gives", "",
             f"`{command_line()}` — {len(rows)} functions, greedy decoding, smoothed BLEU-4.", "",
             "| model | full code | signature only | difference |", "|---|---:|---:|---:|"]
    for spec in args.model:
        name, path = spec.split("=", 1)
        summarizer = Summarizer(path or None, bank=None)
        whole = corpus_bleu(references, summarizer.summarize(full))
        head = corpus_bleu(references, summarizer.summarize(signatures))
        lines.append(f"| {name} | {whole:.2f} | {head:.2f} | {head - whole:+.2f} |")
        print(lines[-1], flush=True)
    publish("signature-reliance", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
