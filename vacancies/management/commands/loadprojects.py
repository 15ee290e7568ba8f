"""``python manage.py loadprojects [FILE]``: load national programmes and projects (demo data by default)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from exchange.errors import BusinessError
from vacancies.services.projects import LOAD_COLUMNS, projects_load

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "national_projects.csv"


class Command(BaseCommand):
    help = (
        "Create or update national programmes and projects from a CSV file (default: the demo projects in "
        "vacancies/data/national_projects.csv). Idempotent: projects are matched by programme, name and region."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(DEMO_FILE), help=f"CSV with columns {', '.join(LOAD_COLUMNS)}"
        )

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as file:
                rows = list(csv.DictReader(file))
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror or exc}") from exc
        missing = [c for c in LOAD_COLUMNS if rows and c not in rows[0]]
        if missing:
            raise CommandError(f"Missing columns: {', '.join(missing)}")
        with tqdm(total=len(rows), desc="projects", unit="row", disable=options["verbosity"] < 1) as bar:
            try:
                created, updated = projects_load(rows=rows, on_row=bar.update)
            except BusinessError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(f"national projects: {created} created, {updated} updated")
