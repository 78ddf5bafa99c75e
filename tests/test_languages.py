"""Units, tokens and statement categories on realistic code in every supported language."""

import re
import warnings

import pytest

from leancode.categories import StatementCategory as C
from leancode.languages import LANGUAGES, UnsupportedLanguageError, call_arguments, in_comment_or_string, parse
from leancode.tokens import COMMENT, IDENTIFIER, KEYWORD, LITERAL, OPERATOR, ParseWarning, lex
from leancode import tokens as tokens_module
from leancode.training.examples import NAME_MASK, mask_function_name
from leancode.units import extract_units, function_name, header
from linear import assert_linear

PYTHON = '''\
import logging

logger = logging.getLogger(__name__)


class Config:
    """Settings read from a file."""

    @classmethod
    @lru_cache
    def load(cls, path: str) -> "Config":
        """Load a config.

        Args:
            path: the file to read.
        """
        def parse(text):
            return dict(line.split("=", 1) for line in text.splitlines())

        with open(path) as f:
            data = parse(f.read())
        try:
            port = int(data["port"])
        except KeyError:
            raise ConfigError(path)
        finally:
            logger.info("loaded %s", path)
        for key in data:
            if key.startswith("_"):
                continue
        return cls(port)


def main():
    print(Config.load("app.cfg"))
'''

JAVA = '''\
package com.example.users;

public class UserService {
    private static final Logger log = LoggerFactory.getLogger(UserService.class);

    public UserService(Repository repo) {
        this.repo = repo;
    }

    /**
     * Renames a user.
     *
     * @param x the new name length
     */
    @Override
    public void update(int x) {
        // only positive sizes
        if (x > 0) {
            log.info("renaming {}", x);
        }
        setName(x);
        int y = 3;
        synchronized (this) {
            count++;
        }
        try {
            repo.save(this);
        } catch (IOException e) {
            throw new RuntimeException(e);
        } finally {
            repo.close();
        }
        return;
    }

    enum Role {
        ADMIN, USER;

        boolean isAdmin() { return this == ADMIN; }
    }
}
'''

JAVASCRIPT = '''\
/**
 * Fetches a user by id.
 */
export async function fetchUser(id) {
  const res = await fetch(`/users/${id}`);
  if (!res.ok) {
    throw new Error("not found");
  }
  console.log(res.status);
  return res.json();
}

const double = (x) => x * 2;

const api = {
  list: function () { return [1, 2, 3].map((n) => n + 1); },
  "remove": (id) => fetch(id, { method: "DELETE" }),
  refresh() { setTimeout(() => this.list(), 10); },
};

class Cache {
  /** Gets a cached value. */
  get(key) {
    switch (key) {
      case "a": return 1;
      default: return null;
    }
  }
  clear = () => { this.items = {}; };
}

module.exports.handler = function (event) { return event; };
'''

TYPESCRIPT = '''\
interface Item { id: string; name: string; }

export class ItemService {
  private items: Map<string, Item> = new Map();

  /** Finds an item. */
  @Memoize()
  find(id: string): Item | undefined {
    for (const item of this.items.values()) {
      if (item.id === id) return item;
    }
    return undefined;
  }

  add = (item: Item): void => {
    this.items.set(item.id, item);
  };
}

export const isItem = (x: unknown): x is Item => typeof x === "object";
'''

TSX = '''\
export const Greeting = ({ name }: { name: string }) => {
  const [count, setCount] = useState(0);
  return <button onClick={() => setCount(count + 1)}>Hello {name}</button>;
};
'''

GO = '''\
package server

import "os"

// Server serves files.
type Server struct{ root string }

// Open opens a file below the root.
//
// It never follows symlinks.
func (s *Server) Open(name string) (*os.File, error) {
	f, err := os.Open(s.root + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for i := 0; i < 3; i++ {
		fmt.Println(i)
	}
	switch name {
	case "":
		return nil, nil
	}
	go func() { log.Printf("opened %s", name) }()
	return f, nil
}

// stray comment

func New(root string) *Server {
	return &Server{root: root}
}
'''

RUST = '''\
use std::fmt;

/// A point in the plane.
pub struct Point { x: i32, y: i32 }

impl<T: Clone> Wrapper<T> {
    /// Wraps a value.
    /// Cheap to call.
    #[inline]
    pub fn new(value: T) -> Self {
        let f = |v: T| v.clone();
        Self { value: f(value) }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.x {
            0 => write!(f, "origin"),
            _ => write!(f, "({}, {})", self.x, self.y),
        }
    }
}

fn main() {
    let p = Point { x: 1, y: 2 };
    println!("{}", p);
}

#[cfg(test)]
mod tests {
    #[test]
    fn it_works() {
        assert_eq!(2 + 2, 4);
    }
}
'''

SAMPLES = {"python": PYTHON, "java": JAVA, "javascript": JAVASCRIPT, "typescript": TYPESCRIPT, "tsx": TSX,
           "go": GO, "rust": RUST}


def line_of(code: str, text: str) -> int:
    return code[:code.index(text)].count("\n")


def categories(tokens, code: str, snippet: str) -> set:
    """The categories of the tokens inside the first occurrence of `snippet`."""
    start = code.index(snippet)
    return {t.category for t in tokens if start <= t.start < start + len(snippet)}


def token(tokens, text: str, nth: int = 0):
    return [t for t in tokens if t.text == text][nth]


# --- units -------------------------------------------------------------------------------------


def test_python_units():
    units = extract_units(PYTHON, "python")
    assert [u.qualified_name for u in units] == ["Config.load", "Config.load.parse", "main"]  # nested: named so
    assert units[1].scoped_name == "Config.parse"  # what its owner line names, as before
    load, parse, main = units
    assert load.name == "load" and load.language == "python"
    assert load.start_line == line_of(PYTHON, "@classmethod")  # decorators belong to the unit
    assert load.end_line == line_of(PYTHON, "return cls(port)")
    assert load.code.startswith("@classmethod\n    @lru_cache\n    def load(")
    assert PYTHON[load.start:load.end] == load.code
    assert load.docstring == "Load a config.\n\nArgs:\n    path: the file to read."
    assert load.body.startswith('"""Load a config.')
    assert '"""' not in load.code_without_docstring
    assert "    def load(cls, path: str) -> \"Config\":\n        def parse(text):" in load.code_without_docstring
    assert parse.docstring is None and parse.code_without_docstring == parse.code
    assert parse.body == 'return dict(line.split("=", 1) for line in text.splitlines())'
    assert main.start_line == main.end_line - 1 == line_of(PYTHON, "def main")


def test_python_one_line_docstring_shares_the_line():
    (unit,) = extract_units('class A:\n    def f(self): """Doc."""; return 1\n', "python")
    assert unit.docstring == "Doc."
    assert unit.code_without_docstring == "def f(self): return 1"


def test_java_units():
    units = extract_units(JAVA, "java")
    assert [u.qualified_name for u in units] == ["UserService.UserService", "UserService.update",
                                                 "UserService.Role.isAdmin"]
    ctor, update, is_admin = units
    assert ctor.docstring is None
    assert update.docstring == "Renames a user.\n\n@param x the new name length"
    assert update.start_line == line_of(JAVA, "@Override")  # annotations are part of the method
    assert update.code.startswith("@Override\n    public void update(int x) {")
    assert update.code_without_docstring == update.code  # the Javadoc stands outside the code
    assert update.body.startswith("{") and update.body.endswith("}")
    assert is_admin.body == "{ return this == ADMIN; }"


def test_javascript_prototype_methods_are_named_by_their_class():
    code = """\
function Color(r) { this.r = r; }
Color.prototype = {
  isDark: function () { return this.r < 128; },
  lighten(ratio) { return this.r * ratio; },
};
Color.prototype.darken = function (ratio) { return this.r / ratio; };
"""
    names = [u.qualified_name for u in extract_units(code, "javascript")]
    assert names == ["Color", "Color.isDark", "Color.lighten", "Color.darken"]


def test_javascript_methods_babel_assigns_through_a_prototype_variable_are_named_by_their_class():
    # dayjs's esm build: every method of Dayjs was named `_proto.format`, not `Dayjs.format` (Babel names each class's
    # prototype `_proto`, in the function compiling that class); mining names them as before
    code = """\
var Dayjs = /*#__PURE__*/function () {
  function Dayjs(cfg) { this.parse(cfg); }
  var _proto = Dayjs.prototype;
  _proto.parse = function parse(cfg) { this.$d = cfg; };
  return Dayjs;
}();
var Other = function () {
  var _proto = Other.prototype;
  _proto.parse = function parse() { return 1; };
  return Other;
}();
var settings = { a: 1 };
settings.read = function read() { return 2; };
"""
    assert [(u.qualified_name, u.method) for u in extract_units(code, "javascript")] == [
        ("Dayjs", False), ("Dayjs.parse", True), ("Other.parse", True), ("settings.read", False)]
    assert [u.qualified_name for u in extract_units(code, "javascript", as_mined=True)] == [
        "Dayjs", "parse", "parse", "read"]


def test_rust_impls_of_a_type_parameter_or_a_reference_are_named_by_a_type_a_user_knows():
    # chrono's `impl<T> SubsecRound for T` named its methods `T::round_subsecs`; anyhow's `impl<'a> ... for dyn Error
    # + 'a` `a::as_dyn_error`
    code = ("impl<T> SubsecRound for T where T: Timelike {\n    fn round_subsecs(self, d: u16) -> T { self }\n}\n"
            "impl<'a> StdError for dyn Error + 'a {\n    fn as_dyn_error(&self) {}\n}\n"
            "impl<'a, R: Read> Read for &'a mut R {\n    fn read(&mut self) {}\n}\n"
            "impl<T: Clone> Foo for Vec<T> {\n    fn foo(&self) {}\n}\n")
    assert [u.qualified_name for u in extract_units(code, "rust")] == [
        "SubsecRound.round_subsecs", "Error.as_dyn_error", "Read.read", "Vec.foo"]


