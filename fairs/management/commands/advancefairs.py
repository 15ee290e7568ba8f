"""``python manage.py advancefairs``: move every fair whose time has come and send the reminders due.

What the periodic task ``fairs.advance`` does every minute, for a site run without a beat
scheduler or to catch up by hand; safe beside the task.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fairs.services.fairs import fairs_advance


class Command(BaseCommand):
    help = "Advance every due fair to its next status and send the fair reminders that are due (idempotent)."

    def handle(self, *args, **options):
        done = fairs_advance()
        self.stdout.write(f"fairs: {done['steps']} steps taken, {done['notifications']} notifications written")
