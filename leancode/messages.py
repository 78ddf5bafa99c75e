"""How LeanCode's commands show warnings: LeanCode's own as `PROG: warning: ...` (once each);
third-party ones (transformers' and torch's deprecation notices and the like) not at all, since
they are not the user's to act on. Python's own `-W` / `PYTHONWARNINGS` turn this off."""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import warnings
from pathlib import Path
from typing import Callable

# What a terminal would act on or that splits a line: C0 and C1 controls (escape sequences, newlines), line and
# paragraph separators, the bidirectional overrides and marks that reorder what is shown ("Trojan Source"), and
# the invisible characters that make one name look like another (`a\u200b.py` for `a.py`).
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
                          "\u2060\u2066-\u2069\ufeff]")
# Lone surrogates that are no undecodable byte of a file name (those are U+DC80-U+DCFF): JSON's `\ud800`.
_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def printable(text: str) -> str:
    """Repository text (a file name, a docstring, a generated line) for one line of terminal output: control
    characters as escapes (`\\x1b`, `\\n`), undecodable bytes of a file name as `\\xNN`, other lone surrogates
    (a JSON file's `\\ud800`) as `\\ud800`."""
    text = _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


# Never raised by LeanCode: such a warning attributed to a LeanCode line is a library's about our call.
_FOREIGN = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)


def _roots() -> tuple[str, ...]:
    """The folders of leancode, leancode.server and leancode.training (separate in an editable install)."""
    roots = [str(Path(__file__).resolve().parent)]
    for name in ("leancode.server", "leancode.training"):
        spec = importlib.util.find_spec(name)
        roots += [str(Path(p).resolve()) for p in (spec.submodule_search_locations or [])] if spec else []
    return tuple(root.rstrip("/\\") + "/" for root in roots)


def is_own(category: type[Warning], filename: str) -> bool:
    """A warning LeanCode raised: its category is LeanCode's, or its line is in LeanCode's code."""
    if issubclass(category, _FOREIGN):
        return False
    if category.__module__.split(".")[0] == "leancode":
        return True
    try:
        path = str(Path(filename).resolve())
    except (OSError, ValueError):
        return False
    return path.startswith(_roots())


def show_own_warnings(prog: str = "leancode", also: Callable[[str], None] | None = None) -> None:
    """Show LeanCode's warnings as `prog: warning: message`, each text once (from any thread), and drop
    third-party ones; `also(text)` passes each shown warning on (the server's log in the client)."""
    if sys.warnoptions:  # the user chose Python's handling
        return
    shown: set[str] = set()
    lock = threading.Lock()

    def show(message, category, filename, lineno, file=None, line=None):
        text = str(message)
        with lock:
            if not is_own(category, filename) or text in shown:
                return
            shown.add(text)
        print(f"{prog}: warning: {text}", file=file or sys.stderr)
        if also is not None:
            also(text)

    warnings.simplefilter("once")
    warnings.showwarning = show
