"""The server's state, without LSP: one encoder, one repository index per workspace folder, buffers.

`Workspaces` owns the shared `Encoder` (loaded once, on first need), a `Folder` per
workspace folder (a `RepositoryIndex` on `<folder>/.leancode/`, the directory the CLI
uses), and the embedded functions of unsaved buffers (`Overlay`), which search ranks in
place of the saved file's functions until the file is saved and re-indexed.

Threads: updates run on the server's indexing thread; searches and hovers on its
worker pool. Each folder answers searches from a reader index that is swapped (under
the folder's lock) only when an update has finished, so a search never sees half an update.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from leancode.encoder import Encoder
from leancode.index import INDEX_DIRNAME, IndexedUnit, RepositoryIndex, UpdateStats, since_indexing
from leancode.index_store import declaring_files, indexed_unit
from leancode.languages import language_for_path
from leancode.parse_pool import parse_units
from leancode.search import (after_the_code, asks_for_examples, asks_for_tests, bounded_query, file_reader, frames_in,
                             holding_text, name_order, name_tiers, rank_units, ranked_as_test)
from leancode.sources import FileSkipped, check_text, read_source

from . import preload
from .settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class Overlay:
    """The functions of an unsaved buffer, embedded: they replace the file's indexed functions in search."""

    version: int
    units: list[IndexedUnit]
    vectors: np.ndarray
    text: str = ""  # the buffer's, for `holding_text`


@dataclass(frozen=True)
class Hit:
    folder: "Folder | IndexedRepository"
    unit: IndexedUnit
    score: float
    tier: int = 2  # `name_tiers`: 0 and 1 (functions the query names) come first
    test: bool = False  # a test or benchmark ranked after the code (the query does not ask for tests)
    stale: str | None = None  # "deleted": a function whose file is gone since indexing (the update may be running)
    buffer: bool = False  # an unsaved buffer's function, not the index's
    quoted: bool = False  # its code holds the query's text (`holding_text`): after the functions the query names

    @property
    def path(self) -> Path:
        return self.folder.root / self.unit.path

    @property
    def shown_path(self) -> Path:
        """`path` under the folder's root as the client named it (through a symlink): the link a result shows, so
        the editor does not open the file a second time under its real path."""
        return (getattr(self.folder, "shown_root", None) or self.folder.root) / self.unit.path


@dataclass(frozen=True)
class IndexedRepository:
    """A repository of the shared lance index (setting `searchIndex`): its hits' paths are under `root`."""

    root: Path


