"""TLR4 exposure comparison (HYPOTHESIS module): plasma naltrexone vs the in-vitro concentrations.

The TLR4/microglia mechanism of LDN rests on cell studies at micromolar concentrations
(Hutchinson 2008; Wang 2016; Cant et al. found no TLR4 effect of (-)-naltrexone up to
200 µM in human cells). This module puts the simulated plasma level next to those
numbers; the IC50 is an unverified placeholder (an ASSUMPTION in the parameter records).

>>> r = tlr4_exposure(1.27)
>>> round(r["cmax_nM"], 2), round(r["fold_below_lowest_in_vitro_uM"])
(3.72, 340)
"""

from __future__ import annotations

from ldncare.core.pharmacology.parameters import ModelParameters, model_parameters

__all__ = ["IN_VITRO_RANGE_UM", "tlr4_exposure"]

#: Concentrations studied in vitro (µM): Cant et al. 1-200 µM (human PBMC, no TLR4 effect).
IN_VITRO_RANGE_UM = (1.0, 200.0)


def tlr4_exposure(cmax_ng_per_ml: float, params: ModelParameters | None = None) -> dict[str, float]:
    """Peak plasma naltrexone in nM and unbound µM, fold gaps and the hypothetical inhibition."""
    p = params or model_parameters()
    cmax_nm = cmax_ng_per_ml / p.mw_ntx_g_per_mol * 1000.0
    unbound_um = p.fu * cmax_nm / 1000.0
    return {
        "cmax_nM": cmax_nm,
        "unbound_cmax_uM": unbound_um,
        "fold_below_lowest_in_vitro_uM": IN_VITRO_RANGE_UM[0] / unbound_um if unbound_um > 0 else float("inf"),
        "fold_below_ic50": p.ic50_tlr4_um / unbound_um if unbound_um > 0 else float("inf"),
        "hypothetical_tlr4_inhibition": unbound_um / (unbound_um + p.ic50_tlr4_um),
    }
