"""`leancode` command line: simplify code (more commands join as the product grows)."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from tqdm import tqdm

from .languages import LANGUAGES, UnsupportedLanguageError, language_for_path
from .simplify import METHODS, Simplified, simplify
from .units import extract_units

DIM, RESET = "\x1b[2m", "\x1b[0m"


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"ratio must be between 0 and 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leancode", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    simp = commands.add_parser("simplify", help="remove the tokens a model needs least",
                               description="Simplify the functions of FILE, or a JSONL data set with --input.")
    simp.add_argument("file", nargs="?", help="source file (language from its extension unless --language)")
    simp.add_argument("--function", help="only the function or method with this (qualified) name")
    amount = simp.add_mutually_exclusive_group()
    amount.add_argument("--ratio", type=_ratio, default=0.5, help="fraction of model tokens to remove (0.5)")
    amount.add_argument("--budget", type=int, help="keep at most this many model tokens per function")
    simp.add_argument("--method", choices=METHODS, default="leancode")
    simp.add_argument("--task", choices=("search", "summarize"), default="search",
                      help="whose attention decides importance (default: search)")
    simp.add_argument("--language", choices=sorted(LANGUAGES), help="override the language")
    simp.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="show removed tokens dimmed instead of hiding them (auto: on a terminal)")
    simp.add_argument("--input", help="batch mode: JSONL with idx, code, language per line")
    simp.add_argument("--output", help="batch mode: JSONL to write (default: standard output)")
    simp.add_argument("--seed", type=int, default=0, help="seed of the random method")
    return parser


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
    language = args.language or language_for_path(path.name)
    if language is None:
        raise UnsupportedLanguageError(
            f"cannot tell the language of {path.name}; pass --language (one of {', '.join(sorted(LANGUAGES))})")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise ValueError(f"{path} looks like a binary file")
    code = data.decode("utf-8", errors="replace")
    units = extract_units(code, language)
    if args.function:
        units = [u for u in units if args.function in (u.name, u.qualified_name)]
        if not units:
            raise LookupError(f"no function named {args.function!r} in {path}")
    color = args.color == "always" or args.color == "auto" and sys.stdout.isatty()
    snippets = [(f"{path}:{u.start_line + 1} {u.qualified_name}", u.code) for u in units] or [(str(path), code)]
    for header, snippet in snippets:
        result = simplify(snippet, language, ratio=None if args.budget is not None else args.ratio,
                          budget=args.budget, method=args.method, task=args.task, seed=args.seed)
        note = f"# {header}: {result.model_tokens} -> {result.model_tokens_kept} model tokens"
        print(f"{DIM}{note}{RESET}" if color else note)
        print(_dimmed(snippet, result) if color else result.code)
        print()
    return 0


def _simplify_batch(args: argparse.Namespace) -> int:
    source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    sink = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    failures = 0
    with source, sink:
        for number, line in enumerate(tqdm(source, desc="simplify", unit=" functions", disable=None), 1):
            if not line.strip():
                continue
            record = None
            try:
                record = json.loads(line)
                code, language = record["code"], record.get("language") or args.language
                if language is None:
                    raise ValueError("no language: add a 'language' field or pass --language")
                result = simplify(code, language, ratio=None if args.budget is not None else args.ratio,
                                  budget=args.budget, method=args.method, task=args.task, seed=args.seed)
            except (ValueError, KeyError, TypeError, UnsupportedLanguageError) as error:
                failures += 1
                print(f"leancode: line {number}: {error!r}; written with an 'error' field and the input line",
                      file=sys.stderr)
                out = {"idx": record.get("idx") if isinstance(record, dict) else None, "line": number,
                       "error": str(error), "input": line.rstrip("\n")}
            else:
                out = {"idx": record.get("idx"), "code": result.code, "tokens": [t.text for t in result.tokens],
                       "kept": result.kept, "model_tokens": result.model_tokens,
                       "model_tokens_kept": result.model_tokens_kept}
            sink.write(json.dumps(out, ensure_ascii=False) + "\n")
    if failures:
        print(f"leancode: {failures} line(s) could not be simplified", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.simplefilter("once")
    warnings.formatwarning = lambda message, category, *rest: f"leancode: warning: {message}\n"
    try:
        if args.command == "simplify":
            if args.input:
                return _simplify_batch(args)
            if not args.file:
                raise ValueError("give a FILE or --input JSONL")
            return _simplify_file(args)
    except (OSError, ValueError, LookupError) as error:
        print(f"leancode: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
