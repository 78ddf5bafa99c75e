"""Semantic search: the `leancode.search` command (JSON hits) and workspace symbols, both ranked by
`Workspaces.search` on the worker pool."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.uris import from_fs_path

from leancode.messages import printable
from leancode.units import shown_name

from ..core import LeanCodeServer
from ..indexing import CANCELLED
from ..workspace import Hit

SEARCH_COMMAND = "leancode.search"


def hit_json(hit: Hit) -> dict:
    unit = hit.unit
    return {"uri": from_fs_path(str(hit.shown_path)), "path": str(hit.shown_path),
            "range": {"start": {"line": unit.start_line, "character": 0},
                      "end": {"line": unit.end_line + 1, "character": 0}},
            "name": shown_name(unit.qualified_name, unit.language), "language": unit.language,
            "score": round(hit.score, 6), "preview": unit.preview, "holds_query_text": hit.quoted,
            "stale": hit.stale or False}  # "deleted", "changed" or false


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


def tell_if_indexing(ls: LeanCodeServer, hits: list[Hit]) -> None:
    """While the index is being built, results cover only what is embedded so far; after it failed, only what
    was indexed before: say so."""
    if (status := ls.index_status.news()) is None:
        return
    found = f"{len(hits)} results" if hits else "no results"
    if ls.index_status.message is None:  # not indexing: the last indexing failed or was cancelled
        cancelled = status == CANCELLED
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Warning if cancelled else types.MessageType.Error,
            message=f"LeanCode: indexing {status}: {found}, from what was indexed before"
                    + (" it stopped; saving a file indexes the rest."
                       if cancelled else ".")))
        return
    ls.window_show_message(types.ShowMessageParams(
        type=types.MessageType.Info,
        message=f"LeanCode is still indexing the workspace ({status}): {found} so far; search again when it is "
                "done."))


async def ranked(ls: LeanCodeServer, query: str, top: int, tell_failure: bool, prefix: bool = False) -> list[Hit]:
    """The hits for `query`, on the search thread; a search that cannot run (the encoder at setting `modelPath`
    does not load) is answered with its reason, no traceback, and shown to the user when `tell_failure` (the
    clients show a failed `leancode.search` themselves, not a failed workspace/symbol). `prefix`: the query may be
    a name being typed (a workspace symbol's)."""
    try:
        hits = await asyncio.get_running_loop().run_in_executor(ls.search_pool, ls.state.search, query, top, prefix)
    except (OSError, ValueError) as error:
        if tell_failure:
            ls.tell(f"LeanCode search failed: {error}")
        else:
            ls.log(f"LeanCode search failed: {error}", types.MessageType.Error)
        raise JsonRpcException(f"search failed: {error}") from None
    tell_if_indexing(ls, hits)
    return hits


async def search_command(ls: LeanCodeServer, *args) -> list[dict]:
    query, top = search_arguments(args, ls.settings.top)
    if not query.strip():  # nothing asked: no results, and no word about indexing
        return []
    return [hit_json(hit) for hit in await ranked(ls, query, top, tell_failure=False)]


def is_method(unit) -> bool:
    """Whether a symbol list marks the unit a method: as the index found it, else (a snapshot or store made before it
    kept that) by its qualified name."""
    return unit.method if unit.method is not None else "." in unit.qualified_name


async def workspace_symbol(ls: LeanCodeServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    if not params.query.strip():
        return []
    hits = await ranked(ls, params.query, ls.settings.top, tell_failure=True, prefix=True)  # typed as it is sent
    return [types.SymbolInformation(
        name=shown_name(hit.unit.qualified_name, hit.unit.language),
        kind=types.SymbolKind.Method if is_method(hit.unit) else types.SymbolKind.Function,
        location=types.Location(uri=from_fs_path(str(hit.shown_path)), range=types.Range(
            start=types.Position(line=hit.unit.start_line, character=0),
            end=types.Position(line=hit.unit.end_line + 1, character=0))),
        container_name=f"{printable(hit.unit.path)} ({hit.score:.3f})"
                       + (f" (file {hit.stale} since indexing)" if hit.stale else "")) for hit in hits]


def register(server: LeanCodeServer) -> None:
    server.command(SEARCH_COMMAND)(search_command)
    server.feature(types.WORKSPACE_SYMBOL)(workspace_symbol)
