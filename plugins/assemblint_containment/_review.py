"""How the review report shows the containment family: its row in the summary and its filter entry.

The family's side of the review contract (assemblint.report.review.marks; docs/plugins.md,
"Drawing your findings in the review report"). Its findings concern materials, steps and
layers, which the melting ladder shows from the design itself, so it draws no marks: its
findings are listed under their rules.
"""

from __future__ import annotations

from assemblint import hookimpl
from assemblint.report.review.marks import ReviewFamily

FAMILY = ReviewFamily(prefix="CT", title="containment", order=20)


@hookimpl
def assemblint_review() -> list[ReviewFamily]:
    """The hook implementation (registered in __init__.py): the family's title and place."""
    return [FAMILY]
