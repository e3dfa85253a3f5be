"""Clinical remission on medication (Wallace 2004; criteria.md §8 and §13).

Clinical inactive disease for at least 6 continuous months while on
medication. remit judges inactive disease with the ACR 2011 criteria
(``acr_cid_2011``, the definition criteria.md §13 prefers) at every visit
(encounter) of the period: at the last visit on or before the index date
minus 182 days and at every visit after it, the patient must be in clinical
inactive disease *and* on at least one of :data:`REMISSION_DRUGS`. Any visit
that fails resets the clock. 6 months = 182 days.

Windows inside each visit are those of ``acr_cid_2011`` (findings and clinical
measures on the visit day, ESR/CRP within 7 days); "on medication" means a
course of a listed drug active on the visit day. Medication lists are
complete within the record's data coverage, so no course recorded means not
on medication only when the record covers the day.

:data:`REMISSION_DRUGS` is remit's documented list of anti-arthritis and
anti-uveitis drugs (drug catalogue ids): IL-1, IL-6, TNF and other biologics,
JAK inhibitors, conventional DMARDs and immunosuppressants, systemic and
intra-articular glucocorticoids, and NSAIDs. The same list defines "off all
medication" in ``remission_off_medication``, so the two states are
complementary.
"""

from remit.catalogue.acr_cid_2011 import cid_rule
from remit.rules import ast

ANTI_ARTHRITIS_DRUGS: tuple[str, ...] = (
    # IL-1 blockade
    "anakinra",
    "canakinumab",
    "rilonacept",
    # IL-6 blockade
    "tocilizumab",
    # TNF inhibitors and other biologics
    "etanercept",
    "infliximab",
    "adalimumab",
    "golimumab",
    "abatacept",
    # JAK inhibitors
    "tofacitinib",
    "baricitinib",
    # conventional DMARDs and immunosuppressants
    "methotrexate",
    "leflunomide",
    "sulfasalazine",
    "ciclosporin",
    "cyclophosphamide",
    # glucocorticoids (systemic and intra-articular)
    "prednisolone",
    "prednisone",
    "methylprednisolone",
    "dexamethasone",
    "triamcinolone_hexacetonide",
    # NSAIDs
    "ibuprofen",
    "naproxen",
    "indomethacin",
    "diclofenac",
    "meloxicam",
    "celecoxib",
)
"""Anti-arthritis drugs (remit's list; criteria.md names anakinra and 'biologics' only)."""

ANTI_UVEITIS_DRUGS: tuple[str, ...] = ("mycophenolate_mofetil", "azathioprine")
"""Anti-uveitis drugs not already in :data:`ANTI_ARTHRITIS_DRUGS` (adalimumab, infliximab, methotrexate,
ciclosporin and the glucocorticoids, including eye drops of prednisolone/dexamethasone, are there)."""

REMISSION_DRUGS: tuple[str, ...] = ANTI_ARTHRITIS_DRUGS + ANTI_UVEITIS_DRUGS

SUSTAINED_DAYS = 182

DRUG_CAVEAT = (
    "The medication list is remit's choice (criteria.md names only anakinra and biologics): "
    + ", ".join(REMISSION_DRUGS)
    + ". Courses must use these drug catalogue ids; a drug outside the list is not counted."
)

CRITERION = ast.Criterion(
    id="remission_on_medication",
    version="1.0.0",
    title="Clinical remission on medication (≥ 6 continuous months of clinical inactive disease on medication)",
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
    status_meaning="clinical remission on medication",
    description=__doc__ or "",
    caveats=(
        "The 6-month time rule is from Wallace 2004 [verified]; whether the 2011 paper restates it is "
        "unverified. remit applies it to ACR 2011 inactive disease (acr_cid_2011), as is common use.",
        "Wallace 2004 citation: author list, pages and PMID 15517647 are unverified (criteria.md §8).",
        f"6 months = {SUSTAINED_DAYS} days; inactive disease and medication are judged at every visit "
        "(encounter) of the period, from the last visit on or before its start. Without such a visit the "
        "result is indeterminate.",
        "Visit windows are those of acr_cid_2011 (visit day; ESR/CRP within 7 days); on medication = a course "
        "of a listed drug active on the visit day.",
        DRUG_CAVEAT,
    ),
    rule=ast.Sustained(
        "rule",
        f"Clinical inactive disease on medication at every visit for {SUSTAINED_DAYS} days",
        ast.AllOf(
            "cid_on_medication",
            "Clinical inactive disease (ACR 2011) while on medication",
            (
                cid_rule("cid.", "cid"),
                ast.OnMedication("on_medication", "On an anti-arthritis or anti-uveitis drug", REMISSION_DRUGS),
            ),
        ),
        SUSTAINED_DAYS,
    ),
)
