"""Open buffers (`server.buffers`): incremental edits give the text pygls's own edits gave, and a didChange of
thousands of small changes to a 1 MB buffer is applied change by change without re-writing the whole buffer."""

from __future__ import annotations

import io
import random
import re

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from leancode.sources import MAX_FILE_BYTES

import server.core  # noqa: F401  (installs server.buffers)
from lsp_raw import RawServer, frame

_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def pygls_edit(source: str, change: types.TextDocumentContentChangePartial, codec: PositionCodec) -> str:
    """pygls 2's `TextDocument._apply_incremental_change` (with LSP's lines), as it was: the reference."""
    lines = tuple(_LSP_LINE.findall(source))
    edit = codec.range_from_client_units(lines, change.range)
    start_line, start_col, end_line, end_col = (edit.start.line, edit.start.character, edit.end.line,
                                                edit.end.character)
    if start_line == len(lines):
        return source + change.text
    new = io.StringIO()
    for i, line in enumerate(lines):
        if i < start_line or i > end_line:
            new.write(line)
            continue
        if i == start_line:
            new.write(line[:start_col])
            new.write(change.text)
        if i == end_line:
            new.write(line[end_col:])
    return new.getvalue()


def change(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text)


@pytest.mark.parametrize("encoding", [types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8,
                                      types.PositionEncodingKind.Utf32])
def test_edits_give_the_text_pygls_gave(encoding):
    # Line breaks of every kind (a \r and a \n an edit joins or parts), characters outside the BMP, characters
    # str.splitlines breaks at and LSP does not, ranges past the end, reversed and empty ones, empty buffers.
    pieces = ["a", "b", "\r", "\n", "\r\n", "😋", "é", "\x0c", "\u2028", " "]
    rng = random.Random(7)
    codec = PositionCodec(encoding)
    for _ in range(1500):
        reference = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        document = TextDocument("file:///buffer.py", reference, sync_kind=types.TextDocumentSyncKind.Incremental,
                                position_codec=codec)
        for _ in range(rng.randint(1, 8)):
            lines = reference.count("\n") + reference.count("\r") + 2
            start, end = [(rng.randint(0, lines), rng.randint(0, 12)) for _ in range(2)]
            if rng.random() < 0.8:
                start, end = sorted([start, end])
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
            reference = pygls_edit(reference, change(start, end, text), codec)  # (the codec clamps in place)
            document.apply_change(change(start, end, text))
            if rng.random() < 0.3:  # read between edits too
                assert document.source == reference
        assert document.source == reference
        assert document.lines == tuple(_LSP_LINE.findall(reference))
        document.apply_change(types.TextDocumentContentChangeWholeDocument(text="x\r\ny"))
        assert document.source == "x\r\ny" and document.lines == ("x\r\n", "y")


def test_a_document_not_open_is_read_from_its_file_each_time(tmp_path):
    path = tmp_path / "closed.py"
    path.write_text("a\nb\n")
    document = TextDocument(path.as_uri())
    assert (document.source, document.lines) == ("a\nb\n", ("a\n", "b\n"))
    path.write_text("c\n")
    assert (document.source, document.lines) == ("c\n", ("c\n",))


@pytest.mark.slow  # the real server
def test_thousands_of_changes_to_a_megabyte_buffer_in_one_did_change(tmp_path):
    # Each of 2,500 changes re-wrote the whole 1 MB buffer: 30 s on the event loop, no answer meanwhile; now
    # well under a second. The changes rewrite docstrings and filler; the hovers read the result.
    filler = "# " + "a" * 68 + "\n"
    lines: list[str] = []
    functions = []  # (line of the def, index)
    for index in range(374):
        functions.append((len(lines), index))
        lines += [f"def f{index}(a):\n", f'    """Old {index}."""\n', "    return a\n"] + [filler] * 37
    assert 990_000 < len("".join(lines)) <= MAX_FILE_BYTES  # hovered, not skipped as too large
    changes = [{"range": {"start": {"line": line, "character": 2}, "end": {"line": line, "character": 3}},
                "text": "b"} for line, text in enumerate(lines) if text == filler and line % 6 == 0]
    changes += [{"range": {"start": {"line": line + 1, "character": 7}, "end": {"line": line + 1, "character": 10}},
                 "text": "New"} for line, _ in functions]
    rng = random.Random(3)
    rng.shuffle(changes)  # each on the buffer the one before left: none changes the line count
    assert len(changes) > 2500
    path = tmp_path / "big.py"
    path.write_text("")
    with RawServer(root=tmp_path) as server:
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": path.as_uri(), "languageId": "python", "version": 1, "text": "".join(lines)}}}))
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": path.as_uri(), "version": 2}, "contentChanges": changes}}))
        for msg_id, (line, index) in enumerate([functions[0], functions[200], functions[-1]], start=1):
            answer = server.request(msg_id, "textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                                   "position": {"line": line, "character": 5}},
                                    timeout=120)
            value = answer["result"]["contents"]["value"]
            assert f"def f{index}" in value and f"New {index}." in value and "Old" not in value, answer
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)


