"""Parsing `.assy` text into the syntax tree, and syntax errors (E001) a person understands.

Lark LALR with the contextual lexer; the transformer is handed to `Lark()` so no parse tree is
built (a flat design can have hundreds of thousands of statements). A postlexer turns line ends
and `;` into statement ends, dropping those that continue a line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import TypeVar, cast

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from assemblint.base.diagnostics import Diagnostic, LanguageError, Location, did_you_mean, normalize_line_ends
from assemblint.base.limits import DEFAULT_MAX_EXPRESSION_DEPTH, how_to_raise
from assemblint.base.units import UNIT_PATTERN, UNITS, to_base
from assemblint.language import explicit
from assemblint.language import syntax_tree as st

_Node = TypeVar("_Node")

_STATEMENTS = "assembly use import let material element layer mass masses lead leads net nets process cell place waive"
STATEMENT_KEYWORDS = (*_STATEMENTS.split(), "footprint")
_BLOCKS = "material element footprint layer mass masses lead leads net nets process step cell"
BLOCK_KEYWORDS = tuple(_BLOCKS.split())

_CONTINUES_LINE = {"COMMA", "RANGE_DOTS"}
_OPENERS = {"LPAR": 1, "LSQB": 1, "RPAR": -1, "RSQB": -1}
_BEFORE_A_SIGN = {"MINUS", "PLUS", "STAR", "SLASH", "LPAR", "EQUAL", "COMMA"}  # a `-` after these is a sign


class _TooDeep(Exception):
    """An expression nested past the limit: raised by the postlexer or the transformer, E009 in parse()."""

    def __init__(self, loc: Location, depth: int, limit: int):
        super().__init__(depth)
        self.loc, self.depth, self.limit = loc, depth, limit


class StatementEnds(PostLex):
    """Line ends and `;` become `_NL` statement ends, except where a line continues.

    Also guarantees an `_NL` before and after every `}`, so a block's last property and the
    statement a block closes need no separator of their own, and remembers which blocks are open
    so that a syntax error can say what was expected in the block where it happened.
    """

    always_accept = ("_NL", "SEMI", "RBRACE", "NAME")

    def __init__(self) -> None:
        self.open_blocks: list[tuple[str, str, Token]] = []
        self.head: list[Token] = []
        self.max_depth = DEFAULT_MAX_EXPRESSION_DEPTH
        self.path = "<string>"

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        self.open_blocks = []
        self.head = []
        depth = 0
        last: str | None = None
        # Expression nesting seen so far: open parentheses, and the signs pending at each of them.
        # Every one is an enclosing node of what follows, so this never exceeds the depth the
        # transformer measures; checked here, the parser's stack never grows past the limit.
        signs = [0]
        for tok in stream:
            kind = tok.type
            if kind in ("_NL", "SEMI"):
                if kind == "_NL" and (depth > 0 or last in _CONTINUES_LINE):
                    continue
                if last in (None, "_NL", "LBRACE"):
                    continue
                yield Token.new_borrow_pos("_NL", tok.value, tok)
                last = "_NL"
                self.head = []
                signs = [0]
                continue
            if kind == "RBRACE":
                if last not in (None, "_NL", "LBRACE"):
                    yield Token.new_borrow_pos("_NL", "", tok)
                yield tok
                if self.open_blocks:
                    self.open_blocks.pop()
                yield Token.new_borrow_pos("_NL", "", tok)
                last = "_NL"
                self.head = []
                signs = [0]
                continue
            if kind == "LPAR" or (kind == "MINUS" and last in _BEFORE_A_SIGN):
                if kind == "LPAR":
                    signs.append(0)
                else:
                    signs[-1] += 1
                nesting = len(signs) - 1 + sum(signs)
                if nesting > self.max_depth:
                    loc = _token_loc(self.path, tok)
                    raise _TooDeep(loc, nesting, self.max_depth)
            elif kind == "RPAR":
                if len(signs) > 1:
                    signs.pop()
            else:
                signs[-1] = 0  # an operand or an operator ends the signs pending at this level
            depth = max(0, depth + _OPENERS.get(kind, 0))
            if kind == "LBRACE":
                keyword = self.head[0].value if self.head else ""
                name = self.head[1].value if len(self.head) > 1 else ""
                yield tok
                self.open_blocks.append((keyword, name, tok))
                self.head = []
            else:
                self.head.append(tok)
                yield tok
            last = kind


_REF_PART = re.compile(r"\.?(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>[^\]]*)\]")
_QUANTITY_SPLIT = re.compile(r"^(?P<num>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t]*(?P<unit>.+)$")


_COMPOUND = (st.BinOp, st.Neg, st.Group)


class ToSyntaxTree(Transformer):
    """Builds syntax_tree nodes directly from the parser's reductions."""

    def __init__(self) -> None:
        super().__init__()
        self.path = "<string>"
        self.max_depth = DEFAULT_MAX_EXPRESSION_DEPTH
        # The depth of each expression not yet taken by its parent, by id, where it differs from
        # its kind's usual one (0 for a value, 1 for an operator, a sign or a group): nothing for
        # the ordinary shallow expressions of a design, so a million points cost no memory here.
        self.depths: dict[int, int] = {}

    def _depth(self, node: object) -> int:
        return self.depths.pop(id(node), 1 if isinstance(node, _COMPOUND) else 0)

    def _nested(self, node: _Node, loc: Location, *children: object) -> _Node:
        """Record `node` one level deeper than its deepest child; E009 past the limit, at `loc`."""
        depth = 1 + max((self._depth(child) for child in children), default=0)
        if depth > self.max_depth:
            raise _TooDeep(loc, depth, self.max_depth)
        if depth != (1 if isinstance(node, _COMPOUND) else 0):
            self.depths[id(node)] = depth
        return node

    # -- helpers
    def _loc(self, tok: Token) -> Location:
        return _token_loc(self.path, tok)

    @staticmethod
    def _span(first: Location, last: Location) -> Location:
        return Location(first.path, first.line, first.column, last.end_line, last.end_column)

    # -- top level
    def start(self, children: list) -> list[st.Statement]:
        return children

    def assembly(self, c: list) -> st.AssemblyTitle:
        return st.AssemblyTitle(self._loc(c[0]), _unquote(c[0]))

    def use(self, c: list) -> st.Use:
        return st.Use(self._loc(c[0]), str(c[0]))

    def import_(self, c: list) -> st.Import:
        # A backslash is kept as written, not read as an escape: the loader refuses it (docs/safety.md),
        # where `"..\\..\\x.assy"` read as escapes would quietly become the name `....x.assy`.
        raw = str(c[0])[1:-1]
        return st.Import(self._loc(c[0]), raw if "\\" in raw else _unquote(c[0]))

    def let(self, c: list) -> st.Let:
        return st.Let(self._loc(c[0]), str(c[0]), c[1])

    def _declaration(self, keyword: str, name: Token, base: Token | None, block: list) -> st.Declaration:
        return st.Declaration(
            self._loc(name), keyword, str(name), str(base) if base else None, self._loc(base) if base else None, block
        )

    def material(self, c: list) -> st.Declaration:
        return self._declaration("material", c[0], c[1], c[2])

    def element(self, c: list) -> st.Declaration:
        return self._declaration("element", c[0], c[1], c[2])

    def footprint(self, c: list) -> st.Declaration:
        return self._declaration("footprint", c[0], None, c[1])

    def refine(self, c: list) -> st.Refine:
        """The target is a name or a dotted name written without spaces (`soc_inst.front_reg`): a token
        of its own here, not a `ref`, so that no other place of the grammar expects a `{` after a reference."""
        target = self.ref([c[0]])
        return st.Refine(target.loc, target, c[1])

    def layer(self, c: list) -> st.Declaration:
        return self._declaration("layer", c[0], c[1], c[2])

    def mass(self, c: list) -> st.Declaration:
        return self._declaration(str(c[0]), c[1], c[2], c[3])

    def lead(self, c: list) -> st.Declaration:
        return self._declaration(str(c[0]), c[1], c[2], c[3])

    def net(self, c: list) -> st.NetDecl:
        members = [ref for group in c[2:] if isinstance(group, list) for ref in group]
        properties = [item for item in c[2:] if isinstance(item, st.Property)]
        return st.NetDecl(self._loc(c[1]), str(c[0]), str(c[1]), members, properties)

    def net_property(self, c: list) -> st.Property:
        return st.Property(str(c[0]), c[1:], self._loc(c[0]))

    def ref_list(self, c: list) -> list[st.Ref]:
        return c

    def process(self, c: list) -> st.ProcessDecl:
        items = [x for x in c if not isinstance(x, Token)]
        rbrace = c[-1]
        steps = [x for x in items if isinstance(x, st.Step)]
        props = [x for x in items if isinstance(x, st.Property)]
        loc = steps[0].loc if steps else props[0].loc if props else self._loc(rbrace)
        return st.ProcessDecl(loc, steps, props)

    def step(self, c: list) -> st.Step:
        return st.Step(self._loc(c[0]), str(c[0]), c[1])

    def cell(self, c: list) -> st.CellDecl:
        return st.CellDecl(self._loc(c[0]), str(c[0]), [x for x in c[1:] if isinstance(x, st.Statement)])

    def place(self, c: list) -> st.Place:
        return st.Place(self._loc(c[0]), str(c[0]), str(c[1]), self._loc(c[1]), c[2:])

    def waive(self, c: list) -> st.Waive:
        rule = c[0]
        refs = [x for x in c[1:] if isinstance(x, st.Ref)]
        rest = c[1 + len(refs) :]
        reason, by, until = rest[0], rest[1], rest[2]
        return st.Waive(
            self._loc(rule),
            str(rule),
            refs,
            _unquote(reason),
            _unquote(by) if by is not None else None,
            st.Date(str(until), self._loc(until)) if until is not None else None,
        )

    def block(self, c: list) -> list[st.Property]:
        return c[:-1]  # the last child is the `}` token

    def property(self, c: list) -> st.Property:
        return st.Property(str(c[0]), c[1:], self._loc(c[0]))

    # -- references
    def ref(self, c: list) -> st.Ref:
        parts: list[str | st.Index] = _compact_parts(c[0], self.path) if c[0].type == "REF" else [str(c[0])]
        last = c[0]
        for item in c[1:]:
            if isinstance(item, Token):
                if item.type == "RSQB":
                    last = item
                else:  # a field name
                    parts.append(str(item))
                    last = item
            else:
                parts.append(item)
        return st.Ref(parts, self._span(self._loc(c[0]), self._loc(last)))

    def field(self, c: list) -> Token:
        return c[0]

    def at(self, c: list) -> st.Index:
        return st.Index("at", _int(c[0], self._loc(c[0])))

    def every(self, c: list) -> st.Index:
        return st.Index("every")

    def slice(self, c: list) -> st.Index:
        start, _colon, stop = c
        return st.Index(
            "slice",
            None if start is None else _int(start, self._loc(start)),
            None if stop is None else _int(stop, self._loc(stop)),
        )

    # -- values and expressions
    def quantity(self, c: list) -> st.Quantity:
        return self._quantity(c[0], 1.0, self._loc(c[0]))

    def neg_quantity(self, c: list) -> st.Quantity:
        return self._quantity(c[1], -1.0, self._span(self._loc(c[0]), self._loc(c[1])))

    def _quantity(self, tok: Token, sign: float, loc: Location) -> st.Quantity:
        match = _QUANTITY_SPLIT.match(tok)
        assert match, tok
        value, dimension = to_base(sign * float(match["num"]), match["unit"])
        return st.Quantity(value, dimension, ("-" if sign < 0 else "") + str(tok), loc, match["unit"])

    def number(self, c: list) -> st.Number:
        return st.Number(float(c[0]), str(c[0]), self._loc(c[0]))

    def neg_number(self, c: list) -> st.Number:
        return st.Number(-float(c[1]), "-" + str(c[1]), self._span(self._loc(c[0]), self._loc(c[1])))

    def string(self, c: list) -> st.String:
        return st.String(_unquote(c[0]), self._loc(c[0]))

    def punct(self, c: list) -> st.Punct:
        return st.Punct(str(c[0]), self._loc(c[0]))

    def group(self, c: list) -> st.Group:
        items = [x for x in c if not isinstance(x, Token)]
        group = st.Group(items, self._span(self._loc(c[0]), self._loc(c[-1])))
        return self._nested(group, self._loc(c[0]), *items)

    def grid_block(self, c: list) -> st.GridBlock:
        numbers = [x for x in c if isinstance(x, Token) and x.type == "NUMBER"]
        r0, r1, c0, c1 = (_int(n, self._loc(n)) for n in numbers)
        return st.GridBlock((r0, r1), (c0, c1), self._span(self._loc(c[0]), self._loc(c[-1])))

    def column_map(self, c: list) -> tuple[str, str, Location]:
        header = _unquote(c[1]) if c[1].type == "STRING" else str(c[1])
        return str(c[0]), header, self._span(self._loc(c[0]), self._loc(c[1]))

    def columns(self, c: list) -> st.Columns:
        mapping = [x for x in c if isinstance(x, tuple)]
        return st.Columns(mapping, self._span(self._loc(c[0]), self._loc(c[-1])))

    def paren(self, c: list) -> st.Expr:
        """`( expr )` inside an expression: no node of its own, but one level of depth."""
        return self._nested(c[1], self._loc(c[0]), c[1])

    def name(self, c: list) -> st.Ref:
        return st.Ref([str(c[0])], self._loc(c[0]))

    def _binop(self, op: str, c: list) -> st.BinOp:
        left, right = (x for x in c if not isinstance(x, Token))  # `-` is the MINUS terminal, kept
        node = st.BinOp(op, left, right, self._span(left.loc, right.loc))
        return self._nested(node, node.loc, left, right)

    def add(self, c: list) -> st.BinOp:
        return self._binop("+", c)

    def sub(self, c: list) -> st.BinOp:
        return self._binop("-", c)

    def mul(self, c: list) -> st.BinOp:
        return self._binop("*", c)

    def div(self, c: list) -> st.BinOp:
        return self._binop("/", c)

    def neg(self, c: list) -> st.Neg:
        operand = c[-1]
        loc = self._span(self._loc(c[0]), operand.loc) if isinstance(c[0], Token) else operand.loc
        return self._nested(st.Neg(operand, loc), loc, operand)


