"""The clinical + genetic arm of the Eurofever/PRINTO 2019 classification
criteria for hereditary recurrent fevers (criteria.md §7c), shared by
``eurofever_fmf_2019``, ``eurofever_caps_2019``, ``eurofever_traps_2019`` and
``eurofever_mkd_2019``. Not an instrument itself.

Each disease: the entry conditions (elevated acute-phase reactants during
flares; confounding diseases excluded) and either a confirmatory genotype with
at least 1 of the disease's clinical items, or a not-confirmatory genotype with
at least 2 of them (MKD: confirmatory only).
"""

from remit.core.record import EpisodeKind, GenotypeClass
from remit.rules import ast
from remit.rules import builders as b

WHOLE_RECORD: int | None = None  # days_before=None: at any time up to the index date
_HISTORY = b.window(WHOLE_RECORD)

CITATION = ast.Citation(
    "Gattorno M, Hofer M, Federici S, et al.; Eurofever Registry and PRINTO. Classification criteria for "
    "autoinflammatory recurrent fevers. Ann Rheum Dis 2019;78(8):1025-1032",
    doi="10.1136/annrheumdis-2019-215048",
    pmid="31018962",
)

DESCRIPTION_READING = """
How remit reads the record:

* Look-back window: the whole record up to the index date, for every item.
* Entry conditions are findings: ``flare_acute_phase_reactants`` (elevated
  ESR, CRP or SAA during flares) and ``hrf_confounders_excluded``; not
  recorded → indeterminate.
* The genotype class (confirmatory / not confirmatory) is read as the
  clinician recorded it for the gene; remit never infers it from the variant.
  An untested gene leaves the result indeterminate (the clinical-only arm is
  not implemented).
* A clinical item is present when recorded as a finding, or as a feature of a
  recorded ``fever_attack`` episode, at any time. It is absent when the
  finding is recorded absent and no episode shows it, or when the record's
  data coverage starts at birth (a complete history) and neither is recorded.
* Episode-duration items are met by at least one recorded ``fever_attack``
  episode of that duration (``duration_hours``, or whole-day dates as
  [(days − 1) × 24, days × 24] h).
"""

CAVEATS = (
    'Genotype classes [UNVERIFIED definitions]: the Table 2 footnotes defining "confirmatory" and "not '
    'confirmatory" genotypes could not be read. As recalled: confirmatory = pathogenic or likely pathogenic '
    "variant(s), heterozygous for NLRP3 and TNFRSF1A, biallelic (homozygous or compound heterozygous) for "
    "MEFV and MVK; not confirmatory = variants of uncertain significance, and for MEFV a single pathogenic "
    "variant. remit uses the class recorded by the clinician for the gene and never derives it from the "
    "variant; check the definitions against the paper before recording classes.",
    "Clinical-only arm [UNVERIFIED, not implemented]: the 2019 paper also gives clinical-only criteria for each "
    'hereditary recurrent fever, but the lists (e.g. FMF "≥ 6 of 9", TRAPS "≥ 5 of 7/8") could not be '
    "verified. A patient without a recorded genotype of the gene is indeterminate here, never classified or "
    "excluded by clinical items alone.",
    "Entry conditions [V, partial]: elevated acute-phase reactants (ESR, CRP or SAA) during flares and careful "
    "exclusion of confounding diseases (neoplasms, infections, autoimmune conditions, other inborn errors of "
    "immunity); the rest of the footnote was truncated in the source. Both are recorded findings "
    "(flare_acute_phase_reactants, hrf_confounders_excluded); not recorded → indeterminate.",
    "Clinical items relate to the typical fever episodes in the paper; a finding recorded for the patient is "
    "assumed to describe them. An item is not met only when the finding is recorded absent and no recorded "
    "episode shows it, or when the data coverage starts at birth (a complete history); otherwise unknown.",
    'Episode-duration items are read as "at least one recorded fever episode of that duration"; the paper '
    "describes the patient's typical episode duration, so review patients whose episode durations vary.",
    "Classification criteria for research; the diagnosis remains the attending physician's. Look-back "
    "window (remit's choice): the whole record up to the index date.",
)


def entry_conditions() -> ast.AllOf:
    return b.all_of(
        "entry",
        "Entry conditions: elevated acute-phase reactants during flares and confounders excluded",
        b.finding("entry.acute_phase", "flare_acute_phase_reactants", days=WHOLE_RECORD),
        b.finding("entry.confounders_excluded", "hrf_confounders_excluded", days=WHOLE_RECORD),
    )


def manifestation(node_id: str, kind: str, label: str | None = None) -> ast.AnyOf:
    """A clinical item: recorded as a finding, or as a feature of a fever episode, at any time."""
    text = label or kind.replace("_", " ").capitalize()
    count = ast.CountEpisodes(
        f"{node_id}.episodes.count",
        f"Fever episodes with {text.lower()}",
        EpisodeKind.FEVER_ATTACK,
        _HISTORY,
        features_any=(kind,),
    )
    return b.any_of(
        node_id,
        text,
        b.finding(f"{node_id}.finding", kind, days=WHOLE_RECORD, absent=ast.Absent.FALSE_IF_COVERED),
        b.compare(f"{node_id}.episodes", count, ">=", 1, "1", label=f"A recorded fever episode with {text.lower()}"),
    )


def family_item(node_id: str) -> ast.HasFinding:
    """Relatives affected: recorded from the family history (absent only if recorded absent)."""
    return b.finding(node_id, "relatives_affected", days=WHOLE_RECORD)


def episode_duration(
    node_id: str, label: str, *, min_hours: float | None = None, max_hours: float | None = None
) -> ast.Compare:
    count = ast.CountEpisodes(
        f"{node_id}.count",
        f"Fever episodes lasting {label}",
        EpisodeKind.FEVER_ATTACK,
        _HISTORY,
        min_hours=min_hours,
        max_hours=max_hours,
    )
    return b.compare(node_id, count, ">=", 1, "1", label=f"Episode duration {label}")


def genetic_rule(gene: str, items: tuple[ast.TruthNode, ...], *, not_confirmatory_arm: bool = True) -> ast.AllOf:
    """Entry conditions and (confirmatory genotype + ≥ 1 item, or not-confirmatory genotype + ≥ 2 items)."""
    confirmatory = b.all_of(
        "confirmatory",
        f"Confirmatory {gene} genotype and at least 1 clinical item",
        ast.HasGenotype("confirmatory.genotype", f"Confirmatory {gene} genotype", gene, (GenotypeClass.CONFIRMATORY,)),
        b.at_least("confirmatory.items", "At least 1 clinical item", 1, *items),
    )
    arms: list[ast.TruthNode] = [confirmatory]
    if not_confirmatory_arm:
        arms.append(
            b.all_of(
                "not_confirmatory",
                f"Not-confirmatory {gene} genotype and at least 2 clinical items",
                ast.HasGenotype(
                    "not_confirmatory.genotype",
                    f"Not-confirmatory {gene} genotype",
                    gene,
                    (GenotypeClass.NOT_CONFIRMATORY,),
                ),
                b.at_least("not_confirmatory.items", "At least 2 clinical items", 2, *items),
            )
        )
    return b.all_of(
        "rule",
        "Entry conditions and the clinical + genetic criteria",
        entry_conditions(),
        b.any_of("genetic", "Genotype with enough clinical items", *arms),
    )
