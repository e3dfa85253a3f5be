"""ILAR classification of systemic JIA, Edmonton 2001 (second revision)
(criteria.md §1).

Systemic arthritis: arthritis of unknown aetiology in at least one joint that
begins before the 16th birthday and persists for at least 6 weeks, with other
known conditions excluded; with or preceded by fever of at least 2 weeks'
duration documented to be daily ("quotidian") for at least 3 days; and
accompanied by at least one of an evanescent erythematous rash, generalised
lymph-node enlargement, hepatomegaly and/or splenomegaly, or serositis.
Exclusions a-d apply: (a) psoriasis, or psoriasis in a first-degree relative;
(b) arthritis in an HLA-B27-positive male beginning after the 6th birthday;
(c) ankylosing spondylitis, enthesitis-related arthritis, sacroiliitis with
IBD, reactive arthritis or acute anterior uveitis, in the patient or a
first-degree relative; (d) IgM rheumatoid factor positive on at least 2
occasions at least 3 months apart.

How remit reads the record:

* Look-back window: the whole record up to the index date, for every item
  (a classification of the disease course, not of one visit).
* Arthritis ≥ 6 weeks and fever ≥ 2 weeks are the longest recorded runs of the
  ``arthritis`` and ``fever`` findings (a run is broken only by a record of the
  finding as absent), so findings must be recorded with their start and end
  dates.
* "Quotidian for ≥ 3 days" is a fever finding with ``pattern = quotidian``;
  recording that pattern means daily spikes were documented on at least 3 days
  (ILAR glossary: rising to 39 °C once a day and returning to 37 °C).
* Onset before the 16th birthday: age at the recorded sJIA onset < 16 years, or
  age at the index date < 16 years (which bounds the onset).
* "Other known conditions excluded" is the ``infection_excluded`` finding.
* Missing exclusion data (psoriasis, family history, HLA-B27 in a male with
  onset after 6, RF not tested twice) leave the result indeterminate, as the
  specification requires.
"""

from remit.core.record import Sex
from remit.rules import ast
from remit.rules import builders as b

WHOLE_RECORD: int | None = None  # days_before=None: at any time up to the index date

_AGE_AT_ONSET = ast.Age("age_at_onset", "Age at sJIA onset", condition="sjia")
_AGE_NOW = ast.Age("age_now", "Age at the index date")

_ONSET_BEFORE_16 = b.any_of(
    "onset_before_16",
    "Onset before the 16th birthday",
    b.compare("onset_before_16.at_onset", _AGE_AT_ONSET, "<", 16, "a", label="Age at sJIA onset < 16 years"),
    b.compare("onset_before_16.now", _AGE_NOW, "<", 16, "a", label="Age at the index date < 16 years"),
)

_ARTHRITIS = b.compare(
    "arthritis_6_weeks",
    ast.RunLength("arthritis_6_weeks.run", "Longest recorded run of arthritis", "arthritis", b.window(WHOLE_RECORD)),
    ">=",
    6,
    "wk",
    label="Arthritis in ≥ 1 joint persisting ≥ 6 weeks",
)

_FEVER_2_WEEKS = b.compare(
    "fever_2_weeks",
    ast.RunLength("fever_2_weeks.run", "Longest recorded run of fever", "fever", b.window(WHOLE_RECORD)),
    ">=",
    2,
    "wk",
    label="Fever of ≥ 2 weeks' duration",
)

_QUOTIDIAN = b.finding(
    "fever_quotidian",
    "fever",
    days=WHOLE_RECORD,
    label="Fever documented to be daily (quotidian) for ≥ 3 days",
    attributes=(ast.AttributeTest("pattern", "==", "quotidian"),),
)

_FEATURES = b.any_of(
    "features",
    "Accompanied by ≥ 1 of rash, generalised lymphadenopathy, hepato/splenomegaly, serositis",
    b.finding("features.rash", "evanescent_rash", days=WHOLE_RECORD),
    b.finding("features.lymphadenopathy", "generalised_lymphadenopathy", days=WHOLE_RECORD),
    b.finding("features.hepatomegaly", "hepatomegaly", days=WHOLE_RECORD),
    b.finding("features.splenomegaly", "splenomegaly", days=WHOLE_RECORD),
    b.finding("features.serositis", "serositis", days=WHOLE_RECORD),
)

_OTHER_CONDITIONS_EXCLUDED = b.finding(
    "other_conditions_excluded",
    "infection_excluded",
    days=WHOLE_RECORD,
    label="Other known conditions (infection, malignancy, ...) excluded",
)

