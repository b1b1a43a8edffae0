"""Which entry of a Bundle a reference names: the FHIR R4B Bundle rules ("Resolving references in Bundles").

https://hl7.org/fhir/R4B/bundle.html#references says, in short:

1. A reference that is not absolute and has the form ``[type]/[id]`` is made absolute with
   the service base ("root") of the ``fullUrl`` of the entry that holds it, when that
   ``fullUrl`` is a RESTful URL (``http://example.org/fhir/Observation/123`` → root
   ``http://example.org/fhir/``); then it is looked up like an absolute one. Otherwise "no
   resolution is possible".
2. An absolute reference (``http(s)://…``, ``urn:uuid:…``, ``urn:oid:…``) matches the entry
   whose ``fullUrl`` is the same URI.
3. A version-specific reference (``…/_history/2``) drops the version to match ``fullUrl`` and
   then matches ``Resource.meta.versionId``.
4. Several matches are ambiguous; an application may return an error (ldncare does).

``#id`` references point to a contained resource of the resource that holds them, and
references inside contained resources resolve like those of their container. Beyond the
rules, ldncare accepts one common shortcut that is unambiguous: a relative ``Type/id`` from an
entry whose ``fullUrl`` is a ``urn:uuid`` matches the only entry of that type with that
``Resource.id`` (documented in ``docs/interoperability.md``). A reference that names nothing
in the bundle points to a server (absolute ``http(s)``) or to nothing (``urn:``).

>>> entries = [("http://ehr.example/fhir/Patient/23", {"resourceType": "Patient", "id": "23"}),
...            ("http://ehr.example/fhir/Observation/9", {"resourceType": "Observation", "id": "9"})]
>>> resolver = Resolver(entries)
>>> resolver.resolve("Patient/23", "http://ehr.example/fhir/Observation/9")
0
>>> resolver.resolve("http://ehr.example/fhir/Patient/23/_history/1", None)
0
>>> resolver.resolve("Patient/24", "http://ehr.example/fhir/Observation/9") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["AmbiguousReferenceError", "Resolver", "is_absolute", "restful_root"]

_ID = r"[A-Za-z0-9\-.]{1,64}"
_RESTFUL = re.compile(rf"^(?P<root>https?://.+/)(?P<type>[A-Z][A-Za-z]+)/(?P<id>{_ID})(/_history/(?P<version>{_ID}))?$")
_RELATIVE = re.compile(rf"^(?P<type>[A-Z][A-Za-z]+)/(?P<id>{_ID})(/_history/(?P<version>{_ID}))?$")
_HISTORY = re.compile(rf"/_history/(?P<version>{_ID})$")


class AmbiguousReferenceError(ValueError):
    """A reference that matches more than one entry of the bundle."""


def is_absolute(reference: str) -> bool:
    """Whether a reference is an absolute URI (``http(s)://``, ``urn:uuid:``, ``urn:oid:``)."""
    return reference.startswith(("http://", "https://", "urn:"))


def restful_root(full_url: str | None) -> str | None:
    """The service base of a RESTful ``fullUrl`` (``http://x/fhir/Patient/1`` → ``http://x/fhir/``), else ``None``."""
    match = _RESTFUL.match(full_url or "")
    return match.group("root") if match else None


class Resolver:
    """Resolves references against the entries ``(fullUrl, resource)`` of one bundle."""

    def __init__(self, entries: Sequence[tuple[str | None, Mapping[str, Any] | None]]) -> None:
        self.entries = entries
        self.by_url: dict[str, list[int]] = {}
        self.by_type_id: dict[tuple[str, str], list[int]] = {}
        for i, (url, resource) in enumerate(entries):
            if url:
                self.by_url.setdefault(url, []).append(i)
            if isinstance(resource, Mapping) and isinstance(resource.get("id"), str):
                self.by_type_id.setdefault((str(resource.get("resourceType")), resource["id"]), []).append(i)

    def resolve(self, reference: str, referrer_url: str | None) -> int | None:
        """The index of the entry ``reference`` names (written in the entry whose fullUrl is ``referrer_url``).

        ``None`` when it names no entry; :class:`AmbiguousReferenceError` when it names several.
        """
        version = None
        history = _HISTORY.search(reference)
        if history:
            version, reference = history.group("version"), reference[: history.start()]
        if is_absolute(reference):
            return self._pick(self.by_url.get(reference, []), version, reference)
        relative = _RELATIVE.match(reference)
        if relative is None:
            return None
        root = restful_root(referrer_url)
        if root is not None:
            return self._pick(self.by_url.get(root + reference, []), version, reference)
        # The shortcut beyond the rules: a urn:uuid (or no) fullUrl and exactly one Type/id match.
        return self._pick(self.by_type_id.get((relative.group("type"), relative.group("id")), []), version, reference)

    def _pick(self, found: list[int], version: str | None, reference: str) -> int | None:
        if version is not None:
            found = [i for i in found if self._version(i) in (None, version)]
        if len(found) > 1:
            raise AmbiguousReferenceError(f"{reference!r} matches {len(found)} entries of the bundle; allowed: one")
        return found[0] if found else None

    def _version(self, i: int) -> str | None:
        resource = self.entries[i][1]
        meta = resource.get("meta") if isinstance(resource, Mapping) else None
        return meta.get("versionId") if isinstance(meta, Mapping) else None
