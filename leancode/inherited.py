"""Documentation inherited across files: an undocumented method takes the description of the method it overrides or
implements in a supertype declared in another file of the workspace (`inherited_across_files`).

Within one file, and from the standard library's types, `units.extract_units` already does this; here the bases a
class names (`Unit.bases`) are looked up in the files an index says declare them, the file meant chosen by the
importing file's imports (`_declaring_file`), never by guess. A JavaScript or TypeScript file's import of an npm
package is read where TypeScript reads it: the declaration file (.d.ts) the package, or its @types package, installed
in a node_modules folder of the workspace gives (`_package_types`), following its re-exports.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from .docstrings import shown_sentence
from .languages import ParseWarning, language_for_path, parse, same_family
from .sources import FileSkipped, read_bytes
from .units import (MAX_BASES_READ, Unit, declared_types, described_declarations, extract_units, last_name,
                    parameter_types, rust_uses)


@lru_cache(maxsize=32)  # a class hierarchy's files, read again for each of its methods (a chain of `export *`)
def _file_members(code: str, language: str) -> tuple[tuple[Unit, ...], dict[tuple[str, str], str | None],
                                                     dict[str, tuple[str, ...]]]:
    """A file's units, its described declarations without a body and the supertypes of the types it declares (see
    `described_declarations`): what `member_doc` reads, parsed once per file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)  # another file's syntax errors are not this hover's
        return tuple(extract_units(code, language)), *described_declarations(code, language)


def _declares(code: str, language: str, owner: str) -> bool:
    """Whether one file's `code` declares a class, interface or trait named `owner` (or a Rust impl's methods); parsed
    only where a declaration's keyword names it (the hover's own file is not parsed again for each base)."""
    word = re.escape(owner)
    if not re.search(rf"\b(?:class|interface|trait|struct|enum|type|record|impl)\b[^;{{}}\n]{{0,300}}?(?<![\w$]){word}"
                     rf"(?![\w$])|\b(?:const|let|var)\s+{word}\s*=\s*class\b", code):  # `const Base = class {`
        return False
    units, _, declared = _file_members(code, language)
    return owner in declared or any(u.qualified_name.split(".")[-2:-1] == [owner] for u in units)


def member_doc(code: str, language: str, owner: str, method: str,
               parameters: tuple[str, ...] | None = None) -> tuple[tuple[str, str] | None, tuple[str, ...]]:
    """In one file's `code`: (first sentence, "Owner.method") of the class, interface or trait `owner`'s `method`,
    documented there or inheriting a description there (`extract_units`), or a declaration without a body (a Rust
    trait's required method, a TypeScript interface's signature) with a doc comment; and `owner`'s supertypes.
    `parameters`, the parameter types of a Java method: only a method of as many parameters is the one it implements,
    of overloads of that count the one of those types, else none unless they say the same."""
    separator = "::" if language == "rust" else "."  # as the standard library's are labelled: `Iterator::next`
    units, bodiless, declared = _file_members(code, language)
    members = [u for u in units if u.qualified_name.split(".")[-2:-1] == [owner]]
    bases = declared.get(owner) or next((u.bases for u in members if u.bases), ())  # (an impl's trait: a unit's)
    named = [u for u in members if u.name == method]
    if parameters is not None:  # Java's overloads: `timeout()` and `timeout(int millis)`
        typed = [(u, parameter_types(u.code, language)) for u in named]  # each parsed once
        named = [u for u, types in typed if len(types or ()) == len(parameters)]
        exact = [u for u, types in typed if types == parameters]
        said = {shown_sentence(u.docstring or "", language) for u in named}
        named = exact or (named if len(said) <= 1 else [])
    for unit in named:
        if unit.docstring and (sentence := shown_sentence(unit.docstring, language)):
            return (sentence, f"{owner}{separator}{method}"), bases
        if unit.inherited_doc:
            return unit.inherited_doc, bases
    sentence = bodiless.get((owner, method))  # (Java's interface methods are units: none of its are here)
    return ((sentence, f"{owner}{separator}{method}") if sentence else None), bases


