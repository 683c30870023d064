"""Writes the bump maps of the chiplets example (examples/chiplets/), every one of them made up here.

    python examples/chiplets/make_bump_maps.py

- `interposer_c4.bmap`: the interposer's 2,250 C4 bumps (3DBlox bump map, the interposer's frame, µm
  from its lower-left corner), and `substrate_c4.csv`: the substrate's table of the same 2,250 pads
  (the substrate vendor's pin list, µm from the interposer's centre, grouped by net). The shape is
  that of a large flip-chip bump map such as the public GF14 one of bespoke-silicon-group/bsg_packaging
  (an 11 mm x 9 mm die, a checkerboard of 75 x 60 sites at 141 µm x 142 µm, half of them bumped),
  but nothing of that map is used: its repository carries no licence, so it is not redistributed.
  The outer 8 rows and columns are the I/O band (signals, every fourth site an I/O supply), the rest
  the core supply in stripes of two rows of VDD and two of VSS.
- `soc_ubumps.bmap` and `interposer_top.bmap`: the SoC's 320 microbumps (20 x 16 at 200 µm) and the
  interposer's copy of them, where the SoC lands on it: the outer two rings are die-to-die signals,
  the centre power (no net in these maps).

Two mistakes are left in on purpose, for the example's findings: the substrate's table gives pin
io_0101 the net of the row above it, io_0100, filled down as a spreadsheet does (IN001, a short of
the two nets, and IN002, io_0100 open), and the interposer's copy of one microbump is 0.5 µm off, so
it is not joined (IN002, d2d_017 open).
"""

from __future__ import annotations

import string
from pathlib import Path

HERE = Path(__file__).resolve().parent

# C4: the interposer's chiplet box is 11000 x 9000 µm (chiplets.3dbv); sites from (283, 311)
COLS, ROWS, PITCH_X, PITCH_Y, X0, Y0 = 75, 60, 141.0, 142.0, 283.0, 311.0
CENTRE = (5500.0, 4500.0)
BAND = 8  # rows and columns of the I/O band
FILLED_DOWN = ("io_0101", "io_0100")  # the substrate's table gives this pin the net of the row above

# microbumps: in the SoC's chiplet box (5030 x 4030 µm), placed at loc (2985, 2485) on the interposer
U_COLS, U_ROWS, U_PITCH, U_X0, U_Y0 = 20, 16, 200.0, 615.0, 515.0
SOC_LOC = (2985.0, 2485.0)
OFF_BUMP, OFF_BY = 17, 0.5  # the interposer's copy of d2d_017 is 0.5 µm off in x


def row_name(row: int) -> str:
    """JEDEC row letters, as a package's pin list names them: A … Y (no I, O, Q, S, X, Z), then AA …"""
    letters = [c for c in string.ascii_uppercase if c not in "IOQSXZ"]
    return letters[row] if row < len(letters) else letters[row // len(letters) - 1] + letters[row % len(letters)]


def c4_sites() -> list[tuple[int, int, str]]:
    """(row, column, net) of every bumped site, row by row."""
    sites, band_count = [], 0
    for row in range(ROWS):
        for col in range(row % 2, COLS, 2):  # a checkerboard: half the sites
            in_band = min(row, ROWS - 1 - row) < BAND or min(col, COLS - 1 - col) < BAND
            if in_band:
                band_count += 1
                net = {3: "VDDIO", 7: "VSSIO"}.get(band_count % 8, "")
                sites.append((row, col, net or f"io_{band_count:04d}"))
            else:
                sites.append((row, col, "VDD" if row % 4 < 2 else "VSS"))
    return sites


def c4_maps() -> tuple[str, str]:
    sites = c4_sites()
    bmap = [
        "# The interposer's C4 bumps, on its back: bumpInstName bumpCellType x y portName netName",
        "# (µm from the chiplet's lower-left corner). Made by make_bump_maps.py.",
    ]
    for row, col, net in sites:
        x, y = X0 + col * PITCH_X, Y0 + row * PITCH_Y
        bmap.append(f"c4_r{row:02d}_c{col:02d} C4BUMP {x:.1f} {y:.1f} {net} {net}")
    nets = {(row, col): FILLED_DOWN[1] if net == FILLED_DOWN[0] else net for row, col, net in sites}
    order = {"VDD": 0, "VSS": 1, "VDDIO": 2, "VSSIO": 3}
    rows = sorted(nets.items(), key=lambda item: (order.get(item[1], 4), item[0]))
    table = [
        "Pin,Net,Row,Col,Bump Center X (Relative to Die Center) (um),"
        "Bump Center Y (Relative to Die Center) (um),Pad Opening (um)"
    ]
    for (row, col), net in rows:
        x, y = X0 + col * PITCH_X - CENTRE[0], Y0 + row * PITCH_Y - CENTRE[1]
        table.append(f"{row_name(row)}{col + 1},{net},{row},{col},{x:.1f},{y:.1f},100")
    counts = {net: sum(1 for _, n in rows if n == net) for net in order}
    print("substrate_c4.csv: rows 2 on, grouped by net:", counts, "then", len(rows) - sum(counts.values()), "signals")
    return "\n".join(bmap) + "\n", "\n".join(table) + "\n"


def microbump_maps() -> tuple[str, str]:
    soc = ["# The SoC's microbumps, on its front: bumpInstName bumpCellType x y portName netName", ""]
    top = ["# The interposer's copy of them, on its front, where the SoC lands (loc 2985, 2485)", ""]
    signal = 0
    for row in range(U_ROWS):
        for col in range(U_COLS):
            x, y = U_X0 + col * U_PITCH, U_Y0 + row * U_PITCH
            if min(row, U_ROWS - 1 - row) < 2 or min(col, U_COLS - 1 - col) < 2:
                net = f"d2d_{signal:03d}"
                off = OFF_BY if signal == OFF_BUMP else 0.0
                signal += 1
            else:
                net, off = "-", 0.0
            name = f"u_r{row:02d}_c{col:02d}"
            soc.append(f"{name} UBUMP {x:.1f} {y:.1f} {net} {net}")
            top.append(f"{name} UBUMP {x + SOC_LOC[0] + off:.1f} {y + SOC_LOC[1]:.1f} {net} {net}")
    soc[1] = top[1] = f"# {U_COLS} x {U_ROWS} at {U_PITCH:g} µm: the outer two rings signals, the centre power (no net)"
    return "\n".join(soc) + "\n", "\n".join(top) + "\n"


def main() -> None:
    bmap, table = c4_maps()
    soc, top = microbump_maps()
    for name, text in [
        ("interposer_c4.bmap", bmap),
        ("substrate_c4.csv", table),
        ("soc_ubumps.bmap", soc),
        ("interposer_top.bmap", top),
    ]:
        (HERE / name).write_text(text, encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
