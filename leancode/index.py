"""A repository's function index: walk, parse, embed (through a cache), snapshot to disk.

`RepositoryIndex(root, encoder).update()` walks the repository (`walk.py`), extracts
every function with tree-sitter, and embeds the ones whose vectors are not cached yet.
Three layers make a second run cheap:

- the previous snapshot: vectors of unchanged functions are taken from it directly;
- the cache (`index_cache.py`) keyed by sha256(language, unit code) + `encoder.config_key`,
  so a function is never embedded twice, wherever it moves or whatever it is renamed to;
- per-file records: (path, size, mtime) -> content hash, and content hash -> units,
  so unchanged files are neither read nor parsed again.

The index directory and its files are `index_store.py`'s. Updates from several
processes are serialised by a file lock; embeddings are committed to the cache in
chunks of a few seconds, so a kill loses little. Files are parsed in worker processes
(`parse_pool.py`), a few at a time while the walk goes on; one file that cannot be read or parsed (an error, a
parse stopped after PARSE_TIMEOUT_SECONDS, a crashed parser) is skipped with a warning naming it, and the rest
is indexed. A parse that was stopped is remembered for that content, so it is not retried on every update.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import time
import warnings
from collections import Counter, deque
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from filelock import FileLock, Timeout
from tqdm import tqdm

from .declaration_files import declaration_text
from .index_cache import IndexCache, SafeDisk, UnsafeCacheValue
from .index_store import (FORMAT, INDEX_DIRNAME, IndexedUnit, Snapshot, UnsafeIndexDir, built_settings,
                          manifest_settings, read_manifest, read_snapshot, refuse_foreign_dir, refuse_symlinks,
                          safe_mkdir, snapshot_of, write_snapshot)
from .languages import ParseWarning, language_for_path
from .messages import printable
from .parse_pool import WORKERS, ParseFailed
from .parse_pool import parse_units as parse_units_in_worker
from .parse_pool import submit as submit_parse
from .search import SearchIndex
from .sources import MAX_FILE_BYTES, FileSkipped, decode_source, is_binary, read_bytes, read_source, sha256
from .unit_records import (MAX_UNIT_CHARS, PARSE_VERSION, TOO_MANY_UNITS, parse_units, unit_key, valid_parse,
                           valid_stat)
from .units import SYNTAX_ERRORS
from .walk import HEAD_BYTES, IGNORES_UNREAD, OTHER_LANGUAGE_SKIPS, VENDORED, ignore_spec, is_generated, walk_repository

__all__ = ["INDEX_DIRNAME", "IndexCache", "IndexedUnit", "NAMED_SKIPS", "RepositoryIndex", "SafeDisk",
           "UnsafeCacheValue", "UnsafeIndexDir", "UpdateStats", "built_settings", "parse_units", "read_manifest",
           "since_indexing", "unit_key", "walk_repository", "written_at", "MAX_UNIT_CHARS"]

# Units per encoder call (between progress updates and cache commits): the first chunk, then as many as take
# about EMBED_SECONDS, so that a kill loses a few seconds of embedding at most.
EMBED_CHUNK, MAX_EMBED_CHUNK, EMBED_SECONDS = 16, 256, 4.0
PARSE_AHEAD = 8 * WORKERS  # files sent to the parse workers and not yet collected (their code is held meanwhile)
# Skips that are told in a warning naming the file (the others are expected and only counted), and those that
# `leancode index` names as files a user may not expect to be left out.
_WARN_REASONS = frozenset({"file name not valid UTF-8", "failed", "unreadable", "nested too deep", IGNORES_UNREAD,
                           "parse timed out", "parser crashed", TOO_MANY_UNITS})
NAMED_SKIPS = _WARN_REASONS | {"binary", "too large", "symlink", "not a regular file"}


@dataclass
class _Parsing:
    """A file being parsed in a worker: its future, and the cache key its records go under."""
    future: Future
    key: str


class IndexNotWritable(OSError):
    """The index directory cannot be created or written (a read-only checkout, no permission); an index already
    there can still be read."""


@dataclass
class UpdateStats:
    files: int = 0  # source files indexed
    files_parsed: int = 0  # of those, parsed this run (new or changed)
    units: int = 0
    embedded: int = 0  # distinct functions embedded this run
    reused: int = 0  # distinct functions whose vector came from the snapshot or the cache
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> files (or directories)
    skipped_paths: list[tuple[str, str]] = field(default_factory=list, repr=False)  # (path, reason)
    syntax_errors: int = 0  # files indexed whose syntax errors may hide functions (told when parsed)
    seconds: float = 0.0

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("skipped_paths")
        return data

    def skipped_told(self) -> str:
        """What was skipped, as the CLI and the server's log tell it: `2 binary, 1 symlink`, or `none`."""
        return ", ".join(f"{n} {reason}" for reason, n in self.skipped.items()) or "none"


