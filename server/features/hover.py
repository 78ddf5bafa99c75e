"""Hover: the function under the cursor (or the one a call there means) and its summary, as markdown.

The handler reads the document (or the file, when it is not open), converts the client's position with
pygls's codec, and computes the hover on the worker pool; for a buffer that changed meanwhile it answers
ContentModified instead. A cancelled request's job still waiting for the summarizer skips it (a job not yet
started never starts: asyncio cancels it in the pool). What the hover says is `server.hover`'s; which function a
call means is `server.calls`'.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from pathlib import Path
from typing import Callable

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcInvalidParams
from pygls.workspace import PositionCodec

from leancode import parse_pool
from leancode.function_summary import declared_at
from leancode.languages import call_arguments, has_syntax_errors, in_comment_or_string, language_for_path, same_family
from leancode.inherited import imported_as, imported_from, inherited_across_files, module_names
from leancode.messages import printable
from leancode.units import Unit, name_aliases

from .. import hover
from ..buffers import lsp_lines
from ..calls import OWN_RECEIVERS, Call, Resolved, resolve_call
from ..core import LeanCodeServer, path_of, source_of
from ..workspace import FileSkipped, Hit, check_text, read_source


def character_index(codec: PositionCodec, lines: list[str], position: types.Position) -> int:
    """The client's character offset (in the negotiated encoding: UTF-16 units by default) as an index into
    the line's str, clamped to the line's end."""
    line = lines[position.line]
    clamped = types.Position(line=position.line, character=min(position.character, codec.client_num_units(line)))
    return codec.position_from_client_units(lines, clamped).character


def with_inherited_doc(ls: LeanCodeServer, found: Resolved, path: Path | None, text: str) -> Unit:
    """The unit found, with the description it inherits from a supertype in another indexed file, if any
    (`inherited_across_files`; open buffers read as they are)."""
    unit = found.unit
    if unit.docstring is not None or unit.inherited_doc is not None or not unit.bases:
        return unit

    def read(file: Path) -> str:
        try:
            if not ls.state.in_workspace(file):  # an import's `../../x`, a link out: never read
                raise FileSkipped("outside the workspace")
            text = ls.text_of(file, follow_symlinks=False)
            parse_pool.check(text, language_for_path(file.name) or unit.language)  # parsed here next
            return text
        except FileSkipped as reason:
            ls.log(f"leancode: skipped {file}: {reason}")
            raise

    try:
        here, code = (found.path, read(found.path)) if found.path is not None else (path, text)
    except FileSkipped:
        return unit
    inherited = inherited_across_files(unit, here or Path(), code, ls.state.files_declaring, read)
    return dataclasses.replace(unit, inherited_doc=inherited) if inherited else unit


_CONSTRUCTORS = {"python": "__init__", "javascript": "constructor", "typescript": "constructor", "tsx": "constructor"}


def compute_hover(ls: LeanCodeServer, uri: str, text: str, version: int | None, line: int, character: int,
                  cancelled: Callable[[], bool] = lambda: False, lines: list[str] | None = None) -> str | None:
    """The hover's markdown at (line, character) of `text` (`lines`: its `lsp_lines`, where the caller has them),
    or None (not a function, or a language turned off); HoverCancelled when `cancelled()` (the request was
    cancelled) by the time the summarizer's turn came."""
    path = path_of(uri)
    language = ls.language_of(uri)
    settings = ls.settings
    if language is None or settings.languages and language not in settings.languages:
        return None
    check_text(text)
    units = ls.units_of(uri, text, version, language)
    lines = lsp_lines(text) if lines is None else lines
    line_text = lines[line] if line < len(lines) else ""
    column = len(line_text[:character].encode())  # tree-sitter's: UTF-8 bytes
    # the cursor is on a function's signature (not in a one-line function's body: `(n) => new Widget(n)`), or on a
    # declaration without a body (an interface method)
    defined = hover.definition_at(units, line, hover.offset_in(text, line, character))
    decorating = defined is not None and hover.in_decorators(defined, line)  # a name in `@retry(stop=after(3))`
    decorated = defined if decorating else None  # what a decorator found only by name, or not at all, gives way to
    if defined is not None and (decorating or hover.in_body(defined, text, line, character)):
        defined = None
    defined = defined or declared_at(units, text, language, line, column)
    called = hover.call_at(line_text, character, language) \
        or (hover.decorator_at(line_text, character) if decorating else None)  # also on a signature: `def f(x=g())`
    if called is not None and (defined is not None and called[0] == defined.name  # the function's own name
                               or in_comment_or_string(text, language, line, column)):
        called = None  # `merge(a)` in a comment or a string names no call
    if defined is None and called is not None and (name := hover.defined_name_at(line_text, character, language)):
        # a definition the parser could not read: never another function of its name
        if has_syntax_errors(text, language):  # parsed for `in_comment_or_string` above
            return (f"`{name}`: LeanCode cannot read this definition while the file has syntax errors in or before "
                    "it; its summary shows here once they are fixed.")
        return None
    found = None
    if called is not None:
        name, receiver, separator = called

        def units_in(hit: Hit) -> list[Unit] | None:
            try:
                return hover.units_of(ls.text_of(hit.path, follow_symlinks=False), hit.unit.language,
                                      printable(str(hit.path)), hit.path)
            except FileSkipped as reason:
                ls.log(f"leancode: skipped {hit.path}: {reason}")
                return None

        arguments = call_arguments(text, language, line, column)
        # (a file's module imports matter only to a call on a receiver: not read for a plain call's hover)
        through = hover.receiver_root(line_text, character)
        modules = module_names(text, language) if receiver else frozenset()

        def resolved(name: str, receiver: str | None, separator: str | None, written: str = "") -> Resolved | None:
            """`written`: the name the call writes, where `name` is the one it imports (`from .a import f as g`)."""
            candidates = [hit for hit in ls.state.units_named(name) if same_family(hit.unit.language, language)]
            imported = imported_from(written or name, path, text, language) \
                if receiver is None and path is not None else None
            call = Call.at(units, line, name, receiver, separator, language, arguments, imported, through, modules,
                           text)
            return resolve_call(dataclasses.replace(call, renamed=bool(written)), units, path, candidates, units_in)

        found = resolved(name, receiver, separator)
        constructor = _CONSTRUCTORS.get(language) or (name if language == "java" else None)  # Java's: `Widget.Widget`
        in_module = receiver is not None and separator == "." and receiver[:1].islower() \
            and receiver not in OWN_RECEIVERS
        if constructor and (receiver is None or in_module and name[:1].isupper()) \
                and (name[:1].isupper() or name == "super") and (found is None or language == "java" and found.guessed):
            # `Integer(3)`, `new Widget(name)`: the class's constructor, named exactly (Java's was found by its name
            # alone, labelled a guess), `a.Widget(3)` too (a module's class, in another file); JavaScript's `super(x)`:
            # its base class's
            found = resolved(constructor, "super" if name == "super" else name, ".") or found
        if found is None and (meant := {target.rsplit(".", 1)[-1] for alias, (target, _) in
                                        name_aliases(text, language).items() if alias.rsplit(".", 1)[-1] == name}):
            found = resolved(meant.pop(), receiver, separator) if len(meant) == 1 else None  # `_clear = clear`
        if found is None and receiver is None and (original := imported_as(name, text, language)):
            found = resolved(original, None, None, written=name)  # `from .dataclasses import get_fields as fields`
        if found is not None and found.guessed and defined is not None and not hover.in_body(defined, text, line,
                                                                                             character):
            found = None  # `@router.get(...)` over a function: that function, not any `get` by name
        if decorated is not None and (found is None or found.guessed):
            found, defined = None, decorated  # so on a decorator's line: `@router.get(...)`, `@other.dedent(1)`
        if found is None and defined is None:
            if (status := ls.index_status.message) is not None:  # it may be in a file not indexed yet
                return (f"`{name}`: LeanCode is still indexing the workspace ({status}); a function defined "
                        "in another file gets its summary here once it is indexed.")
            return None
    if found is None:
        if defined is None:
            return None
        found = Resolved(defined, None)
    unit = with_inherited_doc(ls, found, path, text)
    return hover.hover_markdown(unit, ls.summarizer, ls.hover_cache, settings.method, settings.summary_ratio,
                                settings.show_simplified, found.where, siblings=units if found.where is None else None,
                                generated=settings.generated_summaries,
                                matched_by_name=found.guessed, overloads_left=found.overloads_left,
                                alternatives=found.alternatives,
                                cancelled=cancelled)


