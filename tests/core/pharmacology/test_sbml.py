"""SBML export: consistent per libsbml, and libRoadRunner reproduces the fast engine."""

from __future__ import annotations

import libsbml
import numpy as np
import pytest

from ldncare.core.pharmacology.engine import simulate_subjects
from ldncare.core.pharmacology.regimen import daily_at, titrate
from ldncare.core.pharmacology.sbml import check_sbml, export_sbml
from ldncare.core.pharmacology.subjects import sample_subjects

roadrunner = pytest.importorskip("roadrunner")

COLUMNS = {"C": "ntx_ng_per_ml", "Cm": "nal6b_ng_per_ml", "occ": "mor_occupancy", "Bk": "kor_occupancy",
           "pool": "receptor_pool", "rebound": "rebound_index"}


def test_document_passes_the_consistency_check():
    text = export_sbml(titrate([(1, 1.5), (3, 4.5)], "08:00", days=4, form="sr"), sample_subjects(1, seed=1))
    assert check_sbml(text) == []
    model = libsbml.readSBMLFromString(text).getModel()
    assert model.getNumEvents() == 4 + 3  # SR: 4 end events, 3 start events (the first is an initial value)


@pytest.mark.parametrize(("scenario", "form"), [("fast", "ir"), ("compromise", "sr"), ("slow", "sr")])
def test_roadrunner_agrees_with_the_engine(scenario, form):
    regimen = daily_at(4.5, "22:00", days=3, form=form)
    subjects = sample_subjects(2, seed=3)
    ours = simulate_subjects(regimen, subjects, scenario)
    rr = roadrunner.RoadRunner(export_sbml(regimen, subjects, scenario, index=1))
    rr.integrator.relative_tolerance = 1e-10
    rr.integrator.absolute_tolerance = 1e-14
    res = rr.simulate(ours.t_h[0], ours.t_h[-1], len(ours.t_h), ["time", *COLUMNS])
    np.testing.assert_allclose(res["time"], ours.t_h, atol=1e-9)
    for column, series in COLUMNS.items():
        expected = ours.series[series][1]
        assert np.abs(res[column] - expected).max() <= 1e-4 * np.abs(expected).max(), column
