"""``ldncare evidence``: the evidence atlas on the command line.

Forms (all with ``--json`` where they print data)::

    ldncare evidence                         table of conditions, certainty, study counts
    ldncare evidence CONDITION               summary, certainty reasons, graded studies
    ldncare evidence search QUERY            ranked search: conditions, studies, side effects, claims
    ldncare evidence claims                  the article's claims with verdicts
    ldncare evidence cite [CONDITION|all] --format bibtex|ris|csljson
    ldncare evidence forest CONDITION -o FILE.png|svg
    ldncare evidence import pubmed FILE.xml [--write DIR]
    ldncare evidence import ctgov FILE.json [--write DIR]

The group takes an optional CONDITION argument *and* has subcommands: :class:`ConditionGroup`
routes any first argument that is not a subcommand name to the hidden ``show`` command,
so ``ldncare evidence fibromyalgia --json`` and ``ldncare evidence search pain`` both work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from ldncare.commands.common import fail, print_json
from ldncare.core.evidence.citations import FORMATS, cite
from ldncare.core.evidence.grading import DESIGN_LABELS, SCHEME
from ldncare.core.evidence.importers import (
    DraftStudy,
    ImportFormatError,
    mark_duplicates,
    read_ctgov_json,
    read_pubmed_xml,
    write_drafts,
)
from ldncare.core.evidence.search import KINDS, search
from ldncare.core.evidence.summaries import ConditionSummary, summarize_all, summarize_condition
from ldncare.core.knowledge.claims import VERDICTS, load_claims
from ldncare.core.knowledge.conditions import Condition, UnknownConditionError, resolve_condition

__all__ = ["ConditionGroup", "app"]

NOT_ADVICE = "Information, not medical advice: decide with your prescriber."


class ConditionGroup(TyperGroup):
    """A group whose first positional argument may be a condition instead of a subcommand.

    Any first argument that is not an option and not a subcommand name is handed to the
    hidden ``show`` command together with everything after it.
    """

    default_command = "show"

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[CONDITION] [--json] | COMMAND [ARGS]...")


app = typer.Typer(
    cls=ConditionGroup,
    invoke_without_command=True,
    help=(
        "The evidence atlas: LDN studies graded (Oxford CEBM 2011 levels) with per-condition GRADE "
        "certainty. 'ldncare evidence' lists conditions; 'ldncare evidence CONDITION' shows one. "
        + NOT_ADVICE
    ),
)
import_app = typer.Typer(help="Import PubMed or ClinicalTrials.gov records as unreviewed drafts.", no_args_is_help=True)
app.add_typer(import_app, name="import")


def _resolve(text: str) -> Condition:
    try:
        return resolve_condition(text)
    except UnknownConditionError as exc:
        fail(str(exc))


def _count_row(s: ConditionSummary) -> dict[str, Any]:
    return {
        "id": s.condition.id,
        "name": s.condition.name,
        "certainty": s.certainty,
        "n_studies": s.n_studies,
    }


@app.callback()
def overview(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Table of conditions with their certainty of evidence and study counts."""
    ctx.obj = {"json": as_json}
    if ctx.invoked_subcommand is not None:
        return
    summaries = summarize_all()
    if as_json:
        print_json([_count_row(s) for s in summaries])
        return
    table = Table(
        title="LDN evidence by condition",
        caption="Studies: primary studies +reviews. People, counted apart and never added: Trials = in controlled trials of the "
        "condition alone; Registry = in prescription registers; Other = in uncontrolled studies / in cohorts mixing conditions. "
        f"Study levels: {SCHEME}. {NOT_ADVICE}",
    )
    numeric = ("Studies", "Trials", "Registry", "Other")
    table.add_column("Condition", min_width=12)  # the longest single word, "Fibromyalgia", never cut
    table.add_column("Id", overflow="fold")
    table.add_column("Certainty")
    for column in numeric:
        table.add_column(column, justify="right")
    for s in summaries:
        p = s.participants
        table.add_row(s.condition.name, s.condition.id, s.certainty_label, f"{s.n_studies} +{s.n_reviews}r",
                      str(p["controlled_trials"]), str(p["registers"]),
                      f"{p['uncontrolled_studies']}/{p['mixed_condition_cohorts']}")  # fmt: skip
    Console().print(table)


def _json_flag(ctx: typer.Context, as_json: bool) -> bool:
    return as_json or bool((ctx.obj or {}).get("json"))


