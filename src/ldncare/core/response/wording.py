"""The words of a response analysis: what was observed, against which threshold, how sure.

An open-label before/after comparison shows a *change*, not its cause. So the headline
says what was observed ("improved by more than the smallest change that matters since
starting"), names the clinically important change (MCID) used and where it comes from,
and, when the outcome improved, says in the same sentence that the comparison cannot tell
LDN from placebo, natural course or regression to the mean. The probability is stated
with its model and its subject (the observed change), never bare.

The words are neutral (no "you"), so the patient's page, the clinician's report and the
command line show the same sentence. The JSON ``status`` values stay the contract; these
functions only choose the words.

>>> headline_phrase(improvement=2.6, ci=(1.9, 3.3), status="likely_responder", outcome="pain",
...                 percent=-48.0, mcid_points=2.0, mcid_citation="Farrar et al. 2001",
...                 mcid_assumed=False)  # doctest: +NORMALIZE_WHITESPACE
'Pain improved by 2.6 points (-48 %) since starting LDN, more than the smallest change that matters
(MCID 2 points, from Farrar et al. 2001) — this cannot tell LDN from placebo, natural course or
regression to the mean.'
"""

from __future__ import annotations

__all__ = [
    "CAUSE_CAVEAT",
    "STATUS_LABELS",
    "headline_phrase",
    "mcid_phrase",
    "outcome_label",
    "probability_statement",
]

#: Short labels of the JSON statuses (a label, never the whole message).
STATUS_LABELS = {
    "likely_responder": "improved by a change that matters",
    "likely_non_responder": "no change that matters",
    "unclear": "unclear",
    "insufficient_data": "not enough data yet",
}
CAUSE_CAVEAT = "this cannot tell LDN from placebo, natural course or regression to the mean"


def outcome_label(outcome: str) -> str:
    """``sleep_quality`` → ``Sleep quality``."""
    return outcome.replace("_", " ").capitalize()


def mcid_phrase(mcid_points: float | None, mcid_citation: str | None, mcid_assumed: bool) -> str:
    """``MCID 2 points, from Farrar et al. 2001`` or the same marked as an assumption."""
    if mcid_points is None:
        return "no clinically important change is known for this outcome"
    if mcid_assumed:
        return (f"MCID {mcid_points:g} points — an ASSUMPTION borrowed from pain ratings, {mcid_citation}; "
                "no validated threshold exists for this scale")
    return f"MCID {mcid_points:g} points, from {mcid_citation}"


def _pct(percent: float | None) -> str:
    return "" if percent is None else f" ({percent:+.0f} %)"


def _change(improvement: float) -> str:
    if improvement >= 0:
        return f"an improvement of {improvement:.1f} points"
    return f"a worsening of {-improvement:.1f} points"


def headline_phrase(*, improvement: float | None, ci: tuple[float, float] | None, status: str, outcome: str,
                    percent: float | None, mcid_points: float | None, mcid_citation: str | None,
                    mcid_assumed: bool, flare: str | None = None, missing: tuple[str, ...] = ()) -> str:
    """The one-paragraph answer. ``improvement`` and ``ci`` are in the improving direction."""
    name = outcome_label(outcome)
    low = outcome.replace("_", " ")
    if status == "insufficient_data" or improvement is None or ci is None:
        return "Not enough diary days yet to compare before and after starting LDN" + (
            f": {missing[0]}." if missing else ".")
    lo, hi = ci
    mcid = mcid_phrase(mcid_points, mcid_citation, mcid_assumed)
    size = f"{abs(improvement):.1f} points{_pct(percent)}"
    interval = f"95 % interval {lo:+.1f} to {hi:+.1f} points of improvement"
    if lo > 0:
        if status == "likely_responder" and mcid_points is not None:
            text = (f"{name} improved by {size} since starting LDN, more than the smallest change that matters "
                    f"({mcid}) — {CAUSE_CAVEAT}.")
        elif status == "likely_responder":
            text = (f"{name} improved by {size} since starting LDN, more than day-to-day variation explains "
                    f"({interval}); {mcid}. {CAUSE_CAVEAT[0].upper()}{CAUSE_CAVEAT[1:]}.")
        elif status == "likely_non_responder":
            text = (f"{name} improved by {size} since starting LDN, more than day-to-day variation explains, "
                    f"but probably by less than the smallest change that matters ({mcid}).")
        elif mcid_assumed:
            text = (f"{name} improved by {size} since starting LDN, more than day-to-day variation explains "
                    f"({interval}). Whether that is a change that matters cannot be said ({mcid}). "
                    f"Even so, {CAUSE_CAVEAT}.")
        else:
            text = (f"{name} improved by {size} since starting LDN, more than day-to-day variation explains, "
                    f"but it is not clear whether by the smallest change that matters ({mcid}); {CAUSE_CAVEAT}.")
    elif hi < 0:
        text = (f"{name} got worse by {size} since starting LDN, more than day-to-day variation explains "
                f"({interval}). This comparison cannot tell the cause either.")
    elif status == "likely_non_responder":
        text = (f"{name} did not improve by the smallest change that matters ({mcid}): since starting LDN "
                f"it shows {_change(improvement)} ({interval}), within day-to-day variation.")
    else:
        text = (f"No clear change in {low} yet: {_change(improvement)} since starting LDN ({interval}) is "
                "within day-to-day variation — the interval includes no change.")
        if mcid_assumed and mcid_points is not None:
            text += (f" 'Not working' cannot be said either: the threshold for {low}, {mcid_points:g} points, "
                     "is an assumption.")
    if flare:
        text += f" {flare}"
    return text


def probability_statement(*, p: float | None, outcome: str, mcid_points: float | None,
                          mcid_assumed: bool) -> str | None:
    """The probability with its model and its subject, or ``None`` without an MCID."""
    if p is None or mcid_points is None:
        return None
    shown = "above 0.99" if p > 0.99 else "below 0.01" if p < 0.01 else f"{p:.2f}"
    return (f"Probability that the observed before/after change in {outcome.replace('_', ' ')} is at least "
            f"{mcid_points:g} points{' (an assumed threshold)' if mcid_assumed else ''}: {shown}. From the "
            "AR(1) regression of this diary with a flat prior; it is about the change seen, not about how much "
            "of it LDN caused.")
