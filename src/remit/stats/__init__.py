"""remit.stats (see docs/architecture.md)."""
