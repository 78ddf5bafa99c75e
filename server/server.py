"""The LeanCode language server: hover summaries and semantic workspace search over LSP (pygls 2).

Handlers are a few lines each: they read the request, hand the work to a thread
(hover and search: the worker pool; indexing: one indexing thread) and shape the
answer. The work itself is in `hover.py` and `workspace.py`, which know nothing of LSP.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from leancode import __version__
from leancode.languages import language_for_path
from leancode.units import Unit

from . import hover, preload
from .protocol import LeanCodeProtocol, is_parse_error, strict_converter
from .settings import SECTION, Settings, SettingsError, parse_settings, settings_json
from .workspace import FileSkipped, Hit, Workspaces, check_text, read_source

logger = logging.getLogger(__name__)

SEARCH_COMMAND = "leancode.search"
WATCHED = "**/*.{py,pyi,java,js,mjs,cjs,jsx,ts,mts,cts,tsx,go,rs}"


class IndexingCancelled(Exception):
    """The client cancelled the indexing progress."""


class Indexer:
    """One thread running index jobs in order; a job posted under a key already waiting replaces it."""

    def __init__(self, log: Callable[[str, types.MessageType], None]):
        self.log = log
        self._jobs: dict[Any, Callable[[], None]] = {}
        self._wake = threading.Condition()
        self.busy = False
        self._thread = threading.Thread(target=self._run, name="leancode-indexer", daemon=True)
        self._thread.start()

    def post(self, key: Any, job: Callable[[], None]) -> None:
        with self._wake:
            self._jobs.pop(key, None)
            self._jobs[key] = job
            self._wake.notify()

    def idle(self) -> bool:
        with self._wake:
            return not self._jobs and not self.busy

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._jobs:
                    self._wake.wait()
                key = next(iter(self._jobs))
                job = self._jobs.pop(key)
                self.busy = True
            try:
                job()
            except IndexingCancelled:
                self.log(f"leancode: {key[0]} cancelled", types.MessageType.Info)
            except FileSkipped as reason:
                self.log(f"leancode: skipped {key[-1]}: {reason}", types.MessageType.Log)
            except Exception as error:  # a failed job must never stop the thread
                logger.exception("job %r failed", key)
                self.log(f"leancode: {key[0]} failed: {type(error).__name__}: {error}", types.MessageType.Error)
            finally:
                with self._wake:
                    self.busy = False


class LeanCodeServer(LanguageServer):
    def __init__(self):
        super().__init__("leancode-server", __version__, protocol_cls=LeanCodeProtocol,
                         converter_factory=strict_converter,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()  # the latest from the client (the indexing thread applies them in order)
        self.state = Workspaces(self.settings, log=lambda m: self.log(m))
        self.pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="leancode-worker")
        self.indexer = Indexer(self.log)
        self.hover_cache = hover.HoverCache()
        self._summarizer: hover.Summarizer | None = None
        self._summarizer_path: str | None = None
        self._summarizer_lock = threading.Lock()
        self._doc_units: dict[str, tuple[int, list[Unit]]] = {}
        self._debounce: dict[str, asyncio.TimerHandle] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.initial_settings: Any = None

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

    def report_server_error(self, error: Exception, source) -> None:
        if is_parse_error(error):
            self.protocol.reply_parse_error(error)
            return
        logger.error("server error (%s): %s", getattr(source, "__name__", source), error)

    @property
    def summarizer(self) -> hover.Summarizer:
        preload.wait()
        with self._summarizer_lock:
            path = self.settings.summarizer_path
            if self._summarizer is None or path != self._summarizer_path:
                self._summarizer = hover.load_summarizer(path, log=lambda m: self.log(m, types.MessageType.Warning))
                self._summarizer_path = path
            return self._summarizer

    # -- settings ---------------------------------------------------------------------------------

    def take_settings(self, data: Any, source: str) -> None:
        """Apply settings from a client (logged and ignored when invalid); re-index when they need it."""
        try:
            settings, unknown = parse_settings(data, self.settings)
        except SettingsError as error:
            self.log(f"leancode: invalid settings from {source}: {error}", types.MessageType.Error)
            return
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
        if self.state.apply_settings(settings) and settings.index_on_startup:
            self.index_all("re-indexing for new settings")

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
            self.take_settings(items[0], "workspace/configuration")

    # -- indexing ---------------------------------------------------------------------------------

    def _progress(self, title: str) -> tuple[Callable[[str, int, int | None], None], Callable[[str], None]]:
        """(report, end) for one work-done progress (no-ops when the client does not support it)."""
        window = self.client_capabilities.window
        if not (window and window.work_done_progress) or self.loop is None:
            return (lambda *a: None), (lambda m: None)
        token = f"leancode-index-{uuid.uuid4()}"
        progress = self.work_done_progress
        try:
            asyncio.run_coroutine_threadsafe(progress.create_async(token), self.loop).result(10)
        except Exception as error:
            self.log(f"leancode: no progress ({error})")
            return (lambda *a: None), (lambda m: None)
        self.on_loop(progress.begin, token, types.WorkDoneProgressBegin(title=title, cancellable=True,
                                                                        message="starting", percentage=0))
        last = [0.0]

        def report(stage: str, done: int, total: int | None) -> None:
            cancel = progress.tokens.get(token)
            if cancel is not None and cancel.cancelled():
                raise IndexingCancelled(title)
            now = time.monotonic()
            if now - last[0] < 0.2 and not (total and done == total):
                return
            last[0] = now
            if stage == "embed" and total:
                message, percentage = f"embedding {done}/{total} functions", int(100 * done / total)
            else:
                message, percentage = f"{stage}: {done} files", None
            self.on_loop(progress.report, token,
                         types.WorkDoneProgressReport(message=message, percentage=percentage, cancellable=True))

        def end(message: str) -> None:
            self.on_loop(progress.end, token, types.WorkDoneProgressEnd(message=message))

        return report, end

    def index_all(self, title: str = "LeanCode: indexing") -> None:
        """Index every workspace folder with one work-done progress (runs on the indexing thread)."""
        report, end = self._progress(title)
        try:
            for folder in list(self.state.folders.values()):
                report("loading", 0, None)
                if not folder.ready:
                    self.state.load(folder)  # serve the snapshot on disk (CLI's, or ours) at once
                stats = self.state.update(folder, report)
                self.log(f"leancode: indexed {folder.root}: {stats.units} functions in {stats.files} files "
                         f"({stats.embedded} embedded, {stats.reused} reused) in {stats.seconds:.1f} s; "
                         f"skipped: {stats.skipped or 'none'}")
                for relative, reason in stats.skipped_paths[:50]:
                    if reason in ("binary", "too large", "unreadable"):
                        self.log(f"leancode: skipped {relative}: {reason}")
        except IndexingCancelled:
            end("cancelled")
            raise
        except Exception as error:
            end(f"failed: {error}")
            raise
        end(f"{sum(len(f.by_key) for f in self.state.folders.values())} distinct functions indexed")

    def open_folders(self, paths: list[str]) -> None:
        for path in paths:
            if self.state.add_folder(path) is not None:
                self.log(f"leancode: workspace folder {path}")

    def update_folder_of(self, path: Path, saved_version: int | None = None) -> None:
        folder = self.state.folder_for(path)
        if folder is None:
            return

        def job() -> None:
            self.state.update(folder)
            if saved_version is not None:
                self.state.drop_overlay(path, saved_version)

        self.indexer.post(("update", folder.root), job)

    def schedule_overlay(self, uri: str) -> None:
        """After `debounceMs` of quiet, embed the unsaved buffer's functions (for search)."""
        if (handle := self._debounce.pop(uri, None)) is not None:
            handle.cancel()
        delay = self.settings.debounce_ms / 1000

        def fire() -> None:
            self._debounce.pop(uri, None)
            document = self.workspace.text_documents.get(uri)
            path = _path(uri)
            if document is None or path is None:
                return
            text, version = document.source, document.version or 0
            self.indexer.post(("overlay", uri), lambda: self.state.set_overlay(path, text, version))

        self._debounce[uri] = self.loop.call_later(delay, fire)

    # -- hover ------------------------------------------------------------------------------------

    def units_of(self, uri: str, text: str, version: int | None, language: str) -> list[Unit]:
        cached = self._doc_units.get(uri)
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        units = hover.units_of(text, language)
        if version is not None:
            self._doc_units[uri] = (version, units)
        return units

    def text_of(self, path: Path) -> str:
        """An open buffer's text (unsaved edits included), else the file's."""
        document = self.workspace.text_documents.get(from_fs_path(str(path)))
        if document is not None:
            return document.source
        return read_source(path)

    def compute_hover(self, uri: str, text: str, version: int | None, line: int, character: int) -> str | None:
        path = _path(uri)
        language = language_for_path(uri)
        settings = self.settings
        if language is None or settings.languages and language not in settings.languages:
            return None
        check_text(text)
        units = self.units_of(uri, text, version, language)
        unit, where = hover.definition_at(units, line), None
        if unit is None:
            lines = text.split("\n")
            name = hover.call_name_at(lines[line] if line < len(lines) else "", character)
            if name is None:
                return None
            unit, where = self.resolve_call(name, units, path)
            if unit is None:
                return None
        return hover.hover_markdown(unit, self.summarizer, self.hover_cache, settings.method, settings.summary_ratio,
                                    settings.show_simplified, where)

    def resolve_call(self, name: str, local: list[Unit], path: Path | None) -> tuple[Unit | None, str | None]:
        """The workspace function a call of `name` means: this file's first, else the nearest indexed one."""
        same_file = [u for u in local if u.name == name]
        if same_file:
            return same_file[0], None
        candidates = self.state.units_named(name)
        if not candidates:
            return None, None

        def distance(hit: Hit) -> tuple:
            other = hit.path
            if path is None:
                return (1, len(other.parts), str(other))
            common = len([a for a, b in zip(path.parent.parts, other.parent.parts) if a == b])
            return (0, len(path.parent.parts) - common + len(other.parent.parts) - common, str(other))

        for hit in sorted(candidates, key=distance):
            try:
                units = hover.units_of(self.text_of(hit.path), hit.unit.language)
            except FileSkipped as reason:
                self.log(f"leancode: skipped {hit.path}: {reason}")
                continue
            unit = hover.unit_named(units, hit.unit.qualified_name, hit.unit.start_line)
            if unit is not None:
                return unit, f"{hit.folder.root.name}/{hit.unit.path}:{unit.start_line + 1}"
        return None, None

    # -- search -----------------------------------------------------------------------------------

    def run_search(self, query: str, top: int) -> list[Hit]:
        return self.state.search(query, top)