def test_a_statement_the_grammar_misreads_as_a_method_is_no_function():
    # react-native-fs's Flow-typed FS.common.js: `if (!RNFSManager.readDirAssets) {` read as methods named `if`
    # ("if (+3 overloads)" in search); promises' `catch` and iterators' `return` methods are functions
    code = ("const api = {\n  mkdir(filepath: string): Promise<void> {\n    if (!filepath) {\n"
            "      throw new Error('x');\n"
            "    }\n    return run(filepath);\n  },\n};\nclass Task {\n  catch(onRejected) { return this; }\n"
            "  return(value) { return value; }\n}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        names = [u.name for u in extract_units(code, "javascript")]
    assert "if" not in names and {"catch", "return"} <= set(names), names
    # ajv's code generator names its methods after the statements they write: read without error, they are its
    codegen = "class CodeGen {\n  if(condition, thenBody) {\n    return this;\n  }\n  else() { return this; }\n}\n"
    assert [u.qualified_name for u in extract_units(codegen, "typescript")] == ["CodeGen.if", "CodeGen.else"]


def test_javascript_accessors_of_define_property_are_named_by_their_property_and_reexports_left_out():
    # TypeScript's and Babel's CommonJS output re-export each name with a getter: they were all named `get`, so a
    # search showed "get (+259 overloads)" (date-fns) above the functions they forward to. A name computed when the
    # code runs (`key`) names no unit.
    code = """\
Object.defineProperty(exports, "addDays", { enumerable: true, get: function () { return dates_1.addDays; } });
Object.defineProperty(exports, "version", { get: () => pkg["version"] });
Object.defineProperty(exports, "purry1", { enumerable: true, get: function() { return purry1; } });
Object.defineProperty(exports, "config", { get: function () { const c = load(); return c.value; } });
Object.keys(_index).forEach(function (key) {
  Object.defineProperty(exports, key, { enumerable: true, get: function () { return _index[key]; } });
  Object.defineProperty(target, key, { get() { return compute(key); } });
});
Object.defineProperty(Color.prototype, "isDark", {
  get: function () { return this.r < 128; },
  set(dark) { this.r = dark ? 0 : 255; },
});
Object.defineProperties(Shape.prototype, {
  area: { get: function () { return this.w * this.h; } },
  "perimeter": { value: function () { return 2 * (this.w + this.h); } },
});
class Lazy { constructor() { Object.defineProperty(this, "data", { get() { return fetch(this); } }); } }
const options = { get: function () { return 1; } };
"""
    for language in ("javascript", "typescript"):
        names = [u.qualified_name for u in extract_units(code, language)]
        assert names == ["config", "Color.isDark", "Color.isDark", "Shape.area", "Shape.perimeter", "Lazy.constructor",
                         "Lazy.data", "options.get"], language


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
def test_an_anonymous_default_export_is_a_unit_named_default(language):
    # It was no unit at all: neither search nor a hover found `export default function () {...}`.
    code = ("/** Parses a duration. */\nexport default function (value) {\n  return parse(value);\n}\n"
            "export default (a) => a * 2;\nexport default function named(x) { return x; }\n"
            "export default class { m() { return 1; } }\nexport const f = [1].map((n) => n);\n")
    units = extract_units(code, language)
    assert [u.qualified_name for u in units] == ["default", "default", "named", "m"]
    assert units[0].code.startswith("export default function (value)") and units[0].docstring == "Parses a duration."
    assert units[0].start_line == 1 and units[1].code == "export default (a) => a * 2;"
    assert [u.name for u in extract_units(code, language, as_mined=True)] == ["named", "m"]  # the corpus as mined


def test_a_javascript_function_expression_is_called_by_the_name_it_is_bound_to():
    # qs's `var parseKeys = function parseQueryStringKeys(...)` was indexed only as parseQueryStringKeys, which the
    # code never calls: `summarize parse.js:parseKeys` found nothing. Mined by its own name, as the corpus was.
    code = ("var parseKeys = function parseQueryStringKeys(a) { return a; };\n"
            "exports.assign = function assignSingleSource(t) { return t; };\n"
            "module.exports = function parse(str) { return str; };\n"
            "Color.prototype.darken = function darkenColor(r) { return r; };\n"
            "app.init = function init() { function inner() {} };\n")
    for language in ("javascript", "typescript"):
        assert [u.qualified_name for u in extract_units(code, language)] == [
            "parseKeys", "assign", "parse", "Color.darken", "app.init", "app.init.inner"]  # its outer's whole name
        assert [u.qualified_name for u in extract_units(code, language, as_mined=True)] == [
            "parseQueryStringKeys", "assignSingleSource", "parse", "Color.darkenColor", "init", "inner"]


WRAPPED = """\
/** An icon. */
export const Icon = forwardRef<SVGElement, IconProps>((props, ref) => {
  /** Opens the menu. */
  const open = React.useCallback(() => setOpen(true), []);
  const sorted = useMemo(() => items.sort(), [items]);
  return null;
});
/** Both wrappers. */
export const Card = React.memo(React.forwardRef(function CardInner(props, ref) { return null; }));
export const save = _.debounce(function () { return store.save(); }, 300, { leading: true });
const doubled = items.map((x) => x * 2);
const total = createSelector(a => a.x, b => b.y, (x, y) => x + y);
const many = debounce(() => 1, 2, 3, 4, 5);
const opened = socket.once('open', () => log('open'));
/** Retries. */
const retry = useCallback(() => go(), // the deps:
  deps.concat([1]));
const increment = action('increment', () => { count += 1; });
/** A button. */
export const Button = forwardRef((props, ref) => null) as ButtonComponent;
/** Combines two lists. */
var unionWith = /*#__PURE__*/_curry3(function unionWith(pred, list1, list2) { return uniqWith(pred, list1); });
/** Keeps the members that satisfy the predicate. */
var filter = _curry2(_dispatchable(['fantasy-land/filter', 'filter'], _xfilter, function (pred, filterable) {
  return filterable.filter(pred);
}));
const storage = { setItem: jest.fn(async (key, value) => value) };
"""


BOUND_ANONYMOUS = {
    "go": """package main

// Handler serves the request.
var Handler = func(w int, r int) int {
	return w + r
}

var (
	// Other does nothing.
	Other = func() {}
)

var _ = func(x int) int { return x }  // go-cmp's check that a literal compiles: no function named "_"

func Outer() {
	fn := func(a int) int { return a * 2 }
	fn = func(a int) int { return a }
	a, b := func() {}, func() {}
	go func() { inner := func() {}; _ = inner }()
	_, _, _ = fn, a, b
}
""",
    "python": """square = lambda x: x * x
_ = lambda: None

class Item:
    key = lambda self, item: item.name

def outer(values):
    helper = lambda v: v + 1
    first, second = lambda: 1, lambda: 2
    return sorted(values, key=lambda v: -v)
""",
}


@pytest.mark.parametrize("language, expected", [
    ("go", {"Handler": "Handler serves the request.", "Other": "Other does nothing.", "Outer": None}),
    ("python", {"square": None, "Item.key": None, "outer": None}),
])
def test_a_go_func_literal_or_python_lambda_bound_at_top_level_is_a_unit_named_by_it(language, expected):
    """Bound to one name by a top-level statement (a Python class's body too); not one passed as an argument, bound
    to several names, or bound inside a function. Its code is the statement that binds it, with the doc comment
    above; the corpus was mined without them."""
    units = extract_units(BOUND_ANONYMOUS[language], language)
    assert {u.qualified_name: u.docstring for u in units} == expected
    by_name = {u.qualified_name: u for u in units}
    bound = by_name["Handler" if language == "go" else "square"]
    assert bound.code.startswith("var Handler = func(" if language == "go" else "square = lambda x:")
    assert bound.code.endswith("}" if language == "go" else "x * x")
    if language == "go":
        assert by_name["Other"].code == "Other = func() {}"  # in `var (...)`: its own line
    else:
        assert by_name["Item.key"].method
    assert len(extract_units(BOUND_ANONYMOUS[language], language, as_mined=True)) == 1


def test_a_function_a_wrapper_returns_is_called_by_the_name_it_is_bound_to():
    # Blueprint's components, `export const Icon = forwardRef((props, ref) => ...)`, and React's handlers, `const
    # open = useCallback(...)`, were no unit: not indexed, no hover, their doc comments unread (214 of its functions).
    # A call that returns a value made with the function (`map`, `useMemo`) names nothing; neither does a call of
    # several functions or of more arguments than a wrapper takes, or one given the function after another argument
    # (but for those that take it last). Comments and computed arguments among them change nothing. Mined as before.
    for language in ("javascript", "typescript", "tsx"):
        code = WRAPPED if language != "javascript" else WRAPPED.replace("<SVGElement, IconProps>", "")
        units = extract_units(code, language)
        assert [(u.qualified_name, u.docstring) for u in units] == [
            ("Icon", "An icon."), ("Icon.open", "Opens the menu."), ("Card", "Both wrappers."), ("save", None),
            ("retry", "Retries."), ("increment", None),  # an emitter's `once(event, fn)` returns no fn
            ("Button", "A button."),  # through `as`
            # Ramda's curried functions, a function its `_dispatchable` takes last; a Jest mock's implementation
            ("unionWith", "Combines two lists."), ("filter", "Keeps the members that satisfy the predicate."),
            ("storage.setItem", None)]
        assert units[0].code.startswith("const Icon = forwardRef") and units[0].code.endswith("});")
        assert [u.qualified_name for u in extract_units(code, language, as_mined=True)] == ["CardInner", "unionWith"]
        exported = "/** A card. */\nexport default memo((props) => null);\nexport default memo(function Card() {});\n"
        assert [(u.qualified_name, u.docstring) for u in extract_units(exported, language)] == [
            ("default", "A card."), ("Card", None)]
        assert [u.qualified_name for u in extract_units(exported, language, as_mined=True)] == ["Card"]
        # a named function in a wrapper is mined as before: its own code and name, not its binding's doc
        named = "/** The card. */\nconst Card = memo(function CardInner(props) { return null; });\n"
        [mined] = extract_units(named, language, as_mined=True)
        assert (mined.qualified_name, mined.docstring, mined.code) == (
            "CardInner", None, "function CardInner(props) { return null; }")
        assert [u.qualified_name for u in extract_units("exports.default = function foo() {};", language)] \
            == ["default"]  # a binding named `default` is no default export


def test_a_function_assigned_to_an_objects_property_is_named_with_the_object():
    # tanstack's filterFns: seven `X.autoRemove = (val) => ...` were seven `autoRemove`, told apart by nothing, and
    # `summarize filterFns.ts:NAME` could name none alone. The object is in the name shown, not in what is embedded.
    code = ("const equals = (row, value) => row === value\nequals.autoRemove = (val) => testFalsey(val)\n"
            "utils.text.trim = function (s) { return s.trim(); };\nthis.reset = function () {};\n"
            "a[0].f = function () {};\n")
    units = extract_units(code, "typescript")
    assert [(u.qualified_name, u.scoped_name) for u in units] == [
        ("equals", "equals"), ("equals.autoRemove", "autoRemove"), ("utils.text.trim", "trim"), ("reset", "reset"),
        ("f", "f")]
    assert [u.qualified_name for u in extract_units(code, "typescript", as_mined=True)] == [
        "equals", "autoRemove", "trim", "reset", "f"]


def test_an_object_literal_passed_to_a_bound_call_is_named_by_that_binding():
    # ajv's `mergeEvaluated = { props: mergeEvaluatedProps({ mergeNames: ... }), items: mergeEvaluatedProps({...}) }`:
    # both `mergeNames` were `mergeEvaluated.mergeNames`, the property naming each object lost
    code = ("export const mergeEvaluated = {\n  props: make({ mergeNames: (gen) => gen + 1 }),\n"
            "  items: make({ mergeNames: (gen) => gen - 1 }),\n}\n"
            "const store = createStore({ actions: { fetch() { return 1 } } })\n"
            "module.exports = merge(common, { build(s) { return s } })\n"
            "const both = f({ one() { return 1 } }, { two() { return 2 } })\n")  # which object is `both`'s: neither
    assert [(u.qualified_name, u.scoped_name) for u in extract_units(code, "typescript")] == [
        ("mergeEvaluated.props.mergeNames", "mergeEvaluated.props.mergeNames"),
        ("mergeEvaluated.items.mergeNames", "mergeEvaluated.items.mergeNames"),
        ("store.actions.fetch", "store.actions.fetch"), ("exports.build", "exports.build"), ("one", "one"),
        ("two", "two")]
    assert [u.qualified_name for u in extract_units(code, "typescript", as_mined=True)][:3] == [
        "mergeEvaluated.mergeNames", "mergeEvaluated.mergeNames", "actions.fetch"]  # as the corpus was mined


def test_javascript_units():
    units = extract_units(JAVASCRIPT, "javascript")
    names = [u.qualified_name for u in units]
    # Callbacks (map, setTimeout) are anonymous: not units.
    assert names == ["fetchUser", "double", "api.list", "api.remove", "api.refresh", "Cache.get", "Cache.clear",
                     "handler"]
    by_name = {u.name: u for u in units}
    assert by_name["fetchUser"].docstring == "Fetches a user by id."
    assert by_name["fetchUser"].start_line == line_of(JAVASCRIPT, "export async function")
    assert by_name["double"].code == "const double = (x) => x * 2;"
    assert by_name["double"].body == "x * 2"
    assert by_name["get"].docstring == "Gets a cached value."
    assert by_name["double"].docstring is None and by_name["list"].docstring is None


def test_typescript_units():
    units = extract_units(TYPESCRIPT, "typescript")
    assert [u.qualified_name for u in units] == ["ItemService.find", "ItemService.add", "isItem"]
    find = units[0]
    assert find.docstring == "Finds an item."  # before the decorator
    assert find.code.startswith("@Memoize()\n  find(id: string)")
    assert find.start_line == line_of(TYPESCRIPT, "@Memoize")
    assert find.end_line == line_of(TYPESCRIPT, "return undefined;") + 1


def test_tsx_units():
    (unit,) = extract_units(TSX, "tsx")
    assert unit.qualified_name == "Greeting"
    assert (unit.start_line, unit.end_line) == (0, 3)


def test_a_go_doc_comment_reads_from_the_line_that_starts_with_the_functions_name():
    # spf13/cast's `indirect`: "From html/template/content.go Copyright 2011 The Go Authors." was its description
    code = ("package cast\n\n// From html/template/content.go\n// Copyright 2011 The Go Authors. All rights reserved.\n"
            "// indirect returns the value, after dereferencing as many times\n"
            "// as necessary to reach the base type.\n"
            "func indirect(a any) any { return a }\n\n"
            "// Given a tag string in the format of the package comment,\n// parse will parse it into parameters.\n"
            "func parse(s string) int { return 0 }\n\n// Close closes it.\n// Close returns no error.\n"
            "func Close() error { return nil }\n")
    from leancode.function_summary import documentation

    units = extract_units(code, "go")
    assert [documentation(u) for u in units] == [
        "indirect returns the value, after dereferencing as many times as necessary to reach the base type.",
        "Given a tag string in the format of the package comment, parse will parse it into parameters.",  # mid-sentence
        "Close closes it."]
    assert extract_units(code, "go", as_mined=True)[0].docstring.startswith("From html")  # as mined


def test_go_units():
    units = extract_units(GO, "go")
    assert [u.qualified_name for u in units] == ["Server.Open", "New"]  # func literals are not units
    open_, new = units
    assert open_.name == "Open"
    assert open_.docstring == "Open opens a file below the root.\n\nIt never follows symlinks."
    assert new.docstring is None  # a blank line separates the comment
    assert open_.start_line == line_of(GO, "func (s *Server)")
    assert open_.code.startswith("func (s *Server) Open(") and open_.code.endswith("return f, nil\n}")


def test_rust_units():
    units = extract_units(RUST, "rust")
    assert [u.qualified_name for u in units] == ["Wrapper.new", "Point.fmt", "main", "tests.it_works"]
    arrays = "impl From<Hash> for [u8; OUT_LEN] {\n    fn from(h: Hash) -> Self {\n        h.0\n    }\n}\n"
    assert [u.qualified_name for u in extract_units(arrays, "rust")] == ["u8.from"]  # the element type, not N
    new = units[0]
    assert new.docstring == "Wraps a value.\nCheap to call."  # attributes may sit between
    assert new.code.startswith("#[inline]\n    pub fn new(")
    assert new.start_line == line_of(RUST, "#[inline]")
    assert units[1].docstring is None


def test_a_rust_macro_is_a_unit_with_its_doc_comment_and_its_name_as_signature():
    # A crate's `macro_rules!` are its API as much as its functions (328 in the Rust query and held-out packages), and
    # were neither indexed nor hovered. Mined without them, as the corpus was.
    from leancode.function_summary import signature

    code = ("/// Makes a map of the pairs.\n#[macro_export]\nmacro_rules! hashmap {\n"
            "    ($($k:expr => $v:expr),*) => {{\n"
            "        let mut m = HashMap::new(); $(m.insert($k, $v);)* m\n    }};\n}\n"
            "fn f() {\n    macro_rules! inner { () => { 1 } }\n}\n")
    units = extract_units(code, "rust")
    assert [(u.qualified_name, u.docstring) for u in units] == [
        ("hashmap", "Makes a map of the pairs."), ("f", None), ("f.inner", None)]
    assert [signature(u) for u in units] == ["macro_rules! hashmap", "fn f()", "macro_rules! inner"]
    assert units[0].code.startswith("#[macro_export]\nmacro_rules! hashmap {") and units[0].code.endswith("}")
    assert [u.qualified_name for u in extract_units(code, "rust", as_mined=True)] == ["f"]
    assert not any(u.syntax_error for u in units)
    # tokens the grammar misreads inside a rule (anyhow's `~`) are the macro's own; a rule left open is an error
    odd, open_ = "macro_rules! ensure { (~ $x:expr) => { $x }; }\n", "macro_rules! open {\n  () => { 1 };\n"
    assert [u.syntax_error for u in extract_units(odd + open_, "rust")] == [False, True]
    # nor is the file's: `leancode index` warned of syntax errors in anyhow's macros.rs and ensure.rs on every run,
    # and the repair blanked a rule's line (its macro then showed "code with syntax errors"); nor a function's whose
    # macro call holds such tokens
    called = "fn check(x: u8) {\n    parse!(~ x ~);\n}\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [u.syntax_error for u in extract_units(odd + "macro_rules! fuel { () => { f!(~~~ ~~~) }; }\n" + called,
                                                      "rust")] == [False, False, False]
    with pytest.warns(ParseWarning, match="syntax errors from line 2"):
        extract_units("fn ok() {}\nfn broken( {\n    parse!(~ x);\n}\n", "rust")  # a real error is still one
    # and the repair of a real error below them blanks its line, not the macro's (which then read as broken)
    code = ("macro_rules! fuel {\n    (~ $x:expr) => { $x };\n}\nfn ok() -> u8 {\n    1\n}\n"
            "fn broken(x: u8 {\n    x\n}\nfn after() -> u8 {\n    2\n}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        found = [(u.qualified_name, u.syntax_error) for u in extract_units(code, "rust")]
    assert found == [("fuel", False), ("ok", False), ("broken", True), ("after", False)]


def test_rust_functions_written_in_a_macro_call_are_units():
    # Much of tokio's API (`tokio::spawn` itself) is written inside `cfg_rt! { ... }` and such: a macro call's
    # contents are one token tree to the grammar, so none of it was indexed or hovered (218 of tokio 1.24's functions).
    code = ("cfg_rt! {\n    /// Spawns a new task.\n    pub fn spawn<F>(future: F) -> JoinHandle<F::Output>\n"
            "    where F: Future + Send + 'static {\n        spawn_inner(future, None)\n    }\n"
            "    cfg_unstable! {\n        /// Names it.\n        pub fn named(x: u8) {}\n    }\n}\n"
            "impl Pipe {\n    tokio::cfg_io! {\n        fn poll_read(&self) -> u8 { 1 }\n    }\n}\n"
            "parser! {\n    fn expr[Input]()(Input) -> Expr { many1(digit()) }\n}\n"  # no Rust items: a call still
            "cfg_if::cfg_if! { if #[cfg(unix)] { fn unix() {} } }\nlazy_static! { static ref X: u8 = 1; }\n"
            "fn plain() {}\n")
    units = extract_units(code, "rust")
    assert [(u.qualified_name, u.start_line, u.docstring) for u in units] == [
        ("spawn", 2, "Spawns a new task."), ("named", 8, "Names it."), ("Pipe.poll_read", 13, None), ("plain", 21, None)]
    assert units[0].code.startswith("pub fn spawn<F>") and units[0].code.endswith("spawn_inner(future, None)\n    }")
    assert not any(u.syntax_error for u in units)
    assert [u.qualified_name for u in extract_units(code, "rust", as_mined=True)] == ["plain"]  # as the corpus was

    def read(n: int) -> None:  # many calls, and calls nested deep, in linear time
        flat = "m! { fn f() {} }\n" * n
        assert len(extract_units(flat, "rust")) == n
        nested = "m! { " * n + "fn f() {}" + " }" * n
        extract_units(nested, "rust")

    assert_linear(read, 1_000)


def test_unparsable_code_still_gives_units():
    units = extract_units("def f(:\n  return ]\n\ndef g(x):\n    return x\n", "python")
    assert "g" in [u.name for u in units]
    units = extract_units("public class A { void f( { } void g() { return; } }", "java")
    assert [u.qualified_name for u in units] == ["A.f", "A.g"]
    assert [u.name for u in extract_units("fn a( { }\nfn b() {}", "rust")] == ["a", "b"]


# A function being typed (its header unfinished) between two complete ones: the one after it keeps its own unit
# and code, instead of vanishing or being swallowed by the broken one.
HALF_TYPED = {
    "python": "def a(x):\n    return x\n\ndef half(x:\ndef b(y):\n    return y * 2\n",
    "javascript": "function a(x) { return x; }\nfunction half(x {\nfunction b(y) {\n  return y * 2;\n}\n",
    "typescript": "function a(x: number) { return x; }\nfunction half(x: {\nfunction b(y: number) {\n  return y * 2;\n}\n",
    "java": "class A {\n  int a(int x) { return x; }\n  int half(int x\n  int b(int y) { return y * 2; }\n}\n",
    "go": "package p\nfunc a(x int) int { return x }\nfunc half(x int\nfunc b(y int) int { return y * 2 }\n",
    "rust": "fn a(x: i32) -> i32 { x }\nfn half(x: i32\nfn b(y: i32) -> i32 { y * 2 }\n",
}


@pytest.mark.parametrize("language", sorted(HALF_TYPED))
def test_a_half_typed_function_hides_only_itself(language):
    code = HALF_TYPED[language]
    with pytest.warns(ParseWarning):
        units = extract_units(code, language)
    b = next(u for u in units if u.name == "b")
    assert b.code.startswith(("def b", "function b", "int b", "func b", "fn b")) and "y * 2" in b.code
    assert "a" in [u.name for u in units]
    assert all("y * 2" not in u.code for u in units if u.name == "half")  # never swallows what follows
    if language in ("python", "java", "rust"):  # tree-sitter alone loses `b` or folds it into `half`
        with pytest.warns(ParseWarning):  # as mining reads it
            unrepaired = extract_units(code, language, as_mined=True)
        assert all(u.name != "b" for u in unrepaired) or any("y * 2" in u.code for u in unrepaired
                                                             if u.name == "half")


DOC_OF_B = {"python": "# Doubles y.\n", "go": "// Doubles y.\n", "rust": "/// Doubles y.\n"}


@pytest.mark.parametrize("language", sorted(HALF_TYPED))
def test_a_half_typed_function_leaves_the_next_ones_doc_comment_to_it(language):
    # The error shows on the doc comment's line; blanking that line lost `b`'s documentation.
    code = HALF_TYPED[language]
    at = code.index("fn b" if language == "rust" else "func b" if language == "go" else
                    "int b" if language == "java" else "def b" if language == "python" else "function b")
    indent = "  " if language == "java" else ""
    doc = DOC_OF_B.get(language, "/** Doubles y. */\n")
    with pytest.warns(ParseWarning):
        units = extract_units(code[:at] + "\n" + indent + doc + indent + code[at:], language)
    b = next(u for u in units if u.name == "b")
    if language != "python":  # a Python comment above a function is not its docstring
        assert b.docstring == "Doubles y."
    assert "y * 2" in b.code and all("y * 2" not in u.code for u in units if u.name == "half")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_empty_code(language):
    assert extract_units("", language) == []
    assert extract_units("\n  \n", language) == []
    assert lex("", language) == []


def test_units_use_character_offsets():
    code = 's = "héllo wörld"\n\ndef grüß(name):\n    """Sägt hallo."""\n    return f"{s} {name}"\n'
    (unit,) = extract_units(code, "python")
    assert code[unit.start:unit.end] == unit.code
    assert unit.code.startswith("def grüß(") and unit.name == "grüß"
    assert unit.docstring == "Sägt hallo."
    assert unit.code_without_docstring == 'def grüß(name):\n    return f"{s} {name}"'


# --- tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_tokens_reproduce_code(language):
    code = SAMPLES[language]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParseWarning)  # every sample parses cleanly
        tokens = lex(code, language)
    assert "".join(t.text for t in tokens) == re.sub(r"\s+", "", code)
    assert all(code[t.start:t.end] == t.text for t in tokens)
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)


