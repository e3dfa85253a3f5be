"""The cohort page: the report tables of :mod:`remit.stats.report` for the
patients of the user's sites (aggregates only, so every role may see them)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from remit.errors import UnknownCodeError
from remit.outcomes import COHORTS, get_cohort
from remit.services.web_records import patients_of
from remit.stats.report import Report, build_report
from remit.web.access import READ, Principal, allow, app_state, db_session, principal
from remit.web.pages import render

router = APIRouter(include_in_schema=False)


@allow(READ)
def cohort_page(
    request: Request,
    session: Annotated[Session, Depends(db_session)],
    user: Annotated[Principal, Depends(principal)],
    cohort: str = "anakinra-2021",
) -> HTMLResponse:
    if cohort not in COHORTS:
        raise UnknownCodeError(f"unknown cohort {cohort!r}; choose one of {', '.join(COHORTS)}", field="cohort")
    state = app_state(request)
    summaries = patients_of(session, user.sites)
    read = [(s.patient_id, *state.records.get(session, s.patient_id, s.version)) for s in summaries]
    records = [record for _, record, _ in read]
    # the versions of the records read (not of the list read before them), so a report is kept
    # under exactly the versions it was built from
    snapshot = tuple(sorted((patient_id, version) for patient_id, _, version in read))
    definition = get_cohort(cohort)

    def build() -> Report:
        return build_report(records, definition, course_figures="none", source="web")

    problem = None
    try:
        report = state.derived.get_or_make(("cohort", cohort, snapshot), build) if records else None
    except Exception as exc:
        report, problem = None, f"the report cannot be built for these patients ({exc})"
    tables: list[dict[str, Any]] = []
    figures: list[str] = []
    members = 0
    if isinstance(report, Report):
        members = len(report.analysis.selection.members)
        for stem, title, frame, notes, caveats in report.tables():
            tables.append(
                {
                    "stem": stem,
                    "title": title,
                    "notes": notes,
                    "caveats": caveats,
                    "html": frame.to_html(border=0, classes="data", na_rep="", escape=True),
                }
            )
        if state.web.cohort_figures:
            figures = [
                "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
                for svg in report.figures.values()
            ]
    return render(
        request,
        "cohort.html",
        cohort=cohort,
        cohorts=list(COHORTS),
        definition=definition,
        tables=tables,
        figures=figures,
        members=members,
        patients=len(records),
        problem=problem,
    )


router.add_api_route("/cohort", cohort_page, methods=["GET"], response_class=HTMLResponse)
