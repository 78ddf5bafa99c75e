"""Fixtures shared by the training tests."""

import json

import pytest

from snippets import stdlib_pairs


@pytest.fixture(scope="session")
def pairs(tmp_path_factory):
    """(path of a summaries .jsonl, its rows): docstring/code pairs from four standard-library modules."""
    rows = stdlib_pairs()
    assert len(rows) >= 24
    path = tmp_path_factory.mktemp("pairs") / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path, rows
