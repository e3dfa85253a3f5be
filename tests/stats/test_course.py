"""Course figures of the two boys of the 2004 report (seed paper 001) show the paper's treatments."""

from __future__ import annotations

import pytest

from remit.core.record import PatientRecord
from remit.stats.course import CoursePlot
from remit.stats.figures import svg

# The treatments each boy received, as the paper lists them (antibiotics are not recorded as courses).
BOY_1 = {
    "ibuprofen",
    "methylprednisolone",
    "infliximab",
    "prednisone",
    "methotrexate",
    "etoposide",
    "ciclosporin",
    "dexamethasone",
    "anakinra",
}
BOY_2 = {
    "ivig",
    "methylprednisolone",
    "prednisone",
    "methotrexate",
    "cyclophosphamide",
    "etanercept",
    "infliximab",
    "anakinra",
}


@pytest.mark.parametrize(
    ("stem", "drugs"), [("001_sojra_boy_1", BOY_1), ("001_sojra_boy_2", BOY_2)], ids=["boy-1", "boy-2"]
)
def test_the_course_figure_has_a_lane_for_every_treatment_of_the_paper(
    seeds: dict[str, PatientRecord], stem: str, drugs: set[str]
) -> None:
    plot = CoursePlot().fit(seeds[stem])
    assert set(plot.drugs) == drugs
    assert plot.drugs[-1] == "anakinra"  # the last treatment started, at day 0
    anakinra = plot.treatments_[plot.treatments_["drug"] == "anakinra"]
    assert anakinra["start_day"].tolist() == [0]
    axes = plot.plot()
    lane = axes[-1]
    assert [t.get_text() for t in lane.get_yticklabels()] == list(reversed(plot.drugs))
    text = svg(axes[0].figure)
    for drug in drugs:
        assert drug in text


def test_boy_1_doses_are_labelled_as_printed(seeds: dict[str, PatientRecord]) -> None:
    plot = CoursePlot().fit(seeds["001_sojra_boy_1"])
    doses = dict(
        zip(
            plot.treatments_["drug"] + "@" + plot.treatments_["start_day"].astype(str),
            plot.treatments_["doses"],
            strict=True,
        )
    )
    assert doses["anakinra@0"] == "100 mg daily"  # "Anakinra (100 mg subcutaneously daily, 67th day of illness)"
    assert "1 g daily ×3" in doses.values()  # pulse methylprednisolone 1 g daily for 3 days
    assert "40 mg daily → 60 mg daily" in doses.values()  # prednisone 40 mg, increased to 60 mg
    labels = {a.get_text() for a in plot.plot()[-1].texts}
    assert "100 mg daily" in labels


def test_boy_1_labs_are_drawn_on_the_shared_day_axis(seeds: dict[str, PatientRecord]) -> None:
    plot = CoursePlot().fit(seeds["001_sojra_boy_1"])
    series = plot.series_
    assert {"haemoglobin", "wbc", "platelets", "esr", "crp", "ferritin"} <= set(series["analyte"])
    # Patient 1 starts anakinra on day 67 of illness: the admission labs are 66 days before day 0
    first_crp = series[series["analyte"] == "crp"].sort_values("day").iloc[0]
    assert first_crp["day"] == -66
    assert first_crp["value"] == pytest.approx(360)  # CRP 36 mg/dl = 360 mg/L
    axes = plot.plot()
    assert len(axes) == 3
    assert all(ax.get_shared_x_axes().joined(axes[0], ax) for ax in axes)


def test_the_svg_is_the_same_for_the_same_record(seeds: dict[str, PatientRecord]) -> None:
    first = svg(CoursePlot().fit(seeds["001_sojra_boy_2"]).plot()[0].figure)
    second = svg(CoursePlot().fit(seeds["001_sojra_boy_2"]).plot()[0].figure)
    assert first == second
    assert "<dc:date>" not in first
