"""Download real source code to build importance tables from.

`fetch_corpus(out_dir)` fills ``out_dir/<language>/<source>/...`` for the six
languages LeanCode supports, using only package registries (PyPI, Debian apt, npm)
and the running interpreter:

* python:     the standard library of the running interpreter (tests excluded) plus the
              first few packages of a package list, as sdists (wheels as a fallback);
* java:       JDK 17 sources from Debian's ``openjdk-17-source`` (a few modules of src.zip);
* go:         the Go standard library from Debian's ``golang-<ver>-src`` (no tests, no testdata);
* rust:       crate sources from Debian ``librust-*-dev`` packages;
* javascript: npm tarballs of popular packages (minified files skipped);
* typescript: npm tarballs that ship their ``.ts`` sources (``.d.ts`` skipped).

Only source files of the language are kept. Every finished source directory holds a
``.leancode-source.json`` marker; sources with a marker are skipped on later runs, so
re-running resumes where a previous run stopped. A failing tool (no apt-get, no npm,
a package missing from the registry) is reported and the other sources go on; the
failures are listed at the end and in ``out_dir/MANIFEST.json``, which also lists, per
language, every source with its version and file count.

The CLI hook is `add_corpus_parser` / `run_corpus`
(``leancode-train corpus --out DIR [--language L ...]``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Iterable

from .fetch import JAVA_MODULES, JS_PACKAGES, MARKER, RUST_CRATES, TS_PACKAGES, Fetcher, Log, ToolError

__all__ = [
    "LANGUAGES",
    "JS_PACKAGES",
    "TS_PACKAGES",
    "JAVA_MODULES",
    "RUST_CRATES",
    "ToolError",
    "fetch_corpus",
    "default_packages_file",
    "read_packages",
    "shared_data_file",
    "add_corpus_parser",
    "run_corpus",
]

LANGUAGES: tuple[str, ...] = ("python", "java", "javascript", "typescript", "go", "rust")

#: How many packages of the python package list are downloaded by default.
DEFAULT_PYTHON_PACKAGES = 8
#: Used when no package list is given and none is found next to the repository.
FALLBACK_PYTHON_PACKAGES = (
    "requests", "urllib3", "idna", "certifi", "packaging", "six", "click", "attrs",
)
MANIFEST = "MANIFEST.json"


def _default_log(message: str) -> None:
    print(f"[corpus] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------ manifest

def _write_manifest(out_dir: Path, failures: dict[str, list[str]]) -> dict:
    languages: dict[str, dict] = {}
    for language in LANGUAGES:
        lang_dir = out_dir / language
        if not lang_dir.is_dir():
            continue
        sources = []
        for marker in sorted(lang_dir.glob(f"*/{MARKER}")):
            try:
                sources.append(json.loads(marker.read_text()))
            except (OSError, ValueError):
                continue
        languages[language] = {
            "files": sum(s.get("files", 0) for s in sources),
            "bytes": sum(s.get("bytes", 0) for s in sources),
            "sources": sources,
        }
    manifest = {
        "generated": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "languages": languages,
        "total_files": sum(v["files"] for v in languages.values()),
        "total_bytes": sum(v["bytes"] for v in languages.values()),
        "failures": failures,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# ------------------------------------------------------------------------------ API

def shared_data_file(*parts: str) -> Path | None:
    """``../shared/<parts>`` next to the repository (or the working directory), if it is a file."""
    repo = Path(__file__).resolve().parents[1]
    for base in (repo, Path.cwd()):
        candidate = base.joinpath("..", "shared", *parts).resolve()
        if candidate.is_file():
            return candidate
    return None


def default_packages_file() -> Path | None:
    """``../shared/data/corpus/python-packages.txt`` next to the repository, if it exists."""
    return shared_data_file("data", "corpus", "python-packages.txt")


def read_packages(path: Path | None, count: int, log: Log) -> list[str]:
    if count <= 0:
        return []
    if path is None:
        log(f"python: no package list found; using {', '.join(FALLBACK_PYTHON_PACKAGES[:count])}")
        return list(FALLBACK_PYTHON_PACKAGES[:count])
    names = []
    for line in Path(path).read_text().splitlines():
        name = line.split("#", 1)[0].strip()
        if name and name not in names:
            names.append(name)
    return names[:count]


def fetch_corpus(
    out_dir: str | os.PathLike,
    languages: Iterable[str] = LANGUAGES,
    *,
    packages_file: str | os.PathLike | None = None,
    python_packages: int = DEFAULT_PYTHON_PACKAGES,
    log: Log | None = None,
) -> dict:
    """Downloads and unpacks source code into ``out_dir/<language>/<source>/``.

    `languages` picks a subset of `LANGUAGES`. `packages_file` is the PyPI package list
    (one name a line; the first `python_packages` are fetched), by default
    `default_packages_file()`. Sources already present are skipped. Failures don't stop the
    run: they are logged, listed at the end and stored under "failures" in
    ``out_dir/MANIFEST.json``. Returns the manifest.
    """
    log = log or _default_log
    languages = list(dict.fromkeys(languages))
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language(s) {unknown}; choose from {list(LANGUAGES)}")
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    work.mkdir(exist_ok=True)
    t0 = time.monotonic()
    fetcher = Fetcher(out, log, work)
    try:
        for language in languages:
            if language == "python":
                pfile = Path(packages_file) if packages_file is not None else default_packages_file()
                try:
                    packages = read_packages(pfile, python_packages, log)
                except OSError as exc:
                    fetcher.failures.setdefault("python", []).append(f"package list: {exc}")
                    packages = []
                fetcher.python(packages)
            elif language == "java":
                fetcher.java()
            elif language == "go":
                fetcher.go()
            elif language == "rust":
                fetcher.rust(RUST_CRATES)
            elif language == "javascript":
                fetcher.npm("javascript", JS_PACKAGES)
            elif language == "typescript":
                fetcher.npm("typescript", TS_PACKAGES)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    manifest = _write_manifest(out, fetcher.failures)
    for language in languages:
        entry = manifest["languages"].get(language, {"files": 0, "bytes": 0, "sources": []})
        log(f"{language}: {entry['files']} files, {entry['bytes'] / 1e6:.1f} MB "
            f"from {len(entry['sources'])} sources")
    if fetcher.failures:
        log("failures:")
        for language, msgs in fetcher.failures.items():
            for msg in msgs:
                log(f"  {language}: {msg}")
    log(f"done in {time.monotonic() - t0:.0f} s; manifest: {out / MANIFEST}")
    return manifest


# ------------------------------------------------------------------------------ CLI

def add_corpus_parser(subparsers) -> argparse.ArgumentParser:
    """Adds the ``corpus`` sub-command to an argparse `subparsers` object."""
    parser = subparsers.add_parser(
        "corpus",
        help="download real source code (PyPI, Debian, npm) to build importance tables from",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--language", action="append", choices=LANGUAGES, dest="languages",
                        metavar="L", help=f"language to fetch, repeatable (default: all of "
                        f"{', '.join(LANGUAGES)})")
    parser.add_argument("--packages-file", type=Path, default=None,
                        help="PyPI package list, one name a line (default: "
                        "../shared/data/corpus/python-packages.txt next to the repository)")
    parser.add_argument("--python-packages", type=int, default=DEFAULT_PYTHON_PACKAGES,
                        metavar="N", help="how many packages of the list to fetch "
                        f"(default: {DEFAULT_PYTHON_PACKAGES})")
    parser.set_defaults(func=run_corpus)
    return parser


def run_corpus(args: argparse.Namespace) -> int:
    """Runs the ``corpus`` sub-command; returns 1 when some source failed, else 0."""
    manifest = fetch_corpus(
        args.out,
        args.languages or LANGUAGES,
        packages_file=args.packages_file,
        python_packages=args.python_packages,
    )
    return 1 if manifest["failures"] else 0