@app.command("show", hidden=True)
def show(
    ctx: typer.Context,
    condition: list[str] = typer.Argument(..., help="Condition id, name or synonym (e.g. crohns, 'ME/CFS')."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    outcome: str = typer.Option("pain", "--outcome", help="Outcome domain for the meta-analysis."),
) -> None:
    """One condition: certainty with reasons, summary, graded studies and meta-analysis."""
    from ldncare.core.evidence.meta_analysis import pool_condition

    cond = _resolve(" ".join(condition))
    summary = summarize_condition(cond)
    pooled = pool_condition(cond.id, outcome)
    if _json_flag(ctx, as_json):
        print_json(summary.to_dict() | {"meta_analysis": pooled.to_dict()})
        return
    console = Console(soft_wrap=True)
    console.print(f"[bold]{cond.name}[/bold]  ({cond.id}; ICD-10-CM {', '.join(cond.icd10)})")
    console.print(f"Certainty of evidence (GRADE): [bold]{summary.certainty_label}[/bold]")
    for reason in summary.certainty_reasons:
        console.print(f"  - {reason.text}")
    if summary.summary:
        console.print(f"\n{summary.summary}")
    if summary.what_this_means:
        console.print(f"\n[bold]What this means for you:[/bold] {summary.what_this_means}")
    p = summary.participants
    console.print(
        f"\n{summary.n_studies} studies ({summary.n_controlled} controlled), {summary.n_reviews} reviews. Participants: "
        f"{p['controlled_trials']} in controlled trials of {cond.name} alone, {p['uncontrolled_studies']} in uncontrolled "
        f"studies, {p['registers']} in prescription registers, {p['mixed_condition_cohorts']} in cohorts mixing conditions "
        "(counted apart, never added up)."
    )
    console.print(f"\n[bold]Studies[/bold] (level: {SCHEME}; 1 best, 5 weakest)")
    for g in summary.studies:
        s = g.study
        dose = (
            f"LDN {s.ldn_dose_mg:g} mg/day" if s.ldn_dose_mg else f"{s.dose_mg_per_kg:g} mg/kg/day" if s.dose_mg_per_kg
            else f"LDN {s.dose_range_mg[0]:g}-{s.dose_range_mg[1]:g} mg/day" if s.dose_range_mg else "dose not stated"
        )  # fmt: skip
        if not s.modern_ldn_dose:
            dose += " (not LDN in the modern sense)"
        n = f"n={s.n_enrolled}" if s.n_enrolled else (f"{s.n_included_studies} studies" if s.n_included_studies else "n not stated")
        down = f" (design level {g.grade.design_level}, down for {', '.join(d.reason for d in g.grade.downgrades)})" if g.grade.downgrades else ""
        console.print(f"  [{g.grade.level}] {s.label}: {DESIGN_LABELS[s.design]}{down}, {n}, {dose} ({s.sources[0].label})", markup=False)
        for result in s.results[:3]:
            flag = " [computed]" if result.basis == "computed" else ""
            console.print(f"      - {result.text}{flag}", markup=False)
    _print_pooled(console, pooled, cond, outcome)
    console.print(NOT_ADVICE)


def _print_pooled(console: Console, pooled: Any, cond: Condition, outcome: str) -> None:
    if pooled.poolable:
        scale = f" on {pooled.scale}" if pooled.scale else ""
        console.print(
            f"\nMeta-analysis ({outcome}, {pooled.k} trials, all as {pooled.effect_measure}{scale}: {pooled.measure_label}): "
            f"{pooled.estimate:.2f} (95% CI {pooled.ci_low:.2f} to {pooled.ci_high:.2f}), negative favours LDN; "
            f"I² {pooled.i2:.0%}. See 'ldncare evidence forest {cond.id} -o forest.png'.",
            markup=False,
        )
        for e in pooled.effects:
            if e.conversion:
                console.print(f"  {e.label}: converted from {e.reported_measure} ({e.conversion.method})", markup=False)
    else:
        console.print(f"\nMeta-analysis ({outcome}): not pooled: {pooled.reason}.", markup=False)
        for e in pooled.side_by_side:
            ci = f" (95% CI {e.ci_low:g} to {e.ci_high:g})" if e.ci_low is not None else ""
            p = f", P = {e.p_value:g}" if e.p_value is not None else ""
            scale = f" on {e.scale}" if e.scale else ""
            console.print(f"  {e.label}: {e.effect_measure}{scale} {e.estimate:.2f}{ci}{p}: {e.measure_label}", markup=False)
    for pub in pooled.published:
        console.print(f"  Published synthesis, {pub['label']} ({pub['n_included_studies'] or '?'} studies): {pub['text']}", markup=False)


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: list[str] = typer.Argument(..., help="Words to search for."),
    kind: list[str] = typer.Option(None, "--kind", help=f"Restrict to a kind: {', '.join(KINDS)} (repeatable)."),
    limit: int = typer.Option(20, "--limit", min=1, max=200, help="Most hits to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Ranked search across conditions, studies, side effects and claims."""
    if kind and (bad := sorted(set(kind) - set(KINDS))):
        fail(f"unknown --kind {', '.join(bad)}; allowed: {', '.join(KINDS)}")
    hits = search(" ".join(query), kinds=kind or None, limit=limit)
    if _json_flag(ctx, as_json):
        print_json([h.to_dict() for h in hits])
        return
    if not hits:
        typer.echo(f"No matches for {' '.join(query)!r}.")
        return
    table = Table(title=f"Search: {' '.join(query)}")
    for column in ("Score", "Kind", "Id", "Title"):
        table.add_column(column)
    for h in hits:
        table.add_row(f"{h.score:.1f}", h.kind, h.id, h.title)
    Console().print(table)


@app.command("claims")
def claims_command(
    ctx: typer.Context,
    verdict: str = typer.Option(None, "--verdict", help="Only claims with this verdict."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The article's factual claims, each with its verdict, explanation and sources."""
    claims = load_claims()
    if verdict is not None:
        if verdict not in VERDICTS:
            fail(f"unknown verdict {verdict!r}; allowed: {', '.join(VERDICTS)}")
        claims = tuple(c for c in claims if c.verdict == verdict)
    if _json_flag(ctx, as_json):
        print_json([c.model_dump(mode="json") for c in claims])
        return
    console = Console()
    for c in claims:
        console.print(f"[bold]{c.verdict_label}[/bold]: {c.claim}")
        console.print(f"  {c.explanation}")
        console.print(f"  Sources: {', '.join(s.label for s in c.sources)}\n")
    console.print(NOT_ADVICE)


@app.command("cite")
def cite_command(
    condition: str = typer.Argument("all", help="Condition id or name, or 'all'."),
    fmt: str = typer.Option(..., "--format", "-f", help=f"One of: {', '.join(FORMATS)}."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """Citations of one condition's studies (or all) as BibTeX, RIS or CSL-JSON."""
    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    condition_id = None if condition.lower() == "all" else _resolve(condition).id
    text = cite(condition_id, fmt)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)


@app.command("forest")
def forest_command(
    condition: str = typer.Argument(..., help="Condition id or name."),
    output: Path = typer.Option(..., "--output", "-o", help="Image file to write: .png or .svg."),
    outcome: str = typer.Option("pain", "--outcome", help="Outcome domain to pool."),
) -> None:
    """Random-effects meta-analysis forest plot of the condition's controlled trials."""
    from ldncare.core.evidence.meta_analysis import draw_forest, pool_condition

    if output.suffix.lower() not in (".png", ".svg"):
        fail(f"output file must end in .png or .svg, not {output.name!r}")
    cond = _resolve(condition)
    pooled = pool_condition(cond.id, outcome)
    if not pooled.poolable:
        fail(f"no meta-analysis for {cond.id} ({outcome}): {pooled.reason}")
    if not output.parent.is_dir():
        fail(f"directory {str(output.parent)!r} does not exist")
    draw_forest(pooled, output)
    typer.echo(
        f"wrote {output}: {pooled.k} trials, pooled {pooled.effect_measure} {pooled.estimate:.2f} "
        f"(95% CI {pooled.ci_low:.2f} to {pooled.ci_high:.2f}), negative favours LDN"
    )


def _draft_payload(d: DraftStudy) -> dict[str, Any]:
    data = d.to_dict()
    head = {k: data.get(k) for k in ("pmid", "doi", "title", "journal", "year", "authors", "abstract")}
    return head | {k: v for k, v in data.items() if k not in head}


def _run_import(drafts_reader, file: Path, as_json: bool, write: Path | None) -> None:
    try:
        drafts = mark_duplicates(drafts_reader(file))
    except ImportFormatError as exc:
        fail(str(exc))
    written: tuple[Path, ...] = ()
    if write is not None:
        try:
            written = write_drafts(drafts, write)
        except (ValueError, OSError) as exc:
            fail(str(exc))
    if as_json:
        print_json([_draft_payload(d) for d in drafts])
    else:
        for d in drafts:
            ids = ", ".join(filter(None, [f"PMID {d.pmid}" if d.pmid else None, d.doi, *d.nct]))
            status = f"duplicate of {d.duplicate_of}" if d.duplicate_of else "new (unreviewed draft)"
            typer.echo(f"- {d.title} [{ids}] {d.year or ''}: {status}")
    skipped = [d.id for d in drafts if d.duplicate_of]
    if write is not None:
        typer.echo(f"wrote {len(written)} draft(s) to {write}" + (f"; skipped duplicates: {', '.join(skipped)}" if skipped else ""), err=True)


@import_app.command("pubmed")
def import_pubmed(
    file: Path = typer.Argument(..., help="PubMed efetch XML (PubmedArticleSet)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    write: Path = typer.Option(None, "--write", help="Directory to save the new drafts as YAML."),
) -> None:
    """PubMed XML -> unreviewed draft study records, de-duplicated by PMID/DOI/NCT."""
    _run_import(read_pubmed_xml, file, as_json, write)


@import_app.command("ctgov")
def import_ctgov(
    file: Path = typer.Argument(..., help="ClinicalTrials.gov API v2 study JSON (one study or a page)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    write: Path = typer.Option(None, "--write", help="Directory to save the new drafts as YAML."),
) -> None:
    """ClinicalTrials.gov v2 JSON -> unreviewed draft study records, de-duplicated by NCT/PMID/DOI."""
    _run_import(read_ctgov_json, file, as_json, write)