def inherited_across_files(unit: Unit, path: Path, code: str, files: Callable[[str], Iterable[tuple[Path, str]]],
                           read: Callable[[Path], str]) -> tuple[str, str] | None:
    """(first sentence, "Base.method") of the nearest documented method an undocumented `unit` (of the file `path`
    holding `code`) overrides or implements in a supertype declared in another file, breadth first up `Unit.bases`
    (what `_inherit_in_file` does within one file), each found by `_files_meant`: where the file's imports name it,
    else by `files(name)`, the (path, language) of the files whose functions a class, interface or trait so named
    encloses (an index's `declaring_files`; of several, the one `_declaring_file` picks, else none). `read(path)`: a
    file's text (FileSkipped: not read). At most MAX_BASES_READ files are read."""
    own = unit.qualified_name.split(".")[-2:-1]
    parameters = parameter_types(unit.code, unit.language) if unit.language == "java" else None
    # (a supertype as written, the file that names it, its code); (file, name) pairs read
    queue, seen, tried = [(base, path, code) for base in unit.bases], {*own, *unit.bases}, set()
    while queue and len(tried) < MAX_BASES_READ:
        written, near, near_code = queue.pop(0)
        # `Plugin()#0#props`: the type of `props` in the type of `Plugin`'s first parameter (`units._object_types`)
        head, *steps = written.split("#")
        call = "()" if head.endswith("()") else ""
        try:
            meant_files = _files_meant(head, near, near_code, unit.language, files)
        except (OSError, ValueError, RecursionError, RuntimeError):  # a name too long, a folder not readable, a loop
            continue
        for file, language, name in meant_files:
            meant = "#".join([name + call, *steps])  # as named in that file
            if (file, meant) in tried or len(tried) >= MAX_BASES_READ:
                continue
            tried.add((file, meant))
            try:  # a base in the unit's own file too: the file holds no description, but that base's bases may
                base_code = near_code if file == near else read(file)
            except FileSkipped:
                continue
            if steps:
                types = declared_types(base_code, language, name, call + steps[0])
                if types is None:  # not declared there: re-exported
                    queue.append((meant, file, base_code))
                    continue
                queue += [("#".join([t, *steps[1:]]), file, base_code) for t in types]
                break
            if not _declares(base_code, language, name):  # (checked before a parse: `export *` chains are long)
                queue.append((name, file, base_code))  # re-exported there: `export * from "./api"`, `import *`
                continue
            found, more = member_doc(base_code, language, name, unit.name, parameters)
            if found:
                return found
            queue += [(b, file, base_code) for b in more if b not in seen]
            seen.update(more)
            break
    return None


def _files_meant(written: str, near: Path, code: str, language: str,
                 files: Callable[[str], Iterable[tuple[Path, str]]]) -> list[tuple[Path, str, str]]:
    """The (path, language, the type's name there) of the file declaring the type `written` in the file `near`
    (`code`) means, by the index (`files`) or Java's file rules, else `near` itself where it declares it (a name
    without a qualifier), else the ones its imports or re-exports name. `Plugin()`: the function or class `Plugin`."""
    call, written = written.endswith("()"), written.removesuffix("()")
    name = last_name(written)
    if language != "java":  # a name the file imports is the imported one, whatever the index holds of that name
        imported = _imported_files(written, near, code, language, stars=False)
        if imported:
            return [(file, other, name if "." in written else original) for file, other, original in imported]
    candidates = [] if _DEPENDENCIES & set(near.parts) else \
        sorted({(file, other) for file, other in files(name) if same_family(other, language)})  # (a package's own)
    chosen = _java_type_file(written, near, code) if language == "java" else None
    if chosen is None and candidates:
        chosen = _declaring_file(written, near, code, language, candidates)
    if chosen is not None and not (chosen[0] == near and "." in written):  # `class Module(nn.Module)`: not itself
        return [(*chosen, name)]
    near_language = language_for_path(near.name) or language
    if near_language != "java" and "." not in written \
            and (declared_types(code, near_language, name, "()0") is not None if call
                 else _declares(code, near_language, name)):
        return [(near, near_language, name)]  # a declaration file's interface, which its class extends (not `click.X`)
    return [(file, other, name if "." in written else original)
            for file, other, original in _imported_files(written, near, code, language)]


