"""The canonical layout of `.assy` text: `assemblint fmt` (docs/formatting.md), as a pure function.

Formatting works line by line on the tokens Lark's own contextual lexer produces while it parses
the file (so a token is exactly what the parser reads: `die.c[0]`, `150 um`, `2027-06-30`), and
the comments its lexer hands to a callback. It never joins or splits a line, so every statement
end stays where it was; it only rewrites the white space around tokens, the indentation, the
blank lines and the place of trailing comments. A token's text is kept as written (a quantity's
run of spaces between number and unit becomes one), so the file parses to the same statements.

A big file's one-line `pad` and `mass` rows (explicit.py) are laid out from one regular
expression a line, as the parser reads them, so that a 20 MB export takes seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lark import Lark, Token

from assemblint.base.diagnostics import normalize_line_ends
from assemblint.base.units import UNIT_PATTERN
from assemblint.language import explicit, syntax
from assemblint.language import syntax_tree as st

INDENT = 4  # spaces per open `{`, and once more for a line that continues a statement
COMMENT_GAP = 2  # spaces between the longest code of an aligned group and its comments
ALIGN_LIMIT = 80  # the rightmost column trailing comments are aligned at: longer code does not push them

_PUNCTUATION = frozenset(("(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "=", "+", "-", "*", "/", "..", "--"))
_NO_SPACE_BEFORE = frozenset((",", ";", ")", "]", ".", "["))
_NO_SPACE_AFTER = frozenset(("(", "[", "."))
_CLOSERS = frozenset(("}", ")", "]"))
_OPERAND_END = frozenset(("w", ")"))  # what a binary `-` follows: a value, a name or `)`
_WORD = "w"  # the kind of every token that is not punctuation: names, numbers, quantities, strings


@dataclass(slots=True)
class _Line:
    """One output line before the trailing comments are aligned."""

    indent: int
    code: str
    comment: str | None = None
    first: str | None = None  # the kind of the line's first and last token (None: no code)
    last: str | None = None
    follows_comment: bool = False  # a comment-only line continuing the trailing comment above it


class _State:
    """Where the lines read so far leave the next one: open braces and brackets, a continued statement."""

    __slots__ = ("continues", "depth", "in_expr", "last", "parens")

    def __init__(self) -> None:
        self.depth = 0  # open `{`
        self.parens = 0  # open `(` and `[`
        self.continues = False  # the last code line ended with `,` or `..`
        self.in_expr = False  # after the `=` of a `let`: a `-` after a value is a subtraction
        self.last: str | None = None  # the kind of the last token of the statement so far


def format_text(text: str, path: str = "<string>") -> str:
    """`text` in the canonical layout. Raises LanguageError (as syntax.parse does) when it does not parse."""
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    text = normalize_line_ends(text)
    tokens, comments, rows = _lex(text, path)
    lines = _lay_out(text.split("\n"), tokens, comments, rows)
    out = _aligned(_spaced(lines))
    return newline.join(out) + newline if out else ""


# ---------------------------------------------------------------- tokens, as the parser reads them


class _Recorder(syntax.StatementEnds):
    """The parser's own postlexer, keeping every token it is given (before statement ends are made)."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[Token] = []
        self.comments: list[Token] = []

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        return super().process(self._kept(stream))

    def _kept(self, stream: Iterator[Token]) -> Iterator[Token]:
        keep = self.tokens.append
        for tok in stream:
            keep(tok)
            yield tok

    def comment(self, tok: Token) -> Token:
        self.comments.append(tok)
        return tok


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, syntax.ToSyntaxTree, _Recorder]:
    """The parser syntax.py builds, with the recording postlexer and a callback for comments."""
    grammar = resources.files("assemblint.language").joinpath("grammar.lark").read_text(encoding="utf-8")
    grammar = grammar.replace("@UNITS@", UNIT_PATTERN.replace("/", "\\/"))
    transformer = syntax.ToSyntaxTree()
    recorder = _Recorder()
    parser = Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        postlex=recorder,
        maybe_placeholders=True,
        cache=True,
        lexer_callbacks={"COMMENT": recorder.comment},
    )
    return parser, transformer, recorder


def _run(text: str, path: str) -> list:
    """Parse `text` with the recording parser (its statements, which explicit.splice needs)."""
    parser, transformer, recorder = _parser()
    transformer.path = recorder.path = path
    transformer.depths.clear()
    recorder.tokens, recorder.comments = [], []
    try:
        return parser.parse(text)  # type: ignore[return-value]  # with a transformer: its statements
    finally:
        transformer.depths.clear()


