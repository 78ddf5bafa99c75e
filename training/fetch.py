"""Fetching one source of real code into a directory: the registries' tools (pip, apt-get/dpkg, npm), the
filters that keep a language's source files, and `Fetcher`, whose `fetch(language, name, build)` builds one
source directory (with its `MARKER`) unless it is already there. `training.corpus` drives it for whole corpora;
`training.mine` fetches one source at a time.

Longer than 400 lines on purpose: the fetchers of the six languages' registries share the
sink, the archive unpacking and the tool runner, and read best side by side.
"""

from __future__ import annotations

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

from leancode.sources import MAX_FILE_BYTES

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

def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "__", name.lstrip("@")) or "source"


class Fetcher:
    def __init__(self, out_dir: Path, log: Log, work: Path):
        self.out_dir = out_dir
        self.log = log
        self.work = work
        self.apt = _Apt(log)
        self.failures: dict[str, list[str]] = {}

    # -- bookkeeping ---------------------------------------------------------------
    def fetch(self, language: str, name: str, build: Callable[[_Sink, Path], dict]) -> None:
        """Builds one source into out_dir/<language>/<slug(name)>, unless it is already there."""
        target = self.out_dir / language / slug(name)
        marker = target / MARKER
        if marker.is_file():
            info = json.loads(marker.read_text())
            self.log(f"{language}: {name} {info.get('version') or ''} already present "
                     f"({info.get('files')} files), skipping")
            return
        self.log(f"{language}: fetching {name} ...")
        t0 = time.monotonic()
        scratch = Path(tempfile.mkdtemp(prefix=f"{language}-", dir=self.work))
        staging = self.out_dir / language / f".{slug(name)}.partial"
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
        self.fetch("python", "stdlib", self.build_python_stdlib)
        for package in packages:
            self.fetch("python", package, lambda sink, tmp, p=package: self.build_pypi(p, sink, tmp))

    @staticmethod
    def build_python_stdlib(sink: _Sink, tmp: Path) -> dict:
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
    def build_pypi(package: str, sink: _Sink, tmp: Path, prefer: str = "sdist") -> dict:
        """A PyPI package's sdist, or its wheel (`prefer` says which is tried first; a wheel needs no build
        environment to download, several times faster)."""
        base = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                "--disable-pip-version-check", "--dest", str(tmp)]
        options = {"sdist": "--no-binary", "wheel": "--only-binary"}
        kind, other = (prefer, "wheel" if prefer == "sdist" else "sdist")
        try:
            _run(base + [options[kind], ":all:", package], timeout=_TIMEOUT_SMALL)
        except ToolError as exc:
            kind, other = other, kind
            for f in tmp.iterdir():
                f.unlink() if f.is_file() else shutil.rmtree(f)
            try:
                _run(base + [options[kind], ":all:", package], timeout=_TIMEOUT_SMALL)
            except ToolError as exc2:
                raise ToolError(f"{other}: {exc}; {kind}: {exc2}") from None
        archives = [f for f in tmp.iterdir() if f.is_file()]
        if not archives:
            raise ToolError(f"pip download {package} produced no file")
        archive = archives[0]
        _unpack_archive(archive, sink, strip_top=(kind == "sdist"))
        return {"kind": f"pypi-{kind}", "version": _pypi_version(archive.name),
                "origin": archive.name}

    # -- java --------------------------------------------------------------------------
    def java(self) -> None:
        self.fetch("java", "openjdk-17", self.build_java)

    def build_java(self, sink: _Sink, tmp: Path, modules: tuple[str, ...] | None = JAVA_MODULES) -> dict:
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
        self.fetch("go", "go-stdlib", self.build_go)

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

    def build_go(self, sink: _Sink, tmp: Path) -> dict:
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

    def build_go_module(self, package: str, sink: _Sink, tmp: Path) -> dict:
        """A Debian golang-*-dev package: the Go sources under its /usr/share/gocode/src (no vendor/testdata)."""
        deb = self.apt.download(package, tmp)
        version = self.apt.version(deb)
        root = self.apt.extract(deb, tmp / "x") / "usr" / "share" / "gocode" / "src"
        deb.unlink()
        if not root.is_dir():
            raise ToolError(f"no usr/share/gocode/src inside {package}")
        sink.add_tree(root, skip_dir=lambda rel: rel.name in ("testdata", "vendor"))
        return {"kind": "debian", "package": package, "version": version}

    # -- rust --------------------------------------------------------------------------
    def rust(self, crates: Iterable[str]) -> None:
        for crate in crates:
            self.fetch("rust", crate, lambda sink, tmp, c=crate: self.build_rust(c, sink, tmp))

    def build_rust(self, crate: str, sink: _Sink, tmp: Path) -> dict:
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
            self.fetch(language, package, lambda sink, tmp, p=package: self.build_npm(p, sink, tmp))

    @staticmethod
    def build_npm(package: str, sink: _Sink, tmp: Path) -> dict:
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
