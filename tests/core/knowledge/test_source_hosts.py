"""Every source URL in the curated data points at a public, production host a reader can
follow: never a raw IP address (a mirror), a staging, preview, QA or development server,
a ``*.vercel.app`` deployment or ``localhost``; never a proxy (a university WebVPN or
EZproxy, a translation proxy), a webmail host or a malformed host (one that starts with
``http.``/``https.``, has no dot or ends in a dot); and never a document-sharing copy site
or a site unrelated to medicine that re-hosts someone else's text.

The scan covers every YAML file the knowledge loader (``load_records``) reads: the
knowledge data, the safety rules and the pharmacology parameters, drugs.yaml included.
Sources that could not yet be replaced are named, with the reason, in ``KNOWN_EXCEPTIONS``;
an exception whose URL is gone from its file fails too, so the list only ever shrinks.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ldncare.core.knowledge.records import DATA_DIR as KNOWLEDGE_DIR
from ldncare.core.pharmacology.parameters import DATA_DIR as PHARMACOLOGY_DIR
from ldncare.core.safety.rules import RULES_DIR

DATA_DIRS = (KNOWLEDGE_DIR, RULES_DIR, PHARMACOLOGY_DIR)
DATA_FILES = sorted(path for directory in DATA_DIRS for path in directory.glob("*.yaml"))

# Host labels (hyphen-separated words) that mark a server which is not the public site.
NON_PRODUCTION_WORDS = frozenset({"staging", "stage", "preview", "dev", "qa", "test", "sandbox", "uat"})

# Host labels (hyphen-separated words) that mark a proxy in front of another site.
PROXY_WORDS = frozenset({"proxy", "ezproxy", "webvpn"})
# A rewriting proxy puts the proxied host into its first label: onlinelibrary-wiley-com-443.webvpn...
PROXIED_HOST_LABEL = re.compile(r"^[a-z0-9-]+-(com|org|net|edu|gov)(-\d+)?$")

# Sites that re-host copies of other publishers' documents, and sites unrelated to medicine
# (a hotel site, a QR-code service, a chemicals shop, a shared-hosting server name) that
# carried a copy of a medical text. A source there is a secondary copy at best.
COPY_OR_UNRELATED_DOMAINS = frozenset({
    "1library.net", "daneshyari.com", "docslib.org", "doczz.fr", "healthdocbox.com", "healthguv.com",
    "ibook.pub", "kupdf.net", "scribd.com", "studylib.net", "studyres.com",
    "hotelsabruzzo.com", "sigmaaldrich.com", "sureserver.com", "vukou.com",
})

LONG_COVID_WIKI = "https://eng-long-covid-wiki.vercel.app/supplements/supplement-and-drug-notes/low-dose-naltrexone-ldn"
MIMS_DEV = ("https://sitmspapp.mimsdev.com/vietnam/news-updates/topic/"
            "low-dose-naltrexone-in-fibromyalgia--no-pain-relief--but-memory-boost-possible")
MEDICDEBATE = "http://medicdebate.s702.sureserver.com/node/761"
BIHARI_SCRIBD = ("https://tr.scribd.com/doc/205423934/"
                 "Bernard-Bihari-MD-Low-Dose-Naltrexone-for-Normalizing-Immune-System-Function")
NO_CANADIAN_PAGE = "Canadian product monograph copy; no Health Canada page (hres.ca, DPD) was found; the note says so"

# (file, url) -> why it is still there. Remove an entry when its source is replaced.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("titration_protocols.yaml", LONG_COVID_WIKI): (
        "morning dosing for disturbed sleep: no better source was found; labelled [C], evidence low"),
    ("rules.yaml", LONG_COVID_WIKI): (
        "triage try-morning-dosing: no better source was found; labelled [C], evidence low"),
    ("claims.yaml", MIMS_DEV): (
        "FINAL trial adverse events 84% vs 86%: the only page read that gives them; the note says "
        "it is a secondary copy on a development host"),
    ("studies.yaml", MEDICDEBATE): (
        "Sharafaddinzadeh 2010: the only page read with the abstract (no PMID, publisher or registry page "
        "was found); the note says it is a secondary copy"),
    ("claims.yaml", MEDICDEBATE): "Sharafaddinzadeh 2010, as in studies.yaml",
    ("condition_evidence.yaml", MEDICDEBATE): "Sharafaddinzadeh 2010, as in studies.yaml",
    ("studies.yaml", "https://docslib.org/doc/1165186/are-opioid-antagonists-effective-in-attenuating-"
                     "the-core-symptoms-of-autism-spectrum-conditions-in-children-a-systematic-review"): (
        "Roy 2015 review: copy of the article PDF, the publisher page was not read; the note says so"),
    ("about.yaml", BIHARI_SCRIBD): "Bihari's own text: no copy on his or a publisher's site was found; labelled",
    ("claims.yaml", BIHARI_SCRIBD): "Bihari's own text, as in about.yaml",
    ("titration_protocols.yaml", "https://ar.scribd.com/document/56492592/LDN-Information-Pack-1"): (
        "LDN Research Trust information pack (copy): no copy on the Trust's site was found; labelled"),
    ("drugs.yaml", "https://docslib.org/doc/889709/acetylsalicylic-acid-375-mg-codeine-phosphate-15-mg-"
                   "caffeine-15-mg-tablets"): f"282 and 292: {NO_CANADIAN_PAGE}",
    ("drugs.yaml", "https://docslib.org/doc/1597170/product-monograph-including-patient"): f"Metadol: {NO_CANADIAN_PAGE}",
    ("drugs.yaml", "http://healthdocbox.com/Chronic_Pain/103244309-Durela-product-monograph-tramadol-hydrochloride-"
                   "extended-release-capsules-100-200-300-mg-opioid-analgesic.html"): f"Durela: {NO_CANADIAN_PAGE}",
    ("drugs.yaml", "https://studylib.net/doc/8184850/prescribing-information-tylenol-%C2%AE-no.-1-acetaminophen"): (
        f"Tylenol No. 1: {NO_CANADIAN_PAGE}"),
    ("drugs.yaml", "http://doczz.fr/doc/5018375/-bristol-myers-squibb-belgium-"): (
        "Dafalgan: the only page read that names the Belgian DAFALGAN FORTE 1 g; the French SmPC and VIDAL "
        "carry the ingredient"),
}


def non_production_reason(url: str) -> str | None:
    """Why ``url``'s host is not a public production host, or None when it is.

    >>> non_production_reason("http://47.251.13.51:8081/21380937")
    'raw IP address 47.251.13.51'
    >>> non_production_reason("https://pubmed.ncbi.nlm.nih.gov/21380937/") is None
    True
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"raw IP address {host}"
    if host == "localhost" or host.endswith(".localhost"):
        return "localhost"
    if host.endswith(".vercel.app"):
        return "vercel.app deployment"
    for label in host.split(".")[:-1]:  # the top-level domain (.dev, .qa) is a country or brand
        if "staging" in label or NON_PRODUCTION_WORDS & set(label.split("-")):
            return f"non-production host label {label!r}"
        if label.endswith("dev") and label != "dev":
            return f"development host label {label!r}"
    return None


