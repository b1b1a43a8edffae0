from __future__ import annotations

import shutil

import pytest

from ldncare.core.knowledge import KnowledgeDataError
from ldncare.core.knowledge.peptides import (
    FoodPeptide,
    get_peptide,
    load_peptide_notice,
    load_peptides,
    load_source_proteins,
)
from ldncare.core.knowledge.records import DATA_DIR


def test_the_notice_says_plainly_they_are_not_a_substitute():
    notice = load_peptide_notice()
    assert "not a substitute for low-dose naltrexone" in notice.text
    assert "agonists" in notice.text
    assert notice.sources
    assert notice.review.reviewed_by


def test_ids_and_sequences_are_unique():
    peptides = load_peptides()
    assert len({p.id for p in peptides}) == len(peptides)
    sequences = [(p.sequence, p.c_terminal) for p in peptides]
    assert len(set(sequences)) == len(sequences), "two peptides share a sequence (cf. the rubiscolin error)"


def test_rubiscolins_have_the_primary_paper_sequences_not_the_gluten_exorphins():
    assert get_peptide("rubiscolin-5").sequence == "YPLDL"
    assert get_peptide("rubiscolin-6").sequence == "YPLDLF"
    assert get_peptide("gluten-exorphin-a4").sequence == "GYYP"
    assert get_peptide("gluten-exorphin-a5").sequence == "GYYPT"


def test_most_are_agonists_and_only_casoxins_and_oryzatensin_block():
    antagonists = {p.id for p in load_peptides() if p.action == "antagonist"}
    assert antagonists == {"casoxin", "casoxin-a", "casoxin-b", "casoxin-c", "casoxin-d", "oryzatensin"}
    assert all(p.opposes_naltrexone for p in load_peptides() if p.id not in antagonists)


def test_no_peptide_claims_human_evidence():
    assert {p.evidence_level for p in load_peptides()} <= {"in_vitro", "animal"}


def test_positions_match_the_uniprot_mature_chains():
    proteins = {p.id: p for p in load_source_proteins()}
    bcm7 = get_peptide("beta-casomorphin-7")
    assert proteins["bovine-beta-casein"].mature_sequence[59:66] == bcm7.sequence == "YPFPGPI"
    assert proteins["bovine-beta-casein"].mature_sequence[66] == "P"  # UniProt is the A2 variant
    assert "YVPFPPF" not in proteins["bovine-kappa-casein"].sequence  # casoxin D is not from cow kappa-casein


def test_three_letter_code():
    assert get_peptide("beta-casomorphin-7").three_letter == "Tyr-Pro-Phe-Pro-Gly-Pro-Ile"


@pytest.mark.parametrize("peptide", load_peptides(), ids=lambda p: p.id)
def test_every_peptide_is_sourced_and_reviewed(peptide):
    assert peptide.sources
    assert peptide.review.reviewed_on


def _copy_with(tmp_path, old, new):
    text = (DATA_DIR / "peptides.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "peptides.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def test_a_sequence_that_is_not_in_its_protein_fails_to_load(tmp_path):
    data_dir = _copy_with(tmp_path, "sequence: YPFPGPI\n", "sequence: YPFPGPL\n")
    with pytest.raises(KnowledgeDataError, match="beta-casomorphin-7.*not at mature position 60"):
        load_peptides(data_dir=data_dir)


def test_a_peptide_without_a_source_fails_to_load(tmp_path):
    data_dir = _copy_with(tmp_path, "    sources: [*casomorphin_wiki, *bcm_review, *jasbsci]\n", "    sources: []\n")
    with pytest.raises(KnowledgeDataError, match="beta-casomorphin-7.*sources"):
        load_peptides(data_dir=data_dir)


def test_non_amino_acid_letters_are_refused():
    with pytest.raises(ValueError, match="amino-acid"):
        FoodPeptide.model_validate(
            {"id": "x", "name": "x", "sequence": "YPB", "source_protein": "x", "foods": ["x"], "action": "agonist",
             "evidence_level": "animal", "human_evidence": "none found", "sources": [{"pmid": "1"}],
             "review": {"reviewed_by": "a b", "reviewed_on": "2026-11-24"}}
        )  # fmt: skip


def test_the_real_file_still_loads_from_a_copy(tmp_path):
    shutil.copy(DATA_DIR / "peptides.yaml", tmp_path / "peptides.yaml")
    assert len(load_peptides(data_dir=tmp_path)) == len(load_peptides())
