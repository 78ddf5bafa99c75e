"""The plain functions behind the language server's handlers, called directly (no client, no subprocess)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec

from leancode.index import IndexedUnit
from leancode.server.calls import Call, path_distance, resolve_call
from leancode.server.features.hover import character_index
from leancode.server.workspace import Folder, Hit
from leancode.units import extract_units

HELPERS = "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n"
OTHER = "import os\n\n\ndef gcd(x, y):\n    return x if not y else gcd(y, x % y)\n"
CALLER = "def reduce(n, d):\n    g = gcd(n, d)\n    return n // g, d // g\n"


def write(root: Path, relative: str, code: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)
    return path


def hit(folder: Folder, relative: str, code: str) -> Hit:
    """An index entry for the first function of `code` at `relative`, as `Workspaces.units_named` gives it."""
    unit = extract_units(code, "python")[0]
    indexed = IndexedUnit(path=relative, name=unit.name, qualified_name=unit.qualified_name, language="python",
                          start_line=unit.start_line, end_line=unit.end_line, preview="", key=relative)
    return Hit(folder, indexed, 0.0)


def resolve(name, local, caller, candidates, units_in, receiver=None, line=0, separator=None, language="python"):
    """(unit, where) of `resolve_call`, (None, None) when it means nothing; the call at `line` of `local`."""
    found = resolve_call(Call.at(local, line, name, receiver, separator or (receiver is not None and "."), language),
                         local, caller, candidates, units_in)
    return (found.unit, found.where) if found else (None, None)


def units_from_disk(read: list[str]):
    def units_in(h: Hit):
        read.append(h.unit.path)
        return extract_units(h.path.read_text(), h.unit.language)
    return units_in


def test_path_distance_counts_directory_steps_between_the_files(tmp_path):
    caller = tmp_path / "pkg" / "math" / "fractions.py"
    near = tmp_path / "pkg" / "math" / "helpers.py"
    sibling = tmp_path / "pkg" / "util" / "helpers.py"
    far = tmp_path / "vendor" / "lib" / "deep" / "helpers.py"
    assert path_distance(caller, near)[:2] == (0, 0)
    assert path_distance(caller, sibling)[:2] == (0, 2)
    assert path_distance(caller, far)[:2] == (0, 5)
    assert sorted([far, sibling, near], key=lambda p: path_distance(caller, p)) == [near, sibling, far]
    assert path_distance(None, near)[0] == 1  # an unknown caller (not a file) after every known one


def test_resolve_call_prefers_same_file_then_nearest_file(tmp_path):
    folder = Folder(root=tmp_path, reader=None, updater=None)
    write(tmp_path, "pkg/math/helpers.py", HELPERS)
    write(tmp_path, "vendor/other/helpers.py", OTHER)
    caller = write(tmp_path, "pkg/math/fractions.py", CALLER)
    local = extract_units(CALLER, "python")
    far, near = hit(folder, "vendor/other/helpers.py", OTHER), hit(folder, "pkg/math/helpers.py", HELPERS)

    read: list[str] = []
    unit, where = resolve("gcd", local, caller, [far, near], units_from_disk(read), line=1)
    assert (unit.name, unit.code.splitlines()[0]) == ("gcd", "def gcd(a, b):")
    assert where == f"{tmp_path.name}/pkg/math/helpers.py:1"
    assert read == ["pkg/math/helpers.py"]  # the nearest candidate answered; the far file was never read

    defined_here = local + extract_units("def gcd(p, q):\n    return 1\n", "python")
    unit, where = resolve("gcd", defined_here, caller, [far, near], units_from_disk(read := []), line=1)
    assert (unit.code.splitlines()[0], where, read) == ("def gcd(p, q):", None, [])


def test_resolve_call_skips_unreadable_and_stale_candidates(tmp_path):
    folder = Folder(root=tmp_path, reader=None, updater=None)
    write(tmp_path, "pkg/math/helpers.py", "def lcm(a, b):\n    return a * b\n")  # gcd is gone since indexing
    write(tmp_path, "vendor/other/helpers.py", OTHER)
    caller = write(tmp_path, "pkg/math/fractions.py", CALLER)
    near, far = hit(folder, "pkg/math/helpers.py", HELPERS), hit(folder, "vendor/other/helpers.py", OTHER)

    unit, where = resolve("gcd", [], caller, [near, far], units_from_disk(read := []))
    assert where == f"{tmp_path.name}/vendor/other/helpers.py:4" and unit.code.startswith("def gcd(x, y)")
    assert read == ["pkg/math/helpers.py", "vendor/other/helpers.py"]

    unit, where = resolve("gcd", [], caller, [near, far], lambda h: None)  # nothing readable
    assert (unit, where) == (None, None)
    assert resolve("missing", [], caller, [], units_from_disk([])) == (None, None)


def test_character_index_follows_the_negotiated_encoding():
    line = 'x = "😋" + gcd(a)'  # the emoji: 1 str index, 2 UTF-16 units, 4 UTF-8 bytes
    gcd_at = line.index("gcd")
    lines = ["", line]
    for encoding, units in ((types.PositionEncodingKind.Utf16, gcd_at + 1), (types.PositionEncodingKind.Utf8,
                                                                             gcd_at + 3),
                            (types.PositionEncodingKind.Utf32, gcd_at)):
        codec = PositionCodec(encoding=encoding)
        assert character_index(codec, lines, types.Position(line=1, character=units)) == gcd_at, encoding
        # past the end of the line: the line's end, as before the codec was used
        assert character_index(codec, lines, types.Position(line=1, character=500)) == len(line), encoding
    assert character_index(PositionCodec(), ["", ""], types.Position(line=1, character=3)) == 0


def test_a_plain_call_means_a_function_outside_any_class_and_never_an_overload_stub(tmp_path):
    folder = Folder(root=tmp_path, reader=None, updater=None)
    decorators = "def command(name=None):\n    \"\"\"Create a command.\"\"\"\n    return name\n"
    write(tmp_path, "pkg/decorators.py", decorators)
    here = ("class Group:\n    @overload\n    def command(self, name: str) -> int: ...\n"
            "    def command(self, *args):\n        return command(*args)\n")
    caller = write(tmp_path, "pkg/core.py", here)
    local = extract_units(here, "python")
    elsewhere = hit(folder, "pkg/decorators.py", decorators)
    # `command(*args)` inside the method means the module-level function of decorators.py
    unit, where = resolve("command", local, caller, [elsewhere], units_from_disk([]), line=4)
    assert where == f"{tmp_path.name}/pkg/decorators.py:1" and unit.qualified_name == "command"
    # `self.command(...)` means the method: its implementation, not the @overload stub before it
    unit, where = resolve("command", local, caller, [elsewhere], units_from_disk([]), receiver="self", line=4)
    assert where is None and unit.qualified_name == "Group.command" and "*args" in unit.code
    # another file's @overload stub stands for its implementation there
    stubbed = ("import typing as t\n\n@t.overload\ndef command(name: str) -> int: ...\n\n"
               "def command(name=None):\n    \"\"\"Create a command.\"\"\"\n    return name\n")
    write(tmp_path, "pkg/decorators.py", stubbed)
    stub = hit(folder, "pkg/decorators.py", stubbed)  # the index's first `command` there: the stub
    unit, where = resolve("command", local, caller, [stub], units_from_disk([]), line=4)
    assert where == f"{tmp_path.name}/pkg/decorators.py:6" and "Create a command." in unit.code
    # with nothing elsewhere, a plain call means no method (Python reaches one only through an object)
    assert resolve("command", local, caller, [], units_from_disk([]), line=4) == (None, None)


def test_a_plain_call_of_an_imported_name_means_the_function_of_the_file_its_import_names(tmp_path):
    from leancode.inherited import imported_from

    # io-ts's PathReporter: `import { fold } from 'fp-ts/es6/Either'`, then `fold(...)`, hovered io-ts's own
    # DecodeError.fold, with no word that it was a guess
    folder = Folder(root=tmp_path, reader=None, updater=None)
    near = write(tmp_path, "pkg/near.py", "def fold(x):\n    \"\"\"The near one.\"\"\"\n")
    far = write(tmp_path, "lib/deep/far.py", "def fold(x):\n    \"\"\"The far one.\"\"\"\n")
    candidates = [hit(folder, "pkg/near.py", near.read_text()), hit(folder, "lib/deep/far.py", far.read_text())]

    def resolved(code):
        caller = write(tmp_path, "pkg/caller.py", code)
        local = extract_units(code, "python")
        found = resolve_call(Call.at(local, 3, "fold", None, None, "python",
                                     imported=imported_from("fold", caller, code, "python")),
                             local, caller, candidates, units_from_disk([]))
        return found.where.split("/", 1)[1], found.guessed

    body = "\ndef run(x):\n    return fold(x)\n"
    assert resolved("import os" + body) == ("pkg/near.py:1", False)  # no import of it: the nearest
    assert resolved("from lib.deep.far import fold" + body) == ("lib/deep/far.py:1", False)  # the imported file's
    assert resolved("from fp.either import fold" + body) == ("pkg/near.py:1", True)  # a package's: a guess
    assert imported_from("fold", tmp_path / "a.ts", "import { fold } from './lib/deep/far';\n", "typescript") \
        == frozenset() and imported_from("fold", tmp_path / "a.ts", "fold(1)\n", "typescript") is None
    # defu's `import { createDefu } from "./dist/defu.mjs"` beside dist/defu.d.ts: the module itself too
    write(tmp_path, "dist/defu.mjs", "export function createDefu(merger) { return merger; }\n")
    write(tmp_path, "dist/defu.d.ts", "export declare function createDefu(merger: any): any;\n")
    assert imported_from("createDefu", tmp_path / "usage.mjs", 'import { createDefu } from "./dist/defu.mjs";\n',
                         "javascript") == {(tmp_path / "dist" / name).resolve() for name in ("defu.mjs", "defu.d.ts")}
    # a name imported under another (dacite's `from .dataclasses import get_fields as dataclasses_get_fields`, in a
    # file that defines a `get_fields` of its own): the imported function, not the file's
    from leancode.inherited import imported_as

    code = "from lib.deep.far import fold as far_fold\n\ndef fold(x):\n    return far_fold(x)\n"
    caller = write(tmp_path, "pkg/caller.py", code)
    assert imported_as("far_fold", code, "python") == "fold" and imported_as("fold", code, "python") is None
    local = extract_units(code, "python")
    call = Call.at(local, 3, "fold", None, None, "python", imported=imported_from("far_fold", caller, code, "python"))
    found = resolve_call(dataclasses.replace(call, renamed=True), local, caller, candidates, units_from_disk([]))
    assert (found.where.split("/", 1)[1], found.guessed) == ("lib/deep/far.py:1", False)


def test_a_method_called_on_a_local_literal_or_built_in_collection_means_no_function_of_the_workspace(tmp_path):
    # voluptuous: `exception_errors = []` then `exception_errors.extend(...)` hovered `Schema.extend`
    folder = Folder(root=tmp_path, reader=None, updater=None)
    schema = write(tmp_path, "schema.py", "class Schema:\n    def extend(self, other):\n        \"\"\"Merge.\"\"\"\n")
    candidates = [Hit(folder, dataclasses.replace(hit(folder, "schema.py", schema.read_text()).unit,
                                                  name="extend", qualified_name="Schema.extend"), 0.0)]
    for language, code in (
            ("python", "def run(items):\n    errors: list[str] = []\n    errors.extend(items)\n"),
            ("python", "def run(items):\n    errors = set()\n    errors.extend(items)\n"),
            ("typescript", "function run(items) {\n  const errors: string[] = [];\n  errors.extend(items);\n}\n"),
            ("javascript", "function run(items) {\n  let errors = new Map();\n  errors.extend(items);\n}\n")):
        caller = write(tmp_path, "caller." + {"python": "py", "typescript": "ts", "javascript": "js"}[language], code)
        local = extract_units(code, language)
        assert resolve("extend", local, caller, candidates, units_from_disk([]), receiver="errors", line=2,
                       language=language) == (None, None), code
    code = "def run(items):\n    errors = make_errors()\n    errors.extend(items)\n"  # not known: a guess
    caller = write(tmp_path, "caller.py", code)
    unit, _ = resolve("extend", extract_units(code, "python"), caller, candidates, units_from_disk([]),
                      receiver="errors", line=2)
    assert unit is not None and unit.qualified_name == "Schema.extend"


def test_a_method_call_on_another_object_than_the_callers_is_never_a_free_function_nor_the_caller(tmp_path):
    from leancode.inherited import module_names
    from leancode.server.hover import call_at, receiver_root

    # base64's `encoder\n    .encode(input, &mut sink)` (rustfmt's chain) showed the free `encode` as if certain;
    # go-multierror's `g.wg.Wait()` in `Group.Wait` showed `Group.Wait` itself, `errors.As(` its `chain.As`
    folder = Folder(root=tmp_path, reader=None, updater=None)
    code = ("pub fn encode(input: &[u8]) -> String { String::new() }\n"
            "pub fn encode_config(input: &[u8]) -> String {\n    encoder\n        .encode(input, &mut sink);\n}\n"
            "impl ChunkedEncoder {\n    pub fn encode(&self, bytes: &[u8]) {}\n}\n")
    caller = write(tmp_path, "src/encode.rs", code)
    local = extract_units(code, "rust")
    assert call_at("        .encode(input, &mut sink);", 10, "rust") == ("encode", "", ".")
    found = resolve_call(Call.at(local, 3, "encode", "", ".", "rust"), local, caller, [], units_from_disk([]))
    assert found.unit.qualified_name == "ChunkedEncoder.encode" and found.guessed
    go = ("package multierror\n\nimport (\n\t\"errors\"\n\t\"sync\"\n)\n\n"
          "// Wait blocks until all calls have returned.\nfunc (g *Group) Wait() error {\n\tg.wg.Wait()\n"
          "\treturn errors.As(g.err, nil)\n}\n\nfunc (c chain) As(target any) bool { return false }\n\n"
          "func TestError(t *testing.T) {\n\tmulti := &Error{}\n\tmulti.Wait()\n\treturn e[0].Wait()\n}\n")
    caller = write(tmp_path, "group.go", go)
    local = extract_units(go, "go")
    assert receiver_root("\tg.wg.Wait()", 6) == "g" and call_at("\treturn e[0].Wait()", 14, "go") == ("Wait", "", ".")
    assert resolve_call(Call.at(local, 9, "Wait", "wg", ".", "go", through="g"), local, caller, [],
                        units_from_disk([])) is None  # a field of the caller's object: not the caller
    assert resolve_call(Call.at(local, 18, "Wait", "", ".", "go"), local, caller, [], units_from_disk([])).guessed
    modules = module_names(go, "go")
    assert modules == {"errors", "sync"}
    assert resolve_call(Call.at(local, 10, "As", "errors", ".", "go", modules=modules), local, caller, [],
                        units_from_disk([])) is None  # the standard package's
    # a local bound to an instance: that class's method (`multi := &Error{}`), not any of the name
    errors = write(tmp_path, "multierror.go", "package multierror\n\n// Wait waits.\nfunc (e *Error) Wait() {}\n")
    other = write(tmp_path, "other.go", "package multierror\n\nfunc (n *nested) Wait() {}\n")
    candidates = [Hit(folder, IndexedUnit(path=path.name, name="Wait", qualified_name=f"{owner}.Wait", language="go",
                                          start_line=line, end_line=line, preview="", key=path.name), 0.0)
                  for path, owner, line in ((other, "nested", 2), (errors, "Error", 3))]
    found = resolve_call(Call.at(local, 17, "Wait", "multi", ".", "go"), local, caller, candidates,
                         units_from_disk([]))
    assert found.unit.qualified_name == "Error.Wait" and not found.guessed


def test_a_method_called_on_a_field_means_the_method_of_the_class_its_declaration_names(tmp_path):
    from leancode.server.calls import _field_type

    # netinfo: `this._subscriptions.add(` (`new Set()`) hovered State.add, the caller itself; `mConnectivityReceiver.
    # unregister()` (`ConnectivityReceiver mConnectivityReceiver;`) another class's; go-multierror's `g.wg.Wait()`
    ts = ("class State {\n  private _subscriptions = new Set();\n  private _sub: Subscription | null = null;\n"
          "  private _reach: Reachability;\n}\n")
    assert [_field_type(f, ts, "typescript") for f in ("_subscriptions", "_sub", "_reach", "other")] == [
        "", "Subscription", "Reachability", None]
    java = ("class Impl {\n    private final ConnectivityReceiver mConnectivityReceiver;\n"
            "    List<String> names = x;\n}\n")
    assert [_field_type(f, java, "java") for f in ("mConnectivityReceiver", "names")] == [
        "ConnectivityReceiver", "List"]
    go = "type Group struct {\n\tmutex sync.Mutex\n\terr *Error\n\twg  sync.WaitGroup\n\tn int\n}\n"
    assert [_field_type(f, go, "go") for f in ("mutex", "err", "wg", "n")] == ["", "Error", "", ""]
    python = "class C:\n    def __init__(self):\n        self.core = Core(3)\n        self.items = []\n"
    assert [_field_type(f, python, "python") for f in ("core", "items")] == ["Core", ""]
    folder = Folder(root=tmp_path, reader=None, updater=None)
    receiver = write(tmp_path, "receiver.java", "abstract class ConnectivityReceiver {\n    /** Stops listening. */\n"
                                                "    public abstract void unregister();\n}\n")
    poller = write(tmp_path, "poller.java", "class Poller {\n    public void unregister() {}\n}\n")
    candidates = [Hit(folder, IndexedUnit(path=path.name, name="unregister", qualified_name=f"{owner}.unregister",
                                          language="java", start_line=line, end_line=line, preview="", key=path.name),
                      0.0) for path, owner, line in ((poller, "Poller", 1), (receiver, "ConnectivityReceiver", 2))]
    code = java.replace("}\n", "    void invalidate() {\n        mConnectivityReceiver.unregister();\n    }\n}\n")
    caller = write(tmp_path, "Impl.java", code)
    local = extract_units(code, "java")
    found = resolve_call(Call.at(local, 4, "unregister", "mConnectivityReceiver", ".", "java", code=code), local,
                         caller, candidates, units_from_disk([]))
    assert found.where.endswith("receiver.java:3") and not found.guessed


def test_super_of_a_class_named_as_its_base_means_the_bases_method(tmp_path):
    # pyrsistent: `class Evolver(PythonPVector.Evolver)` in CheckedPVector; `super(CheckedPVector.Evolver,
    # self).append(` hovered the caller's own class's `append`
    folder = Folder(root=tmp_path, reader=None, updater=None)
    write(tmp_path, "pvector.py", "class PythonPVector:\n    class Evolver:\n        def append(self, x):\n"
                                    "            \"\"\"Append to the vector.\"\"\"\n")
    code = ("class CheckedPVector:\n    class Evolver(PythonPVector.Evolver):\n        def append(self, x):\n"
            "            return super(CheckedPVector.Evolver, self).append(x)\n")
    caller = write(tmp_path, "checked.py", code)
    candidates = [Hit(folder, IndexedUnit(path="pvector.py", name="append", language="python", start_line=2,
                                          qualified_name="PythonPVector.Evolver.append", end_line=3, preview="",
                                          key="pvector"), 0.0)]
    unit, where = resolve("append", extract_units(code, "python"), caller, candidates, units_from_disk([]),
                          receiver="super", line=3)
    assert where == f"{tmp_path.name}/pvector.py:3" and "Append to the vector." in unit.code


def test_reading_a_receivers_type_takes_linear_time():
    from linear import assert_linear

    from leancode.inherited import imported_as, module_names
    from leancode.server.calls import _bound_to_builtin, _bound_type, _field_type
    from leancode.server.hover import call_at, receiver_root

    def read(n: int) -> None:
        for code in ("\n" * (20 * n) + "x", " " * (20 * n) + "x", "A" * (20 * n) + " x;", "x: " * (5 * n)):
            for language in ("go", "typescript", "java", "python"):
                _field_type("x", code, language) or module_names(code, language) or imported_as("x", code, language)
        unit = extract_units("def f():\n    pass\n", "python")[0]
        unit = dataclasses.replace(unit, code="x = " + "(" * (100 * n) + "\n" * (100 * n))
        _bound_type("x", unit) or _bound_to_builtin("x", unit)
        line = "a." * (100 * n) + "b(" + "(" * (50 * n)
        call_at(line, len(line) - 50 * n - 1, "python") or receiver_root(line, len(line) - 50 * n - 1)

    assert_linear(read, 500)  # (the largest file read under the bounds on what is read: 40,000 characters)


def test_settings_refuse_a_ratio_that_leaves_nothing_and_a_summarizer_path_without_a_model(tmp_path):
    import pytest

    from leancode.server.hover import load_summarizer
    from leancode.server.settings import SettingsError, parse_settings

    for bad in ({"ratio": 1}, {"summaryRatio": 1.0}):
        with pytest.raises(SettingsError, match="below 1"):
            parse_settings(bad)
    told: list[str] = []
    assert load_summarizer(str(tmp_path / "nowhere"), told.append, generated=True).model is None
    assert "is not a model directory" in told[0] and "Repo id" not in told[0]
    # The model's lines off (the default), no model loads: the summary bank alone answers
    from leancode.summarizer import BankSummarizer

    assert type(load_summarizer(str(tmp_path / "nowhere"), told.append).model) is BankSummarizer and len(told) == 1


def test_a_call_means_a_function_of_its_own_language_family():
    from leancode.languages import same_family

    assert same_family("python", "python") and not same_family("python", "java")
    assert same_family("javascript", "typescript") and same_family("tsx", "javascript")
    assert not same_family("javascript", "rust")


STORE = ("def get(key):\n    return key\n\n\nclass Store:\n    def get(self, key):\n        return self.load(key)\n\n"
         "    def load(self, key):\n        return key\n\n    def save(self):\n        d = {}\n        d.get('a')\n"
         "        super().save()\n        open(self.path)\n        Store.load(1)\n        Path.home()\n\n"
         "def outer():\n    def fmt(x):\n        return x\n    return fmt(1)\n\n\ndef fmt(x):\n    return str(x)\n")
ARCHIVE = "class Archive:\n    def open(self):\n        return 1\n\n    def save(self):\n        return 2\n"


@pytest.mark.parametrize("name, receiver, line, expected, guessed", [
    ("load", "self", 6, ("Store.load", None), False),  # the caller's own class
    ("get", "d", 13, None, None),  # `d = {}`: a dict's, no method of the workspace (unknown: a guess, said so)
    ("save", "super", 14, ("Archive.save", "archive.py"), True),  # a method of another class, never its own
    ("open", None, 15, None, None),  # a builtin: no method answers a plain call
    ("load", "Store", 16, ("Store.load", None), False),  # the class named
    ("home", "Path", 17, None, None),  # a class the workspace does not define
    ("fmt", None, 22, ("outer.fmt", None, 20), False),  # the function nested where the call is
    ("fmt", None, 26, ("fmt", None, 25), False),  # elsewhere: the top-level one
])
def test_a_call_means_what_its_receiver_says(tmp_path, name, receiver, line, expected, guessed):
    folder = Folder(root=tmp_path, reader=None, updater=None)
    caller = write(tmp_path, "store.py", STORE)
    write(tmp_path, "archive.py", ARCHIVE)
    local = extract_units(STORE, "python")
    archive = [Hit(folder, IndexedUnit(path="archive.py", name=u.name, qualified_name=u.qualified_name,
                                       language="python", start_line=u.start_line, end_line=u.end_line, preview="",
                                       key=u.qualified_name), 0.0) for u in extract_units(ARCHIVE, "python")]
    found = resolve_call(Call.at(local, line, name, receiver, receiver is not None and ".", "python"), local, caller,
                         [h for h in archive if h.unit.name == name], units_from_disk([]))
    if expected is None:
        assert found is None
        return
    assert (found.unit.qualified_name, found.where and found.where.split("/")[-1].split(":")[0]) == expected[:2]
    if len(expected) > 2:
        assert found.unit.start_line == expected[2]
    assert found.guessed is guessed


def test_a_plain_call_reaches_functions_nested_in_methods_and_modules_and_a_nested_class_is_its_own():
    python = ("class A:\n    def m(self):\n        def inner(x):\n            return x\n        return inner(1)\n\n"
              "    def n(self):\n        return 1\n\n    class Inner:\n        def n(self):\n            return 2\n\n"
              "        def m(self):\n            return self.n()\n")
    local = extract_units(python, "python")
    nested = resolve_call(Call.at(local, 4, "inner", None, None, "python"), local, None, [], lambda h: None)
    assert (nested.unit.qualified_name, nested.unit.start_line) == ("A.m.inner", 2)
    own = resolve_call(Call.at(local, 14, "n", "self", ".", "python"), local, None, [], lambda h: None)
    assert (own.unit.qualified_name, own.guessed) == ("A.Inner.n", False)
    rust = ("fn helper() {}\nmod tests {\n    fn setup() {}\n    fn t() {\n        setup();\n        super::helper();\n"
            "        crate::helper();\n    }\n}\n")
    local = extract_units(rust, "rust")
    for line, name, receiver in ((4, "setup", None), (5, "helper", "super"), (6, "helper", "crate")):
        found = resolve_call(Call.at(local, line, name, receiver, receiver and "::", "rust"), local, None, [],
                             lambda h: None)
        assert found is not None and found.unit.name == name and not found.guessed, line


def test_a_rust_path_and_a_go_receiver_name_the_type():
    rust = ("struct IpNet;\nstruct Ipv6Net;\nimpl IpNet {\n    fn new() -> Self { IpNet }\n}\n"
            "impl Ipv6Net {\n    fn new() -> Self { Ipv6Net }\n    fn make() -> Self { Self::new() }\n}\n"
            "fn f() {\n    let a = Ipv6Net::new();\n    let v = Vec::new();\n    let s = std::mem::swap(a, v);\n}\n")
    local = extract_units(rust, "rust")
    for line, receiver, expected in ((10, "Ipv6Net", "Ipv6Net.new"), (7, "Self", "Ipv6Net.new"), (11, "Vec", None)):
        found = resolve_call(Call.at(local, line, "new", receiver, "::", "rust"), local, None, [], lambda h: None)
        assert (found and found.unit.qualified_name) == expected, line
    go = ("package cron\n\ntype Cron struct{}\ntype Timer struct{}\n\nfunc (c *Cron) Stop() {}\n"
          "func (t *Timer) Stop() {}\n\nfunc (c *Cron) Run() {\n    c.Stop()\n    timer.Stop()\n}\n")
    local = extract_units(go, "go")
    own = resolve_call(Call.at(local, 9, "Stop", "c", ".", "go"), local, None, [], lambda h: None)
    assert (own.unit.qualified_name, own.guessed) == ("Cron.Stop", False)
    other = resolve_call(Call.at(local, 10, "Stop", "timer", ".", "go"), local, None, [], lambda h: None)
    assert other.guessed  # a variable of a type not known: whichever `Stop`, said to be a guess
    assert other.alternatives == 1  # ... and of how many: Timer's `Stop` could as well be meant

def test_a_go_receivers_method_in_another_file_of_its_package_is_no_guess(tmp_path):
    # gorilla/websocket: `c.NextWriter(` in json.go's `func (c *Conn) WriteJSON`, of `Conn` in conn.go, was labelled
    # "matched by name"; another package's type of the name stays apart
    folder = Folder(root=tmp_path, reader=None, updater=None)
    conn = "package websocket\n\ntype Conn struct{}\n\nfunc (c *Conn) NextWriter(t int) error { return nil }\n"
    other = "package proxy\n\ntype Conn struct{}\n\nfunc (c *Conn) NextWriter(t int) error { return nil }\n"
    json = "package websocket\n\nfunc (c *Conn) WriteJSON(v any) error {\n    return c.NextWriter(1)\n}\n"
    caller = write(tmp_path, "ws/json.go", json)
    hits = [Hit(folder, IndexedUnit(path=path, name="NextWriter", qualified_name="Conn.NextWriter", language="go",
                                    start_line=4, end_line=4, preview="", key=path), 0.0)
            for path, code in (("proxy/conn.go", other), ("ws/conn.go", conn)) if write(tmp_path, path, code)]
    local = extract_units(json, "go")
    found = resolve_call(Call.at(local, 3, "NextWriter", "c", ".", "go"), local, caller, hits, units_from_disk([]))
    assert (found.where.split("/", 1)[1].split(":")[0], found.guessed) == ("ws/conn.go", False)


def test_a_guess_tells_how_many_functions_have_that_name():
    from leancode.function_summary import summarize_units
    from leancode.server.hover import render

    [unit] = extract_units("func (t *Timer) Stop() {}\n", "go")
    [summary] = summarize_units([unit], None)
    assert "(matched by name; the receiver's type" in render(unit, summary, None, matched_by_name=True)
    told = render(unit, summary, None, matched_by_name=True, alternatives=3)
    assert "defined in this file (matched by name, one of 4 so named; the receiver's type is not checked)" in told


def test_hover_markdown_shows_a_docstring_as_text_and_no_signature_closes_its_fence():
    from leancode.server import hover

    code = ('def merge(*args, sep="```", **kwargs):\n'
            '    """Merge *args and **kwargs __init__ style, <img src=x onerror=alert(1)> & [x](javascript:alert(1))'
            ' too."""\n    return args\n')
    [unit] = extract_units(code, "python")
    text = hover.hover_markdown(unit, hover.HoverSummarizer(None), hover.HoverCache(), "leancode", 0.5, False)
    assert text.split("\n\n") == [
        r"Merge \*args and \*\*kwargs \_\_init\_\_ style, \<img src=x onerror=alert(1)\> \& \[x\](javascript:alert(1))"
        " too.",
        "*documentation*",
        '````python\ndef merge(*args, sep="```", **kwargs)\n````']  # a fence longer than the signature's ```
    assert hover.escape_markdown("# Heading") == r"\# Heading"
    assert hover.escape_markdown("- item, 1. first") == r"\- item, 1. first"
    assert hover.escape_markdown("1. first") == r"1\. first" and hover.escape_markdown("3.5 times") == "3.5 times"
    # a simple code span stays code (nothing in it is markdown or HTML); a stray backtick is text
    assert hover.escape_markdown("Is `a < b` & `*x*` or `y") == r"Is `a < b` \& `*x*` or \`y"


