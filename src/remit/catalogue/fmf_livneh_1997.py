"""Tel-Hashomer criteria for familial Mediterranean fever as revised by Livneh
et al. 1997, long set (criteria.md §7a).

FMF criteria are fulfilled with at least 1 major criterion, or at least 2
minor criteria, or 1 minor criterion plus at least 5 supportive criteria, or
1 minor criterion plus at least 4 of the first 5 supportive criteria.

* Major (typical attacks of): 1. peritonitis (generalised); 2. pleuritis
  (unilateral) or pericarditis; 3. monoarthritis (hip, knee, ankle); 4. fever
  alone. A typical attack is recurrent (at least 3 of the same type), febrile
  (rectal ≥ 38 °C) and short (12 h to 3 days).
* Minor: 1. incomplete attacks involving the abdomen, chest or a joint;
  2. exertional leg pain; 3. favourable response to colchicine. An incomplete
  attack is painful and recurrent but differs from a typical one in 1 or 2
  features: temperature normal or < 38 °C; longer or shorter than typical but
  not < 6 h and not > 1 week; no peritonitis signs in an abdominal attack; a
  localised abdominal attack; arthritis in joints other than hip, knee, ankle.
* Supportive: 1. family history of FMF; 2. appropriate ethnic origin; 3. age
  < 20 years at onset; 4. attacks severe, requiring bed rest; 5. spontaneous
  remission; 6. symptom-free interval; 7. transient inflammatory response with
  at least one abnormal test (WBC, ESR, SAA, fibrinogen); 8. episodic
  proteinuria/haematuria; 9. unproductive laparotomy or removal of a "white"
  appendix; 10. consanguinity of the parents.

The **short set** (not implemented as a separate instrument) has as major
criteria the 4 typical attacks plus incomplete attacks of the abdomen; as minor
criteria incomplete attacks of the chest and/or joints, exertional leg pain and
a favourable response to colchicine; it requires at least 1 major or at least
2 minor criteria. Its items are the nodes of this definition, so a short-set
reading can be taken from the explanation (major.*, minor.incomplete.abdomen,
minor.incomplete.chest, minor.incomplete.joint, minor.leg_pain,
minor.colchicine).

How remit reads the record:

* Look-back window: the whole record up to the index date, for every item.
* Attacks are ``fever_attack`` episodes (afebrile, incomplete attacks too),
  with ``features`` (``abdominal_pain``, ``chest_pain``, ``arthritis``),
  ``duration_hours`` (or whole-day dates) and attributes
  ``max_temperature_c``, ``temperature_site``, ``peritonitis``
  (generalised | localised | none) and ``joint`` (hip | knee | ankle | other).
* Typical attacks of a type: at least 3 episodes lasting 12-72 h with a
  maximum temperature ≥ 38 °C: peritonitis = abdominal pain with generalised
  peritonitis; pleuritis or pericarditis = chest pain; monoarthritis =
  arthritis of the hip, knee or ankle; fever alone = none of abdominal pain,
  chest pain or arthritis.
* Incomplete attacks: at least 2 episodes at the same site (abdomen, chest,
  joint) lasting 6 h to 1 week, at any temperature.
* Supportive items are findings recorded from the history; age at onset is the
  age at the recorded onset of the ``fmf`` diagnosis.
* Episode counts are exact only when the record's data coverage starts at
  birth (a complete history); otherwise they are lower bounds, so too few
  attacks leave the result indeterminate rather than not met.
"""

from remit.core.record import EpisodeKind
from remit.rules import ast
from remit.rules import builders as b

WHOLE_RECORD: int | None = None  # days_before=None: at any time up to the index date
_HISTORY = b.window(WHOLE_RECORD)

TYPICAL_MIN_HOURS = 12
TYPICAL_MAX_HOURS = 72  # 3 days
TYPICAL_RECURRENCES = 3  # "recurrent (≥ 3 of the same type)"
INCOMPLETE_MIN_HOURS = 6
INCOMPLETE_MAX_HOURS = 168  # 1 week
INCOMPLETE_RECURRENCES = 2  # "recurrent": the worked example counts two attacks

_FEBRILE = ast.AttributeTest("max_temperature_c", ">=", 38.0)


