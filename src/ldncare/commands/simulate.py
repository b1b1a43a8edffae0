"""``ldncare simulate``: blood levels, brain receptor blockade and the rebound hypothesis for a regimen.

Examples::

    ldncare simulate --dose-mg 4.5 --time 22:00 --days 7 --plot day.png
    ldncare simulate --dose-mg 1.5 --form sr --scenario slow --json
    ldncare simulate --dose-mg 4.5 --population 10000 --seed 1 --json

The validation table is regenerated with
``python -m ldncare.core.pharmacology.validation --markdown docs/pharmacology-validation.md``.
"""

from __future__ import annotations

from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from ldncare.commands.common import fail, print_json
from ldncare.core.pharmacology.engine import DAILY_METRICS, SCENARIOS
from ldncare.core.pharmacology.parameters import parameter_table
from ldncare.core.pharmacology.population import MAX_POPULATION
from ldncare.core.pharmacology.regimen import MAX_DAYS, MAX_DOSE_MG, daily_at
from ldncare.core.pharmacology.simulation import (
    DEFAULT_SCENARIO,
    SCENARIO_EVIDENCE,
    compare_scenarios,
    simulate_population_result,
)
from ldncare.core.pharmacology.simulation import simulate as run_simulation
from ldncare.core.pharmacology.subjects import HEPATIC_LEVELS, MAX_WEIGHT_KG, MIN_WEIGHT_KG

__all__ = ["simulate"]

_FORMS = ("ir", "sr")
_HEADERS = {
    "ntx_cmax_ng_per_ml": "NTX\nCmax",
    "ntx_tmax_h": "Tmax\nh",
    "ntx_auc_ng_h_per_ml": "NTX\nAUC",
    "nal6b_cmax_ng_per_ml": "6βN\nCmax",
    "nal6b_auc_ng_h_per_ml": "6βN\nAUC",
    "mor_occupancy_peak": "μ occ\npeak",
    "mor_occupancy_trough": "μ occ\ntrough",
    "mor_hours_ge_50pct": "h\n≥50%",
    "mor_hours_ge_90pct": "h\n≥90%",
    "rebound_index": "rebound\nhyp.*",
}


def _fmt(metric: str, value: float) -> str:
    if metric.startswith("mor_occupancy"):
        return f"{100 * value:.0f}%"
    if metric == "rebound_index":
        return f"{value:+.2f}"
    if metric.endswith("_h") or "hours" in metric:
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _validate(dose_mg: float, time: str, form: str, weight_kg: float, hepatic: str, days: int, scenario: str,
              population: int | None) -> None:
    if not (0 < dose_mg <= MAX_DOSE_MG):
        fail(f"--dose-mg {dose_mg:g} is out of range; allowed: more than 0 and at most {MAX_DOSE_MG:g} mg")
    if form not in _FORMS:
        fail(f"unknown --form {form!r}; allowed: ir, sr")
    if hepatic not in HEPATIC_LEVELS:
        fail(f"unknown --hepatic {hepatic!r}; allowed: {', '.join(HEPATIC_LEVELS)}")
    if scenario not in SCENARIOS:
        fail(f"unknown --scenario {scenario!r}; allowed: {', '.join(SCENARIOS)}")
    if not (1 <= days <= MAX_DAYS):
        fail(f"--days {days} is out of range; allowed: 1 to {MAX_DAYS}")
    if not (MIN_WEIGHT_KG <= weight_kg <= MAX_WEIGHT_KG):
        fail(f"--weight-kg {weight_kg:g} is out of range; allowed: {MIN_WEIGHT_KG:g} to {MAX_WEIGHT_KG:g} kg")
    if population is not None and not (1 <= population <= MAX_POPULATION):
        fail(f"--population {population} is out of range; allowed: 1 to {MAX_POPULATION:,}")