def _compact_parts(tok: Token, path: str) -> list[str | st.Index]:
    """`units[*].m[0:4]` written as one token, split into names and index selectors."""
    parts: list[str | st.Index] = []
    assert tok.line is not None and tok.column is not None  # a token of Lark's lexer has its position
    for match in _REF_PART.finditer(tok):
        name, index = match["name"], match["index"]
        if name is not None:
            parts.append(name)
            continue
        start_column = tok.column + match.start("index")
        loc = Location(path, tok.line, start_column, tok.line, start_column + len(index))
        if index == "*":
            parts.append(st.Index("every"))
        elif ":" in index:
            start, stop = index.split(":")
            parts.append(st.Index("slice", _whole(start, loc) if start else None, _whole(stop, loc) if stop else None))
        else:
            parts.append(st.Index("at", _whole(index, loc)))
    return parts


def _unquote(tok: Token) -> str:
    return re.sub(r"\\(.)", r"\1", str(tok)[1:-1])


class _BadIndex(Exception):
    def __init__(self, loc: Location, message: str):
        self.loc, self.message = loc, message


# No array has a billion billion items, and past 4,300 digits int() itself refuses the text.
_MAX_INDEX_DIGITS = 18


def _int(tok: Token, loc: Location) -> int:
    text = str(tok)
    if not text.isdigit():
        raise _BadIndex(loc, f"expected a whole number as an index, got `{text}`")
    return _whole(text, loc)


