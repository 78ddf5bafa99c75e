"""The hover on a call written with type arguments, on a declaration without a body, and on a name defined more than
once in a file: `compute_hover` as the server's handler runs it (no client, no subprocess), on a file of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from leancode.index import IndexedUnit
from leancode.languages import call_arguments
from leancode.server import hover
from leancode.server.calls import Call, parameter_counts, resolve_call
from leancode.server.core import LeanCodeServer
from leancode.server.features.hover import compute_hover
from leancode.server.workspace import Folder, Hit
from leancode.units import extract_units
from linear import assert_linear

EXTENSIONS = {"python": "py", "java": "java", "javascript": "js", "typescript": "ts", "tsx": "tsx", "go": "go",
              "rust": "rs"}


def hover_at(tmp_path: Path, language: str, code: str, line: int, needle: str) -> str | None:
    """The hover on the second character of `needle` in `line` of `code`, without a summarizer."""
    path = tmp_path / f"code.{EXTENSIONS[language]}"
    path.write_text(code)
    ls = LeanCodeServer()
    ls._summarizer = hover.HoverSummarizer(None)  # signatures and documentation only: no model to load
    return compute_hover(ls, path.as_uri(), code, None, line, code.splitlines()[line].index(needle) + 1)


TS_GENERIC = """\
/** Returns its argument. */
function id<T>(x: T): T { return x; }
/** Makes an empty map. */
function empty<M>(): M { return null as M; }
const n = id<number>(3);
const m = empty<Map<string, Array<number>>>();
"""
JAVA_GENERIC = """\
class Other {
    /** Makes an empty other thing. */
    static <T> T empty() { return null; }
}
class Lists {
    /** Makes an empty list. */
    static <T> java.util.List<T> empty() { return null; }
}
class Use {
    void use() { var xs = Lists.<String>empty(); }
}
"""
RUST_GENERIC = """\
/// Parses the text.
fn parse<T>(s: &str) -> T { todo!() }
struct Wrapper<T>(T);
impl<T> Wrapper<T> {
    /// Wraps nothing.
    fn empty() -> Self { todo!() }
}
fn main() {
    let v = parse::<Vec<i32>>("1");
    let w = Wrapper::<u8>::empty();
}
"""
GO_GENERIC = """\
package p

// Map applies f to each element.
func Map[T, U any](xs []T, f func(T) U) []U { return nil }

