"""Every URL and code remit writes into FHIR, in one place.

remit's own definitions live under the documented base
``https://remit.invalid/fhir/`` (``.invalid`` is reserved by RFC 2606, so the
URLs can never resolve to someone else's content):

* ``StructureDefinition/<name>`` - extensions, for what FHIR R4 has no element for;
* ``CodeSystem/<name>`` - remit's local codes (findings, episodes, drugs ...);
* ``identifier/<name>`` - identifier systems for remit's own ids.

HL7 codes used (FHIR R4 required or extensible bindings, [V] where checked):
Observation categories ``laboratory``/``vital-signs``/``exam``/``survey``
(standards §B5), Encounter class ``AMB``/``IMP`` (§B5), Condition clinical and
verification status (§B5), ObservationInterpretation ``H``/``L``/``N``/``POS``/
``NEG``, and AdverseEvent outcome ``resolved``/``recovering``/``ongoing``/
``resolvedWithSequelae``/``fatal``/``unknown`` [V: hl7.org/fhir/R4/
codesystem-adverse-event-outcome.html]. Clinical codes (LOINC, ICD-10-CM,
SNOMED, ATC, RxNorm) come from the core tables, which take them from
standards-and-libraries.md §B1-B3.
"""

from __future__ import annotations

from types import MappingProxyType

from remit.core.intervals import Op
from remit.core.measurements import Qualitative
from remit.core.medications import Frequency
from remit.core.record import (
    AdverseEventOutcome,
    DiagnosisStatus,
    EncounterKind,
)

BASE = "https://remit.invalid/fhir"
STRUCTURE = f"{BASE}/StructureDefinition"
CODE_SYSTEM = f"{BASE}/CodeSystem"
IDENTIFIER = f"{BASE}/identifier"


class Ext:
    """Extension URLs. Each is documented in docs/interop.md."""

    VALUE_AS_ENTERED = f"{STRUCTURE}/value-as-entered"  # complex: text (string), unit (string)
    REFERENCE_RANGE_SOURCE = f"{STRUCTURE}/reference-range-source"  # string: laboratory | assumed ...
    TIME_OF_DAY = f"{STRUCTURE}/time-of-day"  # time (local, no zone), on Observation
    OBSERVATION_SOURCE = f"{STRUCTURE}/observation-source"  # string: where the value was read
    ENCOUNTER_MEASURE = f"{STRUCTURE}/encounter-measure"  # code: weight | height, on an Observation
    SCHEDULED_MONTH = f"{STRUCTURE}/scheduled-month"  # integer, on Encounter
    NOTE = f"{STRUCTURE}/note"  # string, where the resource has no note element
    ATTRIBUTE = f"{STRUCTURE}/attribute"  # complex: name (string), value[x]
    GENOTYPE = f"{STRUCTURE}/genotype"  # complex: gene, variant, zygosity, classification
    FOLLOW_UP = f"{STRUCTURE}/follow-up"  # Period, on Patient
    ETHNICITY = f"{STRUCTURE}/ethnicity"  # string, on Patient
    AGE_AT_INDEX = f"{STRUCTURE}/age-at-index"  # Age (years), on Patient, de-identified exports
    COURSE_ROUTE = f"{STRUCTURE}/course-route"  # code, on MedicationStatement
    SWITCHED_TO = f"{STRUCTURE}/switched-to"  # code (remit drug id), on MedicationStatement
    DOSE_FREQUENCY = f"{STRUCTURE}/dose-frequency"  # code, on Dosage
    AE_END = f"{STRUCTURE}/adverse-event-end"  # date, on AdverseEvent
    AE_SERIOUS_CRITERION = f"{STRUCTURE}/serious-criterion"  # code (repeating), on AdverseEvent
    AE_RELATEDNESS = f"{STRUCTURE}/relatedness"  # code, on AdverseEvent


