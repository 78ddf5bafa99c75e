"""The simplifiers: remove the tokens a model needs least, to a ratio or a token budget.

Every method only decides an *order* of removal; one shared routine then removes
whole lexical tokens in that order until at least round(ratio x n) of the unit's n
model pieces are gone (or until at most `budget` pieces remain). So all methods
compare at equal model cost, overshooting by at most the last token's pieces.

Methods:
- leancode: lowest category-local importance first, token by token, from a heap;
  where the table says `keep_statements` (Python's and Go's search tables, every
  summary table), the last token of a statement is never removed while others
  remain, so whole statements are never dropped; where it says `header_last` (Go's
  search table), the header's tokens go only after the body's. Each further occurrence of a token's text in the
  unit scores `repeat_discount` of the previous one (REPEAT_DISCOUNT; 1 is the paper's
  plain order): mean pooling and cross-attention read repeated occurrences as near
  copies, so copies go before distinct tokens of the same score.
- leancode-global: the same with category-free (global) averages: the paper's ablation.
- dietcode: 0-1 knapsack over statements (value 0.7 x category mean + 0.3 x mean token
  score, weight = pieces) picks what to keep; dropped statements go first (least
  valuable first), then tokens on the low-rated word list, then the rest by score.
- slimcode: model-agnostic, 8 levels removed level by level, each from the end backwards.
- random, truncate (drop from the end), none (identity).
"""

from __future__ import annotations

import argparse
import functools
import heapq
import random
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np

from .categories import STRUCTURE, StatementCategory
from .importance import ImportanceTable, default_table
from .model_tokens import PieceCounter, piece_counter
from .tokens import COMMENT, IDENTIFIER, OPERATOR, Token, lex

C = StatementCategory
METHODS = ("leancode", "leancode-global", "dietcode", "slimcode", "random", "truncate", "none")
REPEATING_METHODS = ("leancode", "leancode-global")  # the methods `repeat_discount` applies to
# Measured on CoSQA dev (BENCHMARKS.md): leancode@0.5 MRR 0.4164 with 1, 0.435-0.440 with 0 to 0.65.
REPEAT_DISCOUNT = 0.5


@dataclass(frozen=True)
class Simplified:
    code: str  # the simplified text
    tokens: list[Token]  # every lexical token of the input, in order
    kept: list[int]  # indices into `tokens` of the kept ones, ascending
    pieces: list[int]  # model pieces per token
    model_tokens: int  # model pieces before
    model_tokens_kept: int  # model pieces after


def add_repeat_discount_option(parser: argparse.ArgumentParser) -> None:
    """`--repeat-discount`, one definition for every command that simplifies."""
    def discount(text: str) -> float:
        value = float(text)
        if not 0 <= value <= 1:
            raise argparse.ArgumentTypeError(f"repeat discount must be between 0 and 1, got {text}")
        return value

    parser.add_argument("--repeat-discount", type=discount, default=REPEAT_DISCOUNT, metavar="DISCOUNT",
                        help="the k-th repeat of a token's text in a unit scores DISCOUNT**k of its score (leancode, "
                             "leancode-global; 1: the paper's plain order; default %(default)s)")