def unfollowable_reason(url: str) -> str | None:
    """Why ``url`` is malformed or goes through a proxy or a webmail host, or None.

    >>> unfollowable_reason("https://https.ncbi.nlm.nih.gov/pubmed/32845365")
    "malformed host 'https.ncbi.nlm.nih.gov' (starts with a scheme)"
    >>> unfollowable_reason("https://onlinelibrary-wiley-com-443.webvpn.zafu.edu.cn/doi/epdf/10.1002/art.37734")
    "proxy host label 'webvpn'"
    >>> unfollowable_reason("https://onlinelibrary.wiley.com/doi/10.1002/art.37734") is None
    True
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL (scheme {parts.scheme!r})"
    host = (parts.hostname or "").lower()
    if not host:
        return "no host"
    if host.startswith(("http.", "https.")):
        return f"malformed host {host!r} (starts with a scheme)"
    if host.endswith("."):
        return f"malformed host {host!r} (ends in a dot)"
    if "." not in host and host != "localhost":  # localhost is non_production_reason's
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return f"malformed host {host!r} (no dot)"
    labels = host.split(".")
    for label in labels[:-1]:
        words = set(label.split("-"))
        if PROXY_WORDS & words or label.startswith(("webvpn", "ezproxy")):
            return f"proxy host label {label!r}"
        if label.startswith("webmail"):
            return f"webmail host label {label!r}"
    if len(labels) > 2 and PROXIED_HOST_LABEL.match(labels[0]):
        return f"proxy host label {labels[0]!r}"
    if host.endswith(".translate.goog"):
        return "translation proxy (translate.goog)"
    return None


def copy_site_reason(url: str) -> str | None:
    """Why ``url``'s site is a document-sharing copy site or unrelated to medicine, or None.

    >>> copy_site_reason("https://tokyo-2-qrcode.vukou.com/37804660")
    'copy or unrelated site vukou.com'
    >>> copy_site_reason("https://www.scribdhelp.org/x") is None
    True
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    for domain in COPY_OR_UNRELATED_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return f"copy or unrelated site {domain}"
    return None