# Class members as `extract_units` cuts them out of their class: alone, each is a syntax error in its language.
CLASS_MEMBERS = {
    "javascript": ["get size() {\n  return this.n\n}", "static fromMillis(ms, options = {}) {\n  return ms;\n}",
                   "async *entries() { yield 1 }", "#grow(by) { this.n += by }", "constructor(n) { this.n = n }"],
    "typescript": ["public reportChanged(): void {\n  startBatch()\n}", "@Input() set value(v: string) { this.v = v }",
                   "private static async load<T>(p: string): Promise<T> { return fetch(p) as T }"],
    "tsx": ["render(): JSX.Element {\n  return <div>{this.n}</div>\n}"],
}


@pytest.mark.parametrize("language,code", [(lang, c) for lang, codes in CLASS_MEMBERS.items() for c in codes])
def test_a_class_member_alone_lexes_as_a_method_not_a_syntax_error(language, code):
    assert parse(code, language).root_node.has_error  # what made the lexer guess before
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParseWarning)
        tokens = lex(code, language)
    assert "".join(t.text for t in tokens) == re.sub(r"\s+", "", code)
    assert all(code[t.start:t.end] == t.text for t in tokens)
    header = code[:code.index("{")]
    assert {t.category for t in tokens if t.end <= len(header)} in ({C.SIGNATURE}, {C.SIGNATURE, C.ANNOTATION})
    assert not any(t.in_call for t in tokens if t.category == C.SIGNATURE)
    assert any(t.category != C.SIGNATURE for t in tokens)  # the body is not the signature


