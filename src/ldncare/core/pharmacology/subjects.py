"""Subjects: individual PK parameters from covariates and between-subject variability.

Body weight acts allometrically (exponents 0.75 on clearances, 1 on volumes, reference
70 kg: ASSUMPTIONS, see the parameter records). Hepatic impairment multiplies naltrexone
exposure by the label's 5-10x (moderate 5, severe 10; mild 2 is an assumption) through
higher oral availability: CL/F and V/F are both divided by the multiplier, so the
half-life is unchanged (an assumption about mechanism).

Populations draw log-normal random effects on oral availability F (which divides CL/F and
V/F together, so it moves Cmax and AUC alike and leaves the half-life alone: first-pass
variability of a high-extraction drug), on systemic clearance (which changes the half-life),
on CLm/fm and ka, and a log-normal body weight around the given one, from fixed blocks of
:data:`BLOCK_SIZE` subjects, each block seeded by ``SeedSequence(seed, spawn_key=(block,))``:
subject *i* gets the same values whatever the chunking.

>>> s = typical_subjects(weight_kg=70.0)
>>> float(s.cl_l_per_h[0]), float(s.v_l[0])
(500.0, 3000.0)
>>> float(typical_subjects(hepatic="severe").cl_l_per_h[0])
50.0
>>> a = sample_subjects(5, seed=1, start=0); b = sample_subjects(3, seed=1, start=2)
>>> bool(np.array_equal(a.cl_l_per_h[2:], b.cl_l_per_h))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters

__all__ = ["BLOCK_SIZE", "HEPATIC_LEVELS", "MAX_WEIGHT_KG", "MIN_WEIGHT_KG", "Hepatic", "Subjects", "sample_subjects", "typical_subjects"]

Hepatic = Literal["none", "mild", "moderate", "severe"]
HEPATIC_LEVELS: tuple[str, ...] = ("none", "mild", "moderate", "severe")
BLOCK_SIZE = 1024
MIN_WEIGHT_KG, MAX_WEIGHT_KG = 3.0, 300.0  # body-weight range the model accepts


@dataclass(frozen=True)
class Subjects:
    """Per-subject apparent PK parameters (arrays of equal length)."""

    ka_per_h: np.ndarray
    cl_l_per_h: np.ndarray
    v_l: np.ndarray
    clm_l_per_h: np.ndarray
    vm_l: np.ndarray
    weight_kg: np.ndarray

    @property
    def n(self) -> int:
        """Number of subjects."""
        return int(self.ka_per_h.shape[0])

    def take(self, index: np.ndarray | slice) -> Subjects:
        """A subset of the subjects."""
        return Subjects(*(np.asarray(getattr(self, f))[index] for f in self.__dataclass_fields__))


def hepatic_multiplier(hepatic: str, params: ModelParameters | None = None) -> float:
    """Exposure multiplier for a hepatic-impairment level (none = 1)."""
    p = params or model_parameters()
    table = {"none": 1.0, "mild": p.hepatic_mild, "moderate": p.hepatic_moderate, "severe": p.hepatic_severe}
    if hepatic not in table:
        raise ValueError(f"unknown hepatic impairment {hepatic!r}; allowed: {', '.join(HEPATIC_LEVELS)}")
    return table[hepatic]


def _build(weight_kg: np.ndarray, hepatic: str, eta: np.ndarray, p: ModelParameters) -> Subjects:
    """``eta`` columns: ka, systemic CL, CLm/fm, oral availability F (log scale)."""
    w = weight_kg / p.weight_ref_kg
    f_hep = hepatic_multiplier(hepatic, p)
    size_cl, size_v = w**p.allometric_cl, w**p.allometric_v
    f_rel = np.exp(eta[:, 3])  # relative oral availability: divides CL/F and V/F alike
    return Subjects(
        ka_per_h=p.ka_ir_per_h * np.exp(eta[:, 0]),
        cl_l_per_h=p.cl_f_l_per_h * size_cl / f_hep * np.exp(eta[:, 1]) / f_rel,
        v_l=p.v_f_l * size_v / f_hep / f_rel,
        clm_l_per_h=p.clm_f_l_per_h * size_cl * np.exp(eta[:, 2]),
        vm_l=p.vm_f_l * size_v,
        weight_kg=weight_kg,
    )


def _check_weight(weight_kg: float) -> None:
    if not (MIN_WEIGHT_KG <= weight_kg <= MAX_WEIGHT_KG):
        raise ValueError(f"weight {weight_kg} kg out of range; allowed: {MIN_WEIGHT_KG:g} to {MAX_WEIGHT_KG:g} kg")


def typical_subjects(weight_kg: float = 70.0, hepatic: str = "none", n: int = 1,
                     params: ModelParameters | None = None) -> Subjects:
    """``n`` identical typical subjects (no random effects)."""
    _check_weight(weight_kg)
    p = params or model_parameters()
    return _build(np.full(n, float(weight_kg)), hepatic, np.zeros((n, 4)), p)


def _block_draws(seed: int, block: int) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    return rng.standard_normal((BLOCK_SIZE, 5))


def sample_subjects(n: int, *, seed: int, start: int = 0, weight_kg: float = 70.0, hepatic: str = "none",
                    params: ModelParameters | None = None) -> Subjects:
    """Subjects ``start`` .. ``start + n - 1`` of the population with this ``seed``.

    Random effects: log-normal on ka, systemic CL, CLm/fm, oral availability F (SDs from the
    records) and on body weight around ``weight_kg`` (clipped to 3-300 kg).
    """
    _check_weight(weight_kg)
    p = params or model_parameters()
    if n <= 0:
        raise ValueError("a population needs at least one subject")
    first, last = start // BLOCK_SIZE, (start + n - 1) // BLOCK_SIZE
    z = np.concatenate([_block_draws(seed, b) for b in range(first, last + 1)])
    z = z[start - first * BLOCK_SIZE: start - first * BLOCK_SIZE + n]
    eta = z[:, [0, 1, 2, 4]] * np.array([p.omega_ka, p.omega_cl, p.omega_clm, p.omega_f])
    weight = np.clip(weight_kg * np.exp(p.omega_weight * z[:, 3]), MIN_WEIGHT_KG, MAX_WEIGHT_KG)
    return _build(weight, hepatic, eta, p)
