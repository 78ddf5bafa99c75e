"""A ratio of what the model reads, or of the whole function: LeanCode's MRR and encode time both ways.

    python bench/search_window.py --set python@0.2=data/search-sets/valid/python [--set LANGUAGE@RATIO=DIR ...]

The encoder reads at most its window (254 pieces of MiniLM's 256, [CLS] and [SEP] aside). Without a window a
ratio removes its share of the whole function and the model then reads the first 254 pieces of what is left;
with it (as `leancode index` serves) a longer function keeps (1 - ratio) x 254 pieces chosen from all of it. Each
set is read by its served reader in int8 at the given ratio; per set: MRR both ways, the difference with its
paired-bootstrap 95% interval (2,000 seeded resamples of the queries), and the model pieces read both ways.
"""

from __future__ import annotations

import argparse

from leancode.encoder import Encoder
from leancode.training.jsonl import read_jsonl
from report import bootstrap, command_line, difference, publish
from search_methods import served_reader
from search_quality import run_cell


def pieces_read(encoder: Encoder, codebase: list[dict]) -> int:
    """Model pieces the encoder reads of the codebase as it simplifies it (the window's worth at most each)."""
    return sum(min(s.model_tokens_kept, encoder.max_length - 2)
               for s in encoder.simplify([(r["code"], r["language"]) for r in codebase]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, metavar="LANGUAGE@RATIO=DIR")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = ["## A ratio of what the model reads", "", f"`{command_line()}` — LeanCode, each language read by its "
             "served reader in int8; Δ = window − whole function, 95% paired bootstrap; pieces: model pieces the "
             "encoder reads, window over whole function.", "",
             "| set | ratio | queries | whole function | window (served) | Δ [95%] | pieces read |",
             "|---|---:|---:|---:|---:|---|---:|"]
    for spec in args.set:
        head, directory = spec.split("=", 1)
        language, ratio = head.split("@")
        queries, codebase = read_jsonl(f"{directory}/queries.jsonl"), read_jsonl(f"{directory}/codebase.jsonl")
        column = {r["idx"]: i for i, r in enumerate(codebase)}
        gold = [column[q["gold"]] for q in queries]
        encoder = Encoder(model=served_reader(language)[1], method="leancode", ratio=float(ratio),
                          threads=args.threads)
        query_vectors = encoder.encode_queries([q["query"] for q in queries])
        whole_function = encoder.configured()
        whole_function.window = None  # `Encoder.simplify` passes it on: the ratio of the whole function
        cells = {window: run_cell(e, codebase, query_vectors, gold)
                 for window, e in ((False, whole_function), (True, encoder))}
        read = {window: pieces_read(e, codebase) for window, e in ((False, whole_function), (True, encoder))}
        whole, served = cells[False]["rr"], cells[True]["rr"]
        lines.append(f"| {directory} | {float(ratio):g} | {len(queries):,} | {whole.mean():.4f} | {served.mean():.4f} "
                     f"| {difference(bootstrap(2000, len(queries)), served, whole)} | {read[True] / read[False]:.3f} |")
        print(lines[-1], flush=True)
    publish("search-window", lines, not args.no_write)


if __name__ == "__main__":
    main()