def _declaring_file(written: str, near: Path, code: str, language: str,
                    candidates: list[tuple[Path, str]]) -> tuple[Path, str] | None:
    """Of the files declaring a type named as `written` in the file `near` (`code`), the one meant: the only one, else
    `near` itself, else the one its imports name (Java `import a.b.Shape;` or a class of its package, Python `from a.b
    import Shape`, JavaScript/TypeScript `import { Shape } from "./shapes"`), else None."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if (here := next((c for c in candidates if c[0] == near), None)) is not None:
        return here  # declared beside the class that names it
    hints = _import_hints(code, language, written.split(".")[0])
    if language == "python" and "." in written:  # `class Nightly(tasks.Step)`: tasks.py
        module = written.rsplit(".", 1)[0].replace(".", "/")
        hints += [module + ".py", module + "/__init__.py"]
    folder = os.path.dirname(os.fspath(near))
    relative = {os.path.normpath(os.path.join(folder, hint)) for hint in hints if hint.startswith(".")}
    named = [c for c in candidates if os.path.normpath(os.fspath(c[0])) in relative
             or any(c[0].as_posix().endswith("/" + hint) for hint in hints if not hint.startswith("."))]
    if len(named) == 1:
        return named[0]
    same_package = [c for c in candidates if os.path.dirname(os.fspath(c[0])) == folder]
    return same_package[0] if not named and language == "java" and len(same_package) == 1 else None


def _java_type_file(written: str, near: Path, code: str) -> tuple[Path, str] | None:
    """The file Java's rules put the type `written` (`Connection`, `Connection.Request`, `org.jsoup.Connection`) in,
    where it is one: its outermost type's file, `Connection.java`, in the package of `near` (its folder) or in the one
    an import of `code` or its own qualifier names, under the source root `near`'s package declaration implies. An
    interface of methods without bodies is no index's (`declaring_files` knows classes by their functions), and a
    nested one's simple name (`Request`) may name the implementing class itself."""
    parts = written.split(".")
    outer = next((i for i, part in enumerate(parts) if part[:1].isupper()), None)
    if outer is None:
        return None
    places = [near.parent / f"{parts[outer]}.java"] if outer == 0 else []
    if (root := java_source_root(near, code)) is not None:
        hints = ["/".join(parts[:outer + 1]) + ".java"] if outer else _import_hints(code, "java", parts[0])
        places += [root / hint for hint in hints]
    return next(((place, "java") for place in places if place.is_file()), None)


def java_source_root(path: Path, code: str) -> Path | None:
    """The folder a Java file's package declaration puts it under (`src/main/java` for `package org.jsoup;` in
    src/main/java/org/jsoup/), where its folders match the package; its own folder for the default package."""
    package = re.search(r"^[^\S\n]*package[^\S\n]+([\w.]+)[^\S\n]*;", code[:MAX_IMPORTS_READ], re.M)
    root = path.parent
    for name in reversed(package.group(1).split(".") if package else []):
        if root.name != name:
            return None
        root = root.parent
    return root


_DEPENDENCIES = frozenset({"node_modules", "site-packages"})  # folders of installed packages


def _imported_files(written: str, near: Path, code: str, language: str,
                    stars: bool = True) -> list[tuple[Path, str, str]]:
    """The files (path, language, the name imported there: `B` for `import { B as C }`) the imports and re-exports of
    `code` bring `written` from (`stars`: `export *` and `from x import *` too, which may or may not hold it): for a
    relative import, the first of its possible files (`./types`: types.ts, ..., types/index.ts); an npm package's
    declaration file (`_package_types`); a Python module, relative or in the folders above or a virtual
    environment's site-packages (`_python_roots`); a Rust module of the crate (`use crate::{Context, Error}`,
    `super::`, `self::`: `_rust_module_files`); none in Go and Java, whose imports name no file. The caller's `read`
    refuses one outside the workspace."""
    folder, name, found = os.path.dirname(os.fspath(near)), written.split(".")[0], {}
    if same_family(language, "javascript"):
        for module, original in _js_imports(code, name, stars):
            files = [near] if not module else [_package_types(module, near)] if not module.startswith(("./", "../")) \
                else [Path(os.path.normpath(os.path.join(folder, hint))) for hint in _relative_hints(module)]
            file = next((f for f in files if f is not None and f.is_file()), None)  # `./types`: its first file
            found.setdefault(file, original)
    elif language == "python":
        roots = None
        for stem, original in _python_modules(code, name, written, stars):
            if not stem.startswith(".") and roots is None:
                roots = _python_roots(near)
            found.setdefault(next((file for root in ([Path(folder)] if stem.startswith(".") else roots)
                                   for suffix in (".py", "/__init__.py")
                                   if (file := Path(os.path.normpath(os.path.join(root, stem + suffix)))).is_file()),
                                  None), original)
    elif language == "rust":
        for path in _rust_uses(code, written, stars):
            found.setdefault(next((f for f in _rust_module_files(path[:-1], near) if f.is_file()), None), path[-1])
    return [(file, other, original) for file, original in found.items()
            if file is not None and (other := language_for_path(file.name)) and same_family(other, language)]


