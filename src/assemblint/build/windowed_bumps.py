"""Bump maps read by window (`--tiles`, model/windowed.py): the rows of a map (a CSV table or a
3DBlox region's `.bmap`) one tile takes, and a 3DBlox connection's masses numbered as the whole
design numbers them.

Read whole, a region's bumps are its bump map's rows, placed (importing/threedblox.py), and a
connection's masses are its top region's bumps that coincide with one of the bottom region's, in
row order. Read by window, a region keeps only the rows placed in the window (read a block at a
time, or taken from the split tasks' parts), each with its row in the map; a connection keeps the
coinciding bumps at least `SAME_PLACE` inside the window (the bottom bump of each is then in the
window too, as in the whole design), and numbers each by the count of coinciding bumps before its
row over the whole design (`Coincident`), which the run gathers from every tile's core in the
first pass (run/tiles.py). Until then a tile's masses are numbered by nothing that reaches a
report: the first pass only measures the halo.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assemblint.build.state import BuildState
from assemblint.importing.problems import ImportProblem
from assemblint.importing.stack import BumpSource, ImportedPads
from assemblint.importing.tables import Table
from assemblint.language.values import Problem
from assemblint.model.assembly import Element, PadArray
from assemblint.model.windowed import Fed, NothingHeld, Splitter

SAME_PLACE = 1e-6  # µm: two bumps closer than this are at the same place (a database unit is 0.5 nm or more)


class WindowedBumps(BuildState):
    """3DBlox regions and connections of a build for one window of `--tiles`."""

    def _rows_in_window(
        self,
        key: str,
        what: str,
        opened: Callable[[], tuple[Path, str]],
        split: Callable[..., list[Table]],
        no_rows: Callable[[str | None, int], Table],
    ) -> Table | None:
        """The rows of bump map `key` (`die.b`) a window of `--tiles` takes, CSV table or `.bmap`
        alike: from the split tasks' parts (`Fed`), sorted into a split task's tiles (`Splitter`:
        no row kept), or read in blocks; None where it must be read whole (no window, `what` read
        inside a placed cell, or a file the blocks cannot read: the run is told why).
        `split(file, shown, bin_of, bins, share)` sorts the rows by their placed positions."""
        from assemblint.importing import tables  # here: only designs with bump maps pay for it

        windowed = self.windowed
        if windowed is None:
            return None
        window = windowed.window
        if self.placing:
            windowed.refuse(f"{what} is read inside a placed cell")
            return None
        shown = key
        try:
            if isinstance(window, Fed) and key in window.parts:  # the split tasks read it
                parts = [t for share in window.parts[key] for t in share]  # every range's rows in the window
                named = bool(parts) and parts[0].net_codes is not None
                return tables.joined_rows(parts, window.labels if named else None, window.holds)
            if isinstance(window, Splitter):  # a split task: this map into its tiles' parts, or no row
                if key != window.key:
                    return no_rows(None, 0)
                file, shown = opened()
                windowed.parts = split(file, shown, window.bin_of, window.bins, window.share)
                return no_rows(shown, (windowed.parts[0].total or 0) if windowed.parts else 0)
            file, shown = opened()
            windowed.sizes[key] = file.stat().st_size

            def keep(px: np.ndarray, py: np.ndarray) -> np.ndarray:
                windowed.extend(px, py)  # every row, kept or not
                return np.where(window.holds(px, py), 0, -1)

            return split(file, shown, keep, 1, None)[0]
        except tables.NotStreamed as why:
            windowed.refuse(f"{shown} cannot be read in blocks ({why})")
            return None

    def _bumps_by_window(
        self, element: Element, pads: ImportedPads
    ) -> tuple[ImportedPads, tuple[np.ndarray, int] | None]:
        """The region's bumps the window takes (all of them where it must be read whole), and
        each one's row in the map and the map's rows (None: read whole)."""
        from assemblint.importing import bmap, tables

        source = pads.source
        assert source is not None
        place = source.place

        def split(file: Path, shown: str, bin_of: Any, bins: int, share: Any) -> list[Table]:
            return bmap.split_bumps(file, shown, bin_of, bins, place, share)

        def no_rows(shown: str | None, total: int) -> Table:
            return tables.no_rows(shown or source.shown, [(r, r, pads.loc) for r in bmap.COLUMNS], total)

        table = self._rows_in_window(
            f"{element.name}.{pads.name}",
            "a 3DBlox design",
            lambda: (source.file, source.shown),
            split,
            no_rows,
        )
        if table is None:
            return self._bumps_whole(pads, source), None
        x, y = (table.numbers["px"], table.numbers["py"]) if "px" in table.numbers else (np.zeros(0), np.zeros(0))
        read = ImportedPads(
            pads.name,
            pads.face,
            x,
            y,
            table.names if table.names is not None else [],
            table.net_codes if table.net_codes is not None else np.full(table.rows, -1),
            table.net_names if table.net_names is not None else [],
            pads.loc,
        )
        assert table.rows_kept is not None
        return read, (table.rows_kept, table.total or 0)

    @staticmethod
    def _bumps_whole(pads: ImportedPads, source: BumpSource) -> ImportedPads:
        from assemblint.importing.bmap import read_bmap

        try:
            bumps = read_bmap(source.file.read_bytes(), source.shown)
        except ImportProblem as problem:
            raise Problem(problem.diagnostic.code, problem.diagnostic.message, problem.diagnostic.location) from None
        except OSError as error:
            raise Problem("E006", f"cannot read {source.shown}: {error.strerror or error}", pads.loc) from None
        x, y = source.place(bumps.x, bumps.y)
        return ImportedPads(pads.name, pads.face, x, y, bumps.names, bumps.net_codes, bumps.net_names, pads.loc)

    def _coinciding_in_window(
        self, name: str, top: PadArray, a: np.ndarray, b: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, int]]:
        """A connection's coinciding pairs (`a`, `b`: local indices) a window keeps, and their
        numbering in the whole design (each mass's index, the connection's count); their own while
        the run has not counted them (the tiles' first pass, which records its core's for the run)."""
        windowed = self.windowed
        assert windowed is not None
        window = windowed.window
        rows, top_total = windowed.pending.get(id(top), (np.arange(top.count, dtype=np.int64), top.count))
        kept = np.flatnonzero(window.inside(top.x[a], top.y[a], SAME_PLACE))  # its partner is held too
        a, b = a[kept], b[kept]
        windowed.tolerance = max(windowed.tolerance, SAME_PLACE)
        if name not in windowed.counting:
            windowed.counting.append(name)
        ranks = window.ranks if isinstance(window, Fed) else None
        if ranks is not None and name in ranks:
            return a, b, (ranks[name].rank(rows[a]), ranks[name].count)
        if isinstance(window, NothingHeld) and name in window.counts:
            return a, b, (np.zeros(0, dtype=np.int64), window.counts[name])
        core = np.asarray(window.core(top.x[a], top.y[a]), dtype=bool)
        windowed.coinciding[name] = (rows[a][core], top_total)
        # numbered by nothing a report reads; but a group of the window, so that naming its masses
        # by index (`ubumps[3]`, which a window cannot number) keeps the design out of the windows
        return a, b, (np.arange(len(a), dtype=np.int64), len(a))
