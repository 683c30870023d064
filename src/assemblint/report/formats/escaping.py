"""The characters no output may carry raw, and what each output writes instead (issue 16).

File names, design titles, waiver reasons, rule messages and object names come from whoever wrote
the design or the plugin, and may hold characters that act on whoever reads them: C0 and C1
controls (ESC and CSI start terminal sequences that recolour or rewrite a terminal; BS, CR and the
line breaks move the cursor or start a new line, so a new workflow command or a fake finding),
DEL, the line and paragraph separators U+2028 and U+2029, the bidirectional controls (they reorder
what a reader sees: "Trojan source"), and lone surrogates (a file name that is not UTF-8, as
Python decodes it; no UTF-8 output can hold them).

- Text for a person (the text format, the review page, GitHub's annotations): `shown` writes a
  C0 control as its picture and DEL as ␡, as the diagnostics quote a source line
  (base/diagnostics.py `visible`: ESC as ␛, NUL as ␀, a tab as a space), one character for one,
  and the rest as U+FFFD. The text format keeps U+2028 and U+2029, as `visible` does (a terminal
  does not break a line at them); the GitHub format shows only what the runner or the log would
  act on and has no escape for (github.py).
- XML (JUnit): `replaced` writes U+FFFD, as docs/outputs.md says.
- JSON (json, sarif, gitlab): `json_text`. json.dumps escapes C0 controls; it leaves DEL, C1,
  the separators and the bidi controls raw (valid JSON, but not text to `cat` to a terminal or to
  embed in a script), so those become `\\uXXXX` too: a JSON reader gets back exactly the string.

Any output may end up in a CI log, so none has a line the GitHub Actions runner would obey as a
workflow command (`COMMAND_KEY`, `LEGACY_COMMAND`), but the GitHub format's own commands.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0, DEL and C1 controls, the bidi marks and controls (U+061C, U+200E, U+200F, U+202A–U+202E,
# U+2066–U+2069), the line and paragraph separators, lone surrogates.
UNSAFE = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[{UNSAFE}]")
# what json.dumps(ensure_ascii=False) writes raw: the above but C0
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")

REPLACEMENT = "\ufffd"

# The GitHub Actions runner reads a line as a workflow command when it starts with `::` after
# leading white space, or when it holds `##[` anywhere (the legacy form, which it reads when the
# line is not a `::` command). The text format defuses both (`defused`), JUnit and JSON write the
# same characters as references or escapes (the reader gets the same text); a JSON line never
# starts with `::`.
COMMAND_KEY = "::"
LEGACY_COMMAND = "##["


def picture(char: str) -> str:
    """The character a person sees for an unsafe one: a C0 control's picture (U+2400–U+241F; a tab
    is a space, as in a quoted source line), DEL's (U+2421), else U+FFFD."""
    code = ord(char)
    if code == 0x09:
        return " "
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return REPLACEMENT


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def shown(text: str, keep: str = "") -> str:
    """`text` as a person may see it: every unsafe character but those in `keep` as its picture."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m[0] if m[0] in keep else picture(m[0]), text)


def replaced(text: str, keep: str = "") -> str:
    """`text` with every unsafe character but those in `keep` replaced by U+FFFD."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m[0] if m[0] in keep else REPLACEMENT, text)


def json_text(value: Any) -> str:
    """`value` as indented JSON (non-ASCII text as itself), every unsafe character escaped, and
    no legacy workflow command (`##[`) for a CI log that shows the report."""
    dumped = json.dumps(value, indent=2, ensure_ascii=False)
    # These characters occur only inside strings, and never as part of an escape: `\\uXXXX` is
    # what json.dumps writes for them with ensure_ascii, and a JSON reader gets the same string.
    escaped = _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", dumped)
    return escaped.replace(LEGACY_COMMAND, "##\\u005b") + "\n"


def defused(line: str) -> str:
    """A line of text for a person that no CI runner reads as a workflow command: a `\\` before a
    leading `::`, and after the `[` of `##[` (as the runner itself defuses `##[start-action`)."""
    line = line.replace(LEGACY_COMMAND, LEGACY_COMMAND + "\\")
    body = line.lstrip()
    if body.startswith(COMMAND_KEY):
        return line[: len(line) - len(body)] + "\\" + body
    return line


def for_log(text: str) -> str:
    """Text for stderr, a terminal or a CI log, line by line: each line `shown` (a control
    character as its picture, the line and paragraph separators kept as in a quoted line) and
    `defused`, so no line is a workflow command. The line breaks are the writer's own: a name
    inside a line is escaped where the message is made, so it cannot start one (docs/safety.md)."""
    return "\n".join(defused(shown(line, keep="\u2028\u2029")) for line in text.split("\n"))
