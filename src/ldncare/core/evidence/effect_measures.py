"""Effect measures and the documented conversions between them.

A number from a trial means something only together with its measure: a mean difference on
a named scale, a between-group Cohen's d or Hedges' g, a crossover's within-person d_z, a
rank-test r. :data:`CONVERSIONS` holds the conversions a meta-analysis may apply before
pooling, each with its method and the place it is documented; :data:`NOT_CONVERTIBLE` says
why the other measures cannot join one another. The measures themselves are named in
:data:`ldncare.core.knowledge.studies.EFFECT_MEASURE_LABELS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ldncare.core.knowledge.studies import Effect

__all__ = ["COCHRANE_CH23", "COCHRANE_CH6", "CONVERSIONS", "NOT_CONVERTIBLE", "Conversion", "convert_effect"]


COCHRANE_CH6 = "https://training.cochrane.org/handbook/current/chapter-06"
COCHRANE_CH23 = "https://training.cochrane.org/handbook/current/chapter-23"


@dataclass(frozen=True)
class Conversion:
    """A documented conversion of one effect measure into another (estimate and standard error)."""

    source_measure: str
    target_measure: str
    method: str
    source_url: str
    factor: Callable[[Effect], float | None]

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form (what was converted, how, and where the method is documented)."""
        return {"from": self.source_measure, "to": self.target_measure, "method": self.method, "source": self.source_url}


def _hedges_j(effect: Effect) -> float | None:
    if effect.n_analysed is None or effect.n_analysed < 4:
        return None
    return 1 - 3 / (4 * (effect.n_analysed - 2) - 1)


CONVERSIONS: dict[str, Conversion] = {
    "SMD_cohens_d_between": Conversion(
        source_measure="SMD_cohens_d_between",
        target_measure="SMD_hedges_g_between",
        method="Hedges' g = J x Cohen's d and SE(g) = J x SE(d), J = 1 - 3 / (4 (N - 2) - 1) with N the participants "
        "analysed (Hedges' small-sample correction; the adjusted SMD the Cochrane Handbook chapter 6, section 6.5.1.2, uses)",
        source_url=COCHRANE_CH6,
        factor=_hedges_j,
    ),
}
"""Documented conversions, applied before pooling; the pooled study names the conversion used."""

NOT_CONVERTIBLE: dict[str, str] = {
    "d_z_crossover": "a crossover's within-person d_z becomes a between-group SMD only with the correlation between "
    f"the periods' measurements (Cochrane Handbook chapter 23, section 23.2.7, {COCHRANE_CH23}), which the source does not give",
    "r_z_over_sqrt_n": "an r = Z / sqrt(N) from a rank test has no documented conversion to a mean difference or an SMD",
    "effect_size_unnamed": "an effect size whose type the source does not name cannot be converted to anything",
    "MD": "a mean difference pools only with mean differences on the same scale; turning it into an SMD needs the "
    "outcome's standard deviation",
}
"""Why a measure cannot join another one (shown when studies are left side by side)."""


def convert_effect(effect: Effect) -> tuple[str, float, float | None, Conversion | None]:
    """``(pooled_measure, estimate, se_factor, conversion)`` of ``effect`` after :data:`CONVERSIONS`.

    Without a documented conversion (or without the numbers it needs) the effect keeps its own
    measure and ``se_factor`` is 1.

    >>> from ldncare.core.knowledge.studies import Effect
    >>> e = Effect(outcome_domain="pain", instrument="NRS", effect_measure="SMD_cohens_d_between",
    ...            estimate=-0.23, p_value=0.27, n_analysed=99, basis="stated")
    >>> measure, g, factor, conv = convert_effect(e)
    >>> measure, round(g, 4), round(factor, 4), conv.source_url.endswith("chapter-06")
    ('SMD_hedges_g_between', -0.2282, 0.9922, True)
    """
    conversion = CONVERSIONS.get(effect.effect_measure)
    if conversion is not None and (factor := conversion.factor(effect)) is not None:
        return conversion.target_measure, effect.estimate * factor, factor, conversion
    return effect.effect_measure, effect.estimate, 1.0, None


