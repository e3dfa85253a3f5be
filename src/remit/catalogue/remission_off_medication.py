"""Clinical remission off medication (Wallace 2004; criteria.md §8 and §13).

Clinical inactive disease for at least 12 continuous months off all
anti-arthritis and anti-uveitis medication. The clock starts at the last
dose (criteria.md §8): remit requires

* no course of any drug in ``REMISSION_DRUGS`` (see
  ``remission_on_medication``) active in the 364 days before the index date
  or on it — i.e. the last dose (the course stop date) is at least 365 days
  before the index date; and
* clinical inactive disease (ACR 2011, ``acr_cid_2011``) at every visit
  (encounter) of those 12 months: at the last visit on or before the index
  date minus 365 days and at every visit after it. Any visit that fails
  resets the clock.

12 months = 365 days. The medication check relies on the medication list
being complete within the record's data coverage: an uncovered stretch makes
the result indeterminate, never "not met".
"""

from remit.catalogue.acr_cid_2011 import cid_rule
from remit.catalogue.remission_on_medication import DRUG_CAVEAT, REMISSION_DRUGS
from remit.rules import ast

SUSTAINED_DAYS = 365

CRITERION = ast.Criterion(
    id="remission_off_medication",
    version="1.0.0",
    title="Clinical remission off medication (≥ 12 continuous months of clinical inactive disease off medication)",
    kind=ast.Kind.STATE,
    citation=ast.Citation(
        "Wallace CA, Ruperto N, Giannini E; CARRA, PRINTO, PRCSG. Preliminary criteria for clinical remission "
        "for select categories of juvenile idiopathic arthritis. J Rheumatol 2004;31(11):2290-2294; inactive "
        "disease judged with Wallace CA, Giannini EH, Huang B, Itert L, Ruperto N. American College of "
        "Rheumatology provisional criteria for defining clinical inactive disease in select categories of "
        "juvenile idiopathic arthritis. Arthritis Care Res 2011;63(7):929-936 (doi:10.1002/acr.20497)",
        pmid="15517647",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    status_meaning="clinical remission off medication",
    description=__doc__ or "",
    caveats=(
        "The 12-month time rule is from Wallace 2004 [verified]; whether the 2011 paper restates it is "
        "unverified. remit applies it to ACR 2011 inactive disease (acr_cid_2011), as is common use.",
        "Wallace 2004 citation: author list, pages and PMID 15517647 are unverified (criteria.md §8).",
        f"12 months = {SUSTAINED_DAYS} days counted from the last dose (the course stop date): no listed drug "
        f"may be active in the {SUSTAINED_DAYS - 1} days before the index date or on it, and inactive disease "
        "must hold at every visit (encounter) from the last visit on or before the index date minus "
        f"{SUSTAINED_DAYS} days.",
        DRUG_CAVEAT,
    ),
    rule=ast.AllOf(
        "rule",
        f"Clinical inactive disease for {SUSTAINED_DAYS} days, off all medication since the last dose",
        (
            ast.Sustained(
                "sustained_cid",
                f"Clinical inactive disease at every visit for {SUSTAINED_DAYS} days",
                cid_rule("cid.", "cid"),
                SUSTAINED_DAYS,
            ),
            ast.Not(
                "off_medication",
                f"No anti-arthritis or anti-uveitis drug for {SUSTAINED_DAYS} days",
                ast.OnMedication(
                    "medication",
                    "Any anti-arthritis or anti-uveitis drug since the clock started",
                    REMISSION_DRUGS,
                    ast.Window(days_before=SUSTAINED_DAYS - 1),
                ),
            ),
        ),
    ),
)
