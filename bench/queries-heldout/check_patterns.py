"""Dry check of the held-out queries, with no search: every pattern matches 1+ function of its package.

    python bench/queries-heldout/check_patterns.py [--repos data/query-repos-heldout] [-v]

Lists each package's functions as `leancode index` would hold them (the same walk, the same generated and binary
file checks, the same parse; nothing embedded, nothing searched) and matches each query's pattern against their
"qualified_name path", as bench/search_queries.py does. Prints the count of matches per query; exits 1 if a pattern
matches none or a line is not `query<TAB>pattern`.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path

from leancode.sources import MAX_FILE_BYTES, decode_source, is_binary
from leancode.unit_records import parse_units
from leancode.walk import HEAD_BYTES, is_generated, walk_repository


def functions(root: Path) -> list[str]:
    out = []
    for relative, path, language, _ in walk_repository(root, lambda *_: None):
        data = path.read_bytes()
        if len(data) > MAX_FILE_BYTES or is_binary(data[:HEAD_BYTES]) or is_generated(data[:HEAD_BYTES]):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            units = parse_units(decode_source(data, language), language)["units"]
        out += [f"{u['qualified_name']} {relative}" for u in units]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", default="data/query-repos-heldout")
    parser.add_argument("--queries", default=Path(__file__).parent)
    parser.add_argument("-v", "--verbose", action="store_true", help="print the functions each pattern matches")
    args = parser.parse_args()
    bad = total = 0
    for tsv in sorted(Path(args.queries).glob("*.tsv")):
        names = functions(Path(args.repos) / tsv.stem)
        lines = [line for line in tsv.read_text().splitlines() if line.strip()]
        print(f"{tsv.stem}: {len(lines)} queries, {len(names)} functions")
        for line in lines:
            total += 1
            parts = line.split("\t")
            if len(parts) != 2:
                print(f"  BAD LINE {line!r}")
                bad += 1
                continue
            query, pattern = parts
            hits = [n for n in names if re.search(pattern, n)]
            bad += not hits
            print(f"  {len(hits):3d}  {query}  [{pattern}]" + ("  <-- NO MATCH" if not hits else ""))
            if args.verbose:
                for hit in hits:
                    print(f"         {hit}")
    print(f"{total} queries, {bad} without a match")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