def _imports_of(name: str, code: str, language: str) -> list[tuple[str, str]]:
    """(module, the name imported there) of each import of a Python, JavaScript or TypeScript file's `code` that binds
    `name` (stars left out); none in the other languages."""
    if language == "python":
        return _python_modules(code, name, stars=False)
    return _js_imports(code, name, stars=False) if same_family(language, "javascript") else []


def imported_as(name: str, code: str, language: str) -> str | None:
    """The name a Python, JavaScript or TypeScript file imports under the other name `name` (`from .a import
    get_fields as fields`, `import { fold as f } from './e'`: get_fields, fold), where one import binds it; else
    None."""
    originals = {original for _, original in _imports_of(name, code, language) if original and original != name}
    return originals.pop() if len(originals) == 1 else None


def imported_from(name: str, near: Path, code: str, language: str) -> frozenset[Path] | None:
    """The files (resolved) a Python, JavaScript or TypeScript file `near`'s imports bring the plain name `name` from
    (`_imported_files`; empty where none is found: an installed package's), None where no import brings it (and in
    the other languages)."""
    if not (imports := _imports_of(name, code, language)):
        return None
    # every file a relative JavaScript import may name, the module itself beside its declaration file (defu's
    # `./dist/defu.mjs` beside the `dist/defu.d.ts` the index leaves out)
    folder = os.path.dirname(os.fspath(near))
    relative = [Path(os.path.normpath(os.path.join(folder, hint))) for module, _ in imports
                for hint in [*_relative_hints(module), module] if module.startswith(("./", "../"))] \
        if same_family(language, "javascript") else []
    return frozenset(file.resolve() for file, _, _ in _imported_files(name, near, code, language, stars=False)) \
        | frozenset(file.resolve() for file in relative if file.is_file())


# The names a file's imports bind to modules and packages: Python's `import os.path`, `import numpy as np`; JavaScript's
# `import * as fs from`, `import fs from`, `const fs = require(`; Go's `import "errors"`, `alias "path/x"` in a block
_PYTHON_MODULE_IMPORT = re.compile(r"^[^\S\n]*import[^\S\n]+([\w.]+(?:[^\S\n]+as[^\S\n]+\w+)?(?:[^\S\n]*,[^\S\n]*"
                                   r"[\w.]+(?:[^\S\n]+as[^\S\n]+\w+)?)*)", re.M)
_JS_MODULE_IMPORT = re.compile(r"\bimport\s+(?:\*\s*as\s+)?([\w$]+)\s*(?:,\s*\{[^{}]*\}\s*)?from\s*['\"]"
                               r"|\b(?:const|let|var)\s+([\w$]+)\s*=\s*require\s*\(")
_GO_IMPORT = re.compile(r"^[^\S\n]*(?:import[^\S\n]+)?(?:([\w.]+)[^\S\n]+)?\"([^\"\n]+)\"", re.M)


def module_names(code: str, language: str) -> frozenset[str]:
    """The names `code`'s imports bind to modules and packages (`_PYTHON_MODULE_IMPORT`, `_JS_MODULE_IMPORT`,
    `_GO_IMPORT`): a call on one is the module's function (`errors.As(`), never a method of the workspace."""
    head = code[:MAX_IMPORTS_READ]
    if language == "python":
        return frozenset(item.split(" as ")[-1].strip().split(".")[0] for listed in _PYTHON_MODULE_IMPORT.findall(head)
                         for item in re.sub(r"\s+", " ", listed).split(","))
    if same_family(language, "javascript"):
        return frozenset(filter(None, (name for pair in _JS_MODULE_IMPORT.findall(head) for name in pair)))
    if language == "go":
        imports = head[:head.find("\nfunc ")] if "\nfunc " in head else head  # the imports come first
        return frozenset(alias or path.rsplit("/", 1)[-1] for alias, path in _GO_IMPORT.findall(imports)
                         if alias not in ("_", "."))
    return frozenset()