@pytest.mark.parametrize("language,code", [(lang, c) for lang, codes in CLASS_MEMBERS.items() for c in codes])
def test_a_class_member_alone_is_named(language, code):
    assert function_name(code, language) == re.search(r"([#\w]+)(?:<T>)?\(", code.replace("Input()", "")).group(1)
    assert mask_function_name(code, code, language).count(NAME_MASK) >= 1  # training masks its name too


def test_a_class_member_is_named_by_itself_not_by_an_arrow_inside_it():
    assert function_name("reset() {\n  const f = () => 0\n  return f\n}", "javascript") == "reset"
    assert function_name("function a() { const f = () => 1 }", "javascript") == "a"


@pytest.mark.parametrize("language,code", [(lang, c) for lang, codes in CLASS_MEMBERS.items() for c in codes])
def test_a_class_member_is_parsed_once_inside_a_class_not_first_alone(language, code, monkeypatch):
    parsed = []
    monkeypatch.setattr(tokens_module, "parse", lambda text, lang: parsed.append(text) or parse(text, lang))
    for text in (code, f"// Owner.member\n{code}"):  # also after the owner line the index puts before a method
        parsed.clear()
        lex(text, language)
        assert parsed == [f"class _ {{\n{text}\n}}"]


@pytest.mark.parametrize("code", ["foo(a)\n{ return a }", "get\nfoo()\n{ return 1 }", "foo() // note\n{ x() }"])
def test_member_like_code_that_also_parses_alone_keeps_its_reading_alone(code):
    # A newline in the header outside the parameters can end statements: the text alone is valid code, and that
    # reading came first before members were read inside a class first; it still does (same tokens, same vectors).
    assert not parse(code, "javascript").root_node.has_error
    tree = parse(code, "javascript")
    alone = tokens_module._Lexer(code, "javascript")
    alone.walk(tree.root_node)
    alone.fill_gaps()
    assert lex(code, "javascript") == tokens_module._merge_glued(alone.tokens, code)