def check_settings(method: str, ratio: float | None, repeat_discount: float = REPEAT_DISCOUNT) -> None:
    """A clear ValueError for an unknown method, or a ratio or repeat discount outside [0, 1] (None: no ratio)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; methods: {', '.join(METHODS)}")
    if ratio is not None and not 0 <= ratio <= 1:
        raise ValueError(f"ratio must be between 0 and 1, got {ratio}")
    if not 0 <= repeat_discount <= 1:
        raise ValueError(f"repeat discount must be between 0 and 1, got {repeat_discount}")


def simplify(
    code: str,
    language: str,
    ratio: float | None = None,
    budget: int | None = None,
    method: str = "leancode",
    task: str = "search",
    table: ImportanceTable | None = None,
    counter: PieceCounter | None = None,
    seed: int = 0,
    repeat_discount: float = REPEAT_DISCOUNT,
    window: int | None = None,
) -> Simplified:
    """Simplify `code` by removing `ratio` of its model tokens, or down to `budget` model tokens. `window`: the
    model reads at most this many pieces, so `ratio` removes that share of what it would read: a longer unit keeps
    at most round((1 - ratio) x window) pieces, chosen from the whole unit."""
    check_settings(method, ratio, repeat_discount)
    if ratio is not None and budget is not None:
        raise ValueError("give ratio or budget, not both")
    if budget is not None and budget < 0:
        raise ValueError(f"budget must be a non-negative number of model tokens, got {budget}")
    tokens = lex(code, language)
    pieces = (counter or piece_counter()).counts([t.text for t in tokens])
    total = sum(pieces)
    if method == "none":
        target = 0
    elif budget is not None:
        target = max(0, total - budget)
    else:
        target = round((ratio or 0) * total)
        if window is not None and ratio and total > window:
            target = max(target, total - round((1 - ratio) * window))

    removed: set[int] = set()
    gone = 0
    if target > 0:
        if table is None and method in ("leancode", "leancode-global", "dietcode"):
            table = default_table(language, task)
        for index in removal_order(method, tokens, pieces, table, seed, code, target, repeat_discount):
            if gone >= target:
                break
            removed.add(index)
            gone += pieces[index]
    kept = [i for i in range(len(tokens)) if i not in removed]
    return Simplified(render(code, tokens, kept), tokens, kept, pieces, total, total - gone)


def simplified_for_search(items: list[tuple[str, str, float, str | None]], method: str, repeat_discount: float,
                          window: int | None) -> list[Simplified]:
    """Each (code, language, ratio, importance table directory or None: the shipped one) simplified as search reads
    it: the one place `Encoder.simplify` and the parse workers (`simplified_codes`) both go through."""
    counter = piece_counter()
    return [simplify(code, language, ratio=ratio, method=method, task="search",
                     table=None if table is None else _table_at(table), counter=counter,
                     repeat_discount=repeat_discount, window=window)
            for code, language, ratio, table in items]


def simplified_codes(items: list[tuple[str, str, float, str | None]], method: str, repeat_discount: float,
                     window: int | None) -> list[str]:
    """`simplified_for_search`'s code alone: what a parse worker returns (`parse_pool.submit_simplify`)."""
    return [s.code for s in simplified_for_search(items, method, repeat_discount, window)]


@functools.lru_cache(maxsize=8)
def _table_at(directory: str) -> ImportanceTable:
    return ImportanceTable.load(directory)


def removal_order(method: str, tokens: list[Token], pieces: list[int], table: ImportanceTable | None,
                  seed: int, code: str, target: int, repeat_discount: float = REPEAT_DISCOUNT) -> Iterable[int]:
    """Token indices in the order `method` removes them (lazily, for the heap-based methods)."""
    if method in REPEATING_METHODS:
        scores = table.scores(tokens, local=method == "leancode")
        last = [t.category == C.SIGNATURE for t in tokens] if table.header_last else None
        return _greedy(tokens, _discount_repeats(tokens, scores, repeat_discount), last, table.keep_statements)
    if method == "dietcode":
        return _dietcode(tokens, pieces, table, target)
    if method == "slimcode":
        return sorted(range(len(tokens)), key=lambda i: (_slimcode_level(tokens[i]), -i))
    if method == "random":
        order = list(range(len(tokens)))
        random.Random(seed ^ zlib.crc32(code.encode("utf-8", "surrogatepass"))).shuffle(order)
        return order
    if method == "truncate":
        return range(len(tokens) - 1, -1, -1)
    return ()


def _discount_repeats(tokens: list[Token], scores: list[float], discount: float) -> list[float]:
    """The k-th repeat of a token's text (k = 0 for its first occurrence) scores discount**k of its score."""
    if discount == 1:
        return scores
    seen: dict[str, int] = {}
    discounted = []
    for token, score in zip(tokens, scores):
        repeats = seen.get(token.text, 0)
        discounted.append(score * discount ** repeats)
        seen[token.text] = repeats + 1
    return discounted


def _greedy(tokens: list[Token], scores: list[float], last: list[bool] | None = None,
            keep_statements: bool = True) -> Iterator[int]:
    """Lowest score first (later tokens first on ties), with `keep_statements` never emptying a statement while
    others remain; the tokens marked `last` only after all others."""
    heap = [(bool(last and last[i]), score, -i) for i, score in enumerate(scores)]
    heapq.heapify(heap)
    left = Counter(t.statement for t in tokens)
    last_of_statement = []
    while heap:
        _, _, negative = heapq.heappop(heap)
        statement = tokens[-negative].statement
        if keep_statements and statement >= 0 and left[statement] == 1:
            last_of_statement.append(-negative)
            continue
        left[statement] -= 1
        yield -negative
    yield from last_of_statement  # only reached when nearly everything must go


