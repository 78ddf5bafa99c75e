"""The server core: the `LeanCodeServer` object every feature shares (settings, workspace state, the worker
pool, the indexing thread, the summarizer, the open documents' functions) and its plumbing (logging, running
on the event loop, settings from the client, work-done progress). Handlers live in `features/`; the work
itself in `hover.py`, `calls.py`, `indexing.py` and `workspace.py`, which know nothing of handlers.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from leancode import __version__
from leancode.languages import LANGUAGES, language_for_path
from leancode.messages import printable
from leancode.sources import FileSkipped, without_lone_surrogates
from leancode.units import Unit

from . import buffers, hover, preload  # noqa: F401  (buffers: LSP's lines and edits, for pygls's buffers)
from .indexing import (CANCELLED, Debouncer, Indexer, IndexingCancelled, IndexStatus, Report, index_folders,
                       no_progress, progress_reporter)
from .protocol import LeanCodeProtocol, answered, is_parse_error, strict_converter
from .settings import SECTION, Settings, SettingsError, parse_settings, settings_json
from .workspace import Workspaces, read_source

logger = logging.getLogger(__name__)
LANGUAGE_IDS = {"javascriptreact": "javascript", "typescriptreact": "tsx"}  # LSP language ids not named as ours
UPDATE_PROGRESS_FUNCTIONS = 100  # an update with this many functions to embed shows a progress
RECEIVED_KEPT = 256  # hovers whose buffer version at arrival is kept until they start


def path_of(uri: str) -> Path | None:
    """The local path of a `file:` URI (None for any other scheme, or a path no file can have: a NUL in it)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path and "\0" not in path else None


def source_of(document) -> str:
    """An open buffer's text, a lone surrogate (half a UTF-16 pair the client sent) as U+FFFD."""
    return without_lone_surrogates(document.source)


MAX_TOLD_UNREAD = 1_000  # files told unreadable, remembered (then only logged): a client cannot grow it without end


