"""`leancode` command line: simplify code, index and search a repository, summarize functions."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import shlex
import sys
import textwrap
import urllib.parse
import warnings
from pathlib import Path

from tqdm import tqdm

from .languages import LANGUAGES, ParseWarning, UnsupportedLanguageError, language_for_path
from .messages import printable, show_own_warnings
from .runtime import BACKENDS
from .simplify import METHODS, Simplified, add_repeat_discount_option, line_end_of, simplify
from .sources import read_source
from .summarizer import DEFAULT_METHOD as SUMMARY_METHOD, DEFAULT_RATIO as SUMMARY_RATIO, DEFAULT_RUNTIME, RUNTIMES
from .units import Unit, shown_name

DIM, RESET = "\x1b[2m", "\x1b[0m"


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ratio must be a number between 0 and 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"ratio must be between 0 and 1, got {text}")
    return value


DEFAULT = "default"


def _model_ratio(text: str) -> float:
    """A ratio of the tokens a model reads to remove: below 1, as removing every token leaves it nothing to read."""
    value = _ratio(text)
    if value == 1:
        raise argparse.ArgumentTypeError("ratio 1 removes every token, leaving the model nothing to read; give less "
                                         "than 1")
    return value


def _search_ratio(text: str) -> float | str:
    """A ratio to embed at, or "default"."""
    return DEFAULT if text == DEFAULT else _model_ratio(text)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leancode", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    simp = commands.add_parser("simplify", help="remove the tokens a model needs least",
                               description="Simplify the functions of FILE, or a JSONL data set with --input.")
    simp.add_argument("file", nargs="?", help="source file (language from its extension unless --language)")
    simp.add_argument("--function", help="only the function or method with this (qualified) name")
    amount = simp.add_mutually_exclusive_group()
    # Below 1 and at least 1 token, as `index` and `summarize` take them: removing every token shows nothing
    amount.add_argument("--ratio", type=_model_ratio, default=0.5, help="fraction of model tokens to remove (0.5)")
    amount.add_argument("--budget", type=_positive, help="keep at most this many model tokens per function")
    simp.add_argument("--method", choices=METHODS, default="leancode")
    add_repeat_discount_option(simp)
    simp.add_argument("--task", choices=("search", "summarize"), default="search",
                      help="whose attention decides importance (default: search)")
    simp.add_argument("--language", choices=sorted(LANGUAGES), help="override the language")
    simp.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="show removed tokens dimmed instead of hiding them (auto: on a terminal)")
    simp.add_argument("--input", help="batch mode: JSONL with idx, code, language per line ('-': standard input)")
    simp.add_argument("--output", help="batch mode: JSONL to write (default or '-': standard output)")
    simp.add_argument("--seed", type=int, default=0, help="seed of the random method")

    index = commands.add_parser("index", help="index the functions of a repository for search",
                                description="Walk PATH (honouring .gitignore and .leancodeignore), embed every "
                                            "function not embedded before, and save the index.")
    index.add_argument("path", nargs="*", help="repository root (default: the current directory); with --store "
                       "lance or --engine ray, several, or files listing them one a line")
    index.add_argument("--store", choices=("embedded", "lance"),
                       help="vector store: embedded (default for a new index) or lance (LanceDB with an ANN index; "
                       "the scale extra)")
    index.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="ray: parse and embed on a Ray cluster into a lance store (the scale extra)")
    index.add_argument("--address", help="Ray cluster address for --engine ray (default: RAY_ADDRESS, else a "
                       "local cluster)")
    index.add_argument("--actors", type=_positive, help="embedding actors for --engine ray (default: one per GPU, "
                       "else one per two CPUs)")
    index.add_argument("--batch-size", type=_positive, default=256,
                       help="functions per embedding batch and store write, with --store lance (256)")
    _index_options(index)
    index.add_argument("--json", action="store_true", help="print the update statistics as JSON")

    find = commands.add_parser("search", help="find the functions of a repository that match a query",
                               description="Rank the repository's functions for QUERY (the index is brought up "
                                           "to date first unless --no-update).")
    find.add_argument("query")
    find.add_argument("where", nargs="?", metavar="PATH", help="the same as --path")
    find.add_argument("--path", default=".",
                      help="repository, or a folder or file inside one to search only there (default: .)")
    find.add_argument("--top", type=int, default=10, help="how many results (10)")
    find.add_argument("--repo", help="only this repository (an index of several, made with --store lance)")
    find.add_argument("--json", action="store_true", help="print a JSON list of results")
    find.add_argument("--hybrid", action=argparse.BooleanOptionalAction, default=False,
                      help="fuse BM25 over identifiers and docstrings with the dense ranking: for queries that name "
                           "identifiers of the code (default: dense only); scores are then fused reciprocal ranks")
    find.add_argument("--update", action=argparse.BooleanOptionalAction, default=None,
                      help="bring the index up to date before searching (default: yes; a lance index is brought up "
                           "to date by `leancode index --store lance`, never by search)")
    find.add_argument("--include-tests", action="store_true",
                      help="rank tests and benchmarks with the code (default: after it, unless the query asks)")
    _index_options(find)

    summ = commands.add_parser("summarize", help="one line on what a function does: its docstring, else a similar "
                                                 "documented function's",
                               description="Summarize the function at FILE:LINE (1-based) or FILE:NAME, "
                                           "or every function of FILE: the first sentence of its docstring or doc "
                                           "comment (documentation), else that of the method it implements or "
                                           "overrides (inherited: a standard library type's, a supertype's in "
                                           "another file of the repository, found by its index (`leancode index`) "
                                           "or its imports, an npm package's declaration file in node_modules, a "
                                           "Python package's in the project's virtual environment), "
                                           "else that of the plain comment above it (comment), for a constructor "
                                           "its class's (class documentation), else that of a "
                                           "documented function of the mined corpus with similar "
                                           "code (similar), else only its signature (with --generated: the shipped "
                                           "model's line, when the model is confident).")
    summ.add_argument("targets", nargs="+", metavar="FILE[:LINE|:NAME]",
                      help="one or more; every target is checked before the model loads, once for all")
    summ.add_argument("--json", action="store_true", help="print a JSON list")
    summ.add_argument("--model", help="summarizer directory (default: the shipped one); naming one asks for its "
                                      "lines, as --generated")
    summ.add_argument("--no-bank", action="store_true",
                      help="no line borrowed from the mined corpus (default: an undocumented function close to a "
                           "documented one of it takes that one's first sentence, labelled as its); with --generated, "
                           "the model writes every such line")
    summ.add_argument("--method", choices=METHODS, default=SUMMARY_METHOD,
                      help=f"simplification before summarizing (default {SUMMARY_METHOD})")
    summ.add_argument("--ratio", type=_model_ratio, default=SUMMARY_RATIO,
                      help=f"fraction of model tokens removed (default {SUMMARY_RATIO})")
    summ.add_argument("--beams", type=_positive, default=1, help="beam search width (default 1: greedy)")
    summ.add_argument("--runtime", choices=RUNTIMES, default=DEFAULT_RUNTIME,
                      help=f"which classes run the model (default {DEFAULT_RUNTIME}: plain torch, the same lines as "
                           "transformers' without importing it, seconds sooner)")
    summ.add_argument("--generated", action="store_true",
                      help="show the model's line for an undocumented function no similar documented one describes, "
                           "where it is confident (off by default: read blind, most such lines were wrong)")
    summ.add_argument("--ignore-docstrings", action="store_true",
                      help="ask the model even for documented functions (with --generated; it still abstains when "
                           "not confident)")
    summ.add_argument("--language", choices=sorted(LANGUAGES), help="override the language")
    return parser


def _index_options(command: argparse.ArgumentParser) -> None:
    """Where the index lives and how functions are embedded (search defaults to what the index was built with)."""
    command.add_argument("--index-dir", help="index directory (default: <repository>/.leancode)")
    command.add_argument("--model", help="local encoder or search adapter directory (default: the shipped adapter "
                         "over the packaged model; 'packaged:sentence-transformers/all-MiniLM-L6-v2' for the "
                         "packaged model alone)")
    command.add_argument("--method", choices=METHODS, help="simplification before embedding (kept by the index "
                         "for later runs)")
    command.add_argument("--ratio", type=_search_ratio, help="fraction of model tokens removed before embedding, "
                         "below 1 (kept by the index for later runs; 'default': the per-language defaults again)")
    command.add_argument("--table", metavar="DIR", help="importance table directory (`leancode-train importance`) "
                         "for the functions of the language its manifest names, the shipped tables for the others "
                         "(as --model, never taken from the index: pass it to every run)")
    command.add_argument("--quantize", action=argparse.BooleanOptionalAction, default=None,
                         help="int8 encoder (ONNX Runtime: one function per call; --no-quantize: fp32 for this run, "
                         "the index re-embedded in fp32 until a run without it; the cache keeps both)")
    command.add_argument("--threads", type=_positive, help="CPU threads for the encoder")
    command.add_argument("--backend", choices=BACKENDS, default="auto",
                         help="where the encoder runs (auto: ONNX Runtime from a one-time export, else PyTorch)")


def _simplify_one(code: str, language: str, args: argparse.Namespace) -> Simplified:
    """`simplify` with the command line's settings (--budget, when given, replaces --ratio)."""
    return simplify(code, language, ratio=None if args.budget is not None else args.ratio, budget=args.budget,
                    method=args.method, task=args.task, seed=args.seed, repeat_discount=args.repeat_discount)


