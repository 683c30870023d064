"""What the text around the cursor is: the word under it, the statement it stands in, the blocks
that enclose it, and so which name it is (a material, an element, a pad of an element, a rule…).

Read from the text rather than the syntax tree, so that hover, completion and go to definition
work in a file the user is typing and that does not parse. Comments and strings are masked first;
the blocks are found by scanning back for the `{` not yet closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assemblint.editing.documents import Document
from assemblint.language.syntax import STATEMENT_KEYWORDS

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# a reference as written without spaces: `die.c[3]`, `units[4].chip.c[*]`; a trailing `.` while typing
TOKEN = re.compile(rf"(?<![\w.]){NAME}(?:\.{NAME}|\[[^\]\s]*\]?)*\.?")
_PART = re.compile(rf"{NAME}|\[[^\]]*\]?")
_WORD = re.compile(rf"{NAME}|--|\.\.|[:,()=]")

# the statements that declare a name as their second word, and the namespace it goes in
DECLARES = {
    "material": "material",
    "step": "step",
    **dict.fromkeys(("element", "footprint", "layer", "mass", "masses", "lead", "leads", "net", "nets"), "name"),
    **dict.fromkeys(("cell", "place", "let"), "name"),
}
MATERIAL_BASE = ("material", "mass", "masses", "layer", "lead", "leads")  # `KEYWORD NAME : MATERIAL`
WORD_VALUES = ("kind", "role", "shape", "face", "requires")  # properties whose values are fixed words
CONTINUES = (",", "..", "(", "--")
_TOP = re.compile(rf"(?:{'|'.join((*STATEMENT_KEYWORDS, 'refine'))})[ \t]")  # a statement at the line's start


@dataclass
class Block:
    """A `{` not yet closed before the cursor: `element die : chip {` is ("element", "die")."""

    keyword: str
    name: str
    line: int


@dataclass
class Spot:
    """The cursor's surroundings on its line."""

    line: int  # from 0
    column: int  # code points from 0
    text: str  # the line, comments and strings masked
    statement: str  # the text of the current statement before the cursor
    in_comment: bool = False
    in_string: bool = False
    blocks: list[Block] = field(default_factory=list)  # outermost first

    @property
    def block(self) -> Block | None:
        return self.blocks[-1] if self.blocks else None

    @property
    def scope(self) -> str:
        """The cell the cursor is in ("" at the top level): names declared there come first."""
        return next((b.name for b in reversed(self.blocks) if b.keyword == "cell"), "")


@dataclass(frozen=True)
class Target:
    """The name under the cursor and where it lives."""

    namespace: str  # "material", "step", "name", "pad", "rule", "library", "keyword"
    name: str
    start: int  # its columns on the line (code points from 0, end exclusive)
    end: int
    element: str = ""  # a pad's element (or footprint)
    index: str = ""  # a pad's selector as written after it: "[3]", "[*]" or ""
    declares: bool = False  # the word is the name's own declaration
    scope: str = ""


def mask(line: str) -> tuple[str, int | None, list[tuple[int, int]]]:
    """The line with the inside of strings blanked and the comment cut; where the comment starts;
    the spans of the strings (quotes included)."""
    if '"' not in line and "#" not in line:
        return line, None, []
    out = []
    strings: list[tuple[int, int]] = []
    start = -1
    escaped = False
    for index, char in enumerate(line):
        if start >= 0:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                strings.append((start, index + 1))
                start = -1
                out.append(char)
                continue
            out.append(" ")
        elif char == '"':
            start = index
            out.append(char)
        elif char == "#":
            return "".join(out), index, strings
        else:
            out.append(char)
    if start >= 0:
        strings.append((start, len(line)))
    return "".join(out), None, strings


