"""Plays the web process in the delivery tests: performs events, or sends a task, through the
broker named by the environment (``REDIS_URL``, ``CELERY_QUEUE``), then prints a JSON summary.

    python -m tests.notifications.events_script shortlist --by USER_ID APPLICATION_ID...
    python -m tests.notifications.events_script matches --vacancy VACANCY_ID USER_ID...
    python -m tests.notifications.events_script send TASK_NAME

Every event runs in its own transaction, as a request would; the notifications' delivery is
enqueued when it commits, and an unreachable broker must not make the event fail.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str]) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.notifications.worker_settings")
    import django

    django.setup()
    from django.db import transaction

    from accounts.models import User
    from exchange.celery import app
    from notifications.models import Kind
    from notifications.services import NewNotification, notifications_create_bulk
    from vacancies.models import Application, Vacancy
    from vacancies.services.applications import application_transition

    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    shortlist = commands.add_parser("shortlist")
    shortlist.add_argument("--by", type=int, required=True)
    shortlist.add_argument("applications", type=int, nargs="+")
    matches = commands.add_parser("matches")
    matches.add_argument("--vacancy", type=int, required=True)
    matches.add_argument("users", type=int, nargs="+")
    send = commands.add_parser("send")
    send.add_argument("task")
    args = parser.parse_args(argv)

    timings = []
    if args.command == "shortlist":
        employer = User.objects.get(pk=args.by)
        for application in Application.objects.filter(pk__in=args.applications).order_by("id"):
            started = time.monotonic()
            application_transition(application=application, to_status=Application.Status.SHORTLISTED, by=employer)
            timings.append(time.monotonic() - started)
    elif args.command == "matches":
        vacancy = Vacancy.objects.get(pk=args.vacancy)
        started = time.monotonic()
        with transaction.atomic():
            notifications_create_bulk(
                items=[
                    NewNotification(
                        recipient_id=user_id,
                        kind=Kind.VACANCY_MATCH,
                        subject=f"vacancy:{vacancy.pk}",
                        data={"vacancy_id": vacancy.pk, "vacancy_title": vacancy.title, "score": 80},
                        url=vacancy.get_absolute_url(),
                    )
                    for user_id in args.users
                ]
            )
        timings.append(time.monotonic() - started)
    else:
        app.send_task(args.task)
    return {"events": len(timings), "slowest_seconds": max(timings, default=0)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
