"""The worker loop on either queue: each round runs a tick (:func:`notify_tick`) and then every
ready task. The database backend's own worker (django-tasks-db) claims tasks with
``SELECT ... FOR UPDATE SKIP LOCKED`` (an exclusive transaction on SQLite), so several workers
share one queue; on RQ, Redis hands each job to one worker."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string

from ldncare.web.notify.models import Delivery
from ldncare.web.notify.tick import notify_tick

__all__ = ["run_database_worker", "run_rq_worker"]

log = logging.getLogger(__name__)


class _Counter:
    def __init__(self) -> None:
        self.tasks_run = 0
        self.reminders_claimed = 0


def _report(counter: _Counter, since) -> dict:
    states = dict.fromkeys(("sent", "retry", "failed", "skipped"), 0)
    for state in Delivery.objects.filter(created_at__gte=since).values_list("state", flat=True) if since else []:
        if state in states:
            states[state] += 1
    return {"reminders_claimed": counter.reminders_claimed, "tasks_run": counter.tasks_run, **states}


def _tick(counter: _Counter) -> None:
    close_old_connections()
    try:
        report = notify_tick()
    except Exception:  # a tick that fails (e.g. database restarting) is tried again next round
        log.exception("notify tick failed")
        return
    counter.reminders_claimed += report.reminders_claimed
    # RQ forks a work-horse per job: it must not inherit this process's open database connection.
    connections.close_all()


def _load_views() -> None:
    """Load every view (the URL resolver) once, as the WSGI entry point does: messages link to pages
    (``reverse``), and RQ's forked work-horses then inherit the loaded program instead of each
    importing it again."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the attribute access imports every view module
    get_resolver()._populate()


def run_database_worker(*, burst: bool, interval_s: float, stop: threading.Event) -> dict:
    from django.utils import timezone
    from django_tasks_db.management.commands.db_worker import Worker

    _load_views()
    started = timezone.now()
    counter = _Counter()
    worker_id = get_random_string(32)
    while not stop.is_set():
        _tick(counter)
        db_worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                           max_tasks=None, worker_id=worker_id, excluded_queue_names=[])
        db_worker.run()
        counter.tasks_run += db_worker._run_tasks
        if burst:
            break
        stop.wait(interval_s)
    return _report(counter, started)


def run_rq_worker(*, burst: bool, interval_s: float, stop: threading.Event) -> dict:
    import django_rq
    from django.utils import timezone
    from django_tasks_rq.backend import Job

    def new_worker():  # RQ must build django-tasks' own Job class, which knows how to call a Task
        return django_rq.get_worker("default", job_class=Job)

    _load_views()
    started = timezone.now()
    counter = _Counter()
    if burst:
        _tick(counter)
        rq_worker = new_worker()
        rq_worker.work(burst=True, with_scheduler=True)
        counter.tasks_run += rq_worker.successful_job_count + rq_worker.failed_job_count
        return _report(counter, started)

    def ticker() -> None:
        while not stop.wait(interval_s):
            _tick(counter)

    _tick(counter)
    threading.Thread(target=ticker, name="ldncare-tick", daemon=True).start()
    new_worker().work(with_scheduler=True)
    stop.set()
    return _report(counter, started)
