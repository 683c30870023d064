"""run/tile_plan.py: `--tiles auto` fits its tiles to the workers' memory; the tiles' borders."""

from __future__ import annotations

import math

import pytest

from assemblint.run.tile_plan import AUTO_OBJECTS, MIN_AUTO_OBJECTS, auto_objects, grid, worker_memory


@pytest.mark.parametrize(
    ("memory", "pads", "most"),
    [
        # 1e9 − 300 MiB (314,572,800) − 10,000,000 × 63 / 2 = 370,427,200 bytes, / (2 × 1,400) = 132,295
        ((1_000_000_000, 2), 10_000_000, 132_295),
        # 1e9 − 314,572,800 − 2,000,000 × 63 / 2 = 622,427,200, / 2,800 = 222,295
        ((1_000_000_000, 2), 2_000_000, 222_295),
        ((400_000_000, 2), 10_000_000, MIN_AUTO_OBJECTS),  # no room: the least, and the nanny says so
        ((64 << 30, 1), 10_000_000, AUTO_OBJECTS),  # room for more: never past the plain `auto`
        (None, 10_000_000, None),  # no limit (this process, or a worker without one)
        ((0, 2), 10_000_000, None),
    ],
)
def test_auto_tiles_hold_as_many_pads_as_fit_in_a_worker(memory, pads, most) -> None:
    assert auto_objects(memory, pads) == most


class Client:
    def __init__(self, limits: list[float]):
        self.limits = limits

    def scheduler_info(self) -> dict:
        return {"workers": {f"tcp://w{i}": {"memory_limit": limit} for i, limit in enumerate(self.limits)}}


def test_the_workers_memory_is_the_least_limit_among_them() -> None:
    assert worker_memory(Client([2e9, 1e9, 3e9])) == (1_000_000_000, 3)
    assert worker_memory(Client([2e9, 0])) is None  # a worker without a limit: nothing to fit
    assert worker_memory(Client([])) is None
    assert worker_memory(None) is None


def test_auto_tiles_under_a_limit_are_never_larger_than_it() -> None:
    extent = (0.0, 0.0, 10_000.0, 10_000.0, 10_000_000)  # 10M pads on a 10 mm square
    # about 500,000 pads a tile: 20 tiles asked, the side cut in floor(√20) = 4 (625,000 pads each;
    # a last column and row beyond x1 and y1 hold the pads exactly on them)
    xs, ys = grid(extent, None)
    assert xs[2] - xs[1] == ys[2] - ys[1] == 2_500.0
    # at most 132,295: 76 tiles asked, the side cut in ceil(√76) = 9 (123,457 pads each)
    xs, ys = grid(extent, None, 132_295)
    assert xs[2] - xs[1] == pytest.approx(10_000 / 9)
    assert 10_000_000 / 81 <= 132_295
    assert xs[0] == -math.inf and xs[-1] == math.inf