def _rust_uses(code: str, written: str, stars: bool = True) -> list[list[str]]:
    """The paths a Rust file's `use` declarations bring `written` by (`use crate::{Context, Error}`: ["crate",
    "Context"] for Context; `use std::error::Error as StdError`: [..., "Error"] for StdError; `stars`: also a glob's,
    [..., "StdError"] for `use crate::prelude::*`), or the path `written` is (`crate::Context`)."""
    if "::" in written:
        return [[part.strip() for part in written.split("::")]]
    uses = rust_uses(parse(code[:MAX_IMPORTS_READ], "rust").root_node)
    return [path if name else path + [written] for name, path in uses if name == written or name is None and stars]


def _rust_module_files(module: list[str], near: Path) -> list[Path]:
    """The files that may hold the Rust module `module` (its path: `["crate", "error"]`, `["super"]`) as the file
    `near` sees it: `crate` the crate root's (src/lib.rs, src/main.rs; the folder of the Cargo.toml above),
    `self`/`super` by `near`'s own module; then each name's `name.rs` or `name/mod.rs`. Another crate's: none."""
    if not module or module[0] not in ("crate", "self", "super"):
        return []
    if module[0] == "crate":
        root = next((folder for folder in near.parents if (folder / "Cargo.toml").is_file()), None)
        if root is None:
            return []
        folder, rest, roots = root / "src", module[1:], [root / "src" / "lib.rs", root / "src" / "main.rs"]
    else:  # a file's own module is its folder for mod.rs, lib.rs and main.rs, else the folder named as it
        folder = near.parent if near.name in ("mod.rs", "lib.rs", "main.rs") else near.parent / near.stem
        rest = list(module)
        if rest[0] == "self":
            rest.pop(0)
        while rest and rest[0] == "super":
            folder, rest = folder.parent, rest[1:]
        roots = [near] if module == ["self"] else [folder.with_suffix(".rs"), folder / "mod.rs", folder / "lib.rs",
                                                   folder / "main.rs"]
    if not rest:
        return roots
    *parents, last = rest
    place = folder.joinpath(*parents)
    return [place / f"{last}.rs", place / last / "mod.rs"]


def _python_roots(near: Path) -> list[Path]:
    """The folders an absolute Python import of the file `near` is looked for in: those above it, nearest first (a
    package's root among them), then the site-packages of a virtual environment in any of them (.venv, venv, env)."""
    folders = list(near.parents)[:MAX_FOLDERS_UP]
    return folders + [site for folder in folders for environment in (".venv", "venv", "env")
                      if (folder / environment).is_dir()
                      for site in sorted((folder / environment).glob("lib/python3*/site-packages"))
                      + [folder / environment / "Lib" / "site-packages"] if site.is_dir()]


def _bound_names(names: str) -> dict[str, str]:
    """The names an import's list binds, each to the name it imports: `(A, B as C,  # note` -> A: A, C: B."""
    listed = re.sub(r"\s+", " ", re.sub(r"#[^\n]*|[()\\]", " ", names))
    pairs = [item.split(" as ") for item in listed.split(",")]
    return {pair[-1].strip(): pair[0].strip() for pair in pairs}


def _python_modules(code: str, name: str, written: str = "", stars: bool = True) -> list[tuple[str, str]]:
    """The modules, as paths without a suffix ("./shapes", "../base", "django/views"), the imports of Python `code`
    bring `name` from, each with the name it imports there (`from a import B as name`: B): `from a.b import Name`
    (a/b, and a/b/Name, a submodule: first where `written` names something in it, `nn.Module`), `from .x import *`,
    `from . import Name`, `import a.b as Name`; `import torch` for `torch.nn.Module`: torch/nn."""
    head, stems = code[:MAX_IMPORTS_READ], []
    # `[^()]`: an open bracket that never closes ends at the next one, not at the end of the file
    for dots, module, names in re.findall(r"^[^\S\n]*from[^\S\n]+(\.*)([\w.]*)[^\S\n]+import[^\S\n]*"
                                          r"(\([^()]*\)?|[^\n]*)", head, re.M):
        star = names.split("#")[0].strip() == "*"
        if star and stars or (original := _bound_names(names).get(name)):
            original = name if star else original
            folder = "./" + "../" * (len(dots) - 1) if dots else ""
            stem = folder + module.replace(".", "/") if module else folder + original  # `from . import Name`: a module
            inner = [f"{stem}/{original}"] if module and not star else []
            found = (inner + [stem] if "." in written else [stem] + inner) \
                + ([folder + "__init__"] if not module else [])
            stems += [(path, original) for path in found]
    parts = written.split(".")
    for dotted, alias in re.findall(r"^[^\S\n]*import[^\S\n]+([\w.]+)(?:[^\S\n]+as[^\S\n]+(\w+))?", head, re.M):
        if alias == name:
            stems.append((dotted.replace(".", "/"), name))
        elif not alias and dotted.split(".")[0] == name and len(parts) > 1:
            stems.append(("/".join(parts[:-1]), name))
    return stems