class System:
    """Code and identifier systems."""

    CONDITION = f"{CODE_SYSTEM}/condition"
    FINDING = f"{CODE_SYSTEM}/finding"
    RECORD_KIND = f"{CODE_SYSTEM}/record-kind"  # episode, diary-day
    EPISODE_KIND = f"{CODE_SYSTEM}/episode-kind"
    AIDAI_ITEM = f"{CODE_SYSTEM}/aidai-item"
    QUALITATIVE = f"{CODE_SYSTEM}/qualitative-result"
    ENCOUNTER_KIND = f"{CODE_SYSTEM}/encounter-kind"
    DRUG = f"{CODE_SYSTEM}/drug"
    ROUTE = f"{CODE_SYSTEM}/route"
    STOP_REASON = f"{CODE_SYSTEM}/stop-reason"
    SERIOUSNESS = f"{CODE_SYSTEM}/seriousness"
    RELATEDNESS = f"{CODE_SYSTEM}/relatedness"

    PATIENT_ID = f"{IDENTIFIER}/patient"
    DRUG_ID = f"{IDENTIFIER}/drug"  # a remit drug id, in AdverseEvent.suspectEntity.instance
    ITEM_ID = f"{IDENTIFIER}/item"  # the remit id of a diagnosis, visit, observation ...
    SITE = f"{IDENTIFIER}/site"

    UCUM = "http://unitsofmeasure.org"
    OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
    INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
    CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
    CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
    AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"


RECORD_EPISODE = "episode"
RECORD_DIARY_DAY = "diary-day"
DIARY_PAIN_RELIEF = "pain_relief"  # a diary component code next to the AIDAI items

COMPARATORS = MappingProxyType({Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<="})
COMPARATOR_OPS = MappingProxyType({code: op for op, code in COMPARATORS.items()})

INTERPRETATIONS = MappingProxyType(
    {
        Qualitative.HIGH: ("H", "High"),
        Qualitative.LOW: ("L", "Low"),
        Qualitative.NORMAL: ("N", "Normal"),
        Qualitative.POSITIVE: ("POS", "Positive"),
        Qualitative.NEGATIVE: ("NEG", "Negative"),
    }
)
INTERPRETATION_WORDS = MappingProxyType({code: q.value for q, (code, _) in INTERPRETATIONS.items()})

ENCOUNTER_CLASS = MappingProxyType(
    {
        EncounterKind.BASELINE: ("AMB", "ambulatory"),
        EncounterKind.SCHEDULED: ("AMB", "ambulatory"),
        EncounterKind.UNSCHEDULED: ("AMB", "ambulatory"),
        EncounterKind.ADMISSION: ("IMP", "inpatient encounter"),
    }
)

# DiagnosisStatus -> (clinicalStatus or None, verificationStatus)
DIAGNOSIS_STATUS = MappingProxyType(
    {
        DiagnosisStatus.ACTIVE: ("active", "confirmed"),
        DiagnosisStatus.SUSPECTED: ("active", "provisional"),
        DiagnosisStatus.RESOLVED: ("resolved", "confirmed"),
        DiagnosisStatus.REFUTED: (None, "refuted"),
    }
)

AE_OUTCOMES = MappingProxyType(
    {
        AdverseEventOutcome.RECOVERED: ("resolved", "Resolved"),
        AdverseEventOutcome.RECOVERING: ("recovering", "Recovering"),
        AdverseEventOutcome.NOT_RECOVERED: ("ongoing", "Ongoing"),
        AdverseEventOutcome.RECOVERED_WITH_SEQUELAE: ("resolvedWithSequelae", "Resolved with Sequelae"),
        AdverseEventOutcome.FATAL: ("fatal", "Fatal"),
        AdverseEventOutcome.UNKNOWN: ("unknown", "Unknown"),
    }
)
AE_OUTCOME_CODES = MappingProxyType({code: outcome for outcome, (code, _) in AE_OUTCOMES.items()})

# Frequency -> Timing.repeat (frequency, period, periodUnit); None = no repeat element.
TIMING = MappingProxyType(
    {
        Frequency.ONCE: None,
        Frequency.EVERY_6H: (1, 6, "h"),
        Frequency.EVERY_8H: (1, 8, "h"),
        Frequency.EVERY_12H: (1, 12, "h"),
        Frequency.DAILY: (1, 1, "d"),
        Frequency.EVERY_OTHER_DAY: (1, 2, "d"),
        Frequency.TWICE_WEEKLY: (2, 1, "wk"),
        Frequency.WEEKLY: (1, 1, "wk"),
        Frequency.EVERY_2_WEEKS: (1, 2, "wk"),
        Frequency.EVERY_4_WEEKS: (1, 4, "wk"),
        Frequency.EVERY_8_WEEKS: (1, 8, "wk"),
        Frequency.MONTHLY: (1, 1, "mo"),
        Frequency.CONTINUOUS: None,
    }
)
TIMING_FREQUENCIES = MappingProxyType({timing: f for f, timing in TIMING.items() if timing is not None})
