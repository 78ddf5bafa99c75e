"""What the hover shows for the undocumented functions of real Rust, Java, Go, TypeScript and Python code, with and
without the documentation they inherit from the method they implement or override (`leancode.units.Unit.inherited_doc`).

    python bench/inherited_docs.py --repo itertools=DIR [--repo NAME=DIR ...]

Per repository (every .rs, .java, .go, .ts and .py file under DIR): functions, documented ones, and of the undocumented
ones those that now show an inherited sentence, split by what they showed before: nothing (a standard method the model
is never asked about, `units.special_kind`) or the model's line (or its abstention); and those the language server's
hover adds by looking in the other files of the repository (`inherited.inherited_across_files`: a supertype declared in one other
file, or of several the one the file's imports name, as the server finds it in its index).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
import warnings
from collections import Counter
from pathlib import Path

from report import command_line, percentiles, publish

from leancode.function_summary import DOCUMENTATION, INHERITED, NOT_LEARNED, summarize_units
from leancode.index_store import IndexedUnit, declaring_files
from leancode.sources import FileSkipped
from leancode.inherited import inherited_across_files
from leancode.units import extract_units

LANGUAGES = {".rs": "rust", ".java": "java", ".py": "python", ".go": "go", ".ts": "typescript"}


def count(root: Path) -> Counter:
    counts: Counter = Counter()
    warnings.simplefilter("ignore")  # syntax warnings of odd files: counted as parsed
    texts = {path: path.read_text("utf-8", "replace")
             for path in sorted(p for p in root.rglob("*") if p.suffix in LANGUAGES and p.is_file())}
    files = {path: extract_units(text, LANGUAGES[path.suffix]) for path, text in texts.items()}
    declaring = declaring_files(IndexedUnit(path.relative_to(root).as_posix(), u.name, u.qualified_name, u.language,
                                            u.start_line, u.end_line, "", "")  # as the server's index holds them
                                for path, units in files.items() for u in units)

    def files_declaring(name: str) -> list[tuple[Path, str]]:
        return [(root / relative, language) for relative, language in declaring.get(name, ())]

    def read(path: Path) -> str:
        if path not in texts:
            raise FileSkipped("not in the repository")
        return texts[path]

    lookups: list[float] = []  # seconds per lookup across files (a hover's first; later ones are cached)
    for path, units in files.items():
        before = summarize_units([dataclasses.replace(u, inherited_doc=None) for u in units], None)
        for unit, now, was in zip(units, summarize_units(units, None), before):
            counts["functions"] += 1
            counts["documented"] += now.source == DOCUMENTATION
            if now.source == INHERITED:
                counts["inherited"] += 1
                counts["was nothing" if was.source == NOT_LEARNED else "was the model"] += 1
                counts["from " + now.inherited_from] += 1
            elif now.source != DOCUMENTATION and unit.bases:
                began = time.perf_counter()
                found = inherited_across_files(unit, path, texts[path], files_declaring, read)
                lookups.append(time.perf_counter() - began)
                if found is not None:
                    counts["cross-file"] += 1
                    counts["across " + found[1]] += 1
    if lookups:
        counts["lookup p50 ms"], counts["lookup p95 ms"] = percentiles(lookups)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = ["## Inherited documentation", "", f"`{command_line()}` — every Rust, Java, Go, TypeScript and Python "
             "function of each repository, what the hover shows (`leancode/function_summary.py`).", "",
             "| repository | functions | documented | undocumented | inherited documentation | before: nothing | "
             "before: the model's line or abstention | most inherited | hover: from other files | most from other "
             "files | lookup p50 / p95 |", "|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|"]
    for spec in args.repo:
        name, directory = spec.split("=", 1)
        c = count(Path(directory))
        undocumented = c["functions"] - c["documented"]
        top = ", ".join([f"`{k[5:]}` {v}" for k, v in c.most_common() if k.startswith("from ")][:3])
        across = ", ".join([f"`{k[7:]}` {v}" for k, v in c.most_common() if k.startswith("across ")][:3])
        lines.append(f"| {name} | {c['functions']:,} | {c['documented']:,} | {undocumented:,} | {c['inherited']:,} "
                     f"({c['inherited'] / max(undocumented, 1):.1%}) | {c['was nothing']:,} | "
                     f"{c['was the model']:,} | {top} | {c['cross-file']:,} "
                     f"({c['cross-file'] / max(undocumented, 1):.1%}) | {across} | "
                     f"{c['lookup p50 ms']:.1f} / {c['lookup p95 ms']:.1f} ms |")
    publish("inherited-docs", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