def _whole(text: str, loc: Location) -> int:
    """The digits of an index as an int, refused (E001) when longer than any index can be."""
    if len(text) > _MAX_INDEX_DIGITS:
        raise _BadIndex(
            loc, f"an index has at most {_MAX_INDEX_DIGITS} digits (no array is larger), got one of {len(text):,}"
        )
    return int(text)


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, ToSyntaxTree, StatementEnds]:
    grammar = resources.files("assemblint.language").joinpath("grammar.lark").read_text(encoding="utf-8")
    grammar = grammar.replace("@UNITS@", UNIT_PATTERN.replace("/", "\\/"))
    transformer = ToSyntaxTree()
    postlex = StatementEnds()
    parser = Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        postlex=postlex,
        maybe_placeholders=True,
        cache=True,
    )
    return parser, transformer, postlex


def parse(text: str, path: str = "<string>", max_expression_depth: int = DEFAULT_MAX_EXPRESSION_DEPTH) -> st.SourceFile:
    """Parse one file. Raises LanguageError with the file's first syntax error (E001), or the
    E009 of an expression nested deeper than `max_expression_depth` (limits.py)."""
    parser, transformer, postlex = _parser()
    transformer.path = postlex.path = path
    transformer.max_depth = postlex.max_depth = max_expression_depth
    transformer.depths.clear()
    text = normalize_line_ends(text)
    if not text.endswith("\n"):
        text += "\n"
    try:
        statements = _parse_explicit(parser, transformer, text, path) if len(text) >= explicit.MIN_BYTES else None
        if statements is None:
            statements = cast(list[st.Statement], parser.parse(text))  # with a transformer: its statements
    except _BadIndex as bad:
        raise LanguageError([Diagnostic("E001", bad.message, bad.loc)]) from None
    except _TooDeep as deep:
        raise LanguageError([_too_deep(deep)]) from None
    except UnexpectedInput as error:
        raise LanguageError([_describe(error, text, path, postlex)]) from None
    finally:
        transformer.depths.clear()  # ids are only meaningful while the parse's nodes are alive
    return st.SourceFile(path, statements)


