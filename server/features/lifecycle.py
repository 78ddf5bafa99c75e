"""Starting up and following the client: initialization, settings pushed or pulled, workspace folders."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from lsprotocol import types

from leancode.messages import printable

from ..core import LeanCodeServer, path_of
from ..settings import SECTION

WATCHED = "**/*.{py,pyi,java,js,mjs,cjs,jsx,ts,mts,cts,tsx,go,rs}"
# Editors report a directory deleted, created or renamed as one event for the directory, which WATCHED misses
# (microsoft/vscode#109754): so every path's creation and deletion too (`documents.worth_an_update` filters them).
WATCHED_DIRECTORIES = types.FileSystemWatcher(glob_pattern="**/*", kind=types.WatchKind.Create | types.WatchKind.Delete)


def initialize(ls: LeanCodeServer, params: types.InitializeParams) -> None:
    ls.loop = asyncio.get_running_loop()
    ls.take_settings(params.initialization_options, "initializationOptions")
    # the workspace from now on: a hover reads its files before they open (the encoder loads first)
    ls.state.named.update(Path(path).resolve() for path in workspace_folders(ls))


def workspace_folders(ls: LeanCodeServer) -> list[str]:
    """The local paths of the client's workspace folders, else of its root."""
    return local_folders(ls, ls.workspace.folders.values()) or \
        ([ls.workspace.root_path] if ls.workspace.root_path else [])


async def initialized(ls: LeanCodeServer, params: types.InitializedParams) -> None:
    if ls.settings.index_on_startup:  # searches until the job begins, the settings pull included, are told so
        ls.index_status.message = "starting"
    await ls.pull_configuration()
    folders = workspace_folders(ls)
    ls.indexer.post(("open",), lambda: ls.open_folders(folders))
    ls.pool.submit(lambda: ls.summarizer)  # load the model now, off the loop, so the first hover does not wait
    if ls.settings.index_on_startup:
        ls.index_status.message = "starting"
        ls.indexer.post(("index",), ls.index_all)
    elif ls.index_status.message == "starting":  # the pulled settings turned indexing off
        ls.index_status.message = None
    watch = ls.client_capabilities.workspace
    if watch and watch.did_change_watched_files and watch.did_change_watched_files.dynamic_registration:
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=WATCHED), WATCHED_DIRECTORIES])
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="leancode-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))
        except Exception as error:
            ls.log(f"leancode: could not register file watchers: {error}")


async def did_change_configuration(ls: LeanCodeServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and isinstance(params.settings.get(SECTION), dict):
        ls.take_settings(params.settings[SECTION], "workspace/didChangeConfiguration", whole=True)
    else:
        await ls.pull_configuration()


def local_folders(ls: LeanCodeServer, folders) -> list[str]:
    """The paths of the workspace folders with `file:` URIs; any other (`http:`, a NUL in the path) is skipped, said
    so, and never fails the folders beside it."""
    paths = []
    for folder in folders:
        if (path := path_of(folder.uri)) is not None:
            paths.append(str(path))
        else:
            ls.log(f"leancode: workspace folder {printable(folder.uri)} is not a local folder; skipped")
    return paths


def did_change_folders(ls: LeanCodeServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    added = local_folders(ls, params.event.added)
    removed = local_folders(ls, params.event.removed)

    def job() -> None:
        for path in removed:
            ls.state.remove_folder(path)
            if (outer := ls.state.folder_for(Path(path))) is not None:  # a nested folder's files are the outer's again
                ls.state.update(outer)
        ls.open_folders(added)
        if added and ls.settings.index_on_startup:
            ls.index_all("LeanCode: indexing new folders")
        if added or removed:
            ls.embed_open_buffers()  # buffers opened before their folder was, or in a folder now another's

    ls.indexer.post(("folders", uuid.uuid4()), job)


def register(server: LeanCodeServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