_JS_SUFFIXES = (".ts", ".tsx", ".d.ts", ".mts", ".d.mts", ".cts", ".d.cts", ".js", ".jsx", ".mjs", "/index.ts",
                "/index.tsx", "/index.d.ts", "/index.js")
MAX_IMPORTS_READ = 64_000  # characters of a file read for its imports


def _import_hints(code: str, language: str, name: str) -> list[str]:
    """Paths (ending in a file name; "./" or "../" ones relative to the importing file's folder) of the files whose
    import in `code` brings in `name`."""
    head, hints = code[:MAX_IMPORTS_READ], []
    if not name:
        return hints
    if language == "java":  # `import a.b.Name;`, `import a.b.Name.Inner;`, `import a.b.*;`
        for dotted in re.findall(r"^[^\S\n]*import[^\S\n]+(?:static[^\S\n]+)?([\w.*]+)[^\S\n]*;", head, re.M):
            parts = dotted.removesuffix(".*").split(".") + ([name] if dotted.endswith(".*") else [])
            if name in parts:
                parts = parts[:parts.index(name) + 1]  # the class's file, or its outer class's: `a.b.JCTree.Visitor`
                hints += ["/".join(parts[:end]) + ".java" for end in range(len(parts), 1, -1)
                          if parts[end - 1][:1].isupper()]
    elif language == "python":  # `from a.b import Name`, `from . import Name`, `from .shapes import (X, Name)`
        hints += [stem + suffix for stem, _ in _python_modules(code, name) for suffix in (".py", "/__init__.py")]
    elif same_family(language, "javascript"):
        hints += [hint for module, _ in _js_imports(code, name) for hint in _relative_hints(module)]
    return hints


def _relative_hints(module: str) -> list[str]:
    """The files a relative JavaScript or TypeScript import (`./types`, `./types.js`) may name, in TypeScript's order."""
    return [re.sub(r"\.(js|mjs|cjs|ts|mts|cts)$", "", module) + suffix for suffix in _JS_SUFFIXES] \
        if module.startswith(("./", "../")) else []


# `import B, { type N as M } from "b"`, `import * as ns from "b"`, `export { N } from "./b"`, `export * from "./b"`
_JS_IMPORT = re.compile(r"\b(?:import\s+(?:type\s+)?(?:([\w$]+)\s*(?:,\s*)?)?(?:\*\s*as\s+([\w$]+)\s*)?(\{[^{}]*\}\s*)?"
                        r"|export\s+(?:type\s+)?(\{[^{}]*\}|\*)\s*)from\s+['\"]([^'\"\n]+)['\"]")
# `import x = require("x")`, `const { A, B: C } = require("x")`
_JS_REQUIRE = re.compile(r"\b(?:import|const|let|var)\s+(?:([\w$]+)|\{([^{}]*)\})\s*=\s*require\s*\(\s*"
                         r"['\"]([^'\"\n]+)['\"]")
_JS_LOCAL_EXPORT = re.compile(r"\bexport\s+(?:type\s+)?(\{[^{}]*\})(?!\s*from\b)")  # `export { Base as Renamed };`


def _js_imports(code: str, name: str, stars: bool = True) -> list[tuple[str, str]]:
    """The modules, as written, that the imports and re-exports of JavaScript or TypeScript `code` bring `name` from,
    each with the name it has there (`import { NodeView as View }`: NodeView for View); `stars`: `export *` too."""
    head, found = code[:MAX_IMPORTS_READ], []
    for default, namespace, names, exported, module in _JS_IMPORT.findall(head):
        if name in (default, namespace) or exported == "*" and stars:
            found.append((module, name))
        elif original := _js_bound(names or exported).get(name):
            found.append((module, original))
    for whole, names, module in _JS_REQUIRE.findall(head):
        if whole == name or (original := _js_bound(names.replace(":", " as ")).get(name)):
            found.append((module, name if whole == name else original))
    found += [("", original) for names in _JS_LOCAL_EXPORT.findall(head)  # "": this file
              if (original := _js_bound(names).get(name)) and original != name]
    return found


