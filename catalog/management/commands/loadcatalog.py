from django.core.management.base import BaseCommand
from tqdm import tqdm

from catalog.services import catalog_load, catalog_row_count


class Command(BaseCommand):
    help = (
        "Load regions, the ISCO-08 classifier, skills, education levels, employment types and schedules (idempotent)."
    )

    def handle(self, *args, **options):
        with tqdm(total=catalog_row_count(), desc="catalog", unit="row", disable=options["verbosity"] < 1) as bar:
            results = catalog_load(on_row=bar.update)
        for result in results:
            self.stdout.write(f"{result.catalog}: {result.created} created, {result.updated} updated")