def test_a_hover_cancelled_while_it_waits_for_the_summarizer_never_runs_it():
    import threading

    from leancode.server import hover

    writing, release, generated = threading.Event(), threading.Event(), []

    class Model:  # stands in for the summarizer: the first hover's line takes until `release`
        path, threshold = "test-model", None

        def generate(self, sources, **kwargs):
            generated.append(sources)
            writing.set()
            release.wait(30)
            raise LookupError("this model writes nothing")

    summarizer = hover.HoverSummarizer(Model())
    first, second = extract_units("def first(a):\n    return a + 1\n\n\ndef second(b):\n    return b * 2\n", "python")
    outcomes: dict[str, str] = {}

    def hover_of(unit, cancelled) -> None:
        try:
            hover.hover_markdown(unit, summarizer, hover.HoverCache(), "leancode", 0.5, False, cancelled=cancelled)
        except Exception as error:
            outcomes[unit.name] = type(error).__name__

    second_cancelled = threading.Event()
    threads = [threading.Thread(target=hover_of, args=(first, lambda: False)),
               threading.Thread(target=hover_of, args=(second, second_cancelled.is_set))]
    threads[0].start()
    assert writing.wait(30)
    threads[1].start()  # waits for its turn at the model
    second_cancelled.set()  # the client cancels it meanwhile
    release.set()
    for thread in threads:
        thread.join(30)
    assert outcomes == {"first": "LookupError", "second": "HoverCancelled"}
    assert len(generated) == 1  # the cancelled hover never ran the model


