"""record.services.checkin_save: out-of-range values are refused by the field validators, field by field."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from ldncare.web.access.models import AuditEvent
from ldncare.web.record import services
from ldncare.web.record.models import CheckIn, SideEffectReport


def _save(patient, **values):
    request = RequestFactory().post("/me/checkin/")
    request.user = patient
    return services.checkin_save(request=request, patient=patient,
                                 data=services.CheckInData(date=dt.date(2026, 3, 1), **values))


@pytest.mark.parametrize(("field", "value"), [
    ("ldn_dose_mg", Decimal("50.01")), ("pain_score", 11), ("fatigue_score", 11), ("sleep_quality_score", 11),
    ("mood_score", 11), ("pgic_score", 0), ("pgic_score", 8),
])
def test_out_of_range_value_is_a_field_error_and_nothing_is_stored(patient, field, value):
    with pytest.raises(ValidationError) as refused:
        _save(patient, **{field: value})
    assert set(refused.value.message_dict) == {field}
    assert not CheckIn.objects.exists()


def test_the_table_still_refuses_what_the_validators_refuse(patient):
    day = _save(patient, pain_score=3, pgic_score=2)
    for field, value in (("pain_score", 11), ("pgic_score", 8), ("ldn_dose_mg", Decimal("51"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            CheckIn.objects.filter(pk=day.pk).update(**{field: value})


def test_a_second_entry_for_the_same_day_is_a_duplicate(patient):
    _save(patient, pain_score=3)
    request = RequestFactory().post("/api/v1/")
    request.user = patient
    with pytest.raises(services.DuplicateDayError):
        services.checkin_save(request=request, patient=patient, data=services.CheckInData(date=dt.date(2026, 3, 1)),
                              checkin_uuid=uuid.uuid4(), channel="api")


def test_a_unique_violation_on_save_is_a_duplicate_and_the_callers_transaction_goes_on(patient):
    """The race the day look-up cannot see (here: a reused entry id) fails the save inside the caller's transaction."""
    first = _save(patient, pain_score=3)
    request = RequestFactory().post("/api/v1/")
    request.user = patient
    with transaction.atomic():
        with pytest.raises(services.DuplicateDayError):
            services.checkin_save(request=request, patient=patient, channel="api", checkin_uuid=first.uuid,
                                  data=services.CheckInData(date=dt.date(2026, 3, 2), pain_score=4,
                                                            side_effects=(("insomnia", "mild"),)))
        AuditEvent.objects.create(object_type="checkin", action="create", outcome="denied")  # still usable
    assert list(CheckIn.objects.values_list("date", flat=True)) == [dt.date(2026, 3, 1)]
    assert not SideEffectReport.objects.exists()
    assert AuditEvent.objects.filter(action="create", outcome="allowed").count() == 1  # the failed save's rolled back
