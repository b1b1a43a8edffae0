"""A patient's questionnaire results (each one as she answered it, scored from the curated data)
and her schedules (weekly or monthly reminders, sent by the notify worker)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ldncare.web.questionnaires.periods import Rule

__all__ = ["QuestionnaireResult", "QuestionnaireSchedule"]


class QuestionnaireResult(models.Model):
    """One completed form: the answers as entered (response codes, 1 = the first option listed)
    and the score the curated scoring gave them when they were saved."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="questionnaire_results")
    instrument = models.CharField(max_length=60, help_text="Questionnaire id in questionnaires.yaml.")
    answers = models.JSONField(help_text="Response codes in item order, as the person entered them.")
    raw_score = models.PositiveSmallIntegerField()
    t_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                  help_text="From the published table; none for single-item forms.")
    se = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True,
                             help_text="Standard error of the T-score, from the same table.")
    interpretation = models.CharField(max_length=200, blank=True,
                                      help_text="Published severity band, or the single item's answer.")
    answered_at = models.DateTimeField()
    answered_on = models.DateField(help_text="The local day in the person's time zone when it was answered.")

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["patient", "instrument", "-answered_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(t_score__isnull=True, se__isnull=True)
                                   | Q(t_score__isnull=False, se__isnull=False),
                                   name="questionnaire_t_and_se_together"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} of {self.patient_id} on {self.answered_on}"


class QuestionnaireSchedule(models.Model):
    """A reminder to answer one questionnaire every week or month (no row: no reminder)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        MONTHLY = "monthly", "Every month"

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="questionnaire_schedules")
    instrument = models.CharField(max_length=60)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Weekly: 0 = Monday ... 6 = Sunday.")
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Monthly: 1-28.")
    time = models.TimeField(help_text="Local clock time in the person's time zone.")
    active_from = models.DateTimeField(help_text="Periods that began before this moment are not reminded.")
    sent_period = models.DateField(null=True, blank=True, editable=False,
                                   help_text="First day of the last period reminded (claimed by the worker).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "instrument"], name="questionnaire_schedule_once"),
            models.CheckConstraint(
                condition=(Q(frequency="weekly", weekday__gte=0, weekday__lte=6, day_of_month__isnull=True)
                           | Q(frequency="monthly", day_of_month__gte=1, day_of_month__lte=28, weekday__isnull=True)),
                name="questionnaire_schedule_rule_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for {self.patient_id}: {self.rule.describe()}"

    @property
    def rule(self) -> Rule:
        return Rule(frequency=self.frequency, weekday=self.weekday, day_of_month=self.day_of_month, time=self.time)
