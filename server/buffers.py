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
- Positions: pygls converted a client's column (UTF-16 units by default) by a Python loop over the line's
  characters, twice an edit, so an edit at the end of a 1 MB line cost 0.85 s (50 of them in one didChange: 42 s).
  The counts are now read from the line's encoding (a check that it is ASCII, or one pass in numpy), the same
  columns for each of LSP's three encodings.
"""

from __future__ import annotations

import numpy as np
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument
from pygls.workspace.position_codec import ServerTextPosition, Utf8, Utf16, Utf32


def lsp_line_list(text: str) -> list[str]:
    """`text`'s lines as LSP counts them (breaks at LF, CR LF and CR only), each with its line break ("".join gives
    `text` back); by str.split, a pass in C however long the lines (a regular expression took 20 ms a megabyte
    line), since an edit re-splits the lines it touches and the text it inserts."""
    parts = text.split("\n")
    if "\r" not in text:
        lines = [part + "\n" for part in parts[:-1]]
    else:
        lines = []
        for part in parts[:-1]:
            if "\r" in part:
                pieces = part.split("\r")
                lines += [piece + "\r" for piece in pieces[:-2]]
                if pieces[-1]:
                    lines += [pieces[-2] + "\r", pieces[-1] + "\n"]
                else:  # the \r before the \n: one line break
                    lines.append(pieces[-2] + "\r\n")
            else:
                lines.append(part + "\n")
        pieces = parts[-1].split("\r")
        lines += [piece + "\r" for piece in pieces[:-1]]
        parts[-1] = pieces[-1]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def lsp_lines(text: str) -> list[str]:
    """`text`'s lines as LSP counts them, without their line breaks (a text ending in one ends with an empty line)."""
    lines = [line.rstrip("\r\n") for line in lsp_line_list(text)]
    if not text or text[-1] in "\r\n":
        lines.append("")
    return lines


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


def _utf16_units(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8_units(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _units_per_char(codec: PositionCodec, line: str) -> np.ndarray | None:
    """How many of the codec's units each character of `line` takes; None when each takes one."""
    if line.isascii() or isinstance(codec.impl, Utf32):
        return None
    points = np.frombuffer(line.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if isinstance(codec.impl, Utf16):
        return 1 + (points > 0xFFFF)
    return 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)  # UTF-8


_pygls_position_from_client_units = PositionCodec.position_from_client_units


def position_from_client_units(codec: PositionCodec, lines, position: types.Position) -> ServerTextPosition:
    """pygls's `PositionCodec.position_from_client_units` without a loop per character, its quirks kept (a \\r\\n
    counts as one unit; a column past the line's end is set in `position`) but one: a column past the end of a line
    is its end, before its line break, as LSP says, where pygls took the line's length less one, a character early
    on the last line (no line break: an edit at its end went in before its last character)."""
    if type(codec.impl) not in (Utf8, Utf16, Utf32):
        return _pygls_position_from_client_units(codec, lines, position)
    if len(lines) == 0:
        return ServerTextPosition(0, 0)
    if position.line >= len(lines):
        return ServerTextPosition(len(lines) - 1, codec.impl.num_units(lines[-1]))
    line = lines[position.line].replace("\r\n", "\n")
    units = _units_per_char(codec, line)
    client_length = len(line) if units is None else int(units.sum())
    if client_length == 0:
        return ServerTextPosition(position.line, 0)
    if position.character > client_length:
        position.character = client_length - (line[-1] in "\r\n")
    wanted = position.character
    if wanted <= 0:
        return ServerTextPosition(position.line, 0)
    if units is None:
        return ServerTextPosition(position.line, min(wanted, len(line)))
    # the fewest characters that reach `wanted` units (pygls's loop stops there), or the whole line
    return ServerTextPosition(position.line, min(int(np.searchsorted(np.cumsum(units), wanted)) + 1, len(line)))


def install() -> None:
    # pygls reads and writes the text as `_source` (its getter reads the file when there is none).
    TextDocument._source = property(_get_text, _set_text)
    TextDocument.lines = property(lambda document: tuple(_line_list(document)))
    TextDocument._apply_incremental_change = _apply_incremental_change
    Utf16.num_units = lambda counter, text: _utf16_units(text)
    Utf16.column_from_utf32 = lambda counter, line, column: _utf16_units(line[:column])
    Utf8.num_units = lambda counter, text: _utf8_units(text)
    Utf8.column_from_utf32 = lambda counter, line, column: _utf8_units(line[:column])
    PositionCodec.position_from_client_units = position_from_client_units


install()