def _typical(
    node_id: str,
    label: str,
    *,
    features_any: tuple[str, ...] = (),
    features_none: tuple[str, ...] = (),
    attributes: tuple[ast.AttributeTest, ...] = (),
) -> ast.Compare:
    count = ast.CountEpisodes(
        f"{node_id}.count",
        f"Typical attacks of {label} (12 h-3 days, ≥ 38 °C)",
        EpisodeKind.FEVER_ATTACK,
        _HISTORY,
        features_any=features_any,
        min_hours=TYPICAL_MIN_HOURS,
        max_hours=TYPICAL_MAX_HOURS,
        attributes=(_FEBRILE, *attributes),
        features_none=features_none,
    )
    return b.compare(
        node_id, count, ">=", TYPICAL_RECURRENCES, "1", label=f"Typical attacks of {label} (≥ {TYPICAL_RECURRENCES})"
    )


def _incomplete(node_id: str, site: str, feature: str) -> ast.Compare:
    count = ast.CountEpisodes(
        f"{node_id}.count",
        f"Painful attacks involving the {site} lasting 6 h-1 week, any temperature",
        EpisodeKind.FEVER_ATTACK,
        _HISTORY,
        features_any=(feature,),
        min_hours=INCOMPLETE_MIN_HOURS,
        max_hours=INCOMPLETE_MAX_HOURS,
    )
    return b.compare(
        node_id,
        count,
        ">=",
        INCOMPLETE_RECURRENCES,
        "1",
        label=f"Recurrent incomplete attacks involving the {site} (≥ {INCOMPLETE_RECURRENCES})",
    )


_MAJOR = b.any_of(
    "major",
    "At least 1 major criterion (typical attacks)",
    _typical(
        "major.peritonitis",
        "peritonitis (generalised)",
        features_any=("abdominal_pain",),
        attributes=(ast.AttributeTest("peritonitis", "==", "generalised"),),
    ),
    _typical("major.pleuritis", "pleuritis or pericarditis", features_any=("chest_pain",)),
    _typical(
        "major.monoarthritis",
        "monoarthritis (hip, knee, ankle)",
        features_any=("arthritis",),
        attributes=(ast.AttributeTest("joint", "in", ("hip", "knee", "ankle")),),
    ),
    _typical("major.fever_alone", "fever alone", features_none=("abdominal_pain", "chest_pain", "arthritis")),
)

_MINOR = (
    b.any_of(
        "minor.incomplete",
        "Incomplete attacks involving the abdomen, chest or a joint",
        _incomplete("minor.incomplete.abdomen", "abdomen", "abdominal_pain"),
        _incomplete("minor.incomplete.chest", "chest", "chest_pain"),
        _incomplete("minor.incomplete.joint", "joint", "arthritis"),
    ),
    b.finding("minor.leg_pain", "exertional_leg_pain", days=WHOLE_RECORD),
    b.finding("minor.colchicine", "colchicine_response", days=WHOLE_RECORD),
)

_SUPPORTIVE = (
    b.finding("supportive.family_history", "family_history_fmf", days=WHOLE_RECORD),
    b.finding("supportive.ethnic_origin", "fmf_ethnic_origin", days=WHOLE_RECORD, label="Appropriate ethnic origin"),
    b.compare(
        "supportive.onset_age",
        ast.Age("supportive.onset_age.value", "Age at onset of FMF", "fmf"),
        "<",
        20,
        "a",
        label="Age < 20 years at onset",
    ),
    b.finding("supportive.bed_rest", "attacks_bed_rest", days=WHOLE_RECORD),
    b.finding("supportive.spontaneous_remission", "attacks_spontaneous_remission", days=WHOLE_RECORD),
    b.finding("supportive.symptom_free_interval", "symptom_free_intervals", days=WHOLE_RECORD),
    b.finding(
        "supportive.inflammatory_response",
        "attack_inflammatory_response",
        days=WHOLE_RECORD,
        label="Transient inflammatory response with ≥ 1 abnormal test (WBC, ESR, SAA, fibrinogen)",
    ),
    b.finding("supportive.proteinuria_haematuria", "episodic_proteinuria_haematuria", days=WHOLE_RECORD),
    b.finding("supportive.laparotomy", "unproductive_laparotomy", days=WHOLE_RECORD),
    b.finding("supportive.consanguinity", "parental_consanguinity", days=WHOLE_RECORD),
)

_ONE_MINOR = b.at_least("one_minor", "At least 1 minor criterion", 1, *_MINOR)

