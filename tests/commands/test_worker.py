"""``ldncare worker --burst`` as cron would run it, two workers at once, and ``ldncare email-test``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from ldncare.web.notify.models import ReminderSettings
from ldncare.web.record.models import CheckIn

LDNCARE = [sys.executable, "-m", "ldncare.cli"]


def _database_url() -> str:
    """The test database, for a worker started as a separate process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _env(smtp) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": _database_url(), "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "TASKS_BACKEND": "database"}


def _worker(smtp, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*LDNCARE, "worker", "--burst", "--json", "--no-migrate", *args], env=_env(smtp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out)


def _due_three_minutes_ago(user, zone: str) -> dt.date:
    now = timezone.now().astimezone(ZoneInfo(zone))
    then = max(now - dt.timedelta(minutes=3), now.replace(hour=0, minute=0, second=0, microsecond=0))
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    ReminderSettings.objects.create(user=user, checkin_time=then.time().replace(second=0, microsecond=0),
                                    channels=["email"])
    return now.date()


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_worker_burst_sends_a_due_tokyo_reminder_once(smtp, patient, stranger):
    _due_three_minutes_ago(patient, "Asia/Tokyo")
    today = _due_three_minutes_ago(stranger, "Asia/Tokyo")
    CheckIn.objects.create(patient=stranger, date=today, pain_score=2)  # already checked in: no reminder
    report = _finish(_worker(smtp))
    assert report["reminders_claimed"] == 1
    assert [m["To"] for m in smtp.messages] == [patient.email]
    _finish(_worker(smtp))
    assert len(smtp.messages) == 1  # a second run sends nothing


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_two_workers_at_once_send_each_due_reminder_once(smtp, django_user_model):
    people = [django_user_model.objects.create_user(username=f"p{i}", email=f"p{i}@example.org", password="x" * 12)
              for i in range(40)]
    for person in people:
        _due_three_minutes_ago(person, "Europe/Oslo")
    workers = [_worker(smtp), _worker(smtp)]
    reports = [_finish(w) for w in workers]
    assert sum(r["reminders_claimed"] for r in reports) == 40
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)


@pytest.mark.django_db(transaction=True)
def test_email_test_sends_through_smtp_and_refuses_a_non_address(smtp):
    done = subprocess.run([*LDNCARE, "email-test", "someone@example.org"], env=_env(smtp), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    [message] = smtp.messages
    assert message["To"] == "someone@example.org"
    assert message["Subject"] == "ldncare: test message"
    bad = subprocess.run([*LDNCARE, "email-test", "not-an-address"], env=_env(smtp), capture_output=True, text=True,
                         timeout=120, check=False)
    assert bad.returncode == 2
    assert "not an e-mail address" in bad.stderr


def test_email_test_says_why_when_the_server_is_unreachable(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "LDNCARE_VAR_DIR": str(tmp_path),
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": "9"}
    done = subprocess.run([*LDNCARE, "email-test", "someone@example.org"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1
    assert "was not sent" in done.stderr


def _redis_url() -> str | None:
    """A Redis database of this test process's own (Redis runs on every developer and CI machine)."""
    try:
        import redis

        url = f"redis://127.0.0.1:6379/{8 + os.getpid() % 8}"
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except Exception:  # noqa: BLE001 - no Redis here: the test says so and is skipped
        return None


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_scale_out_two_workers_on_redis_send_each_reminder_once(smtp, django_user_model):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(url).flushdb()
    people = [django_user_model.objects.create_user(username=f"r{i}", email=f"r{i}@example.org", password="x" * 12)
              for i in range(30)]
    for person in people:
        _due_three_minutes_ago(person, "America/Chicago")
    env = {**_env(smtp), "TASKS_BACKEND": "rq", "REDIS_URL": url}
    try:
        workers = [subprocess.Popen([*LDNCARE, "worker", "--burst", "--json", "--no-migrate"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        reports = [_finish(w) for w in workers]
        # A job one worker enqueued after the other's burst ended is left for the next run: run once more.
        reports.append(_finish(subprocess.Popen([*LDNCARE, "worker", "--burst", "--json", "--no-migrate"], env=env,
                                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    finally:
        redis.Redis.from_url(url).flushdb()
    assert sum(r["reminders_claimed"] for r in reports) == 30
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)
