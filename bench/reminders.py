"""Reminders for many patients: scheduled (claimed) and enqueued by one worker tick, against a baseline.

A scratch database (SQLite file with WAL by default, or a scratch PostgreSQL database with
``--engine postgres``) gets N patients spread over 24 time zones, each with a daily check-in
reminder that is due now in their own zone and a channel (e-mail). Timed, repeated ``--repeat``
times (the claims are reset between runs):

* ``tick``: :func:`ldncare.web.notify.tick.notify_tick` — per zone, one claim transaction
  (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite), the
  deliveries bulk-inserted, one task per 500 recipients put on the database queue;
* ``baseline``: what a straightforward scheduler does with the same models, one reminder at a
  time — read each row, work out its local time in its zone, check today's check-in, claim it with a
  conditional update, create its delivery and enqueue one task for it (the same guarantees: once
  per local day, also with two workers).

Nothing is sent (sending is the task's work, timed by the e-mail tests, not here). Printed: the
time of each run (min/median/max), reminders per second, and ``ratio_vs_baseline`` (baseline time /
tick time, median). Usage: ``.venv/bin/python bench/reminders.py [--patients 100000] [--repeat 3]
[--engine sqlite|postgres] [--baseline-patients 10000] [--quick] [--json]``. The baseline handles
``--baseline-patients`` reminders per run (100 000 one at a time take tens of minutes); the ratio
compares the time per reminder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ZONES = ("Pacific/Auckland", "Australia/Sydney", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Dubai",
         "Europe/Moscow", "Europe/Athens", "Europe/Oslo", "Europe/London", "Atlantic/Azores", "America/Sao_Paulo",
         "America/Halifax", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
         "America/Anchorage", "Pacific/Honolulu", "Africa/Lagos", "Africa/Nairobi", "Asia/Singapore",
         "America/Mexico_City", "UTC")


def _setup(engine: str, workdir: Path) -> str | None:
    os.environ["LDNCARE_VAR_DIR"] = str(workdir)
    scratch = None
    if engine == "postgres":
        import psycopg

        scratch = f"bench_reminders_{os.getpid()}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch}")
            conn.execute(f"CREATE DATABASE {scratch}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{scratch}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["TASKS_BACKEND"] = "database"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldncare.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return scratch


def _seed(patients: int, now: dt.datetime) -> None:
    from zoneinfo import ZoneInfo

    from django.contrib.auth.hashers import make_password

    from ldncare.web.accounts.models import User
    from ldncare.web.notify.models import ReminderSettings

    unusable = make_password(None)
    users = [User(username=f"bench{i}", email=f"bench{i}@example.org", password=unusable, role="patient",
                  time_zone=ZONES[i % len(ZONES)]) for i in range(patients)]
    User.objects.bulk_create(users, batch_size=2000)
    ids = dict(User.objects.filter(username__startswith="bench").values_list("username", "pk"))
    settings = []
    for i in range(patients):
        local = now.astimezone(ZoneInfo(ZONES[i % len(ZONES)]))
        due = max(local - dt.timedelta(minutes=3), local.replace(hour=0, minute=0, second=0, microsecond=0))
        settings.append(ReminderSettings(user_id=ids[f"bench{i}"], checkin_time=due.time().replace(second=0, microsecond=0),
                                         channels=["email"]))
    ReminderSettings.objects.bulk_create(settings, batch_size=2000)


def _reset() -> None:
    from django_tasks_db.models import DBTaskResult

    from ldncare.web.notify.models import Delivery, ReminderSettings

    ReminderSettings.objects.update(checkin_sent_on=None, dose_sent_on=None)
    Delivery.objects.all().delete()
    DBTaskResult.objects.all().delete()


def _baseline(now: dt.datetime, limit: int | None) -> int:
    """One reminder at a time, with the same guarantees (see the module docstring)."""
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.db.models import Q

    from ldncare.web.notify.models import Delivery, ReminderSettings
    from ldncare.web.notify.tasks import deliveries_send
    from ldncare.web.record.models import CheckIn

    sent = 0
    rows = ReminderSettings.objects.select_related("user").exclude(checkin_time=None).order_by("pk")
    for reminder in rows[:limit] if limit else rows:
        local = now.astimezone(ZoneInfo(reminder.user.time_zone))
        today = local.date()
        if not (reminder.checkin_time <= local.time() and local - dt.timedelta(hours=3) <= local.replace(
                hour=reminder.checkin_time.hour, minute=reminder.checkin_time.minute)):
            continue
        if CheckIn.objects.filter(patient_id=reminder.user_id, date=today).exists():
            continue
        with transaction.atomic():
            claimed = ReminderSettings.objects.filter(
                Q(checkin_sent_on__isnull=True) | Q(checkin_sent_on__lt=today), pk=reminder.pk).update(
                checkin_sent_on=today)
            if not claimed:
                continue
            for channel in reminder.channels:
                Delivery.objects.create(kind="checkin_reminder", recipient_id=reminder.user_id, key=today.isoformat(),
                                        channel=channel)
            deliveries_send.enqueue(kind="checkin_reminder", key=today.isoformat(), recipient_ids=[reminder.user_id])
        sent += 1
    return sent


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--baseline-patients", type=int, default=10_000,
                        help="Reminders the baseline handles per run (0: all); the ratio compares time per reminder.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true",
                        help="1 000 patients, 1 repeat, a 200-reminder baseline (the test runs this).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.patients, args.repeat, args.baseline_patients = 1000, 1, 200
    workdir = Path(tempfile.mkdtemp(prefix="ldncare-bench-reminders-"))
    scratch = _setup(args.engine, workdir)
    from django.utils import timezone

    from ldncare.web.notify.tick import notify_tick

    now = timezone.now()
    started = time.perf_counter()
    _seed(args.patients, now)
    seed_s = time.perf_counter() - started
    tick_s, base_s, claimed, tasks, base_count = [], [], 0, 0, 0
    for _ in range(args.repeat):
        _reset()
        t0 = time.perf_counter()
        report = notify_tick(now=now)
        tick_s.append(time.perf_counter() - t0)
        claimed, tasks = report.reminders_claimed, report.tasks_enqueued
        _reset()
        t0 = time.perf_counter()
        base_count = _baseline(now, args.baseline_patients)
        base_s.append(time.perf_counter() - t0)
    per_tick = statistics.median(tick_s) / max(claimed, 1)
    per_base = statistics.median(base_s) / max(base_count, 1)
    result = {
        "engine": args.engine, "patients": args.patients, "repeat": args.repeat, "seed_s": round(seed_s, 2),
        "reminders_claimed": claimed, "tasks_enqueued": tasks,
        "tick_s": {"min": round(min(tick_s), 3), "median": round(statistics.median(tick_s), 3), "max": round(max(tick_s), 3)},
        "baseline_reminders": base_count,
        "baseline_s": {"min": round(min(base_s), 3), "median": round(statistics.median(base_s), 3),
                       "max": round(max(base_s), 3)},
        "reminders_per_s": round(claimed / statistics.median(tick_s), 1),
        "ratio_vs_baseline": round(per_base / per_tick, 2), "load_average": _load(), "cpu_count": os.cpu_count(),
    }
    if scratch:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch}")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
