"""What the hover says of a repository's functions, by where the line comes from: the function's documentation,
a supertype's it inherits (in its own file), the plain comment above it, its class's (a constructor), a similar
documented function of the summary bank, or nothing (its signature alone; the model's lines are off unless asked).

    python bench/summary_sources.py [--repos data/query-repos-heldout] [--judged bench/judged/comment-lines.jsonl]
    python bench/summary_sources.py --repos data/app-projects --across-files --by-repo   (scripts/fetch_app_projects.sh)
        [--sheet lines.md | --judged-inherited bench/judged/inherited-lines-dev.jsonl]

Every function of each package's source files as `leancode index` walks them (ignored, vendored and generated files
left out), tests left out, summarized as `leancode summarize` does (LeanCode 0.5, the shipped summarizer's summary
bank; inherited documentation from the same file only, the hover also looking across files, so its share is a floor;
`--across-files`: across files too, as `leancode summarize` reads them: the repository's other files, a package's
declaration file in node_modules, a Python package in the project's virtual environment).
`--judged`: a reading of the comment lines, blind to how they were chosen (R: it says what this function does or is
for; P: true, but of a group of functions or a line of the body; W: wrong for it), counted by language: 111 lines,
at most 25 a language, drawn (seed 3) from the packages of the three hand-written query sets and eight QA packages
(inflect, papaparse, @remix-run/router, cordova-plugin-file, decimal, gojsonschema, fastrand, camino) before
Python's comments were left out for it. `--sheet`: every inherited line (shuffled, seed 5) written for a blind
reading, with its function's first lines and no source named (`lines.md`, and `lines.md.key.jsonl` to join the grades
to); `--judged-inherited`: such a reading (R: it says what this method does or is for; P: true, but generic or of the
method it overrides rather than of this one; W: wrong for it), counted by language.
"""

from __future__ import annotations

import argparse
import json
import random
import warnings
from collections import Counter, defaultdict
from pathlib import Path

from report import command_line, publish

from leancode.function_summary import (CLASS, COMMENT_ABOVE, DOCUMENTATION, INHERITED, SIMILAR,
                                       summarize_units)
from leancode.languages import ParseWarning
from leancode.search import is_test_code
from leancode.summarizer import Summarizer
from leancode.units import extract_units
from leancode.walk import HEAD_BYTES, is_generated, walk_repository

SOURCES = {DOCUMENTATION: "documentation", INHERITED: "inherited", COMMENT_ABOVE: "comment above",
           CLASS: "its class's", SIMILAR: "similar"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", default="data/query-repos-heldout", help="a directory of packages, one a folder")
    parser.add_argument("--judged", help="a judged sample of comment lines (.jsonl: language, grade)")
    parser.add_argument("--across-files", action="store_true", help="inherited documentation from other files too")
    parser.add_argument("--by-repo", action="store_true", help="a row a package, not a language")
    parser.add_argument("--sheet", help="write the inherited lines for a blind reading to this .md file")
    parser.add_argument("--judged-inherited", help="a reading of the inherited lines (.jsonl: language, grade)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.across_files:
        from leancode.cli import inheriting_across_files
    summarizer = Summarizer()
    counts: dict[str, Counter] = defaultdict(Counter)
    inherited = []  # (package, where, name, language, line, function's first lines)
    for repo in sorted(p for p in Path(args.repos).iterdir() if p.is_dir()):
        for source in walk_repository(repo, lambda *_: None):
            data = source.path.read_bytes()
            if b"\0" in data[:HEAD_BYTES] or not source.wanted and is_generated(data[:HEAD_BYTES]):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ParseWarning)
                units = [u for u in extract_units(data.decode("utf-8", "replace"), source.language)
                         if not is_test_code(source.relative, u.qualified_name)]
                if args.across_files and units:
                    units = inheriting_across_files(source.path, units)
            language = "typescript" if source.language == "tsx" else source.language
            for unit, summary in zip(units, summarize_units(units, summarizer, siblings=units)):
                counts[repo.name if args.by_repo else language][SOURCES.get(summary.source, "nothing")] += 1
                if summary.source == INHERITED:
                    inherited.append((repo.name, f"{source.relative}:{unit.start_line + 1}", unit.qualified_name,
                                      language, summary.text, "\n".join(unit.code.splitlines()[:12])))
    if args.sheet:
        write_sheet(inherited, Path(args.sheet))
    columns = [*SOURCES.values(), "nothing"]
    title = "## Summaries: what the hover says, by source" + (f", {Path(args.repos).name}" if args.by_repo else "")
    lines = [title, "",
             f"`{command_line()}` — every function outside tests of the packages in `{args.repos}`: the share whose "
             "hover line is its documentation, a supertype's (" + ("in any file the hover reads" if args.across_files
                                                                    else "same file") +
             "), the comment above it, a similar documented function's (the summary bank), or none; a constructor, "
             "its class's documentation.", "",
             f"| {'package' if args.by_repo else 'language'} | functions | " + " | ".join(columns) + " |",
             "|---|---:|" + "---:|" * len(columns)]
    for language in [*sorted(counts), "all"]:
        row = sum(counts.values(), Counter()) if language == "all" else counts[language]
        total = sum(row.values())
        lines.append(f"| {language} | {total:,} | " + " | ".join(f"{row[c]:,} ({row[c] / total:.1%})" for c in columns)
                     + " |")
    if args.judged:
        judged = [json.loads(line) for line in open(args.judged)]
        grades = Counter((j["language"], j["grade"]) for j in judged)
        lines += ["", f"The comment lines, read (`{args.judged}`): R right, P true but not of this function alone, "
                  "W wrong.", "", "| language | judged | R | P | W |", "|---|---:|---:|---:|---:|"]
        for language in sorted({j["language"] for j in judged}):
            lines.append(f"| {language} | {sum(grades[(language, g)] for g in 'RPW')} | "
                         + " | ".join(str(grades[(language, g)]) for g in "RPW") + " |")
    if args.judged_inherited:
        judged = [json.loads(line) for line in open(args.judged_inherited)]
        grades = Counter((j["language"], j["grade"]) for j in judged)
        lines += ["", f"The inherited lines, read blind (`{args.judged_inherited}`): R right, P true but generic or of "
                  "the method it overrides rather than this one, W wrong.", "", "| language | judged | R | P | W |",
                  "|---|---:|---:|---:|---:|"]
        for language in [*sorted({j["language"] for j in judged}), "all"]:
            row = {g: sum(n for (lang, grade), n in grades.items() if grade == g and language in (lang, "all"))
                   for g in "RPW"}
            lines.append(f"| {language} | {sum(row.values())} | {row['R']} | {row['P']} | {row['W']} |")
    publish(f"summary-sources-{Path(args.repos).name}" if args.by_repo else "summary-sources", lines,
            write=not args.no_write)


def write_sheet(inherited: list[tuple], sheet: Path) -> None:
    """The inherited lines, shuffled, numbered, for a reader who is not told where they come from; the key beside."""
    rows = list(inherited)
    random.Random(5).shuffle(rows)
    with sheet.open("w") as out, open(f"{sheet}.key.jsonl", "w") as key:
        for number, (package, where, name, language, line, code) in enumerate(rows, 1):
            out.write(f"## {number}. {package} {where} `{name}`\n\n```{language}\n{code}\n```\n\nShown: {line}\n\n")
            key.write(json.dumps({"id": number, "package": package, "where": where, "name": name,
                                  "language": language, "line": line}) + "\n")


if __name__ == "__main__":
    main()
