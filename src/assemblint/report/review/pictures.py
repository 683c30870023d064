"""The SVG pictures of the review report, one module each; the page calls them from here.

- `melting_ladder(assembly, findings, review)` (ladder.py): every fusible material's solidus–liquidus band against
  the process steps, the service ranges and the layers' and elements' ratings;
- `side_view(assembly, findings, review)` (side_view.py): a cross-section (x–z) of the elements
  with heights, the masses and the layers between them, the gaps labelled, the findings marked;
- `top_views(assembly, findings, review)` (gaps.py): one top view per pair of joined elements,
  pads and masses to scale, coloured by electrical node, the findings marked as their families'
  markers say;
- `cte_map(assembly, findings, review)` (cte_map.py): each directly joined pair with its CTEs,
  Δα against the limit, its kind of joint, and the figures its findings report.

Each returns inline SVG markup (no XML declaration), or None (a list, for the top views) when the
picture does not apply (the side view: when no element has both a `z` and a thickness). `review` is
the families' drawing declarations (marks.py): without it the findings are listed on the page but
not drawn. The SVG toolkit they share is svg.py, the way they
write numbers and names labels.py. The page calls the pictures through this module, so that one
can be replaced (a test replaces one that raises, and the page names it as not drawn).
"""

from __future__ import annotations

from assemblint.report.review.cte_map import cte_map
from assemblint.report.review.gaps import top_views
from assemblint.report.review.ladder import melting_ladder
from assemblint.report.review.side_view import side_view

__all__ = ["cte_map", "melting_ladder", "side_view", "top_views"]
