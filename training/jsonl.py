"""Reading and writing .jsonl files (one JSON object a line), the format of every data set here."""

from __future__ import annotations

import json
from pathlib import Path


def read_jsonl(path: str | Path, required: tuple[str, ...] = ()) -> list[dict]:
    """The records of a .jsonl file; a ValueError naming the file and line for a line that is not a JSON object,
    or lacks a `required` field (text fields: `code`, `query`, `summary`, `language` must hold a string)."""
    records = []
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as error:
                    raise ValueError(f"{path}:{number}: not JSON ({error})") from None
                if not isinstance(record, dict):
                    raise ValueError(f"{path}:{number}: not a JSON object")
                for field in required:
                    if record.get(field) is None or field in _TEXT_FIELDS and not isinstance(record[field], str):
                        raise ValueError(f"{path}:{number}: no {field!r} field" + (
                            " holding text" if field in _TEXT_FIELDS and field in record else ""))
                records.append(record)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text ({error})") from None
    return records


_TEXT_FIELDS = frozenset({"code", "query", "summary", "language"})


def write_jsonl(path: str | Path, records: list[dict]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
