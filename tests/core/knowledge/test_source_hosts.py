"""Every source URL in the curated data points at a public, production host a reader can
follow: never a raw IP address (a mirror), a staging, preview, QA or development server,
a ``*.vercel.app`` deployment or ``localhost``.

The scan covers every YAML file the knowledge loader (``load_records``) reads: the
knowledge data, the safety rules and the pharmacology parameters, drugs.yaml included.
Sources that could not yet be replaced are named, with the reason, in ``KNOWN_EXCEPTIONS``;
an exception whose URL is gone from its file fails too, so the list only ever shrinks.
"""

from __future__ import annotations

import ipaddress
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

LONG_COVID_WIKI = "https://eng-long-covid-wiki.vercel.app/supplements/supplement-and-drug-notes/low-dose-naltrexone-ldn"
MIMS_DEV = ("https://sitmspapp.mimsdev.com/vietnam/news-updates/topic/"
            "low-dose-naltrexone-in-fibromyalgia--no-pain-relief--but-memory-boost-possible")
NATURE_PREVIEW = "https://preview-www.nature.com/articles/s41386-022-01416-z/tables/1"

# (file, url) -> why it is still there. Remove an entry when its source is replaced.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("titration_protocols.yaml", LONG_COVID_WIKI): (
        "morning dosing for disturbed sleep: no better source was found; labelled [C], evidence low"),
    ("rules.yaml", LONG_COVID_WIKI): (
        "triage try-morning-dosing: no better source was found; labelled [C], evidence low"),
    ("claims.yaml", MIMS_DEV): (
        "FINAL trial adverse events 84% vs 86%: the only page read that gives them; the note says "
        "it is a secondary copy on a development host"),
    ("parameters.yaml", NATURE_PREVIEW): (
        "Trostheim 2022 Table 1 (receptor occupancy): outside this change's files; "
        "www.nature.com serves the same article"),
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


def _urls(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["url"]} if isinstance(node.get("url"), str) else set()
        return found.union(*(_urls(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_urls(item) for item in node))
    return set()


def flagged_sources(path: Path) -> dict[str, str]:
    """Every source URL in the YAML file at ``path`` whose host is not production, with why."""
    urls = _urls(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {url: reason for url in sorted(urls) if (reason := non_production_reason(url))}


def test_the_scan_covers_every_file_the_loaders_read():
    names = {path.name for path in DATA_FILES}
    assert {"studies.yaml", "claims.yaml", "drugs.yaml", "rules.yaml", "parameters.yaml",
            "titration_protocols.yaml", "compounding.yaml", "side_effects.yaml", "about.yaml"} <= names
    assert all(_urls(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in DATA_FILES)


@pytest.mark.parametrize("path", DATA_FILES, ids=[path.name for path in DATA_FILES])
def test_sources_are_on_public_production_hosts(path):
    unexpected = {url: reason for url, reason in flagged_sources(path).items()
                  if (path.name, url) not in KNOWN_EXCEPTIONS}
    assert not unexpected, f"{path.name}: sources on a mirror, staging or preview host: {unexpected}"


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
])
def test_production_hosts_pass(url):
    assert non_production_reason(url) is None


@given(ip=st.ip_addresses(), port=st.integers(min_value=1, max_value=65535))
def test_any_ip_address_host_is_a_mirror(ip, port):
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    assert non_production_reason(f"http://{host}:{port}/record").startswith("raw IP address")


def test_the_scan_finds_a_mirror_in_a_data_file(tmp_path):
    data = tmp_path / "studies.yaml"
    data.write_text("- id: x\n  sources:\n  - pmid: '1'\n  - url: http://47.251.13.51:8081/1\n    note: PubMed mirror\n")
    assert flagged_sources(data) == {"http://47.251.13.51:8081/1": "raw IP address 47.251.13.51"}
