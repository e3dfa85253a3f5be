"""``remit protocol``: treatment protocols and follow-up schedules from the shell.

``status`` judges one patient (a registry id or a case file) against one
protocol, or every applicable one, as of a date: eligibility with evidence, the
steps on a timeline, the targets with evidence, alerts, and the next step as
what *the protocol says*. It explains; it never decides.

Register with one line: ``protocol.register(app)``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from remit import __version__, protocols
from remit.cli.context import fail, settings
from remit.cli.evaluate import default_as_of, load_target
from remit.core.truth import Truth
from remit.protocols.eligibility import describe_rule
from remit.protocols.model import Protocol, StepKind
from remit.protocols.results import (
    CaptureState,
    EligibilityStatus,
    ProtocolStatus,
    StepStatus,
    TargetState,
    TargetStatus,
)
from remit.rules.interpret import Evidence

app = typer.Typer(
    name="protocol",
    help="Treatment protocols and follow-up schedules as data: where a patient stands against them. "
    "Research software: it explains what a protocol says, it never decides.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="protocol")


FOOTER = "Research use only: remit explains what the protocol says; the treating team decides."

_TRUTH_MARK = {Truth.TRUE: "✔", Truth.FALSE: "✘", Truth.UNKNOWN: "?"}
_TARGET_MARK = {
    TargetState.MET: "✔",
    TargetState.MISSED: "✘",
    TargetState.INDETERMINATE: "?",
    TargetState.NOT_YET_ASSESSABLE: "…",
    TargetState.NOT_APPLICABLE: "-",
}
_CAPTURE_MARK = {
    CaptureState.CAPTURED: "✔",
    CaptureState.PARTIAL: "~",
    CaptureState.MISSING: "✘",
    CaptureState.PENDING: "…",
    CaptureState.NOT_APPLICABLE: "-",
}


@app.command("list")
def list_command() -> None:
    """Every shipped protocol: id, kind, title and source."""
    for protocol in protocols.PROTOCOLS.values():
        applies = ", ".join(protocol.applies_to) or f"any patient on {protocol.start.drug}"
        typer.echo(
            f"{protocol.id}  ({protocol.kind}; applies to {applies})\n  {protocol.title}\n"
            f"  {protocol.citation.describe()}"
        )


@app.command("show")
def show_command(protocol_id: Annotated[str, typer.Argument(help="Protocol id, e.g. mas_anakinra_2009.")]) -> None:
    """The protocol as data: entry criteria, steps, targets, sources and caveats."""
    typer.echo(describe(protocols.get(protocol_id)))


@app.command("status")
def status_command(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A patient id in the registry, or a case file (YAML/JSON).")],
    protocol_id: Annotated[
        str | None,
        typer.Option("--protocol", "-p", help="Protocol id. Default: every protocol that applies to the patient."),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help="The date to judge as of (YYYY-MM-DD). Default: the latest recorded fact."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stable JSON document.")] = False,
) -> None:
    """Where a patient stands against a protocol: eligibility, steps, targets, alerts, next step."""
    record = load_target(target, settings(ctx).database_url)
    if today is None:
        as_of = default_as_of(record)
    else:
        try:
            as_of = date.fromisoformat(today)
        except ValueError:
            fail(f"--today: {today!r} is not a date; expected YYYY-MM-DD")
    chosen = (protocols.get(protocol_id),) if protocol_id else protocols.applicable(record)
    if not chosen:
        fail(
            f"no shipped protocol applies to patient {record.patient.id}; give --protocol "
            f"({', '.join(protocols.PROTOCOL_IDS)})"
        )
    statuses = [protocols.protocol_status(record, p, as_of) for p in chosen]
    if as_json:
        typer.echo(json.dumps(status_document(record.patient.id, as_of, statuses), indent=2, ensure_ascii=False))
        return
    if today is None:
        typer.echo(f"as of {as_of.isoformat()}, the latest recorded fact (use --today to change)")
    if protocol_id is None:
        typer.echo(
            f"protocols that apply to the patient's diagnoses: {', '.join(p.id for p in chosen)} "
            "(use --protocol to pick one)"
        )
    if today is None or protocol_id is None:
        typer.echo("")
    typer.echo("\n\n".join(render(s) for s in statuses))
    typer.echo(f"\n{FOOTER}")


def status_document(patient: str, today: date, statuses: list[ProtocolStatus]) -> dict[str, Any]:
    return {
        "patient": patient,
        "today": today.isoformat(),
        "remit_version": __version__,
        "statuses": [s.to_dict() for s in statuses],
    }


# ---------------------------------------------------------------- text


def render(status: ProtocolStatus) -> str:
    """The status as plain text (stable, pasted into docs/protocols.md)."""
    p = status.protocol
    lines = [f"{p.id} — {p.title}", f"  {p.kind}; {p.citation.describe()}"]
    if status.start is None:
        lines.append(f"  patient {status.patient}; today {status.today}; day 0 ({p.start.label}) not on record")
    else:
        lines.append(
            f"  patient {status.patient}; day 0 = {status.start} ({p.start.label}); "
            f"today {status.today} = day {status.day}"
        )
    lines.extend(_eligibility(status.eligibility))
    lines.append("Steps")
    lines.extend(line for step in status.steps for line in _step(step))
    if status.targets:
        lines.append("Targets")
        lines.extend(line for target in status.targets for line in _target(target))
    if status.alerts:
        lines.append("Alerts")
        lines.extend(f"  [{a.severity.value}] {a.code}: {a.message}" for a in status.alerts)
    lines.append("Next")
    lines.append(f"  {status.next_action}")
    return "\n".join(lines)


def _evidence(items: tuple[Evidence, ...], pad: str, limit: int = 8) -> list[str]:
    shown = [f"{pad}· {e.text}" for e in items[:limit]]
    if len(items) > limit:
        shown.append(f"{pad}· ... and {len(items) - limit} more")
    return shown


def _eligibility(eligibility: EligibilityStatus | None) -> list[str]:
    if eligibility is None:
        return ["Eligibility: no entry criteria (the schedule applies from day 0)"]
    e = eligibility
    lines = [
        f"Eligibility: {e.truth.status.upper().replace('_', ' ')}  ({e.rule}; entry window "
        f"{e.window[0]}..{e.window[1]})"
    ]
    for c in e.criteria:
        lines.append(
            f"  {_TRUTH_MARK[c.truth]} {c.criterion} [{c.verification}]: "
            f"{c.truth.status.replace('_', ' ')}, as of {c.assessed_on} ({c.dates_assessed} date(s) judged)"
        )
        lines.extend(f"      not met: {reason}" for reason in c.not_met)
        lines.extend(_evidence(c.evidence, "      "))
        lines.extend(f"      decisive: {d}" for d in c.decisive_unknowns)
    lines.extend(f"  decisive for eligibility: {d}" for d in e.decisive_unknowns)
    return lines


def _days(step: StepStatus) -> str:
    s = step.step
    if s.kind is StepKind.TREATMENT:
        return f"day {s.day}–{s.until_day}" if s.until_day is not None else f"day {s.day}"
    if s.kind is StepKind.ASSESSMENT:
        return f"day {s.day} ({s.day - s.window_before}..{s.day + s.window_after})"
    return "optional"


def _step(step: StepStatus) -> list[str]:
    s = step.step
    when = ""
    if step.first_day is not None and s.kind is not StepKind.EVENT:
        when = f" {step.first_day}..{step.last_day}"
    if step.on is not None:
        when += f", on {step.on}"
    lines = [
        f"  {_days(step):<22} {s.label}: {step.state.value.replace('_', ' ')}{when}"
        + (f" — {step.note}" if step.note and s.kind is StepKind.EVENT else "")
    ]
    for action in step.actions:
        note = f" ({action.note})" if action.note else ""
        lines.append(f"      {_TRUTH_MARK[action.truth]} {action.text}: recorded {action.truth.status}{note}")
        lines.extend(_evidence(action.evidence, "          "))
    lines.extend(_evidence(step.evidence, "      "))
    for capture in step.captures:
        detail = capture.evidence[0].text if capture.evidence else capture.note
        lines.append(
            f"      {_CAPTURE_MARK[capture.state]} {capture.item.label}: "
            f"{capture.state.value.replace('_', ' ')}" + (f" — {detail}" if detail else "")
        )
    return lines


def _target(target: TargetStatus) -> list[str]:
    t = target.target
    window = f" {target.window[0]}..{target.window[1]}" if target.window else ""
    lines = [
        f"  {_TARGET_MARK[target.state]} {t.label}: {target.state.value.replace('_', ' ')} "
        f"(window day {t.day - t.window_before}..{t.day + t.window_after}{window})",
        f"      basis: {t.source.describe()}",
    ]
    if target.note:
        lines.append(f"      {target.note}")
    for item in target.items:
        status = item.truth.status.replace("_", " ") if item.truth is not None else "not judged"
        shown = f"{item.evidence[0].text}; " if item.evidence and item.judged else ""
        lines.append(f"      {_item_mark(item.truth, item.judged)} {item.label}: {status} — {shown}{item.note}")
    if not target.items:
        lines.extend(_evidence(target.evidence, "      "))
    lines.extend(f"      decisive: {d}" for d in target.decisive_unknowns[:4])
    if target.escalation:
        lines.append(f"      the protocol says: {target.escalation}")
    return lines


def _item_mark(truth: Truth | None, judged: bool) -> str:
    if not judged or truth is None:
        return "-"
    return _TRUTH_MARK[truth]


# ---------------------------------------------------------------- show


def describe(protocol: Protocol) -> str:
    """The protocol as plain text: what it is built from and how sure each part is."""
    p = protocol
    lines = [f"{p.id} {p.version} — {p.title}", f"{p.kind}; {p.citation.describe()}", f"Day 0: {p.start.label}."]
    if p.eligibility is not None:
        e = p.eligibility
        lines += [
            f"Entry criteria: {describe_rule(e.rule)}",
            f"  basis: {e.source.describe()}",
            f"  entry window: {e.days_before} days before day 0 ({e.window_source.describe()})",
        ]
    lines.append("Steps:")
    for s in p.steps:
        lines.append(
            f"  {s.id}: {s.label} [{s.kind.value}{', optional' if s.optional else ''}] day {s.day}"
            + (f"–{s.until_day}" if s.until_day is not None else "")
            + (f" window {s.day - s.window_before}..{s.day + s.window_after}" if s.kind is StepKind.ASSESSMENT else "")
        )
        lines.append(f"    basis: {s.source.describe()}")
        lines.extend(f"    action: {a.text} ({a.source.describe()})" for a in s.actions)
        if s.captures:
            lines.append(f"    captures: {', '.join(c.label for c in s.captures)}")
    if p.targets:
        lines.append("Targets:")
    for t in p.targets:
        lines += [
            f"  {t.id}: {t.label} (window day {t.day - t.window_before}..{t.day + t.window_after})",
            f"    basis: {t.source.describe()}",
            f"    if missed: {t.on_miss.text}",
        ]
    lines.append("Caveats:")
    lines.extend(f"  - {c}" for c in p.caveats)
    return "\n".join(lines)