class RepositoryIndex:
    """The function index of one repository for one encoder; safe to share between processes.

    `update()` brings it up to date; `units` and `vectors` (row i of `vectors` is
    `units[i]`) load the snapshot on first use, building it when there is none or it
    cannot be trusted.
    """

    def __init__(self, root: str | os.PathLike, encoder, index_dir: str | os.PathLike | None = None,
                 max_file_bytes: int = MAX_FILE_BYTES, exclude: tuple[str, ...] | list[str] = (),
                 languages: tuple[str, ...] | list[str] | None = None):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(f"{self.root} is not a directory")
        if self.root == Path(self.root.anchor):  # every mounted file system, /proc and all: never what was meant
            raise ValueError(f"refusing to index the file system root {self.root}: give a repository's directory")
        self.encoder = encoder
        self.index_dir = Path(index_dir).resolve() if index_dir else self.root / INDEX_DIRNAME
        refuse_foreign_dir(self.index_dir)
        self.max_file_bytes = max_file_bytes
        # Extra filters (the language server's settings): gitignore-style globs, and the languages to index.
        self.exclude = ignore_spec(list(exclude)) if exclude else None
        self.languages = frozenset(languages) if languages else None
        self._snapshot: Snapshot | None = None
        self._search_index: SearchIndex | None = None
        self.unusable: str | None = None  # why the index on disk was last found unusable (told once), else None

    # -- paths and setup ---------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / "manifest.json"

    @property
    def snapshot_path(self) -> Path:
        return self.index_dir / "snapshot.npz"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the update lock; when another process holds it, say so before waiting."""
        lock = FileLock(str(self.index_dir / "update.lock"), mode=0o600)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            warnings.warn(f"index {self.index_dir} is being updated by another process; waiting for it to finish",
                          stacklevel=4)
            lock.acquire()
        try:
            yield
        finally:
            lock.release()

    def updating_elsewhere(self) -> bool:
        """Whether another process holds the update lock now (building or updating the index); creates nothing."""
        lock_path = self.index_dir / "update.lock"
        if not lock_path.is_file() or lock_path.is_symlink():
            return False
        lock = FileLock(str(lock_path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return True
        except OSError:  # not ours to open: no one we know of holds it
            return False
        lock.release()
        return False

    def _prepare(self) -> None:
        """Create the index directory (0700, with a .gitignore of `*`) and its cache directory, under a lock.

        Nothing is written through a symlink: the directory, and everything in it, must be real (else
        UnsafeIndexDir), so a repository that ships `.leancode` (or links in it) cannot redirect our writes. A
        directory that cannot be written (a read-only checkout) raises IndexNotWritable; its index is still read.
        """
        try:
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            safe_mkdir(self.index_dir)
            refuse_symlinks(self.index_dir)
            with FileLock(str(self.index_dir / "create.lock"), mode=0o600):
                try:
                    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
                    with open(os.open(self.index_dir / ".gitignore", flags, 0o600), "w") as handle:
                        handle.write("# written by leancode: the index is not for version control\n*\n")
                except FileExistsError:
                    pass
                safe_mkdir(self.index_dir / "cache")
        except OSError as error:
            if isinstance(error, UnsafeIndexDir) or error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise
            raise IndexNotWritable(f"the index {self.index_dir} cannot be written ({error.strerror})") from error

    # -- reading -----------------------------------------------------------------------------

    def read_manifest(self) -> dict | None:
        return read_manifest(self.index_dir)

    def _read_snapshot(self) -> Snapshot:
        """The snapshot on disk; raises ValueError (or OSError) when it is absent, damaged or inconsistent."""
        snapshot, meta = read_snapshot(self.snapshot_path, self.encoder.dim)
        manifest = self.read_manifest()
        counts = manifest.get("counts") if manifest is not None else None
        if manifest is None or manifest.get("config_key") != meta["config_key"] \
                or not isinstance(counts, dict) or counts.get("units") != len(snapshot.units):
            raise ValueError("manifest.json does not describe the snapshot")
        return snapshot

    def load(self) -> bool:
        """Load the snapshot when it exists, is sound and was made by this encoder; else False (with a warning
        when it exists but cannot be used)."""
        if not self.snapshot_path.exists():
            return False
        if self.index_dir.is_symlink():  # as an update refuses to write through it, a search does not read it
            return self._unusable(f"index {self.index_dir} is a symlink; not read (remove it)")
        for attempt in range(2):  # a concurrent update may replace the snapshot between our reads
            try:
                snapshot = self._read_snapshot()
                break
            except FileNotFoundError:  # removed meanwhile: not damage, just no index
                return False
            except MemoryError:  # no damage either: the machine is short of memory
                raise
            except Exception as error:  # a damaged file can fail in any of zipfile's, numpy's or json's ways
                if attempt:
                    return self._unusable(f"index {self.index_dir} is damaged or inconsistent "
                                          f"({type(error).__name__}: {error}); the next update rebuilds it")
                time.sleep(0.05)
        if snapshot.config_key != self.encoder.config_key:
            from .encoder import config_difference

            return self._unusable(f"index {self.index_dir} was built with other encoder settings "
                                  f"({config_difference(snapshot.config_key, self.encoder.config_key)}); an update "
                                  "re-embeds its functions with these")
        self._set(snapshot)
        self.unusable = None
        return True

    def _unusable(self, why: str) -> bool:
        """Warn that the index on disk cannot be used (once, though load runs again before the rebuild)."""
        if why != self.unusable:
            warnings.warn(why, stacklevel=3)
        self.unusable = why
        return False

    def _set(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._search_index = None

    def serve(self, snapshot: Snapshot) -> None:
        """Answer from `snapshot` (an update's partial one) until the next load or update."""
        self._set(snapshot)

    def _ensure(self) -> Snapshot:
        if self._snapshot is None and not self.load():
            self.update(progress=False)
        assert self._snapshot is not None
        return self._snapshot

    @property
    def units(self) -> list[IndexedUnit]:
        return self._ensure().units

    @property
    def vectors(self) -> np.ndarray:
        return self._ensure().vectors

    @property
    def search_index(self) -> SearchIndex:
        if self._search_index is None:
            snapshot = self._ensure()
            self._search_index = SearchIndex(snapshot.vectors, [u.terms.split() for u in snapshot.units])
        return self._search_index

    # -- updating ----------------------------------------------------------------------------

    def update(self, progress: bool | Callable[[str, int, int | None], None] = True,
               partial: Callable[["Snapshot"], None] | None = None, partial_seconds: float = 2.0) -> UpdateStats:
        """Bring the index up to date with the working tree; returns what it did.

        `progress`: True for tqdm bars, or a callable `(stage, done, total)` told of each file
        scanned (stage "scan", total None) and each chunk embedded (stage "embed"); an exception
        it raises aborts the update (vectors embedded so far stay cached; the snapshot is unchanged).
        `partial`: while embedding, called at most every `partial_seconds` with an in-memory
        snapshot of the functions that have vectors so far (for search before the update ends).
        """
        started = time.perf_counter()
        self._prepare()
        with self._locked():
            # Re-read under the lock: another process may have updated the index meanwhile.
            previous = self._snapshot if self.load() else None
            cache = IndexCache(self.index_dir / "cache")
            try:
                stats, snapshot = self._update(cache, previous, progress, partial, partial_seconds)
            finally:
                cache.close()
            try:
                self._write(snapshot, stats, previous)
            except FileNotFoundError:
                if self.index_dir.exists():
                    raise
                self._prepare()  # the index directory was removed while we worked: the result goes into a new one
                self._write(snapshot, stats, previous)
            self._set(snapshot)
        stats.seconds = time.perf_counter() - started
        return stats

    def _update(self, cache: IndexCache, previous: Snapshot | None,
                progress: bool | Callable[[str, int, int | None], None],
                partial: Callable[[Snapshot], None] | None = None,
                partial_seconds: float = 2.0) -> tuple[UpdateStats, Snapshot]:
        stats = UpdateStats()
        report = progress if callable(progress) else None
        progress = bool(progress) and report is None
        reasons: Counter[str] = Counter()

        def skip(relative: str, reason: str, detail: str = "", tell: bool = True) -> None:
            relative = printable(relative)
            reasons[reason] += 1
            stats.skipped_paths.append((relative, reason))
            told = f"told:{reason}:{detail}:{relative}"  # each file's skip is warned of once, then only counted
            if tell and reason in _WARN_REASONS and cache.get_record(told, lambda record: record is True) is None:
                warnings.warn(f"{relative}: skipped: {reason}" + (f" ({detail})" if detail else ""), stacklevel=2)
                cache.put_record(told, True)

        files_units: list[tuple[str, list[dict] | _Parsing | None]] = []  # (relative path, its unit records)
        parsing: deque[int] = deque()  # rows of files_units still being parsed, oldest first

        def collect_oldest() -> None:
            row = parsing.popleft()
            files_units[row] = (files_units[row][0], self._parsed(cache, *files_units[row], skip, stats))

        files = walk_repository(self.root, skip, extra_skips=(self.index_dir,))
        bar = tqdm(files, desc="leancode: scan", unit=" files", disable=not progress or None, leave=False)
        for relative, path, language, wanted in bar:
            if report is not None:
                report("scan", len(files_units), None)
            if self.languages is not None and language not in self.languages:
                skip(relative, "language not selected")
                continue
            if self.exclude is not None and self.exclude.match_file(relative):
                skip(relative, "excluded")
                continue
            try:
                units = self._file_units(cache, relative, path, language, skip, stats, wanted)
            except Exception as error:  # one file's failure never stops the index
                skip(relative, "failed", f"{type(error).__name__}: {error}")
                continue
            if isinstance(units, _Parsing):
                parsing.append(len(files_units))
            if units is not None:
                files_units.append((relative, units))
            while len(parsing) > PARSE_AHEAD:
                collect_oldest()
        while parsing:  # the walk is over: collect the rest
            collect_oldest()
        bar.close()
        records = [(relative, record) for relative, units in files_units if units is not None for record in units]
        stats.files = sum(units is not None for _, units in files_units)
        stats.skipped = dict(sorted(reasons.items()))
        stats.units = len(records)
        vendored = [path for path, reason in stats.skipped_paths if reason == VENDORED]
        if not records and vendored:  # e.g. a package whose code is all under dist/
            shown = ", ".join(vendored[:5]) + (f" and {len(vendored) - 5} more" if len(vendored) > 5 else "")
            warnings.warn(f"no functions found outside the vendored or build directories skipped: {shown}; to "
                          f"index one, add a negation such as `!{vendored[0]}` to {self.root / '.leancodeignore'}",
                          stacklevel=3)
        elif not stats.files and (other := [f"{n} {r}" for r, n in stats.skipped.items()
                                            if r in OTHER_LANGUAGE_SKIPS.values()]):
            warnings.warn(f"no files in the languages LeanCode reads (Python, Java, JavaScript, TypeScript, Go, Rust); "
                          f"skipped: {', '.join(other)}", stacklevel=3)

        # Vectors: from the previous snapshot, else the cache, else the encoder.
        dim, config = self.encoder.dim, self.encoder.config_key
        known: dict[str, np.ndarray] = {}
        if previous is not None and previous.config_key == config:
            known = {u.key: previous.vectors[row] for row, u in enumerate(previous.units)}
        vectors: dict[str, np.ndarray] = {}
        missing: dict[str, tuple[str, str]] = {}
        for _, record in records:
            key = record["key"]
            if key in vectors or key in missing:
                continue
            vector = known.get(key)
            if vector is None:
                vector = cache.get_vector(f"vec:{config}:{key}", dim)
            if vector is None:
                missing[key] = (record["code"], record["language"])
            else:
                vectors[key] = vector
        stats.reused = len(vectors)
        stats.embedded = len(missing)
        if missing:
            # By length: each chunk's batches are padded little, and short functions are searchable first.
            keys = sorted(missing, key=lambda key: len(missing[key][0]))
            last_partial = time.monotonic()
            if report is not None:
                report("embed", 0, len(keys))
            bar = tqdm(total=len(keys), desc="leancode: embed", unit=" functions", disable=not progress or None)
            start, size = 0, EMBED_CHUNK
            while start < len(keys):
                chunk = keys[start:start + size]
                began = time.monotonic()
                with warnings.catch_warnings():  # each file's syntax errors were told at parse, naming it
                    warnings.simplefilter("ignore", ParseWarning)
                    encoded = np.asarray(self.encoder.encode_code([missing[k] for k in chunk]), dtype=np.float32)
                for key, vector in zip(chunk, encoded):  # committed at once: a kill loses one chunk at most
                    vectors[key] = vector
                    cache.put_vector(f"vec:{config}:{key}", vector)
                start += len(chunk)
                # The next chunk sized to take about EMBED_SECONDS on this machine.
                size = max(1, min(MAX_EMBED_CHUNK, int(len(chunk) * EMBED_SECONDS / max(time.monotonic() - began,
                                                                                        1e-3))))
                bar.update(len(chunk))
                if report is not None:
                    report("embed", start, len(keys))
                if partial is not None and time.monotonic() - last_partial >= partial_seconds:
                    partial(snapshot_of(records, vectors, dim, config))
                    last_partial = time.monotonic()
            bar.close()
        return stats, snapshot_of(records, vectors, dim, config)

    def _file_units(self, cache: IndexCache, relative: str, path: Path, language: str, skip: Callable[..., None],
                    stats: UpdateStats, wanted: bool = False) -> list[dict] | _Parsing | None:
        """The unit records of one file (None when skipped), read and parsed only when it changed: a file to
        parse is sent to a worker, and `_parsed` collects it. `wanted`: named by a .leancodeignore negation, so
        indexed even where its content looks generated."""
        try:
            info = path.lstat()
        except OSError as error:
            skip(relative, "unreadable", error.strerror or str(error))
            return None
        if stat.S_ISLNK(info.st_mode):
            skip(relative, "symlink")
            return None
        if not stat.S_ISREG(info.st_mode):
            skip(relative, "not a regular file")
            return None
        if info.st_size > self.max_file_bytes:
            skip(relative, "too large")
            return None
        stat_key = f"stat:{PARSE_VERSION}:{relative}"
        seen = cache.get_record(stat_key, valid_stat)
        # Trust (size, mtime) only when the file was older than the check by a margin ("racy git").
        if seen is not None and seen["size"] == info.st_size and seen["mtime"] == info.st_mtime_ns \
                and info.st_mtime_ns < seen["checked"] - 2_000_000_000:
            digest, reason, data = seen["sha"], seen["skip"], None
        else:
            data = self._read(relative, path, skip)
            if data is None:
                return None
            digest = sha256(data)
            head = data[:HEAD_BYTES]
            reason = "binary" if is_binary(head) else "generated" if is_generated(head) else None
            cache.put_record(stat_key, {"size": info.st_size, "mtime": info.st_mtime_ns, "sha": digest,
                                        "skip": reason, "checked": time.time_ns()})
        if reason and not (reason == "generated" and wanted):
            skip(relative, reason)
            return None
        # a JavaScript file's declaration file describes its functions: read with it (`declaration_files`)
        declared = declaration_text(path) if language == "javascript" else ""
        parse_key = f"units:{PARSE_VERSION}:{language}:{digest}" + (f":{sha256(declared.encode())}" if declared else "")
        parsed = cache.get_record(parse_key, valid_parse)
        if parsed is not None:
            return self._told(relative, parsed, False, skip, stats)
        if data is None:
            data = self._read(relative, path, skip)
            if data is None:
                return None
            if sha256(data) != digest:  # changed without changing size or mtime
                cache.put_record(stat_key, None)
                return self._file_units(cache, relative, path, language, skip, stats, wanted)
        return _Parsing(submit_parse(decode_source(data, language), language, declared), parse_key)

    def _parsed(self, cache: IndexCache, relative: str, parsing: _Parsing, skip: Callable[..., None],
                stats: UpdateStats) -> list[dict] | None:
        """The unit records of a file parsed in a worker (None when its parse failed)."""
        try:
            parsed = parsing.future.result()
        except ParseFailed as error:  # remembered for this content: a slow file costs one timeout, not one each run
            parsed = {"units": [], "syntax": None, "failed": [error.reason, error.detail]}
        except Exception as error:
            skip(relative, "failed", f"{type(error).__name__}: {error}")
            return None
        cache.put_record(parsing.key, parsed)
        stats.files_parsed += 1
        return self._told(relative, parsed, True, skip, stats)

    @staticmethod
    def _told(relative: str, parsed: dict, fresh: bool, skip: Callable[..., None],
              stats: UpdateStats) -> list[dict] | None:
        """A parse's units, its syntax errors or failure told when it is `fresh` (later updates, such as every
        `leancode search`, only count them)."""
        if parsed.get("failed"):
            skip(relative, *parsed["failed"], tell=fresh)
            return None
        if parsed["syntax"]:
            stats.syntax_errors += SYNTAX_ERRORS in parsed["syntax"]  # (not a nesting bound's warning alone)
            if fresh:
                warnings.warn(f"{printable(relative)}: {parsed['syntax']}", ParseWarning, stacklevel=4)
        return parsed["units"]

    def _read(self, relative: str, path: Path, skip: Callable[..., None]) -> bytes | None:
        try:
            return read_bytes(path, self.max_file_bytes, follow_symlinks=False)
        except FileSkipped as error:
            skip(relative, error.reason, error.detail)
            return None

    def _write(self, snapshot: Snapshot, stats: UpdateStats, previous: Snapshot | None = None) -> None:
        """Write the snapshot and its manifest, unless both are what the index holds already (an update that found
        nothing changed rewrites nothing: a search of a large repository updates it first)."""
        from . import __version__

        encoder = self.encoder
        manifest = {
            "format": FORMAT,
            "what": "leancode function index",
            "store": "embedded",
            "leancode_version": __version__,
            "repository": str(self.root),
            "model_id": encoder.model_id,
            "model_path": str(getattr(encoder, "path", "")) or None,
            "table": getattr(encoder, "table", None),  # an importance table of the user's (`--table`)
            "config_key": snapshot.config_key,
            "dim": encoder.dim,
            "encoder": manifest_settings(encoder),
            "encoder_chosen": True,  # "encoder" holds only settings a user chose (see `built_settings`)
            "counts": {"files": stats.files, "units": len(snapshot.units),
                       "distinct_functions": len({u.key for u in snapshot.units})},
            "skipped": stats.skipped,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        if previous is not None and previous.config_key == snapshot.config_key and previous.units == snapshot.units \
                and np.array_equal(previous.vectors, snapshot.vectors):
            written = self.read_manifest() or {}
            if {**written, "updated": manifest["updated"]} == manifest:
                return
        write_snapshot(self.index_dir, snapshot, manifest)


def written_at(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def since_indexing(file: Path, indexed: float | None, unit: IndexedUnit | None = None) -> str | None:
    """"deleted", or "changed" (its lines may have moved) when `file` was modified after time `indexed` (None:
    not asked) and, where `unit` is given, no longer holds that function at its line (a file touched, copied or
    checked out again is not changed), else None."""
    modified = written_at(file)
    if modified is None:
        return "deleted"
    if indexed is None or modified <= indexed:
        return None
    return None if unit is not None and _still_holds(file, unit) else "changed"


def _still_holds(file: Path, unit: IndexedUnit) -> bool:
    """Whether `file` holds `unit`'s code at its line now (parsed in a worker, as the index parses it)."""
    language = language_for_path(file.name) or unit.language
    try:
        info = file.stat()
        return (unit.key, unit.start_line) in _functions_now(file, info.st_mtime_ns, info.st_size, language)
    except (OSError, ValueError, RuntimeError):  # unreadable or unparsable now: changed, as far as can be told
        return False


@functools.lru_cache(maxsize=32)
def _functions_now(file: Path, mtime_ns: int, size: int, language: str) -> frozenset[tuple[str, int]]:
    """(key, first line) of each function `file` holds, parsed once per version of it (several hits share a file)."""
    records = parse_units_in_worker(read_source(file, language=language), language)["units"]
    return frozenset((r["key"], r["start_line"]) for r in records)
