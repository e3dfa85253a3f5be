"""2015 ESC definitions of pericarditis, applied to classify recurrent
pericarditis (criteria.md §12).

* **Acute pericarditis**: an inflammatory pericardial syndrome with at least 2
  of 4: pericarditic chest pain; pericardial rub; new widespread ST elevation
  or PR depression on the ECG; new or worsening pericardial effusion.
  Supporting findings (not required): raised CRP, ESR or WBC; pericardial
  inflammation on CT or CMR.
* **Recurrent pericarditis** (the rule here): recurrence after a documented
  first episode of acute pericarditis and a symptom-free interval of 4-6
  weeks or longer; usually within 18-24 months, with no established upper
  limit.
* **Incessant** pericarditis lasts > 4-6 weeks but < 3 months without
  remission; **chronic** pericarditis lasts > 3 months. Neither is a
  recurrence: a single long episode has no symptom-free interval, so it is
  not recurrent here. They are not evaluated separately.

How remit reads the record:

* Episodes of kind ``pericarditis`` carry the features ``chest_pain``
  (pericarditic chest pain), ``pericardial_rub``, ``ecg_pericarditis`` and
  ``pericardial_effusion``; an episode with at least 2 of them is an episode
  of acute pericarditis.
* A recurrence is an acute episode that follows an earlier acute episode on
  record and starts at least the symptom-free interval after the end of
  every earlier pericarditis episode of any kind (any episode ends a
  symptom-free interval). The interval is configurable (``build(symptom_free_weeks=...)``);
  the default is 4 weeks. A recurrence with an interval of at least 4 but
  less than 6 weeks is shown as such in the explanation (the ESC range).
* Look-back window: the whole record up to the index date. The count of
  recurrences is exact only when the data coverage starts at birth;
  otherwise a record without a recurrence is indeterminate.
"""

from remit.core.record import EpisodeKind
from remit.rules import ast
from remit.rules import builders as b

WHOLE_RECORD: int | None = None  # days_before=None: at any time up to the index date
_HISTORY = b.window(WHOLE_RECORD)

DEFAULT_SYMPTOM_FREE_WEEKS = 4
ESC_RANGE_WEEKS = (4, 6)
ACUTE_FEATURES = ("chest_pain", "pericardial_rub", "ecg_pericarditis", "pericardial_effusion")
ACUTE_MIN_FEATURES = 2


def _recurrences(node_id: str, weeks: int, label: str) -> ast.Compare:
    count = ast.CountEpisodes(
        f"{node_id}.count",
        f"Recurrences of acute pericarditis after ≥ {weeks} symptom-free weeks",
        EpisodeKind.PERICARDITIS,
        _HISTORY,
        features_any=ACUTE_FEATURES,
        features_min=ACUTE_MIN_FEATURES,
        recurrence_gap_days=weeks * 7,
    )
    return b.compare(node_id, count, ">=", 1, "1", label=label)


def build(symptom_free_weeks: int = DEFAULT_SYMPTOM_FREE_WEEKS) -> ast.Criterion:
    """The definition with the chosen minimum symptom-free interval (4-6 weeks in the ESC text)."""
    low, high = ESC_RANGE_WEEKS
    chosen = _recurrences(
        "recurrence.chosen",
        symptom_free_weeks,
        f"Recurrence after a symptom-free interval ≥ {symptom_free_weeks} weeks (the interval used)",
    )
    recurrence: ast.TruthNode = chosen
    if symptom_free_weeks < high:
        recurrence = b.any_of(
            "recurrence",
            "Recurrence of acute pericarditis after a symptom-free interval",
            _recurrences(
                "recurrence.esc_upper",
                high,
                f"Recurrence after a symptom-free interval ≥ {high} weeks (upper end of the ESC range; when only "
                f"the {symptom_free_weeks}-week test is met, the interval lies in the disputed range)",
            ),
            chosen,
        )
    acute = ast.CountEpisodes(
        "first_episode.count",
        "Episodes of acute pericarditis (≥ 2 of 4 features)",
        EpisodeKind.PERICARDITIS,
        _HISTORY,
        features_any=ACUTE_FEATURES,
        features_min=ACUTE_MIN_FEATURES,
    )
    return ast.Criterion(
        id="esc_2015_pericarditis",
        version="1.0.0",
        title="2015 ESC definition of recurrent pericarditis",
        kind=ast.Kind.DIAGNOSTIC,
        citation=ast.Citation(
            "Adler Y, Charron P, Imazio M, et al. 2015 ESC Guidelines for the diagnosis and management of "
            "pericardial diseases. Eur Heart J 2015;36(42):2921-2964",
            doi="10.1093/eurheartj/ehv318",
        ),
        verification=ast.Verification.VERIFIED,
        applies_to=("recurrent_pericarditis",),
        status_meaning=(
            f"recurrent pericarditis (ESC 2015: documented acute episode, then a recurrence after "
            f"≥ {symptom_free_weeks} symptom-free weeks)"
        ),
        description=__doc__ or "",
        caveats=(
            f'Symptom-free interval: the ESC text gives a range, "≥ 4-6 weeks". remit uses '
            f"≥ {symptom_free_weeks} weeks ({symptom_free_weeks * 7} days, from the end date of the "
            f"latest-ending earlier pericarditis episode to the start date of the recurrence); the value used is "
            f"in this definition's content hash. A recurrence after {low} to < {high} weeks is flagged in the "
            f"explanation (recurrence.esc_upper not met).",
            "Acute pericarditis is read from the features of each pericarditis episode (≥ 2 of 4); chest pain in "
            "a pericarditis episode is taken as pericarditic. Supporting findings (CRP, ESR, WBC, CT/CMR) are "
            "not required and not evaluated. An episode without a recorded end date (or duration) leaves the "
            "symptom-free interval before every later episode unknown.",
            "Incessant (> 4-6 weeks, < 3 months without remission) and chronic (> 3 months) pericarditis are "
            "not evaluated; a single persisting episode is not a recurrence.",
            '"Idiopathic" recurrent pericarditis also needs the exclusion of specific causes, which this '
            "definition does not check.",
            "A 2025 ESC myocarditis and pericarditis guideline exists; whether it changed these definitions is "
            "[UNVERIFIED].",
            "Look-back window (remit's choice): the whole record up to the index date. Recurrences are counted "
            "exactly only when the data coverage starts at birth; otherwise a record without a recurrence is "
            "indeterminate.",
        ),
        rule=b.all_of(
            "rule",
            "Documented first episode of acute pericarditis and a recurrence after a symptom-free interval",
            b.compare("first_episode", acute, ">=", 1, "1", label="A documented episode of acute pericarditis"),
            recurrence,
        ),
    )


CRITERION = build()
