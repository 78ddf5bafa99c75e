"""What the hover shows for the undocumented functions of real Rust, Java and Python code, with and without the
documentation they inherit from the method they implement or override (`leancode.units.Unit.inherited_doc`).

    python bench/inherited_docs.py --repo itertools=DIR [--repo NAME=DIR ...]

Per repository (every .rs, .java and .py file under DIR): functions, documented ones, and of the undocumented ones those
that now show an inherited sentence, split by what they showed before: nothing (a standard method the model is never
asked about, `units.special_kind`) or the model's line (or its abstention).
"""

from __future__ import annotations

import argparse
import dataclasses
import warnings
from collections import Counter
from pathlib import Path

from report import command_line, publish

from leancode.function_summary import DOCUMENTATION, INHERITED, NOT_LEARNED, summarize_units
from leancode.units import extract_units

LANGUAGES = {".rs": "rust", ".java": "java", ".py": "python"}


def count(root: Path) -> Counter:
    counts: Counter = Counter()
    for path in sorted(p for p in root.rglob("*") if p.suffix in LANGUAGES and p.is_file()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            units = extract_units(path.read_text("utf-8", "replace"), LANGUAGES[path.suffix])
        before = summarize_units([dataclasses.replace(u, inherited_doc=None) for u in units], None)
        for now, was in zip(summarize_units(units, None), before):
            counts["functions"] += 1
            counts["documented"] += now.source == DOCUMENTATION
            if now.source == INHERITED:
                counts["inherited"] += 1
                counts["was nothing" if was.source == NOT_LEARNED else "was the model"] += 1
                counts["from " + now.inherited_from] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = ["## Inherited documentation", "", f"`{command_line()}` — every Rust, Java and Python function of each "
             "repository, what the hover shows (`leancode/function_summary.py`).", "",
             "| repository | functions | documented | undocumented | inherited documentation | before: nothing | "
             "before: the model's line or abstention | most inherited |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for spec in args.repo:
        name, directory = spec.split("=", 1)
        c = count(Path(directory))
        undocumented = c["functions"] - c["documented"]
        top = ", ".join([f"`{k[5:]}` {v}" for k, v in c.most_common() if k.startswith("from ")][:3])
        lines.append(f"| {name} | {c['functions']:,} | {c['documented']:,} | {undocumented:,} | {c['inherited']:,} "
                     f"({c['inherited'] / max(undocumented, 1):.1%}) | {c['was nothing']:,} | "
                     f"{c['was the model']:,} | {top} |")
    publish("inherited-docs", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