CRITERION = ast.Criterion(
    id="fmf_livneh_1997",
    version="1.0.0",
    title="Tel-Hashomer criteria for familial Mediterranean fever (Livneh 1997, long set)",
    kind=ast.Kind.CLASSIFICATION,
    citation=ast.Citation(
        "Livneh A, Langevitz P, Zemer D, et al. Criteria for the diagnosis of familial Mediterranean fever. "
        "Arthritis Rheum 1997;40(10):1879-1885",
        doi="10.1002/art.1780401023",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("fmf",),
    status_meaning="FMF criteria fulfilled (Livneh 1997 long set)",
    description=__doc__ or "",
    caveats=(
        'Naming [CONFLICT]: "Tel-Hashomer criteria" names two sets, Sohar et al. 1967 and Livneh et al. 1997. '
        "This instrument is the Livneh 1997 long set; the Sohar set is not implemented.",
        "Short set: not implemented as a separate instrument (see the description); its items are nodes of "
        "this definition.",
        "Published as diagnostic criteria; used here for research classification. The diagnosis of FMF remains "
        "the attending physician's.",
        "Temperature: a typical attack needs a rectal temperature ≥ 38 °C. remit compares the recorded maximum "
        "temperature (max_temperature_c) with 38 °C whatever the temperature_site: axillary, oral and tympanic "
        "readings run no higher than rectal ones, so a reading ≥ 38 °C at any site also meets the rectal "
        "threshold. A non-rectal reading < 38 °C is treated as not febrile, which may under-call a typical "
        "attack (it then counts towards the incomplete-attack minor criterion): record the rectal value where "
        "known.",
        "Typical attacks: at least 3 of the same type, each lasting 12 h to 3 days inclusive (duration_hours, "
        "or from whole-day dates [(days − 1) × 24, days × 24] h, which can leave a short attack indeterminate). "
        'Pleuritis is read from chest pain in the attack ("unilateral" is not checked; pericarditis counts). '
        "Peritonitis needs the episode attribute peritonitis = generalised; monoarthritis needs joint = hip, "
        "knee or ankle; a missing attribute makes the attack a possible, not a definite, typical attack. "
        '"Fever alone" is a typical febrile attack without abdominal pain, chest pain or arthritis (other '
        "features such as myalgia or rash are allowed).",
        'Incomplete attacks [interpretation]: "recurrent" is read as at least 2 attacks at the same site '
        "(abdomen, chest, joint), because the worked example counts two 8-hour chest-pain attacks as the "
        "minor criterion. Every painful attack lasting 6 h to 1 week at that site is counted, at any "
        "temperature: attacks with typical features that are too few (< 3) for a major criterion therefore "
        'count here, and the limit "differs in only 1 or 2 features" is not enforced (an abdominal or joint '
        "attack that is afebrile, of atypical duration and localised / outside the large joints is counted "
        "although Livneh would not count it). Attacks shorter than 6 h or longer than 1 week are not counted "
        '([UNVERIFIED] wording: "attacks that fit neither definition are not counted").',
        "Supportive criteria are findings recorded from the history (present, or recorded absent); not recorded "
        "means unknown. Appropriate ethnic origin is the fmf_ethnic_origin finding (the clinician's judgement, "
        "with an optional region attribute), not the free-text patient ethnicity, which no criterion reads. "
        "Attack features (bed rest, spontaneous remission, symptom-free interval, inflammatory response) are "
        "findings about the attacks in general, not derived from individual episodes. Age at onset is the age "
        "at the recorded onset of the fmf diagnosis.",
        "Look-back window (remit's choice): the whole record up to the index date. Episode counts are exact only "
        "when the record's data coverage starts at birth; otherwise they are lower bounds, and a patient with "
        "too few recorded attacks is indeterminate, never not met on that account.",
    ),
    rule=b.any_of(
        "rule",
        "≥ 1 major, or ≥ 2 minor, or 1 minor + ≥ 5 supportive, or 1 minor + ≥ 4 of the first 5 supportive",
        _MAJOR,
        b.at_least("two_minor", "At least 2 minor criteria", 2, *_MINOR),
        b.all_of(
            "minor_and_supportive",
            "1 minor and at least 5 supportive criteria",
            _ONE_MINOR,
            b.at_least("five_supportive", "At least 5 of the 10 supportive criteria", 5, *_SUPPORTIVE),
        ),
        b.all_of(
            "minor_and_first_supportive",
            "1 minor and at least 4 of the first 5 supportive criteria",
            _ONE_MINOR,
            b.at_least("four_first_supportive", "At least 4 of the first 5 supportive criteria", 4, *_SUPPORTIVE[:5]),
        ),
    ),
)