def _js_bound(names: str) -> dict[str, str]:
    """`_bound_names` of a JavaScript or TypeScript list of imports or exports: `{ type A, B as C }`."""
    return _bound_names(re.sub(r"[{}]|\btype\s", " ", names))


MAX_MANIFEST_BYTES = 256_000  # a package.json read for its declaration file
MAX_FOLDERS_UP = 32  # folders looked in for node_modules, up from the importing file


def _package_types(module: str, near: Path) -> Path | None:
    """The declaration file an npm package gives for the module `module` ("react", "@angular/core", "vscode" through
    @types/vscode, "rxjs/operators"), as TypeScript finds it: in the nearest node_modules up from the file `near`,
    the package's, else its @types package's (`_types_entry`); Node's own modules ("stream", "node:fs/promises")
    in @types/node. None where none is installed."""
    builtin = module.removeprefix("node:")
    parts = builtin.split("/")
    size = 2 if module.startswith("@") else 1
    if len(parts) < size or not all(parts) or ".." in parts or "." in parts:
        return None
    package, subpath = "/".join(parts[:size]), "/".join(parts[size:])
    if module.startswith("node:") or package in _NODE_MODULES:
        package, subpath = "@types/node", builtin  # declared there as `declare module "stream"`
    typed = "@types/" + package.removeprefix("@").replace("/", "__")  # @scope/pkg -> @types/scope__pkg
    for folder in list(near.parents)[:MAX_FOLDERS_UP]:
        modules = folder / "node_modules"
        if modules.is_dir():
            for root in (modules / package, modules / typed):
                if (found := _types_entry(root, subpath)) is not None:
                    return found
    return None


# Node's own modules, which an import names before any package of the name (as `events`, a browser copy on npm)
_NODE_MODULES = frozenset("assert async_hooks buffer child_process cluster console constants crypto dgram "
                          "diagnostics_channel dns domain events fs http http2 https inspector module net os path "
                          "perf_hooks process punycode querystring readline repl stream string_decoder timers tls "
                          "trace_events tty url util v8 vm wasi worker_threads zlib".split())


def _types_entry(package: Path, subpath: str) -> Path | None:
    """The declaration file of an installed package's `subpath` ("" for the package): its package.json's `exports`
    types condition, else `types` or `typings`, else index.d.ts (`subpath`.d.ts, `subpath`/index.d.ts)."""
    try:
        manifest = json.loads(read_bytes(package / "package.json", MAX_MANIFEST_BYTES))
    except (FileSkipped, ValueError, RecursionError):  # none, or not one: the usual file names still
        manifest = {}
    manifest = manifest if isinstance(manifest, dict) else {}
    exports, key = manifest.get("exports"), f"./{subpath}" if subpath else "."
    if isinstance(exports, dict) and any(k.startswith(".") for k in exports):
        exports = exports.get(key)  # subpaths; else conditions of the package itself
    elif subpath:
        exports = None
    names = [_types_condition(exports)] + ([manifest.get("types"), manifest.get("typings"), "index.d.ts"]
                                           if not subpath else [f"{subpath}.d.ts", f"{subpath}/index.d.ts"])
    for name in names:
        if isinstance(name, str) and name.endswith((".ts", ".mts", ".cts")) \
                and (file := Path(os.path.normpath(package / name))).is_file():
            return file
    return None


def _types_condition(exports: object, depth: int = 0) -> str | None:
    """The declaration file an `exports` entry gives: a `types` condition's, at any depth, else a .d.ts path."""
    if isinstance(exports, str):
        return exports if exports.endswith((".d.ts", ".d.mts", ".d.cts")) else None
    if depth > 8 or not isinstance(exports, (dict, list)):
        return None
    values = exports if isinstance(exports, list) \
        else [exports.get("types")] + [value for key, value in exports.items() if key != "types"]
    return next((found for value in values if (found := _types_condition(value, depth + 1))), None)