@dataclass
class Folder:
    root: Path
    reader: RepositoryIndex
    updater: RepositoryIndex
    shown_root: Path | None = None  # the root as the client named it, where that is a symlink to `root`
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: bool = False  # the reader holds a snapshot
    overlays: dict[str, Overlay] = field(default_factory=dict)
    by_name: dict[str, list[IndexedUnit]] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)
    # class, interface or trait name -> the (path, language) of the files whose indexed functions it encloses
    declaring: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def relative(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def publish(self, partial=None) -> None:
        """Reload the reader from disk (the snapshot the updater just wrote), or serve an update's
        `partial` snapshot from memory; then rebuild the name maps."""
        with self.lock:
            if partial is None:
                self.ready = self.reader.load()
            else:
                self.reader.serve(partial)
                self.ready = True
            units = self.reader.units if self.ready else []
            by_name: dict[str, list[IndexedUnit]] = {}
            for unit in units:
                by_name.setdefault(unit.name, []).append(unit)
            self.by_name = by_name
            self.by_key = {u.key: row for row, u in enumerate(units)}
            self.declaring = declaring_files(units)


class Workspaces:
    def __init__(self, settings: Settings, log: Callable[[str], None] = logger.info):
        self.settings = settings
        self.log = log
        self.folders: dict[Path, Folder] = {}
        # The client's folders, opened or not: new settings reopen them all, so a setting that kept one closed (a
        # model that did not load, a bad exclude pattern) can be mended without a restart. A dict: ordered, no repeats.
        self.wanted: dict[Path, None] = {}
        self.shown_roots: dict[Path, Path] = {}  # a folder's root -> the symlink the client named it by
        self.named: set[Path] = set()  # the folders the client named at initialize, opened or not yet
        self._encoder: Encoder | None = None
        self._encoder_key: tuple | None = None
        self._encoder_lock = threading.Lock()
        self._shared: tuple[tuple, Any] | None = None  # ((path, encoder config), the searchIndex store)

    # -- encoder and settings ------------------------------------------------------------------

    @property
    def encoder(self) -> Encoder:
        """The shared encoder for the current settings (loaded once; method/ratio changes need no reload)."""
        preload.wait()
        with self._encoder_lock:
            s = self.settings
            if self._encoder is None or self._encoder_key != s.encoder_key:
                self.log(f"leancode: loading encoder {s.model_path or '(packaged model)'}"
                         + (f" with the importance table {s.table}" if s.table else ""))
                self._encoder = Encoder(model=s.model_path, method=s.method, ratio=s.ratio, threads=s.threads,
                                        table=s.table)
                self._encoder_key = s.encoder_key
            if (self._encoder.method, self._encoder.ratio) != (s.method, s.ratio):
                self._encoder = self._encoder.configured(s.method, s.ratio)
            return self._encoder

    def apply_settings(self, settings: Settings) -> bool:
        """Take new settings; True when the indexes must be rebuilt for them: every folder of the client is then
        reopened, one that failed to open under the old settings included."""
        changed = settings.index_key != self.settings.index_key and bool(self.wanted)
        previous, self.settings = self.settings, settings
        if changed:
            try:
                self.encoder  # loaded first: a model that does not load leaves the folders as they were
            except Exception:
                self.settings = previous  # and searches them with the model that made them, as the user is told
                raise
            for root in list(self.wanted):
                self.folders.pop(root, None)
                self.add_folder(root)
        return changed

    # -- folders -------------------------------------------------------------------------------

    def _open(self, root: Path) -> Folder:
        s = self.settings
        encoder = self.encoder

        def index() -> RepositoryIndex:
            return RepositoryIndex(root, encoder, exclude=s.exclude, languages=s.languages or None)

        return Folder(root=root, reader=index(), updater=index())

    def add_folder(self, path: str | os.PathLike) -> Folder | None:
        root = Path(path).resolve()
        if not root.is_dir():
            self.log(f"leancode: workspace folder {root} is not a directory; skipped")
            return None
        self.wanted[root] = None
        if (named := Path(os.path.abspath(path))) != root:
            self.shown_roots[root] = named
        if root not in self.folders:
            self.encoder  # loaded first: a model that does not load is the caller's to tell, not a folder's
            try:
                self.folders[root] = self._open(root)
                self.folders[root].shown_root = self.shown_roots.get(root)
            except (OSError, ValueError) as error:  # the filesystem root, someone else's `.leancode` directory
                self.log(f"leancode: workspace folder {root} not indexed: {error}")
                return None
        return self.folders[root]

    def remove_folder(self, path: str | os.PathLike) -> None:
        self.wanted.pop(Path(path).resolve(), None)
        self.named.discard(Path(path).resolve())
        self.folders.pop(Path(path).resolve(), None)

    def folder_for(self, path: Path) -> Folder | None:
        """The innermost workspace folder holding `path`."""
        path = path.resolve()
        best = None
        for root, folder in list(self.folders.items()):  # the indexing thread may add or remove folders
            if (path == root or root in path.parents) and (best is None or len(root.parts) > len(best.root.parts)):
                best = folder
        return best

    def in_workspace(self, path: Path) -> bool:
        """Whether `path` lies in a workspace folder, open or still opening (a folder opens once the encoder has
        loaded, seconds after the editor named it)."""
        try:
            path = path.resolve()
        except (OSError, RuntimeError):  # a loop of symlinks: in no folder
            return False
        return self.folder_for(path) is not None \
            or any(path == root or root in path.parents for root in [*self.wanted, *self.named])

    def load(self, folder: Folder) -> bool:
        """Serve the snapshot already on disk (from the CLI or an earlier session) until the update ends."""
        folder.publish()
        return folder.ready

    def update(self, folder: Folder, progress: Callable[[str, int, int | None], None] | None = None) -> UpdateStats:
        """Bring a folder's index up to date (blocking: run it on the indexing thread), then serve it."""
        # The first index serves what it has embedded so far; later updates keep the previous snapshot.
        partial = None if folder.ready else folder.publish
        stats = folder.updater.update(progress=progress or False, partial=partial)
        folder.publish()
        return stats

    # -- unsaved buffers -----------------------------------------------------------------------

    def set_overlay(self, path: Path, text: str, version: int) -> bool:
        """Embed the functions of an unsaved buffer (vectors reused from the index where the code is unchanged)."""
        folder = self.folder_for(path)
        language = language_for_path(path.name)
        relative = folder.relative(path) if folder else None
        if folder is None or relative is None or language is None:
            return False
        if self.settings.languages and language not in self.settings.languages:
            return False
        if folder.reader.exclude is not None and folder.reader.exclude.match_file(relative):
            return False
        try:
            check_text(text)
            records = parse_units(text, language)["units"]  # as the index records a saved file, in a worker
        except FileSkipped:  # too large or binary to parse, or its parse was stopped: none of the buffer's
            # functions stays searchable (its saved version's included), and the job's log says why
            _store_overlay(folder, relative, Overlay(version, [], np.zeros((0, self.encoder.dim), np.float32)))
            raise
        units, vectors, missing = [], [], []
        reader_vectors = folder.reader.vectors if folder.ready else None
        for record in records:
            units.append(indexed_unit(relative, record))
            row = folder.by_key.get(record["key"])
            if row is not None and reader_vectors is not None and row < len(reader_vectors):
                vectors.append(reader_vectors[row])
            else:
                vectors.append(None)
                missing.append(len(vectors) - 1)
        if missing:
            encoded = self.encoder.encode_code([(records[i]["code"], records[i]["language"]) for i in missing])
            for i, vector in zip(missing, encoded):
                vectors[i] = vector
        matrix = np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, self.encoder.dim), np.float32)
        _store_overlay(folder, relative, Overlay(version, units, matrix, text))
        return True

    def drop_overlay(self, path: Path, up_to_version: int | None = None) -> None:
        """Forget the buffer at `path` in every folder holding it (an outer folder held it before a nested one
        opened, and serves it again once that one is removed)."""
        for folder in list(self.folders.values()):
            relative = folder.relative(path)
            if relative is None:
                continue
            with folder.lock:
                overlay = folder.overlays.get(relative)
                if overlay is not None and (up_to_version is None or overlay.version <= up_to_version):
                    del folder.overlays[relative]

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str, top: int, prefix: bool = False) -> list[Hit]:
        """The `top` functions of all ready folders for `query`, best first (unsaved buffers included); `prefix`: the
        query may be a name being typed (`name_tiers`)."""
        folders = [f for f in list(self.folders.values()) if f.ready]  # a copy: folders change meanwhile
        query = bounded_query(query)
        if not (folders or self.settings.search_index) or not query.strip():
            return []
        query_vector = self.encoder.encode_queries([query])[0]
        hits: list[Hit] = []
        hybrid = self.settings.hybrid and len(folders) == 1
        tests_last = not asks_for_tests(query)  # as `leancode search`: tests and benchmarks after the code
        examples = asks_for_examples(query)
        for folder in folders:
            nested = _nested_in(folder, folders)
            with folder.lock:
                index, units = folder.reader.search_index, folder.reader.units
                mask, buffers = None, []  # unsaved buffers stand in for their files' indexed functions
                if (folder.overlays or nested) and not hybrid:  # and nested folders answer for their files
                    mask = np.fromiter((u.path not in folder.overlays and not u.path.startswith(nested)
                                        for u in units), bool, len(units))
                    buffers = [(u, float(v @ query_vector)) for path, overlay in folder.overlays.items()
                               if not path.startswith(nested) for u, v in zip(overlay.units, overlay.vectors)]
                # Name tiers over the folder as the user sees it: its index, and the buffers for their files.
                seen = units + [u for u, _ in buffers]
                hidden = np.zeros(len(seen), bool)
                if mask is not None:
                    hidden[:len(units)] = ~mask
                tests = np.fromiter((tests_last and ranked_as_test(u, examples) for u in seen), bool, len(seen))
                # a trace: its frames in this folder's code (`frames_in`)
                read = frames_in(query, {u.path.rsplit("/", 1)[-1] for u in seen}) if "\n" in query else query
                tiers = name_tiers(read, seen, tests | hidden, prefix)
                on_disk = file_reader(folder.root)
                quoted = holding_text(query, seen, lambda path: overlay.text if (overlay := folder.overlays.get(path))
                                      is not None else on_disk(path), ~hidden)  # a buffer's text as the user sees it
                held = np.zeros(len(seen), bool) if quoted is None else quoted
                for ranked in rank_units(query_vector, read, index, units, top, hybrid=hybrid, mask=mask,
                                         tests_last=tests_last, tiers=None if tiers is None else tiers[:len(units)],
                                         tests=tests[:len(units)], quoted=held[:len(units)]):
                    hits.append(Hit(folder, units[ranked.row], ranked.score, ranked.tier, bool(tests[ranked.row]),
                                    quoted=ranked.quoted))
                buffer_tiers = [2] * len(buffers) if tiers is None else tiers[len(units):]
                hits += [Hit(folder, unit, score, int(tier), bool(test), buffer=True, quoted=bool(holds))
                         for (unit, score), tier, test, holds in zip(buffers, buffer_tiers, tests[len(units):],
                                                                    held[len(units):])]
        if not hybrid:  # the shared index ranks by cosine only
            hits += self._shared_hits(query_vector, query, top, tests_last)
        # As `rank_units` orders each folder's: functions the query names first (the one its whole name names before
        # the others), then those whose code holds its text, then the code, the functions ranked after it
        # (`after_the_code`), the tests (`demotions`), then by score.
        order = name_order(query, [h.unit for h in hits if h.tier == 0])
        hits.sort(key=lambda h: (h.tier if h.tier < 2 else 3 - h.quoted, order(h.unit) if h.tier == 0 else 2,
                                 2 if h.test else int(after_the_code(h.unit)), -h.score))
        # A function the shared index holds too is shown once, a file's functions of one name (overloads) as one row,
        # the best-ranked, and copies of the same code as one, as `rank_units` folds the index's (a buffer's too).
        shown, seen = [], set()
        for hit in hits:
            if len(shown) == top:
                break
            if not (keys := {(hit.path, hit.unit.qualified_name), hit.unit.key}) & seen:
                seen |= keys
                # a file deleted while the update that drops it still runs (embedding a large change takes a while)
                gone = isinstance(hit.folder, Folder) and not hit.buffer and not hit.path.exists()
                shown.append(dataclasses.replace(hit, stale="deleted") if gone else hit)
        return shown

    def _shared_hits(self, query_vector: np.ndarray, query: str, top: int, tests_last: bool) -> list[Hit]:
        """Hits of the shared lance index named by the `searchIndex` setting (none when unset), ranked and folded
        as `leancode search` shows them (`search_store`), a file deleted since indexing marked."""
        path = self.settings.search_index
        if not path:
            return []
        encoder = self.encoder
        if self._shared is None or self._shared[0] != (path, encoder.config_key):
            from leancode.scale.engine import encoder_info
            from leancode.store import open_store

            try:
                store = open_store("lance", path, encoder_info(encoder), create=False)
            except (ImportError, OSError, ValueError) as error:  # logged; the workspace's own hits still answer
                self.log(f"leancode: searchIndex {path} not searched: {error}")
                store = None
            self._shared = ((path, encoder.config_key), store)
        store = self._shared[1]
        if store is None:
            return []
        from leancode.scale.search import search_store

        roots = store.manifest.get("repositories") or {}
        try:
            found = search_store(store, query_vector, query, top, include_tests=not tests_last)
        except (OSError, ValueError) as error:  # damaged since it was opened: logged, as when it cannot be opened
            self.log(f"leancode: searchIndex {path} not searched: {error}")
            return []
        shared = []
        for hit in found:
            root = Path(roots.get(hit.unit.repo, path))
            shared.append(Hit(IndexedRepository(root), hit.unit, hit.score, hit.tier, tests_last and hit.test,
                              since_indexing(root / hit.unit.path, None)))
        return shared

    def units_named(self, name: str) -> list[Hit]:
        """Indexed (or unsaved) functions called `name`, in every folder."""
        found = []
        folders = list(self.folders.values())  # a copy: folders change meanwhile
        for folder in folders:
            nested = _nested_in(folder, folders)
            with folder.lock:
                overlays = dict(folder.overlays)
                for unit in folder.by_name.get(name, []):
                    if unit.path not in overlays and not unit.path.startswith(nested):
                        found.append(Hit(folder, unit, 0.0))
                for path, overlay in overlays.items():
                    if not path.startswith(nested):
                        found += [Hit(folder, u, 0.0) for u in overlay.units if u.name == name]
        return found

    def files_declaring(self, name: str) -> list[tuple[Path, str]]:
        """The indexed files (path, language) whose functions a class, interface or trait called `name` encloses, in
        every folder."""
        found = []
        for folder in list(self.folders.values()):
            with folder.lock:
                found += [(folder.root / path, language) for path, language in folder.declaring.get(name, ())]
        return sorted(set(found))


def _nested_in(folder: Folder, folders: list[Folder]) -> tuple[str, ...]:
    """The paths (relative, with a trailing "/") of the other workspace folders inside `folder`: their files are
    theirs to answer for (kept fresh by their own updates), not `folder`'s."""
    return tuple(other.root.relative_to(folder.root).as_posix() + "/" for other in folders
                 if folder.root in other.root.parents)


def _store_overlay(folder: Folder, relative: str, overlay: Overlay) -> None:
    """Keep `overlay` for the buffer at `relative` unless a later version's is there already."""
    with folder.lock:
        current = folder.overlays.get(relative)
        if current is None or current.version <= overlay.version:
            folder.overlays[relative] = overlay


__all__ = ["FileSkipped", "Folder", "Hit", "Overlay", "Workspaces", "read_source", "check_text", "INDEX_DIRNAME"]
