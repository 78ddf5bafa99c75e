"""The per-file records the index caches: a file's functions, bounded in what they store, and their checks.

`parse_units(code, language)` is what parsing a file yields: one record per function
(names, lines, at most MAX_UNIT_CHARS of its code, its vector's key, preview and BM25
terms) and the syntax-error warning, if any. Records read back from the cache are
checked with `valid_parse` / `valid_stat` before they are used.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from .declaration_files import with_declared_docs
from .function_summary import REFUSED, documented, empty_body, signature
from .index_store import valid_unit
from .search import gated_test_code, unit_terms
from .sources import sha256
from .units import MAX_UNIT_CHARS, extract_units_told, marked_test, overload_stub, preview

# Bump when the per-file unit records change (5: `test` marks Rust `#[cfg(test)]` code, small minified files are
# skipped; 6-7: a doc comment's first sentence is embedded with the code; 8: a file that is not UTF-8 is read as
# Windows-1252, and the preview is the docstring's first sentence; 9: `test` also marks Rust's `#[test]` and
# JUnit's `@Test` functions, and a JavaScript prototype's methods are named by their class; 10: the first sentence
# keeps brackets that are no link, skips list numbers and Go code blocks, and Rust reads /** */ and #[doc] docs;
# 11: JavaScript accessors of `Object.defineProperty` are named by their property, re-export getters left out;
# 12: a bundler's output (esbuild's module comments, webpack's runtime) is a generated file, `walk.is_generated`;
# 13: a Rust doc comment reads on through `#[cfg_attr(..., doc = "...")]` lines; 14: webpack's markers count only
# where webpack writes them, so a file that names them in a string is indexed; 15: a Python docstring is embedded
# as its first sentence before the code, as the other languages' doc comments are; 16: a method's owner is named on a
# line before it, `units.owner_line`; 17: a Python docstring's opening call signature, wrapped over lines or followed
# by the description, is not its first sentence, and a doc comment of `{@inheritDoc}` alone previews no text; 18: a
# function nested in another is named through it; 19: a JS/TS function exported anonymously as its module's default
# is a unit, `default`; 20: `test` marks a Rust function or impl block under `#[cfg(test)]`, and `#[test_case(...)]`,
# `#[rstest]` and `#[quickcheck]` tests; a Rust doc comment reads across blank lines, and the preview of an
# undocumented function is its declaration's line, not an annotation's or attribute's; `method` marks methods; 21:
# `///` lines are doc comments in JavaScript, TypeScript and Java too; 22: `filler` marks a body that does nothing;
# 23: a Javadoc `{@link ref(A, B)}` reads as its reference in the first sentence embedded, a doc comment above a chain
# of assignments (`P.minus = P.sub = function`) is the function's, and a file whose long line is one string literal is
# no longer skipped as generated; 24: a first sentence of capitals or marks alone, "!!!! IMPORTANT !!!!", is skipped;
# 25: a JS/TS function passed to a call that wraps it, `const Icon = forwardRef((props, ref) => ...)`, is a unit named
# by the binding, `Icon`, and a Rust `macro_rules!` is a unit; 26: a Go `func` literal or a Python lambda that a
# top-level statement binds to a name, `var Handler = func(...)`, `square = lambda x: ...`, is a unit named by it, and
# a TypeScript object literal held by a typed `Record<string, T>` or `T[]` is a T; 27: TypeScript's `export type *`,
# `accessor`, `in`/`out` variance and a module's `global { }` parse, where the grammar knows none of them; 28: an
# undocumented function is embedded with the line its hover shows, the documentation it inherits from its own file or
# the comment above it, `units.Unit.described`; 29: a TypeScript generic call signature on the line after another
# member with no `;` between parses, `languages._separators_added`, as do members named `abstract`, `accessor` or
# `in`, a variable named `as`, a parameter named `any` and a tagged template's type arguments,
# `languages._TYPESCRIPT_GAPS`; 30: a function nested in a unit is named by that unit's qualified name,
# `Request.auth.encoder` in `Request.prototype.auth = function ...`, not `auth.encoder`; 31: a stop inside a code span
# ends no first sentence, "Remove ``.`` and ``..`` segments" is not cut at "Remove .", `docstrings._IN_CODE`; 32: a Go
# or Rust comment's line without a stop ends its first sentence before a capitalised word, `docstrings._unstopped_end`;
# 33: Rust functions written in a macro call are units, `languages._macro_items_read`; 34: a file of more than
# MAX_FILE_UNITS functions gives none; 35: a doc comment of tags alone is looked past as none, `units._units`; 36: so
# are issue numbers or a link alone, a JSDoc marker tag before the description is read past, reST's "::" ends as ".";
# 37: a bundler's `/*#__PURE__*/` between a doc comment and its function is read past, `units._ANNOTATION`; 38: a
# short list after the line introducing it is read into the first sentence, `docstrings._inlined`, a return's
# description over several lines is read whole, and a result's preview is what the hover shows, `units.preview`;
# 39: Rust's comment above reads through a `///` line and never takes `//!` module documentation or `// SAFETY:`;
# 40: a docstring's or JSDoc's line without a stop ends its first sentence before a sentence's first word, a
# literal bound to `_` is no unit, a setter takes its getter's documentation; 41: a result's preview is the hover's
# line from documentation, the comment above, an inherited or a class's documentation too, `_preview`; a Rust doc
# comment reads past attributes and plain `//` notes below it; 42: Babel's `_proto.f = function f()` after `var _proto =
# C.prototype` is C's method `C.f`, `units._prototype_receiver`; a doc comment that is a note, `// TODO`, is none; a
# Rust trait impl block's doc describes its one method; a body that only fails takes no supertype's line; Javadoc's and
# Java comments' lines without a stop end before a sentence's first word, a comment's paragraph at a bare `//`; a
# preview is the signature where the declaration's first line leaves its parameters open; a Python base named bare is
# the standard library's only where the file imports it from there; a Rust impl for a type parameter, a reference or a
# `dyn` type is named by its trait or that type, `SubsecRound.round_subsecs`, `Error.as_dyn_error`; 43: a Python
# abstract or Protocol method's empty body is `filler` "abstract"; an object literal passed to a bound call is named by
# that binding, `props: merge({ mergeNames() {} })`: `props.mergeNames`; a Go doc comment reads from its line that
# starts with the function's name, `units._from_go_name`; currying calls and mocks return the function they are
# passed, Ramda's `var unionWith = _curry3(function unionWith(...) {...})`, `units._FUNCTION_WRAPPERS`; a Python method
# under an `if`, `try` or `with` of its class body inherits as its class's, `units._python_owner`; a public Java method
# not marked `@Override` takes the standard documentation of an interface its class implements; a section's banner,
# `// Iterator methods`, and a type signature are no description, `units._banner`, `units._NOTE`).
PARSE_VERSION = 43


def unit_key(code: str, language: str) -> str:
    """The cache key of a function's vector (with the encoder's config key beside it)."""
    return sha256(f"{language}\0{code}\0")


def _lexical_text(unit) -> str:
    """What BM25 reads of a function: what is embedded, but a Python docstring whole (its Args: and Examples: words
    match queries lexically; bench/queries-python), and without the owner line (the qualified name is among the
    terms already, with its own weight: `search.NAME_WEIGHT`)."""
    return unit.code if unit.language == "python" else unit.embedded_text(owner=False)


MAX_FILLER_CHARS = 160  # a body that does nothing is short: a comment or a stub's message at most
# What a body that does nothing may hold once its comments are gone (`empty_body` then decides, lexing it): nothing
# but braces and `pass`, `...`, a bare `return`, an arrow's `null`, or a word of a stub's.
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*|#[^\n]*", re.S)
_MAY_BE_FILLER = re.compile(r"^[\s{};]*(?:pass|\.\.\.|return(?:\s+(?:None|null|undefined|nil))?|null|undefined|void 0)?"
                            r"[\s{};]*$|implement|unsupported|todo", re.I)
# A doc comment that says its function is a stub (sortedcontainers' "Raise not-implemented error.").
_SAYS_STUB = re.compile(r"not[- ]implemented|unimplemented|not[- ]supported|unsupported", re.I)


def _filler(unit) -> str:
    """`IndexedUnit.filler`: "empty", "abstract" or "unimplemented" for a body that does nothing
    (`function_summary.empty_body`), but not for an `@overload` stub (its implementation's row) nor a documented one
    (an interface's method whose doc states the contract) unless its doc says it is a stub."""
    body = unit.body
    if unit.docstring_span is not None:  # a Python docstring is no statement of the body's
        start, end = unit.docstring_span
        body = body.replace(unit.code[start:end].strip(), "", 1)
    if len(body.strip()) > MAX_FILLER_CHARS or not _MAY_BE_FILLER.search(_COMMENTS.sub("", body)) \
            or overload_stub(unit):  # (lexing every short body cost a tenth of a cold index)
        return ""
    kind = empty_body(dataclasses.replace(unit, body=body)) or ""
    if kind == REFUSED:  # a Go body that only returns an error ranks as code does (FILLERS)
        return ""
    return "" if kind and unit.doc_sentence and not _SAYS_STUB.search(unit.doc_sentence) else kind


# The functions one file may give the index: a file under the size bound with more is generated (71,508 functions in
# a 990 KB file of one-line functions took 4 minutes to embed, a 334 MB index, and 8.6 s for every search after).
MAX_FILE_UNITS = 5_000
TOO_MANY_UNITS = "too many functions"


def parse_units(code: str, language: str, declaration_code: str = "") -> dict:
    """A file's unit records, and the syntax-error warning of its parse (None when it parsed cleanly); none, and
    why, for a file of more than MAX_FILE_UNITS functions. `declaration_code`: a JavaScript file's declaration file,
    whose doc comments describe its undocumented functions (`declaration_files`)."""
    found, told = extract_units_told(code, language)
    if len(found) > MAX_FILE_UNITS:
        return {"units": [], "syntax": None,
                "failed": [TOO_MANY_UNITS, f"{len(found):,}, more than the {MAX_FILE_UNITS:,} a file may give: "
                                           "generated code, most likely"]}
    syntax = "; ".join(told) or None
    found = with_declared_docs(found, declaration_code)
    in_tests = gated_test_code(code, language)
    units = [{"name": u.name, "qualified_name": u.qualified_name, "language": u.language,
              "start_line": u.start_line, "end_line": u.end_line, "code": u.code_with_doc[:MAX_UNIT_CHARS],
              "key": unit_key(u.code_with_doc, u.language), "preview": _preview(u),
              "terms": " ".join(unit_terms(_lexical_text(u)[:MAX_UNIT_CHARS], u.language, u.qualified_name)),
              "test": in_tests(u.start_line) or marked_test(u), "method": u.method, "filler": _filler(u)}
             for u in found]
    return {"units": units, "syntax": syntax}


def _preview(unit) -> str:
    """A search result's line: what the hover says from documentation (the comment above, an inherited or a class's
    documentation too), else the docstring's or the declaration's first line (`units.preview`), a declaration's
    signature where that line leaves its parameters open (`def gen_unstructure_attrs_fromdict(`), as the hover shows
    it (`function_summary.signature`)."""
    said = documented(unit)
    shown = preview(unit.code[:MAX_UNIT_CHARS], unit.docstring, said.text if said else "")
    if not said and not unit.docstring and _OPEN_PARAMETERS.search(shown):
        return preview("", None, signature(unit))
    return shown


_OPEN_PARAMETERS = re.compile(r"[(,<\[]$")  # a first line that ends inside the parameters


def valid_parse(record: Any) -> bool:
    """A record of `parse_units`, or of a parse that failed: {"units": [], "syntax": None, "failed": [reason,
    detail]} (`index.py`)."""
    failed = record.get("failed") if isinstance(record, dict) else None
    return isinstance(record, dict) and isinstance(record.get("units"), list) \
        and all(valid_unit(u) for u in record["units"]) and type(record.get("syntax")) in (str, type(None)) \
        and (failed is None or isinstance(failed, list) and len(failed) == 2 and all(type(x) is str for x in failed))


def valid_stat(record: Any) -> bool:
    return record is None or isinstance(record, dict) \
        and all(type(record.get(k)) is int for k in ("size", "mtime", "checked")) \
        and type(record.get("sha")) is str and type(record.get("skip")) in (str, type(None))
