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
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Sequence

__all__ = [
    "LANGUAGES",
    "JS_PACKAGES",
    "TS_PACKAGES",
    "JAVA_MODULES",
    "RUST_CRATES",
    "ToolError",
    "fetch_corpus",
    "default_packages_file",
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
JAVA_PACKAGE = "openjdk-17-source"
JAVA_MODULES = ("java.base", "java.logging", "java.net.http", "java.sql", "java.xml")
RUST_CRATES = (
    "regex", "regex-syntax", "aho-corasick", "memchr", "serde", "serde-json",
    "clap", "itertools", "rand", "rand-core", "log", "anyhow", "thiserror",
    "syn", "quote", "proc-macro2", "bytes", "hashbrown", "tokio",
)
JS_PACKAGES = (
    "lodash", "express", "axios", "commander", "chalk", "underscore", "moment",
    "async", "yargs", "debug", "eslint",
)
# Packages whose npm tarball ships the TypeScript sources, not just .d.ts files.
TS_PACKAGES = ("rxjs", "zod", "@trpc/server", "@tanstack/query-core")

MARKER = ".leancode-source.json"
MANIFEST = "MANIFEST.json"
#: Files bigger than this are generated tables or bundles, not code worth learning from.
MAX_FILE_BYTES = 1_000_000
#: JavaScript files with a longer average line are minified or bundled.
MAX_AVG_LINE_LENGTH = 300

# Directories of the standard library that hold tests or third-party code.
_STDLIB_EXCLUDED = {"test", "site-packages", "idlelib/idle_test", "lib2to3/tests"}
_STDLIB_EXCLUDED_NAMES = {"tests", "test", "idle_test", "__pycache__"}

_TIMEOUT_DOWNLOAD = 900
_TIMEOUT_SMALL = 300

Log = Callable[[str], None]


class ToolError(RuntimeError):
    """An external tool (apt-get, dpkg, pip, npm) is missing or failed."""


def _default_log(message: str) -> None:
    print(f"[corpus] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- tools

def _run(cmd: Sequence[str], *, cwd: Path | str | None = None,
         timeout: float = _TIMEOUT_SMALL) -> subprocess.CompletedProcess:
    """`subprocess.run(cmd, check=True)` with a readable error when the tool is missing or fails."""
    if shutil.which(cmd[0]) is None and not os.path.isabs(cmd[0]):
        raise ToolError(f"`{cmd[0]}` is not available on this machine (needed for: {' '.join(cmd)})")
    try:
        return subprocess.run(list(cmd), cwd=cwd, check=True, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or exc.stdout or "").strip().splitlines()[-5:]
        raise ToolError(f"`{' '.join(cmd)}` failed with exit status {exc.returncode}: "
                        + " | ".join(tail)) from None
    except subprocess.TimeoutExpired:
        raise ToolError(f"`{' '.join(cmd)}` did not finish within {timeout:.0f} s") from None
    except OSError as exc:
        raise ToolError(f"could not run `{cmd[0]}`: {exc}") from None


class _Apt:
    """`apt-get download` + `dpkg -x`, refreshing the package lists once if a download fails."""

    def __init__(self, log: Log):
        self.log = log
        self._updated = False

    def download(self, package: str, dest: Path) -> Path:
        before = set(dest.glob("*.deb"))
        try:
            _run(["apt-get", "download", "-q", package], cwd=dest, timeout=_TIMEOUT_DOWNLOAD)
        except ToolError as first:
            if self._updated or shutil.which("apt-get") is None:
                raise
            self.log(f"apt-get download {package} failed ({first}); running apt-get update and retrying")
            self._updated = True
            try:
                _run(["apt-get", "update", "-q"], timeout=_TIMEOUT_DOWNLOAD)
            except ToolError as exc:
                raise ToolError(f"{first}; apt-get update also failed: {exc}") from None
            _run(["apt-get", "download", "-q", package], cwd=dest, timeout=_TIMEOUT_DOWNLOAD)
        debs = sorted(set(dest.glob("*.deb")) - before)
        if not debs:
            raise ToolError(f"apt-get download {package} produced no .deb file")
        return debs[0]

    @staticmethod
    def version(deb: Path) -> str:
        return _run(["dpkg-deb", "-f", str(deb), "Version"]).stdout.strip()

    @staticmethod
    def extract(deb: Path, dest: Path) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        _run(["dpkg", "-x", str(deb), str(dest)], timeout=_TIMEOUT_DOWNLOAD)
        return dest

    @staticmethod
    def candidate(package: str) -> str | None:
        """The version apt would install, or None when the package is unknown."""
        try:
            out = _run(["apt-cache", "policy", package]).stdout
        except ToolError:
            return None
        m = re.search(r"Candidate:\s*(\S+)", out)
        return m.group(1) if m and m.group(1) != "(none)" else None


# ---------------------------------------------------------------------- file filters

def _is_utf8_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _avg_line_length(data: bytes) -> float:
    lines = data.count(b"\n") + 1
    return len(data) / lines


def _keep(language: str, rel: PurePosixPath, data: bytes) -> bool:
    """Whether a file at `rel` (relative to its source) is a source file worth keeping."""
    name = rel.name
    if len(data) > MAX_FILE_BYTES or not _is_utf8_text(data):
        return False
    if language == "python":
        return name.endswith(".py")
    if language == "java":
        return name.endswith(".java")
    if language == "go":
        return (name.endswith(".go") and not name.endswith("_test.go")
                and "testdata" not in rel.parts)
    if language == "rust":
        return name.endswith(".rs")
    if language == "javascript":
        if not name.endswith((".js", ".mjs", ".cjs", ".jsx")) or ".min." in name:
            return False
        return _avg_line_length(data) <= MAX_AVG_LINE_LENGTH
    if language == "typescript":
        if not name.endswith((".ts", ".tsx", ".mts", ".cts")):
            return False
        return not name.endswith((".d.ts", ".d.mts", ".d.cts"))
    raise ValueError(f"unknown language: {language}")


class _Sink:
    """Writes kept files of one source into a staging directory and counts them."""

    def __init__(self, language: str, root: Path):
        self.language = language
        self.root = root
        self.files = 0
        self.bytes = 0

    def add(self, rel: str | PurePosixPath, data: bytes) -> None:
        rel = PurePosixPath(rel)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            return
        if not _keep(self.language, rel, data):
            return
        target = self.root.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def add_tree(self, src: Path, *, skip_dir: Callable[[PurePosixPath], bool] | None = None) -> None:
        for dirpath, dirnames, filenames in os.walk(src):
            here = PurePosixPath(Path(dirpath).relative_to(src).as_posix())
            if skip_dir is not None:
                dirnames[:] = [d for d in dirnames if not skip_dir(here / d)]
            dirnames.sort()
            for fname in sorted(filenames):
                path = Path(dirpath, fname)
                if path.is_symlink() or not path.is_file():
                    continue
                try:
                    size = path.stat().st_size
                except OSError:
                    continue
                if size > MAX_FILE_BYTES:
                    continue
                self.add(here / fname if str(here) != "." else PurePosixPath(fname), path.read_bytes())


def _strip_top(name: str) -> str | None:
    """Drops the first path component of an archive member ('pkg-1.0/a/b.py' -> 'a/b.py')."""
    parts = PurePosixPath(name).parts
    return "/".join(parts[1:]) if len(parts) > 1 else None


def _unpack_archive(archive: Path, sink: _Sink, *, strip_top: bool) -> None:
    name = archive.name
    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.is_dir() or info.file_size > MAX_FILE_BYTES:
                    continue
                rel = _strip_top(info.filename) if strip_top else info.filename
                if rel:
                    sink.add(rel, zf.read(info))
    elif name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")):
        with tarfile.open(archive) as tf:
            for member in tf:
                if not member.isfile() or member.size > MAX_FILE_BYTES:
                    continue
                rel = _strip_top(member.name) if strip_top else member.name
                f = tf.extractfile(member)
                if rel and f is not None:
                    sink.add(rel, f.read())
    else:
        raise ToolError(f"don't know how to unpack {archive.name}")


# -------------------------------------------------------------------------- sources

def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "__", name.lstrip("@")) or "source"


class _Fetcher:
    def __init__(self, out_dir: Path, log: Log, work: Path):
        self.out_dir = out_dir
        self.log = log
        self.work = work
        self.apt = _Apt(log)
        self.failures: dict[str, list[str]] = {}

    # -- bookkeeping ---------------------------------------------------------------
    def _source(self, language: str, name: str, build: Callable[[_Sink, Path], dict]) -> None:
        """Builds one source into out_dir/<language>/<slug(name)>, unless it is already there."""
        target = self.out_dir / language / _slug(name)
        marker = target / MARKER
        if marker.is_file():
            info = json.loads(marker.read_text())
            self.log(f"{language}: {name} {info.get('version') or ''} already present "
                     f"({info.get('files')} files), skipping")
            return
        self.log(f"{language}: fetching {name} ...")
        t0 = time.monotonic()
        scratch = Path(tempfile.mkdtemp(prefix=f"{language}-", dir=self.work))
        staging = self.out_dir / language / f".{_slug(name)}.partial"
        try:
            if staging.exists():
                shutil.rmtree(staging)
            staging.mkdir(parents=True)
            sink = _Sink(language, staging)
            info = build(sink, scratch)
            if sink.files == 0:
                raise ToolError(f"no {language} source files found in {name}")
            info = {"name": name, **info, "files": sink.files, "bytes": sink.bytes}
            (staging / MARKER).write_text(json.dumps(info, indent=2) + "\n")
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
            self.log(f"{language}: {name} {info.get('version') or ''}: {sink.files} files, "
                     f"{sink.bytes / 1e6:.1f} MB in {time.monotonic() - t0:.0f} s")
        except Exception as exc:  # reported at the end; the other sources go on
            msg = f"{name}: {exc}"
            self.failures.setdefault(language, []).append(msg)
            self.log(f"{language}: FAILED {msg}")
            shutil.rmtree(staging, ignore_errors=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    # -- python ----------------------------------------------------------------------
    def python(self, packages: Sequence[str]) -> None:
        self._source("python", "stdlib", self._python_stdlib)
        for package in packages:
            self._source("python", package, lambda sink, tmp, p=package: self._pypi(p, sink, tmp))

    @staticmethod
    def _python_stdlib(sink: _Sink, tmp: Path) -> dict:
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        if not stdlib.is_dir():
            raise ToolError(f"standard library not found at {stdlib}")

        def skip(rel: PurePosixPath) -> bool:
            return (str(rel) in _STDLIB_EXCLUDED or rel.name in _STDLIB_EXCLUDED_NAMES
                    or rel.name.startswith("config-"))

        sink.add_tree(stdlib, skip_dir=skip)
        return {"kind": "python-stdlib", "version": sys.version.split()[0],
                "origin": str(stdlib)}

    @staticmethod
    def _pypi(package: str, sink: _Sink, tmp: Path) -> dict:
        base = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                "--disable-pip-version-check", "--dest", str(tmp)]
        kind = "sdist"
        try:
            _run(base + ["--no-binary", ":all:", package], timeout=_TIMEOUT_SMALL)
        except ToolError as exc:
            kind = "wheel"
            for f in tmp.iterdir():
                f.unlink() if f.is_file() else shutil.rmtree(f)
            try:
                _run(base + ["--only-binary", ":all:", package], timeout=_TIMEOUT_SMALL)
            except ToolError as exc2:
                raise ToolError(f"sdist: {exc}; wheel: {exc2}") from None
        archives = [f for f in tmp.iterdir() if f.is_file()]
        if not archives:
            raise ToolError(f"pip download {package} produced no file")
        archive = archives[0]
        _unpack_archive(archive, sink, strip_top=(kind == "sdist"))
        return {"kind": f"pypi-{kind}", "version": _pypi_version(archive.name),
                "origin": archive.name}

    # -- java --------------------------------------------------------------------------
    def java(self) -> None:
        self._source("java", "openjdk-17", self._java)

    def _java(self, sink: _Sink, tmp: Path, modules: tuple[str, ...] | None = JAVA_MODULES) -> dict:
        """The JDK's sources of `modules` (None: every module)."""
        deb = self.apt.download(JAVA_PACKAGE, tmp)
        version = self.apt.version(deb)
        root = self.apt.extract(deb, tmp / "x")
        deb.unlink()
        zips = sorted(root.rglob("src.zip"))
        if not zips:
            raise ToolError(f"no src.zip inside {JAVA_PACKAGE}")
        with zipfile.ZipFile(zips[0]) as zf:
            for info in zf.infolist():
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or len(parts) < 2 or modules is not None and parts[0] not in modules:
                    continue
                if info.filename.endswith(".java") and info.file_size <= MAX_FILE_BYTES:
                    sink.add(info.filename, zf.read(info))
        return {"kind": "debian", "package": JAVA_PACKAGE, "version": version,
                "modules": list(modules) if modules is not None else "all"}

    # -- go ----------------------------------------------------------------------------
    def go(self) -> None:
        self._source("go", "go-stdlib", self._go)

    def _go_package(self) -> str:
        """The newest versioned golang-X.Y-src package apt knows about."""
        try:
            out = _run(["apt-cache", "search", "--names-only", r"^golang-[0-9.]+-src$"]).stdout
        except ToolError:
            out = ""
        names = re.findall(r"^(golang-([0-9.]+)-src)\s", out, flags=re.M)
        if names:
            return max(names, key=lambda n: tuple(int(x) for x in n[1].split(".") if x))[0]
        # golang-src is a metapackage that depends on the versioned one.
        dep = _run(["apt-cache", "depends", "golang-src"]).stdout
        m = re.search(r"Depends:\s*(golang-[0-9.]+-src)", dep)
        if not m:
            raise ToolError("no golang-*-src package found with apt-cache")
        return m.group(1)

    def _go(self, sink: _Sink, tmp: Path) -> dict:
        package = self._go_package()
        deb = self.apt.download(package, tmp)
        version = self.apt.version(deb)
        root = self.apt.extract(deb, tmp / "x")
        deb.unlink()
        srcs = [p for p in root.rglob("src") if p.is_dir() and (p / "runtime").is_dir()]
        if not srcs:
            raise ToolError(f"no src/runtime directory inside {package}")
        sink.add_tree(srcs[0], skip_dir=lambda rel: rel.name == "testdata")
        return {"kind": "debian", "package": package, "version": version}

    # -- rust --------------------------------------------------------------------------
    def rust(self, crates: Iterable[str]) -> None:
        for crate in crates:
            self._source("rust", crate, lambda sink, tmp, c=crate: self._rust(c, sink, tmp))

    def _rust(self, crate: str, sink: _Sink, tmp: Path) -> dict:
        package = f"librust-{crate}-dev"
        deb = self.apt.download(package, tmp)
        version = self.apt.version(deb)
        root = self.apt.extract(deb, tmp / "x")
        registry = root / "usr" / "share" / "cargo" / "registry"
        dirs = sorted(p for p in registry.glob("*") if p.is_dir()) if registry.is_dir() else []
        if not dirs:
            raise ToolError(f"no usr/share/cargo/registry/* inside {package}")
        for d in dirs:
            sink.add_tree(d)
        return {"kind": "debian", "package": package, "version": version,
                "crate": ", ".join(d.name for d in dirs)}

    # -- javascript / typescript ----------------------------------------------------------
    def npm(self, language: str, packages: Iterable[str]) -> None:
        for package in packages:
            self._source(language, package, lambda sink, tmp, p=package: self._npm(p, sink, tmp))

    @staticmethod
    def _npm(package: str, sink: _Sink, tmp: Path) -> dict:
        out = _run(["npm", "pack", "--json", "--ignore-scripts", package], cwd=tmp,
                   timeout=_TIMEOUT_SMALL).stdout
        try:
            meta = json.loads(out[out.index("["):])[0]
            tarball = tmp / meta["filename"]
            version = meta.get("version")
        except (ValueError, KeyError, IndexError):
            tgzs = sorted(tmp.glob("*.tgz"))
            if not tgzs:
                raise ToolError(f"npm pack {package} produced no tarball") from None
            tarball, version = tgzs[0], None
        _unpack_archive(tarball, sink, strip_top=True)  # npm tarballs nest under package/
        return {"kind": "npm", "version": version, "origin": tarball.name}


def _pypi_version(filename: str) -> str | None:
    stem = re.sub(r"\.(tar\.gz|tar\.bz2|zip|whl|tgz)$", "", filename)
    parts = stem.split("-")
    return parts[1] if len(parts) > 1 else None


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

def default_packages_file() -> Path | None:
    """``../shared/data/corpus/python-packages.txt`` next to the repository, if it exists."""
    repo = Path(__file__).resolve().parents[1]
    for base in (repo, Path.cwd()):
        candidate = (base / ".." / "shared" / "data" / "corpus" / "python-packages.txt").resolve()
        if candidate.is_file():
            return candidate
    return None


def _read_packages(path: Path | None, count: int, log: Log) -> list[str]:
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
    fetcher = _Fetcher(out, log, work)
    try:
        for language in languages:
            if language == "python":
                pfile = Path(packages_file) if packages_file is not None else default_packages_file()
                try:
                    packages = _read_packages(pfile, python_packages, log)
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
