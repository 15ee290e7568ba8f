from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from exchange.celery import PERIODIC_TASKS


class Command(BaseCommand):
    help = (
        "Write the periodic tasks declared in exchange/celery.py into the database schedule. "
        "Missing tasks are created; tasks an administrator edited in the admin are left as they are."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for name, (task, seconds) in PERIODIC_TASKS.items():
            if PeriodicTask.objects.filter(name=name).exists():
                continue
            interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
            PeriodicTask.objects.create(name=name, task=task, interval=interval)
            created += 1
        self.stdout.write(f"periodic tasks: {created} created, {len(PERIODIC_TASKS) - created} already there")
