"""Mining a code-summarization corpus: CodeSearchNet-style (code, first sentence) pairs.

``leancode-train mine --out DIR`` takes every function or method that has a docstring
(a Javadoc, JSDoc/TSDoc ``/** */``, Go ``//`` or Rust ``///`` doc comment elsewhere) from

* python: the standard library of the running interpreter and the first
  ``--max-packages`` packages of ``../shared/data/corpus/python-packages.txt``, downloaded
  from PyPI with pip (wheels, sdists as a fallback: `training.fetch` does the fetching);
* java:   every module of the JDK sources in Debian's ``openjdk-17-source``;
* go:     the Go standard library (Debian's ``golang-<ver>-src``) and the Debian Go modules of `GO_MODULES`;
* rust:   the crates of Debian's ``librust-<crate>-dev`` packages (`RUST_CRATES` + `MORE_RUST_CRATES`);
* javascript, typescript: npm packages (`JS_PACKAGES`/`TS_PACKAGES` + the `MORE_` lists below);

and writes, per language, ``DIR/<language>/{train,valid,test}.jsonl`` in the benchmark's
summary format (``../shared/docs/benchmark-format.md``) plus provenance::

    {"idx": "py-5", "code": ..., "language": "python", "summary": "Add one to x.",
     "package": "requests", "path": "src/requests/api.py", "name": "Session.get"}

``code`` is the function without its docstring and ``summary`` the docstring's first
sentence (`leancode.docstrings.first_sentence`: reST roles, Javadoc inline tags and HTML
stripped). Cleaning (`training.cleaning`) follows CodeSearchNet (Husain et al., 2019) and
CodeXGLUE's code-to-text filters; the thresholds are the fields of `Thresholds`, recorded
in ``DIR/MANIFEST.json``:

* test code: files under a ``test``/``tests``/``testing``/``__tests__``/``benches`` directory,
  ``test_*.py``, ``*_test.py``, ``conftest.py``, ``*Test(s).java``, ``Test*.java``, ``*_test.go``,
  ``*.test.js``/``*.spec.ts``; functions whose name starts with ``test``; vendored copies
  (``_vendor``, ``vendored``, ``third_party``, ``node_modules`` ...); built JavaScript/TypeScript
  copies (``dist``, ``umd``, ``esm`` ...);
* constructors and standard extension methods (Python dunders, Java constructors,
  ``toString``/``equals``/``hashCode``, JavaScript ``constructor``, Go ``String``/``Error``, Rust
  trait methods such as ``fmt``/``clone``/``eq`` and ``new``/``default``), as CodeSearchNet does;
* trivial functions: fewer than 3 lines of code (blank, comment, decorator/annotation and
  brace-only lines not counted), or a body that is one trivial statement (``pass``,
  ``...``, ``return x``/``return self.x``/a literal, ``self.x = y``, ``raise
  NotImplementedError``, ``throw new UnsupportedOperationException``);
* over-long functions: more than 256 lexical tokens (``\\w+`` or one punctuation
  character) or more than 2,000 characters;
* summaries that are empty, under 3 or over 40 words, more than 5% non-ASCII (not
  English), with a URL, or TODO/FIXME/deprecated notes;
* duplicates (code equal once all whitespace is removed; the first source in task order
  keeps it: the standard library/JDK, then packages in list order) and any function equal,
  in the same sense, to one of the CoSQA codebase (with or without its decorators).

Splits are by package: a PyPI package, a top-level module of the standard library
(``stdlib:email``), a JDK package prefix of at most three names (``jdk:java.util.concurrent``)
or a Go standard library import path of at most two names (``gostd:net/http``) goes whole to train, valid or test (80/10/10 by a seeded hash of its name).

Per-source results are cached under the work directory (``--work``, default
``DIR/.work``): a rerun skips finished sources and only reassembles the splits. A source
that cannot be downloaded is recorded in the manifest and skipped.

Modules: `training.mine_source` mines one source and assembles the splits,
`training.mine_pool` runs the sources in worker processes, this module drives a run
(`mine_corpus`, in steps) and holds the CLI.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from tqdm import tqdm

from leancode.sources import file_sha256

from .cleaning import Thresholds
from .corpus import default_packages_file, read_packages, shared_data_file
from .fetch import JS_PACKAGES, RUST_CRATES, TS_PACKAGES
from .mine_pool import MineTask, read_cache, run_tasks
from .mine_source import LANGUAGES, SPLIT_FRACTIONS, SPLITS, SourceResult, assemble, load_cosqa_keys

__all__ = ["MINER_VERSION", "LANGUAGES", "SPLITS", "mine_corpus", "default_cosqa_file", "add_mine_parser",
           "run_mine"]

#: Bumped whenever mining or cleaning changes, so cached per-source results are redone.
MINER_VERSION = "2"
DEFAULT_MAX_PACKAGES = 150
IDX_PREFIX = {"python": "py", "java": "java", "javascript": "js", "typescript": "ts", "go": "go", "rust": "rs"}
#: Debian packages of Go modules (``/usr/share/gocode/src``), mined beside the Go standard library.
GO_MODULES = (
    "golang-golang-x-tools-dev", "golang-golang-x-net-dev", "golang-golang-x-crypto-dev", "golang-golang-x-text-dev",
    "golang-github-spf13-cobra-dev", "golang-github-stretchr-testify-dev", "golang-github-gorilla-mux-dev",
    "golang-github-sirupsen-logrus-dev", "golang-github-prometheus-client-golang-dev", "golang-google-grpc-dev",
    "golang-google-protobuf-dev", "golang-github-pkg-errors-dev", "golang-gopkg-yaml.v3-dev",
    "golang-github-spf13-pflag-dev", "golang-github-spf13-viper-dev", "golang-github-google-go-cmp-dev",
    "golang-github-hashicorp-go-multierror-dev", "golang-github-hashicorp-hcl-dev", "golang-github-gin-gonic-gin-dev",
    "golang-github-go-sql-driver-mysql-dev", "golang-github-lib-pq-dev", "golang-github-miekg-dns-dev",
    "golang-github-klauspost-compress-dev", "golang-github-burntsushi-toml-dev", "golang-github-urfave-cli-dev",
    "golang-github-gorilla-websocket-dev", "golang-github-prometheus-common-dev", "golang-github-minio-minio-go-v7-dev",
    "golang-etcd-server-dev", "golang-github-go-git-go-git-dev", "golang-github-google-uuid-dev",
    "golang-github-cilium-ebpf-dev", "golang-github-containerd-containerd-dev", "golang-github-docker-docker-dev",
)
#: Crates from Debian's librust-<crate>-dev packages, beside those `training.corpus` fetches.
MORE_RUST_CRATES = (
    "tokio-util", "futures-util", "futures-core", "hyper", "http", "serde-derive", "serde-yaml", "toml", "chrono",
    "time", "url", "percent-encoding", "base64", "sha2", "digest", "num-traits", "num-bigint", "rayon", "rayon-core",
    "crossbeam-channel", "crossbeam-utils", "parking-lot", "once-cell", "lazy-static", "nix", "mio", "bitflags",
    "smallvec", "indexmap", "petgraph", "nom", "bstr", "walkdir", "glob", "tempfile", "env-logger", "tracing",
    "tracing-core", "tracing-subscriber", "async-trait", "pin-project", "rustls", "image", "flate2", "zip", "csv",
    "uuid", "semver", "heck", "strsim", "textwrap", "termcolor", "either", "fnv", "ahash", "arrayvec", "bytemuck",
    "regex-automata", "unicode-segmentation", "unicode-width", "ignore", "globset", "grep-searcher", "toml-edit",
    "tokio-stream", "futures-channel", "futures-executor", "h2", "tower",
)
#: npm packages beside those `training.corpus` fetches: libraries documented with JSDoc ...
MORE_JS_PACKAGES = (
    "webpack", "three", "jquery", "backbone", "mocha", "chai", "sinon", "mongoose", "knex", "sequelize", "jsdom",
    "selenium-webdriver", "nodemailer", "node-forge", "leaflet", "ol", "phaser", "ramda", "q", "bluebird", "koa",
    "connect", "ws", "ejs", "less", "postcss", "jshint", "escodegen", "luxon", "d3-array", "d3-scale", "d3-shape",
    "d3-selection", "handlebars", "marked", "markdown-it", "cheerio", "htmlparser2", "pako", "jszip", "bn.js",
    "elliptic", "decimal.js", "mathjs", "numeral", "socket.io-client", "superagent", "request", "mime", "qs",
    "body-parser", "send", "serve-static", "minimatch", "glob", "fs-extra", "semver", "uuid", "validator",
    "highlight.js", "esprima", "estraverse", "recast", "yjs", "prosemirror-model", "prosemirror-state",
)
#: ... and packages whose npm tarball ships TypeScript sources.
MORE_TS_PACKAGES = (
    "effect", "fp-ts", "io-ts", "immer", "mobx", "@reduxjs/toolkit", "redux", "@tanstack/router-core",
    "@tanstack/table-core", "@tanstack/virtual-core", "@tanstack/store", "@tanstack/form-core", "@tanstack/history",
    "ky", "vscode-languageserver", "vscode-jsonrpc", "@angular/core", "typeorm", "drizzle-orm", "valibot",
)

Log = Callable[[str], None]


def default_cosqa_file() -> Path | None:
    """``../shared/data/cosqa-dev/codebase.jsonl`` next to the repository, if it exists."""
    return shared_data_file("data", "cosqa-dev", "codebase.jsonl")


def mine_corpus(
    out_dir: str | os.PathLike,
    languages: Iterable[str] = LANGUAGES,
    *,
    packages_file: str | os.PathLike | None = None,
    max_packages: int = DEFAULT_MAX_PACKAGES,
    cosqa: str | os.PathLike | None = None,
    work: str | os.PathLike | None = None,
    stdlib: bool = True,
    jdk: bool = True,
    registry_sources: bool = True,
    local_sources: Sequence[str | os.PathLike] = (),
    npm_packages: Sequence[str] = (),
    seed: int = 0,
    workers: int = 4,
    keep_sources: bool = False,
    thresholds: Thresholds = Thresholds(),
    command: str | None = None,
    progress: bool = True,
    log: Log | None = None,
) -> dict:
    """Mines, cleans, dedupes and splits; writes ``out_dir/<language>/*.jsonl`` and the manifest.

    Sources: the standard library (`stdlib`) and the first `max_packages` of `packages_file`
    for python, the JDK (`jdk`) for java, with `registry_sources` the Go standard library and
    Debian's Go modules, Debian's Rust crates and npm's JavaScript and TypeScript packages
    (the lists above, or `npm_packages` instead of the npm lists), and any `local_sources` directories (each one a
    package, for every language). `cosqa` is a ``codebase.jsonl`` whose functions are
    dropped. Returns the manifest (also written to ``out_dir/MANIFEST.json``).
    """
    log = log or (lambda message: tqdm.write(f"[mine] {message}", file=sys.stderr))
    languages = list(dict.fromkeys(languages))
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language(s) {unknown}; choose from {list(LANGUAGES)}")
    t0 = time.monotonic()
    out = Path(out_dir).resolve()
    work_dir = Path(work).resolve() if work is not None else out / ".work"
    work_dir.mkdir(parents=True, exist_ok=True)
    cache_key = hashlib.sha256(json.dumps(
        [MINER_VERSION, dataclasses.asdict(thresholds)]).encode()).hexdigest()[:16]

    cosqa_path = Path(cosqa) if cosqa is not None else default_cosqa_file()
    if cosqa_path is None:
        log("no CoSQA codebase found: overlap with it is not checked")
    cosqa_keys = load_cosqa_keys(cosqa_path) if cosqa_path is not None else set()
    packages = _python_packages(languages, packages_file, max_packages, log)

    def task(language, name, kind, grouping, path=None):
        return MineTask(language=language, name=name, kind=kind, grouping=grouping, work=str(work_dir),
                        cache_key=cache_key, thresholds=thresholds, path=path, keep_sources=keep_sources)

    tasks = _source_tasks(task, languages, packages, stdlib, jdk, registry_sources, local_sources, npm_packages)
    outcomes = run_tasks(tasks, workers, progress, log)

    manifest_path = out / "MANIFEST.json"
    try:
        previous = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        previous = {}
    generated = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    entries = dict(previous.get("languages", {}))
    for language in languages:
        entry = _mine_language(language, [t for t in tasks if t.language == language], outcomes, cache_key,
                               cosqa_keys, seed, out / language, log)
        entries[language] = {"generated": generated, "command": command, **entry}
    manifest = {
        "kind": "leancode summarization corpus",
        "format": "benchmark-format.md code summarization, plus package/path/name provenance",
        "miner_version": MINER_VERSION,
        "generated": generated,
        "command": command,
        "languages": entries,
        "thresholds": dataclasses.asdict(thresholds),
        "split": {"unit": "package (stdlib: top-level module; JDK: package prefix of <= 3 names)",
                  "fractions": dict(zip(SPLITS, SPLIT_FRACTIONS)), "seed": seed,
                  "hash": "sha256(f'{seed}:{package}')"},
        "dedupe": "code with all whitespace removed; the first source in task order keeps it",
        "cosqa": ({"path": str(cosqa_path), "sha256": file_sha256(cosqa_path),
                   "functions": sum(1 for line in open(cosqa_path, encoding="utf-8") if line.strip())}
                  if cosqa_path is not None else None),
        "python": sys.version.split()[0],
        "elapsed_s": round(time.monotonic() - t0, 1),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _mine_language(language: str, tasks: list[MineTask], outcomes: dict[MineTask, dict], cache_key: str,
                   cosqa_keys: set[str], seed: int, lang_dir: Path, log: Log) -> dict:
    """Assembles one language's cached results into its split files; returns its manifest entry."""
    results, sources, failures = _language_results(tasks, outcomes, cache_key)
    splits, drops = assemble(results, cosqa_keys=cosqa_keys, seed=seed)
    _write_splits(lang_dir, splits, IDX_PREFIX[language])
    functions = sum(r.functions for r in results)
    log(f"{language}: {functions} functions from {len(sources)} sources "
        f"({len(failures)} failed) -> " + ", ".join(f"{s} {len(splits[s])}" for s in SPLITS))
    return {
        "functions": functions,
        "pairs": {split: len(splits[split]) for split in SPLITS},
        "packages": {split: len({p.package for p in splits[split]}) for split in SPLITS},
        "drops": dict(sorted(drops.items())),
        "sources": sources,
        "failures": failures,
    }


def _python_packages(languages: list[str], packages_file, max_packages: int, log: Log) -> list[str]:
    """The first `max_packages` names of the package list (none when python is not mined)."""
    if "python" not in languages or max_packages <= 0:
        return []
    pfile = Path(packages_file) if packages_file is not None else default_packages_file()
    if pfile is None:
        raise FileNotFoundError("no package list: pass --packages-file")
    return read_packages(pfile, max_packages, log)


def _source_tasks(task: Callable[..., MineTask], languages: list[str], packages: list[str], stdlib: bool,
                  jdk: bool, registry: bool, local_sources: Sequence[str | os.PathLike],
                  npm_packages: Sequence[str] = ()) -> list[MineTask]:
    """One task per source, in dedupe order: the standard library/JDK, the packages in list order, local ones."""
    tasks: list[MineTask] = []
    local = _local_names(local_sources)
    for language in languages:
        if language == "python":
            if stdlib:
                tasks.append(task("python", "stdlib", "stdlib", "stdlib"))
            tasks += [task("python", name, "pypi", "package") for name in packages]
        elif language == "java" and jdk:
            tasks.append(task("java", "openjdk-17", "jdk", "jdk"))
        elif registry and language == "go":
            tasks.append(task("go", "go-stdlib", "gostd", "gostd"))
            tasks += [task("go", name, "godeb", "package") for name in GO_MODULES]
        elif registry and language == "rust":
            tasks += [task("rust", name, "rust", "package") for name in dict.fromkeys(RUST_CRATES + MORE_RUST_CRATES)]
        elif registry and language in ("javascript", "typescript"):
            listed = tuple(npm_packages) or (JS_PACKAGES + MORE_JS_PACKAGES if language == "javascript"
                                             else TS_PACKAGES + MORE_TS_PACKAGES)
            tasks += [task(language, name, "npm", "package") for name in dict.fromkeys(listed)]
        for name, path in local.items():
            tasks.append(task(language, name, "local", "package", str(path)))
    return tasks


def _local_names(local_sources: Sequence[str | os.PathLike]) -> dict[str, Path]:
    """Each local source by its package name: its folder's name, with as many parent folders as tell it apart from
    the others' (`--source a/src --source b/src`: `a/src`, `b/src`; one name for both mixed their pairs)."""
    paths = list(dict.fromkeys(Path(p).resolve() for p in local_sources))
    for path in paths:
        if not path.is_dir():
            raise FileNotFoundError(f"local source is not a directory: {path}")

    def tail(path: Path, parts: int) -> str:
        return "/".join(path.parts[-parts:])

    names = {}
    for path in paths:
        parts = 1
        while parts < len(path.parts) and any(tail(o, parts) == tail(path, parts) for o in paths if o != path):
            parts += 1
        names[tail(path, parts)] = path
    return names


def _language_results(tasks: list[MineTask], outcomes: dict[MineTask, dict],
                      cache_key: str) -> tuple[list[SourceResult], list[dict], list[dict]]:
    """The cached results of one language's tasks, the manifest's record of each source, and the failures."""
    results, sources, failures = [], [], []
    for t in tasks:
        outcome = outcomes[t]
        data = read_cache(t.cache, cache_key) if outcome["status"] != "failed" else None
        if data is None:
            failures.append({"name": t.name, "kind": t.kind, "error": outcome.get("error", "cache could not be read")})
            continue
        result = SourceResult.from_json(data)
        results.append(result)
        sources.append({"name": t.name, **result.info, "files": result.files, "functions": result.functions,
                        "candidates": len(result.pairs)})
    return results, sources, failures


def _write_splits(lang_dir: Path, splits: dict, prefix: str) -> None:
    """``lang_dir/<split>.jsonl``, idx numbered across the splits in order; each file replaced whole."""
    lang_dir.mkdir(parents=True, exist_ok=True)
    number = 0
    for split in SPLITS:
        partial = lang_dir / f"{split}.jsonl.partial"
        with open(partial, "w", encoding="utf-8") as f:
            for pair in splits[split]:
                f.write(json.dumps(pair.record(f"{prefix}-{number}"), ensure_ascii=False) + "\n")
                number += 1
        partial.replace(lang_dir / f"{split}.jsonl")


# ------------------------------------------------------------------------------------ CLI

def add_mine_parser(subparsers) -> argparse.ArgumentParser:
    """Adds the ``mine`` sub-command to an argparse `subparsers` object."""
    parser = subparsers.add_parser(
        "mine", help="mine (code, first doc sentence) pairs in six languages from PyPI, npm and Debian packages",
        description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    parser.add_argument("--language", action="append", choices=LANGUAGES, dest="languages",
                        help="language to mine, repeatable (default: all six)")
    parser.add_argument("--packages-file", type=Path, default=None,
                        help="PyPI package list, one name a line (default: "
                             "../shared/data/corpus/python-packages.txt next to the repository)")
    parser.add_argument("--max-packages", type=int, default=DEFAULT_MAX_PACKAGES, metavar="N",
                        help=f"mine the first N packages of the list (default: {DEFAULT_MAX_PACKAGES})")
    parser.add_argument("--cosqa", type=Path, default=None, metavar="FILE",
                        help="drop functions of this codebase.jsonl (default: "
                             "../shared/data/cosqa-dev/codebase.jsonl next to the repository)")
    parser.add_argument("--work", type=Path, default=None, metavar="DIR",
                        help="downloads and per-source cache, for resuming (default: OUT/.work)")
    parser.add_argument("--source", action="append", default=[], dest="local_sources", metavar="DIR",
                        help="also mine this local directory as one package (repeatable)")
    parser.add_argument("--stdlib", action=argparse.BooleanOptionalAction, default=True,
                        help="mine the Python standard library (default: yes)")
    parser.add_argument("--jdk", action=argparse.BooleanOptionalAction, default=True,
                        help="mine the JDK sources for java (default: yes)")
    parser.add_argument("--registry-sources", action=argparse.BooleanOptionalAction, default=True,
                        help="mine the Go, Rust, JavaScript and TypeScript packages of the lists in "
                             "training/mine.py (Debian and npm; default: yes)")
    parser.add_argument("--npm-package", action="append", default=[], dest="npm_packages", metavar="NAME",
                        help="mine this npm package instead of the JavaScript/TypeScript lists (repeatable)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the package split (default: 0)")
    parser.add_argument("--workers", type=int, default=4,
                        help="sources fetched and mined at once (default: 4)")
    parser.add_argument("--keep-sources", action="store_true",
                        help="keep the unpacked sources under the work directory")
    parser.set_defaults(func=run_mine)
    return parser


def run_mine(args: argparse.Namespace) -> int:
    """Runs the ``mine`` sub-command; returns 1 when a language got no pairs at all, else 0."""
    manifest = mine_corpus(
        args.out, args.languages or LANGUAGES, packages_file=args.packages_file,
        max_packages=args.max_packages, cosqa=args.cosqa, work=args.work, stdlib=args.stdlib,
        jdk=args.jdk, registry_sources=args.registry_sources, local_sources=args.local_sources,
        npm_packages=args.npm_packages, seed=args.seed, workers=args.workers,
        keep_sources=args.keep_sources, command=getattr(args, "command", None))
    for language in args.languages or LANGUAGES:
        entry = manifest["languages"][language]
        print(f"{language}: " + ", ".join(f"{s} {entry['pairs'][s]}" for s in SPLITS)
              + f" ({len(entry['sources'])} sources, {len(entry['failures'])} failed)")
    empty = [lang for lang in args.languages or LANGUAGES
             if sum(manifest["languages"][lang]["pairs"].values()) == 0]
    return 1 if empty else 0
