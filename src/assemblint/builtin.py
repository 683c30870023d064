"""assemblint's own plugin: the `std` materials library and the text and JSON formats.

Registered through the same entry point group and hooks as any third-party plugin.
"""

from __future__ import annotations

from importlib import resources

from . import formats
from .hookspecs import hookimpl


@hookimpl
def assemblint_libraries():
    return {"std": str(resources.files("assemblint").joinpath("std", "std.assy"))}


@hookimpl
def assemblint_formats():
    return {"text": formats.text, "json": formats.json_format}
