"""JavaScript documented in a declaration file beside it: `index.js`'s functions described in `index.d.ts`.

A package written in JavaScript often keeps its documentation in a handwritten declaration file (nanoid, p-limit and
the rest of sindresorhus's packages, dayjs's builds), which is where TypeScript and editors read it. An undocumented
JavaScript function takes the doc comment of the declaration of its qualified name there (`pLimit`, `Ky.create`): its
author's word on that very function, so shown as its documentation, by the hover, `leancode summarize` and the index
alike (`with_declared_docs`).
"""

from __future__ import annotations

import dataclasses
import re
import stat
import warnings
from functools import lru_cache
from pathlib import Path

from .languages import ParseWarning
from .sources import FileSkipped, read_source
from .units import Unit, declarations

# The declaration files TypeScript pairs with a JavaScript file, by its extension, nearest first.
_DECLARATION_SUFFIXES = {".js": (".d.ts",), ".jsx": (".d.ts",), ".mjs": (".d.mts", ".d.ts"),
                         ".cjs": (".d.cts", ".d.ts")}
MAX_DECLARATION_BYTES = 1_000_000  # a declaration file read for its doc comments (larger: generated, left out)


def declaration_file(path: Path) -> Path | None:
    """The declaration file beside the JavaScript file `path` (`x.js`: `x.d.ts`; `x.mjs`: `x.d.mts`, else `x.d.ts`),
    where it is a regular file of at most MAX_DECLARATION_BYTES, not a symlink; else None."""
    for suffix in _DECLARATION_SUFFIXES.get(path.suffix.lower(), ()):
        candidate = path.with_name(path.name[:-len(path.suffix)] + suffix)
        try:
            info = candidate.lstat()
        except (OSError, ValueError):  # none, or a name the system refuses
            continue
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_DECLARATION_BYTES:
            return candidate
    return None


def declaration_text(path: Path) -> str:
    """The text of the JavaScript file `path`'s declaration file (`declaration_file`), or "" where it has none or it
    cannot be read (binary, unreadable)."""
    if (file := declaration_file(path)) is None:
        return ""
    try:
        return read_source(file, MAX_DECLARATION_BYTES, "typescript", follow_symlinks=False)
    except FileSkipped:
        return ""


@lru_cache(maxsize=16)  # a declaration file, read again for each hover on a call into its JavaScript file
def declared_docs(code: str) -> dict[str, str]:
    """{qualified name: doc comment} of a declaration file's documented declarations (`units.declarations`: a
    function's signature, a class's or interface's method); of overloads, the first documented one's that is not
    marked internal (deepmerge-ts' `deepmergeCustom` showed its `@internal` zero-argument overload's "Used by the
    default deepmerge function."). Shared by its callers: read, never changed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)  # the declaration file's syntax errors are not this file's
        found = declarations(code, "typescript")
    docs: dict[str, str] = {}
    for unit in sorted((u for u in found if u.docstring), key=lambda u: bool(_INTERNAL.search(u.docstring))):
        docs.setdefault(unit.qualified_name, unit.docstring)
    return docs


_INTERNAL = re.compile(r"(?:^|\s)@(?:internal|private|hidden|ignore)\b")  # TSDoc's and JSDoc's markers


def with_declared_docs(units: list[Unit], declaration_code: str) -> list[Unit]:
    """`units` (of a JavaScript file), each undocumented one given the doc comment its declaration file's
    `declaration_code` gives its qualified name."""
    if not declaration_code or not _undocumented_javascript(units):
        return units
    docs = declared_docs(declaration_code)
    return [dataclasses.replace(u, docstring=docs[u.qualified_name])
            if u.docstring is None and u.language == "javascript" and u.qualified_name in docs else u for u in units]


def with_declaration_file_docs(units: list[Unit], path: Path | None) -> list[Unit]:
    """`with_declared_docs` of the JavaScript file `path`'s `units` and its declaration file, that file parsed first
    in a bounded worker (`parse_pool.check`: one that cannot be parsed within its bounds describes nothing)."""
    from . import parse_pool  # (parse_pool's workers import this module)

    if path is None or not _undocumented_javascript(units):  # (no declaration file read)
        return units
    if not (text := declaration_text(path)):
        return units
    try:
        parse_pool.check(text, "typescript")
    except parse_pool.ParseFailed:
        return units
    return with_declared_docs(units, text)


def _undocumented_javascript(units: list[Unit]) -> bool:
    return any(u.docstring is None and u.language == "javascript" for u in units)
