"""The index's cache: a diskcache that stores raw bytes only, never pickles, and heals when damaged.

diskcache unpickles whatever its database holds (CVE-2025-69872), so `SafeDisk` refuses
to store or load anything but bytes, str, int and float. diskcache also takes its settings
(attributes, directories, PRAGMAs) and the names of its value files from the database, which
a repository can ship: a database whose settings are not the ones LeanCode opens it with is
rebuilt before diskcache reads them, and `SafeDisk` reads or removes only value files named as
diskcache names them (`ab/cd/<28 hex>.val`, inside the cache directory), never through a link,
never more than MAX_VALUE_BYTES. `IndexCache` keeps vectors as raw float32 bytes and records
as JSON bytes; every value read back is validated, and a damaged one is a miss (dropped, with
one warning per cache). A corrupt database is cleared and rebuilt with a warning.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import warnings
from pathlib import Path
from typing import Any, Callable

import diskcache
import numpy as np

from .index_store import safe_mkdir
from .sources import FileSkipped, read_bytes

CACHE_SIZE_LIMIT = 4 * 2**30
MAX_VALUE_BYTES = 64 * 2**20  # one value file (a vector is 1.5 KB, a large file's parse record a few MB)
# A value file's name as diskcache makes it (`Disk.filename`): two levels of directories, 28 hex digits, `.val`.
_VALUE_FILE = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{28}\.val")


class UnsafeCacheValue(ValueError):
    """A cache key or value that would need pickle (refused: unpickling runs code)."""


class SafeDisk(diskcache.Disk):
    """A diskcache `Disk` that stores and loads only bytes, str, int and float, never pickles."""

    @staticmethod
    def _plain(value: Any) -> bool:
        kind = type(value)
        return kind in (bytes, str, float) or kind is int and -2**63 <= value < 2**63

    def put(self, key):
        if not self._plain(key):
            raise UnsafeCacheValue(f"cache keys must be bytes, str, int or float, not {type(key).__name__}")
        return super().put(key)

    def get(self, key, raw):
        if not raw:
            raise UnsafeCacheValue("refusing to unpickle a cache key")
        return super().get(key, raw)

    def store(self, value, read, key=diskcache.core.UNKNOWN):
        if not read and not self._plain(value):
            raise UnsafeCacheValue(f"cache values must be bytes, str, int or float, not {type(value).__name__}")
        return super().store(value, read, key=key)

    def fetch(self, mode, filename, value, read):
        if mode == diskcache.core.MODE_PICKLE:
            raise UnsafeCacheValue("refusing to unpickle a cache value")
        if mode in (diskcache.core.MODE_BINARY, diskcache.core.MODE_TEXT):  # a value file: the row names it
            if type(filename) is not str or not _VALUE_FILE.fullmatch(filename):
                raise UnsafeCacheValue(f"value file {str(filename)[:100]!r} is not one diskcache names")
            try:  # OSError, as diskcache's own open raises it: a miss (the entry is written anew)
                data = read_bytes(os.path.join(self._directory, filename), MAX_VALUE_BYTES, follow_symlinks=False)
            except FileSkipped as error:
                raise OSError(f"cache value file {filename}: {error}") from None
            if mode == diskcache.core.MODE_TEXT:
                return data.decode("utf-8")
            return io.BytesIO(data) if read else data
        return super().fetch(mode, filename, value, read)

    def remove(self, file_path):
        if type(file_path) is str and _VALUE_FILE.fullmatch(file_path):  # any other name is not ours to delete
            super().remove(file_path)


def check_settings(directory: Path) -> None:
    """Raise ValueError when the cache database in `directory` holds settings other than those LeanCode opens it
    with: diskcache applies each one it finds (an attribute such as `_directory` moves the database out of the
    index directory, a `sqlite_` one runs as a PRAGMA), so a database a repository ships must not choose them."""
    database = directory / diskcache.core.DBNAME
    if not os.path.lexists(database):
        return
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT key, value FROM Settings").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return  # no settings to apply (diskcache writes its own)
        raise
    finally:
        connection.close()
    ours = diskcache.core.DEFAULT_SETTINGS
    for key, value in rows:
        if key in diskcache.core.METADATA or key == "size_limit":  # counts; the limit LeanCode passes wins
            fits = type(value) in (int, float)
        else:
            fits = key in ours and type(value) in (int, str) and value == ours[key]
        if not fits:
            raise ValueError(f"cache setting {str(key)[:60]!r} = {str(value)[:60]!r} is not LeanCode's")


_DAMAGE = ("no such table", "no such column", "malformed", "unsupported file format", "not a database",
           "unable to open database file",  # e.g. a directory where cache.db should be
           "Could not decode to UTF-8")  # a name (a setting's, a key) that is no text


# What diskcache raises on a damaged database besides sqlite's errors (e.g. a NULL where it expects a setting).
_ODD = (AttributeError, TypeError, KeyError, IndexError)


def _is_corruption(error: Exception) -> bool:
    """True for errors of a damaged database; False for a busy or locked one (those are not ours to fix)."""
    if isinstance(error, sqlite3.OperationalError):
        return any(sign in str(error) for sign in _DAMAGE)
    return isinstance(error, (sqlite3.DatabaseError, *_ODD))


class CacheUnavailable(OSError):
    """The cache can be neither used nor rebuilt (read-only, locked by another process): the user's to fix."""