def host_problem(url: str) -> str | None:
    """The first reason ``url`` is not a followable public source, or None."""
    return non_production_reason(url) or unfollowable_reason(url) or copy_site_reason(url)


def _urls(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["url"]} if isinstance(node.get("url"), str) else set()
        return found.union(*(_urls(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_urls(item) for item in node))
    return set()


def flagged_sources(path: Path) -> dict[str, str]:
    """Every source URL in the YAML file at ``path`` whose host is a problem, with why."""
    urls = _urls(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {url: reason for url in sorted(urls) if (reason := host_problem(url))}


def test_the_scan_covers_every_file_the_loaders_read():
    names = {path.name for path in DATA_FILES}
    assert {"studies.yaml", "claims.yaml", "drugs.yaml", "rules.yaml", "parameters.yaml",
            "titration_protocols.yaml", "compounding.yaml", "side_effects.yaml", "about.yaml"} <= names
    assert all(_urls(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in DATA_FILES)


@pytest.mark.parametrize("path", DATA_FILES, ids=[path.name for path in DATA_FILES])
def test_sources_are_on_public_production_hosts(path):
    unexpected = {url: reason for url, reason in flagged_sources(path).items()
                  if (path.name, url) not in KNOWN_EXCEPTIONS}
    assert not unexpected, f"{path.name}: sources on a mirror, staging, proxy, webmail or copy host: {unexpected}"


@pytest.mark.parametrize(("name", "url"), sorted(KNOWN_EXCEPTIONS), ids=[name for name, _ in sorted(KNOWN_EXCEPTIONS)])
def test_every_known_exception_is_still_needed(name, url):
    (path,) = [path for path in DATA_FILES if path.name == name]
    assert url in flagged_sources(path), f"{name} no longer cites {url}: remove it from KNOWN_EXCEPTIONS"


@pytest.mark.parametrize("url", [
    "http://47.251.13.51:8081/21380937",
    "http://[2001:db8::1]/x",
    "http://127.0.0.1:8000/",
    "https://localhost/page",
    "https://staging.example.org/a",
    "https://www.staging-site.com/a",
    "https://eng-long-covid-wiki.vercel.app/x",
    "https://preview-www.nature.com/articles/x",
    "https://sdu-qa.qa.elsevierpure.com/da/publications/x",
    "https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/1",
    "https://sitmspapp.mimsdev.com/vietnam/news-updates/x",
    "https://test.example.com/",
])
def test_mirrors_and_staging_hosts_are_recognised(url):
    assert non_production_reason(url)
    assert host_problem(url)


# The hosts the second pass removed or relabelled, and the shapes they stand for.
@pytest.mark.parametrize(("url", "kind"), [
    ("https://onlinelibrary-wiley-com-443.webvpn.zafu.edu.cn/doi/epdf/10.1002/art.37734", "proxy"),
    ("https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/33004044", "proxy"),
    ("https://www-nature-com.ezproxy.lib.example.ac.uk/articles/x", "proxy"),
    ("https://bmjopen-bmj-com.bibliotheek.example.be/content/1", "proxy"),
    ("https://lib-proxy.example.edu/login?url=x", "proxy"),
    ("https://pubmed-ncbi-nlm-nih-gov.translate.goog/33004044/", "proxy"),
    ("http://webmail.druglib.com/abstract/yo/younger-j1_arthritis-rheum_20130000.html", "webmail"),
    ("https://webmail2.example.org/x", "webmail"),
    ("https://https.ncbi.nlm.nih.gov/pubmed/32845365", "malformed"),
    ("http://http.example.org/x", "malformed"),
    ("https://pubmed/32845365", "malformed"),
    ("https://issuu.com./ldnim/docs/x", "malformed"),
    ("pubmed.ncbi.nlm.nih.gov/32845365", "not an http"),
    ("ftp://ftp.ncbi.nlm.nih.gov/pub/x", "not an http"),
    ("https:///no-host", "no host"),
])
def test_proxies_webmail_and_malformed_hosts_are_recognised(url, kind):
    assert kind in unfollowable_reason(url)
    assert host_problem(url)


@pytest.mark.parametrize("url", [
    "https://1library.net/document/ozl0rm6z-low-naltrexone",
    "https://kupdf.net/download/fibromyalgia_pdf",
    "https://daneshyari.com/en/article/5722049",
    "https://tokyo-2-qrcode.vukou.com/37804660",
    "https://ibook.pub/low-dose-naltrexone.html",
    "https://hotelsabruzzo.com/how-do-you-measure-medicine-with-a-syringe",
    "http://medicdebate.s702.sureserver.com/node/761",
    "http://www.sigmaaldrich.com/catalog/papers/27736689",
    "https://tr.scribd.com/doc/1/x",
])
def test_copy_and_unrelated_sites_are_recognised(url):
    assert copy_site_reason(url)
    assert host_problem(url)


@pytest.mark.parametrize("url", [
    "https://pubmed.ncbi.nlm.nih.gov/21380937/",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC5972567",
    "https://ldnresearchtrust.org/can-ldn-restore-thyroid-function%C2%A0",
    "https://www.nature.com/articles/s41386-022-01416-z/tables/1",
    "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=x",
    "https://web.dev/articles/x",
    "https://www.moph.gov.qa/english/",
    "https://developer.mozilla.org/",
    "https://latest-news.example.com/",
    "https://hpr-rps.hres.ca/details.php?drugproductid=4306",
    "https://onlinelibrary.wiley.com/doi/10.1002/art.37734",
    "https://www.drugs.com/pro/naltrexone.html",
    "https://approxymed.example.com/",
    "https://mail-order-pharmacy.example.com/",
    "https://www.httpwatch.com/",
    "https://health-products.canada.ca/dpd-bdpp/",
])
def test_production_hosts_pass(url):
    assert non_production_reason(url) is None
    assert host_problem(url) is None


@given(ip=st.ip_addresses(), port=st.integers(min_value=1, max_value=65535))
def test_any_ip_address_host_is_a_mirror(ip, port):
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    assert non_production_reason(f"http://{host}:{port}/record").startswith("raw IP address")


_LABEL = st.from_regex(r"[a-z][a-z0-9]{1,10}", fullmatch=True)


@given(rest=st.lists(_LABEL, min_size=2, max_size=4), scheme=st.sampled_from(["http", "https"]),
       bad=st.sampled_from(["http", "https"]))
def test_any_host_starting_with_a_scheme_label_is_malformed(rest, scheme, bad):
    url = f"{scheme}://{bad}.{'.'.join(rest)}/x"
    assert "malformed" in unfollowable_reason(url)


@given(label=_LABEL, scheme=st.sampled_from(["http", "https"]))
def test_any_single_label_host_is_malformed(label, scheme):
    assert "no dot" in unfollowable_reason(f"{scheme}://{label}/x")


@given(prefix=st.lists(_LABEL, max_size=2), rest=st.lists(_LABEL, min_size=2, max_size=3),
       word=st.sampled_from(["webvpn", "proxy", "ezproxy", "webmail"]))
def test_any_proxy_or_webmail_label_is_caught(prefix, rest, word):
    host = ".".join([*prefix, word, *rest])
    assert unfollowable_reason(f"https://{host}/x")


def test_the_scan_finds_a_mirror_in_a_data_file(tmp_path):
    data = tmp_path / "studies.yaml"
    data.write_text("- id: x\n  sources:\n  - pmid: '1'\n  - url: http://47.251.13.51:8081/1\n    note: PubMed mirror\n")
    assert flagged_sources(data) == {"http://47.251.13.51:8081/1": "raw IP address 47.251.13.51"}


def test_the_rules_would_have_failed_on_the_data_before_the_second_pass(tmp_path):
    """Sources this pass removed, as they stood in the data: each one is flagged."""
    before = [
        "https://onlinelibrary-wiley-com-443.webvpn.zafu.edu.cn/doi/epdf/10.1002/art.37734",
        "https://proxy.weglot.com/wg_8714b7f1589aa0f6c92979708057c4a57/en/es/pubmed.ncbi.nlm.nih.gov/33004044",
        "https://https.ncbi.nlm.nih.gov/pubmed/32845365",
        "http://webmail.druglib.com/abstract/yo/younger-j1_arthritis-rheum_20130000.html",
        "https://1library.net/document/ozl0rm6z-low-naltrexone-induction-remission-inflammatory-bowel-disease-patients.html",
        "https://kupdf.net/download/fibromyalgia-symptoms-are-reduced-by-low-dose-naltrexone-a-pilot-study_5a11133be2b6f58359f7cf2b_pdf",
        "https://daneshyari.com/en/article/5722049",
        "https://tokyo-2-qrcode.vukou.com/37804660",
        "https://ibook.pub/low-dose-naltrexone-for-chronic-pain-update-and-systemic-review.html",
        "https://healthguv.com/blog/view/912",
        "https://studyres.com/doc/15255328/product-monograph",
    ]
    data = tmp_path / "studies.yaml"
    data.write_text(yaml.safe_dump([{"id": "x", "sources": [{"url": url, "note": "n"} for url in before]}]))
    assert sorted(flagged_sources(data)) == sorted(before)
    current = {path.name: set(_urls(yaml.safe_load(path.read_text(encoding="utf-8")))) for path in DATA_FILES}
    assert not any(url in urls for url in before for urls in current.values())
