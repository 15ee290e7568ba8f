"""``python manage.py createmonthlyfair [--today YYYY-MM-DD]``: create next month's national fair now.

The periodic task ``fairs.create_monthly`` does this every hour; the command is for a fresh
installation, or for an administrator who changed the template and wants to see the fair at once.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairs.services.fairs import fair_create_monthly


class Command(BaseCommand):
    help = (
        "Create the national fair of the month after TODAY (default: today) from the monthly fair template. "
        "Idempotent: a month that has its national fair is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {options['today']!r}") from exc
        fair = fair_create_monthly(today=today)
        if fair is None:
            self.stdout.write("no fair created: next month has its national fair, or monthly fairs are switched off")
        else:
            self.stdout.write(f"created fair {fair.pk}: {fair.title} ({timezone.localtime(fair.starts_at):%Y-%m-%d})")