def _path(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def hit_json(hit: Hit) -> dict:
    unit = hit.unit
    return {"uri": from_fs_path(str(hit.path)), "path": str(hit.path),
            "range": {"start": {"line": unit.start_line, "character": 0},
                      "end": {"line": unit.end_line + 1, "character": 0}},
            "name": unit.qualified_name, "language": unit.language, "score": round(hit.score, 6),
            "preview": unit.preview}


def search_arguments(args: tuple, default_top: int) -> tuple[str, int]:
    """(query, top) from `[query]`, `[query, top]` or `[{"query": ..., "top": ...}]`; InvalidParams otherwise."""
    if len(args) == 1 and isinstance(args[0], dict):
        query, top = args[0].get("query"), args[0].get("top", default_top)
    elif len(args) in (1, 2):
        query, top = args[0], args[1] if len(args) == 2 else default_top
    else:
        raise JsonRpcInvalidParams(f'{SEARCH_COMMAND} takes [query], [query, top] or [{{"query", "top"}}]')
    if not isinstance(query, str):
        raise JsonRpcInvalidParams(f"{SEARCH_COMMAND}: query must be a string")
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 200:
        raise JsonRpcInvalidParams(f"{SEARCH_COMMAND}: top must be an integer from 1 to 200")
    return query, top


server = LeanCodeServer()


@server.feature(types.INITIALIZE)
def initialize(ls: LeanCodeServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    ls.initial_settings = params.initialization_options
    ls.take_settings(params.initialization_options, "initializationOptions")


@server.feature(types.INITIALIZED)
async def initialized(ls: LeanCodeServer, params: types.InitializedParams) -> None:
    await ls.pull_configuration()
    folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()] or \
        ([ls.workspace.root_path] if ls.workspace.root_path else [])
    ls.indexer.post(("open",), lambda: ls.open_folders([f for f in folders if f]))
    ls.pool.submit(lambda: ls.summarizer)  # load the model now, off the loop, so the first hover does not wait
    if ls.settings.index_on_startup:
        ls.indexer.post(("index",), ls.index_all)
    watch = ls.client_capabilities.workspace
    if watch and watch.did_change_watched_files and watch.did_change_watched_files.dynamic_registration:
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=WATCHED)])
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="leancode-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))
        except Exception as error:
            ls.log(f"leancode: could not register file watchers: {error}")


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: LeanCodeServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and isinstance(params.settings.get(SECTION), dict):
        ls.take_settings(params.settings[SECTION], "workspace/didChangeConfiguration")
    else:
        await ls.pull_configuration()


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def did_change_folders(ls: LeanCodeServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    added = [to_fs_path(f.uri) for f in params.event.added]
    removed = [to_fs_path(f.uri) for f in params.event.removed]

    def job() -> None:
        for path in removed:
            ls.state.remove_folder(path)
        ls.open_folders(added)
        if added and ls.settings.index_on_startup:
            ls.index_all("LeanCode: indexing new folders")

    ls.indexer.post(("folders", uuid.uuid4()), job)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LeanCodeServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule_overlay(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LeanCodeServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if (handle := ls._debounce.pop(uri, None)) is not None:
        handle.cancel()
    document = ls.workspace.text_documents.get(uri)
    if (path := _path(uri)) is not None:
        ls.update_folder_of(path, document.version if document else None)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LeanCodeServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls._doc_units.pop(uri, None)
    if (handle := ls._debounce.pop(uri, None)) is not None:
        handle.cancel()
    if (path := _path(uri)) is not None:
        ls.indexer.post(("overlay", uri), lambda: ls.state.drop_overlay(path))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: LeanCodeServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        if (path := _path(change.uri)) is not None:
            ls.update_folder_of(path)


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def on_hover(ls: LeanCodeServer, params: types.HoverParams) -> types.Hover | None:
    uri, position = params.text_document.uri, params.position
    document = ls.workspace.text_documents.get(uri)
    if document is None:  # not open: read it from disk when it is a local source file
        path = _path(uri)
        if path is None or language_for_path(uri) is None:
            ls.log(f"leancode: hover on unknown document {uri}: skipped")
            return None
        try:
            text, version = await asyncio.get_running_loop().run_in_executor(ls.pool, read_source, path), None
        except FileSkipped as reason:
            ls.log(f"leancode: hover on {uri} skipped: {reason}")
            return None
    else:
        text, version = document.source, document.version
    lines = text.split("\n")
    if position.line >= len(lines):
        raise JsonRpcInvalidParams(f"line {position.line} is past the end of {uri} ({len(lines)} lines)")
    character = _character(lines[position.line], position.character, ls)
    try:
        markdown = await asyncio.get_running_loop().run_in_executor(
            ls.pool, ls.compute_hover, uri, text, version, position.line, character)
    except FileSkipped as reason:
        ls.log(f"leancode: hover on {uri} skipped: {reason}")
        return None
    current = ls.workspace.text_documents.get(uri)
    if document is not None and (current is None or current.version != version):
        return None  # the buffer changed meanwhile: a stale answer is dropped
    if markdown is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown))