def test_a_member_that_does_not_parse_in_a_class_either_still_lexes_with_a_warning():
    code = "get size( {\n  return this.n\n}"
    with pytest.warns(ParseWarning):
        tokens = lex(code, "javascript")
    assert "".join(t.text for t in tokens) == re.sub(r"\s+", "", code)


def test_token_kinds():
    py = lex(PYTHON, "python")
    assert token(py, "class").kind == KEYWORD
    assert token(py, "Config").kind == IDENTIFIER
    assert token(py, "->").kind == OPERATOR
    assert token(py, '"port"').kind == LITERAL
    assert token(py, '"""Settings').kind == LITERAL  # strings with spaces split into words
    java = lex(JAVA, "java")
    assert token(java, "//").kind == COMMENT and token(java, "positive").kind == COMMENT
    assert token(java, "3").kind == LITERAL
    ts = lex("const s: string = 'x';", "typescript")
    assert token(ts, "string").kind == KEYWORD  # a type, not a string literal
    go = lex(GO, "go")
    assert token(go, "func").kind == KEYWORD and token(go, "err").kind == IDENTIFIER
    rust = lex(RUST, "rust")
    assert token(rust, "///").kind == COMMENT
    assert token(rust, "fn").kind == KEYWORD


def test_unparsable_code_lexes_with_warning():
    code = "def f(:\n  return ]"
    with pytest.warns(ParseWarning):
        tokens = lex(code, "python")
    assert "".join(t.text for t in tokens) == re.sub(r"\s+", "", code)


def test_unsupported_language():
    with pytest.raises(UnsupportedLanguageError) as error:
        lex("x", "cobol")
    assert all(name in str(error.value) for name in ("python", "java", "go", "rust", "typescript"))
    with pytest.raises(UnsupportedLanguageError):
        extract_units("x", "cobol")


def test_non_ascii_offsets():
    code = 's = "héllo wörld"  # grüße\nprint(s, "ok")\n'
    tokens = lex(code, "python")
    assert all(code[t.start:t.end] == t.text for t in tokens)
    assert [t.text for t in tokens][:4] == ["s", "=", '"héllo', 'wörld"']
    assert token(tokens, "print").start == code.index("print")


def test_statements_of_nested_functions():
    """Statement ids, categories and `in_call` through nested functions and closures: a function's header is one
    statement, its body opens another, and its children leave an enclosing call (pins the tree walk)."""
    def run(text: str, category: C, statement: int, in_call: bool) -> list[tuple]:
        return [(word, category, statement, in_call) for word in text.split()]

    got = [(t.text, t.category, t.statement, t.in_call) for t in lex(
        "def outer(a):\n    def inner(b):\n        return f(b)\n    return inner(a)\n", "python")]
    assert got == (run("def outer ( a ) :", C.SIGNATURE, 1, False) + run("def inner ( b ) :", C.SIGNATURE, 3, False)
                   + run("return", C.RETURN, 5, False) + run("f ( b )", C.RETURN, 5, True)
                   + run("return", C.RETURN, 6, False) + run("inner ( a )", C.RETURN, 6, True))
    got = [(t.text, t.category, t.statement, t.in_call) for t in lex(
        "fn run(xs: Vec<i32>) -> i32 {\n    let f = |x| { g(x) };\n    xs.iter().map(|y| h(y)).sum()\n}", "rust")]
    assert got == (run("fn run ( xs : Vec < i32 > ) -> i32", C.SIGNATURE, 1, False) + run("{", C.OTHER, 2, False)
                   + run("let f =", C.DECLARATION, 3, False) + run("| x |", C.SIGNATURE, 4, False)
                   + run("{", C.OTHER, 5, False) + run("g ( x )", C.OTHER, 5, True) + run("}", C.OTHER, 5, False)
                   + run(";", C.DECLARATION, 3, False) + run("xs . iter ( ) . map (", C.OTHER, 2, True)
                   + run("| y |", C.SIGNATURE, 6, False) + run("h ( y )", C.OTHER, 7, True)
                   + run(") . sum ( )", C.OTHER, 2, True) + run("}", C.OTHER, 2, False))


def test_tokens_are_immutable_values():
    first, second = lex("f(x)", "python")[:2], lex("f(x)", "python")[:2]
    assert first == second and hash(first[0]) == hash(second[0])
    with pytest.raises(AttributeError):
        first[0].text = "g"
    assert first[0]._replace(text="g").text == "g" and first[0].text == "f"


# --- statement categories ----------------------------------------------------------------------


def test_python_categories():
    tokens = lex(PYTHON, "python")
    cats = lambda snippet: categories(tokens, PYTHON, snippet)  # noqa: E731
    assert cats("@classmethod") == {C.ANNOTATION}
    assert cats('def load(cls, path: str) -> "Config":') == {C.SIGNATURE}
    assert cats("with open(path) as f:") == {C.SYNCHRONIZED}
    assert cats("data = parse(f.read())") == {C.DECLARATION}
    assert cats("try:") == {C.TRY}
    assert cats("except KeyError:") == {C.CATCH}
    assert cats("raise ConfigError(path)") == {C.THROW}
    assert cats("finally:") == {C.FINALLY}
    assert cats('logger.info("loaded %s", path)') == {C.LOGGER}
    assert cats("for key in data:") == {C.FOR}
    assert cats('if key.startswith("_"):') == {C.IF}
    assert cats("continue") == {C.CONTINUE}
    assert cats("return cls(port)") == {C.RETURN}
    assert cats('print(Config.load("app.cfg"))') == {C.LOGGER}
    assert cats("import logging") == {C.DECLARATION}
    assert token(tokens, "__name__").in_call and not token(tokens, "import").in_call


def test_java_categories():
    tokens = lex(JAVA, "java")
    cats = lambda snippet: categories(tokens, JAVA, snippet)  # noqa: E731
    assert cats("if (x > 0)") == {C.IF}
    assert cats('log.info("renaming {}", x);') == {C.LOGGER}
    assert cats("setName(x);") == {C.SETTER}
    assert cats("int y = 3;") == {C.DECLARATION}
    assert cats("public void update(int x)") == {C.SIGNATURE}
    assert cats("@Override") == {C.ANNOTATION}
    assert cats("// only positive sizes") == {C.ANNOTATION}
    assert cats("/**\n     * Renames a user.") == {C.ANNOTATION}
    assert cats("synchronized (this)") == {C.SYNCHRONIZED}
    assert cats("count++;") == {C.EXPRESSION}
    assert cats("repo.save(this);") == {C.CALL}
    assert cats("catch (IOException e)") == {C.CATCH}
    assert cats("throw new RuntimeException(e);") == {C.THROW}
    assert cats("finally") == {C.FINALLY}
    assert cats("return;") == {C.RETURN}
    assert cats("this.repo = repo;") == {C.EXPRESSION}


def test_javascript_categories():
    tokens = lex(JAVASCRIPT, "javascript")
    cats = lambda snippet: categories(tokens, JAVASCRIPT, snippet)  # noqa: E731
    assert cats("async function fetchUser(id)") == {C.SIGNATURE}
    assert cats("const res = await fetch(`/users/${id}`);") == {C.DECLARATION}
    assert cats("if (!res.ok)") == {C.IF}
    assert cats('throw new Error("not found");') == {C.THROW}
    assert cats("console.log(res.status);") == {C.LOGGER}
    assert cats("return res.json();") == {C.RETURN}
    assert cats("switch (key)") == {C.SWITCH}
    assert cats('case "a":') == {C.CASE}
    assert cats("/** Gets a cached value. */") == {C.ANNOTATION}


def test_typescript_categories():
    tokens = lex(TYPESCRIPT, "typescript")
    cats = lambda snippet: categories(tokens, TYPESCRIPT, snippet)  # noqa: E731
    assert cats("@Memoize()") == {C.ANNOTATION}
    assert cats("find(id: string): Item | undefined") == {C.SIGNATURE}
    assert cats("for (const item of this.items.values())") == {C.FOR}
    assert cats("this.items.set(item.id, item);") == {C.CALL}  # setters are set* names, e.g. setName
    assert cats("return undefined;") == {C.RETURN}


def test_go_categories():
    tokens = lex(GO, "go")
    cats = lambda snippet: categories(tokens, GO, snippet)  # noqa: E731
    assert cats("func (s *Server) Open(name string) (*os.File, error)") == {C.SIGNATURE}
    assert cats("f, err := os.Open(s.root + name)") == {C.DECLARATION}
    assert cats("if err != nil") == {C.IF}
    assert cats("return nil, err") == {C.RETURN}
    assert cats("defer f.Close()") == {C.FINALLY}
    assert cats("fmt.Println(i)") == {C.LOGGER}
    assert cats("switch name") == {C.SWITCH}
    assert cats('case "":') == {C.CASE}
    assert cats("// Open opens a file below the root.") == {C.ANNOTATION}


def test_rust_categories():
    tokens = lex(RUST, "rust")
    cats = lambda snippet: categories(tokens, RUST, snippet)  # noqa: E731
    assert cats("match self.x") == {C.SWITCH}
    assert cats('0 => write!(f, "origin"),') == {C.CASE}
    assert cats('println!("{}", p);') == {C.LOGGER}
    assert cats("let p = Point { x: 1, y: 2 };") == {C.DECLARATION}
    assert cats("#[inline]") == {C.ANNOTATION}
    assert cats("/// Wraps a value.") == {C.ANNOTATION}
    assert cats("fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result") == {C.SIGNATURE}
    assert cats("use std::fmt;") == {C.DECLARATION}


