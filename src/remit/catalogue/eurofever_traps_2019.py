"""Eurofever/PRINTO 2019 classification criteria for TNF receptor-associated
periodic syndrome, clinical + genetic arm (criteria.md §7c).

Entry: elevated acute-phase reactants (ESR, CRP or SAA) during flares, and
confounding diseases excluded. Then, with a confirmatory TNFRSF1A genotype, at
least 1 of: episode duration ≥ 7 days; myalgia; migratory rash; periorbital
oedema; relatives affected. With a not-confirmatory TNFRSF1A genotype, at
least 2 of the same items. Sensitivity 0.95, specificity 0.99 (ARD 2019
Table 2).

Episode duration ≥ 7 days is a recorded ``fever_attack`` episode lasting at
least 168 hours; relatives affected is the ``relatives_affected`` finding.
"""

from remit.catalogue import eurofever_genetic as eg
from remit.rules import ast

_ITEMS: tuple[ast.TruthNode, ...] = (
    eg.episode_duration("duration_7_days", "≥ 7 days", min_hours=168),
    eg.manifestation("myalgia", "myalgia", "Myalgia"),
    eg.manifestation("migratory_rash", "migratory_rash", "Migratory rash"),
    eg.manifestation("periorbital_oedema", "periorbital_oedema", "Periorbital oedema"),
    eg.family_item("relatives_affected"),
)

CRITERION = ast.Criterion(
    id="eurofever_traps_2019",
    version="1.0.0",
    title="Eurofever/PRINTO 2019 classification criteria for TRAPS (clinical + genetic)",
    kind=ast.Kind.CLASSIFICATION,
    citation=eg.CITATION,
    verification=ast.Verification.UNVERIFIED,
    applies_to=("traps", "unclassified_said"),
    status_meaning="classified as TRAPS by the Eurofever/PRINTO 2019 clinical + genetic criteria",
    description=(__doc__ or "") + eg.DESCRIPTION_READING,
    caveats=(
        *eg.CAVEATS,
        "Episode duration ≥ 7 days is read as at least 168 hours; an episode recorded with whole-day dates "
        "over exactly 7 calendar days is [144, 168] h and so indeterminate: record duration_hours.",
        "Relatives affected is the relatives_affected finding from the family history; not recorded is unknown "
        "even in a record covering the whole life.",
    ),
    rule=eg.genetic_rule("TNFRSF1A", _ITEMS),
)