def test_a_workspace_folder_that_cannot_be_indexed_is_told_and_skipped(tmp_path):
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    foreign = tmp_path / "repo"
    (foreign / ".leancode").mkdir(parents=True)
    (foreign / ".leancode" / "notes.txt").write_text("not an index\n")  # someone's own `.leancode` directory
    logged = []
    workspaces = Workspaces(parse_settings({})[0], logged.append)
    assert workspaces.add_folder("/") is None and "file system root" in logged[-1]
    assert workspaces.add_folder(foreign) is None and "not a LeanCode index" in logged[-1]
    assert workspaces.folders == {}


def test_a_search_or_hover_meanwhile_folders_are_added_is_answered():
    """The hover's lookup waits on a folder's lock (held while the indexing thread publishes it) while the
    indexing thread adds a folder: it must not fail with "dictionary changed size during iteration"."""
    import threading
    import time

    from leancode.server.settings import Settings
    from leancode.server.workspace import Workspaces

    state = Workspaces(Settings())
    for k in range(3):
        state.folders[Path(f"/f{k}")] = Folder(root=Path(f"/f{k}"), reader=None, updater=None)
    publishing = state.folders[Path("/f0")].lock
    publishing.acquire()
    answers = []
    hover = threading.Thread(target=lambda: answers.append(state.units_named("helper")))
    hover.start()
    time.sleep(0.2)  # the hover now waits for the first folder
    state.folders[Path("/f9")] = Folder(root=Path("/f9"), reader=None, updater=None)
    publishing.release()
    hover.join(10)
    assert answers == [[]]


