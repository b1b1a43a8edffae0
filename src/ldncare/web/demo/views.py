"""The pharmacy's view of the demo clinic's blinded-trial key (pharmacists only, audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent, Grant
from ldncare.web.accounts.models import Role
from ldncare.web.demo.models import DemoTrialKey


@login_required
def trial_keys(request):
    """Allocation keys held for this pharmacy, for patients who chose it; nobody else sees them."""
    user = request.user
    if user.role != Role.PHARMACIST or not user.pharmacy_id:
        raise Http404("Not found")
    from ldncare.core import response

    chosen = Grant.objects.active().filter(kind=Grant.Kind.PHARMACY, pharmacy_id=user.pharmacy_id).values("patient")
    keys = []
    for item in DemoTrialKey.objects.filter(pharmacy_id=user.pharmacy_id, patient__in=chosen).select_related("patient"):
        key = response.AllocationKey.model_validate(item.key_json)
        audit(request, subject=item.patient, object_type="trial_key", object_id=item.trial_id, action="read",
              outcome=AuditEvent.Outcome.ALLOWED)
        keys.append({"item": item, "key": key, "dispensing": response.dispensing_list(key)})
    return render(request, "demo/trial_keys.html", {"keys": keys})