def _dimmed(code: str, result: Simplified) -> str:
    """The original code with removed tokens dimmed."""
    kept = set(result.kept)
    out, position = [], 0
    for index, token in enumerate(result.tokens):
        out.append(code[position:token.start])
        out.append(token.text if index in kept else f"{DIM}{token.text}{RESET}")
        position = token.end
    out.append(code[position:])
    return "".join(out)


def _simplify_file(args: argparse.Namespace) -> int:
    path = Path(args.file)
    code, language, units = _file_units(path, args.language)
    if args.function:
        units = _named(units, args.function, path)
    color = args.color == "always" or args.color == "auto" and sys.stdout.isatty()
    snippets = [(f"{path}:{u.start_line + 1} {shown_name(u.qualified_name, u.language)}", _dedented(code, u))
                for u in units] \
        or [(str(path), code)]
    line_end = line_end_of(code)  # the listing's lines end as the file's do
    with _parse_warnings_told_with(printable(str(path))):
        for header, snippet in snippets:
            result = _simplify_one(snippet, language, args)
            note = f"# {printable(header)}: {result.model_tokens} -> {result.model_tokens_kept} model tokens"
            print(f"{DIM}{note}{RESET}" if color else note, end=line_end)
            print(_dimmed(snippet, result) if color else result.code, end=line_end * 2)
    return 0