def test_typing_a_function_anywhere_keeps_the_functions_above_it():
    import textwrap as module

    code = open(module.__file__, encoding="utf-8").read()
    lines = code.splitlines(keepends=True)
    whole = extract_units(code, "python")
    for at in range(40, len(lines), 37):  # "    def half_typed(x:" typed at many places, indented as in a class
        edited = "".join(lines[:at] + ["    def half_typed(x:\n"] + lines[at:])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ParseWarning)
            names = {u.qualified_name for u in extract_units(edited, "python")}
        above = {u.qualified_name for u in whole if u.end_line < at}
        assert above <= names, (at, above - names)


def test_a_lone_carriage_return_ends_a_line_as_in_editors():
    code = "import os\r\rdef alpha(x):\r    return x\r\rdef beta(y):\r    return y * 2\r"
    units = extract_units(code, "python")
    assert [(u.name, u.start_line, u.end_line) for u in units] == [("alpha", 2, 3), ("beta", 5, 6)]
    assert units[1].code == "def beta(y):\r    return y * 2"  # the code as written


@pytest.mark.parametrize("language", ["python", "javascript", "go"])
def test_a_file_with_lone_carriage_returns_and_a_syntax_error_is_repaired_like_any_other(language):
    # The repair parses again with a line blanked: it must read the lines the first parse read (it raised IndexError).
    broken, good = {"python": ("def f(:", "def g():\r  return 1"),
                    "javascript": ("function f( {", "function g() {\r  return 1;\r}"),
                    "go": ("func f( {", "func g() int {\r\treturn 1\r}")}[language]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        units = extract_units(f"{broken}\r  // c\r\r{good}\r".replace("//", "#" if language == "python" else "//"),
                              language)
    assert "g" in [u.name for u in units]


@pytest.mark.parametrize("language, code", [
    ("python", 'def f(x):\n    """Half an emoji: \ud83d."""\n    return "\udfff" + x\n\n\ndef g():\n    return 1\n'),
    ("javascript", "/** Half a pair: \ud800. */\nfunction f(x) { return '\ud800é' + x; }\nfunction g() { return 1; }\n"),
    ("rust", '/// Half a pair.\nfn f(x: &str) -> String { format!("\udc00{}", x) }\nfn g() -> i32 { 1 }\n'),
])
def test_a_lone_surrogate_reads_as_a_replacement_character(language, code):
    # Half a UTF-16 pair, as a JSON escape gives it (a corpus line, `leancode simplify --input`): UTF-8 cannot encode
    # it, and parsing raised UnicodeEncodeError.
    from leancode.simplify import simplify

    def surrogates(text: str) -> list[str]:
        return [c for c in text if 0xD800 <= ord(c) <= 0xDFFF]

    units = extract_units(code, language)
    assert [u.name for u in units] == ["f", "g"]
    assert units[0].code.endswith(("+ x", "+ x; }", "x) }")) and surrogates(units[0].code)  # the code as written
    assert [u.name for u in extract_units(code, language, as_mined=True)] == ["f", "g"]
    line = code.splitlines()[1]
    after = line.index(surrogates(line)[0]) + 1  # inside the string
    assert in_comment_or_string(code, language, 1, len(line[:after].encode("utf-8", "surrogatepass")))
    for method in ("leancode", "slimcode", "dietcode", "random", "truncate"):
        result = simplify(units[0].code, language, ratio=0.3, method=method)
        assert "".join(t.text for t in result.tokens) == "".join(units[0].code.split())


@pytest.mark.parametrize("language, code, points", [
    ("python", '# merge(a)\ns = "merge(b)"\nt = f"{merge(c)}"\nmerge(d)\n', [(0, 3, True), (1, 6, True), (2, 8, False),
                                                                       (3, 1, False)]),
    ("javascript", "// merge(a)\nconst s = `${merge(b)}`, t = 'merge(c)'; merge(d);\n/* merge(e) */",
     [(0, 4, True), (1, 14, False), (1, 31, True), (1, 42, False), (2, 4, True)]),
    ("rust", '/// merge(a)\nfn f() { let s = "merge(b)"; println!("{}", merge(c)); }\n',
     [(0, 5, True), (1, 19, True), (1, 44, False)]),
    ("go", "// merge(a)\nfunc f() { s := `merge(b)`; merge(c) }\n", [(0, 4, True), (1, 18, True), (1, 29, False)]),
    ("java", '/** merge(a) */\nclass A { void f() { String s = "merge(b)"; merge(c); } }\n',
     [(0, 5, True), (1, 34, True), (1, 45, False)]),
    ("python", "s = 'é' + merge(x)  # é\n", [(0, 12, False), (0, 22, True)]),  # byte columns past a non-ASCII letter
    ("tsx", "const v = <p>Call merge(1) {merge(2)}</p>;\n", [(0, 20, True), (0, 30, False)]),  # JSX text, expression
])
def test_in_comment_or_string(language, code, points):
    for row, column, inside in points:
        assert in_comment_or_string(code, language, row, column) is inside, (row, column)


@pytest.mark.parametrize("language, code, expected", [
    ("javascript", "export const toArray = (value) => value;", "const toArray = (value) => "),
    ("javascript", "function f(opts = {}) {}", "function f(opts = {}) "),
    ("python", "def read(self, n: int = ...) -> bytes: ...", "def read(self, n: int = ...) -> bytes: "),
    ("go", "func f(m map[string]struct{}) {}", "func f(m map[string]struct{}) "),
])
def test_a_header_holding_its_body_text_is_cut_at_the_body(language, code, expected):
    [unit] = extract_units(code, language)
    assert header(unit) == expected


def test_hostile_headers_and_doc_comments_are_read_in_linear_time():
    # Each took quadratic time in a pattern of `leancode.units` (`^\s*` from every line start of a header of blank
    # lines; `[\s*!]*` then `[*/\s]*$` on a comment of stars; `(\w+)...prototype` from each letter of a long name):
    # these took 20-60 s each, a file of twice the size four times as long.
    from leancode.units import overload_stub, special_kind

    def read(n: int) -> None:
        for language, code in [("python", "def f():" + "\n" * (10 * n) + "    pass\n"),
                               ("java", "class A { void f()" + "\n" * (10 * n) + "{} }"),
                               ("rust", "fn f()" + "\n" * (10 * n) + "{}")]:
            [unit] = extract_units(code, language)
            assert special_kind(unit) is None and not overload_stub(unit)
        [unit] = extract_units("class A {\n/** " + "* " * (3 * n) + "x */\nvoid f() {}\n}", "java")
        assert unit.docstring.endswith("* x")
        [unit] = extract_units("a" * (5 * n) + " = function () {};", "javascript")
        assert unit.qualified_name == "a" * (5 * n)

    assert_linear(read, 2_500)


def test_nested_calls_of_function_literals_are_lexed_in_linear_time():
    # Each call statement's callee was read whole for its names: 10,000 nested `(function(){ ... })()` read 10,000
    # callees of up to 100,000 characters (25 s for the Go below), a file of twice the size four times as long.
    def read(depth: int) -> None:
        tokens = lex("(function(){" * depth + "console.log(x);" + "})();" * depth, "javascript")
        assert {t.category for t in tokens if t.text == "log"} == {C.LOGGER}
        tokens = lex("package p\nfunc f() {" + "func(){" * depth + "fmt.Println(x)" + "}()" * depth + "}", "go")
        assert {t.category for t in tokens if t.text == "Println"} == {C.LOGGER}

    assert_linear(read, 2_500)


def test_accessors_passed_to_a_long_call_are_named_in_linear_time():
    # Each `{get() {...}}` argument read the call's whole callee, and listed all its arguments, to see whether the call
    # was Object.defineProperty: 3,000 of them passed to a function of a million characters took 56 s.
    def read(accessors: int) -> None:  # the callee grows with them: linear in both, quadratic in the product
        code = ("(function () { var a = '" + "x" * (300 * accessors) + "'; })("
                + ", ".join(["{get() { return 1; }}"] * accessors) + ");")
        assert [u.name for u in extract_units(code, "javascript")] == ["get"] * accessors

    assert_linear(read, 750)


def test_tokens_glued_into_one_word_are_merged_in_linear_time():
    # Tokens touching inside one word (`a€a€...`, which Python's parser reads as many) were merged by adding each text
    # to the word so far: 500,000 such tokens copied 125 billion characters (40 s).
    import time

    from leancode.tokens import Token, _merge_glued

    code = "a€" * 250_000
    began = time.process_time()
    tokens = [Token(c, i, i + 1, OPERATOR, C.OTHER, -1, False) for i, c in enumerate(code)]
    listed = time.process_time() - began  # one pass making the tokens: this machine's yardstick (a fixed 5 s failed
    began = time.process_time()  # on a slow one)
    [word] = _merge_glued(tokens, code)
    merged = time.process_time() - began
    assert (word.text, word.start, word.end) == (code, 0, len(code))
    assert merged < 12 * listed  # linear: about 4 passes; the quadratic merge 25 or more
    with pytest.warns(ParseWarning):  # `€` is no Python
        assert [t.text for t in lex("x = a€b + 1€2", "python")] == ["x", "=", "a€b", "+", "1€2"]


@pytest.mark.parametrize("language, line, function", [
    ("rust", "/// x", "fn f(x: i32) -> i32 { x }"), ("go", "// x", "func F(x int) int { return x }"),
    ("typescript", "/// x", "function f(x: number) { return x }")])
def test_a_doc_comment_of_many_lines_is_read_in_linear_time(language, line, function):
    # tree-sitter finds a previous sibling (and a parent) by walking the children from the first: walking back over
    # 50,000 comment lines one sibling at a time took 20 s.
    def read(lines: int) -> None:
        [unit] = extract_units("\n".join([line] * lines) + "\n" + function + "\n", language)
        assert unit.docstring == "\n".join(["x"] * lines)

    assert_linear(read, 12_500)