func use(xs []int) {
	Map[int, string](xs, nil)
}
"""


@pytest.mark.parametrize("language, code, line, needle, expected", [
    ("typescript", TS_GENERIC, 4, "id<", "Returns its argument."),
    ("typescript", TS_GENERIC, 5, "empty<", "Makes an empty map."),  # nested type arguments
    ("java", JAVA_GENERIC, 9, "empty()", "Makes an empty list."),  # `Lists.<String>empty()`: the method of Lists
    ("rust", RUST_GENERIC, 8, "parse::", "Parses the text."),  # a turbofish of nested type arguments
    ("rust", RUST_GENERIC, 9, "empty()", "Wraps nothing."),  # `Wrapper::<u8>::empty()`: Wrapper's
    ("go", GO_GENERIC, 6, "Map[", "Map applies f to each element."),
])
def test_a_call_with_type_arguments_means_what_the_plain_call_does(tmp_path, language, code, line, needle, expected):
    text = hover_at(tmp_path, language, code, line, needle)
    assert text is not None and text.startswith(f"{expected}\n\n*documentation*"), text
    assert "matched by name" not in text


def test_type_arguments_are_read_past_and_an_index_is_no_call():
    assert hover.call_at("const y = id<Map<K, V[]>>(3);", 11, "typescript") == ("id", None, None)
    assert hover.call_at("x = Foo.<T>bar();", 13, "java") == ("bar", "Foo", ".")
    assert hover.call_at("let v = Vec::<u8>::with_capacity(3);", 20, "rust") == ("with_capacity", "Vec", "::")
    assert hover.call_at("let f = |x| -> u8 { g::<fn() -> u8>(x) };", 21, "rust") == ("g", None, None)
    assert hover.call_at("pkg.F[map[string]int](x)", 4, "go") == ("F", "pkg", ".")
    assert hover.call_at("handlers[k](x)", 2, "python") is None  # a function held in a dict: no name called
    # an object the line makes: the class called (schema's `Schema(Use(int)).validate(`), a base of `super(A, self)`
    assert hover.call_at('assert Schema(Use(int)).validate("1")', 25, "python") == ("validate", "Schema", ".")
    assert hover.call_at("return super(Checked.Evolver, self).append(x)", 38, "python") == ("append", "super", ".")
    assert hover.call_at("new Widget(3).draw()", 15, "javascript") == ("draw", "Widget", ".")
    assert hover.call_at("f(x).name()", 6, "python") == ("name", "", ".")
    assert hover.call_at("if (a < b && c > foo(x))", 18, "java") == ("foo", None, None)  # comparisons, no types


def test_a_javascript_function_called_through_call_apply_or_bind_is_called(tmp_path):
    line = "  return dispatchRequest.call(this, config).then(utils.merge.bind(null));"
    assert hover.call_at(line, 12, "javascript") == ("dispatchRequest", None, None)
    assert hover.call_at(line, line.index("merge") + 1, "typescript") == ("merge", "utils", ".")
    assert hover.call_at(line, line.index("call") + 1, "javascript") == ("call", "dispatchRequest", ".")
    assert hover.call_at("f.call(x)", 0, "python") is None  # Python functions have no `call`
    code = "dispatchRequest.call(this, config);\nf.apply(null, args);\no.f.call(this);\n"
    assert [call_arguments(code, "javascript", row, column) for row, column in ((0, 2), (1, 0), (2, 2))] == [1, None, 0]
    assert call_arguments(code, "javascript", 0, 17) == 2  # `call`'s own
    code = ("/** Sends the request with the adapter. */\nfunction dispatchRequest(config) { return config; }\n"
            "class Axios {\n  request(config) {\n    return dispatchRequest.call(this, config);\n  }\n}\n")
    text = hover_at(tmp_path, "javascript", code, 4, "dispatchRequest")  # through the server's hover
    assert text is not None and text.startswith("Sends the request with the adapter.\n\n*documentation*"), text


def test_a_react_component_named_by_a_jsx_tag_is_called(tmp_path):
    # Hovering `<Icon` showed nothing: a tag is how a component is called (now that `forwardRef`'s are units too).
    line = "  return <Icon size={2}>{a < Bound && <Label />}</Icon>;"
    assert [hover.call_at(line, line.index(name) + 1, "tsx") for name in ("Icon", "Bound", "Label", "/Icon")] == [
        ("Icon", None, None), None, ("Label", None, None), ("Icon", None, None)]
    assert hover.call_at("x = <Icon>y;", 6, "typescript") is None  # a cast in a .ts file
    assert hover.call_at("<div className={c}>", 2, "tsx") is None  # an element of the page, no component
    for line in ("const [s, set] = useState<State>(null);", "const C: React.FC<Props> = x;", "if (a<Limit && b) go();",
                 "const f = <T extends object>(x: T) => x;", "const g = <T,>(x: T) => x;", "x = a<B>(c);"):
        name = next(w for w in ("State", "Props", "Limit", "T", "B") if f"<{w}" in line)
        assert hover.call_at(line, line.index(f"<{name}") + 2, "tsx") is None, line  # types, generics, comparisons
    code = ("/** An icon of the given size. */\nexport const Icon = forwardRef((props, ref) => <svg ref={ref} />);\n"
            "export function Toolbar() {\n  return <Icon size={2} />;\n}\n")
    text = hover_at(tmp_path, "tsx", code, 3, "Icon")
    assert text is not None and text.startswith("An icon of the given size.\n\n*documentation*"), text


def test_a_call_on_a_hostile_line_is_read_in_linear_time():
    # The patterns that found a call's receiver and separator read the spaces after each character again (a line
    # indented 60,000 spaces: 30 s), each split of them (10,000 spaces before `.<T>`: minutes), or a 30,000-letter
    # name from each of its letters (30 s).
    def read(n: int) -> None:
        assert hover.call_at(" " * (6 * n) + "foo(x)", 6 * n + 1, "python") == ("foo", None, None)
        assert hover.call_at("a" * (3 * n) + "x).foo(", 3 * n + 4, "python") == ("foo", "", ".")
        assert hover.call_at("x" + " " * n + "y.<T>bar()", n + 7, "java") == ("bar", "y", ".")
        assert hover.call_at("x" + " " * (6 * n) + "y  .  foo()", 6 * n + 8, "python") == ("foo", "y", ".")
        assert hover.defined_name_at("x" + " " * (6 * n) + "def  load(", 6 * n + 8, "python") == "load"

    assert_linear(read, 2_500)


TS_DECLARED = """\
interface Shape {
    /** The area, in square units. */
    area(): number;
    perimeter(): number;
}

abstract class Base {
    /** Runs the job once. */
    abstract run(times: number): void;
}

/** Formats a number. */
export function fmt(a: number): string;
export function fmt(a: string): string;
export function fmt(a: any): string { return String(a); }

/** Adds up the edges. */
function perimeter(): number { return 0; }
"""
GO_DECLARED = """\
package p

type Shape interface {
	// Area returns the area.
	Area() float64
	Perimeter() float64
}

// Perimeter adds up the edges.
func Perimeter() float64 { return 0 }
"""
RUST_DECLARED = """\
trait Shape {
    /// The area.
    #[must_use]
    fn area(&self) -> f64;
}