def _knapsack(weights: list[int], values: list[float], capacity: int) -> set[int]:
    """Indices of the items maximising total value within `capacity` (0-1 knapsack, numpy DP)."""
    best = np.zeros(capacity + 1)
    took = np.zeros((len(weights), capacity + 1), dtype=bool)
    for item, (weight, value) in enumerate(zip(weights, values)):
        if weight > capacity:
            continue
        candidate = best[: capacity + 1 - weight] + value
        better = candidate > best[weight:]
        took[item, weight:] = better
        best[weight:] = np.where(better, candidate, best[weight:])
    chosen, room = set(), capacity
    for item in range(len(weights) - 1, -1, -1):
        if took[item, room]:
            chosen.add(item)
            room -= weights[item]
    return chosen


def _dietcode(tokens: list[Token], pieces: list[int], table: ImportanceTable, target: int) -> list[int]:
    scores = table.scores(tokens, local=False)
    statements: dict[int, list[int]] = defaultdict(list)
    for i, token in enumerate(tokens):
        statements[token.statement].append(i)
    ids = list(statements)
    weights = [sum(pieces[i] for i in statements[s]) for s in ids]
    values = [
        0.7 * table.category_score(tokens[statements[s][0]].category)
        + 0.3 * sum(scores[i] for i in statements[s]) / len(statements[s])
        for s in ids
    ]
    # The statements worth most that fit in the pieces left after removal; the rest are dropped
    # (the removal routine stops at the target, so the last dropped one may go only in part).
    kept_statements = _knapsack(weights, values, capacity=max(0, sum(pieces) - target))
    dropped = sorted((i for i in range(len(ids)) if i not in kept_statements), key=lambda k: values[k])
    order = [i for k in dropped for i in reversed(statements[ids[k]])]
    rest = sorted((i for k in kept_statements for i in statements[ids[k]]),
                  key=lambda i: (tokens[i].text not in table.low_rated, scores[i], -i))
    return order + rest


def _slimcode_level(token: Token) -> int:
    """SlimCode's priority (1 removed first): symbols, uncategorised, non-identifiers in structure,
    other non-identifiers (invocations), identifiers elsewhere, in invocations, in structure, signature."""
    if token.category == C.SIGNATURE:
        return 8
    if token.kind == OPERATOR:
        return 1
    if token.category in (C.OTHER, C.ANNOTATION) or token.kind == COMMENT:
        return 2
    structure = token.category in STRUCTURE
    if token.kind != IDENTIFIER:
        return 3 if structure else 4
    if structure:
        return 7
    return 6 if token.in_call else 5


def signature_only(code: str, language: str) -> str:
    """The function's header alone (name, parameters, return type): every token outside it removed."""
    tokens = lex(code, language)
    return render(code, tokens, [i for i, t in enumerate(tokens) if t.category == C.SIGNATURE])


def line_end_of(code: str) -> str:
    """The line end most of `code`'s lines end with: CRLF or LF."""
    return "\r\n" if 2 * code.count("\r\n") > code.count("\n") else "\n"


def render(code: str, tokens: list[Token], kept: list[int]) -> str:
    """The kept tokens in order, keeping the original text between adjacent kept tokens and the line
    structure elsewhere: where tokens were removed, newlines and the next token's indentation stay,
    and a single space separates tokens on one line. Lines end as most of the code's lines end (CRLF or LF)."""
    if len(kept) == len(tokens):
        return code
    line_end = line_end_of(code)
    out: list[str] = []
    previous_end, previous_index = 0, -1
    for index in kept:
        token = tokens[index]
        gap = code[previous_end:token.start]
        if index == previous_index + 1:
            out.append(gap)
        else:
            newlines = code.count("\n", previous_end, token.start)
            if newlines:
                line_start = code.rfind("\n", 0, token.start) + 1
                indent = code[line_start:token.start]
                indent = indent[: len(indent) - len(indent.lstrip())]
                out.append(line_end * newlines + indent)
            elif previous_index >= 0:
                out.append(" ")
        out.append(token.text)
        previous_end, previous_index = token.end, index
    tail = code[previous_end:]
    out.append(tail if previous_index == len(tokens) - 1 else line_end * tail.count("\n") if kept else "")
    return "".join(out)
