"""The screen knows everyday medicines (issue 13): a held-out list, and every opioid product.

The everyday list is written as people type medicine lists (brands, doses, "as needed",
devices), across the conditions in the library (IBD, MS, fibromyalgia, thyroid,
rheumatology, dermatology, mental health, cardiovascular, diabetes, supplements). It was
written before looking at which names the vocabulary holds, and is not used to build it.
"""

from __future__ import annotations

import pytest

from ldncare.core.safety import Profile, screen

EVERYDAY = [
    "Entyvio infusion every 8 weeks", "azathioprine 100mg", "Pentasa 1g twice daily", "Uceris 9 mg",
    "Stelara injection", "6-MP 50mg", "Copaxone 40mg three times weekly", "Ocrevus every 6 months",
    "Tecfidera 240 mg BID", "Gilenya 0.5", "Lyrica 75mg", "Cymbalta 60", "Savella 50 mg",
    "amitriptyline 10mg at bedtime", "Synthroid 100 mcg", "Plaquenil 200", "methotrexate weekly",
    "folic acid 5mg", "Xeljanz", "Humira pen", "Otezla", "Dupixent", "doxycycline 100",
    "Lipitor 20", "rosuvastatin 10mg", "Eliquis 5mg", "warfarin", "lisinopril 10", "Toprol XL",
    "metformin 500mg", "Jardiance", "Zoloft 50mg", "Lexapro", "Wellbutrin XL 150", "trazodone 50 at night",
    "vitamin D3 2000 IU", "B12 injections", "magnesium glycinate", "fish oil", "probiotic daily",
]

# Opioid products and ingredients, including the ones issue 13 found missing.
OPIOID_PRODUCTS = [
    "Percocet 10/325", "Norco 7.5", "Vicodin ES", "Lortab elixir", "Endocet", "Roxicet", "Xartemis XR",
    "Oxycet", "Primlev", "Lorcet", "Verdrocet", "Hysingla ER", "Zohydro", "Xtampza ER 9mg", "Oxaydo",
    "RoxyBond", "Apadaz", "benzhydrocodone/APAP", "tianeptine", "Neptune's Fix", "Stablon", "meptazinol",
    "Meptid", "dipipanone", "Diconal", "papaveretum", "Omnopon", "ethylmorphine", "Tylox", "Nalocet",
    "Prolate", "Reprexain", "Ibudone", "Magnacet", "Hycet", "Zamicet", "Zydone", "Anexsia", "Vicoprofen",
    "OxyContin 20", "Ultracet", "Nucynta ER", "Belbuca", "Tussigon", "Hycodan syrup", "paregoric",
]


def test_held_out_everyday_medicines_are_recognised_and_never_contraindicated():
    assert len(EVERYDAY) == 40
    results = {med: screen(Profile(medicines=(med,))) for med in EVERYDAY}
    unrecognised = [med for med, r in results.items() if r.unrecognized]
    assert len(unrecognised) <= 4, unrecognised  # >= 90 % recognised
    assert not [med for med, r in results.items() if r.verdict == "contraindicated"]


def test_a_typical_crohns_list_is_not_contraindicated():
    result = screen(Profile(medicines=("LDN 4.5 mg", "Imodium as needed", "azathioprine", "Entyvio"), conditions=("crohns",)))
    assert result.verdict == "caution"
    assert {f.code for f in result.findings} == {"ldn-itself", "opioid-antidiarrheal", "immunosuppressant"}


@pytest.mark.parametrize("med", OPIOID_PRODUCTS)
def test_every_opioid_product_is_contraindicated(med):
    result = screen(Profile(medicines=(med,)))
    assert result.verdict == "contraindicated", [f.code for f in result.findings]


@pytest.mark.parametrize("med", ["azathioprine", "Imuran", "sirolimus", "Rapamune", "everolimus", "tacrolimus",
                                 "cyclosporine", "mycophenolate", "CellCept"])
def test_transplant_type_immunosuppressants_get_the_caution(med):
    assert [f.code for f in screen(Profile(medicines=(med,))).findings] == ["immunosuppressant"]
