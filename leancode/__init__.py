"""LeanCode: simplify code for code models by removing the tokens the model needs least."""

from .categories import StatementCategory
from .importance import ImportanceTable, default_table
from .languages import LANGUAGES, UnsupportedLanguageError
from .simplify import METHODS, Simplified, simplify
from .tokens import ParseWarning, Token, lex

__version__ = "0.1.0"

__all__ = [
    "LANGUAGES", "METHODS", "ImportanceTable", "ParseWarning", "Simplified", "StatementCategory", "Token",
    "UnsupportedLanguageError", "default_table", "lex", "simplify",
]
