"""Clinical finding kinds: what a clinician records as present or absent.

Findings are presence/absence facts with a date range and, where the kind has
one, a measured value (hepatomegaly in cm below the costal margin, the maximum
temperature of a fever). Numbers that are scores or counts (joint counts,
global assessments, morning stiffness) are observations, see
:mod:`remit.core.analytes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from remit.errors import UnknownCodeError


@dataclass(frozen=True, slots=True)
class FindingKind:
    id: str
    name: str
    value_analyte: str | None = None  # the analyte of Finding.value, if the kind carries one
    attributes: tuple[str, ...] = ()  # allowed attribute names
    description: str = ""


_KINDS = (
    FindingKind(
        "fever",
        "Fever",
        "temperature",
        ("pattern", "site"),
        "pattern: quotidian | intermittent | persistent | recurrent; site: axillary | rectal | oral | tympanic",
    ),
    FindingKind("evanescent_rash", "Evanescent (non-fixed) erythematous rash"),
    FindingKind("urticarial_rash", "Urticarial rash"),
    FindingKind("migratory_rash", "Migratory rash"),
    FindingKind("petechial_rash", "Petechial rash"),
    FindingKind("arthritis", "Arthritis", None, ("joints",), "joints: comma-separated joint names"),
    FindingKind("arthralgia", "Arthralgia"),
    FindingKind("myalgia", "Myalgia"),
    FindingKind("serositis", "Serositis", None, ("site",), "site: pericarditis | pleuritis | peritonitis"),
    FindingKind("hepatomegaly", "Hepatomegaly", "liver_below_costal_margin"),
    FindingKind("splenomegaly", "Splenomegaly", "spleen_below_costal_margin"),
    FindingKind("generalised_lymphadenopathy", "Generalised lymph-node enlargement"),
    FindingKind("cervical_lymphadenitis", "Cervical lymphadenitis"),
    FindingKind("uveitis", "Active uveitis"),
    FindingKind(
        "cns_dysfunction",
        "CNS dysfunction",
        None,
        ("features",),
        "features: headache, seizures, coma, irritability, lethargy",
    ),
    FindingKind(
        "haemorrhage",
        "Haemorrhagic manifestations",
        None,
        ("features",),
        "features: mucosal bleeding, bruising, purpura",
    ),
    FindingKind(
        "haemophagocytosis", "Haemophagocytosis", None, ("site",), "site: bone marrow | spleen | lymph node | liver"
    ),
    FindingKind("immunosuppression", "Known underlying immunosuppression (HScore)"),
    FindingKind("abdominal_pain", "Abdominal pain"),
    FindingKind("chest_pain", "Chest pain"),
    FindingKind("pericardial_rub", "Pericardial friction rub"),
    FindingKind("pericardial_effusion", "Pericardial effusion (new or worsening)"),
    FindingKind("ecg_pericarditis", "New widespread ST elevation or PR depression"),
    FindingKind("aphthous_stomatitis", "Aphthous stomatitis"),
    FindingKind("red_eye", "Red eye (conjunctivitis, episcleritis, uveitis)"),
    FindingKind("neurosensorial_hearing_loss", "Neurosensorial hearing loss"),
    FindingKind("periorbital_oedema", "Periorbital oedema"),
    FindingKind("gastrointestinal_symptoms", "Gastrointestinal symptoms"),
    FindingKind("exertional_leg_pain", "Exertional leg pain"),
    FindingKind("colchicine_response", "Favourable response to colchicine"),
    FindingKind("psoriasis", "Psoriasis (patient)"),
    FindingKind("family_history_psoriasis", "Psoriasis in a first-degree relative"),
    FindingKind(
        "hla_b27_associated_disease",
        "ERA, AS, sacroiliitis with IBD, reactive arthritis or acute anterior uveitis "
        "(patient or first-degree relative)",
    ),
    FindingKind("family_history_fmf", "Family history of FMF"),
    FindingKind("relatives_affected", "Relatives affected by the same disease"),
    FindingKind("infection_excluded", "Infection, malignancy, autoimmune and monogenic disease excluded"),
    FindingKind("morning_stiffness", "Morning stiffness"),
    # Tel-Hashomer / Livneh 1997 supportive criteria (FMF), recorded from the history.
    FindingKind(
        "fmf_ethnic_origin",
        "Ethnic origin with a high prevalence of FMF",
        None,
        ("region",),
        "present: the clinician judges the origin appropriate for FMF (e.g. Turkish, Armenian, Arab, "
        "non-Ashkenazi Jewish); region: eastern_mediterranean | north_mediterranean | other",
    ),
    FindingKind("attacks_bed_rest", "Attacks severe enough to require bed rest"),
    FindingKind("attacks_spontaneous_remission", "Attacks remit spontaneously"),
    FindingKind("symptom_free_intervals", "Symptom-free intervals between attacks"),
    FindingKind(
        "attack_inflammatory_response",
        "Transient inflammatory response during attacks",
        description="at least one abnormal test during attacks: WBC, ESR, serum amyloid A or fibrinogen",
    ),
    FindingKind("episodic_proteinuria_haematuria", "Episodic proteinuria or haematuria"),
    FindingKind("unproductive_laparotomy", "Unproductive laparotomy or removal of a 'white' appendix"),
    FindingKind("parental_consanguinity", "Consanguinity of the parents"),
    # Eurofever/PRINTO 2019 entry conditions (hereditary recurrent fevers).
    FindingKind("flare_acute_phase_reactants", "Elevated acute-phase reactants (ESR, CRP or SAA) during flares"),
    FindingKind(
        "hrf_confounders_excluded",
        "Confounding diseases excluded",
        description="neoplasms, infections, autoimmune conditions and other inborn errors of immunity "
        "excluded (Eurofever/PRINTO 2019 entry condition)",
    ),
    FindingKind(
        "acute_phase_rise_not_jia",
        "Raised ESR/CRP attributed to a cause other than JIA",
        None,
        (),
        "present: the clinician attributes a raised ESR or CRP to another cause (intercurrent infection "
        "...); absent: attributed to JIA (ACR 2011 clinical inactive disease)",
    ),
)

FINDING_KINDS: Mapping[str, FindingKind] = MappingProxyType({k.id: k for k in _KINDS})


def finding_kind(kind_id: str) -> FindingKind:
    try:
        return FINDING_KINDS[kind_id]
    except KeyError:
        raise UnknownCodeError(
            f"unknown finding {kind_id!r}; known: {', '.join(sorted(FINDING_KINDS))}", field="kind"
        ) from None
