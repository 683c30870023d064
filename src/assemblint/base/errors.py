"""The one exception a rule, or an analysis a rule asks for, raises when it cannot decide.

Low in the layers because the analyses (the thermal timeline) raise it for the rules that read
them, and the engine turns it into a rule's `could-not-run` status: never a silent pass.
"""

from __future__ import annotations


class CannotRun(Exception):
    """Raised by a rule that cannot decide on this design (its status becomes could-not-run)."""
