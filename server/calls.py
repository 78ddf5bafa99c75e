"""Which function a call means: the definition in the same file, else the indexed function of that name whose
file is nearest the caller's (fewest directory steps between them; then path order), of the caller's language
family. Nothing here knows LSP."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from leancode.function_summary import implementation
from leancode.units import Unit, overload_stub

from .hover import unit_named
from .workspace import Hit


FAMILIES = {"typescript": "javascript", "tsx": "javascript"}  # languages whose code calls each other's functions
OWN_RECEIVERS = frozenset({"self", "this", "cls", "super"})


def same_family(language: str, other: str) -> bool:
    """Whether code in `language` can call a function written in `other`."""
    return FAMILIES.get(language, language) == FAMILIES.get(other, other)


def matched_by_name(receiver: str | None, where: str | None) -> bool:
    """Whether a resolved call is a guess from the name alone: it is called on a receiver other than the object's
    own (`obj.name(`, not `self.name(`; receiver None: a plain call) and means a function in another file
    (`where`), whose class nothing checked to be the receiver's."""
    return where is not None and receiver is not None and receiver not in OWN_RECEIVERS


def path_distance(caller: Path | None, other: Path) -> tuple:
    """Sort key of a candidate's file: directory steps from the caller's directory to its, then the path (for a
    caller of unknown path: after every known one, by depth, then the path)."""
    if caller is None:
        return (1, len(other.parts), str(other))
    common = len([a for a, b in zip(caller.parent.parts, other.parent.parts) if a == b])
    return (0, len(caller.parent.parts) - common + len(other.parent.parts) - common, str(other))


def resolve_call(name: str, local: list[Unit], caller: Path | None, candidates: list[Hit],
                 units_in: Callable[[Hit], list[Unit] | None], method: bool = True) -> tuple[Unit | None, str | None]:
    """The function a call of `name` in the file at `caller` (whose functions are `local`) means, and where it
    is ("folder/path:line"; None for the same file). `method`: the call may mean a method (`obj.name(`, or any
    call in Java); a plain `name(` elsewhere means a function outside any class first, here or in another file,
    and a same-file method only when there is none. Of same-named functions an `@overload` stub comes after its
    implementation. `candidates` are the indexed functions of that name; `units_in(hit)` reads the functions
    of a candidate's file now (None when it cannot be read), so a stale index entry is matched to the current
    code by name and nearest line."""
    same_file = [u for u in local if u.name == name]
    plain = [u for u in same_file if u.qualified_name == u.name]
    if method and same_file or plain:
        return min(plain or same_file, key=overload_stub), None
    ordered = sorted(candidates, key=lambda hit: (not method and hit.unit.qualified_name != hit.unit.name,
                                                  path_distance(caller, hit.path)))
    for hit in ordered:
        units = units_in(hit)
        if units is None:
            continue
        unit = unit_named(units, hit.unit.qualified_name, hit.unit.start_line)
        if unit is not None:
            if overload_stub(unit):  # the function the stub declares a signature of
                unit = implementation(unit, units) or unit
            return unit, f"{hit.folder.root.name}/{hit.unit.path}:{unit.start_line + 1}"
    return (min(same_file, key=overload_stub), None) if same_file else (None, None)
