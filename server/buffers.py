"""Open buffers as LSP counts them: pygls's `TextDocument`, with LSP's lines and edits that cost what they touch.

Installed on import (`server.core` imports it), for every buffer pygls keeps.

- Lines: pygls splits a buffer with str.splitlines, which also breaks at \\f, \\v, \\x1c-\\x1e, \\x85, U+2028 and
  U+2029; LSP breaks lines only at \\n, \\r\\n and \\r, so an edit or a hover below such a character landed on the
  wrong line.
- Edits: pygls applied each incremental change by splitting the whole text into lines and writing them all out
  again, so one didChange of k small changes on a 1 MB buffer cost k whole-buffer passes (1,000 changes: 12 s on
  the event loop). A buffer now keeps its lines as a list: a change re-splits only the lines it touches and the
  line on either side of them (where a `\\r` and a `\\n` may join or part), and the text is joined again only when
  it is read.
"""

from __future__ import annotations

import re

from lsprotocol import types
from pygls.workspace import TextDocument

LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lsp_line_list(text: str) -> list[str]:
    """`text`'s lines as LSP counts them, each with its line break ("".join gives `text` back)."""
    return LSP_LINE.findall(text)


def splice(lines: list[str], start_line: int, start_col: int, end_line: int, end_col: int, text: str) -> None:
    """Replace, in `lines` (`lsp_line_list` of a text, changed in place), the text from (start_line, start_col)
    to (end_line, end_col) (str indexes into those lines) with `text`, as pygls's
    `TextDocument._apply_incremental_change` does: at `start_line == len(lines)` (no lines) `text` is appended;
    a range that ends before it starts changes nothing; an end past the last line drops what follows the start."""
    if start_line == len(lines):
        first = max(0, len(lines) - 1)
        lines[first:] = lsp_line_list("".join(lines[first:]) + text)
        return
    if end_line < start_line:
        return
    middle = lines[start_line][:start_col] + text + (lines[end_line][end_col:] if end_line < len(lines) else "")
    # The line before and the line after are read again with the change: a `\r` that now meets a `\n` is one
    # line break, and one they no longer meet two. Lines outside them keep their breaks.
    low = max(0, start_line - 1)
    high = min(end_line + 2, len(lines))
    before = lines[low] if low < start_line else ""
    after = "".join(lines[end_line + 1:high])
    lines[low:high] = lsp_line_list(before + middle + after)


def _line_list(document: TextDocument) -> list[str]:
    """The buffer's lines (kept from one change to the next; built from the text when there are none)."""
    lines = document.__dict__.get("_lsp_lines")
    if lines is None:
        lines = lsp_line_list(document.source)
        if document.__dict__.get("_text") is not None:  # not a file read from disk, which may change meanwhile
            document._lsp_lines = lines
    return lines


def _get_text(document: TextDocument) -> str | None:
    text = document.__dict__.get("_text")
    if text is None and (lines := document.__dict__.get("_lsp_lines")) is not None:
        text = document._text = "".join(lines)
    return text


def _set_text(document: TextDocument, text: str | None) -> None:
    document._text = text
    document._lsp_lines = None


def _apply_incremental_change(document: TextDocument, change: types.TextDocumentContentChangePartial) -> None:
    lines = _line_list(document)
    edit = document._position_codec.range_from_client_units(lines, change.range)
    splice(lines, edit.start.line, edit.start.character, edit.end.line, edit.end.character, change.text)
    document._lsp_lines = lines
    document._text = None  # joined when it is read


def install() -> None:
    # pygls reads and writes the text as `_source` (its getter reads the file when there is none).
    TextDocument._source = property(_get_text, _set_text)
    TextDocument.lines = property(lambda document: tuple(_line_list(document)))
    TextDocument._apply_incremental_change = _apply_incremental_change


install()
