"""Reminders and notifications: what the worker sends, to whom, once.

Every message is a :class:`~ldncare.web.notify.models.Delivery` row first (kind, recipient, key,
channel; unique), then sent by a task (:mod:`ldncare.web.notify.tasks`) that moves it from
``pending`` to ``sending`` in one conditional update: two workers never send the same message.
"""
