"""The index directory on disk: its safety, `manifest.json` and `snapshot.npz`.

The directory (default `<root>/.leancode/`) is created 0700 (tightened when it exists
more open) with a `.gitignore` of `*`, and neither it nor anything in it may be a
symlink (`UnsafeIndexDir`): a repository that ships `.leancode` cannot redirect writes.
`snapshot.npz` holds the unit list and one float32 matrix; it and `manifest.json` (what
made the index: model, encoder settings, version, counts) are written atomically, so a
reader sees the old or the new one, never half of one. Everything read back is checked:
a damaged or inconsistent snapshot raises ValueError (the index is then rebuilt), and
the manifest's encoder settings are validated one by one (`built_settings`); the model
is never taken from the manifest.
"""

from __future__ import annotations

import io
import json
import os
import stat
import time
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from .simplify import METHODS
from .sources import FileSkipped, read_bytes

FORMAT = 1  # of manifest.json and snapshot.npz
INDEX_DIRNAME = ".leancode"
MAX_SNAPSHOT_BYTES = 8 * 2**30


FILLERS = ("", "empty", "abstract", "unimplemented")  # `IndexedUnit.filler`


@dataclass(frozen=True)
class IndexedUnit:
    """One function of the index (what search shows; the code itself stays in the file)."""

    path: str  # relative to the repository root, "/"-separated
    name: str
    qualified_name: str
    language: str
    start_line: int  # 0-based, inclusive
    end_line: int
    preview: str  # the docstring's first line, else the first code line
    key: str  # sha256 of (language, code): the vector's cache key
    terms: str = field(default="", repr=False)  # lexical terms for BM25, space-separated
    test: bool = False  # in code compiled only for tests (a Rust `#[cfg(test)]` module), whatever its names say
    method: bool | None = None  # a method (`Unit.method`); None: not known (a store or snapshot made before it)
    # Its body does nothing ("empty"; "abstract" for a Python abstract or Protocol method's) or only says it is not
    # implemented ("unimplemented";
    # `function_summary.empty_body`): search ranks it after the code that does the work. "" otherwise, and in a store
    # (lance) that does not record it.
    filler: str = ""


class UnsafeIndexDir(OSError):
    """The index directory, or something in it, is a symlink or not what it should be: never written through."""


# What an index directory holds: the files LeanCode writes there (and its temporary files, `.NAME.PID.NS.tmp`).
INDEX_FILES = frozenset({"manifest.json", "snapshot.npz", "cache", "create.lock", "update.lock", ".gitignore"})


def refuse_foreign_dir(path: Path) -> None:
    """Raise UnsafeIndexDir when `path` is a directory holding anything LeanCode does not write there (a
    repository, someone's folder given as `--index-dir`): its files and permissions are not ours to change."""
    try:
        names = os.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return  # created later, or refused then as not a directory
    foreign = sorted(n for n in names if n not in INDEX_FILES and not (n.startswith(".") and n.endswith(".tmp")))
    if foreign:
        raise UnsafeIndexDir(f"{path} holds files that are not a LeanCode index ({', '.join(foreign[:3])}"
                             f"{', ...' if len(foreign) > 3 else ''}); give a new or empty directory")


