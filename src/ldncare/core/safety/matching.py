"""Finding the ingredients in what people type as a medicine name.

People write "Norco 5/325", "Tylenol #3", "oxycodone/APAP", "Robitussin-AC",
"tramadoll 50mg" or "HYDROCODONE BITARTRATE and acetaminophen tablets". :func:`tokenize`
reduces such text to word tokens (case, accents, punctuation, "#3"/"No. 3", slashes, "w/"
and glued strengths like "50mg" normalised); :func:`match_medicine` then finds the
vocabulary names in those tokens:

1. whole-token phrase matching, longest names first (so "Tylenol 3" wins over "Tylenol",
   and "ibuprofen" can never match inside another word);
2. two adjacent tokens joined ("Oxy Contin" -> "oxycontin");
3. a spelling correction for words still unknown (difflib ratio >= 0.85 and at most two
   letters longer or shorter for words of six letters or more, one edit for four- or
   five-letter words, same first letter in both cases), after
   which step 1 runs again; corrected matches are reported as ``via="fuzzy"``.

Numbers, units, dosage forms, salts and frequency words left over are ignored; any other
word left over is reported in ``unknown_words`` so that nothing is silently dropped.

A few brands are bare numbers (Canada's "222", "282", "292": ASA, caffeine and codeine). A
number matches such a brand wherever it stands as a whole token ("222", "222s", "2 x 292",
"ibuprofen, 292": read as the brand, the safe side), except when a unit of amount follows
it ("magnesium 222 mg" is a dose, not the brand); it never matches inside another number
("vitamin D 2000", "1,222 IU", "2.22"), and two numbers are never glued into one ("2 22").

>>> m = match_medicine("Norco 5/325")
>>> m.ingredients, m.matched[0].matched_form
(('hydrocodone', 'acetaminophen'), 'Norco')
>>> match_medicine("tramadol 50mg").matched[0].via, match_medicine("tramadolll").matched[0].via
('name', 'fuzzy')
>>> match_medicine("ibuprofen 400 mg").ingredients
('ibuprofen',)
>>> match_medicine("xyzzy 5 mg").unknown_words
('xyzzy',)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

from ldncare.core.knowledge.records import Record
from ldncare.core.safety.vocabulary import DrugVocabulary, load_drug_vocabulary

__all__ = [
    "IGNORED_WORDS",
    "MatchedTerm",
    "MedicineMatch",
    "match_medicine",
    "tokenize",
]

# Words that say how much, in what form or how often: not ingredients, never "unknown".
IGNORED_WORDS: frozenset[str] = frozenset(
    """
    mg mcg ug g gm gram grams ml l iu unit units hr hrs h hour hours meq percent
    tab tabs tablet tablets cap caps capsule capsules pill pills softgel softgels caplet caplets
    er sr xr xl ir cr la dr ec odt ds es hp extended immediate delayed release controlled
    modified sustained long short acting oral orally solution syrup liquid suspension elixir
    drops drop patch patches spray nasal injection injectable inj cream gel film films
    sublingual buccal lozenge lozenges powder granules chewable dissolving sachet
    hcl hydrochloride bitartrate sulfate sulphate phosphate citrate tartrate sodium potassium
    maleate hydrobromide besylate succinate mesylate acetate fumarate bromide chloride
    generic brand strength extra maximum max regular adult adults children childrens junior
    daily day days once twice times a an the per every each as needed prn bid tid qid qhs qd
    qam qpm am pm morning evening night nightly bedtime weekly take taking taken one two
    three four half quarter at of in to for by qty quantity
    with and plus w or s
    retard lp gelule gelules comprime comprimes pellicule secable effervescent tabletten retardtabletten
    filmtabletten kapseln tropfen implant implants suppository suppositories suppositoire suppositoires
    infusion infusions pen pens inhaler inhalers puffer puffs puff shot shots autoinjector injections vial
    weeks week months month hd otc ointment lotion foam shampoo wash topical vaginal taper dose doses pack dosepak
    diskus sureclick respimat handihaler ellipta flexpen kwikpen pump iud
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Units of amount: a number followed by one of these is a dose, never a numeric brand name.
_AMOUNT_UNITS: frozenset[str] = frozenset(
    "mg mcg ug g gm gram grams ml l iu unit units meq mmol percent kg".split()  # noqa: SIM905
)

#: difflib ratio a word of six letters or more needs to be corrected to a vocabulary word.
_CUTOFF = 0.85
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_BRACKETED_COUNT = re.compile(r"[(\[]\s*(?=\d+(?:\.\d+)?\s*(?:x\s*)?(?:tab|tablet|cap|capsule|caplet|pill|softgel)s?\b)")
_ZERO_WIDTH = {"Cf"}  # format characters (zero-width joiners, RTL overrides...) are dropped


