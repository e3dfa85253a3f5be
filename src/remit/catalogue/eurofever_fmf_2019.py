"""Eurofever/PRINTO 2019 classification criteria for familial Mediterranean
fever, clinical + genetic arm (criteria.md §7c).

Entry: elevated acute-phase reactants (ESR, CRP or SAA) during flares, and
confounding diseases excluded. Then, with a confirmatory MEFV genotype, at
least 1 of: episode duration 1-3 days; arthritis; chest pain; abdominal pain.
With a not-confirmatory MEFV genotype, at least 2 of the same items.
Sensitivity 0.94, specificity 0.95 (ARD 2019 Table 2).

Episode duration 1-3 days is a recorded ``fever_attack`` episode lasting 24 to
72 hours inclusive.
"""

from remit.catalogue import eurofever_genetic as eg
from remit.rules import ast

_ITEMS: tuple[ast.TruthNode, ...] = (
    eg.episode_duration("duration_1_3_days", "1-3 days", min_hours=24, max_hours=72),
    eg.manifestation("arthritis", "arthritis", "Arthritis"),
    eg.manifestation("chest_pain", "chest_pain", "Chest pain"),
    eg.manifestation("abdominal_pain", "abdominal_pain", "Abdominal pain"),
)

CRITERION = ast.Criterion(
    id="eurofever_fmf_2019",
    version="1.0.0",
    title="Eurofever/PRINTO 2019 classification criteria for FMF (clinical + genetic)",
    kind=ast.Kind.CLASSIFICATION,
    citation=eg.CITATION,
    verification=ast.Verification.UNVERIFIED,
    applies_to=("fmf", "unclassified_said"),
    status_meaning="classified as FMF by the Eurofever/PRINTO 2019 clinical + genetic criteria",
    description=(__doc__ or "") + eg.DESCRIPTION_READING,
    caveats=(
        *eg.CAVEATS,
        "Episode duration 1-3 days is read as 24 to 72 hours inclusive.",
    ),
    rule=eg.genetic_rule("MEFV", _ITEMS),
)
