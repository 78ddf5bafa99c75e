"""Build leancode/tables/standard-docs/methods.json: the first sentence of each documented method of the Rust standard
library's public traits, of the JDK's public types in a few core packages, of a few Go packages' exported interfaces
and of the Python standard library's public classes, so that a method implementing or overriding one (`impl Iterator
for Interleave { fn next ... }`, an `@Override public int compareTo`, a Go type's `Less(i, j int) bool` beside its
`Len` and `Swap`, `def emit(self, record)` in a `logging.Handler`) without documentation of its own is described by
that one, as rustdoc, javadoc, `go doc` and Python's `inspect.getdoc` show it.

    bash scripts/fetch_standard_sources.sh
    python scripts/build_standard_docs.py --rust-src data/standard-sources/rust-src/usr/src/rustc-1.63.0/library \
        --go-src data/standard-sources/go-src/usr/share/go-1.19/src --jdk-src data/standard-sources/jdk/src.zip \
        --sources "what they are (the manifest says)"

A method whose sentence differs between two same-named types (`fmt::Write` and `io::Write`'s `write_fmt`) is left
out: which one a file means is not known without resolving its imports.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import sysconfig
import warnings
import zipfile
from collections import defaultdict
from pathlib import Path

from leancode.docstrings import first_sentence
from leancode.languages import parse
from leancode.units import STANDARD_DOCS_PATH, declaration_at, doc_comment, extract_units, go_method_shape, java_arity

RUST_CRATES = ("core", "alloc", "std")
GO_PACKAGES = ("io", "io/fs", "sort", "net", "net/http", "encoding", "flag", "database/sql", "database/sql/driver",
               "hash", "image", "context")
# Packages whose interfaces name general abilities (reading, sorting, encoding, hashing). Elsewhere an interface of one
# method of built-in types only (`http.Flusher`'s `Flush()`, `driver.Validator`'s `IsValid() bool`) would describe
# every such method in its package's words ("Flush sends any buffered data to the client."): left out.
GO_GENERAL = ("io", "sort", "encoding", "hash")
JAVA_PACKAGES = ("java/lang/", "java/util/", "java/util/function/", "java/util/concurrent/", "java/io/")
# Private modules whose classes the standard library publishes under another name (`collections.abc.MutableMapping`,
# `MutableMapping` alone): read, under that name, with what their classes inherit in the module (`Mapping.keys`).
PYTHON_ALIASES = {"_collections_abc": "collections.abc"}
PYTHON_SKIPPED = frozenset({"site-packages", "dist-packages", "idlelib", "lib2to3", "test", "tkinter", "turtledemo",
                            "ensurepip", "venv", "config-3.11-x86_64-linux-gnu"})


def rust_trait_docs(library: Path) -> dict[str, dict[str, str]]:
    """{trait: {method: first sentence}} over the public traits of core, alloc and std, provided methods (units) and
    required ones (declarations) alike, their doc comments read as the hover reads them."""
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    conflicts: set[tuple[str, str]] = set()
    for crate in RUST_CRATES:
        for path in sorted((library / crate / "src").rglob("*.rs")):
            code = path.read_text("utf-8", "replace")
            if "pub trait " not in code and "pub unsafe trait " not in code:
                continue
            traits = _public_traits(parse(code, "rust").root_node)
            if not traits:
                continue
            methods = extract_units(code, "rust") + [
                unit for trait in traits.values() for row, column in trait["signatures"]
                if (unit := declaration_at(code, "rust", row, column)) is not None]
            for unit in methods:
                trait = unit.scoped_name.rsplit(".", 1)[0]
                if any(first <= unit.start_line <= last for first, last in traits.get(trait, {}).get("lines", ())) \
                        and unit.docstring and (sentence := first_sentence(unit.docstring, "rust")):
                    _keep(docs, conflicts, trait, unit.name, sentence)
    return _without(docs, conflicts)


def _public_traits(root) -> dict[str, dict]:
    """{trait name: {"lines": [(first, last row) of each pub declaration], "signatures": [(row, byte column) of each
    required method's name]}} of a parsed Rust file."""
    traits: dict[str, dict] = {}
    for node in _nodes(root, "trait_item"):
        if node.children[0].type != "visibility_modifier":
            continue
        found = traits.setdefault(node.child_by_field_name("name").text.decode(), {"lines": [], "signatures": []})
        found["lines"].append((node.start_point.row, node.end_point.row))
        body = node.child_by_field_name("body")
        found["signatures"] += [item.child_by_field_name("name").start_point for item in
                                (body.named_children if body is not None else ()) if item.type == "function_signature_item"]
    return traits


def java_type_docs(source: Path) -> dict[str, dict[str, str]]:
    """{type: {method: first sentence}} over the public types of JAVA_PACKAGES in java.base (a src.zip or a
    folder holding java.base/)."""
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    conflicts: set[tuple[str, str]] = set()
    for name, text in _java_files(source):
        package = name.removeprefix("java.base/").rsplit("/", 1)[0] + "/"
        if package not in JAVA_PACKAGES:
            continue
        type_name = name.rsplit("/", 1)[1].removesuffix(".java")
        declared = {(node.child_by_field_name("name").text.decode(), node.end_point.row): node
                    for node in _nodes(parse(text, "java").root_node, "method_declaration")}
        for unit in extract_units(text, "java"):
            if unit.scoped_name == f"{type_name}.{unit.name}" and unit.docstring \
                    and (sentence := first_sentence(unit.docstring, "java")):
                _keep(docs, conflicts, type_name, unit.name, sentence)
                if (method := declared.get((unit.name, unit.end_line))) is not None:
                    _keep(docs, conflicts, type_name, f"{unit.name}/{java_arity(method)}", sentence)
    # By arity only where overloads say different things (`InputStream.read()`, `read(byte[], int, int)`).
    return _without({owner: {m: s for m, s in methods.items() if "/" not in m or (owner, m.split("/")[0]) in conflicts}
                     for owner, methods in docs.items()}, conflicts)


def _nodes(root, kind: str):
    """The nodes of type `kind` under `root` (a walk with a stack: a file's depth is no recursion limit)."""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type == kind:
            yield node


def python_class_docs(stdlib: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """{module.Class: {method: first sentence}} and {Class: module.Class} (see below) over the public classes of the Python standard library's modules (tests,
    IDLE, lib2to3 and installed packages left out); dunder and private methods left out, as the hover never asks the
    model about dunders and a private method is no interface."""
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    conflicts: set[tuple[str, str]] = set()
    bases: dict[str, list[str]] = {}  # module.Class -> its bases in its own module (module.Base)
    for path in sorted(stdlib.rglob("*.py")):
        parts = path.relative_to(stdlib).parts
        aliased = PYTHON_ALIASES.get(".".join(parts)[:-3])
        if not aliased and (parts[0] in PYTHON_SKIPPED
                            or any(p in ("test", "tests") or p.startswith("_") for p in parts[:-1])
                            or parts[-1].startswith(("_", "test_")) and parts[-1] != "__init__.py"):
            continue
        module = aliased or ".".join(parts[:-1] + (() if parts[-1] == "__init__.py" else (parts[-1][:-3],)))
        for unit in extract_units(path.read_text("utf-8", "replace"), "python"):
            scopes = unit.scoped_name.split(".")  # as the shipped table was built: classes, not outer functions
            if len(scopes) == 2 and not scopes[0].startswith("_"):
                docs[f"{module}.{scopes[0]}"]  # a class with no documented method still claims its name
                bases.setdefault(f"{module}.{scopes[0]}", [f"{module}.{b}" for b in unit.bases if "." not in b])
                if not unit.name.startswith("_") and unit.docstring \
                        and (sentence := first_sentence(unit.docstring, "python")):
                    _keep(docs, conflicts, f"{module}.{scopes[0]}", unit.name, sentence)
    for owner, methods in python_builtin_docs().items():  # `class LRI(dict)`: its `get` is dict's
        docs[owner].update(methods)
    kept = _without(docs, conflicts)
    for owner in PYTHON_ALIASES.values():  # what its classes inherit in their module, as `inspect.getdoc` reads it
        for name in [n for n in kept if n.startswith(owner + ".")]:
            for base in _module_bases(name, bases):
                kept[name] = {**kept.get(base, {}), **kept[name]}
    # A class's name alone -> its module's path, where no other module has a public class so named (`Formatter` is
    # logging's and string's: only `logging.Formatter` finds it).
    found = defaultdict(list)
    for qualified in docs:
        found[qualified.rsplit(".", 1)[1]].append(qualified)
    names = {name: paths[0] for name, paths in sorted(found.items()) if len(paths) == 1 and paths[0] in kept}
    return kept, names


def _module_bases(name: str, bases: dict[str, list[str]]) -> list[str]:
    """`name`'s bases in its own module, nearest first, each once (a class's MRO within one file, roughly)."""
    order, queue = [], list(bases.get(name, ()))
    while queue:
        base = queue.pop(0)
        if base not in order and base != name:
            order.append(base)
            queue += bases.get(base, ())
    return order


def python_builtin_docs() -> dict[str, dict[str, str]]:
    """{builtins.Class: {method: first sentence}} of this Python's built-in types (`dict`, `list`, `str`, ...; not the
    exceptions), as `inspect.getdoc` gives them: written in C, they have no source in the standard library."""
    import builtins
    import inspect

    docs: dict[str, dict[str, str]] = {}
    for name, kind in sorted(vars(builtins).items()):
        if not isinstance(kind, type) or name.startswith("_") or issubclass(kind, BaseException):
            continue
        methods = {}
        for method in sorted(m for m in vars(kind) if not m.startswith("_")):
            value = getattr(kind, method)  # a static method's own function, not the staticmethod wrapper
            if callable(value) and (doc := inspect.getdoc(value)) \
                    and (sentence := first_sentence(doc, "python")):
                methods[method] = sentence
        if methods:
            docs[f"builtins.{name}"] = methods
    return docs


def go_interface_docs(source: Path) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """{package.Interface: {method shape: first sentence}} over the exported interfaces of GO_PACKAGES, and {package.
    Interface: every method shape it declares} for those: a Go type implements an interface without naming it, so a
    method takes an interface's description only where its type declares all of that interface's own methods
    (`units._inherit_go_interfaces`). Shapes as `units.go_method_shape` writes them, the package's own types
    qualified (`ServeHTTP(http.ResponseWriter,*http.Request)`); the sentence is the method's doc comment's first, else
    that of the interface's paragraph that begins with its name ("Read reads up to len(p) bytes into p."), as
    `go doc` shows them."""
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    methods: dict[str, list[str]] = {}
    for package in GO_PACKAGES:
        for path in sorted((source / package).glob("*.go")):
            if not path.name.endswith("_test.go"):
                for owner, shapes, described in _go_interfaces(path.read_text("utf-8", "replace"), package):
                    if described:
                        docs[owner].update(described)
                        methods[owner] = shapes
    return dict(sorted(docs.items())), dict(sorted(methods.items()))


def _go_interfaces(code: str, package: str):
    """(package.Interface, its method shapes, {shape: first sentence} of those described) of each exported interface
    of a file."""
    qualifier = package.rsplit("/", 1)[-1] + "."

    for declaration in parse(code, "go").root_node.named_children:
        if declaration.type != "type_declaration":
            continue
        for spec in declaration.named_children:
            name, body = spec.child_by_field_name("name"), spec.child_by_field_name("type")
            if spec.type != "type_spec" or body is None or body.type != "interface_type" or name is None \
                    or not name.text.decode()[:1].isupper():
                continue
            paragraphs = (doc_comment(declaration, "go") or "").split("\n\n")
            shapes, described = [], {}
            for element in body.named_children:
                if element.type != "method_elem":
                    continue
                method = element.child_by_field_name("name").text.decode()
                shapes.append(shape := go_method_shape(element, qualifier))
                text = doc_comment(element, "go") or next((p for p in paragraphs if p.startswith(method + " ")), "")
                sentence = first_sentence(text, "go") if text else ""
                if sentence.startswith(method + " ") and not _FOR_IMPLEMENTERS.search(sentence) \
                        and not re.match(rf"{method} (should|must|may|can)\b", sentence):
                    described[shape] = sentence
            if package in GO_GENERAL or len(shapes) > 1 or any("." in shape for shape in shapes):
                yield qualifier + name.text.decode(), shapes, described


def _java_files(source: Path):
    if source.is_dir():
        for path in sorted((source / "java.base").rglob("*.java")):
            yield path.relative_to(source).as_posix(), path.read_text("utf-8", "replace")
        return
    with zipfile.ZipFile(source) as archive:
        for name in sorted(archive.namelist()):
            if name.startswith("java.base/") and name.endswith(".java"):
                yield name, archive.read(name).decode("utf-8", "replace")


# A sentence written to whoever implements the method ("Implement this method in a subclass such that ..."), not
# about what an implementation does: shown on an implementation, it would mislead.
_FOR_IMPLEMENTERS = re.compile(r"\b(override|overrid(den|ing)|implement(ed|ing)? (this|it|in)|implementations? "
                               r"(should|must|may)|subclass(es)? (should|must|may|can))\b", re.IGNORECASE)


def _keep(docs, conflicts, owner: str, method: str, sentence: str) -> None:
    """Record one sentence; a method documented twice (overloads, same-named types) keeps its first unless the
    two differ in type, where it is marked a conflict; one written to implementers is a conflict too."""
    if _FOR_IMPLEMENTERS.search(sentence):
        conflicts.add((owner, method))
        return
    known = docs[owner].get(method)
    if known is None:
        docs[owner][method] = sentence
    elif known != sentence:
        conflicts.add((owner, method))


def _without(docs, conflicts) -> dict[str, dict[str, str]]:
    return {owner: {m: s for m, s in sorted(methods.items()) if (owner, m) not in conflicts}
            for owner, methods in sorted(docs.items()) if any((owner, m) not in conflicts for m in methods)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rust-src", type=Path, required=True, help="the rust-src library folder")
    parser.add_argument("--go-src", type=Path, required=True, help="Go's src folder (golang-1.19-src)")
    parser.add_argument("--jdk-src", type=Path, required=True, help="the JDK's src.zip (or a folder with java.base/)")
    parser.add_argument("--python-stdlib", type=Path, default=Path(sysconfig.get_path("stdlib")),
                        help="the Python standard library (default: this Python's)")
    parser.add_argument("--out", type=Path, default=STANDARD_DOCS_PATH)
    parser.add_argument("--sources", default="", help="what the two folders are (package versions), for the manifest")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the sources' own parse warnings
    table = {"manifest": {"command": shlex.join(["python", "scripts/build_standard_docs.py", *sys.argv[1:]]),
                          "sources": args.sources,
                          "rust": f"public traits of {', '.join(RUST_CRATES)} in {args.rust_src}",
                          "java": f"public types of {', '.join(JAVA_PACKAGES)} in java.base of {args.jdk_src}",
                          "go": f"exported interfaces of {', '.join(GO_PACKAGES)} in {args.go_src}"},
             "rust": rust_trait_docs(args.rust_src), "java": java_type_docs(args.jdk_src),
             **dict(zip(("go", "go-methods"), go_interface_docs(args.go_src))),
             **dict(zip(("python", "python-names"), python_class_docs(args.python_stdlib)))}
    table["manifest"]["python"] = (f"public classes of the Python {sys.version.split()[0]} standard library, and its "
                                   "built-in types (builtins.dict, ...); _collections_abc as collections.abc, with "
                                   "what its classes inherit there")
    args.out.write_text(json.dumps(table, indent=0, ensure_ascii=False) + "\n")
    for language in ("rust", "java", "go", "python"):
        print(f"{language}: {len(table[language])} types, {sum(map(len, table[language].values()))} methods")


if __name__ == "__main__":
    main()