def _unavailable(directory: Path, error: Exception) -> CacheUnavailable:
    return CacheUnavailable(f"index cache {directory}: {error} (check its permissions and that no other LeanCode "
                            "process holds it; removing the directory rebuilds it)")


class IndexCache:
    """The diskcache of vectors and per-file records, rebuilt (with a warning) when found corrupt.

    Vectors are raw float32 bytes; records are JSON text. Entries of the wrong shape
    are dropped and treated as missing.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self._cache = self._open()
        self._warned = False

    def _open(self) -> diskcache.Cache:
        try:
            safe_mkdir(self.directory)
            check_settings(self.directory)
            cache = diskcache.Cache(str(self.directory), disk=SafeDisk, size_limit=CACHE_SIZE_LIMIT)
            cache.get("probe")
            return cache
        except (sqlite3.DatabaseError, ValueError, *_ODD) as error:
            if not _is_corruption(error) and not isinstance(error, ValueError):
                raise _unavailable(self.directory, error) from None
            self._warn_and_clear(error)
            try:
                return diskcache.Cache(str(self.directory), disk=SafeDisk, size_limit=CACHE_SIZE_LIMIT)
            except sqlite3.DatabaseError as again:  # not even a fresh one opens there
                raise _unavailable(self.directory, again) from None

    def _warn_and_clear(self, error: Exception) -> None:
        warnings.warn(f"index cache {self.directory} is corrupt ({error}); rebuilding it", stacklevel=3)
        shutil.rmtree(self.directory, ignore_errors=True)
        safe_mkdir(self.directory)

    def _guard(self, action: Callable[[], Any], default: Any = None) -> Any:
        """Run a cache operation; a corrupt database is cleared (with a warning) and `default` returned."""
        try:
            return action()
        except (sqlite3.DatabaseError, *_ODD) as error:
            if not _is_corruption(error):
                if isinstance(error, sqlite3.OperationalError):  # read-only, locked: said, with the directory
                    raise _unavailable(self.directory, error) from None
                raise
            self._cache.close()
            self._warn_and_clear(error)
            self._cache = diskcache.Cache(str(self.directory), disk=SafeDisk, size_limit=CACHE_SIZE_LIMIT)
            return default

    def _get(self, key: str) -> Any:
        try:
            return self._guard(lambda: self._cache.get(key))
        except UnsafeCacheValue as error:  # a pickled entry: never loaded, dropped
            self.damaged(key, str(error))
            return None
        except (ValueError, OSError) as error:  # a damaged value file: undecodable, truncated, unreadable
            self.damaged(key, f"{type(error).__name__}: {error}")
            return None

    def damaged(self, key: str, why: str) -> None:
        """Drop a damaged entry (it is a miss); the first of a run is told in a warning, the rest silently."""
        if not self._warned:
            self._warned = True
            warnings.warn(f"index cache {self.directory}: damaged entry {key[:40]} ({why[:200]}); dropped "
                          "(and any other damaged entries), rebuilding them", stacklevel=4)
        self._drop(key)

    def _drop(self, key: str) -> None:
        self._guard(lambda: self._cache.delete(key))

    def get_vector(self, key: str, dim: int) -> np.ndarray | None:
        blob = self._get(key)
        if blob is None:
            return None
        vector = np.frombuffer(blob, dtype=np.float32) if type(blob) is bytes and len(blob) == 4 * dim else None
        if vector is None or not np.isfinite(vector).all():
            self.damaged(key, "not a finite float32 vector of the encoder's dimension")
            return None
        return vector

    def put_vector(self, key: str, vector: np.ndarray) -> None:
        blob = np.ascontiguousarray(vector, dtype=np.float32).tobytes()
        self._guard(lambda: self._cache.set(key, blob))

    def get_record(self, key: str, valid: Callable[[Any], bool]) -> Any:
        """The JSON record under `key` when `valid(record)`; a damaged or invalid one is dropped (a miss)."""
        blob = self._get(key)
        if blob is None:
            return None
        try:
            if type(blob) is not bytes:
                raise ValueError(f"a {type(blob).__name__}, not JSON bytes")
            record = json.loads(blob)
            if not valid(record):
                raise ValueError("a record of the wrong shape")
            return record
        except (ValueError, RecursionError) as error:
            self.damaged(key, str(error))
            return None

    def put_record(self, key: str, value: Any) -> None:
        blob = json.dumps(value, separators=(",", ":")).encode()  # bytes: diskcache never decodes them
        self._guard(lambda: self._cache.set(key, blob))

    def close(self) -> None:
        self._cache.close()