def pygls_position(codec: PositionCodec, lines: tuple[str, ...], position: types.Position) -> tuple[int, int, int]:
    """pygls 2's `PositionCodec.position_from_client_units` as it was (a loop per character), a column past the end
    of the last line at its end: the reference; and the column it leaves in `position`."""
    units = codec.impl.code_units_for_char
    if len(lines) == 0:
        return 0, 0, position.character
    if position.line >= len(lines):
        return len(lines) - 1, sum(map(units, lines[-1])), position.character
    line = lines[position.line].replace("\r\n", "\n")
    length = sum(map(units, line))
    if length == 0:
        return position.line, 0, position.character
    if position.character > length:
        position.character = length - (line[-1] in "\r\n")  # (pygls: length - 1, early on the last line)
    client, index = 0, 0
    for char in line:
        if client >= position.character:
            break
        client += units(char)
        index += 1
    if client < position.character:
        index = len(line)
    return position.line, index, position.character


@pytest.mark.parametrize("encoding", [types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8,
                                      types.PositionEncodingKind.Utf32])
def test_positions_are_the_columns_pygls_gave(encoding):
    pieces = ["a", "\r\n", "\n", "\r", "😋", "é", "€", "\ud83d", "\ude0b", "\x00", "\U0010ffff"]
    rng = random.Random(11)
    codec = PositionCodec(encoding)
    for _ in range(4000):
        lines = tuple(_LSP_LINE.findall("".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))))
        line, character = rng.randint(0, len(lines) + 1), rng.randint(0, 30)
        mine, theirs = types.Position(line, character), types.Position(line, character)
        found = codec.position_from_client_units(lines, mine)
        assert (found.line, found.character, mine.character) == pygls_position(codec, lines, theirs)
        if line < len(lines):
            text = lines[line][:character]
            assert codec.client_num_units(text) == sum(map(codec.impl.code_units_for_char, text))
            if encoding != types.PositionEncodingKind.Utf32:  # (pygls's own: the column as given, not changed)
                assert codec.impl.column_from_utf32(lines[line], character) == \
                    sum(map(codec.impl.code_units_for_char, text))


@pytest.mark.slow  # the real server
@pytest.mark.parametrize("unit", ["a", "😋"])
def test_edits_at_the_end_of_a_megabyte_line(tmp_path, unit):
    # Each column was converted by a loop over the line's characters: 50 edits at the end of a 1 MB line took
    # 42 s (11 s for 250,000 astral characters); now well under a second.
    text = "x = '" + unit * (990_000 // len(unit.encode())) + "'\n\ndef tail(a):\n    \"\"\"Old.\"\"\"\n    return a\n"
    end = len(text.splitlines()[0].encode("utf-16-le")) // 2  # the closing quote's UTF-16 column
    changes = [{"range": {"start": {"line": 0, "character": end - 1}, "end": {"line": 0, "character": end}},
                "text": unit + "'"} for _ in range(50)]
    changes.append({"range": {"start": {"line": 3, "character": 7}, "end": {"line": 3, "character": 10}},
                    "text": "New"})
    path = tmp_path / "long.py"
    path.write_text("")
    with RawServer(root=tmp_path) as server:
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}}}))
        server.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": path.as_uri(), "version": 2}, "contentChanges": changes}}))
        answer = server.request(1, "textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                          "position": {"line": 2, "character": 5}}, timeout=120)
        assert "def tail" in answer["result"]["contents"]["value"] and "New." in answer["result"]["contents"][
            "value"], answer
        assert server.close() == 0
        assert b"Traceback" not in b"".join(server.stderr)


def test_lines_without_breaks_split_where_lsp_does():
    from server.buffers import lsp_line_list, lsp_lines

    rng = random.Random(7)
    for _ in range(50_000):
        pieces = ["a", "\r", "\n", "\r\n", "\u2028", "\x0c", "é", "😀"]
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(10)))
        assert lsp_lines(text) == re.split(r"\r\n|\r|\n", text), repr(text)
        assert "".join(lsp_line_list(text)) == text


@pytest.mark.parametrize("end", [3, 99])
def test_an_edit_past_the_end_of_the_last_line_is_at_its_end(end):
    # LSP: a column past the line's length is its length. pygls took the length less one, so an edit at (0, 99) of
    # "abc" (no line break after it) replaced "ab", leaving "c" after the new text: the buffer no longer parsed.
    document = TextDocument("file:///x.py", "abc", sync_kind=types.TextDocumentSyncKind.Incremental)
    document.apply_change(change((0, 0), (0, end), "xyz"))
    assert document.source == "xyz"
    document.apply_change(change((0, end), (0, end), "!"))
    assert document.source == "xyz!"
    document = TextDocument("file:///x.py", "abc\ndef", sync_kind=types.TextDocumentSyncKind.Incremental)
    document.apply_change(change((0, end), (0, end), "!"))  # a line with its break: before the break, as before
    assert document.source == "abc!\ndef"
