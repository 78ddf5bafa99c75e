"""A lance search's ranking flags stored with each row against read from the candidates' files (stores made before
the `test` and `stub` columns), in one run.

    python bench/lance_search_flags.py [--functions 3000] [--per-file 60] [--repeat 5]

Writes Java classes of `--per-file` mined validation methods each (`data/mined-all/java/valid.jsonl`; build it as
BENCHMARKS.md's Data section says) into a temporary repository, indexes it once into a lance store (`leancode index
--store lance`), copies the store and drops the two columns from the copy, then times `scale.search.search_store`
(top 10) on both, alternating, over the same queries; and checks that both rank the same hits.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import command_line, percentiles, publish

QUERIES = ["read a file into a string", "parse an integer from text", "close the connection", "compare two objects",
           "convert to upper case", "test that the list is empty", "format a date", "copy an array"]


def write_repository(root: Path, mined: Path, functions: int, per_file: int) -> int:
    rows = [json.loads(line) for line in mined.open()][:functions]
    source = root / "src"
    source.mkdir(parents=True)
    for start in range(0, len(rows), per_file):
        body = "\n\n".join("    " + row["code"].replace("\n", "\n    ") for row in rows[start:start + per_file])
        (source / f"C{start // per_file}.java").write_text(f"public class C{start // per_file} {{\n{body}\n}}\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mined", type=Path, default=Path("data/mined-all/java/valid.jsonl"))
    parser.add_argument("--functions", type=int, default=3000)
    parser.add_argument("--per-file", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from leancode.encoder import Encoder
    from leancode.scale.engine import encoder_info
    from leancode.scale.lance_store import FLAGS, TABLE, LanceStore
    from leancode.scale.search import search_store

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        count = write_repository(scratch / "repo", args.mined, args.functions, args.per_file)
        stored = scratch / "stored"
        subprocess.run([sys.executable, "-m", "leancode.cli", "index", str(scratch / "repo"), "--store", "lance",
                        "--index-dir", str(stored)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        parsed = scratch / "parsed"
        shutil.copytree(stored, parsed)
        encoder = Encoder()
        info = encoder_info(encoder)
        LanceStore(parsed, info, create=False)._db.open_table(TABLE).drop_columns(list(FLAGS))
        stores = {"flags stored": LanceStore(stored, info, create=False),
                  "flags read from files": LanceStore(parsed, info, create=False)}
        vectors = encoder.encode_queries(QUERIES)
        times = {name: [] for name in stores}
        same = 0
        for _ in range(args.repeat):
            for query, vector in zip(QUERIES, vectors):
                shown = []
                for name, store in stores.items():
                    start = time.perf_counter()
                    hits = search_store(store, vector, query, 10)
                    times[name].append(time.perf_counter() - start)
                    shown.append([(h.unit.path, h.unit.qualified_name, h.test) for h in hits])
                same += shown[0] == shown[1]
    lines = [f"`{command_line()}`: {count:,} Java methods in {-(-count // args.per_file)} files, "
             f"{len(QUERIES)} queries x {args.repeat}, the two stores alternating",
             "", "| store | p50 ms | p95 ms |", "|---|---:|---:|"]
    for name, samples in times.items():
        p50, p95 = percentiles(samples)
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} |")
    lines += ["", f"Same hits, same order, same test flags: {same} of {len(QUERIES) * args.repeat} searches."]
    publish("lance-flags", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