def simulate(
    dose_mg: float = typer.Option(..., "--dose-mg", help="Dose in mg naltrexone HCl (0 < dose <= 500)."),
    time: str = typer.Option("22:00", "--time", help="Clock time of the daily dose, HH:MM."),
    form: str = typer.Option("ir", "--form", help="ir (immediate release) or sr (commercial SR tablet)."),
    weight_kg: float = typer.Option(70.0, "--weight-kg", help="Body weight in kg."),
    hepatic: str = typer.Option("none", "--hepatic", help="Hepatic impairment: none, mild, moderate, severe."),
    days: int = typer.Option(14, "--days", help="Days of once-daily dosing to simulate (1-365)."),
    scenario: str = typer.Option(DEFAULT_SCENARIO, "--scenario",
                                 help=f"Receptor-offset scenario: fast, compromise, slow (default {DEFAULT_SCENARIO}, "
                                      "the one the validation supports; all three are compared in the output)."),
    population: int | None = typer.Option(None, "--population", help="Simulate N subjects (<= 10,000,000)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the population's random effects."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address for populations."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    plot: str | None = typer.Option(None, "--plot", help="Draw concentrations, occupancy and rebound to a PNG."),
) -> None:
    """Simulate naltrexone / 6β-naltrexol levels, brain opioid-receptor blockade and the rebound hypothesis."""
    _validate(dose_mg, time, form, weight_kg, hepatic, days, scenario, population)
    if plot is not None and not plot.lower().endswith(".png"):
        fail(f"--plot {plot!r} must name a .png file")
    try:
        regimen = daily_at(dose_mg, time, days=days, form=form)  # type: ignore[arg-type]
    except ValueError as exc:
        fail(f"--time: {exc}")

    if population is None:
        result: Any = run_simulation(regimen, scenario=scenario, weight_kg=weight_kg, hepatic=hepatic)
    else:
        result = _run_population(regimen, population, seed, scenario, weight_kg, hepatic, scheduler, as_json)
    payload = result.as_dict()
    # The receptor scenarios side by side (typical subject): human data cannot yet tell them apart.
    payload["scenarios"] = compare_scenarios(regimen, weight_kg=weight_kg, hepatic=hepatic)
    if plot is not None:
        from ldncare.core.pharmacology.plot import plot_regimen

        try:
            plot_regimen(regimen, plot, scenario=scenario, weight_kg=weight_kg, hepatic=hepatic)
        except OSError as exc:
            fail(f"cannot write --plot {plot!r}: {exc}")
    if as_json:
        print_json(payload)
        return
    _print_human(payload, result, population is not None, plot)


def _run_population(regimen, n, seed, scenario, weight_kg, hepatic, scheduler, as_json):  # noqa: ANN001, ANN202
    client = None
    if scheduler:
        try:
            from dask.distributed import Client

            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            fail(f"cannot reach the Dask scheduler {scheduler!r}: {exc}")
    try:
        if as_json or n < 20_000:
            return simulate_population_result(regimen, n, seed=seed, scenario=scenario, weight_kg=weight_kg,
                                              hepatic=hepatic, client=client)
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("simulating subjects"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                      TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("population", total=n)
            return simulate_population_result(regimen, n, seed=seed, scenario=scenario, weight_kg=weight_kg,
                                              hepatic=hepatic, client=client,
                                              progress=lambda done: bar.update(task, completed=done))
    finally:
        if client is not None:
            client.close()


def _print_human(payload: dict[str, Any], result: Any, is_population: bool, plot: str | None) -> None:
    console = Console()
    scenario = payload["scenario"]
    reg = payload["regimen"]
    console.print(f"[bold]{reg['description']}[/bold] — {reg['weight_kg']:g} kg, hepatic impairment: "
                  f"{reg['hepatic']}, scenario [bold]{scenario}[/bold]"
                  + (f", population {reg['population']:,} (seed {reg['seed']}; percentiles 5/50/95)" if is_population
                     else ", typical subject"))
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True, pad_edge=False, caption="NTX = naltrexone, 6βN = 6β-naltrexol: Cmax ng/mL, "
                  "AUC ng·h/mL over the day; μ occ = brain μ-receptor occupancy; h ≥50% = hours at or above")
    table.add_column("day", justify="right")
    if is_population:
        table.add_column("", justify="left")
    for metric in DAILY_METRICS:
        table.add_column(_HEADERS[metric], justify="right")
    for row in payload["daily"]:
        if not is_population:
            table.add_row(str(row["day"]), *(_fmt(m, row[m]) for m in DAILY_METRICS))
            continue
        for stat in ("p5", "p50", "p95"):
            style = "bold" if stat == "p50" else "dim"
            table.add_row(str(row["day"]) if stat == "p5" else "", stat,
                          *(_fmt(m, row[m][stat]) for m in DAILY_METRICS), style=style,
                          end_section=stat == "p95")
    console.print(table)
    console.print(f"[bold]Scenario {scenario}:[/bold] {SCENARIO_EVIDENCE[scenario]}")
    compared = Table(title=f"All three receptor-offset scenarios, day {payload['scenarios'][0]['day']} "
                           "(typical subject)", box=box.SIMPLE_HEAD,
                     caption="default = the scenario the validation supports (docs/pharmacology-validation.md); "
                             "no scenario fits every published target")
    for col in ("scenario", "μ occ peak", "μ occ trough", "h ≥50%", "h ≥90%"):
        compared.add_column(col, justify="left" if col == "scenario" else "right")
    for row in payload["scenarios"]:
        compared.add_row(row["scenario"] + (" (default)" if row["default"] else ""),
                         *(_fmt(m, row[m]) for m in ("mor_occupancy_peak", "mor_occupancy_trough",
                                                     "mor_hours_ge_50pct", "mor_hours_ge_90pct")))
    console.print(compared)
    console.print("[bold red]* HYPOTHESIS:[/bold red] the rebound index (signalling vs drug-free baseline) comes "
                  "from a hypothesis module whose parameters are all assumptions.")
    if not is_population:
        gap = result.tlr4()
        console.print(f"[bold red]HYPOTHESIS (TLR4):[/bold red] peak plasma naltrexone {gap['cmax_nM']:.3g} nM "
                      f"(unbound {gap['unbound_cmax_uM'] * 1000:.3g} nM) is "
                      f"{gap['fold_below_lowest_in_vitro_uM']:,.0f}x below the lowest in-vitro concentration "
                      "studied (1 µM).")
    params = Table(title="Parameters (status; sources in --json)", show_header=True)
    for col in ("parameter", "value", "unit", "status"):
        params.add_column(col)
    for row in parameter_table():
        status = f"{row['status']} (HYPOTHESIS module)" if row["hypothesis"] else row["status"]
        params.add_row(row["name"], f"{row['value']:g}", row["unit"], status)
    console.print(params)
    console.print("Assumptions:")
    for item in payload["assumptions"]:
        console.print(f"  - {item}")
    if plot:
        console.print(f"Figure written to {plot}")
    console.print("[bold]Not medical advice:[/bold] a model to explain pharmacology; decide with your prescriber.")
