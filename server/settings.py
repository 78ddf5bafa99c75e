"""The server's settings, typed, in one place.

They come from `initializationOptions` (at `initialize`), then from the client's
`workspace/configuration` (section `leancode`) and `workspace/didChangeConfiguration`.
Keys are camelCase as clients send them; unknown keys are ignored (with a log line),
and a value of the wrong type or out of range is an error naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from leancode.encoder import SEARCH_METHOD
from leancode.function_summary import SHOW_GENERATED
from leancode.languages import LANGUAGES
from leancode.simplify import METHODS
from leancode.summarizer import DEFAULT_RATIO as SUMMARY_RATIO
from leancode.walk import valid_pattern

SECTION = "leancode"


class SettingsError(ValueError):
    """A setting of the wrong type or out of range."""


@dataclass(frozen=True)
class Settings:
    method: str = SEARCH_METHOD  # simplification before the encoder (and the summarizer) reads code
    ratio: float | None = None  # ... for search; None: per language, the shipped defaults (else SEARCH_RATIO)
    summary_ratio: float = SUMMARY_RATIO  # ... for hover summaries
    model_path: str | None = None  # a local encoder or search adapter directory; None: the shipped adapter
    summarizer_path: str | None = None  # a summarizer directory; None: the shipped one
    languages: tuple[str, ...] = ()  # languages to index and hover; empty: all supported
    exclude: tuple[str, ...] = ()  # gitignore-style globs, relative to each workspace folder
    show_simplified: bool = False  # hover shows the simplified code the model read
    generated_summaries: bool = SHOW_GENERATED  # hover shows the model's line where no documentation describes
    hybrid: bool = False  # search: dense + BM25 fused (as `leancode search --hybrid`)
    top: int = 20  # results of workspace/symbol and the default of leancode.search
    debounce_ms: int = 750  # quiet time after an edit before the unsaved buffer is re-embedded
    index_on_startup: bool = True
    threads: int | None = None  # encoder threads (torch intra-op); None: torch's default
    search_index: str | None = None  # a lance index (`leancode index --store lance`) searched beside the workspace
    table: str | None = None  # an importance table directory for its language's functions (`leancode index --table`)

    @property
    def encoder_key(self) -> tuple:
        """What needs a new encoder (a reload) when it changes."""
        return (self.model_path, self.threads, self.table)

    @property
    def index_key(self) -> tuple:
        """What needs the repository indexes rebuilt (or reopened) when it changes."""
        return (self.model_path, self.method, self.ratio, self.languages, self.exclude, self.table)


_KEYS = {  # camelCase key -> field name
    "method": "method", "ratio": "ratio", "summaryRatio": "summary_ratio", "modelPath": "model_path",
    "summarizerPath": "summarizer_path", "generatedSummaries": "generated_summaries",
    "languages": "languages", "exclude": "exclude", "showSimplified": "show_simplified", "hybrid": "hybrid",
    "top": "top", "debounceMs": "debounce_ms", "indexOnStartup": "index_on_startup", "threads": "threads",
    "searchIndex": "search_index", "table": "table",
}
assert set(_KEYS.values()) == {f.name for f in fields(Settings)}


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{key} must be a list of strings")
    return tuple(value)


def _check(key: str, value: Any) -> Any:
    name = _KEYS[key]
    if name == "method":
        if value not in METHODS:
            raise SettingsError(f"method must be one of {', '.join(METHODS)}, not {value!r}")
        return value
    if name == "ratio" and value is None:
        return None
    if name in ("ratio", "summary_ratio"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise SettingsError(f"{key} must be a number from 0 to below 1 (1 removes every token), not {value!r}")
        return float(value)
    if name in ("model_path", "summarizer_path", "search_index", "table"):
        if value is not None and not isinstance(value, str):
            raise SettingsError(f"{key} must be a path (string) or null")
        return value or None
    if name == "languages":
        languages = tuple(v.lower() for v in _string_list(key, value))
        unknown = [v for v in languages if v not in LANGUAGES]
        if unknown:
            raise SettingsError(f"languages: unsupported {', '.join(unknown)}; supported: {', '.join(LANGUAGES)}")
        return languages
    if name == "exclude":
        patterns = _string_list(key, value)
        invalid = [pattern for pattern in patterns if not valid_pattern(pattern)]
        if invalid:
            raise SettingsError(f"{key}: not a gitignore-style pattern: {', '.join(map(repr, invalid))}")
        return patterns
    if name in ("show_simplified", "generated_summaries", "hybrid", "index_on_startup"):
        if not isinstance(value, bool):
            raise SettingsError(f"{key} must be true or false")
        return value
    if name in ("top", "debounce_ms", "threads"):
        if value is None and name == "threads":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "debounce_ms" else 1):
            raise SettingsError(f"{key} must be a positive integer, not {value!r}")
        return min(value, 200) if name == "top" else min(value, 256) if name == "threads" else value
    raise AssertionError(name)


def parse_settings(data: Any, base: Settings | None = None, refused: list[str] | None = None,
                   kept: Settings | None = None) -> tuple[Settings, list[str]]:
    """`base` (default: the defaults) updated by a dict of camelCase settings; also the unknown keys.

    Accepts the settings themselves or a dict holding them under `leancode`. Raises
    SettingsError for a bad value (nothing is applied then), unless a `refused` list is given: then each bad
    value keeps `kept`'s (default: `base`'s) and its error is added to the list, and the good ones apply (a client
    that sends its whole settings again with every change, the bad value among them, still gets its other changes).
    """
    base = base or Settings()
    if data is None:
        return base, []
    if not isinstance(data, dict):
        raise SettingsError(f"settings must be an object, not {type(data).__name__}")
    if isinstance(data.get(SECTION), dict):
        data = data[SECTION]
    changes, unknown = {}, []
    for key, value in data.items():
        if key not in _KEYS:
            unknown.append(key)
            continue
        try:
            changes[_KEYS[key]] = _check(key, value)
        except SettingsError as error:
            if refused is None:
                raise
            refused.append(str(error))
            changes[_KEYS[key]] = getattr(kept or base, _KEYS[key])
    return replace(base, **changes), unknown


def settings_json(settings: Settings) -> dict[str, Any]:
    """The camelCase form (what a client would send)."""
    names = {v: k for k, v in _KEYS.items()}
    return {names[f.name]: (list(v) if isinstance(v := getattr(settings, f.name), tuple) else v)
            for f in fields(settings)}


__all__ = ["SECTION", "Settings", "SettingsError", "parse_settings", "settings_json", "field"]
