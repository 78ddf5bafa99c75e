"""Does naming a method's owner help search? Each set's functions embedded with and without the index's owner line.

    python bench/search_owner.py --set DIR=MINED.jsonl[,MINED.jsonl ...] [--set ...] [--every-language] [--no-write]

A search set (DIR/queries.jsonl, DIR/codebase.jsonl) names the functions; their code as mined and qualified name
come from the mined records it was drawn from (their `code` and `name`, the index's `qualified_name`), so a set
built with or without the owner line (`leancode-train search-sets [--code-alone]`) reads alike. Each set is read by its
language's served reader (int8) on the code alone and on the code after `units.owner_line` (what `leancode index`
embeds: `// DateTime.fromMillis`), simplified by LeanCode at 0 (full code), the language's default ratio and 0.5.
`--every-language` writes the line in Go too, where the index leaves it out; `--zero-shot` reads full code with the
packaged model as it comes (fp32), the baseline of `bench/search_defaults.py`. MRR, with the paired-bootstrap 95%
interval of with − without (2,000 seeded resamples of the queries).
"""

from __future__ import annotations

import argparse
import dataclasses

from report import bootstrap, command_line, difference, publish
from search_methods import served_reader
from search_quality import simplified_ranks

from leancode.encoder import SEARCH_RATIO, Encoder, language_defaults
from leancode.model_tokens import default_model_path
from leancode.training.jsonl import read_jsonl
from leancode.training.search_sets import indexed_code


@dataclasses.dataclass
class SearchSet:
    directory: str
    language: str
    queries: list[dict]
    codebase: list[dict]
    mined: dict[str, dict]  # each function's mined record: its code as mined and its qualified name


def load(spec: str) -> SearchSet:
    directory, mined = spec.split("=", 1)
    queries, codebase = read_jsonl(f"{directory}/queries.jsonl"), read_jsonl(f"{directory}/codebase.jsonl")
    wanted = {r["idx"] for r in codebase}
    records = {r["idx"]: r for path in mined.split(",") for r in read_jsonl(path) if r["idx"] in wanted}
    if missing := wanted - records.keys():
        raise SystemExit(f"{directory}: {len(missing)} functions have no mined record in {mined}")
    return SearchSet(directory, codebase[0]["language"], queries, codebase, records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", required=True, metavar="DIR=MINED")
    parser.add_argument("--every-language", action="store_true", help="write the owner line in Go too")
    parser.add_argument("--zero-shot", action="store_true",
                        help="read with the packaged model zero-shot (fp32), full code only: the defaults' baseline")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--section", default="search-owner")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    split = args.section.removeprefix("search-owner").strip("-")  # search-owner-test: "(test)"
    lines = ["## Search: a method named with its owner" + (f" ({split})" if split else ""), "",
             f"`{command_line()}` — MRR without and with the owner line, LeanCode at each ratio, each language read "
             "by its served reader (int8); Δ = with − without, 95% paired-bootstrap interval.", "",
             "| set | language: reader | functions with an owner | ratio | without | with | Δ [95%] |",
             "|---|---|---:|---:|---:|---:|---|"]
    for spec in args.set:
        data = load(spec)
        language = data.language
        if args.zero_shot:
            reader, encoder = "zero-shot", Encoder(model=default_model_path(), method="none", quantize=False,
                                                   threads=args.threads)
        else:
            reader, path = served_reader(language)
            encoder = Encoder(model=path, method="none", threads=args.threads)
        column = {r["idx"]: i for i, r in enumerate(data.codebase)}
        gold = [column[q["gold"]] for q in data.queries]
        query_vectors = encoder.encode_queries([q["query"] for q in data.queries])
        draws = bootstrap(2000, len(data.queries))

        def text(record: dict, owned: bool) -> str:
            mined = data.mined[record["idx"]]
            if not owned:
                return mined["code"]
            if args.every_language and language == "go" and "." in mined["name"]:
                return f"// {mined['name']}\n{mined['code']}"  # the line the index leaves out of Go
            return indexed_code(mined)  # as `leancode-train search-sets` writes it: after `units.owner_line`

        def cell(ratio: float, owned: bool):
            return simplified_ranks(encoder, [text(r, owned) for r in data.codebase], language, query_vectors, gold,
                                    ratio=ratio, method="leancode")

        owners = sum("." in data.mined[r["idx"]]["name"] for r in data.codebase)
        default = language_defaults().get(language, {}).get("ratio", SEARCH_RATIO)
        for ratio in [0.0] if args.zero_shot else sorted({0.0, default, 0.5}):
            without, with_owner = cell(ratio, False), cell(ratio, True)
            lines.append(f"| {data.directory} ({len(data.queries)}) | {language}: {reader} | {owners} of "
                         f"{len(data.codebase)} | {ratio:g} | {without.mean():.4f} | {with_owner.mean():.4f} | "
                         f"{difference(draws, with_owner, without)} |")
            print(lines[-1], flush=True)
    publish(args.section, lines, not args.no_write)


if __name__ == "__main__":
    main()
