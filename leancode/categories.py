"""Statement categories: the paper's 21 Java categories generalised to every supported language.

A lexical token's category is that of the innermost statement holding it. This
module is the one place where each language's tree-sitter node types are mapped
onto categories (see `STATEMENT_TYPES`); `README.md` points here.

Rules shared by all languages:
- comments, decorators and annotations are ANNOTATION wherever they stand;
- the header of a function (name, parameters, return type, modifiers) is SIGNATURE;
  tokens in a function body outside every statement (e.g. the braces) are OTHER;
- an expression statement is classified by what it does: a call becomes LOGGER
  (logging/printing), SETTER (``set*``), GETTER (``get*``) or CALL; an assignment is
  DECLARATION in languages without declarations (Python) and EXPRESSION elsewhere.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from enum import Enum
from typing import Callable

from tree_sitter import Node


class StatementCategory(str, Enum):
    SIGNATURE = "signature"
    RETURN = "return"
    IF = "if"
    WHILE = "while"
    FOR = "for"
    SWITCH = "switch"
    CASE = "case"
    TRY = "try"
    CATCH = "catch"
    FINALLY = "finally"
    BREAK = "break"
    CONTINUE = "continue"
    THROW = "throw"
    SYNCHRONIZED = "synchronized"
    EXPRESSION = "expression"
    DECLARATION = "declaration"
    CALL = "call"
    LOGGER = "logger"
    SETTER = "setter"
    GETTER = "getter"
    ANNOTATION = "annotation"  # comments, decorators, annotations
    OTHER = "other"  # outside every statement

    def __str__(self) -> str:
        return self.value


C = StatementCategory
# Marker: classify the statement by its content (call kind, assignment).
CLASSIFY = "classify"

# SlimCode's "structure": control-flow statements.
STRUCTURE = frozenset({C.IF, C.WHILE, C.FOR, C.SWITCH, C.CASE, C.TRY, C.CATCH, C.FINALLY, C.SYNCHRONIZED,
                       C.BREAK, C.CONTINUE, C.RETURN, C.THROW})

_JS = {
    "if_statement": C.IF, "else_clause": C.IF,
    "while_statement": C.WHILE, "do_statement": C.WHILE,
    "for_statement": C.FOR, "for_in_statement": C.FOR,
    "switch_statement": C.SWITCH, "switch_case": C.CASE, "switch_default": C.CASE,
    "try_statement": C.TRY, "catch_clause": C.CATCH, "finally_clause": C.FINALLY,
    "break_statement": C.BREAK, "continue_statement": C.CONTINUE,
    "return_statement": C.RETURN, "throw_statement": C.THROW,
    "lexical_declaration": C.DECLARATION, "variable_declaration": C.DECLARATION,
    "import_statement": C.DECLARATION, "type_alias_declaration": C.DECLARATION,
    "expression_statement": CLASSIFY,
    "decorator": C.ANNOTATION,
}

STATEMENT_TYPES: dict[str, dict[str, StatementCategory | str]] = {
    "python": {
        "if_statement": C.IF, "elif_clause": C.IF, "else_clause": C.IF, "conditional_expression": C.IF,
        "while_statement": C.WHILE,
        "for_statement": C.FOR,
        "match_statement": C.SWITCH, "case_clause": C.CASE,
        "try_statement": C.TRY, "except_clause": C.CATCH, "except_group_clause": C.CATCH,
        "finally_clause": C.FINALLY,
        "break_statement": C.BREAK, "continue_statement": C.CONTINUE,
        "return_statement": C.RETURN, "raise_statement": C.THROW,
        "with_statement": C.SYNCHRONIZED,
        "import_statement": C.DECLARATION, "import_from_statement": C.DECLARATION,
        "global_statement": C.DECLARATION, "nonlocal_statement": C.DECLARATION,
        "assert_statement": C.EXPRESSION, "pass_statement": C.EXPRESSION, "delete_statement": C.EXPRESSION,
        "print_statement": C.LOGGER, "exec_statement": C.CALL,
        "expression_statement": CLASSIFY,
        "decorator": C.ANNOTATION,
    },
    "java": {
        "if_statement": C.IF,
        "while_statement": C.WHILE, "do_statement": C.WHILE,
        "for_statement": C.FOR, "enhanced_for_statement": C.FOR,
        "switch_expression": C.SWITCH, "switch_block_statement_group": C.CASE, "switch_rule": C.CASE,
        "try_statement": C.TRY, "try_with_resources_statement": C.TRY,
        "catch_clause": C.CATCH, "finally_clause": C.FINALLY,
        "break_statement": C.BREAK, "continue_statement": C.CONTINUE,
        "return_statement": C.RETURN, "yield_statement": C.RETURN, "throw_statement": C.THROW,
        "synchronized_statement": C.SYNCHRONIZED,
        "local_variable_declaration": C.DECLARATION, "local_class_declaration": C.DECLARATION,
        "assert_statement": C.EXPRESSION,
        "explicit_constructor_invocation": C.CALL,
        "expression_statement": CLASSIFY,
        "marker_annotation": C.ANNOTATION, "annotation": C.ANNOTATION,
    },
    "javascript": _JS,
    "typescript": _JS,
    "tsx": _JS,
    "go": {
        "if_statement": C.IF,
        "for_statement": C.FOR,
        "expression_switch_statement": C.SWITCH, "type_switch_statement": C.SWITCH, "select_statement": C.SWITCH,
        "expression_case": C.CASE, "type_case": C.CASE, "default_case": C.CASE, "communication_case": C.CASE,
        "break_statement": C.BREAK, "continue_statement": C.CONTINUE, "goto_statement": C.BREAK,
        "return_statement": C.RETURN,
        "defer_statement": C.FINALLY, "go_statement": C.CALL,
        "var_declaration": C.DECLARATION, "const_declaration": C.DECLARATION, "short_var_declaration": C.DECLARATION,
        "type_declaration": C.DECLARATION,
        "assignment_statement": C.EXPRESSION, "inc_statement": C.EXPRESSION, "dec_statement": C.EXPRESSION,
        "send_statement": C.EXPRESSION,
        "expression_statement": CLASSIFY,
    },
    "rust": {
        "if_expression": C.IF, "else_clause": C.IF,
        "while_expression": C.WHILE, "loop_expression": C.WHILE,
        "for_expression": C.FOR,
        "match_expression": C.SWITCH, "match_arm": C.CASE,
        "break_expression": C.BREAK, "continue_expression": C.CONTINUE,
        "return_expression": C.RETURN,
        "unsafe_block": C.SYNCHRONIZED,
        "let_declaration": C.DECLARATION, "const_item": C.DECLARATION, "static_item": C.DECLARATION,
        "use_declaration": C.DECLARATION,
        "expression_statement": CLASSIFY,
        "attribute_item": C.ANNOTATION, "inner_attribute_item": C.ANNOTATION,
    },
}

# Assignments that declare a variable in languages without declarations.
_DECLARING_ASSIGNMENTS = frozenset({"assignment", "augmented_assignment"})
_WRAPPERS = frozenset({"await", "await_expression", "parenthesized_expression", "try_expression"})
_CALL_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_LOGGER_RECEIVER = re.compile(r"(^|[._])(log|logger|logging|console|out|err|stdout|stderr|fmt)$", re.IGNORECASE)
_LOGGER_NAMES = frozenset({
    "print", "println", "printf", "print_function", "eprintln", "eprint", "pprint",
    "log", "info", "debug", "warn", "warning", "error", "critical", "exception", "trace", "fatal",
    "Println", "Printf", "Print", "Fprintf", "Fprintln", "Errorf", "Infof", "Debugf", "Warnf",
})
_PRINT_ONLY = frozenset({"print", "println", "printf", "eprintln", "eprint", "pprint"})


class CallNames:
    """The names (`_CALL_NAME`'s) of a code, found in one pass when first asked for, so that a callee's are looked up:
    read again from each callee's text, 10,000 nested calls of function literals (`(function(){ ... })()`) took
    quadratic time. `char`: a tree-sitter byte offset's character offset in the code."""

    def __init__(self, code: str, char: Callable[[int], int] | None = None):
        self.code, self.char = code, char or (lambda byte: byte)
        self.starts: list[int] | None = None
        self.ends: list[int] = []

    def text(self, node: Node) -> str:
        """What `classify_call` reads as `node`'s text: its last three names, joined by dots."""
        if self.starts is None:
            found = [m.span() for m in _CALL_NAME.finditer(self.code)]
            self.starts, self.ends = [s for s, _ in found], [e for _, e in found]
        start, end = self.char(node.start_byte), self.char(node.end_byte)
        names, at = [], bisect_left(self.starts, end) - 1
        while at >= 0 and len(names) < 3 and self.ends[at] > start:
            first, last = self.starts[at], min(self.ends[at], end)
            if first >= start:
                names.append(self.code[first:last])
            elif cut := _CALL_NAME.search(self.code, start, last):  # the node holds the end of this name only
                names.append(cut.group())
            at -= 1
        return ".".join(reversed(names))


def _callee(call: Node, names: CallNames) -> str:
    """The callee text of a call node as `classify_call` reads it (`CallNames.text`): `a.b.c` for `a.b.c(x)`,
    `println` for `println!(...)`."""
    for name in ("function", "macro", "constructor", "type"):
        target = call.child_by_field_name(name)
        if target is not None:
            return names.text(target)
    target = call.child_by_field_name("name")  # Java method_invocation: object.name(...)
    if target is not None:
        obj = call.child_by_field_name("object")
        return f"{names.text(obj)}.{names.text(target)}" if obj is not None else names.text(target)
    return ""


def classify_call(callee: str) -> StatementCategory:
    """LOGGER, SETTER, GETTER or CALL for a call statement whose callee text is `callee`."""
    parts = _CALL_NAME.findall(callee)
    if not parts:
        return C.CALL
    name, receiver = parts[-1], ".".join(parts[:-1])
    if name in _PRINT_ONLY and not receiver or name in _LOGGER_NAMES and _LOGGER_RECEIVER.search(receiver or "-"):
        return C.LOGGER
    if re.match(r"set(_|[A-Z])", name):
        return C.SETTER
    if re.match(r"(get|is)(_|[A-Z])", name):
        return C.GETTER
    return C.CALL


def classify_expression_statement(node: Node, language: str, calls: frozenset[str],
                                  names: CallNames) -> StatementCategory:
    """The category of an expression statement, by the expression it holds (`names`: its code's)."""
    expr = next((c for c in node.named_children if c.type not in ("comment", "line_comment", "block_comment")), None)
    while expr is not None and expr.type in _WRAPPERS:
        expr = next(iter(expr.named_children), None)
    if expr is None:
        return C.EXPRESSION
    if expr.type in calls:
        return classify_call(_callee(expr, names))
    if language == "python" and expr.type in _DECLARING_ASSIGNMENTS:
        return C.DECLARATION
    return C.EXPRESSION


def statement_category(node: Node, language: str, calls: frozenset[str],
                       names: CallNames) -> StatementCategory | None:
    """The category `node` opens, or None when it is not a statement of `language` (`names`: its code's)."""
    category = STATEMENT_TYPES[language].get(node.type)
    if category == CLASSIFY:
        return classify_expression_statement(node, language, calls, names)
    return category
