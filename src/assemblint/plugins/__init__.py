"""plugins: see docs/architecture.md."""
