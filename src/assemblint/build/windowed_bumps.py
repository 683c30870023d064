"""3DBlox bumps read by window (`--tiles`, model/windowed.py): a region's bump map read for one
tile, and a connection's masses numbered as the whole design numbers them.

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

    def _bumps_by_window(
        self, element: Element, pads: ImportedPads
    ) -> tuple[ImportedPads, tuple[np.ndarray, int] | None]:
        """The region's bumps the window takes (all of them if the window cannot read the map in
        blocks, which the run is told), and each one's row in the map and the map's rows (None:
        read whole)."""
        from assemblint.importing import bmap, tables  # here: only designs with 3DBlox pay for it

        source = pads.source
        assert source is not None
        windowed = self.windowed
        key = f"{element.name}.{pads.name}"
        table: Table | None = None
        try:
            if windowed is None or self.placing:
                if windowed is not None:
                    windowed.refuse("a 3DBlox design is imported inside a placed cell")
            elif isinstance(windowed.window, Fed) and key in windowed.window.parts:  # the split tasks read it
                fed = windowed.window
                parts = [t for share in fed.parts[key] for t in share]
                table = tables.joined_rows(parts, fed.labels, fed.holds)
            elif isinstance(windowed.window, Splitter):  # a split task: this map into its tiles' parts, or no row
                splitter = windowed.window
                total = 0
                if key == splitter.key:
                    windowed.parts = bmap.split_bumps(
                        source.file, source.shown, splitter.bin_of, splitter.bins, source.place, splitter.share
                    )
                    total = (windowed.parts[0].total or 0) if windowed.parts else 0
                table = tables.no_rows(source.shown, [(r, r, pads.loc) for r in bmap.COLUMNS], total)
            else:
                windowed.sizes[key] = source.file.stat().st_size
                held = windowed.window

                def keep(x: np.ndarray, y: np.ndarray) -> np.ndarray:
                    windowed.extend(x, y)
                    return np.where(held.holds(x, y), 0, -1)

                table = bmap.split_bumps(source.file, source.shown, keep, 1, source.place)[0]
        except tables.NotStreamed as why:
            assert windowed is not None
            windowed.refuse(f"{source.shown} cannot be read in blocks ({why})")
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