class LeanCodeServer(LanguageServer):
    def __init__(self):
        super().__init__("leancode-server", __version__, protocol_cls=LeanCodeProtocol,
                         converter_factory=strict_converter,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()  # the latest from the client (the indexing thread applies them in order)
        self.initial_settings = Settings()  # the defaults under the initialization options: what a key left out means
        self.state = Workspaces(self.settings, log=lambda m: self.log(m))
        self.pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="leancode-worker")  # hovers, file reads
        # Searches (one query embedding and a ranking: milliseconds) never wait behind a burst of hovers.
        self.search_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leancode-search")
        self.indexer = Indexer(self.log, self._job_failed)
        self.index_status = IndexStatus()  # what a search answered meanwhile is told
        self._failed_job: Any = None  # the key of the job whose failure `index_status` holds
        self._refusals_told: set[str] = set()  # the settings refused in the latest that came, told
        self.overlays = Debouncer()  # unsaved buffers waiting to be embedded
        self.hover_cache = hover.HoverCache()
        self._summarizer: hover.HoverSummarizer | None = None
        self._summarizer_settings: tuple[str | None, bool] | None = None  # (summarizerPath, generatedSummaries) loaded
        self._summarizer_lock = threading.Lock()
        self._doc_units: dict[str, tuple[int, list[Unit]]] = {}
        self._versions_received: dict[int, int | None] = {}  # id(a hover's params) -> its buffer's version then
        self._told_unread: set[str] = set()  # files whose hovers LeanCode cannot answer, shown to the user once
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    def on_loop(self, fn: Callable, *args) -> None:
        """Run `fn(*args)` on the event loop (the only thread that writes to the client)."""
        if self.loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            fn(*args)
        else:
            self.loop.call_soon_threadsafe(fn, *args)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        logger.info("%s", message)
        self.on_loop(self.window_log_message, types.LogMessageParams(type=kind, message=message))

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Log `message` and show it to the user (what they must act on: bad settings, a failed index)."""
        self.log(message, kind)
        self.on_loop(self.window_show_message, types.ShowMessageParams(type=kind, message=message))

    def tell_unread(self, uri: str, reason: FileSkipped) -> None:
        """A file the hover cannot read (too large, binary, its parse stopped): logged each time, shown once a
        file, so an empty hover is not a mystery."""
        if uri in self._told_unread or len(self._told_unread) >= MAX_TOLD_UNREAD:
            self.log(f"leancode: hover on {uri} skipped: {reason}")
            return
        self._told_unread.add(uri)
        name = printable(unquote(uri.rsplit("/", 1)[-1]))
        self.tell(f"LeanCode does not read {name}: {reason}; its functions get no hover and are not searched.",
                  types.MessageType.Warning)

    def report_server_error(self, error: Exception, source) -> None:
        if is_parse_error(error):
            self.protocol.reply_parse_error(error)
            return
        if answered(error):  # an error response given on purpose (a position past the end, a changed buffer)
            logger.debug("answered with an error (%s): %s", getattr(source, "__name__", source), error)
            return
        logger.error("server error (%s): %s", getattr(source, "__name__", source), error)

    @property
    def summarizer(self) -> hover.HoverSummarizer:
        preload.wait()
        with self._summarizer_lock:
            wanted = (self.settings.summarizer_path, self.settings.generated_summaries)
            if self._summarizer is None or wanted != self._summarizer_settings:
                self._summarizer = hover.load_summarizer(
                    wanted[0], log=lambda m: self.tell(m, types.MessageType.Warning), generated=wanted[1])
                self._summarizer_settings = wanted
            return self._summarizer

    # -- settings ---------------------------------------------------------------------------------

    def take_settings(self, data: Any, source: str, whole: bool = False) -> None:
        """Apply settings from a client (an invalid value is told and keeps the previous one; the others apply);
        re-index when they need it. `whole`: `data` is the whole section (pulled or pushed), so a key it leaves out
        goes back to its initialization option or default (a user who deletes a bad `modelPath` from Neovim's
        settings gets the default again); else (the initialization options) it updates the settings."""
        refused: list[str] = []
        try:
            settings, unknown = parse_settings(data, self.initial_settings if whole else self.settings, refused,
                                               kept=self.settings)
        except SettingsError as error:  # not an object at all
            self.tell(f"LeanCode: invalid settings from {source}, kept the previous ones: {error}")
            return
        if not whole:
            self.initial_settings = settings
        # Each refusal told once while the client keeps sending it: Neovim sends its whole table, the bad value
        # among it, with every change (`top` set, then the `ratio` error again) and three times at a start.
        if news := [refusal for refusal in refused if refusal not in self._refusals_told]:
            self.tell(f"LeanCode: invalid settings from {source}, each kept as it was: {'; '.join(news)}")
        self._refusals_told = set(refused)
        if unknown:
            self.log(f"leancode: unknown settings ignored: {', '.join(sorted(unknown))}")
        if settings == self.settings:
            return
        before, after = settings_json(self.settings), settings_json(settings)
        changed = ", ".join(f"{key}={after[key]!r}" for key in after if after[key] != before[key])
        self.log(f"leancode: settings from {source}: {changed}")
        self.settings = settings
        self.hover_cache.clear()
        self.indexer.post(("settings",), lambda: self._apply_settings(settings))

    def _apply_settings(self, settings: Settings) -> None:
        if self.state.apply_settings(settings):
            if settings.index_on_startup:
                self.index_all("re-indexing for new settings")
            self.embed_open_buffers()  # the reopened folders hold none

    async def pull_configuration(self) -> None:
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        try:
            items = await asyncio.wait_for(self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])), 10)
        except Exception as error:
            self.log(f"leancode: workspace/configuration failed: {error}")
            return
        if items and isinstance(items[0], dict):
            self.take_settings(items[0], "workspace/configuration", whole=True)

    # -- indexing (runs on the indexing thread) ---------------------------------------------------

    def progress(self, title: str) -> tuple[Report, Callable[[str], None]]:
        """(report, end) for one work-done progress (no-ops when the client does not support it)."""
        window = self.client_capabilities.window
        if not (window and window.work_done_progress) or self.loop is None:
            return no_progress()
        token = f"leancode-index-{uuid.uuid4()}"
        try:
            asyncio.run_coroutine_threadsafe(self.work_done_progress.create_async(token), self.loop).result(10)
        except Exception as error:
            self.log(f"leancode: no progress ({error})")
            return no_progress()
        return progress_reporter(self.work_done_progress, token, title, self.on_loop)

    def progress_once_long(self, title: str) -> tuple[Report, Callable[[str], None]]:
        """(report, end) of a work-done progress begun only once an update has UPDATE_PROGRESS_FUNCTIONS functions
        or more to embed: a save embeds a few in well under a second, and no progress flashes for it."""
        begun: list[tuple[Report, Callable[[str], None]]] = []

        def report(stage: str, done: int, total: int | None) -> None:
            if not begun and stage == "embed" and (total or 0) >= UPDATE_PROGRESS_FUNCTIONS:
                begun.append(self.progress(title))
            if begun:
                begun[0][0](stage, done, total)

        def end(message: str) -> None:
            if begun:
                begun[0][1](message)

        return report, end

    def index_all(self, title: str = "LeanCode: indexing") -> None:
        """Index every workspace folder with one work-done progress."""
        if not self.state.folders:  # none open (opening failed, or none given): searches hear the failure, if any
            self.index_status.message = None
            return
        report, end = self.progress(title)
        self.index_status.message = "starting"
        try:
            index_folders(self.state, self.index_status.track(report), end, self.log, self.tell)
            if self.state.folders:  # indexed something: an earlier failure is over
                self.index_status.failure = None
        except IndexingCancelled:  # searches say their results cover part of the workspace, until an indexing ends
            self.index_status.failure, self._failed_job = CANCELLED, None
            raise
        finally:
            self.index_status.message = None

    def _job_failed(self, key: Any, error: Exception) -> None:
        """An indexing job failed (the workspace could not be opened or indexed): the user is told, and so is
        each search until an indexing succeeds."""
        self.index_status.failure, self._failed_job = f"{type(error).__name__}: {error}", key
        self.index_status.message = None  # jobs run one at a time: none runs now
        self.tell(f"LeanCode: {key[0]} failed ({self.index_status.failure}); search covers only what was indexed "
                  "before")

    def open_folders(self, paths: list[str]) -> None:
        # kept should the first open fail (the encoder loads then)
        self.state.wanted.update((root, None) for root in map(Path.resolve, map(Path, paths)) if root.is_dir())
        for path in paths:
            if self.state.add_folder(path) is not None:
                self.log(f"leancode: workspace folder {path}")

    def update_folder_of(self, path: Path, saved_version: int | None = None) -> None:
        folder = self.state.folder_for(path)
        if folder is None:
            return

        def job() -> None:
            report, end = self.progress_once_long("LeanCode: updating the index")
            outcome = "stopped"  # failed or cancelled: the indexer logs why
            try:
                outcome = f"{self.state.update(folder, self.index_status.track(report)).embedded} functions embedded"
                if self.index_status.failure is not None and (len(self.state.folders) == 1
                                                              or self._failed_job == ("update", folder.root)):
                    self.index_status.failure = None  # indexed now: what failed, or was cancelled, before is over
            finally:
                self.index_status.message = None
                end(outcome)
            if saved_version is not None:
                self.state.drop_overlay(path, saved_version)

        self.indexer.post(("update", folder.root), job)

    def embed_open_buffers(self) -> None:
        """Embed every open buffer again (after its folder was opened or reopened), after the jobs waiting."""
        for uri, document in list(self.workspace.text_documents.items()):
            if (path := path_of(uri)) is not None:
                text, version = source_of(document), document.version or 0
                self.indexer.post(("overlay", uri), partial(self._embed_if_open, uri, path, text, version))

    def _embed_if_open(self, uri: str, path: Path, text: str, version: int) -> None:
        """A job replaces the one waiting under its key: a buffer closed meanwhile (its drop job replaced by this
        one) is dropped, not embedded again."""
        if self.document(uri) is None:
            self.state.drop_overlay(path)
        else:
            self.state.set_overlay(path, text, version)

    def schedule_overlay(self, uri: str) -> None:
        """After `debounceMs` of quiet, embed the unsaved buffer's functions (for search)."""

        def fire() -> None:
            document = self.document(uri)
            path = path_of(uri)
            if document is None or path is None:
                return
            text, version = source_of(document), document.version or 0
            self.indexer.post(("overlay", uri), lambda: self.state.set_overlay(path, text, version))

        self.overlays.schedule(self.loop, uri, self.settings.debounce_ms / 1000, fire)

    # -- open documents ---------------------------------------------------------------------------

    def units_of(self, uri: str, text: str, version: int | None, language: str) -> list[Unit]:
        """The functions of a document, parsed once per version."""
        cached = self._doc_units.get(uri)
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        path = path_of(uri)
        units = hover.units_of(text, language, printable(str(path) if path is not None else uri), path)
        if version is not None:
            self._doc_units[uri] = (version, units)
        return units

    def note_received(self, params: types.TextDocumentPositionParams) -> None:
        """A request about a buffer as it arrives, before the edits read after it: the buffer's version then. pygls
        starts an async handler only once the messages read with it are handled, edits included."""
        document = self.document(params.text_document.uri)
        self._versions_received[id(params)] = document.version if document is not None else None
        while len(self._versions_received) > RECEIVED_KEPT:  # a request cancelled before it started never asks
            del self._versions_received[next(iter(self._versions_received))]

    def version_received(self, params: types.TextDocumentPositionParams) -> int | None:
        """The version `note_received` saw (None: not open, or not noted)."""
        return self._versions_received.pop(id(params), None)

    def unsynced(self, uri: str, reason: str) -> None:
        """An edit of `uri` could not be read: its buffer is forgotten as if closed, so no later edit lands at the
        wrong place; the saved file is read until the editor opens it again. The user is told."""
        if self.document(uri) is not None:
            self.workspace.remove_text_document(unquote(uri))
        self.close_document(uri)
        self.tell(f"LeanCode: an edit of {printable(uri)} could not be read ({reason}); LeanCode reads the saved file "
                  "until it is closed and opened again", types.MessageType.Warning)

    def close_document(self, uri: str) -> None:
        """A closed buffer: what the server parsed of it goes, and its unsaved functions leave the search."""
        self.forget_document(uri)
        if (path := path_of(uri)) is not None:
            self.indexer.post(("overlay", uri), lambda: self.state.drop_overlay(path))

    def forget_document(self, uri: str) -> None:
        """A closed document: its parsed functions and any waiting overlay go."""
        self._doc_units.pop(uri, None)
        self.overlays.cancel(uri)

    def document(self, uri: str):
        """The open buffer of `uri`, or None (pygls keeps buffers under the percent-decoded URI, so that
        `file:///a%20b.py` and `file:///a b.py` name one buffer)."""
        return self.workspace.text_documents.get(unquote(uri))

    def language_of(self, uri: str) -> str | None:
        """A document's language: by its extension, else (an `untitled:` buffer, a file without one) by the
        languageId the client opened it with; None when LeanCode has no grammar for it."""
        language = language_for_path(uri)
        if language is None and (document := self.document(uri)) is not None and document.language_id:
            language = LANGUAGE_IDS.get(document.language_id, document.language_id)
        return language if language in LANGUAGES else None

    def text_of(self, path: Path, follow_symlinks: bool = True) -> str:
        """An open buffer's text (unsaved edits included), else the file's (`follow_symlinks=False` for a file
        the index names: the walk never indexes through a symlink)."""
        document = self.document(from_fs_path(str(path)))
        if document is not None:
            return source_of(document)
        return read_source(path, follow_symlinks=follow_symlinks)