def _parse_explicit(parser: Lark, transformer: ToSyntaxTree, text: str, path: str) -> list[st.Statement] | None:
    """A big file's one-line pads and masses read without Lark (explicit.py); None: Lark reads it all."""
    found = explicit.recognise(text, path) if transformer.max_depth >= explicit.ROW_DEPTH else None
    if found is None:  # (under ROW_DEPTH levels a row may itself be too deep: E009 where Lark finds it)
        return None
    try:  # a syntax error is raised as Lark alone reports it for the whole file, in seconds (explicit.first_error)
        return explicit.splice(cast(list[st.Statement], parser.parse(found.text)), found, path)
    except (UnexpectedInput, _BadIndex, _TooDeep) as error:
        transformer.depths.clear()  # the ids of the failed parse's nodes may come again
        exact = explicit.first_error(text, found, error, parser.parse)
        if exact is None:
            return None
        raise LanguageError([_describe(*exact, path, _parser()[2])]) from None


def _too_deep(deep: _TooDeep) -> Diagnostic:
    return Diagnostic(
        "E009",
        f"this expression is nested more than {deep.limit:,} levels deep (at least {deep.depth:,} here, counting "
        "each pair of parentheses, each sign and each operator); "
        + how_to_raise("--max-expression-depth", "max-expression-depth", str(max(2 * deep.limit, deep.depth))),
        deep.loc,
    )


