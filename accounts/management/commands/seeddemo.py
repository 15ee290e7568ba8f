from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from accounts.services.users import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Create the small demo data set (idempotent: running it twice creates no duplicates)."

    def handle(self, *args, **options):
        results = demo_users_ensure()
        created = sum(1 for _, was_created in results if was_created)
        self.stdout.write(f"demo users: {created} created, {len(results) - created} already there")
        for user, _ in results:
            self.stdout.write(f"  {user.role:<13} {user.email} / {DEMO_PASSWORD}")
        # Each app seeds its own data (settings.DEMO_SEEDERS), so this command, in the lowest app
        # that has demo data, imports none of the apps above it.
        for path in settings.DEMO_SEEDERS:
            for line in import_string(path)():
                self.stdout.write(line)
