"""What a run records about plugins: each one loaded (PluginInfo) and each failure (PluginProblem).

Plain data, low in the layers, so that the engine, the report and every format can speak of a
plugin's crash without knowing how plugins are found and loaded (plugins/host.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PluginProblem:
    plugin: str
    rule: str
    message: str


@dataclass
class PluginInfo:
    name: str
    version: str
    module: str
    distribution: str = ""  # the installed distribution that registers it ("assemblint" for the core's own)
