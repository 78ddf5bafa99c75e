"""Following documents and files: an opened or edited buffer is embedded once it goes quiet, saves and file
changes re-index its folder, a closed buffer's unsaved functions leave the index."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from lsprotocol import types

from leancode.languages import language_for_path
from leancode.walk import SILENT_DIRS

from ..core import LeanCodeServer, path_of


def did_open_or_change(ls: LeanCodeServer,
                       params: types.DidOpenTextDocumentParams | types.DidChangeTextDocumentParams) -> None:
    # A new buffer, never saved, is searchable from the start, not from its first edit.
    ls.schedule_overlay(params.text_document.uri)


def did_save(ls: LeanCodeServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.overlays.cancel(uri)
    document = ls.document(uri)
    if (path := path_of(uri)) is not None:
        ls.update_folder_of(path, document.version if document else None)


def did_close(ls: LeanCodeServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.close_document(params.text_document.uri)


def worth_an_update(relative: str, path: Path) -> bool:
    """A source file, a directory, or a deleted path (it may have been a directory: it cannot be asked), outside
    the directories the walk never enters (`walk.SILENT_DIRS`); `relative` to its workspace folder."""
    if SILENT_DIRS.intersection(PurePosixPath(relative).parts):
        return False
    return language_for_path(path.name) is not None or path.is_dir() or not path.exists()


def did_change_watched_files(ls: LeanCodeServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        path = path_of(change.uri)
        folder = ls.state.folder_for(path) if path is not None else None
        relative = folder.relative(path) if folder is not None else None
        if relative is not None and worth_an_update(relative, path):
            ls.update_folder_of(path)


def register(server: LeanCodeServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open_or_change)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_open_or_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
