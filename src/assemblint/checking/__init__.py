"""checking: see docs/architecture.md."""