def _fold(text: str) -> str:
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) not in _ZERO_WIDTH)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return text.replace("\u03bc", "u")  # micro sign / mu -> u (mcg written as µg)


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[str, ...]:
    """Split a medicine text into normalised word and number tokens.

    >>> tokenize("Tylenol #3")
    ('tylenol', '3')
    >>> tokenize("Oxycodone/APAP 5-325mg")
    ('oxycodone', 'apap', '5', '325', 'mg')
    >>> tokenize("Tylenol w/ Codeine No.4")
    ('tylenol', 'with', 'codeine', '4')
    >>> tokenize("tramadol 37.5mg, 1 tab BID")
    ('tramadol', '37.5', 'mg', '1', 'tab', 'bid')

    A count in brackets is a quantity, never part of a name: "Tylenol (2 tabs)" is two
    Tylenol, not Tylenol #2 (without brackets, "Tylenol 2 tabs" stays ambiguous and is read
    as Tylenol #2, the safe side for an opioid screen).

    >>> tokenize("Tylenol (2 tabs)")
    ('tylenol', 'qty', '2', 'tabs')

    A comma followed by exactly three digits is a thousands separator, so "1,222 IU" is one
    number and can never be read as the brand "222":

    >>> tokenize("vitamin D 1,222 IU")
    ('vitamin', 'd', '1222', 'iu')
    """
    text = _fold(text)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 1,222 is one number (a thousands comma)
    text = _BRACKETED_COUNT.sub(" qty ", text)
    text = re.sub(r"\bw\s*/\s*", " with ", text)
    text = re.sub(r"#[\s,-]*(?=\d)", " ", text)
    text = re.sub(r"\bno\s*\.?[\s,-]*(?=\d)", " ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # keep the dot only inside numbers
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    text = re.sub(r"(?<=\d)(?=[a-z])", " ", text)  # 50mg -> 50 mg
    text = re.sub(r"(?<=[a-z]{3})(?=\d)", " ", text)  # apap325 -> apap 325 (t3, b12 kept)
    return tuple(text.split())


class MatchedTerm(Record):
    """One vocabulary name found in the input: which words, which record, how."""

    input: str
    matched_form: str
    kind: Literal["ingredient", "product"]
    record_id: str
    ingredients: tuple[str, ...]
    via: Literal["name", "synonym", "misspelling", "fuzzy"]
    rule: str | None = None


class MedicineMatch(Record):
    """What one medicine text was matched to.

    ``ingredients`` are ingredient ids (each once, in order found); ``unknown_words`` are the
    words that matched nothing and are not amounts, forms or frequencies.
    """

    text: str
    ingredients: tuple[str, ...]
    matched: tuple[MatchedTerm, ...]
    unknown_words: tuple[str, ...]

    @property
    def recognized(self) -> bool:
        """True when at least one ingredient was found."""
        return bool(self.ingredients)

    @property
    def fully_recognized(self) -> bool:
        """True when an ingredient was found and no unexplained word is left."""
        return self.recognized and not self.unknown_words


@dataclass(frozen=True)
class _Entry:
    kind: Literal["ingredient", "product"]
    record_id: str
    form: str
    via: Literal["name", "synonym", "misspelling"]
    ingredients: tuple[str, ...]
    rule: str | None
    opioid: bool


@dataclass(frozen=True, eq=False)
class _Index:
    phrases: dict[tuple[str, ...], _Entry]
    max_len: int
    words: tuple[str, ...]  # correction candidates
    opioid_words: frozenset[str] = field(default_factory=frozenset)


def _numeric(key: tuple[str, ...]) -> bool:
    """True for a name made of numbers only (a numeric brand such as "222")."""
    return all(_NUMBER.match(t) for t in key)


@cache
def _index(vocabulary: DrugVocabulary) -> _Index:
    phrases: dict[tuple[str, ...], _Entry] = {}

    def add(names: Iterable[tuple[str, str]], entry_of) -> None:
        for name, via in names:
            key = tokenize(name)
            if key and key not in phrases:
                phrases[key] = entry_of(via)

    for ing in vocabulary.ingredients:
        named = [(ing.name, "name")] + [(s, "synonym") for s in ing.synonyms] + [(m, "misspelling") for m in ing.misspellings]
        add(named, lambda via, ing=ing: _Entry("ingredient", ing.id, ing.name, via, (ing.id,), None, ing.is_opioid_agonist))
    for prod in vocabulary.products:
        ids = tuple(prod.ingredients)
        opioid = any(i.is_opioid_agonist for i in vocabulary.ingredients_of(prod))
        named = [(prod.name, "name")] + [(a, "synonym") for a in prod.aliases] + [(m, "misspelling") for m in prod.misspellings]
        add(named, lambda via, prod=prod, ids=ids, opioid=opioid: _Entry("product", prod.id, prod.name, via, ids, prod.rule, opioid))
    words = {w for key in phrases for w in key if w.isalpha() and len(w) >= 4}
    opioid_words = frozenset(w for key, e in phrases.items() if e.opioid for w in key)
    words |= {w for w in IGNORED_WORDS if len(w) >= 4}
    return _Index(phrases, max(len(k) for k in phrases), tuple(sorted(words)), opioid_words)


def _one_edit(a: str, b: str) -> bool:
    """True if a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@lru_cache(maxsize=8192)
def _correct(word: str, index: _Index) -> str | None:
    if len(word) < 4 or not word.isalpha() or word in IGNORED_WORDS:
        return None
    candidates = [c for c in index.words if c[0] == word[0]]
    if len(word) <= 5:
        close = [c for c in candidates if _one_edit(word, c)]
        scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c) for c in close]
    else:
        scored = [(r, c) for c in candidates if abs(len(c) - len(word)) <= 2 and (r := difflib.SequenceMatcher(None, word, c).ratio()) >= _CUTOFF]
    if not scored:
        return None
    best = max(r for r, _ in scored)
    tied = sorted(c for r, c in scored if r >= best - 1e-9)
    # On a tie, prefer the word of an opioid-containing name: the safe side for a screen.
    tied.sort(key=lambda c: c not in index.opioid_words)
    return tied[0]


def _cover(tokens: tuple[str, ...], index: _Index) -> list[tuple[int, int, _Entry]]:
    spans: list[tuple[int, int, _Entry]] = []
    taken = [False] * len(tokens)
    for length in range(min(index.max_len, len(tokens)), 0, -1):
        for start in range(len(tokens) - length + 1):
            stop = start + length
            if any(taken[start:stop]):
                continue
            entry = index.phrases.get(tokens[start:stop])
            if entry is not None and _numeric(tokens[start:stop]) and stop < len(tokens) and tokens[stop] in _AMOUNT_UNITS:
                entry = None  # "222 mg" is a dose of something, not the brand 222
            if entry is not None:
                spans.append((start, stop, entry))
                taken[start:stop] = [True] * length
    for start in range(len(tokens) - 1):  # "oxy contin" -> "oxycontin"
        if not taken[start] and not taken[start + 1] and not _numeric(tokens[start : start + 2]):
            entry = index.phrases.get((tokens[start] + tokens[start + 1],))
            if entry is not None:
                spans.append((start, start + 2, entry))
                taken[start] = taken[start + 1] = True
    return sorted(spans, key=lambda s: s[0])


def match_medicine(text: str, vocabulary: DrugVocabulary | None = None) -> MedicineMatch:
    """Match one free-text medicine against the drug vocabulary (see the module docstring)."""
    index = _index(vocabulary or load_drug_vocabulary())
    original = tokenize(text)
    spans = _cover(original, index)
    covered = {i for start, stop, _ in spans for i in range(start, stop)}
    corrected = list(original)
    for i, word in enumerate(original):
        if i not in covered and (fix := _correct(word, index)) is not None:
            corrected[i] = fix
    fixed = {i for i, (a, b) in enumerate(zip(original, corrected, strict=True)) if a != b}
    if fixed:
        spans = _cover(tuple(corrected), index)
        covered = {i for start, stop, _ in spans for i in range(start, stop)}

    matched: list[MatchedTerm] = []
    ingredients: list[str] = []
    for start, stop, entry in spans:
        via = "fuzzy" if fixed & set(range(start, stop)) else entry.via
        matched.append(
            MatchedTerm(
                input=" ".join(original[start:stop]),
                matched_form=entry.form,
                kind=entry.kind,
                record_id=entry.record_id,
                ingredients=entry.ingredients,
                via=via,
                rule=entry.rule,
            )
        )
        ingredients.extend(i for i in entry.ingredients if i not in ingredients)
    unknown = tuple(
        word
        for i, word in enumerate(original)
        if i not in covered and corrected[i] not in IGNORED_WORDS and not _NUMBER.match(word)
    )
    return MedicineMatch(text=text, ingredients=tuple(ingredients), matched=tuple(matched), unknown_words=unknown)
