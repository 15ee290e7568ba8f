"""Every URL of the vacancies app, pages and API, read by each member of the cast.

The table is the contract of who may read what; a new vacancies URL without a row fails
``test_every_vacancies_url_has_a_row``. Who may *change* what is tested area by area (life cycle,
applications, referrals, imports, projects, matching); here every write by an anonymous visitor
is refused and writes nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import SeekerProfile
from catalog.models import Region
from tests import factories
from vacancies.models import (
    ImportJob,
    Invitation,
    NationalProgramme,
    NationalProject,
    ReferralQuota,
    VacancyReport,
)
from vacancies.services.matching import saved_search_create

ACTORS = ["anonymous", "seeker_a", "seeker_b", "employer_a", "employer_b", "staff_x", "staff_y", "admin"]


def vacancies_routes() -> list[tuple[str, str]]:
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith("vacancies.") and pattern.name:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    yield name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def build_objects(cast) -> dict:
    """Objects of employer A (region X) and seeker A that the URLs point at."""
    organization = cast.employer_a.membership.organization
    vacancy = factories.VacancyFactory(organization=organization, title="Сварщик")
    application = factories.ApplicationFactory(vacancy=vacancy, seeker=cast.seeker_a)
    report = VacancyReport.objects.create(vacancy=vacancy, reason="spam")
    invitation = Invitation.objects.create(vacancy=vacancy, seeker=cast.seeker_b, invited_by=cast.employer_a)
    job = ImportJob.objects.create(
        organization=organization, uploaded_by=cast.employer_a, original_name="v.csv", status="done"
    )
    job.file.save("v.csv", ContentFile(b"external_id,title\n"), save=True)
    programme = NationalProgramme.objects.create(code="infra", name_en="Infrastructure")
    project = NationalProject.objects.create(
        programme=programme, name="Bridge", region=cast.region_x, employer=organization, start_year=2025, end_year=2027
    )
    year = timezone.localdate().year
    ReferralQuota.objects.create(region=cast.region_x, year=year, limit=100)
    saved = saved_search_create(user=cast.seeker_a, query="сварщик", name="welding")
    return {
        "pk": vacancy.pk,
        "report_pk": report.pk,
        "vacancy_id": vacancy.pk,
        "application_id": application.pk,
        "invitation_id": invitation.pk,
        "job_id": job.pk,
        "programme_id": programme.pk,
        "project_id": project.pk,
        "saved_search_id": saved.pk,
        "seeker_id": cast.seeker_a.pk,
        "region_code": Region.objects.get(pk=cast.region_x.pk).code,
        "year": year,
    }


def url_for(name: str, route: str, objects: dict) -> str:
    kwargs = {}
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        key = "report_pk" if param == "pk" and "reports/<" in route else param
        kwargs[param] = objects[key]
    return reverse(name, kwargs=kwargs)


def login(client, cast, actor):
    client.logout()
    if actor != "anonymous":
        client.force_login(getattr(cast, actor))


# GET status for: anonymous, seeker_a, seeker_b, employer_a, employer_b, staff_x, staff_y, admin.
# Objects belong to employer A (region X): a published vacancy with seeker A's application, a
# report, an invitation to seeker B, an import job; a national project in X; seeker A's saved
# search; X's referral quota. 302 = sent to the login page; 405 = the URL only takes writes.
READ = {
    "api-import-detail": [403, 403, 403, 200, 404, 200, 404, 200],
    "api-imports": [403, 403, 403, 200, 200, 200, 200, 200],
    "api-job-creation-map": [200, 200, 200, 200, 200, 200, 200, 200],
    "api-national-programme-detail": [200, 200, 200, 200, 200, 200, 200, 200],
    "api-national-programmes": [200, 200, 200, 200, 200, 200, 200, 200],
    "api-national-project-detail": [200, 200, 200, 200, 200, 200, 200, 200],
    "api-national-projects": [200, 200, 200, 200, 200, 200, 200, 200],
    "application-detail": [403, 200, 404, 200, 404, 200, 404, 200],
    "application-hire": [403, 405, 405, 405, 405, 405, 405, 405],
    "application-transition": [403, 405, 405, 405, 405, 405, 405, 405],
    "application-withdraw": [403, 405, 405, 405, 405, 405, 405, 405],
    "cv-detail": [403, 403, 403, 200, 200, 403, 403, 404],
    "cv-search": [403, 403, 403, 200, 200, 403, 403, 404],
    "invitation-accept": [403, 405, 405, 405, 405, 405, 405, 405],
    "invitation-create": [403, 405, 405, 405, 405, 405, 405, 405],
    "invitation-decline": [403, 405, 405, 405, 405, 405, 405, 405],
    "matching-vacancies": [403, 200, 200, 403, 403, 403, 403, 403],
    "my-applications": [403, 200, 200, 403, 403, 403, 403, 200],
    "my-invitations": [403, 200, 200, 200, 200, 403, 403, 404],
    "open-data-vacancies": [200, 200, 200, 200, 200, 200, 200, 200],
    "organization-vacancies": [403, 403, 403, 200, 200, 403, 403, 403],
    "referral-create": [403, 405, 405, 405, 405, 405, 405, 405],
    "referral-quota": [403, 403, 403, 403, 403, 200, 404, 200],
    "referral-quotas": [403, 403, 403, 403, 403, 200, 200, 200],
    "referral-seekers": [403, 403, 403, 403, 403, 200, 200, 200],
    "saved-search-detail": [403, 200, 404, 404, 404, 404, 404, 404],
    "saved-searches": [403, 200, 200, 403, 403, 403, 403, 200],
    "staff-referrals": [403, 403, 403, 403, 403, 200, 200, 200],
    "staff-report-dismiss": [403, 405, 405, 405, 405, 405, 405, 405],
    "staff-report-uphold": [403, 405, 405, 405, 405, 405, 405, 405],
    "staff-reports": [403, 403, 403, 403, 403, 200, 200, 200],
    "staff-vacancies-pending": [403, 403, 403, 403, 403, 200, 200, 200],
    "suitable-candidates": [403, 404, 404, 200, 404, 200, 404, 200],
    "vacancies:application-detail": [302, 200, 404, 200, 404, 200, 404, 200],
    "vacancies:application-transition": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:application-withdraw": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:apply": [302, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:approve": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:candidates": [302, 403, 403, 200, 404, 403, 403, 200],
    "vacancies:close": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:create": [302, 403, 403, 200, 200, 403, 403, 403],
    "vacancies:cv-detail": [302, 403, 403, 200, 200, 403, 403, 404],
    "vacancies:cv-search": [302, 403, 403, 200, 200, 403, 403, 404],
    "vacancies:detail": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:edit": [302, 404, 404, 200, 404, 404, 404, 404],
    "vacancies:for-you": [302, 200, 200, 403, 403, 403, 403, 403],
    "vacancies:import-detail": [302, 403, 403, 200, 404, 200, 404, 200],
    "vacancies:import-help": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:import-new": [302, 403, 403, 200, 200, 200, 200, 200],
    "vacancies:import-template": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:imports": [302, 403, 403, 200, 200, 200, 200, 200],
    "vacancies:invitation-answer": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:invitations": [302, 200, 200, 200, 200, 403, 403, 404],
    "vacancies:job-creation-map": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:moderation": [302, 403, 403, 403, 403, 200, 200, 200],
    "vacancies:my-applications": [302, 200, 200, 403, 403, 403, 403, 200],
    "vacancies:my-vacancies": [302, 403, 403, 200, 200, 403, 403, 403],
    "vacancies:pause": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:programme-create": [302, 403, 403, 403, 403, 403, 403, 200],
    "vacancies:programme-delete": [302, 403, 403, 403, 403, 403, 403, 200],
    "vacancies:programme-edit": [302, 403, 403, 403, 403, 403, 403, 200],
    "vacancies:project-create": [302, 403, 403, 403, 403, 403, 403, 200],
    "vacancies:project-delete": [302, 403, 403, 403, 403, 403, 403, 200],
    "vacancies:project-detail": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:project-edit": [302, 403, 403, 403, 403, 403, 403, 200],
    "vacancies:projects": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:prolong": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:referral-new": [302, 403, 403, 403, 403, 200, 200, 200],
    "vacancies:referral-quotas": [302, 403, 403, 403, 403, 200, 200, 200],
    "vacancies:referrals": [302, 403, 403, 403, 403, 200, 200, 200],
    "vacancies:reject": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:report": [405, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:report-dismiss": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:report-uphold": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:reports": [302, 403, 403, 403, 403, 200, 200, 200],
    "vacancies:resume": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:saved-search-create": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:saved-search-delete": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:saved-search-edit": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:saved-searches": [302, 200, 200, 403, 403, 403, 403, 200],
    "vacancies:search": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancies:submit": [302, 405, 405, 405, 405, 405, 405, 405],
    "vacancies:suitable-candidates": [302, 404, 404, 200, 404, 200, 404, 200],
    "vacancy-applications": [403, 403, 403, 200, 404, 403, 403, 200],
    "vacancy-approve": [403, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-close": [403, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-detail": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancy-list": [200, 200, 200, 200, 200, 200, 200, 200],
    "vacancy-pause": [403, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-prolong": [403, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-reject": [403, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-report": [405, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-resume": [403, 405, 405, 405, 405, 405, 405, 405],
    "vacancy-submit": [403, 405, 405, 405, 405, 405, 405, 405],
}

# Who may see seeker A's full IIN: nobody here but staff of the region and administrators.
IIN_READERS = {"staff_x", "admin"}


def test_every_vacancies_url_has_a_row():
    names = {name for name, _ in vacancies_routes()}

    assert names == set(READ), f"missing: {sorted(names - set(READ))}, stale: {sorted(set(READ) - names)}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), vacancies_routes())
def test_who_may_read_each_vacancies_url(name, route, cast, client):
    objects = build_objects(cast)
    url = url_for(name, route, objects)
    full_iin = SeekerProfile.objects.get(user=cast.seeker_a).iin

    seen = []
    for actor in ACTORS:
        login(client, cast, actor)
        response = client.get(url)
        seen.append(response.status_code)
        if response.status_code == 302 and actor == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))
        if actor not in IIN_READERS and actor != "seeker_a":
            assert full_iin not in response.content.decode(errors="replace"), f"{actor} saw the full IIN at {url}"

    assert seen == READ[name]


def database_state() -> dict:
    from django.apps import apps
    from django.db.models import Max

    state = {}
    for label in ("vacancies", "accounts", "notifications"):
        for model in apps.get_app_config(label).get_models():
            fields = {f.name for f in model._meta.get_fields()}
            queryset = model.objects.all()
            state[model.__name__] = (
                queryset.count(),
                queryset.aggregate(m=Max("updated_at"))["m"] if "updated_at" in fields else None,
            )
    return state


# Public on purpose: anyone may report a vacancy (tests/vacancies/test_reports.py).
ANONYMOUS_MAY_WRITE = {"vacancies:report", "vacancy-report"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route"), [(name, route) for name, route in vacancies_routes() if name not in ANONYMOUS_MAY_WRITE]
)
def test_an_anonymous_visitor_changes_nothing_through_a_vacancies_url(name, route, cast, client):
    url = url_for(name, route, build_objects(cast))
    methods = ["post"] if name.startswith("vacancies:") else ["post", "put", "patch", "delete"]

    for method in methods:
        before = database_state()
        response = getattr(client, method)(url, data={}, content_type="application/json")

        assert response.status_code in (302, 401, 403, 405), f"{method} {url}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login"))
        assert database_state() == before