async def on_hover(ls: LeanCodeServer, params: types.HoverParams) -> types.Hover | None:
    uri, position = params.text_document.uri, params.position
    document = ls.document(uri)
    if document is None:  # not open: read it from disk when it is a local source file
        path = path_of(uri)
        if path is None or ls.language_of(uri) is None:
            ls.log(f"leancode: hover on unknown document {uri}: skipped")
            return None
        if not ls.state.in_workspace(path):  # outside every workspace folder, or reached through a link out
            ls.log(f"leancode: hover on {uri} skipped: not open, and outside the workspace or a link out of it")
            return None
        try:
            text, version = await asyncio.get_running_loop().run_in_executor(
                ls.pool, lambda: read_source(path, follow_symlinks=False)), None
        except FileSkipped as reason:
            ls.tell_unread(uri, reason)
            return None
    else:
        text, version = source_of(document), document.version
        if ls.version_received(params) not in (None, version):  # asked of an earlier version: not answered for this
            raise JsonRpcContentModified(f"{uri} changed after the hover was asked")
    lines = lsp_lines(text)
    if position.line >= len(lines):
        raise JsonRpcInvalidParams(f"line {position.line} is past the end of {uri} ({len(lines)} lines)")
    character = character_index(ls.workspace.position_codec, lines, position)
    cancelled = threading.Event()
    try:
        markdown = await asyncio.get_running_loop().run_in_executor(
            ls.pool, compute_hover, ls, uri, text, version, position.line, character, cancelled.is_set, lines)
    except FileSkipped as reason:
        ls.tell_unread(uri, reason)
        return None
    except asyncio.CancelledError:  # $/cancelRequest: a job already running gives up its turn at the model
        cancelled.set()
        raise
    current = ls.document(uri)
    if document is not None and (current is None or current.version != version):
        # The buffer changed meanwhile: no stale answer, and no null (it reads as "nothing here"); the client
        # asks again.
        raise JsonRpcContentModified(f"{uri} changed while the hover was computed")
    if markdown is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown))


def register(server: LeanCodeServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(on_hover)