def test_watched_file_events_worth_an_update(tmp_path):
    from leancode.server.features.documents import worth_an_update

    (tmp_path / "v1.2").mkdir()
    (tmp_path / "notes.txt").write_text("")
    for relative, worth in [("src/app.py", True), ("v1.2", True), ("com.example", True),  # a directory, one deleted
                            ("notes.txt", False), (".git/index", False), (".leancode/snapshot.npz", False),
                            ("dist/app.js", True)]:  # dist/ may be brought back by an ignore file's `!dist/`
        assert worth_an_update(relative, tmp_path / relative) is worth, relative


def test_the_server_watches_directories_created_and_deleted_whole(tmp_path):
    """Editors report a directory deleted or renamed as one event for it, which a watcher of source files misses."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from lsp_raw import RawServer

    with RawServer(root=tmp_path, capabilities={"workspace": {"didChangeWatchedFiles": {
            "dynamicRegistration": True}}}) as server:
        request = server.wait_for("client/registerCapability", timeout=60)
        [registration] = request["params"]["registrations"]
        watchers = registration["registerOptions"]["watchers"]
        assert {"globPattern": "**/*", "kind": 5} in watchers  # create and delete, every path
        assert any(w["globPattern"].startswith("**/*.{py") and "kind" not in w for w in watchers)


@pytest.mark.slow  # embeds with the packaged model
def test_nested_workspace_folders_answer_once_and_fresh(tmp_path):
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    outer, inner = tmp_path / "outer", tmp_path / "outer" / "pkg"
    inner.mkdir(parents=True)
    (outer / "app.py").write_text("def run_app(argv):\n    return main(argv)\n")
    (inner / "deep.py").write_text("def parse_header(line):\n    return line.split(':', 1)\n")
    state = Workspaces(parse_settings({"method": "slimcode"})[0])
    folders = [state.add_folder(outer)]
    state.update(folders[0])
    # An unsaved buffer of pkg/ while only the outer folder is open: the outer folder holds it...
    state.set_overlay(inner / "deep.py", "def parse_footer(line):\n    return line.split(':', 1)\n", 1)
    folders.append(state.add_folder(inner))  # ...until pkg/ opens as a folder of its own
    state.update(folders[1])
    found = [(h.folder.root, h.unit.name) for h in state.search("split a header line", 10)]
    assert found.count((inner, "parse_header")) == 1 and (outer, "parse_header") not in found  # once, by pkg
    assert "parse_footer" not in [name for _, name in found]  # the outer's buffer of a file now pkg's
    (inner / "deep.py").write_text("def parse_trailer(line):\n    return line.split(':', 1)\n")
    state.update(folders[1])  # what a change under pkg/ updates: the innermost folder
    names = [h.unit.name for h in state.search("split a header line", 10)]
    assert "parse_trailer" in names and "parse_header" not in names  # the outer's stale copy is not served
    assert [h.folder.root for h in state.units_named("parse_trailer")] == [inner]
    state.drop_overlay(inner / "deep.py")  # the buffer closed: no folder keeps it...
    state.remove_folder(inner)
    state.update(folders[0])
    assert "parse_footer" not in [h.unit.name for h in state.search("split a header line", 10)]  # ...the outer neither


@pytest.mark.slow  # embeds with the packaged model
def test_the_editor_ranks_a_function_that_does_nothing_after_the_code_as_the_cli_does(tmp_path):
    from leancode.cli import main
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    # The folders' hits were sorted again by tier, test and score: the stub came back above `add`.
    (tmp_path / "sortedlist.py").write_text(
        "class SortedList:\n    def insert(self, index, value):\n        raise NotImplementedError('use add')\n\n"
        "    def add(self, value):\n        self._lists.append(value)\n        self._len += 1\n")
    query = "insert a value into the sorted list"
    assert main(["index", str(tmp_path)]) == 0
    state = Workspaces(parse_settings({})[0])
    state.update(state.add_folder(tmp_path))
    assert [h.unit.name for h in state.search(query, 2)] == ["add", "insert"]


def test_an_edit_below_a_form_feed_or_line_separator_lands_on_its_line():
    from pygls.workspace import TextDocument

    import leancode.server.core  # noqa: F401  (sets the LSP line breaks)

    for odd in ("\f", "\u2028", "\x85", "\v"):
        document = TextDocument("file:///a.py", f"x = 1{odd}2\ndef beta():\n    return 1\n")
        assert len(document.lines) == 3
        document.apply_change(types.TextDocumentContentChangePartial(  # rename beta (line 1, characters 4-8)
            range=types.Range(start=types.Position(line=1, character=4), end=types.Position(line=1, character=8)),
            text="gamma_ray"))
        assert document.source == f"x = 1{odd}2\ndef gamma_ray():\n    return 1\n", repr(odd)
    assert TextDocument("file:///b.py", "a\r\nb\rc\nd").lines == ("a\r\n", "b\r", "c\n", "d")


def test_the_table_setting_serves_the_index_leancode_index_built_with_that_table(tmp_path):
    import shutil

    from leancode.cli import main
    from leancode.importance import default_table_dir
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    table = tmp_path / "my-table"
    shutil.copytree(default_table_dir("python"), table)  # a table of its own: the shipped one, as a user's copy
    root = tmp_path / "repo"
    root.mkdir()
    (root / "words.py").write_text("def count_words(text):\n    return len(text.split())\n\n\n"
                                   "def shout(text):\n    return text.upper() + '!'\n")
    assert main(["index", str(root), "--table", str(table)]) == 0
    mine = Workspaces(parse_settings({"table": str(table)})[0])
    stats = mine.update(mine.add_folder(root))
    assert (stats.embedded, stats.reused) == (0, 2)  # the CLI's vectors: same table, same cache key
    assert mine.encoder.table == str(table.resolve())
    shipped = Workspaces(parse_settings({})[0])
    assert shipped.update(shipped.add_folder(root)).embedded == 2  # the shipped tables: other vectors


def read_frames(stream: bytes, chunk: int) -> tuple[list[bytes], list[str]]:
    """The bodies `Frames` reads from `stream` coming `chunk` bytes at a time, and the bad frames it told of."""
    import asyncio

    from leancode.server.framing import Frames

    starts = iter(range(0, len(stream), chunk))

    async def read() -> bytes:
        start = next(starts, len(stream))
        return stream[start:start + chunk]

    bad: list[str] = []
    frames = Frames(read, bad.append)

    async def bodies() -> list[bytes]:
        found = []
        while (body := await frames.next()) is not None:
            found.append(body)
        return found

    return asyncio.run(bodies()), bad


def test_a_large_message_is_framed_in_linear_time():
    # Each 64 KB read searched the whole body so far for a header inside it: a 16 MB didOpen took 13 s, one at the
    # 64 MB cap 4 minutes.
    import json

    from leancode.server.framing import CHUNK

    from lsp_raw import frame

    text = "x = 1\n" * (16 * 2**20 // 7)
    body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///big.py", "languageId": "python", "version": 1, "text": text}}}).encode()
    ping = b'{"jsonrpc": "2.0", "id": 1, "method": "leancode/ping"}'
    assert read_frames(frame(body) + frame(ping), CHUNK) == ([body, ping], [])
    # A length too long still gives way to the header inside its body, however the reads cut that header.
    too_long = b"Content-Length: %d\r\n\r\n" % (len(ping) + 100) + ping
    inside = b"content-length: %d\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n" % len(ping) + ping
    for chunk in (1, 7, CHUNK):
        assert read_frames(too_long + inside, chunk) == (
            [ping], [f"frame shorter than its Content-Length {len(ping) + 100}: skipped {len(ping)} bytes "
                     f"({ping[:40]!r})"])


def test_the_editor_shows_a_rust_method_as_rust_writes_it(tmp_path):
    from leancode.server.features.search import hit_json

    folder = Folder(root=tmp_path, reader=None, updater=None)
    unit = IndexedUnit(path="lib.rs", name="parse", qualified_name="Version.parse", language="rust", start_line=3,
                       end_line=3, preview="", key="k")
    assert hit_json(Hit(folder, unit, 0.5))["name"] == "Version::parse"
    assert hit_json(hit(folder, "semver.py", "class Version:\n    def parse(self): pass\n"))["name"] == "Version.parse"


def test_the_editor_s_search_marks_a_function_whose_file_is_gone_before_the_update_drops_it(tmp_path):
    """A file deleted while the update that drops it still embeds a large change (40 s in the QA run): its functions
    are shown as deleted, not as current."""
    from leancode.server.features.search import hit_json
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    write(tmp_path, "ostrich.py", 'def feed_the_ostrich(grain):\n    """Feed the ostrich some grain."""\n    return grain\n')
    write(tmp_path, "barn.py", 'def sweep_the_barn(floor):\n    """Sweep the barn floor."""\n    return floor\n')
    state = Workspaces(parse_settings({})[0])
    state.update(state.add_folder(tmp_path))
    (tmp_path / "ostrich.py").unlink()
    stale = {h["name"]: h["stale"] for h in map(hit_json, state.search("feed the ostrich", 2))}
    assert stale == {"feed_the_ostrich": "deleted", "sweep_the_barn": False}


def test_the_hover_cache_tells_apart_what_lies_outside_a_functions_code():
    # Two classes with the same constructor code shared one cached hover: `Pool.constructor` showed "documentation of
    # its class `Cache`"; an edited comment above a function kept its old text.
    from leancode.server import hover

    code = ("/** A cache of parsed templates. */\nclass Cache {\n  constructor(p) {\n    this.p = p;\n  }\n}\n"
            "/** A pool of workers. */\nclass Pool {\n  constructor(p) {\n    this.p = p;\n  }\n}\n")
    cache = hover.HoverCache()
    shown = [hover.hover_markdown(u, hover.HoverSummarizer(None), cache, "leancode", 0.5, False)
             for u in extract_units(code, "javascript")]
    assert "`Cache`" in shown[0] and "`Pool`" in shown[1] and "A pool of workers." in shown[1]
    for said in ("Returns the sum.", "Returns the difference."):
        [unit] = extract_units(f"// {said}\nfunction f(a, b) {{\n  return a - b;\n}}\n", "javascript")
        assert hover.hover_markdown(unit, hover.HoverSummarizer(None), cache, "leancode", 0.5, False) \
            .startswith(said)
