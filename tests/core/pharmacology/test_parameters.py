"""Parameter records: every value sourced or a labelled assumption, and in step with the model."""

from __future__ import annotations

import math

import pytest

from ldncare.core.knowledge.records import KnowledgeDataError, load_records
from ldncare.core.pharmacology.parameters import (
    ModelParameter,
    get_parameter,
    load_parameters,
    model_parameters,
    parameter_table,
)


def test_every_parameter_has_provenance():
    records = load_parameters()
    assert len(records) >= 30
    for record in records:
        assert record.status in {"literature", "derived", "assumption"}
        assert record.review.reviewed_by
        if record.status != "assumption":
            assert record.sources, record.id
        assert record.source_text


def test_hypothesis_modules_are_labelled():
    rows = {row["id"]: row for row in parameter_table()}
    assert rows["alpha_upregulation"]["hypothesis"] is True
    assert rows["ic50_tlr4"]["hypothesis"] is True
    assert rows["cl_f"]["hypothesis"] is False
    assert {row["status"] for row in rows.values()} == {"literature", "derived", "assumption"}
    assert set(rows["cl_f"]) >= {"name", "value", "unit", "status", "source"}


def test_an_unsourced_literature_value_is_rejected(tmp_path):
    (tmp_path / "p.yaml").write_text(
        "parameters:\n  - {id: x, name: xyz, value: 1, unit: h, status: literature, module: pk,"
        " basis: a basis text, review: {reviewed_by: me, reviewed_on: 2026-11-24}}\n"
    )
    with pytest.raises(KnowledgeDataError, match="needs a source"):
        load_records("p.yaml", ModelParameter, key="parameters", data_dir=tmp_path)


def test_derived_values_follow_from_their_basis():
    p = model_parameters()
    # CLm = Vm ln2 / 13 h; V = CL t1/2 / ln 2 with t1/2 about 4 h; omegas from CVs 49 % and 30 %
    assert p.clm_f_l_per_h == pytest.approx(p.vm_f_l * math.log(2) / 13.0, rel=0.01)
    assert p.v_f_l * math.log(2) / p.cl_f_l_per_h == pytest.approx(4.16, abs=0.01)
    # F carries the AUC spread (CV 49 %) together with the systemic-clearance spread (CV 8.5 %, Licko)
    assert math.hypot(p.omega_f, p.omega_cl) == pytest.approx(math.sqrt(math.log(1 + 0.485**2)), abs=0.01)
    assert p.omega_cl == pytest.approx(300 / 3510, abs=0.002)
    assert p.omega_clm == pytest.approx(math.sqrt(math.log(1 + (730 / 2467) ** 2)), abs=0.01)
    assert p.sr_f_rel == pytest.approx(8.4 / (16.0 * 1000.0 / p.cl_f_l_per_h), rel=1e-6)


def test_alpha_is_calibrated_to_55_percent_upregulation_after_8_days():
    # continuous full blockade: A = 1 - exp(-ka t), dR/dt = kd (1 + alpha A - R)
    p = model_parameters()
    ka, kd, t = p.k_adapt_per_h, p.k_deg_per_h, 192.0
    rise = (1 - math.exp(-kd * t)) - kd * (math.exp(-ka * t) - math.exp(-kd * t)) / (kd - ka)
    assert 1 + p.alpha_upregulation * rise == pytest.approx(1.55, abs=0.005)


def test_unknown_parameter_lists_known_ids():
    with pytest.raises(KeyError, match="cl_f"):
        get_parameter("nope")
