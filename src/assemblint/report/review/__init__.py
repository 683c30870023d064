"""report.review: see docs/architecture.md."""