/// Not a shape's.
fn area() -> f64 { 0.0 }
"""
TS_NAMESPACED = """\
namespace Text {
    /** Formats a number. */
    export function fmt(a: number): string;
    export function fmt(a: string): string;
    export function fmt(a: any): string { return String(a); }
}
"""
JAVA_DECLARED = """\
interface Shape {
    /** The area, in square units. */
    double area();
}

abstract class Base {
    /** Runs the job once. */
    abstract void run(int times);
}
"""


@pytest.mark.parametrize("language, code, line, needle, expected", [
    ("typescript", TS_DECLARED, 2, "area", "The area, in square units."),  # an interface's method
    ("typescript", TS_DECLARED, 8, "run", "Runs the job once."),  # an abstract method
    ("typescript", TS_DECLARED, 12, "fmt", "Formats a number."),  # an overload signature
    ("typescript", TS_DECLARED, 13, "fmt", "Formats a number."),  # undocumented: its implementation's (the first's)
    ("typescript", TS_NAMESPACED, 3, "fmt", "Formats a number."),  # in a namespace: named as its implementation
    ("go", GO_DECLARED, 4, "Area", "Area returns the area."),  # an interface's method
    ("rust", RUST_DECLARED, 3, "area", "The area."),  # a trait's method without a default
    ("java", JAVA_DECLARED, 2, "area", "The area, in square units."),  # Java's are units already
    ("java", JAVA_DECLARED, 7, "run", "Runs the job once."),
])
def test_a_declaration_without_a_body_shows_its_doc_comment(tmp_path, language, code, line, needle, expected):
    text = hover_at(tmp_path, language, code, line, needle)
    assert text is not None and text.startswith(f"{expected}\n\n*documentation*"), text


@pytest.mark.parametrize("language, code, line, needle, signature", [
    ("typescript", TS_DECLARED, 3, "perimeter", "perimeter(): number"),
    ("go", GO_DECLARED, 5, "Perimeter", "Perimeter() float64"),
])
def test_an_undocumented_declaration_is_never_a_function_of_its_name(tmp_path, language, code, line, needle,
                                                                     signature):
    text = hover_at(tmp_path, language, code, line, needle)
    assert text is not None and "edges" not in text and f"\n{signature}\n" in text, text


def test_declarations_are_neither_mined_nor_indexed():
    """They are no units: what mining and the index read of these files is as it was."""
    assert [u.qualified_name for u in extract_units(TS_DECLARED, "typescript")] == ["fmt", "perimeter"]
    assert [u.qualified_name for u in extract_units(GO_DECLARED, "go")] == ["Perimeter"]
    assert [u.qualified_name for u in extract_units(RUST_DECLARED, "rust")] == ["area"]


JAVA_OVERLOADS = '''\
class Text {
    /** One number. */
    static String fmt(int a) { return ""; }
    /** Two numbers. */
    static String fmt(int a, int b) { return ""; }
    /** A pattern and its values. */
    static String fmt(String pattern, Object... values) { return ""; }
    void use() {
        fmt(1, 2);
        Text.fmt(3);
        this.fmt("%s %s %s", 1, 2, 3);
    }
}
'''
PYTHON_AGAIN = '''\
def load():
    """Reads the old format."""


old = load()


def later():
    return load()


def load(path=None):
    """Reads the new format."""


new = load()
'''

JAVASCRIPT_AGAIN = """\
const old = load();

/** Reads the old format. */
function load() {}

