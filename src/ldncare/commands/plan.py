"""``ldncare plan``: a titration plan from a protocol, as a table, JSON or iCalendar file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ldncare.commands.common import fail, print_json
from ldncare.core.dosing import (
    PROTOCOL_IDS,
    Plan,
    PlanError,
    SideEffectEvent,
    build_plan,
    plan_to_ical,
    replan,
)
from ldncare.core.knowledge import UnknownSideEffectError

__all__ = ["parse_date", "parse_event", "plan", "plan_payload", "sources_payload"]

DISCLAIMER = "Not medical advice: the prescriber decides every dose."


def parse_date(text: str, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` date, or exit 2 saying what is allowed."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date; allowed: a real calendar date as YYYY-MM-DD, e.g. 2026-12-01")


def parse_event(text: str) -> SideEffectEvent:
    """``DATE:SIDE_EFFECT:SEVERITY`` (e.g. ``2026-12-10:insomnia:moderate``), or exit 2."""
    parts = text.split(":")
    if len(parts) != 3:
        fail(f"--event {text!r} is not DATE:SIDE_EFFECT:SEVERITY; allowed: e.g. 2026-12-10:insomnia:moderate")
    day, effect, severity = (part.strip() for part in parts)
    if severity not in ("mild", "moderate", "severe"):
        fail(f"--event severity {severity!r} is unknown; allowed: mild, moderate, severe")
    return SideEffectEvent(date=parse_date(day, "--event date"), side_effect=effect, severity=severity)


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral() else float(value)


def sources_payload(sources) -> list[dict]:
    """Sources as JSON objects (label, url, note), duplicates removed."""
    return [{"label": s.label, "url": s.url, "note": s.note} for s in dict.fromkeys(sources)]


def plan_payload(result: Plan) -> dict:
    """The JSON form of a plan (the CLI contract; keys are only ever added)."""
    morning = result.morning_option
    return {
        "protocol": result.protocol,
        "protocol_name": result.protocol_name,
        "target_mg": _num(result.target_mg),
        "max_mg": _num(result.max_mg),
        "concentration_mg_per_ml": _num(result.concentration_mg_per_ml),
        "timing": result.timing,
        "steps": [
            {
                "start_date": step.start_date.isoformat(),
                "end_date": step.end_date.isoformat(),
                "dose_mg": _num(step.dose_mg),
                "time": step.time,
                "volume_ml": _num(step.volume_ml),
                "device": step.device,
                "device_name": step.device_name,
                "measurable": step.measurable,
                "days": step.days,
            }
            for step in result.steps
        ],
        "unmeasurable_steps": [i for i, step in enumerate(result.steps) if not step.measurable],
        "devices_needed": list(result.devices_needed),
        "morning_option": {
            "time": morning.default_time,
            "advice": morning.advice,
            "evidence_level": morning.evidence_level,
            "sources": sources_payload(morning.sources),
        },
        "evidence_level": result.evidence_level,
        "weight_kg": _num(result.weight_kg) if result.weight_kg is not None else None,
        "notes": list(result.notes),
        "sources": sources_payload(result.sources),
        "disclaimer": DISCLAIMER,
    }


def _print_plan(result: Plan) -> None:
    console = Console()
    table = Table(title=f"LDN titration plan: {result.protocol_name}", title_justify="left")
    for column in ("from", "to", "dose", "time", "volume", "syringe"):
        table.add_column(column)
    for step in result.steps:
        table.add_row(step.start_date.isoformat(), step.end_date.isoformat(), f"{step.dose_mg} mg", step.time,
                      f"{step.volume_ml} mL", step.device_name or "[bold red]not measurable: ask the pharmacist[/]")
    console.print(table)
    console.print(f"Target {result.target_mg} mg, maximum {result.max_mg} mg, liquid {result.concentration_mg_per_ml} mg/mL.")
    morning = result.morning_option
    if result.timing == "morning":
        console.print(f"Timing: moved to the morning ({morning.default_time}) for disturbed sleep "
                      f"[dim](evidence: {morning.evidence_level})[/]")
    else:
        console.print(f"If sleep is disturbed: {morning.advice} [dim](evidence: {morning.evidence_level})[/]")
    for note in result.notes:
        console.print(f"[yellow]Note:[/] {note}")
    console.print("Sources: " + "; ".join(s.label for s in dict.fromkeys(result.sources)))
    console.print(f"[bold]{DISCLAIMER}[/]")


def plan(
    protocol: str = typer.Option(..., "--protocol", help=f"One of: {', '.join(PROTOCOL_IDS)}."),
    start_date: str = typer.Option(None, "--start-date", help="First day, YYYY-MM-DD (default: today)."),
    weight_kg: float = typer.Option(None, "--weight-kg", help="Body weight in kg (pediatric protocol)."),
    target_mg: float = typer.Option(None, "--target-mg", help="Target daily dose in mg (default: the protocol's, 4.5)."),
    max_mg: float = typer.Option(None, "--max-mg", help="Prescriber's maximum daily dose in mg (default: the protocol's)."),
    start_mg: float = typer.Option(None, "--start-mg", help="Custom: first dose in mg."),
    step_mg: float = typer.Option(None, "--step-mg", help="Custom: increase per step in mg."),
    interval_days: int = typer.Option(None, "--interval-days", help="Custom: days between increases."),
    concentration_mg_per_ml: float = typer.Option(1.0, "--concentration-mg-per-ml", help="Strength of the liquid."),
    time: str = typer.Option(None, "--time", help="Time of day HH:MM (default: bedtime, 22:00)."),
    maintenance_days: int = typer.Option(None, "--maintenance-days", help="Days at the target dose (default 56)."),
    event: list[str] = typer.Option(
        None, "--event", help="A reported side effect DATE:SIDE_EFFECT:SEVERITY (repeatable); the plan is re-planned."),
    ics: Path = typer.Option(None, "--ics", help="Also write the plan as an iCalendar file of daily reminders."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Build a titration plan: dated steps with dose, time, volume and syringe. Not medical advice."""
    if protocol not in PROTOCOL_IDS:
        fail(f"unknown protocol {protocol!r}; allowed: {', '.join(PROTOCOL_IDS)}")
    first_day = parse_date(start_date, "--start-date") if start_date else dt.date.today()
    try:
        result = build_plan(
            protocol, start_date=first_day, target_mg=target_mg, max_mg=max_mg, weight_kg=weight_kg,
            start_mg=start_mg, step_mg=step_mg, interval_days=interval_days,
            concentration_mg_per_ml=concentration_mg_per_ml, time=time, maintenance_days=maintenance_days,
        )
    except PlanError as exc:
        fail(str(exc))
    changes = ()
    if event:
        try:
            replanned = replan(result, [parse_event(text) for text in event])
        except UnknownSideEffectError as exc:
            fail(str(exc))
        result, changes = replanned.plan, replanned.changes
    if ics is not None:
        try:
            ics.write_bytes(plan_to_ical(result))
        except OSError as exc:
            fail(f"cannot write {ics}: {exc.strerror}; allowed: a writable file path")
    if as_json:
        payload = plan_payload(result)
        if ics is not None:
            payload["ics"] = str(ics)
        if event:
            payload["changes"] = [
                {"date": c.date.isoformat(), "side_effect": c.side_effect, "severity": c.severity, "kind": c.kind,
                 "rule": c.rule, "explanation": c.explanation, "sources": sources_payload(c.sources)}
                for c in changes
            ]
        print_json(payload)
    else:
        _print_plan(result)
        for change in changes:
            typer.echo(f"Change ({change.kind}): {change.explanation}")
        if ics is not None:
            typer.echo(f"Calendar written to {ics}")
