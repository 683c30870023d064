"""The version of assemblint, at the bottom of the layers so that anything may report it."""

__version__ = "0.1.0"