# ---------------------------------------------------------------- syntax errors in words

_PROPERTY_EXAMPLES = {
    "material": "a property such as `kind` or `solidus`",
    "element": "a property such as `body` or `pads`",
    "footprint": "a `pad` or `pads` statement",
    "layer": "a property such as `role` or `between`",
    "mass": "a property such as `joins` or `diameter`",
    "masses": "a property such as `joins` or `diameter`",
    "lead": "a property such as `from` or `shape`",
    "leads": "a property such as `from` or `shape`",
    "step": "a property such as `kind` or `peak`",
    "process": "a `step`, or `operate`, `store` or `cycle`",
    "cell": "a declaration such as `element` or `masses`",
    "net": "a pin such as `die.c[0]`",
    "nets": "pins such as `die.c[*]`",
}

_TERMINAL_WORDS = {
    "NAME": "a name",
    "REF": "a reference such as `die.c[0]`",
    "STRING": "a text in double quotes",
    "QUANTITY": "a quantity such as `150 um`",
    "NUMBER": "a number",
    "DATE": "a date such as `2027-06-30`",
    "_NL": "the end of the line",
    "RBRACE": "`}`",
    "LBRACE": "`{`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "EQUAL": "`=`",
    "STAR": "`*`",
    "DOT": "`.`",
    "RANGE_DOTS": "`..`",
    "ARROW": "`--`",
    "MINUS": "`-`",
    "PLUS": "`+`",
    "SLASH": "`/`",
    "$END": "the end of the file",
}