def spot(doc: Document, line: int, column: int, with_blocks: bool = True) -> Spot:
    raw = doc.line(line)
    masked, comment, strings = mask(raw)
    column = min(column, len(raw))
    here = Spot(line, column, masked, "")
    here.in_comment = comment is not None and column > comment
    here.in_string = any(a < column < b or (a < column and b == len(raw) and raw[b - 1 : b] != '"') for a, b in strings)
    here.statement = _statement(doc, line, masked[:column])
    if with_blocks:
        here.blocks = blocks_before(doc, line, column)
    return here


def _statement(doc: Document, line: int, before: str) -> str:
    """The statement the cursor stands in, up to the cursor: from the last `;`, `{` or `}`, and over
    the lines it continues from (a line that ends with `,`, `..`, `--` or inside parentheses)."""
    cut = max(before.rfind(";"), before.rfind("{"), before.rfind("}"))
    text = before[cut + 1 :]
    if cut >= 0:
        return text
    for previous in range(line - 1, max(line - 50, -1), -1):
        masked = mask(doc.line(previous))[0].rstrip()
        if not (masked.endswith(CONTINUES) or masked.count("(") > masked.count(")")):
            break
        cut = max(masked.rfind(";"), masked.rfind("{"), masked.rfind("}"))
        text = masked[cut + 1 :] + " " + text
        if cut >= 0:
            break
    return text


def words(statement: str) -> list[str]:
    """The words and marks of a statement (names, `:`, `,`, `--`, `..`, parentheses)."""
    return _WORD.findall(_without_numbers(statement))


_NUMBER = re.compile(r"(?<![\w.])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t]*(?:[A-Za-zµμ°/%][\w/.%°µμ]*)?")


def _without_numbers(text: str) -> str:
    """Quantities and numbers as `0`, so that `150um` or `2.5e-6 /K` give no name."""
    return _NUMBER.sub(" 0 ", text)


def blocks_before(doc: Document, line: int, column: int) -> list[Block]:
    """The blocks open at the cursor, outermost first: the `{` not closed before it, scanning back.

    The scan stops at the first statement written at the very start of a line with nothing open
    after it (`element die : chip {`, `mass m7 : …`): that is the top level, in any file laid out
    as `assemblint fmt` lays it out, so that a cursor at the end of a 300,000-line export does not
    make every line above it be read."""
    found: list[Block] = []
    depth = 0
    for number in range(line, -1, -1):
        raw = doc.line(number)
        if number == line:
            raw = raw[:column]
        if "{" not in raw and "}" not in raw:
            if depth == 0 and _TOP.match(raw):
                break
            continue
        masked = mask(raw)[0]
        if masked.count("{") == 1 == masked.count("}") and masked.index("{") < masked.index("}"):
            if depth == 0 and _TOP.match(raw):
                break
            continue  # a block opened and closed on one line (`mass m0 : SAC305 { … }`)
        for index in range(len(masked) - 1, -1, -1):
            char = masked[index]
            if char == "}":
                depth += 1
            elif char == "{":
                if depth:
                    depth -= 1
                    continue
                head = words(_head(doc, number, masked[:index]))
                found.append(Block(head[0] if head else "", head[1] if len(head) > 1 else "", number))
        if depth == 0 and _TOP.match(raw):
            break
    found.reverse()
    return found


def _head(doc: Document, line: int, before: str) -> str:
    """The statement a `{` opens: the text before it on its line, or the line above when the brace
    stands alone."""
    cut = max(before.rfind(";"), before.rfind("{"), before.rfind("}"))
    text = before[cut + 1 :]
    if text.strip() or cut >= 0:
        return text
    for previous in range(line - 1, max(line - 5, -1), -1):
        masked = mask(doc.line(previous))[0]
        if masked.strip():
            cut = max(masked.rfind(";"), masked.rfind("{"), masked.rfind("}"))
            return masked[cut + 1 :]
    return ""


def token_at(masked: str, column: int) -> re.Match[str] | None:
    """The reference-like token under the cursor (or just before it)."""
    best = None
    for match in TOKEN.finditer(masked):
        if match.start() <= column < match.end():
            return match
        if match.end() == column:
            best = match
        if match.start() > column:
            break
    return best


