"""LeanCode: simplify code for code models by removing the tokens the model needs least."""

import os as _os
import sys as _sys

# `python -m leancode.server` (as the editors start it, in the workspace folder) or `python -m leancode.cli` puts the
# working directory first on the import path, so a repository's json.py would be imported in place of the standard
# library's: LeanCode never runs a workspace's code (SECURITY.md). Taken off before anything else is imported, as
# Python 3.11's -P does; `sys.argv[0]` is "-m" while `-m` imports the packages of the module it runs.
if _sys.argv[:1] == ["-m"] and _sys.path and not getattr(_sys.flags, "safe_path", False) \
        and _os.path.realpath(_sys.path[0] or _os.curdir) == _os.path.realpath(_os.curdir):
    del _sys.path[0]

from .categories import StatementCategory  # noqa: E402 (after the import path is made safe)
from .importance import ImportanceTable, default_table
from .languages import LANGUAGES, UnsupportedLanguageError
from .simplify import METHODS, Simplified, simplify
from .tokens import ParseWarning, Token, lex

__version__ = "0.1.0"

__all__ = [
    "LANGUAGES", "METHODS", "ImportanceTable", "ParseWarning", "Simplified", "StatementCategory", "Token",
    "UnsupportedLanguageError", "default_table", "lex", "simplify",
]
