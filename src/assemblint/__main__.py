"""`python -m assemblint`."""

from assemblint.cli import main

raise SystemExit(main())