@contextlib.contextmanager
def _parse_warnings_told_with(where: str):
    """The parse warnings of the work inside, told after `where` (a file, a batch line: a run may read several), each
    message once (the lexer warns for every function of a file); other warnings as they came."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParseWarning)
        yield
    told = set()
    for warning in caught:
        if not issubclass(warning.category, ParseWarning):
            warnings.warn(warning.message, warning.category, stacklevel=3)
        elif (message := str(warning.message)) not in told:
            told.add(message)
            warnings.warn(f"{where}: {message}", warning.category, stacklevel=3)


def _dedented(source: str, unit) -> str:
    """A unit's code as its own text: a method's body moved left with its first line."""
    line_start = source.rfind("\n", 0, unit.start) + 1
    indent = source[line_start:unit.start]
    return textwrap.dedent(indent + unit.code) if indent and not indent.strip() else unit.code


def _read(path: Path) -> str:
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory; give a source file")
    try:
        return read_source(path)
    except ValueError as reason:
        raise ValueError(f"{path}: {reason}") from None


def _file_units(path: Path, language: str | None) -> tuple[str, str, list[Unit]]:
    """A named file's code, language and functions. Its functions are read in a bounded worker (`parse_pool.units`),
    so a file tree-sitter cannot parse within its bounds is an error, not a hang or a crash."""
    from . import parse_pool
    from .declaration_files import with_declaration_file_docs

    code, language = _read(path), _language(path, language)
    try:
        with _parse_warnings_told_with(printable(str(path))):
            found = parse_pool.units(code, language)
    except parse_pool.ParseFailed as failed:
        raise ValueError(f"{path}: not read: {failed}") from None
    return code, language, with_declaration_file_docs(found, path)


def _language(path: Path, override: str | None) -> str:
    language = override or language_for_path(path.name)
    if language is None:
        raise UnsupportedLanguageError(
            f"cannot tell the language of {path.name}; pass --language (one of {', '.join(sorted(LANGUAGES))})")
    return language


def _named(units: list, name: str, path: Path) -> list:
    """The units whose qualified name is `name`; where none is, those called `name`: plain, qualified without the
    functions they are nested in (`Store.parse_line` for `Store.load.parse_line`), or the end of a qualified name
    (`Inner.run` for `Cache.Inner.run`); else the longest end of `name` that one of those is (a crate or package
    before it: `lru::LruCache::get`, `java.util.Arrays.sort`), its last part alone only where the part before it is
    a module's name, lower-case and no scope of the file, and then a free function's (`toml::de::from_str`; not
    another type's, `Other::from_str`, nor a method); else, `name` a class or type, its methods; LookupError,
    naming the closest, when there is none."""
    from .search import named_by

    written = name
    parts = named_by(name) or [name]  # qualified as units are: `Version::parse` -> Version.parse
    name = ".".join(parts)

    def called(tail: str) -> list:
        return [u for u in units if u.qualified_name == tail] or [
            u for u in units if tail in (u.name, u.scoped_name) or u.qualified_name.endswith("." + tail)]

    # the whole name, else without its first parts (a crate or package); after a module's name, a free function of
    # its last part
    found = next((f for start in range(max(1, len(parts) - 1)) if (f := called(".".join(parts[start:])))), [])
    if not found and len(parts) > 1 and parts[-2][:1].islower() \
            and parts[-2] not in {scope for u in units for scope in u.qualified_name.split(".")[:-1]}:
        found = [u for u in units if u.qualified_name == parts[-1]]
    if not found:  # a class, interface, trait or type: its methods (pluggy's `_manager.py:PluginManager`)
        found = [u for u in units if u.qualified_name.startswith(name + ".") or f".{name}." in u.qualified_name]
    if not found:
        close = difflib.get_close_matches(name, sorted({u.qualified_name for u in units}), n=5, cutoff=0.5)
        shown = {u.qualified_name: shown_name(u.qualified_name, u.language) for u in units}
        raise LookupError(f"no function named {written!r} in {path}"
                          + (f"; did you mean {', '.join(shown[c] for c in close)}?" if close else ""))
    return found


def _target(text: str) -> tuple[Path, int | None, str | None, int | None]:
    """FILE, FILE:LINE, FILE:LINE:COLUMN (as a stack trace writes a place) or FILE:NAME -> (path, line or None, name
    or None, column or None); NAME as `leancode search` takes one (`parse`, `Cache.get`, `Version::parse`,
    `SemVer#compare`)."""
    from .search import is_trait_impl, named_by

    if text.startswith("file://") and not Path(text).exists():  # a place as Node writes an ES module's frame
        text = urllib.parse.unquote(text.removeprefix("file://"))
    if ":" not in text and not Path(text).exists() and named_by(text) and language_for_path(text) is None:
        raise ValueError(f"{text}: no such file; summarize takes FILE:NAME or FILE:LINE (`leancode search "
                         f"{shlex.quote(text)}` finds where a function of that name is)")  # `Foo#bar`, no file
    if Path(text).exists() or ":" not in text:
        return Path(text), None, None, None
    # the longest part before a ":" that is a file ("lib.rs:Version::parse"), else the part before the last ":"
    path, where = next(((text[:i], text[i + 1:]) for i in range(len(text) - 1, 0, -1)
                        if text[i] == ":" and Path(text[:i]).is_file()), text.rpartition(":")[::2])
    column = None
    if placed := re.fullmatch(r"(\d+):(\d+)", where):  # `index.js:11:29`, pasted from a trace
        where, column = placed.group(1), int(placed.group(2))
    if not path or where and not (re.fullmatch(r"-?\d+", where) or named_by(where) or is_trait_impl(where)):
        if Path(path).is_file():
            raise ValueError(f"{text}: {where!r} is neither a line number nor a function's name as search takes one "
                             "(parse, Cache.get, Version::parse, Drop for SmallVec)")  # (":3", a missing "D:\\x.py")
        return Path(text), None, None, None
    if not Path(path).exists() and named_by(text):  # `Datetime::from_str`: a name, no file
        raise ValueError(f"{text}: no such file; summarize takes FILE:NAME or FILE:LINE (`leancode search "
                         f"{shlex.quote(text)}` finds where a function of that name is)")
    if not where:  # "file.py:": the whole file
        return Path(path), None, None, None
    if re.fullmatch(r"-?\d+", where):
        if int(where) < 1 or column is not None and column < 1:
            raise ValueError(f"{text}: lines and columns are numbered from 1")
        return Path(path), int(where), None, column
    return Path(path), None, where, None


def _summarize(args: argparse.Namespace) -> int:
    from .function_summary import NO_MODEL, summarize_units
    from .summarizer import BankSummarizer, Summarizer, default_summarizer_dir
    from .summary_bank import DEFAULT_BANK

    wanted, failed = [], 0
    for target in args.targets:  # a target not found is told, and the others are still summarized
        try:
            path, line, name, column = _target(target)
            wanted.append((path, _units_at(path, line, name, args.language, column)))
        except (OSError, ValueError, LookupError) as error:
            if len(args.targets) == 1:
                raise
            print(f"leancode: error: {printable(str(error))}", file=sys.stderr)
            failed += 1
    wanted = [(path, (inheriting_across_files(path, units), siblings)) for path, (units, siblings) in wanted]
    model = args.model or str(default_summarizer_dir())
    generated = args.generated or args.model is not None

    def summaries(summarizer) -> list:
        return [(path, unit, summary) for path, (units, siblings) in wanted for unit, summary in zip(
            units, summarize_units(units, summarizer, args.method, args.ratio,
                                   use_documentation=not args.ignore_docstrings, siblings=siblings,
                                   generated=generated))]

    found, summarizer = summaries(None), None  # the bank (and the model) load only when a function needs them
    if any(summary.source == NO_MODEL for _, _, summary in found):
        bank = None if args.no_bank else DEFAULT_BANK
        summarizer = Summarizer(model, num_beams=args.beams, runtime=args.runtime, bank=bank) if generated \
            else BankSummarizer(bank)  # the model's lines are off: it need not load
        found = summaries(summarizer)
    if args.json:
        print(json.dumps([{"path": str(path), "line": u.start_line + 1, "name": u.qualified_name, "summary": s.text,
                           "source": s.source, "inherited_from": s.inherited_from, "similar_to": s.similar_to,
                           "signature": s.signature,
                           "confidence": s.confidence,
                           "withheld": s.withheld,
                           "threshold": summarizer and summarizer.for_language(u.language).threshold,
                           "method": args.method,
                           "ratio": args.ratio, "model": model} for path, u, s in found], indent=2))
    else:
        for path, unit, s in found:
            print(printable(f"{path}:{unit.start_line + 1} {shown_name(unit.qualified_name, unit.language)}: "
                            f"{s.text or s.signature}")
                  + f" [{s.note}]")
    return 2 if failed else 0


def inheriting_across_files(path: Path, units: list) -> list:
    """`units`, with the descriptions their undocumented methods inherit from supertypes declared in other files of
    the repository, as the hover shows them: those its index (`leancode index`, the nearest `.leancode` above `path`)
    says declare them, or, without one, those Java's file rules and the imports name (`inherited_across_files`), read
    inside the repository (the folder holding `.git` above `path`, else a Java file's source root, else `path`'s
    folder)."""
    import dataclasses

    from . import parse_pool
    from .index_store import INDEX_DIRNAME, declaring_files, read_snapshot
    from .sources import FileSkipped
    from .inherited import inherited_across_files, java_source_root

    if not any(u.docstring is None and u.inherited_doc is None and u.bases for u in units):
        return units
    parents = path.resolve().parents
    root = next((d for d in parents if (d / INDEX_DIRNAME / "snapshot.npz").is_file()), None)
    declaring = {}
    if root is not None:
        try:
            declaring = declaring_files(read_snapshot(root / INDEX_DIRNAME / "snapshot.npz", None)[0].units)
        except Exception as error:  # a damaged snapshot fails in zipfile's, numpy's or json's ways: no lookup
            warnings.warn(f"index {root / INDEX_DIRNAME} not read ({type(error).__name__}: {error}): documentation "
                          "inherited from other files is found by imports only", stacklevel=2)
    here, code = path.resolve(), _read(path)
    if root is None:
        source_root = java_source_root(here, code) if units[0].language == "java" else None
        root = next((d for d in parents if (d / ".git").exists()), source_root or parents[0])

    def files(name: str) -> list[tuple[Path, str]]:
        return [(root / relative, language) for relative, language in declaring.get(name, ())]

    def read(file: Path) -> str:
        try:
            inside = root in file.resolve().parents
        except (OSError, RuntimeError):  # a loop of symlinks
            raise FileSkipped("unresolvable path") from None
        if not inside:  # an import's `../../x`, a link out: never read
            raise FileSkipped("outside the repository")
        text = read_source(file, follow_symlinks=False)
        parse_pool.check(text, language_for_path(file.name) or units[0].language)  # parsed here next (FileSkipped)
        return text

    return [dataclasses.replace(u, inherited_doc=inherited_across_files(u, here, code, files, read))
            if u.docstring is None and u.inherited_doc is None and u.bases else u for u in units]


# A line of a doc comment or comment above a function (`/** ... */`, `///`, `//`, `#`), or a blank one inside it
_COMMENT_LINE = re.compile(r"\s*(?:$|/[*/]|\*|#)")


def _documented_below(code: str, units: list, line: int) -> list:
    """The function whose doc comment (or comment) holds `line` (1-based), where only comment lines lie between."""
    below = [u for u in units if u.start_line >= line]
    if not below:
        return []
    first = min(below, key=lambda u: u.start_line)
    between = code.splitlines()[line - 1:first.start_line]
    return [first] if between and between[0].strip() and all(map(_COMMENT_LINE.match, between)) else []


def _units_at(path: Path, line: int | None, name: str | None, language: str | None,
              column: int | None = None) -> tuple[list, list]:
    """(the units a target names, every unit of its file; at a `column` of the line, the innermost holding it: one
    of several on a minified line); LookupError when it names none."""
    from .function_summary import implementation, stands_for
    from .search import named_by, trait_impl_tiers
    from .units import declarations, name_aliases, overload_stub

    code, language, units = _file_units(path, language)
    siblings = units
    if line is not None:
        around = [u for u in units if u.start_line < line <= u.end_line + 1]
        if column is not None and (lines := code.splitlines(keepends=True)[:line]):
            at = sum(map(len, lines[:-1])) + column - 1  # (before a function's start: the next one on the line)
            around = [u for u in around if u.start <= at < u.end] \
                or sorted((u for u in around if u.start > at), key=lambda u: u.start)[:1] or around
        around = around[-1:]  # the innermost: units come outer first
        # a declaration without a body (an interface's method, an overload signature) the line is in, where no
        # function inside it holds the line (one nested in a function: true-myth's `mapOr.partialOp` signatures)
        declared = declarations(code, language)
        inner = [d for d in declared if d.start_line < line <= d.end_line + 1
                 and not (around and around[0].start > d.start)][-1:]
        units = [stands_for(d, siblings) for d in inner] or around or _documented_below(code, units, line)
        if not units:  # another name bound to a function (`bisect = bisect_right`): that function
            meant = {target for target, row in name_aliases(code, language).values() if row == line - 1}
            units = [u for u in siblings if u.qualified_name in meant]
        if not units:  # a declaration documented below the line
            units = [stands_for(d, siblings) for d in _documented_below(code, declared, line)]
        if not units:
            lines = code.count("\n") + (not code.endswith("\n"))
            past = f" (line {line} is past its end: it has {lines:,} lines)" if line > lines else ""
            raise LookupError(f"no function at {path}:{line}{past}")
    elif name is not None and (tiers := trait_impl_tiers(name, units)) is not None:  # `impl Drop for SmallVec`
        units = [u for u, tier in zip(units, tiers) if tier == 0]
    elif name is not None:
        try:
            units = _named(units, name, path)
            # an `@overload` signature once, as its implementation, where that is named too (it was told per stub)
            units = [u for u in units if not (overload_stub(u) and implementation(u, siblings) in units)]
        except LookupError:  # another name bound to a function, or a declaration's? (the error names the closest)
            written = ".".join(named_by(name) or [name])
            meant = {target for alias, (target, _) in name_aliases(code, language).items()
                     if alias == written or alias.endswith("." + written)}
            units = [u for u in siblings if u.qualified_name in meant]
            if not units:
                found = _named(siblings + declarations(code, language), name, path)
                units = list({id(u): u for d in found if (u := stands_for(d, siblings))}.values())
    else:  # the whole file: its declarations without a body too, but an overload signature that stands for its
        # implementation only once, as that
        units = sorted(units + [d for d in declarations(code, language) if stands_for(d, siblings) is d],
                       key=lambda u: u.start)
    if not units:
        raise LookupError(f"no functions in {path}")
    return units, siblings


def _simplify(args: argparse.Namespace) -> int:
    if args.input and args.file:
        raise ValueError("give a FILE or --input JSONL, not both")
    if args.input:
        if Path(args.input).is_dir():
            raise IsADirectoryError(f"{args.input} is a directory; give a JSONL file (or - for standard input)")
        if args.function:
            raise ValueError("--function picks a function of a FILE; --input simplifies every line's code")
        return _simplify_batch(args)
    if not args.file:
        raise ValueError("give a FILE or --input JSONL")
    if args.output is not None:
        raise ValueError("--output writes what --input JSONL gives; a FILE's functions are printed (redirect them)")
    return _simplify_file(args)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)  # through links and other spellings of a path
    except OSError:  # one of them does not exist (yet)
        return False


def _json_line(record: dict) -> str:
    """`record` as one JSON line, non-ASCII text as itself; where text no UTF-8 can hold is in it (a lone surrogate,
    which a JSON string may spell `\\ud800`), all escaped instead, so the line is written and nothing is lost."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)
    return line + "\n"


def _stdin_bytes():
    """Standard input's lines as bytes (its text lines encoded back where it has no byte stream)."""
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else (line.encode("utf-8", "surrogateescape") for line in sys.stdin)


def _simplify_batch(args: argparse.Namespace) -> int:
    failures = 0
    if args.input != "-" and args.output not in (None, "-") and _same_file(args.input, args.output):
        raise ValueError(f"--output {args.output} is the input file: writing it would empty it first; "
                         "give another file")
    with contextlib.ExitStack() as files:  # closes what it opened, never standard input or output
        # Lines as bytes, each decoded alone: one that is not UTF-8 is that line's error, not the batch's.
        source = _stdin_bytes() if args.input == "-" else files.enter_context(open(args.input, "rb"))
        sink = sys.stdout if args.output in (None, "-") else files.enter_context(
            open(args.output, "w", encoding="utf-8"))
        for number, raw in enumerate(tqdm(source, desc="simplify", unit=" functions", disable=None), 1):
            raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw  # a byte-order mark
            try:
                line, undecodable = raw.decode("utf-8"), None
            except UnicodeDecodeError as error:
                line, undecodable = raw.decode("utf-8", "backslashreplace"), error  # as the error line echoes it
            if not line.strip():
                continue
            record = None
            try:
                if undecodable is not None:
                    with contextlib.suppress(ValueError):  # its idx, where the rest of the line still tells it
                        record = json.loads(raw.decode("utf-8", "replace"))
                    raise ValueError(f"not UTF-8 text ({undecodable.reason} at byte {undecodable.start + 1} of the "
                                     "line)")
                try:
                    record = json.loads(line)
                except ValueError as error:
                    raise ValueError(f"not a JSON line ({error})") from None
                if not isinstance(record, dict):
                    raise ValueError("each line must be a JSON object with 'code' (and 'language', 'idx')")
                if not isinstance(record.get("code"), str):
                    raise ValueError("no 'code' field holding the function's text" if "code" not in record
                                     else f"'code' must be the function's text, not {type(record['code']).__name__}")
                code, language = record["code"], record.get("language") or args.language
                if language is None:
                    raise ValueError("no language: add a 'language' field or pass --language")
                with _parse_warnings_told_with(f"line {number}"):
                    result = _simplify_one(code, language, args)
            except Exception as error:  # one line's failure, whatever it is, is that line's: the batch goes on
                failures += 1
                told = error if isinstance(error, (ValueError, KeyError, TypeError, UnsupportedLanguageError)) \
                    else f"{type(error).__name__}: {error}"
                print(f"leancode: line {number}: {told}; written with an 'error' field and the input line",
                      file=sys.stderr)
                out = {"idx": record.get("idx") if isinstance(record, dict) else None, "line": number,
                       "error": str(told), "input": line.rstrip("\n")}
            else:
                out = {"idx": record.get("idx"), "code": result.code, "tokens": [t.text for t in result.tokens],
                       "kept": result.kept, "model_tokens": result.model_tokens,
                       "model_tokens_kept": result.model_tokens_kept}
            sink.write(_json_line(out))
    if failures:
        print(f"leancode: {failures} line(s) could not be simplified", file=sys.stderr)
    return 1 if failures else 0


def _repository(path: Path, index_dir: str | None) -> tuple[Path, str | None]:
    """(repository root, path inside it to search within) for a search --path."""
    path = path.resolve()
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    start = path if path.is_dir() else path.parent
    if index_dir is None:
        from .index import INDEX_DIRNAME

        candidates = [start, *start.parents]
        root = next((d for d in candidates if (d / INDEX_DIRNAME / "manifest.json").is_file()), None) \
            or next((d for d in candidates if (d / ".git").exists()), start)
    else:
        root = start
    within = path.relative_to(root).as_posix()
    return root, None if within == "." else within


def _as_given(path: Path, root: Path) -> Path:
    """The repository root `root` (resolved) as the user reaches it through `path`, a symlink in it kept (results in
    `link/x.py`, not in where the link points), where `path` leads to it; else `root`."""
    given = Path(os.path.normpath(os.path.join(_shell_cwd(), path)))  # absolute, links kept
    start = given if given.is_dir() else given.parent
    depth = len(start.resolve().relative_to(root).parts)
    reached = start.parents[depth - 1] if depth else start
    return reached if reached.resolve() == root else root


def _shell_cwd() -> str:
    """The working directory as the shell reached it (`$PWD`: through a link, where it did), else the real one."""
    shell = os.environ.get("PWD")
    return shell if shell and os.path.isabs(shell) and os.path.realpath(shell) == os.getcwd() else os.getcwd()


def _shown_path(path) -> str:
    """A result's file relative to the working directory as the shell reached it: a repository reached through a
    link (`_as_given`) is shown from there (`json_formatter.go`, not `../../../../logrus/json_formatter.go`)."""
    return os.path.relpath(path, _shell_cwd())


def _enclosing_index(folder: Path) -> Path | None:
    """The nearest folder above `folder` that holds a repository index."""
    from .index import INDEX_DIRNAME

    return next((d for d in folder.parents if (d / INDEX_DIRNAME / "manifest.json").is_file()), None)


def _open_index(args: argparse.Namespace, root: Path):
    """The repository index, its encoder configured by the options, else as the index was built, else defaults."""
    from .index import INDEX_DIRNAME, RepositoryIndex, read_manifest

    built = read_manifest(Path(args.index_dir) if args.index_dir else root / INDEX_DIRNAME) or {}
    return RepositoryIndex(root, _encoder(args, built), index_dir=args.index_dir)


def _encoder(args: argparse.Namespace, built: dict):
    """The encoder the options ask for, else the one the index (its manifest: `built`) was made by."""
    from .encoder import Encoder
    from .index import built_settings

    settings = built_settings(built)  # checked; the model only ever comes from --model or the default
    for name in ("model", "method", "ratio", "quantize"):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    if settings.get("ratio") == DEFAULT:
        del settings["ratio"]  # the per-language defaults
    encoder = Encoder(threads=args.threads, backend=args.backend, table=args.table, **settings)
    made_by = built.get("model_path")
    if args.model is None and isinstance(made_by, str) and made_by != str(getattr(encoder, "path", "")):
        print(f"leancode: the index was built with the model {printable(made_by[:300])}; a model is never taken "
              "from the index directory: pass --model to use it", file=sys.stderr)
    if args.table is None and isinstance(built.get("table"), str):  # data, but chosen by the user alike
        print(f"leancode: the index was built with the importance table {printable(built['table'][:300])}; a table "
              "is never taken from the index directory: pass --table to use it", file=sys.stderr)
    return encoder


def _scale_index_dir(args: argparse.Namespace, root: Path) -> tuple[Path | None, dict]:
    """(the index directory when it holds, or is to hold, a lance index, else None; its manifest)."""
    from .index import INDEX_DIRNAME, read_manifest

    index_dir = Path(args.index_dir) if args.index_dir else root / INDEX_DIRNAME
    built = read_manifest(index_dir) or {}
    if getattr(args, "engine", None) == "ray" and args.store == "embedded":
        raise ValueError("--engine ray writes to the lance store: leave out --store embedded (or --engine ray)")
    store = getattr(args, "store", None) or ("lance" if getattr(args, "engine", None) == "ray" else None)
    lance = built.get("store") == "lance" or (index_dir / "db").is_dir()  # db/: lance's, though its manifest be lost
    if store == "embedded" and lance:
        raise ValueError(f"{index_dir} holds a lance index; use another --index-dir for the embedded store")
    if lance and not args.index_dir:  # a repository's own index directory (SECURITY.md): it may name only itself
        named = built.get("repositories") or {}
        outside = [str(p) for p in (named.values() if isinstance(named, dict) else [named]) if not _inside(root, p)]
        if outside:
            raise ValueError(f"{printable(str(index_dir))} holds a lance index of repositories outside "
                             f"{printable(str(root))} ({printable(', '.join(outside[:3]))}); an index inside a "
                             "repository may hold only that repository: pass --index-dir for a shared one")
    return (index_dir if store == "lance" or store is None and lance else None), built


def _inside(root: Path, path) -> bool:
    """Whether a path an index names (any JSON value) is `root` or under it."""
    try:
        return isinstance(path, str) and Path(root, path).resolve().is_relative_to(root)
    except (OSError, ValueError):  # a NUL byte, a loop of links
        return False


def _index(args: argparse.Namespace) -> int:
    from .index import NAMED_SKIPS
    from .walk import VENDORED

    root = Path(args.path[0] if args.path else ".")
    scale_dir, built = _scale_index_dir(args, root.resolve())
    if scale_dir is not None:  # the lance store: one or many repositories, local or Ray engine
        from .scale.commands import index_command

        return index_command(args, _encoder(args, built), scale_dir)
    if len(args.path) > 1:
        raise ValueError("several repositories need --store lance (or --engine ray) and --index-dir DIR; "
                         "or index each on its own: leancode index REPO")
    if not root.exists():
        raise FileNotFoundError(f"{root} does not exist")
    if not root.is_dir():
        raise NotADirectoryError(f"{root} is not a directory")
    index = None
    enclosing = None if args.index_dir else _enclosing_index(root.resolve())
    if enclosing is not None:  # one index per repository, as `leancode search` finds it from any folder inside
        outer = _open_index(args, enclosing)
        stats = _update(outer, progress=True)
        within = root.resolve().relative_to(enclosing).parts
        if not any(Path(path).parts == within[:len(Path(path).parts)] for path, _ in stats.skipped_paths):
            print(f"leancode: {root} is inside the repository indexed at {enclosing}: updated that index "
                  "(--index-dir DIR to index this folder on its own)", file=sys.stderr)
            index = outer
    if index is None:  # no index around it, or one that leaves this folder out (ignored, vendored)
        index = _open_index(args, root)
        stats = _update(index, progress=True)
    # Files a user may not expect to be left out, by name (ignored and vendored ones only counted), and those taken
    # for generated code, which a .leancodeignore negation brings back.
    unexpected = [{"path": path, "reason": reason} for path, reason in stats.skipped_paths if reason in NAMED_SKIPS]
    generated = [path for path, reason in stats.skipped_paths if reason == "generated"]
    vendored = [path for path, reason in stats.skipped_paths if reason == VENDORED]
    if args.json:
        print(json.dumps({**stats.as_json(), "skipped_files": unexpected, "generated_files": generated,
                          "vendored_dirs": vendored, "index_dir": str(index.index_dir)}, indent=2))
        return 0
    skipped = stats.skipped_told()
    print(f"leancode: indexed {_counted(stats.units, 'function')} in {_counted(stats.files, 'file')} "
          f"({stats.embedded} embedded, {stats.reused} reused; {_counted(stats.files_parsed, 'file')} parsed"
          + (f", {stats.syntax_errors} with syntax errors" if stats.syntax_errors else "") + ") "
          f"in {stats.seconds:.1f} s; skipped: {skipped}; index: {index.index_dir}")
    if unexpected:
        named = ", ".join(f"{s['path']} ({s['reason']})" for s in unexpected[:10])
        more = f", and {len(unexpected) - 10} more (--json lists all)" if len(unexpected) > 10 else ""
        print(f"leancode: files skipped: {named}{more}", file=sys.stderr)
    if vendored:  # named, so that a user sees `dist/` was left out on purpose
        more = f", and {len(vendored) - 5} more (--json lists all)" if len(vendored) > 5 else ""
        print(f"leancode: taken for vendored or build directories: {', '.join(vendored[:5])}{more}; to index one, "
              f"add a negation such as `!{vendored[0]}` to {index.root / '.leancodeignore'}", file=sys.stderr)
    if generated:
        more = f", and {len(generated) - 5} more (--json lists all)" if len(generated) > 5 else ""
        print(f"leancode: taken for generated or minified code: {', '.join(generated[:5])}{more}; to index one, "
              f"add a negation such as `!{generated[0]}` to {index.root / '.leancodeignore'}", file=sys.stderr)
    return 0


def _counted(n: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{n} {noun}{'s' * (n != 1)}"


WRITABLE_HINT = "--index-dir DIR keeps the index on a writable disk"


def _update(index, **options):
    """`index.update(**options)`; where the index cannot be written, the error says how to keep it elsewhere."""
    from .index import IndexNotWritable

    try:
        return index.update(**options)
    except IndexNotWritable as error:
        raise IndexNotWritable(f"{error}: {WRITABLE_HINT}") from error


def _search(args: argparse.Namespace) -> int:
    if args.where is not None:  # `leancode search QUERY PATH`, as `leancode index PATH` takes it
        if args.path != ".":
            raise ValueError(f"two places to search ({args.where} and --path {args.path}): give one")
        args.path = args.where
    if args.top < 1:
        raise ValueError("--top must be at least 1")
    if not args.query.strip():
        raise ValueError("the query is empty: say what the function does, or name it")
    if not Path(args.path).exists() and Path(args.query).is_dir():  # `leancode search PATH QUERY`
        raise FileNotFoundError(f"{Path(args.path).resolve()} does not exist (the query comes first: leancode "
                                f"search {shlex.quote(args.path)} {shlex.quote(args.query)})")
    root, within = _repository(Path(args.path), args.index_dir)
    if within and args.path == ".":  # run from inside the repository: as `git grep`, this folder only, said once
        print(f"leancode: searching {printable(within)}/ only (--path {printable(os.path.relpath(root))} for the "
              "whole repository)", file=sys.stderr)
    scale_dir, built = _scale_index_dir(args, root)
    if scale_dir is not None:  # a lance index (several repositories): searched as it is, not updated here
        from .scale.commands import search_command

        if args.update:
            raise ValueError(f"{scale_dir} is a lance index: `leancode index --store lance --index-dir {scale_dir} "
                             "...` brings it up to date; search it with the default (or --no-update)")
        hits, file_of = search_command(args, _encoder(args, built), scale_dir, Path(args.path).resolve())
        indexed, where = None, f" in {args.repo}" if args.repo else ""
    else:
        if args.repo is not None:
            raise ValueError(f"--repo picks one repository of an index of several (leancode index --store lance); to "
                             f"search one repository, name its folder: leancode search QUERY {printable(args.repo)}")
        hits, indexed = _search_repository(args, root, within)
        shown = _as_given(Path(args.path), root)
        file_of, where = (lambda unit: shown / unit.path), f" under {within}" if within else ""
    _show_hits(hits, file_of, indexed, args.json)
    if not hits:
        print("leancode: no functions indexed" + where, file=sys.stderr)
    return 0


def _search_repository(args: argparse.Namespace, root: Path, within: str | None) -> tuple[list, float | None]:
    """(hits of the repository's index, brought up to date unless --no-update; the time the index was written when
    --no-update, else None)."""
    from .index import IndexNotWritable, written_at
    from .search import search

    index = _open_index(args, root)
    if not index.load():
        if args.update is False and index.updating_elsewhere():
            raise LookupError(f"the index of {root} is being built by another process: search again when it is "
                              "done, or without --no-update to wait for it")
        if args.update is False:
            raise LookupError(f"no {'usable ' if index.unusable else ''}index of {root} (--no-update): search "
                              f"without --no-update to index it first, or run `leancode index {root}` first with "
                              "this search's index and encoder options (--index-dir, --model, --backend, ...)")
        if index.unusable is None:  # else the warning said why it is rebuilt
            print(f"leancode: no index of {root} yet: indexing it first (once; later searches update it)",
                  file=sys.stderr)
        _update(index, progress=not args.json)
    elif args.update is not False:
        try:
            index.update(progress=not args.json)
        except IndexNotWritable as error:  # a read-only checkout: its index is searched as it was written
            print(f"leancode: {printable(str(error))}: searching it as it was last written ({WRITABLE_HINT})",
                  file=sys.stderr)
            args.update = False
    hits = search(index, args.query, top=args.top, hybrid=args.hybrid, within=within,
                  include_tests=args.include_tests)
    # With --no-update a file may have changed since the index was written (after an update, only deleted since).
    return hits, written_at(index.snapshot_path) if args.update is False else None


SHOWN_COPIES = 3  # copies of a hit named on its line
_FILLER_MARKS = {"empty": " (does nothing)", "abstract": " (abstract)", "unimplemented": " (not implemented)"}


def _show_hits(hits: list, file_of, indexed: float | None, as_json: bool) -> None:
    """Print search hits, a line each (copies and overloads folded in, files deleted or changed since indexing
    marked) or as JSON; `file_of(unit)`: its file. A lance index's units name their repository."""
    from .index import since_indexing
    from .search import does_nothing, standard_method

    stale = [since_indexing(file_of(hit.unit), indexed, hit.unit) for hit in hits]
    if as_json:
        print(json.dumps([{**_with_repositories(hit, hit.as_json()), "file": str(file_of(hit.unit)),
                           "stale": gone or False} for hit, gone in zip(hits, stale)], indent=2))
        return
    dim, reset = (DIM, RESET) if sys.stdout.isatty() else ("", "")
    for hit, gone in zip(hits, stale):
        where = printable(f"{_shown_path(file_of(hit.unit))}:{hit.unit.start_line + 1}")
        deleted = f" (file {gone} since indexing)" if gone else ""
        copies = ", ".join(printable(f"{_shown_path(file_of(c))}:{c.start_line + 1}"
                           + (f" {shown_name(c.qualified_name, c.language)}"
                              if c.qualified_name != hit.unit.qualified_name else ""))
                           for c in hit.copies[:SHOWN_COPIES])  # the same code may be another type's method
        if len(hit.copies) > SHOWN_COPIES:  # a helper bundled into every locale file: the line stays a line
            copies += f" and {len(hit.copies) - SHOWN_COPIES} more (--json lists all)"
        overloads = len(hit.overloads)
        name = printable(shown_name(hit.unit.qualified_name, hit.unit.language))
        # Why a row stands above higher scores, or below lower ones: the query names it or its code holds the query's
        # text, or it is an example, a test,
        # a function that does nothing, a constructor or a standard method.
        why = (" (named by the query)" if hit.tier < 2 else " (holds the query's text)" if hit.quoted
               else " (example)" if hit.example
               else " (test)" if hit.test else _FILLER_MARKS.get(does_nothing(hit.unit), "")
               or (f" ({kind})" if (kind := standard_method(hit.unit)) else "")
               or (" (type stub)" if hit.unit.path.endswith(".pyi") else ""))
        print(f"{hit.score:.3f}  {where}  {name}{why}{deleted}  "
              f"{dim}{printable(hit.unit.preview)}{reset}"
              + (f"  (+{overloads} overload{'s' * (overloads > 1)})" if overloads else "")
              + (f"  (also at: {copies})" if copies else ""))


def _with_repositories(hit, fields: dict) -> dict:
    """A hit's JSON `fields`, and for a lance index's hit its repository and each copy's (the same code may be in
    another repository)."""
    if getattr(hit.unit, "repo", None) is None:
        return fields
    return {**fields, "repo": hit.unit.repo,
            "also_at": [{**also, "repo": copy.repo} for also, copy in zip(fields["also_at"], hit.copies)]}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    show_own_warnings("leancode")
    commands = {"simplify": _simplify, "index": _index, "search": _search, "summarize": _summarize}
    try:
        code = commands[args.command](args)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here, not at interpreter exit
        return code
    except BrokenPipeError:  # the reader went away (`leancode search ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # an index resumes from what it saved; no traceback for a Ctrl-C
        print("leancode: interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError, LookupError) as error:
        print(f"leancode: error: {printable(str(error))}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: one line for the user, the traceback only when asked for
        if os.environ.get("LEANCODE_DEBUG"):
            raise
        print(f"leancode: internal error: {type(error).__name__}: {printable(str(error))} "
              "(LEANCODE_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1

if __name__ == "__main__":
    sys.exit(main())
