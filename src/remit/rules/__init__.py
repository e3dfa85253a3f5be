"""The criteria language: a closed set of immutable operators, the per-patient
interpreter that explains them, renderers, static checks and canonical JSON.

Engines implement operators, never a specific instrument: adding an instrument
to :mod:`remit.catalogue` adds no code here.
"""

from remit.rules.ast import Criterion
from remit.rules.interpret import Outcome, Result, evaluate

__all__ = ["Criterion", "Outcome", "Result", "evaluate"]