/** Reads the new format. */
function load() {}
"""


# A type's own method and its trait implementation's of the same name: Rust's paths and method calls find the type's
# own first (combine's `Errors::merge`, called from its `ParseError::merge`).
RUST_INHERENT_AND_TRAIT = """\
trait ParseError {
    /// Merges two errors.
    fn merge(self, other: Self) -> Self;
}
struct Errors;
impl ParseError for Errors {
    fn merge(self, other: Self) -> Self {
        let a = Errors::merge(self, other);
        a.merge(Errors)
    }
}
impl Errors {
    /// Merges two error lists.
    fn merge(self, other: Self) -> Self { self }
}
"""


@pytest.mark.parametrize("language, code, line, needle, expected", [
    ("java", JAVA_OVERLOADS, 8, "fmt", "Two numbers."),  # the overload taking two arguments
    ("java", JAVA_OVERLOADS, 9, "fmt", "One number."),
    ("java", JAVA_OVERLOADS, 10, "fmt", "A pattern and its values."),  # four arguments: the variadic one
    ("python", PYTHON_AGAIN, 4, "load", "Reads the old format."),  # runs before the second definition
    ("python", PYTHON_AGAIN, 15, "load", "Reads the new format."),  # after it
    ("python", PYTHON_AGAIN, 8, "load", "Reads the new format."),  # in a function: runs once both are defined
    ("javascript", JAVASCRIPT_AGAIN, 0, "load", "Reads the new format."),  # hoisted: the last declaration wins
    ("typescript", JAVASCRIPT_AGAIN, 0, "load", "Reads the new format."),
    ("rust", RUST_INHERENT_AND_TRAIT, 7, "merge(", "Merges two error lists."),  # `Errors::merge`: the type's own
    ("rust", RUST_INHERENT_AND_TRAIT, 8, "merge(", "Merges two error lists."),  # a method call likewise
])
def test_a_name_defined_twice_means_the_definition_the_call_reaches(tmp_path, language, code, line, needle, expected):
    text = hover_at(tmp_path, language, code, line, needle)
    assert text is not None and text.startswith(f"{expected}\n\n*documentation*"), text


JAVA_SAME_COUNT = '''\
class Sink {
    /** Writes a number. */
    void put(int value) {}
    /** Writes a string. */
    void put(String value) {}
    /** Writes a key and its value. */
    void put(String key, Object... values) {}
    void use() {
        put(3);
        put("a", 1);
    }
}
'''


def test_java_overloads_the_argument_count_cannot_tell_apart_are_said_to_be_a_guess(tmp_path):
    one = hover_at(tmp_path, "java", JAVA_SAME_COUNT, 8, "put")  # two take one argument: the first, said so
    assert one.startswith("Writes a number.") and "the first of 2 overloads that take this many arguments" in one
    two = hover_at(tmp_path, "java", JAVA_SAME_COUNT, 9, "put")  # only the variadic one takes two: no caveat
    assert two.startswith("Writes a key and its value.") and "overloads that take" not in two
    other = JAVA_SAME_COUNT.replace("    void put(String value) {}", "    void set(String value) {}") + (
        "class Box {\n    /** Stores a value. */\n    void put(Object value) {}\n    void use(Box b) {\n        b.put(1);\n"
        "    }\n}\n")
    by_name = hover_at(tmp_path, "java", other, 16, "put")  # another class's put, by name: no overload to count
    assert "matched by name" in by_name and "overloads that take" not in by_name, by_name


def test_a_name_defined_twice_in_another_file_means_its_last_definition_or_the_overload_the_arguments_fit(tmp_path):
    folder = Folder(root=tmp_path, reader=None, updater=None)
    for name, code, language, called, arguments, expected in (
            ("loader.py", PYTHON_AGAIN, "python", "load", 0, "Reads the new format."),
            ("Text.java", JAVA_OVERLOADS, "java", "fmt", 2, "Two numbers.")):
        (tmp_path / name).write_text(code)
        units = extract_units(code, language)
        hits = [Hit(folder, IndexedUnit(path=name, name=u.name, qualified_name=u.qualified_name, language=language,
                                        start_line=u.start_line, end_line=u.end_line, preview="", key=str(u.start)),
                    0.0) for u in units if u.name == called]
        receiver = "Text" if language == "java" else None
        call = Call.at([], 0, called, receiver, receiver and ".", language, arguments)
        found = resolve_call(call, [], tmp_path / "caller", hits,
                             lambda h: extract_units((tmp_path / h.unit.path).read_text(), language))
        assert found is not None and found.unit.docstring == expected, name


def test_a_method_of_this_file_that_cannot_take_the_arguments_comes_after_another_files(tmp_path):
    # gesture-handler's `mController.shouldRecognizeSimultaneously(this, other)` in a class whose own method of that
    # name takes one argument: the interface's method of two, in another file, is the one called.
    folder = Folder(root=tmp_path, reader=None, updater=None)
    controller = ("interface Controller {\n  /** Asks the app whether two handlers may be active at once. */\n"
                  "  boolean shouldRecognizeSimultaneously(Handler handler, Handler otherHandler);\n}\n"
                  "class AppController implements Controller {\n  /** Asks the app. */\n"
                  "  public boolean shouldRecognizeSimultaneously(Handler a, Handler b) { return true; }\n}\n")
    handler = ("class Handler {\n  private Controller mController;\n  /** Whether this handler may run with another. */\n"
               "  public boolean shouldRecognizeSimultaneously(Handler other) {\n"
               "    return mController.shouldRecognizeSimultaneously(this, other);\n  }\n}\n")
    (tmp_path / "Controller.java").write_text(controller)
    hits = [Hit(folder, IndexedUnit(path="Controller.java", name=u.name, qualified_name=u.qualified_name,
                                    language="java", start_line=u.start_line, end_line=u.end_line, preview="",
                                    key=str(u.start)), 0.0) for u in extract_units(controller, "java")]
    local = extract_units(handler, "java")
    for arguments, expected in ((2, "Asks the app whether two handlers may be active at once."),
                                (1, "Whether this handler may run with another.")):
        call = Call.at(local, 4, "shouldRecognizeSimultaneously", "mController", ".", "java", arguments)
        found = resolve_call(call, local, tmp_path / "Handler.java", hits,
                             lambda h: extract_units((tmp_path / h.unit.path).read_text(), "java"))
        assert found is not None and found.unit.docstring == expected and found.guessed, arguments


def test_a_call_of_the_callers_own_name_on_another_object_means_another_method_and_code_before_tests(tmp_path):
    # mux's `route.Match(req, match)` inside `Router.Match` showed `Router.Match` itself; logrus's `hook.Levels()`
    # showed a test's hook before the code's
    folder = Folder(root=tmp_path, reader=None, updater=None)
    files = {"route.go": "package mux\n\n// Match matches the route against the request.\n"
                         "func (r *Route) Match(req *Request, match *RouteMatch) bool {\n\treturn true\n}\n",
             "hooks_test.go": "package mux\n\n// Levels of the test hook.\nfunc (h *testHook) Levels() []int {\n"
                              "\treturn nil\n}\n",
             "levels.go": "package mux\n\n// Levels lists every level.\nfunc (l AllLevels) Levels() []int {\n"
                          "\treturn nil\n}\n"}
    hits = []
    for path, code in files.items():
        (tmp_path / path).write_text(code)
        hits += [Hit(folder, IndexedUnit(path=path, name=u.name, qualified_name=u.qualified_name, language="go",
                                         start_line=u.start_line, end_line=u.end_line, preview="", key=path), 0.0)
                 for u in extract_units(code, "go")]
    router = ("package mux\n\n// Match walks the routes.\n"
              "func (r *Router) Match(req *Request, match *RouteMatch) bool {\n"
              "\tfor _, route := range r.routes {\n\t\tif route.Match(req, match) {\n\t\t\treturn true\n\t\t}\n\t}\n"
              "\thook.Levels()\n\treturn false\n}\n")
    local = extract_units(router, "go")
    (tmp_path / "mux.go").write_text(router)  # the index holds the caller's own file too
    hits += [Hit(folder, IndexedUnit(path="mux.go", name=u.name, qualified_name=u.qualified_name, language="go",
                                     start_line=u.start_line, end_line=u.end_line, preview="", key="mux.go"), 0.0)
             for u in local]

    def shown(line: int, name: str, receiver: str, arguments: int, caller: str = "mux.go") -> str:
        call = Call.at(local, line, name, receiver, ".", "go", arguments)
        found = resolve_call(call, local, tmp_path / caller, [h for h in hits if h.unit.name == name],
                             lambda h: extract_units((tmp_path / h.unit.path).read_text(), "go"))
        return found.unit.docstring

    assert shown(5, "Match", "route", 2) == "Match matches the route against the request."
    assert shown(9, "Levels", "hook", 0) == "Levels lists every level."
    assert shown(9, "Levels", "hook", 0, caller="mux_test.go") == "Levels of the test hook."  # from a test: nearest


def test_arguments_passed_and_parameters_taken_are_counted():
    code = "f(a, *rest)\ng(1, key=2)\nh(x for x in xs)\nobj.m(k(1, 2), 3)\n"
    assert [call_arguments(code, "python", row, 1) for row in range(3)] == [None, 2, 1]
    assert call_arguments(code, "python", 3, 4) == 2  # `m`'s, not the inner call's
    assert call_arguments("package p\nfunc g() { F[int](1).M(2, 3) }\n", "go", 1, 11) == 1
    counts = {unit.name: parameter_counts(unit) for language, code in (
        ("python", '@app.get("/x")\ndef get(self, a, sep=", ", *args, key, **kwargs):\n    return get(1)\n'),
        ("typescript", "function opt<T extends (a: number, b: number) => void>(x: T, y?: number): void {}\n"),
        ("rust", "fn life<'a, F: Fn(i32, i32) -> i32>(&'a mut self, f: F, m: HashMap<K, V>) -> u8 { 1 }\n"),
        ("go", "package p\nfunc (c *Cron) Stop(a, b int, rest ...string) {}\n"),
        ("javascript", "const arrow = x => x;\n"),
    ) for unit in extract_units(code, language)}
    assert counts == {"get": (2, float("inf")), "opt": (1, 2), "life": (2, 2), "Stop": (2, float("inf")),
                      "arrow": None}


ONE_LINERS = [
    ("go", "package p\n\n// Flip flips the id.\nfunc (id ID) Flip() ID { return id }\n\n"
           "func useFlip(u ID) ID { return u.Flip() }\n", 5, "Flip()", "Flip flips the id."),
    ("rust", "struct Req;\nimpl Req {\n    /// Whether the version matches.\n    fn matches(&self, v: u8) -> bool { true }\n}\n"
             "fn q(r: &Req, v: u8) -> bool { r.matches(v) }\n", 5, "matches(", "Whether the version matches."),
    ("typescript", "class Cache {\n  /** Finds every query. */\n  findAll(): number[] { return [] }\n}\n"
                   "export function fa(c: Cache) { return c.findAll() }\n", 4, "findAll()", "Finds every query."),
    ("javascript", "class V {\n  /** Compares the main parts. */\n  compareMain(o) { return 0 }\n}\n"
                   "const canStart = (v, o) => v.compareMain(o) > 0\n", 4, "compareMain(", "Compares the main parts."),
    ("python", "class V:\n    def compare_main(self, o):\n        \"\"\"Compares the main parts.\"\"\"\n"
               "        return 0\n\ndef cm(v, o): return v.compare_main(o)\n", 5, "compare_main(",
     "Compares the main parts."),
]


@pytest.mark.parametrize("language, code, line, needle, expected", ONE_LINERS)
def test_a_call_in_the_body_on_the_signatures_line_means_the_function_called(tmp_path, language, code, line, needle,
                                                                              expected):
    shown = hover_at(tmp_path, language, code, line, needle)
    # a guess where the receiver's type is not written; TypeScript's `c: Cache` says it: Cache's method
    assert expected in shown and ("matched by name" in shown) == (language != "typescript")


SHAPES = '''class Other:
    def __init__(self, y):
        """Build an unrelated other thing."""


class Base:
    def __init__(self, x):
        """Store x on the base."""


class Child(pkg.Base):
    def __init__(self, x):
        super().__init__(x)


thing = Base(3)
'''
WIDGETS = ("/** A widget that draws itself. */\nclass Widget {\n  constructor(name) {\n    this.name = name;\n  }\n}\n"
           "class Big extends Widget {\n  constructor(n) {\n    super(n);\n  }\n}\n"
           "exports.make = (name) => new Widget(name);\n")


@pytest.mark.parametrize("language, code, needle, expected", [
    ("python", SHAPES, "__init__(x)", "Store x on the base."),  # `super()`: the base the class names (was Other's)
    ("python", SHAPES, "Base(3)", "Store x on the base."),  # a class called: its constructor (was no hover)
    ("javascript", WIDGETS, "new Widget(", "A widget that draws itself."),
    ("javascript", WIDGETS, "super(n)", "A widget that draws itself."),  # the base class's constructor
])
def test_a_constructor_call_and_a_supertypes_method_mean_what_the_class_names(tmp_path, language, code, needle,
                                                                               expected):
    line = next(n for n, text in enumerate(code.splitlines()) if needle in text)
    shown = hover_at(tmp_path, language, code, line, needle.removeprefix("new ").split("(")[0])
    assert shown is not None and expected in shown and "matched by name" not in shown, shown


DECORATED_PY = '''\
def retry(fn):
    """Retry the function until it succeeds."""
    return fn


def stop_after(n):
    """Stop after n attempts."""


@retry
@retry(stop=stop_after(3), wait=wait_unknown(2))
def fetch(url):
    """Fetch the page."""
'''
DECORATED_TS = ("/** Log each call. */\nfunction log(target: any, key: string) {}\n\nclass Shape {\n"
                "  /** Scale the shape. */\n  @log\n  scale(k: number) {}\n}\n")


@pytest.mark.parametrize("language, code, line, needle, expected, unexpected", [
    ("python", DECORATED_PY, 9, "retry", "Retry the function", "Fetch the page"),  # bare: the decorator's own
    ("python", DECORATED_PY, 10, "stop_after", "Stop after n attempts", "Fetch the page"),  # in its arguments
    ("python", DECORATED_PY, 10, "wait_unknown", "Fetch the page", "Retry"),  # defined nowhere: the function
    ("python", DECORATED_PY, 11, "fetch", "Fetch the page", "Retry the function"),  # the function's own name
    ("typescript", DECORATED_TS, 5, "log", "Log each call", "Scale the shape"),
])
def test_a_name_in_a_decorator_means_the_decorator_where_it_is_found(tmp_path, language, code, line, needle, expected,
                                                                   unexpected):
    # tenacity's bare `@retry` showed the decorated function; a name found nowhere (or only by name) still does
    shown = hover_at(tmp_path, language, code, line, needle)
    assert shown is not None and expected in shown and unexpected not in shown, shown


def test_a_call_of_a_private_method_means_that_method(tmp_path):
    # tanstack-pacer's `this.#getWait()` had no hover
    code = ("class Debouncer {\n  /** Returns the wait in milliseconds. */\n  #getWait(): number {\n    return 5;\n  }\n"
            "  getWait(): number {\n    return 6;\n  }\n  run() {\n    return this.#getWait();\n  }\n}\n")
    shown = hover_at(tmp_path, "typescript", code, 9, "getWait")
    assert shown is not None and "Returns the wait in milliseconds." in shown and "#getWait(): number" in shown, shown
    assert hover_at(tmp_path, "typescript", code, 9, ".#") == shown  # on the `#` itself (ky's `this.#retry(`)


def test_a_call_of_another_name_bound_to_a_method_means_that_method(tmp_path):
    # sortedcontainers' `self._clear()` (`_clear = clear` in the class) had no hover
    code = ('class SortedList:\n    def clear(self):\n        """Remove all values from the sorted list."""\n'
            "        self._len = 0\n\n    _clear = clear\n\n    def reset(self):\n        self._clear()\n")
    shown = hover_at(tmp_path, "python", code, 8, "_clear")
    assert shown is not None and "Remove all values from the sorted list." in shown, shown
    assert hover_at(tmp_path, "python", code.replace("_clear = clear", "_clear = None"), 8, "_clear") is None


def test_this_in_an_object_literal_passed_to_a_call_means_the_literals_method(tmp_path):
    # zod's `make("ZodThing", init, { isOptional() { this.safeParse(...) }, ... })`: no class around the call, so
    # the method was looked for by name in other files only (another file's `target.size = ...`), never this one's.
    code = ('const ZodThing = make("ZodThing", (inst) => {}, {\n  isEmpty() {\n    return this.size() === 0;\n  },\n'
            '  /** Count the entries of the collection. */\n  size() {\n    return this.items.length;\n  },\n});\n')
    shown = hover_at(tmp_path, "javascript", code, 2, "size")
    # (the literal is named by the binding of the call it is passed to, `ZodThing`: its method, exactly)
    assert shown is not None and "Count the entries of the collection." in shown and "matched by name" not in shown


@pytest.mark.parametrize("language, code, needle, shown", [
    ("python", "first_fn = lambda s: s.strip(); second_fn = lambda s: s.upper()\n", "first_fn", "first_fn = lambda"),
    ("python", "first_fn = lambda s: s.strip(); second_fn = lambda s: s.upper()\n", "second_fn", "second_fn = lambda"),
    ("javascript", "const gamma = (x) => alpha(x), delta = (y) => beta(y);\n", "gamma", "gamma = (x) =>"),
    ("javascript", "const gamma = (x) => alpha(x), delta = (y) => beta(y);\n", "delta", "delta = (y) =>"),
    ("javascript", "/** Draws. */\nclass Widget {}\nexports.make = (name) => new Widget(name);\n", "Widget(", None),
])
def test_of_the_functions_on_one_line_the_hover_shows_the_one_under_the_cursor(tmp_path, language, code, needle,
                                                                                shown):
    # The last function of the line was shown for any of them, and a one-line function for a name in its body.
    line = next(n for n, text in enumerate(code.splitlines()) if needle in text)
    text = hover_at(tmp_path, language, code, line, needle)
    assert (text is None) if shown is None else shown in text, text


@pytest.mark.parametrize("language, code, line", [
    ("python", "def load(path:\n    x = [1, 2\n    return x\n", 0),
    ("javascript", "function load(path {\n  let x = [1, 2\n  return x\n}\n", 0),
    ("java", "class A {\n    List<String> load(String p, {\n        return x\n}\n", 1),
])
def test_a_definition_the_parser_cannot_read_is_never_another_function_of_its_name(tmp_path, monkeypatch, language,
                                                                                     code, line):
    # While a signature is being typed the file does not parse, and the name on it read as a call: the hover showed
    # the documentation of a `load` of another file as this function's.
    other = tmp_path / f"other.{EXTENSIONS[language]}"
    other.write_text({"python": 'def load(path):\n    """Reads the cache from disk."""\n    return 1\n',
                      "javascript": "/** Reads the cache from disk. */\nfunction load(path) { return 1; }\n",
                      "java": "class B {\n    /** Reads the cache from disk. */\n    int load(String p) { return 1; }\n}\n"
                      }[language])
    [unit] = extract_units(other.read_text(), language)
    hit = Hit(Folder(root=tmp_path, reader=None, updater=None),
              IndexedUnit(path=other.name, name="load", qualified_name=unit.qualified_name, language=language,
                          start_line=unit.start_line, end_line=unit.end_line, preview="", key=str(unit.start)), 0.0)
    path = tmp_path / f"code.{EXTENSIONS[language]}"
    path.write_text(code)
    ls = LeanCodeServer()
    ls._summarizer = hover.HoverSummarizer(None)
    monkeypatch.setattr(ls, "text_of", lambda file, follow_symlinks=False: Path(file).read_text())
    monkeypatch.setattr(ls, "document", lambda uri: None)
    monkeypatch.setattr(ls.state, "units_named", lambda name: [hit] if name == "load" else [])
    at = code.splitlines()[line].index("load") + 1
    shown = compute_hover(ls, path.as_uri(), code, None, line, at)
    assert shown.startswith("`load`: LeanCode cannot read this definition while the file has syntax errors"), shown
    caller = {"python": "x = load(1)\n", "javascript": "x = load(1);\n", "java": "class C { int f() { x = load(1); } }\n"}
    called = caller[language]  # the same name called in a file that parses: that `load`, by name
    assert "Reads the cache from disk." in compute_hover(ls, path.as_uri(), called, None, 0, called.index("load") + 1)


@pytest.mark.parametrize("line, language, expected", [
    ("def load(path:", "python", "load"), ("x = load(1)", "python", None), ("async def load(", "python", "load"),
    ("func (s *S) load(x int", "go", "load"), ("load(x)", "go", None), ("pub fn load(", "rust", "load"),
    ("let x = load(", "rust", None), ("function* load(", "javascript", "load"), ("  async load(path) {", "javascript", "load"),
    ("  load(path);", "javascript", None), ("  load(p: string): Promise<void> {", "typescript", "load"),
    ("  public Map<K, List<V>> load(", "java", "load"), ("  int[] load(", "java", "load"), ("  return load(", "java", None),
    ("  if (a > load(x))", "java", None), ("  new load(", "java", None),
])
def test_a_definitions_name_is_told_from_a_call_by_its_line_alone(line, language, expected):
    assert hover.defined_name_at(line, line.index("load") + 1, language) == expected


@pytest.mark.parametrize("language, code, shown", [
    ("go", 'package p\n\n// Handler greets a name.\nvar Handler = func(name string) string {\n\treturn "hi " + name\n}\n'
           '\nfunc use() string { return Handler("x") }\n', "Handler greets a name."),
    ("python", 'Handler = lambda name: "hi " + name\n\n\ndef use():\n    return Handler("x")\n',
     "Handler = lambda name"),  # no documentation: its signature
])
def test_a_function_bound_at_top_level_hovers_where_defined_and_where_called(tmp_path: Path, language: str, code: str,
                                                                            shown: str):
    lines = code.splitlines()
    defined = next(row for row, text in enumerate(lines) if "Handler = " in text)
    called = next(row for row, text in enumerate(lines) if 'Handler("x")' in text)
    for line, needle in ((defined, "Handler"), (called, "Handler(")):
        text = hover_at(tmp_path, language, code, line, needle)
        assert text is not None and shown in text, (line, text)


def test_a_javascript_function_and_a_call_to_it_hover_with_its_declaration_files_documentation(tmp_path):
    # p-limit: `index.js`'s functions are documented in `index.d.ts` only; the hover showed no description
    (tmp_path / "code.d.ts").write_text("/**\nRun functions with limited concurrency.\n*/\n"
                                        "export default function pLimit(concurrency: number): Limit;\n")
    code = "export default function pLimit(concurrency) {\n  return [];\n}\nconst limit = pLimit(2);\n"
    for line, needle in ((0, "pLimit"), (3, "pLimit(")):
        assert "Run functions with limited concurrency." in hover_at(tmp_path, "javascript", code, line, needle)
    # deepmerge-ts: of overloads, the first documented one not marked `@internal` (it showed "Used by the default
    # deepmerge function.", the internal zero-argument overload's)
    (tmp_path / "code.d.ts").write_text(
        "/**\n * Used by the default `deepmerge` function.\n *\n * @internal\n */\n"
        "export declare function deepmergeCustom(): Merge;\n"
        "/**\n * Deeply merge objects using the given options.\n */\n"
        "export declare function deepmergeCustom(options: Options): Merge;\n")
    code = "export function deepmergeCustom(options = {}, rootMetaData) {\n  return options;\n}\n"
    assert "Deeply merge objects using the given options." in hover_at(tmp_path, "javascript", code, 0,
                                                                        "deepmergeCustom")


def test_a_call_before_an_arrow_function_on_its_line_is_never_that_function(tmp_path):
    # defu's README line: hovering `log` or `defu` showed `onReady: () =>`, passed in the call's arguments
    code = ("/** Merges the defaults in. */\nfunction defu(a, b) { return a; }\n"
            "console.log(defu({ onReady: () => true }, { retries: 3 }));\n")
    assert hover_at(tmp_path, "javascript", code, 2, "log(") is None
    shown = hover_at(tmp_path, "javascript", code, 2, "defu(")
    assert shown is not None and "Merges the defaults in." in shown and "onReady" not in shown
    assert "onReady" in hover_at(tmp_path, "javascript", code, 2, "onReady")  # on the arrow function itself


def test_a_java_constructor_call_names_its_class_exactly(tmp_path):
    # react-native-permissions: `new RNPermissionsModule(reactContext)` hovered as "matched by name; the receiver's
    # type is not checked", as if a guess
    code = ("class Module {\n    /** Creates the module for a context. */\n"
            "    Module(Context context) { this.context = context; }\n}\n"
            "class Package {\n    Object create(Context c) { return new Module(c); }\n}\n")
    shown = hover_at(tmp_path, "java", code, 5, "Module(")
    assert "Creates the module for a context." in shown and "matched by name" not in shown
