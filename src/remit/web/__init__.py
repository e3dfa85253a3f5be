"""remit.web (see docs/architecture.md)."""