_EXCLUSION_A = b.any_of(
    "exclusion_a",
    "(a) Psoriasis in the patient or a first-degree relative",
    b.finding("exclusion_a.patient", "psoriasis", days=WHOLE_RECORD, label="Psoriasis, or a history of it (patient)"),
    b.finding("exclusion_a.relative", "family_history_psoriasis", days=WHOLE_RECORD),
)

_EXCLUSION_B = b.all_of(
    "exclusion_b",
    "(b) Arthritis in an HLA-B27-positive male beginning after the 6th birthday",
    ast.IsSex("exclusion_b.male", "Male", Sex.MALE),
    ast.HasResult("exclusion_b.hla_b27", "HLA-B27 positive", "hla_b27", ("positive",), b.window(WHOLE_RECORD)),
    b.all_of(
        "exclusion_b.after_6",
        "Onset after the 6th birthday",
        b.compare("exclusion_b.after_6.now", _AGE_NOW, ">", 6, "a", label="Age at the index date > 6 years"),
        b.compare("exclusion_b.after_6.at_onset", _AGE_AT_ONSET, ">", 6, "a", label="Age at sJIA onset > 6 years"),
    ),
)

_EXCLUSION_C = b.finding(
    "exclusion_c",
    "hla_b27_associated_disease",
    days=WHOLE_RECORD,
    label="(c) HLA-B27-associated disease in the patient or a first-degree relative",
)

_EXCLUSION_D = ast.HasResult(
    "exclusion_d",
    "(d) IgM rheumatoid factor positive on ≥ 2 occasions ≥ 3 months (90 days) apart",
    "rheumatoid_factor",
    ("positive",),
    b.window(WHOLE_RECORD),
    min_count=2,
    min_span_days=90,
)

CRITERION = ast.Criterion(
    id="ilar_sjia_2001",
    version="1.0.0",
    title="ILAR classification of systemic JIA (Edmonton 2001)",
    kind=ast.Kind.CLASSIFICATION,
    citation=ast.Citation(
        "Petty RE, Southwood TR, Manners P, et al. International League of Associations for Rheumatology "
        "classification of juvenile idiopathic arthritis: second revision, Edmonton, 2001. "
        "J Rheumatol 2004;31(2):390-392",
        doi=None,
        pmid="14760812",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    status_meaning="classified as ILAR systemic arthritis",
    description=__doc__ or "",
    caveats=(
        "This journal issue has no DOI; PMID 14760812 is unverified (criteria.md §1).",
        'Items and exclusions a-d are verified; the exact 2004 wording of exclusion c ("Reiter\'s syndrome") '
        "and the provenance of the glossary definitions (quotidian fever, arthritis, serositis) are unverified. "
        "Exclusion c is read from the finding `hla_b27_associated_disease`, which covers the patient and "
        "first-degree relatives.",
        'Exclusion d [CONFLICT]: the glossary limits RF to "the first 6 months of disease"; exclusion d as '
        'usually quoted has no window. remit applies "≥ 2 positive results ≥ 3 months apart" at any time, '
        "with 3 months approximated as 90 days between the first and last positive result.",
        "Look-back window (remit's choice): the whole record up to the index date for every item.",
        "Arthritis ≥ 6 weeks (42 days) and fever ≥ 2 weeks (14 days) are the longest recorded runs of the "
        "findings, counted inclusively from the first to the last day; record them with start and end dates.",
        '"Documented quotidian for ≥ 3 days" is a fever finding recorded with pattern = quotidian; remit does '
        'not count the days of that pattern. The order "with or preceded by fever" is not checked.',
        "Onset before the 16th birthday and exclusion b use the onset of the recorded sJIA diagnosis as the "
        "arthritis onset (age at the index date bounds it); an arthritis that began later than the recorded "
        "disease onset is not distinguished.",
        '"Other known conditions excluded" (including infection) is the `infection_excluded` finding; '
        "if it is not recorded the result is indeterminate.",
        "Missing exclusion data (psoriasis or family history not recorded, HLA-B27 untested in a male with onset "
        "after 6, RF not tested twice) give INDETERMINATE, as criteria.md §1 requires.",
    ),
    rule=b.all_of(
        "rule",
        "ILAR systemic arthritis: inclusion criteria met and exclusions a-d absent",
        _ONSET_BEFORE_16,
        _ARTHRITIS,
        _FEVER_2_WEEKS,
        _QUOTIDIAN,
        _FEATURES,
        _OTHER_CONDITIONS_EXCLUDED,
        b.not_(
            "no_exclusion",
            "None of exclusions a-d",
            b.any_of("exclusions", "Any of exclusions a-d", _EXCLUSION_A, _EXCLUSION_B, _EXCLUSION_C, _EXCLUSION_D),
        ),
    ),
)
