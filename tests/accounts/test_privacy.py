"""Personal data: the export holds every field linked to the seeker; deletion leaves no trace."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate

from accounts.apis import me
from accounts.apis.seekers import AccountDeleteMixin
from accounts.models import Consent, Education, LanguageSkill, SeekerProfile, User, WorkExperience
from accounts.services.privacy import EXPORT_EXCLUDED_FIELDS, REDACTED, seeker_account_delete, seeker_data_export
from exchange.errors import BusinessError
from tests.accounts.test_seekers import fill_profile, new_seeker
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

# Distinctive values, so a scan of the whole database finds only this person's rows.
EMAIL = "zhuldyz.erasable@example.kz"
FULL_NAME = "Zhuldyz Erasable-Testova"

eraser_calls: list[int] = []


def recording_eraser(*, user):
    """Listed in PERSONAL_DATA_ERASERS by the tests, the way a later app would list its own."""
    eraser_calls.append(user.pk)


def failing_eraser(*, user):
    raise RuntimeError("the vacancies app could not anonymise")


@pytest.fixture
def person(catalog) -> User:
    """A seeker with a full CV, an API token, a confirmed address, logins and an admin log entry."""
    user = new_seeker(EMAIL)
    fill_profile(user)
    User.objects.filter(pk=user.pk).update(full_name=FULL_NAME)
    user.refresh_from_db()
    Token.objects.create(user=user)
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    AccessAttempt.objects.create(
        username=EMAIL, ip_address="10.0.0.1", user_agent="test", failures_since_start=1, get_data="", post_data=""
    )
    AccessLog.objects.create(username=EMAIL, ip_address="10.0.0.1", user_agent="test")
    LogEntry.objects.create(
        user=User.objects.create_superuser(email="root@example.kz", password=TEST_PASSWORD),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message="Changed role.",
    )
    return user


def delete_me(user: User, data: dict):
    """``DELETE /api/v1/me/``. That path belongs to accounts/apis/me.py; until its MeApi mixes in
    AccountDeleteMixin, the request goes to a view made of the two, exactly as it will be mounted."""
    if hasattr(me.MeApi, "delete"):
        client = APIClient()
        client.force_authenticate(user)
        return client.delete("/api/v1/me/", data, format="json")
    view = type("MeApi", (AccountDeleteMixin, me.MeApi), {}).as_view()
    request = APIRequestFactory().delete("/api/v1/me/", data, format="json")
    force_authenticate(request, user)
    return view(request)


def rows(export: dict):
    """Every exported row, depth first."""
    stack = [export["user"]]
    while stack:
        row = stack.pop()
        yield row
        for related in row["related"].values():
            if isinstance(related, list):
                stack.extend(related)
            elif related is not None:
                stack.append(related)


def tables_holding(value: str) -> set[str]:
    """The tables in which any text column contains ``value`` (case-insensitive)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('character varying', 'text', 'character', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        found = set()
        for table, column in columns:
            # Identifiers come from information_schema and are quoted; the value is a parameter.
            cursor.execute(
                f"SELECT 1 FROM {connection.ops.quote_name(table)} "  # noqa: S608
                f"WHERE strpos(lower({connection.ops.quote_name(column)}::text), lower(%s)) > 0 LIMIT 1",
                [value],
            )
            if cursor.fetchone():
                found.add(table)
    return found


# --- Export -------------------------------------------------------------------------------------


def test_export_holds_every_field_of_every_row_linked_to_the_seeker(person):
    export = seeker_data_export(user=person)

    by_model: dict[str, list[dict]] = {}
    for row in rows(export):
        by_model.setdefault(row["model"], []).append(row)
    expected_counts = {
        "accounts.user": 1,
        "accounts.seekerprofile": 1,
        "accounts.consent": 1,
        "accounts.education": 1,
        "accounts.workexperience": 1,
        "accounts.languageskill": 2,
        "authtoken.token": 1,
        "account.emailaddress": 1,
    }
    assert {label: len(found) for label, found in by_model.items()} == expected_counts

    for label, found in by_model.items():
        model = apps.get_model(label)
        fields = {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}
        fields -= EXPORT_EXCLUDED_FIELDS.get(label, frozenset())
        related = {r.get_accessor_name() for r in model._meta.related_objects if not r.hidden}
        related -= {"logentry_set"}
        for row in found:
            assert set(row["fields"]) == fields, label
            assert set(row["related"]) == related, label


def test_export_values_match_the_database(person):
    export = seeker_data_export(user=person)
    profile = SeekerProfile.objects.get(user=person)
    user_row = export["user"]
    profile_row = user_row["related"]["seeker_profile"]

    assert user_row["fields"]["email"] == EMAIL and user_row["fields"]["full_name"] == FULL_NAME
    assert profile_row["fields"]["iin"] == profile.iin
    assert profile_row["fields"]["birth_date"] == profile.birth_date.isoformat()
    assert profile_row["fields"]["region"] == "KZ-71"
    assert profile_row["fields"]["desired_occupations"] == ["7212"]
    assert profile_row["fields"]["skills"] == sorted(profile.skills.values_list("code", flat=True))
    assert profile_row["related"]["experiences"][0]["fields"]["occupation"] == "7212"
    assert profile_row["related"]["educations"][0]["fields"]["level"] == "technical_vocational"
    assert user_row["related"]["consents"][0]["fields"]["text_version"] == "1"
    assert json.loads(json.dumps(export)) == export  # JSON-ready as it is


def test_export_leaves_out_the_password_hash_and_the_token_key(person):
    export = seeker_data_export(user=person)
    text = json.dumps(export)

    assert "password" not in export["user"]["fields"]
    assert person.password not in text
    assert export["user"]["related"]["auth_token"]["fields"]["key"] == REDACTED
    assert Token.objects.get(user=person).key not in text


def test_export_of_another_seeker_is_not_included(person, cast):
    text = json.dumps(seeker_data_export(user=person))

    assert cast.seeker_a.email not in text
    assert cast.seeker_a.seeker_profile.iin not in text


def test_export_page_downloads_a_json_attachment(client, person):
    client.force_login(person)

    page = client.get(reverse("accounts:data-export"))
    response = client.get(reverse("accounts:data-export-download"))

    assert reverse("accounts:data-export-download") in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert json.loads(response.content)["user"]["fields"]["email"] == EMAIL


def test_export_api_answers_the_same_data(api_client, person):
    api_client.force_authenticate(person)

    body = api_client.get("/api/v1/me/export/").json()

    assert body["user"]["related"]["seeker_profile"]["fields"]["iin"] == person.seeker_profile.iin
    assert body["format"] == "exchange-personal-data"


def test_employers_export_their_own_data_too(api_client, cast):
    api_client.force_authenticate(cast.employer_a)

    body = api_client.get("/api/v1/me/export/").json()

    assert body["user"]["fields"]["email"] == cast.employer_a.email
    assert body["user"]["related"]["membership"]["fields"]["role"] == "owner"


# --- Deletion -----------------------------------------------------------------------------------


def test_deletion_leaves_no_table_holding_the_iin_name_email_or_phone(person):
    profile = SeekerProfile.objects.get(user=person)
    traces = {"iin": profile.iin, "name": FULL_NAME, "email": EMAIL, "phone": profile.phone}
    # The scan itself works: before deletion it finds every value where it is stored.
    assert {"accounts_user", "account_emailaddress", "axes_accessattempt", "axes_accesslog", "django_admin_log"} <= (
        tables_holding(EMAIL)
    )
    assert "accounts_seekerprofile" in tables_holding(profile.iin)

    seeker_account_delete(user=person, password=TEST_PASSWORD)

    assert {what: tables_holding(value) for what, value in traces.items()} == {what: set() for what in traces}
    assert not Consent.objects.filter(user_id=person.pk).exists()
    assert not Token.objects.filter(user_id=person.pk).exists()
    for model in (Education, WorkExperience, LanguageSkill):
        assert not model.objects.filter(profile_id=profile.pk).exists()


def test_deletion_needs_the_right_password_and_deletes_nothing_without_it(person):
    with pytest.raises(BusinessError) as error:
        seeker_account_delete(user=person, password="wrong")

    assert error.value.code == "password_incorrect" and "password" in error.value.fields
    assert User.objects.filter(pk=person.pk).exists()
    assert SeekerProfile.objects.filter(user=person).exists()


def test_deletion_calls_the_erasers_listed_in_settings_first(person, settings):
    settings.PERSONAL_DATA_ERASERS = ["tests.accounts.test_privacy.recording_eraser"]
    eraser_calls.clear()
    person_id = person.pk

    seeker_account_delete(user=person, password=TEST_PASSWORD)

    assert eraser_calls == [person_id]


def test_a_failing_eraser_stops_the_deletion(person, settings):
    settings.PERSONAL_DATA_ERASERS = ["tests.accounts.test_privacy.failing_eraser"]

    with pytest.raises(RuntimeError):
        seeker_account_delete(user=person, password=TEST_PASSWORD)

    assert User.objects.filter(pk=person.pk).exists()
    assert AccessAttempt.objects.filter(username=EMAIL).exists()


@pytest.mark.parametrize("who", ["employer_a", "staff_x"])
def test_only_job_seekers_delete_their_account_here(cast, who):
    user = getattr(cast, who)

    with pytest.raises(PermissionDenied):
        seeker_account_delete(user=user, password=TEST_PASSWORD)
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_on_the_page_asks_for_the_password_then_logs_out(client, person):
    client.force_login(person)

    wrong = client.post(reverse("accounts:account-delete"), {"password": "wrong"})
    right = client.post(reverse("accounts:account-delete"), {"password": TEST_PASSWORD})

    assert wrong.status_code == 200 and wrong.context["form"].errors["password"]
    assert right["Location"] == reverse("home")
    assert not User.objects.filter(email=EMAIL).exists()
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("account_login"))
    assert tables_holding(EMAIL) == set()


def test_delete_me_api_asks_for_the_password(person):
    wrong = delete_me(person, {"password": "wrong"})
    missing = delete_me(person, {})

    assert wrong.status_code == missing.status_code == 400
    assert wrong.data["error"]["fields"]["password"]
    assert User.objects.filter(pk=person.pk).exists()

    assert delete_me(person, {"password": TEST_PASSWORD}).status_code == 204
    assert not User.objects.filter(pk=person.pk).exists()


def test_delete_me_api_is_for_job_seekers_only(cast):
    response = delete_me(cast.employer_a, {"password": TEST_PASSWORD})

    assert response.status_code == 403
    assert User.objects.filter(pk=cast.employer_a.pk).exists()


def test_admin_log_entries_about_other_users_stay(person, cast):
    entry = LogEntry.objects.create(
        user=User.objects.get(email="root@example.kz"),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(cast.seeker_a.pk),
        object_repr=cast.seeker_a.email,
        action_flag=CHANGE,
    )

    seeker_account_delete(user=person, password=TEST_PASSWORD)

    assert LogEntry.objects.filter(pk=entry.pk).exists()
