"""LSP base-protocol framing that survives bad frames (pygls's own reader trusts every Content-Length).

A `Content-Length` that is wrong, not a number or missing used to leave the server
deaf until stdin closed, and a huge one made it allocate the whole body. Here:

- a body is read only up to `MAX_BODY` bytes: a larger Content-Length is refused
  before anything is allocated, and its bytes are skipped as garbage;
- bytes outside a frame (the rest of a too-short body, a frame without a length) are
  skipped up to the next `Content-Length:` header;
- while a body is incomplete, a complete header inside it means the length was too
  long: the reader resynchronises on that header instead of waiting for bytes that
  never come.

A body cannot hide a header: JSON escapes CR and LF inside strings, so a raw
`Content-Length: N\\r\\n...\\r\\n\\r\\n` is always the start of a frame. Each bad
frame is logged and answered with a parse error (id null), so it is never silent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from typing import Awaitable, Callable

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter

from .protocol import is_parse_error, unreadable_params

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 2**20  # bytes; an editor's largest document is far smaller, a runaway length is not
MAX_HEADER = 8192
CHUNK = 65536
_START = re.compile(rb"content-length:", re.IGNORECASE)
_HEADER_LINES = re.compile(rb"(?:[A-Za-z][\w-]*:[^\r\n]*\r\n)+")
# A header inside a body, as `content-length:[ \t]*\d+[ \t]*\r\n(?:[^\r\n]*\r\n)*?\r\n` matches one, read in steps that
# can stop where the bytes run out and go on when more come: each step reads a run of bytes (`_RUN`), then the two
# bytes after the run lead to the next step (`_step_after`).
_RUN = {"value": re.compile(rb"[ \t]*"), "digits": re.compile(rb"[0-9]*"), "blanks": re.compile(rb"[ \t]*"),
        "lines": re.compile(rb"(?:[^\r\n]+\r\n)*"), "text": re.compile(rb"[^\r\n]*")}
_DIGITS, _BLANKS, _CRLF = frozenset(b"0123456789"), frozenset(b" \t"), b"\r\n"


def _step_after(step: str, following: bytes) -> tuple[str, int] | None:
    """The step `following` (the two bytes after `step`'s run) leads to and how many of them it takes; "header": the
    header is whole; None: there is no header here."""
    first = following[0]
    if step == "value":
        return ("digits", 0) if first in _DIGITS else None
    if step in ("digits", "blanks") and following == _CRLF:
        return "lines", 2
    if step == "digits":
        return ("blanks", 0) if first in _BLANKS else None
    if step == "lines":
        return ("header", 2) if following == _CRLF else None if first in _CRLF else ("text", 0)
    if step == "text":
        return ("lines", 2) if following == _CRLF else None
    return None


class _HeaderInBody:
    """Where the first whole header starts in a body's buffer, which only grows while the body is awaited. A header
    the bytes ran out in is read on from where they ran out, so each byte is read about once however many reads a
    body takes (a 64 MB body: 1,000)."""

    def __init__(self) -> None:
        self.start = 0  # the header being read
        self.at = 0  # where reading resumes
        self.step = "seek"

    def find(self, buffer: bytearray) -> int | None:
        while True:
            if self.step == "seek":
                name = _START.search(buffer, self.at)
                if name is None:
                    self.at = max(self.at, len(buffer) - len(b"content-length"))  # a name cut short may go on
                    return None
                self.start, self.at, self.step = name.start(), name.end(), "value"
            run_end = _RUN[self.step].match(buffer, self.at).end()
            following = bytes(buffer[run_end:run_end + 2])
            if following in (b"", b"\r"):  # the bytes ran out: go on from here when more come
                self.at = run_end
                return None
            after = _step_after(self.step, following)
            if after is None:  # no header begun before here is whole (a bare CR or LF ends them all): look on
                self.at, self.step = run_end, "seek"
            elif after[0] == "header":
                return self.start
            else:
                self.step, self.at = after[0], run_end + after[1]


class Frames:
    """Message bodies from a byte stream; `bad(reason)` is told of each bad frame or stray bytes."""

    def __init__(self, read: Callable[[], Awaitable[bytes]], bad: Callable[[str], None]):
        self.read, self.bad = read, bad
        self.buffer = bytearray()

    async def _more(self) -> bool:
        data = await self.read()
        self.buffer += data
        return bool(data)

    def _drop(self, count: int, why: str) -> None:
        stray = bytes(self.buffer[:count])
        del self.buffer[:count]
        if stray.strip() and not _HEADER_LINES.fullmatch(stray):  # e.g. a Content-Type before the length
            self.bad(f"{why}: skipped {len(stray)} bytes ({stray[:40]!r})")

    async def next(self) -> bytes | None:
        """The next message body, or None at the end of the stream."""
        while True:
            start = _START.search(self.buffer)
            if start is None:  # no header yet: keep only what could be the start of one
                self._drop(max(0, len(self.buffer) - len(b"content-length:")), "bytes outside a frame")
                if not await self._more():
                    return None
                continue
            self._drop(start.start(), "bytes outside a frame")
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER:
                    self._drop(len(b"content-length:"), "header too long")
                elif not await self._more():
                    return None
                continue
            last = max(m.start() for m in _START.finditer(self.buffer, 0, end))
            if last:  # an unfinished header, then a whole one: keep the last
                self._drop(last, "header without a body")
                continue
            value = bytes(self.buffer[len(b"content-length:"):end].split(b"\r\n")[0]).strip()
            if not value.isdigit() or len(value) > 12 or int(value) > MAX_BODY:
                del self.buffer[:end + 4]  # its body, if any, is skipped as stray bytes
                self.bad(f"Content-Length {value[:20]!r} is not a number of at most {MAX_BODY} bytes")
                continue
            length = int(value)
            del self.buffer[:end + 4]
            inside = _HeaderInBody()
            while True:
                following = inside.find(self.buffer)
                if following is not None and following < length:  # the length was too long:
                    self._drop(following, f"frame shorter than its Content-Length {length}")
                    break  # resynchronise on the frame inside it
                if len(self.buffer) >= length:
                    body = bytes(self.buffer[:length])
                    del self.buffer[:length]
                    return body
                if not await self._more():
                    return None


async def serve(server, read: Callable[[], Awaitable[bytes]]) -> None:
    """pygls's message loop (`pygls.io_.run_async`) over `Frames`."""
    protocol = server.protocol

    def bad(reason: str) -> None:
        logger.warning("bad frame: %s", reason)
        protocol.reply_parse_error(ValueError(f"bad frame: {reason}"))

    frames = Frames(read, bad)
    while not server._stop_event.is_set():  # pygls's stop flag (set by its shutdown)
        body = await frames.next()
        if body is None:
            break
        try:
            protocol.handle_message(json.loads(body, object_hook=protocol.structure_message))
        except Exception as error:
            if is_parse_error(error):  # the client's fault: answered with a parse error, logged without a traceback
                logger.warning("unparsable message: %s", error)
            elif isinstance(error, JsonRpcInvalidParams):  # a notification that cannot be read: nobody to answer
                logger.warning("ignored a message: invalid params: %s", unreadable_params(error.__cause__ or error))
            else:
                logger.exception("unable to handle a message")
            server.report_server_error(error, JsonRpcException)


class ClosedQuietWriter(StdoutWriter):
    """pygls's stdout writer, quiet once the output is closed: a message finished after the client's `exit` closed it
    (a late answer, a progress note) has no one to go to; pygls logged a traceback for it ("I/O operation on closed
    file")."""

    def write(self, data: bytes) -> None:
        try:
            super().write(data)
        except ValueError:
            if not self._stdout.closed:
                raise
            logger.debug("dropped %d bytes: the output is closed", len(data))


def start_io(server, stdin=None, stdout=None) -> None:
    """Serve on stdin/stdout (as `LanguageServer.start_io`, with the framing above)."""
    server._stop_event = threading.Event()
    stdin = stdin or sys.stdin.buffer
    server.protocol.set_writer(ClosedQuietWriter(stdout or sys.stdout.buffer))

    def read() -> Awaitable[bytes]:  # on pygls's pool, as its own reader does
        return asyncio.get_running_loop().run_in_executor(server.thread_pool, stdin.read1, CHUNK)

    try:
        asyncio.run(serve(server, read))
    except BrokenPipeError:
        logger.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


def start_tcp(server, host: str, port: int) -> None:
    """Serve one client at a time on a TCP socket (as `LanguageServer.start_tcp`, with the framing above)."""
    server._stop_event = threading.Event()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.protocol.set_writer(writer)
        await serve(server, lambda: reader.read(CHUNK))
        server.shutdown()

    async def listen() -> None:
        server._server = await asyncio.start_server(connection, host, port)
        logger.info("serving on %s:%s", host, port)
        async with server._server:
            await server._server.serve_forever()

    try:
        asyncio.run(listen())
    except (KeyboardInterrupt, SystemExit, asyncio.CancelledError):
        pass
    finally:
        server.shutdown()
