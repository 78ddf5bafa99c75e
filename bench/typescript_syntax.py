"""TypeScript source files the grammar cannot read, per package, as the index parses them and as written.

    bash scripts/fetch_typescript_sources.sh                # data/typescript-sources
    python bench/typescript_syntax.py [--root data/typescript-sources] [--no-write]

Every .ts and .tsx file but declaration files (.d.ts), parsed as the index parses it (`languages.parse_source`: the
syntax tree-sitter-typescript 0.23 lacks read as `_TYPESCRIPT_GAPS` and `_separators_added` say) and as written
(`newer_syntax=False`, as the recorded corpora were mined); a file with syntax errors is one whose good code the
index would report as broken (a warning, and a repair parse that may miss functions).
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from report import command_line, publish

from leancode.languages import language_for_path, parse_source


TYPESCRIPT = ("typescript", "tsx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default="data/typescript-sources", help="one folder per package")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows, names = [], []
    for package in sorted(p for p in Path(args.root).iterdir() if p.is_dir()):
        files = [p for p in sorted(package.rglob("*")) if p.is_file() and language_for_path(str(p)) in TYPESCRIPT
                 and not p.name.endswith((".d.ts", ".d.mts", ".d.cts"))]
        errors = {True: [], False: []}
        for path in files:
            code, language = path.read_text(errors="replace"), language_for_path(str(path))
            for read_gaps in (True, False):
                if parse_source(code, language, newer_syntax=read_gaps)[1].root_node.has_error:
                    errors[read_gaps].append(path.relative_to(package).as_posix())
        rows.append((package.name, len(files), len(errors[True]), len(errors[False])))
        names += [f"{package.name}/{name}" for name in errors[True]]
    total = tuple(sum(r[i] for r in rows) for i in (1, 2, 3))
    lines = ["## TypeScript the grammar cannot read", "",
             f"`{command_line()}` — TypeScript source files (not .d.ts) with syntax errors, as the index parses them "
             "(the syntax tree-sitter-typescript 0.23 lacks read around) and as written.", "",
             "| package | files | syntax errors, as indexed | as written |", "|---|---:|---:|---:|",
             *(f"| {name} | {n:,} | {indexed} | {written} |" for name, n, indexed, written in rows),
             f"| **all** | {total[0]:,} | {total[1]} | {total[2]} |", "",
             "Still unread: " + (", ".join(f"`{n}`" for n in names) or "none") + "."]
    publish("typescript-syntax", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
