"""Eurofever/PRINTO 2019 classification criteria for mevalonate kinase
deficiency, clinical + genetic arm (criteria.md §7c).

Entry: elevated acute-phase reactants (ESR, CRP or SAA) during flares, and
confounding diseases excluded. Then a confirmatory MVK genotype and at least 1
of: gastrointestinal symptoms; cervical lymphadenitis; aphthous stomatitis.
The MKD criteria exist only with a confirmatory genotype: a not-confirmatory
MVK genotype does not qualify. Sensitivity 0.98, specificity 1.00 (ARD 2019
Table 2).
"""

from remit.catalogue import eurofever_genetic as eg
from remit.rules import ast

_ITEMS: tuple[ast.TruthNode, ...] = (
    eg.manifestation("gastrointestinal_symptoms", "gastrointestinal_symptoms", "Gastrointestinal symptoms"),
    eg.manifestation("cervical_lymphadenitis", "cervical_lymphadenitis", "Cervical lymphadenitis"),
    eg.manifestation("aphthous_stomatitis", "aphthous_stomatitis", "Aphthous stomatitis"),
)

CRITERION = ast.Criterion(
    id="eurofever_mkd_2019",
    version="1.0.0",
    title="Eurofever/PRINTO 2019 classification criteria for MKD (clinical + genetic)",
    kind=ast.Kind.CLASSIFICATION,
    citation=eg.CITATION,
    verification=ast.Verification.UNVERIFIED,
    applies_to=("mkd", "unclassified_said"),
    status_meaning="classified as MKD by the Eurofever/PRINTO 2019 clinical + genetic criteria",
    description=(__doc__ or "") + eg.DESCRIPTION_READING,
    caveats=(
        *eg.CAVEATS,
        "MKD: only the confirmatory-genotype arm exists; a not-confirmatory MVK genotype is not met.",
        "Gastrointestinal symptoms is the gastrointestinal_symptoms finding or episode feature; abdominal pain "
        "or diarrhoea recorded under their own kinds are not read as this item.",
    ),
    rule=eg.genetic_rule("MVK", _ITEMS, not_confirmatory_arm=False),
)