def test_unclosed_comments_and_quotes_are_lexed_in_linear_time():
    # The fallback lexer tried each `/*` or quote again, scanning to the end of the code (or line) for a closer that
    # was not there: 20,000 unclosed `/*` took 12 s, 20,000 unclosed quotes 14 s. They are still operators.
    from leancode.languages import spec_for
    from leancode.tokens import fallback_tokens

    with pytest.warns(ParseWarning):
        tokens = lex("#\n" + "/*\n" * 20_000, "rust")
    assert [t.text for t in tokens] == ["#", "/*"] + ["/", "*"] * 19_999 and {t.kind for t in tokens} == {OPERATOR}
    for quote in "\"'":
        tokens = fallback_tokens((quote + "\\") * 20_000, spec_for("rust"))
        assert [t.text for t in tokens] == [quote, "\\"] * 20_000 and {t.kind for t in tokens} == {OPERATOR}
    # An opener found unclosed leaves the others, and the same quote on the next line, as they were.
    tokens = fallback_tokens("/* \"a\\\" 'b' \n\"c d\" // e", spec_for("rust"))
    assert [(t.text, t.kind) for t in tokens] == [
        ("/", OPERATOR), ("*", OPERATOR), ('"', OPERATOR), ("a", IDENTIFIER), ("\\", OPERATOR), ('"', OPERATOR),
        ("'b'", LITERAL), ('"c', LITERAL), ('d"', LITERAL), ("//", COMMENT), ("e", COMMENT)]
    # A comment opened on the line of an unclosed quote runs on past that line: lexing resumes after the comment.
    tokens = fallback_tokens('"/*\n*/ "x"', spec_for("rust"))
    assert [(t.text, t.kind) for t in tokens] == [('"', OPERATOR), ("/*", COMMENT), ("*/", COMMENT), ('"x"', LITERAL)]


def test_methods_of_a_class_with_thousands_of_bases_look_up_inherited_docs_in_linear_time():
    # Each undocumented method reads its class's bases for a documented same-named method: a class naming 4,000
    # bases with 4,000 methods would read 16 million bases (in its file, and among the standard library's classes:
    # 18 s, four times the size sixteen times as long).
    def read(n: int) -> None:
        declared = "class B0:\n    def m0(self):\n        '''Doc 0.'''\n\n"
        methods = "".join(f"    def m{i}(self):\n        return {i}\n" for i in range(n))
        bases = ", ".join(["B0"] + [f"X{i}" for i in range(n)])
        units = extract_units(declared + f"class Big({bases}):\n" + methods, "python")
        big = {u.name: u.inherited_doc for u in units if u.qualified_name.startswith("Big.")}
        assert big["m0"] == ("Doc 0.", "B0.m0") and big[f"m{n - 1}"] is None  # only the first 16 bases are read

    assert_linear(read, 1000)


@pytest.mark.parametrize("language, line", [("python", "from a import (\n"), ("typescript", "import { a,\n"),
                                            ("typescript", "import a" + " " * 30 + "\n"),
                                            ("java", "import a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t\n")])
def test_reading_a_files_imports_for_a_base_takes_linear_time(language, line):
    # A base declared in several files is looked up in the importing file's imports: open brackets that never close
    # (or an import with no `;`) must not make each line's match run to the end of the file.
    import time

    from leancode.inherited import _import_hints

    def seconds(code: str) -> float:
        began = time.process_time()
        for _ in range(5):
            _import_hints(code, language, "Shape")
        return time.process_time() - began

    plain = seconds("// a comment that imports nothing\n" * 4000)
    assert seconds(line * 4000) < 3 * plain + 0.5


def test_a_parse_tree_sitter_takes_too_long_over_gives_up_and_lexes_plainly(monkeypatch):
    # tree-sitter's error recovery is quadratic or worse on long runs of some tokens: 6 KB of `->` lines in
    # JavaScript took 4 s to parse, 12 KB 15 s, and `extract_units` parsed them 17 times more to repair them (50 s
    # for 6 KB). A parse has a CPU budget; past it the file has no functions, and its tokens come from the plain lexer.
    import leancode.languages

    hostile = "function f(x) { " + "->\n" * 2000 + " return x; }\nfunction g() { return 1; }\n"
    monkeypatch.setattr(leancode.languages, "PARSE_SECONDS", 0.05)
    with pytest.warns(ParseWarning, match="parsing gave up after 0.05 s of CPU"):
        assert extract_units(hostile, "javascript") == []
    with pytest.warns(ParseWarning, match="parsing gave up"):
        tokens = lex(hostile, "javascript")
    assert [t.text for t in tokens[:6]] == ["function", "f", "(", "x", ")", "{"]
    assert not parse(hostile, "javascript").root_node.children  # the tree of nothing
    assert [u.name for u in extract_units("function g() { return 1; }", "javascript")] == ["g"]  # the parser goes on


def test_a_file_tree_sitter_reads_slowly_is_not_repaired_for_long(monkeypatch):
    # Each repair of a file with syntax errors parses all of it again (up to 16 times): they share one CPU budget.
    import leancode.units

    parses = []
    within = leancode.units.parse_within
    monkeypatch.setattr(leancode.units, "parse_within", lambda *a, **k: parses.append(a[2]) or within(*a, **k))
    monkeypatch.setattr(leancode.units, "REPAIR_SECONDS", 0.01)
    hostile = "function f(x) { " + "->\n" * 1000 + " return x; }\n"
    with pytest.warns(ParseWarning):
        extract_units(hostile, "javascript")
    assert 1 <= len(parses) <= 2, parses
    monkeypatch.setattr(leancode.units, "REPAIR_SECONDS", 1.0)
    parses.clear()
    with pytest.warns(ParseWarning):  # a typo is still repaired: `f` hides only its own line's function
        units = extract_units("function f(x {\n  return x;\n}\nfunction g() { return 1; }\n", "javascript")
    assert "g" in [u.name for u in units] and parses


def test_what_holds_a_point_deep_in_a_chain_is_read_in_linear_time():
    # The hover asks whether the point is in a comment or a string, and how many arguments the call there passes,
    # climbing from the smallest node by `parent`, which tree-sitter finds from the root: quadratic in the depth
    # (a line `a.a.a...` of 20,000 links: 9 s).
    from leancode.languages import _recent_tree, declaration_node_at

    def read(links: int) -> None:
        _recent_tree.cache_clear()
        code = "a." * links + "x(1, 2)  # done\n"
        assert not in_comment_or_string(code, "python", 0, 1)
        assert in_comment_or_string(code, "python", 0, 2 * links + 12)
        assert call_arguments(code, "python", 0, 2 * links + 1) == 2
        declared = "interface I { f(x: " + "a." * links + "B): void; }"
        assert declaration_node_at(declared, "typescript", 0, 20 + links).type == "method_signature"

    assert_linear(read, 2_500)


@pytest.mark.parametrize("language, code, expected", [
    ("java", "abstract class AbstractMap<K, V> {\n    public int size() { return 0; }\n    public Set<K> keySet() {\n"
             "        return new AbstractSet<K>() {\n            public int size() { return AbstractMap.this.size(); }\n"
             "        };\n    }\n}\n",
     ["AbstractMap.size", "AbstractMap.keySet", "AbstractMap.keySet.size"]),  # an anonymous class's: not the class's
    # in a field (react-native-svg: its `run` was `F.run`, folded with F's own as an overload)
    ("java", "class F {\n    Runnable task = new Runnable() {\n        public void run() { go(); }\n    };\n"
             "    public void run() { }\n}\n", ["F.task.run", "F.run"]),
    ("rust", "impl Deserialize for Version {\n    fn deserialize(d: D) -> Self {\n        struct Visitor;\n"
             "        impl Visit for Visitor {\n            fn visit_str(self, s: &str) -> Version { s.parse() }\n"
             "        }\n        d.go(Visitor)\n    }\n}\n",
     ["Version.deserialize", "Version.deserialize.Visitor.visit_str"]),
    ("javascript", "function setup() {\n  Color.prototype.isDark = function () { return true; };\n"
                   "  function helper() {}\n}\nclass A { m() { const h = () => 1; } }\n",
     ["setup", "Color.isDark", "setup.helper", "A.m", "A.m.h"]),  # a prototype's method: its class's
    ("javascript", "Request.prototype.auth = function (user) {\n  const encoder = (s) => btoa(s);\n"
                   "  return encoder(user);\n};\n",
     ["Request.auth", "Request.auth.encoder"]),  # in a prototype's method: by the method's qualified name
    ("python", "def indent(text):\n    def predicate(line):\n        return line.strip()\n    return predicate\n",
     ["indent", "indent.predicate"]),
])
def test_a_function_nested_in_another_is_named_by_it(language, code, expected):
    units = extract_units(code, language)
    assert [u.qualified_name for u in units] == expected
    nested = units[-1]
    assert nested.embedded_text() == extract_units(code, language, as_mined=True)[-1].embedded_text()  # same vector


NEWER_TYPESCRIPT = '''export type * from "./types"
export type * as shapes from "./shapes"

export interface Box<
  // the value it holds
  in out T extends object,
  out U = T
> {
  get(): T
}

declare module "./editor" {
  global {
    interface Window {
      /** The open editor. */
      editor(): void
    }
  }
}

export class Counter {
  @observable accessor count = 0
  static accessor #limit: number = 10;

  /** Adds one. */
  increment(): void {
    this.count += 1
  }
}
'''


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript_newer_than_the_grammar_parses_cleanly(language):
    # tree-sitter-typescript 0.23 knows none of `export type *` (TypeScript 5.0), `accessor` (4.9), `in`/`out`
    # variance (4.7) or `global { }` inside a module: each was a syntax error, a warning for a good file and a
    # repair parse; each keyword now reads as spaces, so every offset stays where it was.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ParseWarning)
        units = extract_units(NEWER_TYPESCRIPT, language)
    assert not parse(NEWER_TYPESCRIPT, language).root_node.has_error
    increment = next(u for u in units if u.name == "increment")
    assert (increment.qualified_name, increment.docstring) == ("Counter.increment", "Adds one.")
    assert increment.start_line == NEWER_TYPESCRIPT.splitlines().index("  /** Adds one. */") + 1
    with pytest.warns(ParseWarning):  # mined as the recorded corpora were
        extract_units(NEWER_TYPESCRIPT, language, as_mined=True)


