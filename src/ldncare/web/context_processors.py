"""Template context shared by every page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from ldncare import __version__

# The main navigation per role: (url name, label). One home for it; base.html draws it.
_NAV = {
    "patient": (("home", "Home"), ("record:checkin", "Check-in"), ("record:progress", "Progress"),
                ("questionnaires:index", "Questionnaires"), ("record:plan", "Plan"), ("clinic:my-trial", "Trial"), ("booking:calls", "Calls"),
                ("record:conditions", "Conditions"), ("access:sharing", "Sharing"), ("record:my-data", "My data")),
    "clinician": (("home", "Home"), ("access:clinic", "My patients"), ("booking:calls", "Calls")),
    "pharmacist": (("home", "Home"), ("pharmacy:queue", "Queue"), ("pharmacy:trials", "Blinded trials")),
    None: (("booking:request", "Schedule a call"),),
}
_SHARED = (("library:index", "Evidence library"), ("simulator:page", "Simulator"))


def _in_a_trial(user) -> bool:  # noqa: ANN001
    from ldncare.web import policy

    return policy.trials_visible_to(user).filter(patient=user).exists()


def nav_links(request) -> list[dict]:
    """The links a person can use, the current page marked (``current``: the longest matching path)."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    links = []
    for name, label in (*_NAV.get(role, ()), *_SHARED):
        if name == "clinic:my-trial" and not _in_a_trial(user):
            continue  # "Trial" only for a patient in a blinded trial
        try:
            links.append({"url": reverse(name), "label": label, "current": False})
        except NoReverseMatch:
            continue
    path = request.path
    matches = [link for link in links if path == link["url"] or (link["url"] != "/" and path.startswith(link["url"]))]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["current"] = True
    return links


def site(request):
    """The version, the medical disclaimer shown in every page footer, and the navigation."""
    return {
        "ldncare_version": __version__,
        "disclaimer": (
            "ldncare gives information and tools; it is not medical advice. Low-dose "
            "naltrexone is used off-label. Decide about any treatment with your prescriber."
        ),
        "nav_links": SimpleLazyObject(lambda: nav_links(request)),
    }
