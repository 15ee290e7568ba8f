"""``python manage.py importvacancies FILE --employer BIN [--by EMAIL]``: the bulk import from a shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import Membership, Organization, User
from vacancies.selectors.imports import can_import_for
from vacancies.services.imports import ImportFileError, import_vacancies, read_table


class Command(BaseCommand):
    help = (
        "Import vacancies of an employer from a CSV or XLSX file (the columns of the web import). Rows are "
        "upserted by external_id: new ones become drafts, existing editable ones are updated. Bad rows are "
        "listed; the others are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .xlsx file whose first row holds the column names.")
        parser.add_argument("--employer", required=True, metavar="BIN", help="The employer's BIN.")
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="Who imports (recorded as the vacancies' author). Default: the employer's first owner.",
        )

    def handle(self, *args, **options):
        organization = Organization.objects.filter(bin=options["employer"].strip()).first()
        if organization is None:
            raise CommandError(f"No employer with BIN {options['employer']}.")
        by = self._importer(organization, options["by"])
        try:
            with open(options["file"], "rb") as file:
                table = read_table(file, filename=options["file"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror or exc}") from exc
        except ImportFileError as exc:
            raise CommandError(f"Cannot import {options['file']}: {exc.message}") from exc

        with tqdm(total=table.data_row_count, desc="vacancies", unit="row", disable=options["verbosity"] < 1) as bar:
            try:
                result = import_vacancies(
                    organization=organization,
                    by=by,
                    rows_iterable=table,
                    on_progress=lambda r: bar.update(r.processed_rows - bar.n),
                )
            except ImportFileError as exc:
                raise CommandError(f"Cannot import {options['file']}: {exc.message}") from exc

        self.stdout.write(
            f"{result.processed_rows} rows: {result.created_count} created, {result.updated_count} updated, "
            f"{len(result.bad_rows)} bad rows."
        )
        for error in result.errors:
            column = f", column {error['column']}" if error["column"] else ""
            self.stdout.write(f"row {error['row']}{column}: {error['message']}")

    def _importer(self, organization: Organization, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(f"No user with e-mail {email}.")
        else:
            owner = (
                Membership.objects.filter(organization=organization, role=Membership.Role.OWNER, user__is_active=True)
                .select_related("user")
                .order_by("created_at", "id")
                .first()
            )
            if owner is None:
                raise CommandError(f"{organization} has no active owner; name the importing user with --by EMAIL.")
            user = owner.user
        if not can_import_for(user=user, organization=organization):
            raise CommandError(f"{user} may not import vacancies for {organization}.")
        return user