def target_at(doc: Document, line: int, column: int) -> Target | None:
    """The name under the cursor, classified by where it stands; None on a number, a mark, a
    comment or a string."""
    here = spot(doc, line, column)
    if here.in_comment or here.in_string:
        return None
    match = token_at(here.text, column)
    if match is None:
        return None
    parts = [(m.group(0), match.start() + m.start(), match.start() + m.end()) for m in _PART.finditer(match.group(0))]
    which = next((i for i, (_, a, b) in enumerate(parts) if a <= column <= b and not parts[i][0].startswith("[")), 0)
    before = words(here.statement[: max(len(here.statement) - (column - match.start()), 0)])
    return classify(here, before, parts, which)


def classify(here: Spot, before: list[str], parts: list[tuple[str, int, int]], which: int) -> Target | None:
    """What the `which`th name of a token means, given the statement's words before the token."""
    text, start, end = parts[which]
    scope = here.scope
    block = here.block
    in_net = block is not None and block.keyword in ("net", "nets")
    if not before and not (in_net and text != "current"):
        return Target("keyword", text, start, end, scope=scope)
    head = before[0] if before else ""
    if head == "waive":
        return Target("rule", text, start, end) if len(before) == 1 else _reference(parts, which, here)
    if head == "use":
        return Target("library", text, start, end)
    if head == "import":
        return None
    if head in DECLARES and len(before) == 1 and which == 0:
        return Target(DECLARES[head], text, start, end, declares=True, scope=scope)
    if head in MATERIAL_BASE and ":" in before:
        return Target("material", text, start, end, scope=scope)
    if head == "element" and ":" in before:
        return Target("keyword", text, start, end)
    if head == "place" and ":" in before:
        return Target("name", text, start, end, scope=scope)
    if head in ("pad", "pads") and block is not None:
        if len(before) == 1 and which == 0:
            return Target("pad", text, start, end, element=block.name, declares=True, index=_index(parts, 0))
        if before[-1] == "barrier" or _in_finish(before):
            return Target("material", text, start, end, scope=scope)
        return Target("name", text, start, end, scope=scope)  # an option word, or a `let`
    if head == "body" or (head == "region" and ":" in before and "on" not in before):
        return Target("material", text, start, end, scope=scope)
    if head == "region" and len(before) == 1:
        return Target("keyword", text, start, end)
    if head in WORD_VALUES or (head == "region" and text == "on"):
        return Target("keyword", text, start, end)
    if head == "connect" and block is not None and which == 0:
        return Target("pad", text, start, end, element=block.name, index=_index(parts, 0), scope=scope)
    return _reference(parts, which, here)


def _reference(parts: list[tuple[str, int, int]], which: int, here: Spot) -> Target | None:
    """A name in a reference: its first part is a name; its second, written right after it, a pad."""
    text, start, end = parts[which]
    if which == 0:
        return Target("name", text, start, end, scope=here.scope)
    if which == 1 and not parts[0][0].startswith("["):
        return Target("pad", text, start, end, element=parts[0][0], index=_index(parts, 1), scope=here.scope)
    return None


def _index(parts: list[tuple[str, int, int]], which: int) -> str:
    following = parts[which + 1][0] if which + 1 < len(parts) else ""
    return following if following.startswith("[") else ""


def _in_finish(before: list[str]) -> bool:
    """Inside `finish MATERIAL THICKNESS, MATERIAL THICKNESS…` of a pad statement."""
    if "finish" not in before:
        return False
    after = before[len(before) - before[::-1].index("finish") :]
    return all(word in (",",) or word not in _PAD_OPTIONS for word in after) and (not after or after[-1] == ",")


_PAD_OPTIONS = (
    "grid",
    "at",
    "pitch",
    "x",
    "origin",
    "diameter",
    "barrier",
    "face",
    "finish",
    "keep",
    "ring",
    "inside",
    "without",
    "stagger",
    "size",
    "round",
    "oblong",
    "from",
    "columns",
)
PAD_OPTIONS = _PAD_OPTIONS