def _token_text(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the file"
    if tok.type == "_NL":
        return "the end of the line" if tok.value != ";" else "`;`"
    return f"`{tok.value}`"


def _expected_words(expected: set[str], block: str | None) -> str:
    names = set(expected) - {"SEMI"}
    if block is not None:  # LALR shares states with `waive`; its keywords never belong in a block
        names -= {"BECAUSE", "ON", "BY", "UNTIL"}
    words: list[str] = []
    statement_keywords = {k.upper() for k in STATEMENT_KEYWORDS} | {"IMPORT_"}
    if names & {"MATERIAL", "ELEMENT"} and "NAME" not in names:
        words.append("a statement such as `material`, `element`, `masses` or `process`")
        names -= statement_keywords | {"MASS", "MASSES", "LEAD", "LEADS", "NET", "NETS", "IMPORT", "_NL", "$END"}
    elif names & {"QUANTITY", "NUMBER"} and "NAME" in names:
        words.append("a value such as `150 um`, a name or a reference")
        names -= {
            "QUANTITY",
            "NUMBER",
            "NAME",
            "REF",
            "STRING",
            "LPAR",
            "MINUS",
            "RANGE_DOTS",
            "ARROW",
            "COMMA",
            "COLON",
            "DOT",
            "LSQB",
            "RBRACE",
        }
    elif block in _PROPERTY_EXAMPLES and "NAME" in names and "RBRACE" in names:
        words.append(_PROPERTY_EXAMPLES[block])
        names -= {"NAME", "STEP", "_NL"}
    if {"NAME", "REF"} <= names:
        words.append("a name or a reference such as `die.c[0]`")
        names -= {"NAME", "REF"}
    for name in sorted(names):
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
        elif name.isupper() and name.isalpha():
            words.append(f"`{name.lower()}`")
    words = list(dict.fromkeys(words))
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    joiner = ", or " if any(" or " in w for w in words) else " or "
    return ", ".join(words[:-1]) + joiner + words[-1]


def _parser_expects(error: UnexpectedInput, fallback: set[str]) -> set[str]:
    """What the parser accepts where it stopped (the lexer's own set includes always-accepted terminals)."""
    state = getattr(error, "state", None)
    try:
        return set(state.parse_conf.parse_table.states[state.position])  # type: ignore[union-attr]
    except (AttributeError, KeyError, TypeError):
        return set(fallback)


_BLOCK_STATEMENTS = {
    "process": ("step",),
    "cell": ("element", "layer", "mass", "masses", "lead", "leads", "net", "nets", "place"),
}


def _describe(error: UnexpectedInput, text: str, path: str, postlex: StatementEnds) -> Diagnostic:
    """Turn Lark's exception into one E001 sentence at the right place."""
    open_blocks = list(postlex.open_blocks)
    block = open_blocks[-1][0] if open_blocks else None
    if isinstance(error, UnexpectedCharacters):
        # Lark declares pos_in_stream None on UnexpectedInput; UnexpectedCharacters sets the lexer's position
        pos: int = error.pos_in_stream  # type: ignore[assignment]
        char = text[pos] if pos < len(text) else ""
        loc = Location(path, error.line, error.column, error.line, error.column + 1)
        if char == '"':
            return Diagnostic("E001", "this text in double quotes is not closed before the end of the line", loc)
        return Diagnostic(
            "E001",
            f"unexpected character {_shown(char)}; expected {_expected_words(set(error.allowed or ()), block)}",
            loc,
        )
    if isinstance(error, UnexpectedEOF):
        return _unclosed(open_blocks, path, text) or Diagnostic(
            "E001", "the file ends in the middle of a statement", _end_location(path, text)
        )
    assert isinstance(error, UnexpectedToken)
    tok = error.token
    if tok.type == "$END":
        found = _unclosed(open_blocks, path, text)
        if found:
            return found
        return Diagnostic("E001", "the file ends in the middle of a statement", _end_location(path, text))
    loc = Location(path, tok.line, tok.column, tok.end_line, tok.end_column)
    head = list(postlex.head)
    # A statement keyword where a property was expected: most likely a `}` is missing above.
    if open_blocks and tok.type == "LBRACE" and head and head[0].value in STATEMENT_KEYWORDS:
        keyword, name, brace = open_blocks[-1]
        kw_tok = head[0]
        where = f"`{keyword} {name}`" if name else f"`{keyword}`"
        return Diagnostic(
            "E001",
            f"expected {_expected_words({'NAME', 'RBRACE'}, keyword)}, got `{kw_tok.value}`: "
            f"a `}}` is probably missing to close {where} opened on line {brace.line}",
            _token_loc(path, kw_tok),
        )
    if open_blocks and tok.type == "LBRACE" and head and head[0].type == "NAME":
        # `stpe a {` in a process: a block statement whose keyword is misspelt
        keyword = open_blocks[-1][0]
        kw_tok = head[0]
        return Diagnostic(
            "E001",
            f"expected {_expected_words({'NAME', 'RBRACE'}, keyword)}, got `{kw_tok.value}`"
            + did_you_mean(kw_tok.value, _BLOCK_STATEMENTS.get(keyword, STATEMENT_KEYWORDS)),
            _token_loc(path, kw_tok),
        )
    if tok.type == "NAME" and len(head) >= 2 and head[-2].type == "NUMBER" and head[-2].end_line == tok.line:
        number = head[-2]
        return Diagnostic(
            "E003",
            f"unknown unit `{tok.value}` in `{number.value} {tok.value}`" + did_you_mean(tok.value, UNITS),
            _token_loc(path, number, tok),
        )
    if tok.type == "RBRACE" and not open_blocks:
        return Diagnostic("E001", "this `}` closes nothing: there is no open `{` before it", loc)
    error_expected = _parser_expects(error, set(error.expected))
    expected = _expected_words(error_expected, block)
    message = f"expected {expected}, got {_token_text(tok)}"
    if tok.type == "NAME":
        keywords = [k for k in (*STATEMENT_KEYWORDS, "step") if k.upper() in error_expected]
        message += did_you_mean(tok.value, keywords)
    return Diagnostic("E001", message, loc)


_UNSEEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs", "Mn", "Me"}


def _shown(char: str) -> str:
    """A character as a message shows it: `µ` as itself, but one that prints as nothing, moves the
    cursor or joins its neighbour (NUL, escape, U+2028, zero-width space, a combining accent) by its
    code point and name, so the message neither hides it nor sends it to the terminal."""
    if char and unicodedata.category(char) not in _UNSEEN:
        return f"`{char}`"
    if not char:
        return "at the end of the file"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def _unclosed(open_blocks: list[tuple[str, str, Token]], path: str, text: str) -> Diagnostic | None:
    if not open_blocks:
        return None
    keyword, name, brace = open_blocks[-1]
    what = f"`{keyword} {name}`" if name else f"`{keyword}`"
    return Diagnostic(
        "E001",
        f"the file ends before the `}}` that closes {what}: this `{{` is never closed",
        _token_loc(path, brace),
    )


def _token_loc(path: str, first: Token, last: Token | None = None) -> Location:
    """From the start of `first` to the end of `last` (default: `first` itself)."""
    last = first if last is None else last
    # Lark types a token's line and column Optional (for tokens made by hand); its lexer sets them
    return Location(path, first.line, first.column, last.end_line, last.end_column)  # type: ignore[arg-type]


def _end_location(path: str, text: str) -> Location:
    lines = text.rstrip("\n").split("\n")
    return Location(path, len(lines), len(lines[-1]) + 1)
