"""Reading source files safely: binary, huge and unreadable files are refused with the reason."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 1_000_000
BINARY_PROBE = 8192  # a NUL byte in the first this-many bytes marks a binary file


class FileSkipped(ValueError):
    """A file not read as source (binary, huge, unreadable); the message says why."""


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a source file; raises FileSkipped (with the reason) for binary, huge or unreadable ones."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise FileSkipped(f"unreadable ({error.strerror or error})") from None
    if size > max_bytes:
        raise FileSkipped(f"too large ({size:,} bytes)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileSkipped(f"unreadable ({error.strerror or error})") from None
    if b"\0" in data[:BINARY_PROBE]:
        raise FileSkipped("binary")
    return data.decode("utf-8", errors="replace")


def check_text(text: str, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Raise FileSkipped for buffer contents too large or binary to parse."""
    if len(text) > max_bytes:
        raise FileSkipped(f"too large ({len(text):,} characters)")
    if "\0" in text[:BINARY_PROBE]:
        raise FileSkipped("binary")
