"""Model parameters as sourced records, and the typed bundle the engine computes with.

Every number of the model is a :class:`ModelParameter` read from ``data/parameters.yaml``:
its value, unit, status (``literature`` / ``derived`` / ``assumption``), the module it
belongs to (``rebound`` and ``tlr4`` are hypotheses) and its sources. Results carry the
list of records they were computed with (:func:`parameter_table`).

>>> p = model_parameters()
>>> p.cl_f_l_per_h, p.v_f_l
(500.0, 3000.0)
>>> get_parameter("k_e_half").status
'assumption'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ldncare.core.knowledge.records import Record, Review, Source, load_records

__all__ = [
    "HYPOTHESIS_MODULES",
    "ModelParameter",
    "ModelParameters",
    "get_parameter",
    "load_parameters",
    "model_parameters",
    "parameter_table",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

Status = Literal["literature", "derived", "assumption"]
Module = Literal["pk", "population", "covariates", "receptor", "rebound", "tlr4"]

#: Modules whose output is a hypothesis, never a measured effect.
HYPOTHESIS_MODULES = ("rebound", "tlr4")


class ModelParameter(Record):
    """One model parameter with its provenance.

    A ``literature`` or ``derived`` value needs at least one source; an ``assumption``
    needs a ``basis`` saying why the value was chosen (sources optional).
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=3)
    value: float
    unit: str
    status: Status
    module: Module
    basis: str = Field(min_length=10)
    sources: list[Source] = Field(default_factory=list)
    review: Review

    @model_validator(mode="after")
    def _sourced_unless_assumption(self) -> ModelParameter:
        if self.status != "assumption" and not self.sources:
            raise ValueError(f"{self.status} parameter {self.id!r} needs a source")
        return self

    @property
    def is_hypothesis(self) -> bool:
        """True for parameters of a hypothesis module (rebound, TLR4)."""
        return self.module in HYPOTHESIS_MODULES

    @property
    def source_text(self) -> str:
        """The sources as one line (URLs), or the basis for an unsourced assumption."""
        if not self.sources:
            return f"ASSUMPTION: {self.basis}"
        return "; ".join(str(s.url) for s in self.sources)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape every result carries: name, value, unit, status, source (+ id, module, hypothesis)."""
        return {
            "id": self.id,
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source_text,
            "module": self.module,
            "hypothesis": self.is_hypothesis,
        }


def load_parameters() -> tuple[ModelParameter, ...]:
    """All parameter records, in file order (validated; cached by the loader)."""
    return load_records("parameters.yaml", ModelParameter, key="parameters", data_dir=DATA_DIR)


def get_parameter(parameter_id: str) -> ModelParameter:
    """The record with ``parameter_id`` (``KeyError`` listing the known ids otherwise)."""
    for record in load_parameters():
        if record.id == parameter_id:
            return record
    known = ", ".join(r.id for r in load_parameters())
    raise KeyError(f"unknown parameter {parameter_id!r}; known: {known}")


def parameter_table(modules: tuple[str, ...] | None = None) -> list[dict[str, object]]:
    """The records as JSON-ready dicts (optionally only some modules)."""
    return [p.as_dict() for p in load_parameters() if modules is None or p.module in modules]


@dataclass(frozen=True)
class ModelParameters:
    """Typed values of every parameter (units in the names), built from the records."""

    ka_ir_per_h: float
    cl_f_l_per_h: float
    v_f_l: float
    vm_f_l: float
    clm_f_l_per_h: float
    fu: float
    mw_ntx_g_per_mol: float
    sr_f_rel: float
    sr_duration_h: float
    omega_f: float
    omega_cl: float
    omega_clm: float
    omega_ka: float
    omega_weight: float
    weight_ref_kg: float
    allometric_cl: float
    allometric_v: float
    hepatic_mild: float
    hepatic_moderate: float
    hepatic_severe: float
    r6: float
    fast_kon_ml_per_ng_h: float
    fast_koff_per_h: float
    compromise_ke0_per_h: float
    compromise_ec50_ng_per_ml: float
    slow_kon_ml_per_ng_h: float
    slow_koff_per_h: float
    kor_ratio: float
    dor_ratio: float
    circadian_amplitude: float
    circadian_acrophase_h: float
    k_adapt_per_h: float
    k_deg_per_h: float
    alpha_upregulation: float
    beta_endorphin_gain: float
    k_e_half: float
    ic50_tlr4_um: float


_FIELD_FOR_ID = {
    "ka_ir": "ka_ir_per_h",
    "cl_f": "cl_f_l_per_h",
    "v_f": "v_f_l",
    "vm_f": "vm_f_l",
    "clm_f": "clm_f_l_per_h",
    "fu": "fu",
    "mw_ntx": "mw_ntx_g_per_mol",
    "sr_f_rel": "sr_f_rel",
    "sr_duration": "sr_duration_h",
    "omega_f": "omega_f",
    "omega_cl": "omega_cl",
    "omega_clm": "omega_clm",
    "omega_ka": "omega_ka",
    "omega_weight": "omega_weight",
    "weight_ref": "weight_ref_kg",
    "allometric_cl": "allometric_cl",
    "allometric_v": "allometric_v",
    "hepatic_mild": "hepatic_mild",
    "hepatic_moderate": "hepatic_moderate",
    "hepatic_severe": "hepatic_severe",
    "r6": "r6",
    "fast_kon": "fast_kon_ml_per_ng_h",
    "fast_koff": "fast_koff_per_h",
    "compromise_ke0": "compromise_ke0_per_h",
    "compromise_ec50": "compromise_ec50_ng_per_ml",
    "slow_kon": "slow_kon_ml_per_ng_h",
    "slow_koff": "slow_koff_per_h",
    "kor_ratio": "kor_ratio",
    "dor_ratio": "dor_ratio",
    "circadian_amplitude": "circadian_amplitude",
    "circadian_acrophase": "circadian_acrophase_h",
    "k_adapt": "k_adapt_per_h",
    "k_deg": "k_deg_per_h",
    "alpha_upregulation": "alpha_upregulation",
    "beta_endorphin_gain": "beta_endorphin_gain",
    "k_e_half": "k_e_half",
    "ic50_tlr4": "ic50_tlr4_um",
}


@cache
def model_parameters() -> ModelParameters:
    """The default parameter values as a typed, immutable bundle."""
    values = {p.id: p.value for p in load_parameters()}
    missing = sorted(set(_FIELD_FOR_ID) - set(values))
    extra = sorted(set(values) - set(_FIELD_FOR_ID))
    if missing or extra:
        raise ValueError(f"parameters.yaml out of step with the model: missing {missing}, unknown {extra}")
    return ModelParameters(**{field: values[pid] for pid, field in _FIELD_FOR_ID.items()})
