"""Mining one unpacked source directory into (code, summary) pairs, and assembling the pairs of many
sources into deduplicated train/valid/test splits (by package).

`mine_source` applies the cleaning rules of `training.cleaning` and labels each kept function with
`leancode.docstrings.first_sentence`; `assemble` drops duplicates and CoSQA overlap across sources.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

from leancode.docstrings import first_sentence
from leancode.sources import MAX_FILE_BYTES
from leancode.units import extract_units

from .cleaning import (Thresholds, bare_code_key, code_key, code_problem, file_problem, summary_problem,
                       unit_problem)

LANGUAGES = ("python", "java", "javascript", "typescript", "go", "rust")
SPLITS = ("train", "valid", "test")
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)
_EXTENSIONS = {"python": (".py",), "java": (".java",), "javascript": (".js", ".mjs", ".cjs", ".jsx"),
               "typescript": (".ts", ".tsx", ".mts", ".cts"), "go": (".go",), "rust": (".rs",)}
_NOT_SOURCE = (".d.ts", ".d.mts", ".d.cts", ".min.js")  # declarations and minified bundles


@dataclass(frozen=True)
class Pair:
    """One kept function: the benchmark fields plus provenance and dedupe keys."""

    code: str
    summary: str
    language: str
    package: str  # the split unit: a package, "stdlib:<module>", "jdk:<package prefix>", "gostd:<path>"
    path: str
    name: str
    key: str  # sha1 of the whitespace-free code
    bare_key: str  # the same without leading decorators/annotations

    def record(self, idx: str) -> dict:
        return {"idx": idx, "code": self.code, "language": self.language, "summary": self.summary,
                "package": self.package, "path": self.path, "name": self.name}


@dataclass
class SourceResult:
    """What mining one source gave: kept pairs, and how many functions each reason dropped."""

    name: str
    language: str
    pairs: list[Pair] = field(default_factory=list)
    drops: Counter = field(default_factory=Counter)
    files: int = 0
    functions: int = 0
    info: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "language": self.language, "files": self.files,
                "functions": self.functions, "drops": dict(self.drops), "info": self.info,
                "pairs": [dataclasses.asdict(p) for p in self.pairs]}

    @classmethod
    def from_json(cls, data: dict) -> "SourceResult":
        return cls(name=data["name"], language=data["language"], files=data["files"],
                   functions=data["functions"], drops=Counter(data["drops"]), info=data["info"],
                   pairs=[Pair(**p) for p in data["pairs"]])


def _group(grouping: str, package: str, rel: PurePosixPath) -> str:
    """The split unit of a file: the package, a stdlib top-level module or a JDK package prefix."""
    if grouping == "stdlib":
        return f"stdlib:{rel.parts[0].removesuffix('.py')}"
    if grouping == "jdk":  # <module>/java/util/concurrent/X.java
        dirs = rel.parts[1:-1]
        return "jdk:" + (".".join(dirs[:3]) if dirs else rel.parts[0])
    if grouping == "gostd":  # net/http/server.go: an import path of at most two names
        dirs = rel.parts[:-1]
        return "gostd:" + ("/".join(dirs[:2]) if dirs else "builtin")
    return package


def _source_files(root: Path, language: str) -> list[Path]:
    ext = _EXTENSIONS[language]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name.endswith(ext) and not name.endswith(_NOT_SOURCE) and not path.is_symlink() and path.is_file():
                files.append(path)
    return files


def mine_source(root: str | os.PathLike, language: str, *, package: str, grouping: str = "package",
                thresholds: Thresholds = Thresholds()) -> SourceResult:
    """Mines the (code, summary) pairs of one unpacked source directory.

    `package` names the source; `grouping` says what a split unit is: "package" (the whole
    source), "stdlib" (each top-level module) or "jdk" (each package prefix of three names).
    Dedupe and CoSQA overlap are not done here but across sources, by `assemble`.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose from {list(LANGUAGES)}")
    root = Path(root)
    result = SourceResult(name=package, language=language)
    for path in _source_files(root, language):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        result.files += 1
        units = extract_units(text, language, as_mined=True)
        result.functions += len(units)
        problem_of_file = file_problem(rel)
        for unit in units:
            reason = problem_of_file or unit_problem(unit)
            if reason is None:
                code = unit.code_without_docstring.strip("\n")
                summary = first_sentence(unit.docstring, language, as_mined=True)
                reason = code_problem(unit, code, thresholds) or summary_problem(summary, thresholds)
            if reason is not None:
                result.drops[reason] += 1
                continue
            result.pairs.append(Pair(
                code=code, summary=summary, language=language, package=_group(grouping, package, rel),
                path=str(rel), name=unit.qualified_name, key=code_key(code), bare_key=bare_code_key(code),
            ))
    return result


def load_cosqa_keys(path: str | os.PathLike) -> set[str]:
    """The dedupe keys of every function of a CoSQA-style ``codebase.jsonl``."""
    keys = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                code = json.loads(line)["code"]
                keys.add(code_key(code))
                keys.add(bare_code_key(code))
    return keys


def split_of(package: str, seed: int = 0, fractions: Sequence[float] = SPLIT_FRACTIONS) -> str:
    """The split a package (a split unit) goes to, by a seeded hash of its name."""
    digest = hashlib.sha256(f"{seed}:{package}".encode("utf-8")).digest()
    x = int.from_bytes(digest[:8], "big") / 2 ** 64
    edge = 0.0
    for name, fraction in zip(SPLITS, fractions):
        edge += fraction
        if x < edge:
            return name
    return SPLITS[-1]


def assemble(results: Iterable[SourceResult], *, cosqa_keys: set[str] | frozenset[str] = frozenset(),
             seed: int = 0, fractions: Sequence[float] = SPLIT_FRACTIONS
             ) -> tuple[dict[str, list[Pair]], Counter]:
    """Drops CoSQA overlap and duplicates (first source wins) and splits the rest by package.

    Returns the pairs of each split and the drop counts of every reason (the sources' own
    drops included), so that functions seen = sum of drops + sum of split sizes.
    """
    splits: dict[str, list[Pair]] = {name: [] for name in SPLITS}
    drops: Counter = Counter()
    seen: set[str] = set()
    for result in results:
        drops.update(result.drops)
        for pair in result.pairs:
            if pair.key in cosqa_keys or pair.bare_key in cosqa_keys:
                drops["cosqa_overlap"] += 1
            elif pair.key in seen:
                drops["duplicate"] += 1
            else:
                seen.add(pair.key)
                splits[split_of(pair.package, seed, fractions)].append(pair)
    return splits, drops
