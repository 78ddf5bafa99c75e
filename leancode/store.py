"""The vector-store seam: vectors by content key, rows by place, top-k by cosine, persist.

Two stores implement `VectorStore`:

- `EmbeddedStore` (the default, for a workspace): the index's snapshot, one float32
  matrix in memory searched by brute force (`search.rank`), persisted by the index as
  `snapshot.npz` beside its diskcache. No dependency beyond numpy.
- `LanceStore` (`leancode.scale.lance_store`, the `scale` extra): LanceDB on disk,
  incremental, with an IVF-PQ index once large enough; for many repositories.

`open_store(kind, ...)` picks one by name; callers (the CLI, the server) hold a
`VectorStore` and do not know which. A row is anything with the `StoredFunction`
fields (`repo`, `path`, `name`, `qualified_name`, `language`, `start_line`,
`end_line`, `preview`, `key`); the embedded store's rows are the index's units.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Protocol, Sequence

import numpy as np

from .search import SearchIndex, rank

STORES = ("embedded", "lance")


class VectorStore(Protocol):
    kind: str
    dim: int

    def vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those content keys (only the ones the store has)."""

    def add(self, rows: Sequence[Any], vectors: np.ndarray) -> int:
        """Store rows (row i has vector i) not held yet; returns how many were added."""

    def remove(self, keys: Iterable[str] = (), repo: str | None = None) -> None:
        """Delete the rows of these content keys (within one repository when `repo` is given)."""

    def search(self, query: np.ndarray, top: int = 10, repo: str | None = None,
               within: str | None = None) -> list[tuple[Any, float]]:
        """The `top` rows nearest `query` by cosine, best first, as (row, cosine similarity)."""

    def persist(self) -> dict:
        """Make the store durable (and, where it has one, its ANN index fresh); returns what it did."""


def _under(path: str, within: str | None) -> bool:
    if within in (None, "", "."):
        return True
    prefix = within.strip("/")
    return path == prefix or path.startswith(prefix + "/")


class EmbeddedStore:
    """Rows and one normalised float32 matrix in memory, searched exactly; `persist` hands both to `save`."""

    kind = "embedded"

    def __init__(self, rows: Sequence[Any], vectors: np.ndarray, dim: int,
                 save: Callable[[list, np.ndarray], None] | None = None):
        self.dim = dim
        self.rows = list(rows)
        self.matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(self.rows), dim)
        self._save = save
        self._index: SearchIndex | None = None

    def vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = set(keys)
        return {row.key: self.matrix[i] for i, row in enumerate(self.rows) if row.key in wanted}

    def add(self, rows: Sequence[Any], vectors: np.ndarray) -> int:
        held = {(getattr(r, "repo", ""), r.path, r.start_line, r.key) for r in self.rows}
        new = [i for i, r in enumerate(rows) if (getattr(r, "repo", ""), r.path, r.start_line, r.key) not in held]
        if new:
            self.rows += [rows[i] for i in new]
            self.matrix = np.concatenate([self.matrix, np.asarray(vectors, dtype=np.float32)[new]])
            self._index = None
        return len(new)

    def remove(self, keys: Iterable[str] = (), repo: str | None = None) -> None:
        gone = set(keys)
        keep = [i for i, r in enumerate(self.rows)
                if not (r.key in gone and (repo is None or getattr(r, "repo", "") == repo))]
        self.rows = [self.rows[i] for i in keep]
        self.matrix = self.matrix[keep]
        self._index = None

    def search(self, query: np.ndarray, top: int = 10, repo: str | None = None,
               within: str | None = None) -> list[tuple[Any, float]]:
        if self._index is None:
            self._index = SearchIndex(self.matrix)
        mask = None
        if repo is not None or within not in (None, "", "."):
            mask = np.fromiter((_under(r.path, within) and (repo is None or getattr(r, "repo", "") == repo)
                                for r in self.rows), bool, len(self.rows))
        return [(self.rows[row], score) for row, score in rank(query, "", self._index, top=top, mask=mask)]

    def persist(self) -> dict:
        if self._save is not None:
            self._save(self.rows, self.matrix)
        return {"rows": len(self.rows), "ann": None}


def open_store(kind: str, directory: str | os.PathLike, encoder_info: dict, **options) -> VectorStore:
    """A store by name over an index directory. The embedded store lives inside `RepositoryIndex` (its
    snapshot); this opens the on-disk stores."""
    if kind == "lance":
        try:
            from .scale.lance_store import LanceStore
        except ImportError as error:
            raise ImportError(f"the lance store needs the scale extra: pip install 'leancode-simplify[scale]' "
                              f"({error})") from None
        return LanceStore(directory, encoder_info, **options)
    raise ValueError(f"no store named {kind!r} opens from a directory (stores: {', '.join(STORES)})")
