"""What an imported stack holds, as plain data for the builder: chiplet instances placed in the
assembly's frame, their regions' bumps at their final positions, and the connections between
regions (STACK.md §6). Coordinates are µm in the assembly's frame; nothing here is transformed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assemblint.base.diagnostics import Location


@dataclass
class BumpSource:
    """A region's bump map not read yet (`--tiles`): the builder reads the rows of its window."""

    file: Path
    shown: str
    #: the bump map's x and y (µm, the chiplet's frame) to the assembly's, as the importer places them
    place: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass
class ImportedPads:
    """One region's bumps on one instance (or one CSV bump map): a pad array of the model."""

    name: str
    face: str  # front | back
    x: np.ndarray  # µm, final positions in the assembly's frame
    y: np.ndarray
    labels: Sequence[str]  # the bump names, as the file gives them
    net_codes: np.ndarray  # index into net_names per bump, -1 for none
    net_names: Sequence[str]
    loc: Location  # where the region (or the table) is declared
    diameters: np.ndarray | None = None  # µm per bump (NaN: none given), when the file gives them
    sides: np.ndarray | None = None  # µm per bump: a square pad's side (a table's `size` column)
    source: BumpSource | None = None  # read by window: x, y, labels and nets are the builder's to read


@dataclass
class ImportedElement:
    """One chiplet instance: an element of the model."""

    name: str
    type: str  # an element type of the model (chip, interposer, substrate)
    loc: Location
    size: tuple[float, float, float]  # its outline's extents in the assembly's frame, and its thickness
    position: tuple[float, float]  # the centre of its outline
    z: float
    flip: bool  # face down (orient MZ…): front face at z
    orient: str  # as written, for messages
    pads: list[ImportedPads] = field(default_factory=list)


@dataclass
class ImportedConnection:
    """A `Connection` between two regions (either may be virtual: None)."""

    name: str
    loc: Location
    top: tuple[str, str] | None  # (instance, region)
    bottom: tuple[str, str] | None
    thickness: float  # µm


@dataclass
class ImportedStack:
    """A 3DBlox design, read: handed to the builder as one statement of the design."""

    path: str
    loc: Location  # the import (or the file itself when checked directly)
    name: str | None
    elements: list[ImportedElement]
    connections: list[ImportedConnection]
