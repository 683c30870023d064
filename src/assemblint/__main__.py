"""`python -m assemblint`."""

from assemblint.cli import run

run()
