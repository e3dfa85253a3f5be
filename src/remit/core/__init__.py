"""The pure domain: three-valued truth, measured values and units, codes and the
patient record. Nothing in this package performs I/O or reads a clock."""
