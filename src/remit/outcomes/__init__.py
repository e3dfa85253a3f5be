"""Cohort definitions and the derivation of outcomes from raw records.

:mod:`remit.outcomes.cohort` defines a cohort (index event, inclusion rules,
diagnosis groups) and selects its members with an attrition table;
:mod:`remit.outcomes.derive` derives each member's outcomes at the time points
through the criteria engine; :mod:`remit.outcomes.definitions` holds the
outcome definitions the catalogue does not have. The rules are documented in
``docs/outcomes.md``.
"""

from remit.outcomes.cohort import (
    COHORTS,
    AttritionStep,
    Cohort,
    CohortSelection,
    Member,
    get_cohort,
)
from remit.outcomes.derive import (
    GroupRule,
    OutcomeParameters,
    PatientOutcomes,
    Remission,
    Response,
    Switch,
    TimepointOutcome,
    derive,
    derive_all,
)
from remit.outcomes.explain import Derived, Explanation, InstrumentUse

__all__ = [
    "COHORTS",
    "AttritionStep",
    "Cohort",
    "CohortSelection",
    "Derived",
    "Explanation",
    "GroupRule",
    "InstrumentUse",
    "Member",
    "OutcomeParameters",
    "PatientOutcomes",
    "Remission",
    "Response",
    "Switch",
    "TimepointOutcome",
    "derive",
    "derive_all",
    "get_cohort",
]