def _character(line: str, client_character: int, ls: LeanCodeServer) -> int:
    """The client's character offset (UTF-16 units by default) as a str index, clamped to the line."""
    encoding = ls.workspace.position_encoding
    if encoding in (types.PositionEncodingKind.Utf32, "utf-32"):
        return min(client_character, len(line))
    unit_size = 1 if encoding in (types.PositionEncodingKind.Utf8, "utf-8") else 2
    units = 0
    for index, char in enumerate(line):
        if units >= client_character:
            return index
        units += len(char.encode("utf-16-le" if unit_size == 2 else "utf-8")) // unit_size
    return len(line)


@server.command(SEARCH_COMMAND)
async def search_command(ls: LeanCodeServer, *args) -> list[dict]:
    query, top = search_arguments(args, ls.settings.top)
    hits = await asyncio.get_running_loop().run_in_executor(ls.pool, ls.run_search, query, top)
    return [hit_json(hit) for hit in hits]


@server.feature(types.WORKSPACE_SYMBOL)
async def workspace_symbol(ls: LeanCodeServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    if not params.query.strip():
        return []
    hits = await asyncio.get_running_loop().run_in_executor(ls.pool, ls.run_search, params.query,
                                                            ls.settings.top)
    return [types.SymbolInformation(
        name=hit.unit.qualified_name,
        kind=types.SymbolKind.Method if "." in hit.unit.qualified_name else types.SymbolKind.Function,
        location=types.Location(uri=from_fs_path(str(hit.path)), range=types.Range(
            start=types.Position(line=hit.unit.start_line, character=0),
            end=types.Position(line=hit.unit.end_line + 1, character=0))),
        container_name=f"{hit.unit.path} ({hit.score:.3f})") for hit in hits]