def _lex(text: str, path: str) -> tuple[list[Token], list[Token], dict[int, str]]:
    """The file's tokens and comments, and the explicit rows (line number -> line) read without Lark.

    The same path as syntax.parse takes: explicit rows only in a big file, and only when Lark
    accepts the rest; any error in the text is syntax.parse's own LanguageError."""
    source = text if text.endswith("\n") else text + "\n"
    recorder = _parser()[2]
    if len(source) >= explicit.MIN_BYTES:
        found = explicit.recognise(source, path)
        if found is not None:
            try:
                fits = explicit.splice(_run(found.text, path), found, path) is not None
            except Exception:  # Lark, a bad index or a deep expression: Lark alone reads it, as parse() does
                fits = False
            if fits:
                lines = source.split("\n")
                numbers = [row[0] for rows in found.pads.values() for row in rows]
                numbers += [m.loc.line if isinstance(m, st.Declaration) else m[0] for m in found.masses]
                return recorder.tokens, recorder.comments, {n: lines[n - 1] for n in numbers}
            syntax.parse(text, path)  # its error, found as fast as `check` finds it (not Lark over all of it)
    try:
        _run(source, path)
    except Exception:
        syntax.parse(text, path)  # raises the LanguageError `check` reports for this text
        raise  # parse() accepted what the same parser refused: an internal error, not a silent pass
    return recorder.tokens, recorder.comments, {}


# ---------------------------------------------------------------- lines


def _lay_out(source: list[str], tokens: list[Token], comments: list[Token], rows: dict[int, str]) -> list[_Line]:
    """Each source line with its indentation, its code spaced and its comment; a blank line has indent -1."""
    by_line: dict[int, list[Token]] = {}
    for tok in tokens:
        if tok.type != "_NL":
            by_line.setdefault(tok.line, []).append(tok)  # type: ignore[arg-type]  # the lexer's tokens have lines
    notes = {tok.line: tok for tok in comments}
    state = _State()
    out: list[_Line] = []
    trailing: int | None = None  # the column, as written, of the trailing comment the line above has or continues
    for number, raw in enumerate(source, start=1):
        note = notes.get(number)
        comment = str(note).rstrip(" \t\f") if note is not None else None
        column = note.column - 1 if note is not None else -1  # type: ignore[operator]  # lexer tokens have columns
        if number in rows:
            code, comment = _row(rows[number])
            column = raw.find("#")  # a row holds no string: its `#` starts its comment
            line = _Line(INDENT * state.depth, code, comment, _WORD, _WORD)  # a row neither opens nor closes a block
            state.continues, state.in_expr, state.last = False, False, None
        elif number in by_line:
            line = _code_line(by_line[number], raw, state, comment)
        elif comment is not None:
            indent = INDENT * (state.depth + (state.parens > 0 or state.continues))
            line = _Line(indent, "", comment, follows_comment=column == trailing)
        else:
            out.append(_Line(-1, ""))
            trailing = None
            continue
        trailing = column if line.comment is not None and (line.code or line.follows_comment) else None
        out.append(line)
    return out


def _code_line(toks: list[Token], raw: str, state: _State, comment: str | None) -> _Line:
    """One line of tokens: its indentation from the state it starts in, its tokens spaced."""
    kinds = [tok.value if tok.value in _PUNCTUATION else _WORD for tok in toks]
    braces = parens = 0
    for kind in kinds:
        if kind not in _CLOSERS:
            break
        if kind == "}":
            braces += 1
        else:
            parens += 1
    # a line opening with the bracket that closes the statement's last one is not a continuation
    continued = state.parens - parens > 0 if kinds[0] in _CLOSERS else state.parens > 0 or state.continues
    indent = INDENT * (max(state.depth - braces, 0) + continued)
    parts: list[str] = []
    previous: Token | None = None
    before = ""
    sign = False  # the previous token is a sign, written against what follows
    for tok, kind in zip(toks, kinds, strict=True):
        text = str(tok)
        if tok.type == "QUANTITY" and ("\t" in text or "  " in text):
            text = re.sub(r"[ \t]+", " ", text)
        if previous is not None:
            gap = _gap(before, kind, sign, state.parens > 0)
            parts.append(_kept(previous, tok, kind, raw) if gap == " " else gap)
        sign = kind == "-" and not ((state.parens > 0 or state.in_expr) and state.last in _OPERAND_END)
        parts.append(text)
        _advance(state, kind)
        previous, before = tok, kind
    state.continues = state.last in (",", "..")
    if state.parens == 0 and not state.continues:
        state.in_expr, state.last = False, None  # the line end ends the statement
    return _Line(indent, "".join(parts), comment, kinds[0], kinds[-1])


