"""Designs shared by the tests of more than one rule family: a die on an AlN substrate (2 x 2 pads
each), the given masses and one process line per argument (the right-answers cases, issue 14)."""

from __future__ import annotations


def design_with(masses: str, *process: str, extra: str = "", layers: str = "") -> str:
    """A die on an AlN substrate (2 x 2 pads each), the given masses and one process line per argument."""
    body = "\n".join(f"    {line}" for line in process)
    return f"""use std
{extra}
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{masses}
{layers}
process {{
{body}
}}
"""
