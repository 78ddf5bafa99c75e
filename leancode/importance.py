"""Importance tables: the mean attention a model's task pays to a token, per statement category.

A table is a directory holding `table.json` and `manifest.json` (what made it:
model, corpus, method, date, command). Lookups back off for tokens never seen:
(category, token) -> (category, token kind) -> category -> global, with the token's
own mean shrunk towards its backoff by its count. The same table serves the
category-local lookup (LeanCode) and the global one (the paper's ablation, and
DietCode's token scores).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .categories import StatementCategory
from .languages import spec_for
from .tokens import Token

FORMAT = "leancode-importance/1"
TABLES_DIR = Path(__file__).parent / "tables"
# Pseudo-count pulling a rare token's mean towards its backoff.
SHRINKAGE = 2.0
# Memoised local scores kept at most (a workspace with many distinct identifiers clears and refills it).
LOCAL_MEMO_SIZE = 200_000


class _Mean:
    __slots__ = ("total", "count")

    def __init__(self, total: float = 0.0, count: int = 0):
        self.total, self.count = total, count

    def add(self, value: float) -> None:
        self.total += value
        self.count += 1

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def to_json(self) -> list:
        return [round(self.mean, 6), self.count]


def _shrunk(stat: tuple[float, int] | None, backoff: float) -> float:
    if stat is None:
        return backoff
    mean, count = stat
    return (mean * count + backoff * SHRINKAGE) / (count + SHRINKAGE)


@dataclass
class ImportanceTable:
    """Mean score per (category, token) and per token, with counts and backoffs."""

    by_category_token: dict[tuple[str, str], tuple[float, int]]
    by_category_kind: dict[tuple[str, str], tuple[float, int]]
    by_category: dict[str, tuple[float, int]]
    by_token: dict[str, tuple[float, int]]
    by_kind: dict[str, tuple[float, int]]
    overall: tuple[float, int]
    low_rated: frozenset[str] = frozenset()
    manifest: dict = field(default_factory=dict)
    # LeanCode removes the function's header (SIGNATURE tokens) only after its body: chosen per language by
    # measurement (Go, where doc comments open with the function's name; BENCHMARKS.md, "Go: the header last").
    header_last: bool = False
    # LeanCode never removes a statement's last token while others remain (no statement vanishes whole); off where
    # measured better at 0.5 (JavaScript, TypeScript, Java, Rust: BENCHMARKS.md, "Statements that may vanish").
    keep_statements: bool = True
    # local_score by (category, kind, text): tokens repeat across a codebase; the table never changes once built
    _local_scores: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # Lookups -----------------------------------------------------------------------------------
    def category_score(self, category: StatementCategory | str) -> float:
        stat = self.by_category.get(str(category))
        return stat[0] if stat else self.overall[0]

    def global_score(self, token: Token) -> float:
        """Category-free mean of the token (DietCode's token attention; the ablation)."""
        kind = self.by_kind.get(token.kind)
        return _shrunk(self.by_token.get(token.text), kind[0] if kind else self.overall[0])

    def local_score(self, token: Token) -> float:
        """Mean of the token within its statement category (LeanCode)."""
        category = str(token.category)
        kind = self.by_category_kind.get((category, token.kind))
        backoff = kind[0] if kind else self.category_score(category)
        return _shrunk(self.by_category_token.get((category, token.text)), backoff)

    def scores(self, tokens: list[Token], local: bool = True) -> list[float]:
        if not local:
            return [self.global_score(t) for t in tokens]
        memo = self._local_scores
        if len(memo) > LOCAL_MEMO_SIZE:
            memo.clear()
        out = []
        for token in tokens:
            key = (token.category, token.kind, token.text)
            score = memo.get(key)
            if score is None:
                score = memo[key] = self.local_score(token)
            out.append(score)
        return out

    # Persistence -------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        body = {
            "format": FORMAT,
            "overall": list(self.overall),
            "categories": {k: list(v) for k, v in sorted(self.by_category.items())},
            "kinds": {k: list(v) for k, v in sorted(self.by_kind.items())},
            "category_kinds": [[c, k, *v] for (c, k), v in sorted(self.by_category_kind.items())],
            "tokens": [[t, *v] for t, v in sorted(self.by_token.items())],
            "category_tokens": [[c, t, *v] for (c, t), v in sorted(self.by_category_token.items())],
            "low_rated": sorted(self.low_rated),
        }
        if self.header_last:
            body["header_last"] = True
        if not self.keep_statements:
            body["keep_statements"] = False
        (directory / "table.json").write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
        (directory / "manifest.json").write_text(json.dumps(self.manifest, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "ImportanceTable":
        directory = Path(directory)
        try:
            body = json.loads((directory / "table.json").read_text())
            manifest_path = directory / "manifest.json"
            manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        except (OSError, ValueError) as error:
            raise ValueError(f"cannot read importance table at {directory}: {error}") from error
        if body.get("format") != FORMAT:
            raise ValueError(f"{directory}/table.json is not a {FORMAT} table")
        return cls(
            by_category_token={(c, t): (m, n) for c, t, m, n in body["category_tokens"]},
            by_category_kind={(c, k): (m, n) for c, k, m, n in body["category_kinds"]},
            by_category={c: tuple(v) for c, v in body["categories"].items()},
            by_token={t: (m, n) for t, m, n in body["tokens"]},
            by_kind={k: tuple(v) for k, v in body["kinds"].items()},
            overall=tuple(body["overall"]),
            low_rated=frozenset(body.get("low_rated", ())),
            manifest=manifest,
            header_last=body.get("header_last") is True,
            keep_statements=body.get("keep_statements") is not False,
        )


class TableBuilder:
    """Accumulates per-token scores over a corpus into an `ImportanceTable`."""

    def __init__(self):
        self.category_token: dict[tuple[str, str], _Mean] = defaultdict(_Mean)
        self.category_kind: dict[tuple[str, str], _Mean] = defaultdict(_Mean)
        self.category: dict[str, _Mean] = defaultdict(_Mean)
        self.token: dict[str, _Mean] = defaultdict(_Mean)
        self.kind: dict[str, _Mean] = defaultdict(_Mean)
        self.overall = _Mean()
        self.functions = 0

    def add(self, tokens: list[Token], scores: list[float | None]) -> None:
        """Add one function's tokens with their scores (None: not scored, e.g. truncated away)."""
        self.functions += 1
        for token, score in zip(tokens, scores):
            if score is None:
                continue
            category = str(token.category)
            self.category_token[category, token.text].add(score)
            self.category_kind[category, token.kind].add(score)
            self.category[category].add(score)
            self.token[token.text].add(score)
            self.kind[token.kind].add(score)
            self.overall.add(score)

    def build(self, manifest: dict, min_count: int = 3, low_rated_fraction: float = 0.1) -> ImportanceTable:
        """The table, keeping tokens seen at least `min_count` times (rarer ones use the backoff).

        The low-rated list (DietCode) holds the lowest-scoring `low_rated_fraction` of frequent tokens.
        """
        def freeze(stats: dict) -> dict:
            return {k: (round(v.mean, 6), v.count) for k, v in stats.items() if v.count >= min_count}

        tokens = freeze(self.token)
        frequent = sorted((v[0], t) for t, v in tokens.items() if v[1] >= 10 * min_count)
        low_rated = frozenset(t for _, t in frequent[: int(len(frequent) * low_rated_fraction)])
        manifest = {**manifest, "functions": self.functions, "scored_tokens": self.overall.count}
        return ImportanceTable(
            by_category_token=freeze(self.category_token),
            by_category_kind={k: (round(v.mean, 6), v.count) for k, v in self.category_kind.items()},
            by_category={k: (round(v.mean, 6), v.count) for k, v in self.category.items()},
            by_token=tokens,
            by_kind={k: (round(v.mean, 6), v.count) for k, v in self.kind.items()},
            overall=(round(self.overall.mean, 6), self.overall.count),
            low_rated=low_rated,
            manifest=manifest,
        )


TASKS = ("search", "summarize")


def default_table_dir(language: str, task: str = "search") -> Path:
    spec = spec_for(language)
    return TABLES_DIR / f"{spec.read_as or spec.name}-{task}"


def _shipped_table_dir(language: str, task: str) -> Path:
    """The directory `default_table(language, task)` reads: the task's own table, else the search one."""
    directory = default_table_dir(language, task)
    return directory if (directory / "table.json").exists() else default_table_dir(language, "search")


def table_digest(language: str, task: str = "search") -> str:
    """A hash of the shipped table `default_table(language, task)` reads: what it was measured with."""
    return hashlib.sha256((_shipped_table_dir(language, task) / "table.json").read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=32)
def default_table(language: str, task: str = "search") -> ImportanceTable:
    """The shipped table for the packaged MiniLM; a task without its own table uses the search one's scores, in the
    plain removal order (the search table's `header_last` and `keep_statements` were measured for search)."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    directory = _shipped_table_dir(language, task)
    if not (directory / "table.json").exists():
        raise FileNotFoundError(f"no importance table shipped for {language}; build one with leancode-train importance")
    table = ImportanceTable.load(directory)
    if directory != default_table_dir(language, task):
        table = replace(table, header_last=False, keep_statements=True)
    return table