def _gap(before: str, kind: str, sign: bool, inner: bool) -> str:
    """The white space between two tokens of a line, from their kinds."""
    if kind in _NO_SPACE_BEFORE or before in _NO_SPACE_AFTER:
        return ""
    if sign:
        return " " if kind == "-" else ""  # `-40 C`, `-pitch`; `- -5`, never `--`
    if inner and ":" in (kind, before):
        return ""  # `c[0:4]`, `(0:3, 0:3)`; `region core : SAC305` keeps its spaces
    if before == "{" and kind == "}":
        return ""
    return " "


def _kept(previous: Token, tok: Token, kind: str, raw: str) -> str:
    """A space, or the white space as written where a space would join two tokens into one."""
    if previous.type == "NUMBER" and kind == _WORD:
        written = raw[previous.end_column - 1 : tok.column - 1]  # type: ignore[operator]  # lexer tokens have columns
        if "\f" in written:  # `2<FF>um` is a number and a name; `2 um` would be a quantity
            return written
    return " "


def _advance(state: _State, kind: str) -> None:
    if kind in ("(", "["):
        state.parens += 1
    elif kind in (")", "]"):
        state.parens = max(state.parens - 1, 0)
    elif kind == "{":
        state.depth += 1
    elif kind == "}":
        state.depth = max(state.depth - 1, 0)
    if kind in (";", "{", "}"):
        state.in_expr, state.last = False, None
        return
    if kind == "=":
        state.in_expr = True
    state.last = kind


# ---------------------------------------------------------------- explicit rows


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
_ROW_TOKEN = re.compile(
    rf"[ \t]*(?:(?P<q>{_NUM})[ \t]*(?P<u>(?:{UNIT_PATTERN})(?![A-Za-z0-9_µμ°]))"
    rf"|(?P<w>{_NAME}(?:\.{_NAME})*|{_NUM})|(?P<p>--|[-(),:;{{}}])|(?P<c>#.*))"
)


def _row(line: str) -> tuple[str, str | None]:
    """An explicit `pad` or `mass` row's code and comment, as `_code_line` lays it out.

    The usual shapes (a CAD export's) are read by one regular expression; any other row explicit.py
    takes is spaced token by token (`_tokens`). tests/editing/test_layout.py holds both to Lark's."""
    m = _PAD_ROW.match(line)
    if m is not None:
        code = f"pad {m['name']} at ({m['xs'] or ''}{_quantity(m, 'x')}, {m['ys'] or ''}{_quantity(m, 'y')})"
        if m["dn"] is not None:
            code += f" diameter {_quantity(m, 'd')}"
        return code + (m["semi"] or ""), _comment(m["c"])
    m = _MASS_ROW.match(line)
    if m is not None:
        code = f"mass {m['name']} : {m['base']} {{ joins {m['a']} -- {m['b']}"
        if m["dn"] is not None:
            code += f"; diameter {_quantity(m, 'd')}"
        if m["hn"] is not None:
            code += f"; height {_quantity(m, 'h')}"
        return code + ("; }" if m["semi"] else " }") + (m["end"] or ""), _comment(m["c"])
    return _tokens(line)


def _quantity(m: re.Match, tag: str) -> str:
    """A quantity of a row as `_code_line` writes it: one space between number and unit, if any."""
    return m[tag + "n"] + (" " if m[tag + "g"] else "") + m[tag + "u"]


def _comment(text: str | None) -> str | None:
    return None if text is None else text.rstrip(" \t\f")


def _row_quantity(tag: str) -> str:
    return rf"(?P<{tag}n>{_NUM})(?P<{tag}g>[ \t]*)(?P<{tag}u>[A-Za-zµμ]+)(?![A-Za-z0-9_µμ°])"


