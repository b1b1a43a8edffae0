"""The safety screen: rules, levels, verdict, unrecognised medicines, profile validation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ldncare.core.safety.screen import MAX_DOSE_MG, Profile, screen
from ldncare.core.safety.vocabulary import load_drug_vocabulary

TODAY = dt.date(2026, 11, 24)
VOCAB = load_drug_vocabulary()


def _codes(**profile) -> list[str]:
    return [f.code for f in screen(Profile(**profile), today=TODAY).findings]


def test_empty_profile_is_ok():
    result = screen(Profile(), today=TODAY)
    assert result.verdict == "ok"
    assert result.findings == ()
    assert result.unrecognized == ()


@pytest.mark.parametrize(
    ("med", "code"),
    [
        ("Norco 5/325", "opioid-analgesic"),
        ("tramadol 50mg", "opioid-analgesic"),
        ("Robitussin AC", "opioid-antitussive"),
        ("Suboxone", "opioid-use-disorder-treatment"),
        ("methadone", "opioid-use-disorder-treatment"),
        ("kratom", "kratom"),
        ("Stadol", "opioid-agonist-antagonist"),
        # international brands (AU/NZ, CA, UK/IE, FR/BE/CH, DE) and the discontinued US implant
        ("Endone 5mg", "opioid-analgesic"),
        ("Mersyndol Forte 2 tabs", "opioid-analgesic"),
        ("Panamax Co", "opioid-analgesic"),
        ("Norspan 10 patch", "opioid-use-disorder-treatment"),
        ("Biodone Forte", "opioid-use-disorder-treatment"),
        ("222", "opioid-analgesic"),
        ("292 (2 tabs)", "opioid-analgesic"),
        ("Zaldiar 37.5/325", "opioid-analgesic"),
        ("Dafalgan Codéine", "opioid-analgesic"),
        ("dafalgan codeine", "opioid-analgesic"),
        ("Valoron N retard 100/8 mg", "opioid-analgesic"),
        ("Lamaline gélule", "opioid-analgesic"),  # opium as a pain product, not the antidiarrhoeal rule
        ("Dipidolor", "opioid-analgesic"),
        ("L-Polamidon 5mg/ml", "opioid-use-disorder-treatment"),
        ("Instanyl 100 mcg", "opioid-analgesic"),
        ("Probuphine implant", "opioid-use-disorder-treatment"),
    ],
)
def test_opioids_are_contraindicated_with_a_class_specific_code(med, code):
    result = screen(Profile(medicines=(med,)), today=TODAY)
    assert result.verdict == "contraindicated"
    finding = result.findings[0]
    assert (finding.level, finding.code) == ("contraindicated", code)
    assert finding.matched
    assert finding.matched[0].input == med
    assert finding.sources
    assert "withdrawal" in finding.message
    assert "block" in finding.message


PERIPHERAL_ANTIDIARRHOEALS = {"loperamide", "diphenoxylate", "difenoxin", "eluxadoline"}


def _peripheral_only(entry) -> bool:
    ids = {entry.id} if not hasattr(entry, "ingredients") else set(entry.ingredients)
    opioids = {i for i in ids if VOCAB.ingredient(i).is_opioid_agonist}
    return bool(opioids) and opioids <= PERIPHERAL_ANTIDIARRHOEALS


def test_every_opioid_entry_in_the_data_is_contraindicated():
    for entry in VOCAB.opioid_entries():
        if _peripheral_only(entry):
            continue  # the label's precaution: test_antidiarrhoeal_opioids_are_a_caution_with_the_label_wording
        for name in entry.names:
            result = screen(Profile(medicines=(name,)), today=TODAY)
            assert result.verdict == "contraindicated", name
            assert any(f.level == "contraindicated" for f in result.findings), name


@pytest.mark.parametrize("med", ["Imodium as needed", "Imodium A-D", "loperamide 2mg prn", "Lomotil", "diphenoxylate/atropine",
                                 "difenoxin", "Motofen", "Viberzi 100 mg", "eluxadoline"])
def test_antidiarrhoeal_opioids_are_a_caution_with_the_label_wording(med):
    result = screen(Profile(medicines=(med,)), today=TODAY)
    assert result.verdict == "caution", [f.code for f in result.findings]
    finding = result.findings[0]
    assert (finding.level, finding.code) == ("caution", "opioid-antidiarrheal")
    assert "may not benefit" in finding.message
    assert any("may not benefit" in (s.note or "") for s in finding.sources)


def test_every_peripheral_antidiarrhoeal_entry_is_a_caution_never_ok():
    for entry in VOCAB.opioid_entries():
        if _peripheral_only(entry):
            for name in entry.names:
                assert screen(Profile(medicines=(name,)), today=TODAY).verdict == "caution", name


def test_opium_preparations_stay_contraindicated():
    for med in ("paregoric", "opium tincture", "laudanum"):
        assert screen(Profile(medicines=(med,)), today=TODAY).verdict == "contraindicated", med


def test_common_non_opioids_raise_no_contraindication():
    meds = ("ibuprofen 400mg", "gabapentin 300 mg", "levothyroxine 50 mcg", "metformin", "sertraline",
            "acetaminophen", "naproxen", "cetirizine", "Delsym", "Toradol", "Mucinex")
    result = screen(Profile(medicines=meds), today=TODAY)
    assert result.verdict == "ok"
    assert all(f.level == "info" for f in result.findings)  # dextromethorphan note only
    assert result.unrecognized == ()


def test_non_opioid_look_alikes_and_numbers_raise_no_contraindication():
    meds = ("Panamax 500mg", "Dafalgan 1g", "Efferalgan 500 mg", "vitamin D 2000 IU", "vitamin D 1,222 IU",
            "Nurofen 200mg")
    result = screen(Profile(medicines=meds), today=TODAY)
    assert result.verdict == "ok"
    assert result.unrecognized == ()


def test_a_dose_of_222_mg_is_not_the_brand_222():
    result = screen(Profile(medicines=("magnesium citrate 222 mg",)), today=TODAY)
    assert "contraindicated" not in {f.level for f in result.findings}
    assert result.medicines[0].ingredients == ("magnesium",)  # read as a magnesium dose, not the brand


def test_a_numeric_brand_finding_names_the_product():
    finding = screen(Profile(medicines=("292",)), today=TODAY).findings[0]
    assert [(m.product, m.ingredient) for m in finding.matched] == [("292", "codeine")]


def test_combination_reports_which_ingredient_matched():
    finding = screen(Profile(medicines=("oxycodone/APAP 5/325",)), today=TODAY).findings[0]
    assert [(m.ingredient, m.product) for m in finding.matched] == [("oxycodone", "oxycodone-apap")]


def test_fuzzy_match_is_reported():
    finding = screen(Profile(medicines=("burprenorphine",)), today=TODAY).findings[0]
    assert finding.matched[0].via == "fuzzy"
    assert finding.matched[0].matched_form == "buprenorphine"


def test_unrecognised_medicines_are_listed_and_never_ok():
    result = screen(Profile(medicines=("Zzyqx 10 mg", "ibuprofen")), today=TODAY)
    assert result.unrecognized == ("Zzyqx 10 mg",)
    assert result.verdict == "caution"
    assert [f.code for f in result.findings] == ["unrecognized-medicine"]
    assert "pharmacist" in result.findings[0].action


def test_partly_recognised_medicine_is_listed_too():
    result = screen(Profile(medicines=("tramadol zzzfoo",)), today=TODAY)
    assert result.unrecognized == ("tramadol zzzfoo",)
    assert {f.code for f in result.findings} == {"opioid-analgesic", "unrecognized-medicine"}


def test_thyroid_hormone_is_a_caution_only_with_hashimotos():
    # without a thyroid condition entered: an info prompt (verdict stays ok), never silence
    assert _codes(medicines=("Synthroid",)) == ["thyroid-hormone-prompt"]
    assert screen(Profile(medicines=("levothyroxine 50 mcg",)), today=TODAY).verdict == "ok"
    assert _codes(medicines=("Cytomel 5 mcg",), conditions=("fibromyalgia",)) == ["thyroid-hormone-prompt"]
    assert _codes(medicines=("Armour Thyroid",), conditions=("Hashimoto's",)) == ["thyroid-hormone-hashimoto"]
    assert _codes(medicines=("liothyronine",), conditions=("hashimotos-thyroiditis",)) == ["thyroid-hormone-hashimoto"]


def test_pregnancy_breastfeeding_liver():
    assert _codes(pregnant=True) == ["pregnancy"]
    assert _codes(breastfeeding=True) == ["breastfeeding"]
    result = screen(Profile(hepatic="moderate"), today=TODAY)
    assert result.verdict == "caution"
    assert "ldncare simulate --hepatic moderate" in result.findings[0].message
    assert "5-10 times" in result.findings[0].message


def test_surgery_stop_date_is_two_days_before():
    finding = screen(Profile(surgery_date=dt.date(2026, 12, 10)), today=TODAY).findings[0]
    assert (finding.level, finding.code) == ("caution", "surgery-planned")
    assert "2026-12-08" in finding.action
    assert "in 16 days" in finding.message


def test_surgery_tomorrow_says_the_stop_date_has_passed():
    finding = screen(Profile(surgery_date=TODAY + dt.timedelta(days=1)), today=TODAY).findings[0]
    assert "has passed" in finding.action


def test_past_surgery_gives_restart_advice():
    finding = screen(Profile(surgery_date=TODAY - dt.timedelta(days=3)), today=TODAY).findings[0]
    assert (finding.level, finding.code) == ("info", "surgery-recent")
    assert "3 days ago" in finding.message


@pytest.mark.parametrize(
    ("dose", "codes"),
    [(1.5, []), (4.5, []), (4.6, ["dose-above-usual"]), (9, ["dose-above-usual"]), (9.01, ["dose-high"]),
     (49.9, ["dose-high"]), (50, ["dose-not-low"]), (300, ["dose-not-low"])],
)
def test_dose_bands(dose, codes):
    assert _codes(dose_mg=dose) == codes


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0.001, max_value=MAX_DOSE_MG))
def test_exactly_one_dose_band_above_usual_and_levels_rise_with_dose(dose):
    findings = [f for f in screen(Profile(dose_mg=dose), today=TODAY).findings if f.code.startswith("dose-")]
    assert len(findings) == (1 if dose > 4.5 else 0)
    if findings:
        assert findings[0].level == ("info" if dose <= 9 else "caution")


def test_pediatric_dose_by_weight():
    assert _codes(age_years=10, weight_kg=30, dose_mg=3) == ["pediatric"]
    codes = _codes(age_years=10, weight_kg=30, dose_mg=4.5)
    assert codes == ["pediatric-dose-above-trial", "pediatric"]
    finding = screen(Profile(age_years=10, weight_kg=30), today=TODAY).findings[0]
    assert "3.00 mg" in finding.message
    assert _codes(age_years=40, weight_kg=30, dose_mg=4.5) == []


def test_verdict_is_the_worst_level_and_findings_are_sorted():
    result = screen(Profile(medicines=("Tylenol #3",), pregnant=True, dose_mg=6), today=TODAY)
    assert result.verdict == "contraindicated"
    assert [f.level for f in result.findings] == ["contraindicated", "caution", "info"]
    assert screen(Profile(dose_mg=6), today=TODAY).verdict == "ok"  # info only


def test_json_shape_is_the_contract():
    payload = screen(Profile(medicines=("Norco", "qwertyx")), today=TODAY).to_json()
    assert set(payload) == {"verdict", "findings", "unrecognized"}
    assert set(payload["findings"][0]) == {"level", "code", "message", "action", "sources", "matched"}
    assert payload["unrecognized"] == ["qwertyx"]


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("dose_mg", 0, "greater than 0"),
        ("dose_mg", -1, "greater than 0"),
        ("dose_mg", 5000, "less than or equal"),
        ("age_years", 200, "less than or equal"),
        ("weight_kg", 0, "greater than 0"),
        ("hepatic", "terrible", "none"),
        ("conditions", ("lupus",), "unknown condition"),
        ("medicines", ("  ",), "empty"),
    ],
)
def test_implausible_profiles_are_refused(field, value, match):
    with pytest.raises(ValidationError, match=match):
        Profile(**{field: value})


# Every opioid medicine named in the knowledge data (studies, side effects, peptides) and
# in the research notes behind it (clinical-practice.md §0, §A3.2, §A3.3).
NAMED_IN_SOURCES = ["tramadol", "Ultram", "Percocet", "morphine", "fentanyl patch", "Duragesic",
                    "codeine", "co-codamol", "codeine cough syrup", "dihydrocodeine", "buprenorphine", "butorphanol", "methadone",
                    "kratom", "mitragynine", "7-hydroxymitragynine", "heroin"]


@pytest.mark.parametrize("med", NAMED_IN_SOURCES)
def test_every_opioid_named_in_the_sources_is_contraindicated(med):
    assert screen(Profile(medicines=(med,)), today=TODAY).verdict == "contraindicated"


def test_ldn_itself_is_recognised_without_a_caution():
    result = screen(Profile(medicines=("LDN 4.5 mg",)), today=TODAY)
    assert result.verdict == "ok"
    assert [f.code for f in result.findings] == ["ldn-itself"]
    assert screen(Profile(medicines=("Vivitrol",)), today=TODAY).findings[0].code == "contains-naltrexone"
