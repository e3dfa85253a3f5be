"""The patient page's figure: the treatment course of :mod:`remit.stats.course`
(labs on a day axis counted from the first anakinra dose, treatments beneath),
as PNG bytes. Days, not calendar dates, so it suits every role."""

from __future__ import annotations

from remit.core.record import PatientRecord
from remit.stats.course import CoursePlot
from remit.stats.figures import png


def course_png(record: PatientRecord, *, dpi: int = 110) -> bytes:
    """The course figure of ``record``; a record without labs or courses gives an empty frame."""
    axes = CoursePlot().fit(record).plot()
    return png(axes[0].figure, dpi=dpi)
