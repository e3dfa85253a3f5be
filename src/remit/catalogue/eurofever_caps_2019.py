"""Eurofever/PRINTO 2019 classification criteria for cryopyrin-associated
periodic syndrome, clinical + genetic arm (criteria.md §7c).

Entry: elevated acute-phase reactants (ESR, CRP or SAA) during flares, and
confounding diseases excluded. Then, with a confirmatory NLRP3 genotype, at
least 1 of: urticarial rash; red eye (conjunctivitis, episcleritis, uveitis);
neurosensorial hearing loss. With a not-confirmatory NLRP3 genotype, at least
2 of the same items. Sensitivity 1.00, specificity 1.00 (ARD 2019 Table 2).
"""

from remit.catalogue import eurofever_genetic as eg
from remit.rules import ast

_ITEMS: tuple[ast.TruthNode, ...] = (
    eg.manifestation("urticarial_rash", "urticarial_rash", "Urticarial rash"),
    eg.manifestation("red_eye", "red_eye", "Red eye (conjunctivitis, episcleritis, uveitis)"),
    eg.manifestation("hearing_loss", "neurosensorial_hearing_loss", "Neurosensorial hearing loss"),
)

CRITERION = ast.Criterion(
    id="eurofever_caps_2019",
    version="1.0.0",
    title="Eurofever/PRINTO 2019 classification criteria for CAPS (clinical + genetic)",
    kind=ast.Kind.CLASSIFICATION,
    citation=eg.CITATION,
    verification=ast.Verification.UNVERIFIED,
    applies_to=("caps", "unclassified_said"),
    status_meaning="classified as CAPS by the Eurofever/PRINTO 2019 clinical + genetic criteria",
    description=(__doc__ or "") + eg.DESCRIPTION_READING,
    caveats=(
        *eg.CAVEATS,
        "NLRP3 somatic mosaicism exists; how a mosaic variant is classed (confirmatory or not) is the "
        "clinician's recorded judgement.",
        "Red eye is the red_eye finding or episode feature; a uveitis finding alone is not read as red eye.",
    ),
    rule=eg.genetic_rule("NLRP3", _ITEMS),
)
