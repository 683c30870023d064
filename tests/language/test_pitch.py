"""A grid's pitch and a placement's pitch must be positive (issue 17): a zero pitch put every pad or
instance on one spot, which no design means."""

from __future__ import annotations

import pytest

PADS = "use std\nelement die : chip {{ body silicon; pads c grid 2 x 2 pitch {pitch} diameter 100 um }}\n"
PLACE = "use std\ncell U {{ element e : chip {{ body silicon }} }}\nplace u : U grid 2 x 2 pitch {pitch}\n"


@pytest.mark.parametrize(
    ("text", "pitch", "column", "shown"),
    [
        (PADS, "0 um", 60, "0 um"),
        (PADS, "-5 um", 60, "-5 um"),
        (PADS, "100 um x 0 um", 69, "0 um"),
        (PLACE, "0 mm", 30, "0 mm"),
        (PLACE, "1 mm x -1 mm", 37, "-1 mm"),
    ],
)
def test_a_zero_or_negative_pitch_is_an_impossible_value(language_errors, text, pitch, column, shown) -> None:
    (error,) = language_errors(text.format(pitch=pitch))
    line = 2 if text is PADS else 3
    assert (error.code, error.location.line, error.location.column) == ("E008", line, column)
    assert error.message == f"a pitch must be positive, got {shown}"


def test_a_positive_pitch_still_builds(load_text) -> None:
    assembly = load_text(PADS.format(pitch="0.001 um"))
    assert assembly.netlist is not None
    assert list(assembly.netlist.pad_x) == pytest.approx([-0.0005, 0.0005, -0.0005, 0.0005])
