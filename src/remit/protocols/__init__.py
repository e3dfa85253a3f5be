"""remit.protocols (see docs/architecture.md)."""
