"""PRINTO provisional classification criteria for systemic JIA, 2019
(criteria.md §2).

Fever of unknown origin (infectious, neoplastic, autoimmune and monogenic
autoinflammatory diseases excluded), present for at least 3 days and recurring
over 2 weeks, plus either 2 major criteria or 1 major and 2 minor criteria.
Major: evanescent (non-fixed) erythematous rash; arthritis. Minor: generalised
lymph-node enlargement and/or hepatomegaly and/or splenomegaly; serositis;
arthralgia lasting more than 2 weeks in the absence of arthritis; leukocytosis
≥ 15 000/mm³ with neutrophilia. Unlike ILAR, arthritis is not required.

How remit reads the record:

* Look-back window: the whole record up to the index date, for every item.
* "Present for ≥ 3 days" and "recurring over 2 weeks" are the longest recorded
  run of the ``fever`` finding (≥ 3 days and ≥ 14 days); recurrences recorded
  without an intervening "fever absent" record form one run.
* The exclusion of infection, malignancy, autoimmune and monogenic disease is
  the ``infection_excluded`` finding; not recorded → indeterminate.
* Arthralgia > 2 weeks is the longest recorded run of ``arthralgia`` (> 14 days),
  with no arthritis recorded; exactly 14 days is indeterminate (sources differ).
* Leukocytosis: the highest leukocyte count on record ≥ 15 ×10⁹/L; neutrophilia:
  the latest absolute neutrophil count lies above the upper limit of the
  reporting laboratory's reference range (the criteria give no number, and remit
  does not invent one; without a stored reference range the item is
  indeterminate).
"""

from remit.rules import ast
from remit.rules import builders as b

WHOLE_RECORD: int | None = None  # days_before=None: at any time up to the index date

_FEVER_RUN = ast.RunLength("fever.run", "Longest recorded run of fever", "fever", b.window(WHOLE_RECORD))

_FEVER = b.all_of(
    "fever",
    "Fever of unknown origin, present ≥ 3 days and recurring over 2 weeks",
    b.finding(
        "fever.origin_unknown",
        "infection_excluded",
        days=WHOLE_RECORD,
        label="Infectious, neoplastic, autoimmune and monogenic autoinflammatory disease excluded",
    ),
    b.compare("fever.three_days", _FEVER_RUN, ">=", 3, "d", label="Fever present for ≥ 3 days"),
    b.compare("fever.two_weeks", _FEVER_RUN, ">=", 2, "wk", label="Fever recurring over 2 weeks"),
)

_ARTHRITIS = b.finding("major.arthritis", "arthritis", days=WHOLE_RECORD)

_MAJOR = (
    b.finding("major.rash", "evanescent_rash", days=WHOLE_RECORD),
    _ARTHRITIS,
)

_MINOR = (
    b.any_of(
        "minor.organomegaly",
        "Generalised lymph-node enlargement and/or hepatomegaly and/or splenomegaly",
        b.finding("minor.organomegaly.lymphadenopathy", "generalised_lymphadenopathy", days=WHOLE_RECORD),
        b.finding("minor.organomegaly.hepatomegaly", "hepatomegaly", days=WHOLE_RECORD),
        b.finding("minor.organomegaly.splenomegaly", "splenomegaly", days=WHOLE_RECORD),
    ),
    b.finding("minor.serositis", "serositis", days=WHOLE_RECORD),
    b.all_of(
        "minor.arthralgia",
        "Arthralgia lasting > 2 weeks in the absence of arthritis",
        b.compare(
            "minor.arthralgia.duration",
            ast.RunLength(
                "minor.arthralgia.run", "Longest recorded run of arthralgia", "arthralgia", b.window(WHOLE_RECORD)
            ),
            ">",
            2,
            "wk",
            label="Arthralgia lasting > 2 weeks",
            boundary_conflict=True,
        ),
        b.not_("minor.arthralgia.no_arthritis", "No arthritis", _ARTHRITIS),
    ),
    b.all_of(
        "minor.leukocytosis",
        "Leukocytosis ≥ 15 000/mm³ with neutrophilia",
        b.lab("minor.leukocytosis.wbc", "wbc", ">=", 15000, "/mm3", days=WHOLE_RECORD, reduce=ast.Reduce.MAX),
        b.not_(
            "minor.leukocytosis.neutrophilia",
            "Neutrophilia (absolute neutrophil count above the laboratory's upper reference limit)",
            ast.WithinReference(
                "minor.leukocytosis.neutrophils_within_upper_limit",
                "Absolute neutrophil count within the upper reference limit",
                "neutrophils",
                b.window(WHOLE_RECORD),
                ast.Side.UPPER,
            ),
        ),
    ),
)

CRITERION = ast.Criterion(
    id="printo_sjia_2019",
    version="1.0.0",
    title="PRINTO provisional classification criteria for systemic JIA (2019)",
    kind=ast.Kind.CLASSIFICATION,
    citation=ast.Citation(
        "Martini A, Ravelli A, Avcin T, et al.; PRINTO. Toward new classification criteria for juvenile "
        "idiopathic arthritis: first steps, Pediatric Rheumatology International Trials Organization "
        "international consensus. J Rheumatol 2019;46(2):190-197",
        doi="10.3899/jrheum.180168",
        pmid="30275259",
    ),
    verification=ast.Verification.CONFLICT,
    applies_to=("sjia",),
    status_meaning="classified as systemic JIA by the PRINTO provisional criteria",
    description=__doc__ or "",
    caveats=(
        "Provisional, consensus-based criteria (Delphi and nominal group technique); evidence-based validation "
        "was planned. Not interchangeable with ILAR.",
        'Fever [UNVERIFIED]: no temperature threshold, fever pattern or "consecutive" is applied, because no '
        "source read states one. The rule is implemented as reproduced (Ped Rheum 2021, Table 2): fever for at "
        "least 3 days and recurring over 2 weeks, i.e. the longest recorded run of the fever finding ≥ 3 days "
        "and ≥ 14 days, whatever temperature the clinician recorded as fever.",
        'Arthralgia [CONFLICT]: "more than 2 weeks" (reproduction read) vs "2 weeks or longer" (recalled '
        "primary). remit applies > 14 days and flags a run of exactly 14 days as indeterminate.",
        "Neutrophilia has no numeric definition in the criteria; remit judges the latest absolute neutrophil "
        "count against the reporting laboratory's upper reference limit (a count reported 'high' by the "
        "laboratory counts) and is indeterminate without a reference range. Leukocytosis uses the highest "
        "leukocyte count on record, so the two need not come from the same blood sample.",
        "The exclusion of infectious, neoplastic, autoimmune and monogenic autoinflammatory disease is the "
        "`infection_excluded` finding; if it is not recorded the result is indeterminate.",
        "Look-back window (remit's choice): the whole record up to the index date for every item.",
    ),
    rule=b.all_of(
        "rule",
        "Fever of unknown origin plus 2 major, or 1 major and 2 minor, criteria",
        _FEVER,
        b.any_of(
            "criteria",
            "2 major, or 1 major and 2 minor, criteria",
            b.at_least("two_major", "Both major criteria", 2, *_MAJOR),
            b.all_of(
                "one_major_two_minor",
                "1 major and 2 minor criteria",
                b.at_least("one_major", "At least 1 major criterion", 1, *_MAJOR),
                b.at_least("two_minor", "At least 2 minor criteria", 2, *_MINOR),
            ),
        ),
    ),
)
