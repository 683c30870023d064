"""report.formats: see docs/architecture.md."""