_TAIL = r"[ \t]*(?P<c>#.*)?$"
_PAD_ROW = re.compile(
    rf"[ \t]*pad[ \t]+(?P<name>{_NAME})[ \t]+at[ \t]*\([ \t]*(?P<xs>-)?[ \t]*{_row_quantity('x')}[ \t]*,"
    rf"[ \t]*(?P<ys>-)?[ \t]*{_row_quantity('y')}[ \t]*\)(?:[ \t]+diameter[ \t]+{_row_quantity('d')})?"
    rf"[ \t]*(?P<semi>;)?{_TAIL}"
)
_REF2 = rf"{_NAME}\.{_NAME}"
_MASS_ROW = re.compile(
    rf"[ \t]*mass[ \t]+(?P<name>{_NAME})[ \t]*:[ \t]*(?P<base>{_NAME})[ \t]*\{{[ \t]*joins[ \t]+(?P<a>{_REF2})[ \t]*--"
    rf"[ \t]*(?P<b>{_REF2})[ \t]*(?:;[ \t]*diameter[ \t]+{_row_quantity('d')}[ \t]*)?"
    rf"(?:;[ \t]*height[ \t]+{_row_quantity('h')}[ \t]*)?(?P<semi>;)?[ \t]*\}}[ \t]*(?P<end>;)?{_TAIL}"
)


def _tokens(line: str) -> tuple[str, str | None]:
    """A row of another shape, token by token.

    These rows hold names, references without brackets, quantities, `--` and `( ) , : ; { } -`
    only (explicit.py's expressions), never inside parentheses at the start; so each gap follows
    from the two tokens around it, with `-` a sign and `:` between spaces."""
    parts: list[str] = []
    before = ""
    comment = None
    sign = False
    pos = 0
    end = len(line.rstrip(" \t"))
    while pos < end:
        m = _ROW_TOKEN.match(line, pos)
        assert m is not None, line  # explicit.py took only lines made of these tokens
        pos = m.end()
        if m["c"] is not None:
            comment = _comment(m["c"])
            break
        if m["q"] is not None:
            kind, text = _WORD, m["q"] + (" " if m.end("q") < m.start("u") else "") + m["u"]
        elif m["w"] is not None:
            kind, text = _WORD, m["w"]
        else:
            kind = text = m["p"]
        if parts:
            parts.append(_gap(before, kind, sign, False))
        parts.append(text)
        sign = kind == "-"
        before = kind
    return "".join(parts), comment


# ---------------------------------------------------------------- blank lines and comments


def _spaced(lines: list[_Line]) -> list[_Line]:
    """At most one blank line in a row; none at either end, after a `{` or before a `}`."""
    out: list[_Line] = []
    pending = False
    for line in lines:
        if line.indent < 0:
            pending = bool(out) and out[-1].last != "{"
            continue
        if pending and line.first != "}":
            out.append(_Line(-1, ""))
        pending = False
        out.append(line)
    return out


def _aligned(lines: list[_Line]) -> list[str]:
    """The text of each line, the trailing comments of a group aligned in one column (gofmt's way).

    A group is a run of code lines of one indentation; a blank line, a comment on a line of its
    own, and a line that opens a block (ends with `{`) or closes one (starts with `}`) end it, and
    the last two align with nothing. The column is two spaces after the longest code of the group,
    at most ALIGN_LIMIT: code longer than that keeps its comment two spaces after it. A comment-only
    line that continues a trailing comment stays in that comment's column."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.code:
            out.append(" " * line.indent + (line.comment or "") if line.indent >= 0 else "")
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (
            lines[j].follows_comment
            or (not _alone(line) and lines[j].code and lines[j].indent == line.indent and not _alone(lines[j]))
        ):
            j += 1
        group = lines[i:j]
        widths = [_width(g) for g in group if g.code and g.comment is not None and not _alone(g)]
        column = max((w for w in widths if w + COMMENT_GAP <= ALIGN_LIMIT), default=0) + COMMENT_GAP
        head = column
        for g in group:
            if not g.code:  # continues the comment above
                out.append(" " * head + (g.comment or ""))
                continue
            code = " " * g.indent + g.code
            if g.comment is None:
                out.append(code)
                continue
            head = column if not _alone(g) and len(code) + COMMENT_GAP <= ALIGN_LIMIT else len(code) + COMMENT_GAP
            out.append(code + " " * (head - len(code)) + g.comment)
        i = j
    return out


def _alone(line: _Line) -> bool:
    """A line that opens or closes a block: its comment is about the block, not aligned with its neighbours'."""
    return line.last == "{" or line.first == "}"


def _width(line: _Line) -> int:
    return line.indent + len(line.code)
