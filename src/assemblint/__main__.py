"""`python -m assemblint`."""

from .cli import main

raise SystemExit(main())
