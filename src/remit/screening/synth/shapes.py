"""Where the synthetic lab values come from: anchors read off the catalogue.

The generator invents no clinical threshold. Each generated analyte has one
*anchor*, a threshold that a published instrument in :mod:`remit.catalogue`
already holds (found by node id, so a change there flows here), and a
*direction*: the side of the anchor the instrument calls abnormal. Values are
then drawn as multiples of the anchor:

* unremarkable: ``anchor x 0.4`` for analytes abnormal when high,
  ``anchor x 1.6`` for analytes abnormal when low (log-normal spread
  :data:`SPREAD`), i.e. well on the normal side of the instrument's cut-off;
* abnormal with severity ``s``: the log-value moves ``s x ln(7.5)`` towards the
  abnormal side, so ``s = 1`` lands at three times (or a third of) the anchor
  and ``s < 0`` moves the other way (the thrombocytosis and raised
  fibrinogen of an sJIA flare).

0.4, 1.6, 7.5 and :data:`SPREAD` are *shape* parameters of the generator, not
clinical values: they only place "normal" well inside and "abnormal" well
beyond the published cut-offs. Every value is finally clipped into the
analyte's plausible range (``remit.core.analytes.ANALYTES``), so every
generated row is one the input layer accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from remit.catalogue import INSTRUMENTS
from remit.core.analytes import ANALYTES
from remit.core.units import convert
from remit.rules import ast
from remit.rules.tree import children_of

NORMAL_RATIO_HIGH = 0.4  # unremarkable centre as a multiple of an anchor abnormal when high
NORMAL_RATIO_LOW = 1.6  # ... and of one abnormal when low
ABNORMAL_STEP = math.log(7.5)  # log-distance moved per unit of severity
SPREAD = 0.15  # log-normal standard deviation of every value


@dataclass(frozen=True, slots=True)
class Anchor:
    analyte: str
    threshold: float  # in the analyte's canonical unit
    high_is_abnormal: bool
    source: str  # "<instrument>/<node id>"


def _node(instrument: str, node_id: str) -> ast.Node:
    definition = INSTRUMENTS[instrument]
    stack: list[ast.Node] = [definition.rule, *([definition.score] if definition.score else [])]
    while stack:
        node = stack.pop()
        if node.id == node_id:
            return node
        stack.extend(children_of(node))
    raise LookupError(f"{instrument} has no node {node_id!r}")  # pragma: no cover - a catalogue change


def _anchor(analyte: str, instrument: str, node_id: str) -> Anchor:
    node = _node(instrument, node_id)
    if isinstance(node, ast.Compare):
        high = node.op.value in (">", ">=")
        return Anchor(analyte, node.threshold, high, f"{instrument}/{node_id}")
    if isinstance(node, ast.Const):  # a score's floor (values above it count): abnormal when high
        return Anchor(analyte, node.value, True, f"{instrument}/{node_id}")
    raise TypeError(f"{instrument}/{node_id} is not a threshold")  # pragma: no cover


# The analytes generated, each with the catalogue threshold it is drawn around.
ANCHORS: dict[str, Anchor] = {
    a.analyte: a
    for a in (
        _anchor("ferritin", "mas_2016", "ferritin"),
        _anchor("platelets", "mas_2016", "platelets"),
        _anchor("ast", "mas_2016", "ast"),
        _anchor("triglycerides", "mas_2016", "triglycerides"),
        _anchor("fibrinogen", "mas_2016", "fibrinogen"),
        _anchor("wbc", "printo_sjia_2019", "minor.leukocytosis.wbc"),
        _anchor("neutrophils", "hlh_2004", "cytopenias.neutrophils"),
        _anchor("haemoglobin", "hlh_2004", "cytopenias.hb.any_age"),
        _anchor("esr", "jadas10", "esr.floor.value"),
    )
}
ANALYTE_ORDER: tuple[str, ...] = tuple(ANCHORS)


def log_centre(anchor: Anchor) -> float:
    """ln of the unremarkable centre."""
    ratio = NORMAL_RATIO_HIGH if anchor.high_is_abnormal else NORMAL_RATIO_LOW
    return math.log(anchor.threshold * ratio)


def plausible_bounds(analyte: str) -> tuple[float, float]:
    spec = ANALYTES[analyte]
    low = spec.plausible_low if spec.plausible_low is not None else 0.0
    high = spec.plausible_high if spec.plausible_high is not None else math.inf
    return low, high


# Units a laboratory may report in, besides the canonical one, with the share of
# rows written in them: they exercise the reader's unit normalisation. Every
# one is offered by the analyte itself (``Analyte.unit_choices``).
ALTERNATE_UNITS: dict[str, tuple[str, float]] = {
    "ferritin": ("ug/L", 0.1),
    "platelets": ("10*3/uL", 0.3),
    "wbc": ("10*3/uL", 0.3),
    "neutrophils": ("10*3/uL", 0.3),
    "haemoglobin": ("g/dL", 0.3),
    "triglycerides": ("mmol/L", 0.2),
    "fibrinogen": ("g/L", 0.3),
}


def unit_factor(analyte: str, unit: str) -> float:
    """Canonical -> ``unit`` (through remit's units library, never a hand-written factor)."""
    spec = ANALYTES[analyte]
    if unit not in spec.unit_choices:  # pragma: no cover - guarded by the table above
        raise ValueError(f"{unit} is not offered for {analyte}")
    return convert(1.0, spec.canonical_unit, unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol)
