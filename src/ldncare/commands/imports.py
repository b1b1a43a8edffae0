"""``ldncare import``: daily factors from wearables into a diary CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from ldncare.commands.common import fail, print_json

__all__ = ["app"]

app = typer.Typer(help="Import daily factors from wearables (Apple Health, a date,metric,value CSV) into a diary CSV.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _zone_or_fail(name: str) -> str:
    import zoneinfo

    if name not in zoneinfo.available_timezones():
        fail(f"--time-zone {name!r} is not a time zone name; allowed: an IANA name such as Europe/Oslo")
    return name


def _write(daily, diary_in: Path | None, diary_out: Path, as_json: bool) -> None:
    from ldncare.commands.analyze import load_diary_or_fail
    from ldncare.core.response.diary import write_diary
    from ldncare.core.response.wearables import merge_factors

    base = load_diary_or_fail(diary_in) if diary_in is not None else None
    merged = merge_factors(base, daily)
    write_diary(merged, diary_out)
    summary = {"days_with_factors": len(daily), "factors": sorted({k for v in daily.values() for k in v}),
               "first_day": min(daily).isoformat() if daily else None,
               "last_day": max(daily).isoformat() if daily else None, "diary_out": str(diary_out),
               "diary_days": len(merged.days)}
    if as_json:
        print_json(summary)
    else:
        typer.echo(f"{summary['days_with_factors']} days of {', '.join(summary['factors']) or 'nothing'} "
                   f"({summary['first_day']} to {summary['last_day']}) written to {diary_out} "
                   f"({summary['diary_days']} diary days)")


@app.command("apple-health")
def apple_health(
    export_xml: Path = typer.Argument(..., help="export.xml from the Health app's 'Export All Health Data' (unzipped)."),
    diary_out: Path = typer.Option(..., "--diary-out", help="Diary CSV to write (may be the --diary file itself)."),
    diary: Path | None = typer.Option(None, "--diary", help="An existing diary CSV to add the factors to."),
    time_zone: str = typer.Option(..., "--time-zone", help="Your time zone (IANA name): days are your local days."),
    as_json: bool = typer.Option(False, "--json", help="Print a summary as JSON."),
) -> None:
    """Steps, sleep hours, resting heart rate and HRV per day from an Apple Health export (streamed:
    any size in bounded memory). Importing the same file again changes nothing."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from ldncare.core.response.wearables import WearableImportError, read_apple_health

    if not export_xml.is_file():
        fail(f"{str(export_xml)!r} not found; allowed: the export.xml file of an Apple Health export")
    zone = _zone_or_fail(time_zone)
    size = export_xml.stat().st_size
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  disable=as_json, transient=True) as bar:
        task = bar.add_task("reading the export", total=size)
        try:
            daily = read_apple_health(export_xml, time_zone=zone, progress=lambda done: bar.update(task, completed=done))
        except WearableImportError as exc:
            fail(f"{export_xml.name}: {exc}; nothing was written")
    _write(daily, diary, diary_out, as_json)


@app.command("wearable-csv")
def wearable_csv(
    csv_file: Path = typer.Argument(..., help="A CSV with the header date,metric,value (steps, sleep_hours, "
                                   "resting_heart_rate, hrv_sdnn_ms)."),
    diary_out: Path = typer.Option(..., "--diary-out", help="Diary CSV to write (may be the --diary file itself)."),
    diary: Path | None = typer.Option(None, "--diary", help="An existing diary CSV to add the factors to."),
    as_json: bool = typer.Option(False, "--json", help="Print a summary as JSON."),
) -> None:
    """Daily factors from a date,metric,value CSV (e.g. made from a Fitbit or Google Fit export)."""
    from ldncare.core.response.wearables import WearableImportError, read_wearable_csv

    if not csv_file.is_file():
        fail(f"{str(csv_file)!r} not found")
    try:
        daily = read_wearable_csv(csv_file.read_text(encoding="utf-8-sig"))
    except (WearableImportError, UnicodeDecodeError) as exc:
        fail(f"{csv_file.name}: {exc}; nothing was written")
    _write(daily, diary, diary_out, as_json)