def safe_mkdir(path: Path) -> None:
    """Create directory `path` (0700) or check the one there: a real directory, never a symlink (refused),
    tightened to 0700 when it is more open."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeIndexDir(f"{path} is a symlink; refusing to write through it (remove it to index here)")
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeIndexDir(f"{path} is not a directory")
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        os.chmod(path, 0o700, follow_symlinks=False)


# Directories LeanCode nests in an index directory: cache/ab/cd/ holds diskcache's value files.
MAX_INDEX_DEPTH = 3


def refuse_symlinks(directory: Path) -> None:
    """Raise UnsafeIndexDir when anything under `directory` is a symlink (walked without following any), or a
    directory is nested deeper than LeanCode nests them (MAX_INDEX_DEPTH: the walk stays bounded)."""
    for here, dirnames, filenames in os.walk(directory):
        for name in dirnames + filenames:
            if os.path.islink(os.path.join(here, name)):
                raise UnsafeIndexDir(f"{os.path.join(here, name)} is a symlink inside the index directory; "
                                     "refusing to write through it (remove it)")
        if dirnames and len(Path(here).relative_to(directory).parts) >= MAX_INDEX_DEPTH:
            raise UnsafeIndexDir(f"{os.path.join(here, dirnames[0])} is nested deeper inside the index directory "
                                 "than LeanCode writes; refusing it (remove the index directory to rebuild it)")


def atomic_write(path: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    """Write a new file and rename it over `path` (the rename replaces a link, never writes through one)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with open(os.open(temporary, flags, 0o600), "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(temporary, path)
        except IsADirectoryError:
            raise UnsafeIndexDir(f"{path} is a directory where LeanCode keeps a file; remove it (the index "
                                 "is rebuilt)") from None
    finally:
        if temporary.exists():
            temporary.unlink()


def read_manifest(index_dir: str | os.PathLike) -> dict | None:
    """The manifest.json of an index directory, or None when there is none (or it is unreadable, not a regular
    file, not a JSON object). Its values are not checked here: see `built_settings`."""
    try:
        manifest = json.loads(read_bytes(Path(index_dir) / "manifest.json", follow_symlinks=False))
    except (FileSkipped, ValueError, RecursionError):
        return None
    return manifest if isinstance(manifest, dict) else None


# The encoder settings a manifest may give back to a later run, and what each must be.
_SETTINGS = {
    "method": lambda v: type(v) is str and v in METHODS,
    "ratio": lambda v: type(v) in (int, float) and 0 <= v < 1,  # as the CLI takes it: 1 would remove everything
    "quantize": lambda v: type(v) is bool,
    "max_length": lambda v: type(v) is int and 1 <= v <= 8192,
}


def manifest_settings(encoder) -> dict:
    """The encoder settings a manifest records for later runs; `quantize` only where it is not the encoder's
    default (`quantize_default`), so a default index follows the defaults."""
    settings = {name: getattr(encoder, name) for name in ("method", "ratio", "quantize", "max_length")
                if isinstance(getattr(encoder, name, None), (str, int, float, bool))}
    if settings.get("quantize") == getattr(encoder, "quantize_default", False):
        del settings["quantize"]
    return settings


def built_settings(manifest: dict | None) -> dict:
    """The encoder settings (method, ratio, quantize, max_length) an index was built with, each checked; an
    invalid one is left out, with one warning. The model is never taken from a manifest (it lives in the
    repository, so it cannot choose what code is loaded): that comes from the user's settings or the defaults."""
    settings = manifest.get("encoder") if isinstance(manifest, dict) else None
    if settings is None:
        return {}
    valid = {k: v for k, v in settings.items() if k in _SETTINGS and _SETTINGS[k](v)} \
        if isinstance(settings, dict) else {}
    if not isinstance(settings, dict) or len(valid) < len(settings):
        bad = settings if not isinstance(settings, dict) else {k: v for k, v in settings.items() if k not in valid}
        warnings.warn(f"index manifest: invalid encoder settings {json.dumps(bad)[:200]} ignored", stacklevel=2)
    if valid.get("ratio") == 0.2 and manifest.get("encoder_chosen") is not True:
        # Every index's default before per-language defaults (`Encoder(ratio=None)`), in manifests written before
        # they record only chosen settings ("encoder_chosen"): not a choice to carry over; such an index re-embeds
        # once under the defaults' cache key.
        del valid["ratio"]
    if valid.get("quantize") is False:
        # fp32 was every index's default before int8 could be: not a choice to carry over (were int8 the default,
        # an index built in fp32 re-embeds once, under its new cache key; `--no-quantize` keeps fp32 for a run).
        del valid["quantize"]
    return valid


@dataclass
class Snapshot:
    units: list[IndexedUnit]
    vectors: np.ndarray
    config_key: str


def indexed_unit(relative: str, record: dict) -> IndexedUnit:
    """The unit of file `relative` that a unit record (`unit_records.parse_units`) describes."""
    return IndexedUnit(path=relative, **{k: record[k] for k in (
        "name", "qualified_name", "language", "start_line", "end_line", "preview", "key", "terms")},
        test=record.get("test", False), method=record.get("method"), filler=record.get("filler", ""))


def declaring_files(units: Iterable[IndexedUnit]) -> dict[str, set[tuple[str, str]]]:
    """Class, interface or trait name -> the (path, language) of the files whose functions it encloses, by their
    qualified names: where `inherited.inherited_across_files` finds a supertype declared in another file."""
    declaring: dict[str, set[tuple[str, str]]] = {}
    for unit in units:
        for scope in unit.qualified_name.split(".")[:-1]:
            declaring.setdefault(scope, set()).add((unit.path, unit.language))
    return declaring


def snapshot_of(records: list[tuple[str, dict]], vectors: dict[str, np.ndarray], dim: int,
                 config: str) -> Snapshot:
    """The snapshot of the unit records that have a vector (all of them once embedding is done)."""
    units = [indexed_unit(relative, record) for relative, record in records if record["key"] in vectors]
    matrix = np.stack([vectors[u.key] for u in units]).astype(np.float32) if units \
        else np.zeros((0, dim), dtype=np.float32)
    return Snapshot(units, matrix, config)


_UNIT_FIELDS = {f for f in IndexedUnit.__dataclass_fields__}
_UNIT_TEXT = ("name", "qualified_name", "language", "preview", "key", "terms")
_NEWER_FIELDS = {"test", "method", "filler"}  # absent from snapshots written before them (read as their defaults)


def inside_root(path: str) -> bool:
    """A unit's path as the walk records it: relative, "/"-separated, no `.`/`..` or empty part, no NUL (a
    snapshot shipped inside a repository must not name a file outside it)."""
    return "\0" not in path and all(part not in ("", ".", "..") for part in path.split("/"))  # "/x": "" first


def valid_unit(record: Any, text: tuple[str, ...] = ("code",)) -> bool:
    return isinstance(record, dict) and all(type(record.get(k)) is str for k in _UNIT_TEXT + text) \
        and all(type(record.get(k)) is int and record[k] >= 0 for k in ("start_line", "end_line")) \
        and type(record.get("test", False)) is bool and type(record.get("method")) in (bool, type(None)) \
        and record.get("filler", "") in FILLERS


def read_snapshot(path: Path, dim: int | None) -> tuple[Snapshot, dict]:
    """The snapshot at `path` (vectors of dimension `dim`; None: any), and its metadata; FileNotFoundError when there
    is none, ValueError (or another error of numpy's, zipfile's or json's) when it is damaged."""
    try:
        blob = read_bytes(path, MAX_SNAPSHOT_BYTES, follow_symlinks=False)
    except FileSkipped:
        if not os.path.lexists(path):
            raise FileNotFoundError(path) from None
        raise
    not_ours = "not an archive of arrays as LeanCode writes it"  # numpy's own words invite unpickling: never
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:  # LeanCode stores its arrays, never compresses them:
            members = archive.infolist()  # a compressed one could inflate a few MB into many GB (a zip bomb)
    except (zipfile.BadZipFile, ValueError):
        members = None  # not a zip archive: numpy's load says what it is
    if members is not None and any(m.compress_type != zipfile.ZIP_STORED or m.file_size > len(blob)
                                   for m in members):
        raise ValueError(f"compressed arrays, {not_ours}")
    try:
        data = np.load(io.BytesIO(blob), allow_pickle=False)
    except ValueError:
        raise ValueError(not_ours) from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"a single array, {not_ours}")
    with data:
        try:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            records = json.loads(bytes(data["units"]).decode("utf-8"))
            vectors = np.ascontiguousarray(data["vectors"])
        except ValueError as error:  # JSON's, or numpy's on object arrays
            raise ValueError(not_ours if "pickle" in str(error) else str(error)) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or type(meta.get("config_key")) is not str:
        raise ValueError(f"snapshot metadata {str(meta)[:100]} is not of format {FORMAT}")
    if not isinstance(records, list) or not all(valid_unit(r, ("path",))
                                                and _UNIT_FIELDS - _NEWER_FIELDS <= r.keys() <= _UNIT_FIELDS
                                                for r in records):
        raise ValueError("snapshot unit records of the wrong shape")
    if not all(inside_root(r["path"]) for r in records):
        raise ValueError("a snapshot unit's path leaves the repository")
    units = [IndexedUnit(**record) for record in records]
    if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[0] != len(units) \
            or vectors.shape[0] and dim is not None and vectors.shape[1] != dim:
        raise ValueError(f"snapshot vectors of shape {vectors.shape} and type {vectors.dtype} "
                         f"do not fit {len(units)} units of dimension {dim}")
    if not np.isfinite(vectors).all():
        raise ValueError("snapshot vectors are not finite")
    return Snapshot(units, vectors, meta["config_key"]), meta


def write_snapshot(index_dir: Path, snapshot: Snapshot, manifest: dict) -> None:
    """Write `snapshot.npz`, then `manifest.json` (each atomically)."""
    meta = {"format": FORMAT, "config_key": snapshot.config_key}
    records = [asdict(u) for u in snapshot.units]

    def write(handle) -> None:
        np.savez(handle, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                 units=np.frombuffer(json.dumps(records, ensure_ascii=False).encode(), dtype=np.uint8),
                 vectors=snapshot.vectors)

    atomic_write(index_dir / "snapshot.npz", write)
    atomic_write(index_dir / "manifest.json", lambda h: h.write(json.dumps(manifest, indent=2).encode() + b"\n"))
