"""``ldncare questionnaire``: score validated questionnaires (PROMIS short forms from their published
tables; the single-item PGIC by its answer)."""

from __future__ import annotations

import typer

from ldncare.commands.common import fail, print_json

__all__ = ["app"]

app = typer.Typer(
    help="Score validated questionnaires: PROMIS Pain Interference, Fatigue, Sleep Disturbance 4a (from the "
         "published raw-score-to-T-score tables) and the Patient Global Impression of Change (PGIC).",
    no_args_is_help=True,
)


def _parse_answers(text: str) -> list[int | None]:
    """``2,3,1,4`` -> codes; an empty place (``2,,1,4``) is an unanswered item."""
    answers: list[int | None] = []
    for part in text.split(","):
        part = part.strip()
        if part == "":
            answers.append(None)
            continue
        try:
            answers.append(int(part))
        except ValueError:
            fail(f"--answers: {part!r} is not a whole number; give one response code per item, e.g. 2,3,1,4")
    return answers


def _known() -> str:
    from ldncare.core.response.questionnaires import load_questionnaires

    return ", ".join(q.id for q in load_questionnaires())


@app.command("score")
def score(
    instrument: str = typer.Argument(..., help="Questionnaire id (see `ldncare questionnaire list`)."),
    answers: str = typer.Option(..., "--answers", help="Response codes in item order, comma-separated "
                                "(1 = the first option listed), e.g. 2,3,1,4."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score one completed form: raw sum, T-score and SE from the published table, and the severity band
    (PGIC: the answer's number and words)."""
    from ldncare.core.response.questionnaires import (
        InvalidAnswersError,
        UnknownQuestionnaireError,
        get_questionnaire,
        score_questionnaire,
    )

    try:
        result = score_questionnaire(instrument, _parse_answers(answers))
    except UnknownQuestionnaireError:
        fail(f"unknown questionnaire {instrument!r}; allowed: {_known()}")
    except InvalidAnswersError as exc:
        fail(str(exc))
    if json_output:
        print_json(result.as_json())
        return
    questionnaire = get_questionnaire(instrument)
    if not questionnaire.has_t_score:
        typer.echo(f"{result.name}: {result.raw_score} of {len(questionnaire.items[0].options)}, "
                   f"\"{result.interpretation}\"")
        return
    typer.echo(f"{result.name}: raw score {result.raw_score}, T-score {result.t_score} (SE {result.se})"
               + (f", {result.interpretation}" if result.interpretation else ""))
    typer.echo(f"T 50 is the US general-population mean, 10 points one standard deviation; a higher T means more "
               f"{questionnaire.domain}.")


@app.command("list")
def list_questionnaires(json_output: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The questionnaires, their items and response codes, licence and sources; and the
    condition-specific instruments left out because of their licence."""
    from ldncare.core.response.questionnaires import load_not_included, load_questionnaires

    questionnaires = load_questionnaires()
    if json_output:
        print_json([q.model_dump(mode="json") for q in questionnaires])
        return
    for q in questionnaires:
        typer.echo(f"{q.id}: {q.name} ({q.timeframe})")
        for number, item in enumerate(q.items, start=1):
            codes = ", ".join(f"{code} {option}" for code, option in enumerate(item.options, start=1))
            typer.echo(f"  {number}. {item.text} [{codes}]" + (" (reverse-scored)" if item.reverse else ""))
        typer.echo(f"  licence: {' '.join(q.licence.split())}")
        typer.echo(f"  sources: {', '.join(s.label for s in q.sources)}")
    for record in load_not_included():
        typer.echo(f"not included: {record.name} ({record.condition}): {' '.join(record.reason.split())}")
