"""Reading source files safely: only regular files are read, binary and huge ones are refused with the reason.

A file is opened without blocking (O_NONBLOCK, so a FIFO never hangs the reader) and
checked with fstat before a byte is read: FIFOs, devices, sockets and directories are
refused. Text is decoded as Python itself would (a BOM, else for Python a PEP 263 coding
line, else UTF-8); undecodable bytes become U+FFFD, never an error.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import os
import re
import stat
import tokenize
from pathlib import Path

from .languages import language_for_path

MAX_FILE_BYTES = 1_000_000
BINARY_PROBE = 8192  # a NUL byte in the first this-many bytes marks a binary file
# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class FileSkipped(ValueError):
    """A file not read as source (binary, huge, unreadable, not a regular file); `reason` says why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason} ({detail})" if detail else reason)
        self.reason = reason
        self.detail = detail


def sha256(data: str | bytes) -> str:
    """The hex sha256 of `data` (str as UTF-8, lone surrogates kept): the project's one content hash."""
    return hashlib.sha256(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data).hexdigest()


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 of a (trusted, user-named) file's bytes."""
    return sha256(Path(path).read_bytes())


def read_bytes(path: str | os.PathLike, max_bytes: int = MAX_FILE_BYTES, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file; FileSkipped for anything else, checked before reading and without blocking."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:
            raise FileSkipped("symlink") from None
        raise FileSkipped("unreadable", error.strerror or str(error)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # checked before `open`, which refuses a directory with its own error
        os.close(fd)
        raise FileSkipped("not a regular file")
    with open(fd, "rb", closefd=True) as handle:
        if info.st_size > max_bytes:
            raise FileSkipped("too large", f"{info.st_size:,} bytes")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise FileSkipped("unreadable", error.strerror or str(error)) from None
    if len(data) > max_bytes:
        raise FileSkipped("too large", f"over {max_bytes:,} bytes")
    return data


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may escape half a UTF-16 pair; UTF-8 cannot encode it


def without_lone_surrogates(text: str) -> str:
    """`text` with each lone surrogate (from a JSON escape, or a file name's undecodable byte) as U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def is_binary(data: bytes) -> bool:
    """A NUL byte near the start, in a file without a UTF-16/32 byte order mark."""
    return b"\0" in data[:BINARY_PROBE] and not any(data.startswith(bom) for bom, _ in _BOMS)


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "\n#:= az".encode(encoding) == b"\n#:= az"
    except (LookupError, ValueError):
        return False


def decode_source(data: bytes, language: str | None = None) -> str:
    """Source text: a BOM decides, else (Python) the PEP 263 coding line, else UTF-8 (`_utf8_or_legacy`)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    if language == "python":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            if _ascii_compatible(encoding) and codecs.lookup(encoding).name != "utf-8":
                return data.decode(encoding, "replace")
        except (SyntaxError, LookupError, ValueError):  # an unknown or unusable coding line
            pass
    return _utf8_or_legacy(data)


def _utf8_or_legacy(data: bytes) -> str:
    """UTF-8; a file that is not, and holds no valid UTF-8 sequence beyond ASCII, as Windows-1252 (a Latin-1 or
    Windows file: `café` stays `café`, where U+FFFD would cut `def café_name` to `_name`); otherwise UTF-8 with
    its bad bytes as U+FFFD."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in text):  # UTF-8 with some damage: keep what is whole
        return text
    return data.decode("cp1252", "replace")


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES, language: str | None = None,
                follow_symlinks: bool = True) -> str:
    """The text of a source file; raises FileSkipped (with the reason) for binary, huge, unreadable or
    non-regular files (FIFOs, devices: never opened for a blocking read)."""
    data = read_bytes(path, max_bytes, follow_symlinks)
    if is_binary(data):
        raise FileSkipped("binary")
    return decode_source(data, language or language_for_path(Path(path).name))


def check_text(text: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Raise FileSkipped for buffer contents too large or binary to parse."""
    if len(text) > max_bytes:
        raise FileSkipped("too large", f"{len(text):,} characters")
    if "\0" in text[:BINARY_PROBE]:
        raise FileSkipped("binary")
