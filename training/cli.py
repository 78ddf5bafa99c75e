"""`leancode-train`: building the artifacts LeanCode uses, one subcommand each."""

from __future__ import annotations

import argparse
import shlex
import sys

from .attention import SCORING_METHODS
from .corpus import add_corpus_parser
from .mine import add_mine_parser
from .search_defaults import add_search_defaults_parser
from .search_eval import add_search_eval_parser
from .search_finetune import add_finetune_search_parser
from .search_sets import add_search_sets_parser
from .summarize_calibrate import add_calibrate_parser
from .summary_bank import add_summary_bank_parser
from .summarize_eval import add_summarize_eval_parser
from .summarize_finetune import add_finetune_summarize_parser


def _importance(args: argparse.Namespace) -> int:
    from .importance import build_table

    table = build_table(args.model, args.corpus, args.language, args.method, max_functions=args.max_functions,
                        batch_size=args.batch_size, seed=args.seed, max_length=args.max_length,
                        command=args.command)
    table.header_last = args.header_last
    table.keep_statements = args.keep_statements
    table.save(args.out)
    print(f"{args.out}: {table.manifest['functions']} functions, {table.overall[1]} tokens scored")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="leancode-train", description=__doc__)
    # Each subcommand sets `func(args) -> exit code`.
    commands = top.add_subparsers(dest="subcommand", required=True)

    p = commands.add_parser("importance", help="build an importance table from a model's attention")
    p.add_argument("--model", help="Hugging Face model directory or id (default: the packaged all-MiniLM-L6-v2)")
    p.add_argument("--corpus", action="append", required=True, metavar="DIR|FILE",
                   help="source directory, source file or .jsonl of {code, language[, summary]} (repeatable)")
    p.add_argument("--language", required=True)
    p.add_argument("--method", choices=SCORING_METHODS, required=True,
                   help="dietcode: the CLS signal, used through the table's global lookups")
    p.add_argument("--out", required=True, metavar="DIR", help="directory to write the table to")
    p.add_argument("--max-functions", type=int, metavar="N", help="sample N functions (seeded)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-length", type=int, help="model pieces read per function (default: the model's limit)")
    p.add_argument("--header-last", action="store_true",
                   help="LeanCode removes a function's header only after its body (Go's search table)")
    p.add_argument("--keep-statements", action=argparse.BooleanOptionalAction, default=True,
                   help="LeanCode never removes a statement's last token while others remain (default: yes; "
                        "--no-keep-statements: the JavaScript, TypeScript, Java and Rust search tables)")
    p.set_defaults(func=_importance)

    add_corpus_parser(commands)
    add_mine_parser(commands)
    add_search_sets_parser(commands)
    add_search_defaults_parser(commands)
    evals = commands.add_parser("eval", help="evaluate on a benchmark set").add_subparsers(dest="task", required=True)
    add_search_eval_parser(evals)
    add_summarize_eval_parser(evals)
    finetune = commands.add_parser("finetune", help="fine-tune a model on simplified code")
    tunes = finetune.add_subparsers(dest="task", required=True)
    add_finetune_search_parser(tunes)
    add_finetune_summarize_parser(tunes)
    add_calibrate_parser(commands)
    add_summary_bank_parser(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    command = shlex.join(["leancode-train", *(sys.argv[1:] if argv is None else argv)])
    args = parser().parse_args(argv)
    args.command = command
    try:
        return args.func(args)
    except (OSError, ValueError) as error:  # missing corpus or model, unknown language, bad input
        print(f"leancode-train: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # no traceback for a Ctrl-C
        print("leancode-train: interrupted (a fine-tune continues from its last checkpoint with --resume; "
              "mine from its cache)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
