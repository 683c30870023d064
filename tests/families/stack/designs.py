"""The stack tests' designs and helpers, written once. The base design is the documentation's own
(assemblint_stack._examples): a 12 × 12 × 1 mm substrate `sub` at z 0 (line 2), a flipped
5 × 5 × 0.75 mm die `die` at z 1080 µm (line 3), and four bumps `b` 80 µm high (line 4) joining
the die's front pads to the substrate's: gap 1080 − 1000 = 80 µm, the bumps' height."""

from __future__ import annotations

from assemblint_stack._examples import DIE, MASS, PADS, SUB, design

__all__ = ["DIE", "MASS", "PADS", "SUB", "design", "die", "fired"]


def die(z: str = "1080 um", *, size: str = "5 mm x 5 mm x 0.75 mm", more: str = "; flip") -> str:
    """The die's properties with another `z`, size or options (`z=""` leaves `z` out)."""
    zed = f"; z {z}" if z else ""
    return f"body silicon; size {size}{zed}{more}"


def fired(check_text, text: str, rule: str, deck: str | None = None) -> list:
    """The findings of one rule on a design (that rule alone selected)."""
    report = check_text(text, deck=deck, select=(rule,))
    return [f for f in report.findings if f.rule == rule]