def test_only_the_newer_keywords_read_as_spaces():
    # Only where the file does not parse as written, and never in a comment or a string: a doc comment's ", in
    # seconds," is English, not variance.
    from leancode.languages import parse_source

    code = ("for (const k in obj) { if (a in b) { f(a, out) } }\nconst out = 1, accessor = [out, 2]\n"
            "const global = { in: 1 }\nx = accessor(1)\nif (key\n  in obj\n) {}\n")
    assert parse_source(code, "typescript")[0] == code.encode()
    assert parse_source(NEWER_TYPESCRIPT, "javascript")[0] == NEWER_TYPESCRIPT.encode()  # TypeScript's only
    blanked = parse_source(NEWER_TYPESCRIPT, "typescript")[0].decode()
    assert "export      * from" in blanked and "@observable          count" in blanked and "  global {" not in blanked
    assert re.search(r"<\n  // the value it holds\n {9}T extends object,\n {6}U = T\n>", blanked)
    quoted = ('/** The delay, in seconds, before it ends. */\nfunction f() { return "export type * from" }\n'
              + NEWER_TYPESCRIPT)
    blanked = parse_source(quoted, "typescript")[0].decode()
    assert blanked.startswith(quoted[:quoted.index(NEWER_TYPESCRIPT)])
    [f] = [u for u in extract_units(quoted, "typescript") if u.name == "f"]
    assert f.docstring == "The delay, in seconds, before it ends."


def test_a_second_typescript_parse_that_gives_up_keeps_the_first(monkeypatch):
    # The read with the newer keywords blanked is a second parse with a budget of its own: where it gives up, the
    # file's tree is the one as written, errors and all (as before that read existed), not the tree of nothing.
    import leancode.languages
    from leancode.languages import ParseGaveUp, parse_source

    parses, parse_within = [], leancode.languages.parse_within

    def second_gives_up(source, language, seconds=None):
        parses.append(source)
        if len(parses) == 2:
            raise ParseGaveUp("gave up")
        return parse_within(source, language, seconds)

    monkeypatch.setattr(leancode.languages, "parse_within", second_gives_up)
    code = 'export type * from "./a"\nfunction f() {}\n'
    source, tree = parse_source(code, "typescript")
    assert len(parses) == 2 and source == code.encode() and tree.root_node.has_error
    assert [c.type for c in tree.root_node.children] == ["export_statement", "function_declaration"]


GENERIC_CALL_SIGNATURES = """\
interface ComposeWithDevTools {
  (options: Options): Compose
  <StoreExt extends {}>(...funcs: StoreEnhancer<StoreExt>[]): StoreEnhancer<StoreExt>
}

type Creators = {
  (typePrefix: string): AsyncThunk<Returned>

  /**
   * With a config.
   */
  // a second signature
  <
    Returned,
    ThunkArg = void,
  >(typePrefix: string, config: Config): AsyncThunk<Returned, ThunkArg>
}

const help = `
  <T>(...) in a string`

interface Member {
  abstract?: boolean
  readonly accessor: Accessor
  name: string
  in: "query" | "path"
}

declare const isTagged: {
  <I, S>(key: I): {
    (value: S): boolean
  }
  /** Effect's style: a `const` type parameter */
  <const Tag extends string>(tag: Tag): boolean
}

const rows = sql<{
  readonly count: number
}>`SELECT count(*) FROM t`

const escaped = `a\\`b` + "c\\"d" + /e\\/f/.source

declare const hook: { inject: (any) => void }
const identityOfAny = (any) => any

export function compose(a, b) {
  let as = a.length ? 'span' : 'div'
  return a.length
    < b.length
}

const identity = () =>
  <T,>(value: T) => value
"""


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_generic_call_signatures_without_a_separator_parse(language):
    # tree-sitter-typescript 0.23 reads a member's type, then `<T>(...)` on the next line, as type arguments: a syntax
    # error in good code (Redux Toolkit's style), told to the user, and the repair could not mend it. A `;` in the
    # signature line's first indentation column separates them, one byte for one; never in a string or a comment, nor
    # before a comparison that goes on from the line above. Likewise a member named `abstract` or `accessor`, and
    # a variable `as` (TipTap's `let as = ...`).
    from leancode.languages import parse_source

    with warnings.catch_warnings():
        warnings.simplefilter("error", ParseWarning)
        [identity_of_any, compose, identity] = extract_units(GENERIC_CALL_SIGNATURES, language)
    source, tree = parse_source(GENERIC_CALL_SIGNATURES, language)
    assert not tree.root_node.has_error and len(source) == len(GENERIC_CALL_SIGNATURES.encode())
    read = source.decode()
    assert "; <StoreExt" in read and "; <\n    Returned," in read
    assert "  <T>(...) in a string" in read and "  (options: Options)" in read and "    < b.length" in read
    assert "  Abstract?: boolean\n  readonly Accessor: Accessor" in read  # members named by a modifier
    assert "  In: \"query\"" in read and "; <const Tag" in read and "; <I, S>(key: I)" not in read
    assert "const rows = sql  \n" in read and "`SELECT count(*) FROM t`" in read  # a tagged template's type
    assert 'const escaped = `a\\`b` + "c\\"d" + /e\\/f/.source' in read
    assert "inject: (Any) => void" in read  # a function type's parameter named `any`
    assert "  let As = a.length" in read and "'span'" in read and "() =>\n  <T,>" in read
    assert identity.name == "identity" and not identity.syntax_error and identity_of_any.name == "identityOfAny"
    start = GENERIC_CALL_SIGNATURES.index("function compose")
    assert compose.code == GENERIC_CALL_SIGNATURES[start:GENERIC_CALL_SIGNATURES.index("\n}\n", start) + 2]
    assert parse_source(GENERIC_CALL_SIGNATURES, language, newer_syntax=False)[1].root_node.has_error  # as mined


def test_a_typescript_reading_that_errs_earlier_is_not_kept(monkeypatch):
    # Each reading of `_TYPESCRIPT_GAPS` is a guess about a file that does not parse: kept only where its first syntax
    # error comes no earlier than the file's as written.
    import leancode.languages
    from leancode.languages import parse_source

    code = "function f() { return 1 }\nexport type * from './a'\n"
    monkeypatch.setattr(leancode.languages, "_grammar_gaps_read", lambda source, tree, language: b"(" + source[1:])
    source, tree = parse_source(code, "typescript")
    assert source == code.encode() and tree.root_node.children[0].type == "function_declaration"


def test_the_first_syntax_error_may_be_a_missing_node():
    # The first error, which a warning names and the repair blanks, may be a node tree-sitter inserted (a MISSING `}`
    # where the grammar reads `in: 'query'` as the end of an interface); `first_error` serves the parse and the repair.
    from leancode.languages import first_error

    code = "interface A {\n  name: string\n  in: 'query'\n}\n"
    missing = first_error(parse(code, "typescript", newer_syntax=False).root_node)
    assert missing.is_missing and missing.start_point.row == 1


def test_generic_call_signature_lines_are_found_in_linear_time():
    from leancode.languages import _separators_added, _span_finder

    def read(n: int) -> None:
        for text in ("a\n  <T>(x)\n" * n, "a\n" + "  /* c */\n" * n + "  <T>(x)\n", "  <\n" * n):
            source = text.encode()
            quoted = [(m.start(), m.end()) for m in re.finditer(rb"/\* c \*/", source)]
            assert len(_separators_added(source, _span_finder(quoted))) == len(source)

    assert_linear(read, 5_000)


def test_newer_typescript_keywords_are_found_in_linear_time():
    from leancode.languages import _grammar_gaps_read, parser_for

    nothing = parser_for("typescript").parse(b"")  # no comments or strings: the patterns alone

    def read(n: int) -> None:
        for line in ("{ @a @b(1) static readonly accessor\n", ", in out\n", "<in" + " " * 20 + "\n", "{ global\n",
                     "export type " + "\t" * 20 + "\n", "@a " * 20 + "\n",
                     "{ static readonly abstract" + " " * 20 + "?\n", "let as" + " " * 20 + "\n", "a<" + "x" * 20,
                     "a<b<c" + " " * 20 + ">"):
            assert len(_grammar_gaps_read((line * n).encode(), nothing, "typescript")) == len(line * n)

    assert_linear(read, 5_000)


def test_a_bundlers_annotation_between_a_doc_comment_and_its_function_is_read_past():
    # immer writes `/*#__PURE__*/` under most of its doc comments: the doc was lost (an overload's entirely) or read
    # as a comment above with "#PURE" in it.
    code = ("/** Returns true if the value is a draft */\n/*#__PURE__*/\nexport let isDraft = (value: any): boolean => "
            "!!value\n\n/** Returns true if the value was modified */\n/* @__PURE__ */\nexport function isModified(v: "
            "any): boolean {\n  return !!v\n}\n\n/** Get the underlying object of a draft */\n/*#__PURE__*/\n"
            "export function original<T>(value: T): T\nexport function original(value: any): any {\n  return value\n}\n")
    docs = {u.name: u.docstring for u in extract_units(code, "typescript")}
    assert docs == {"isDraft": "Returns true if the value is a draft", "isModified": "Returns true if the value was "
                    "modified", "original": "Get the underlying object of a draft"}
