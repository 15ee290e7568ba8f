"""A fair's creation and edits by administrators and centre staff, and the fair pages: the list,
the fair page, the create and edit forms, with who may open what."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from catalog.models import Region
from exchange.errors import BusinessError, ConflictError
from fairs.models import Fair, Registration
from fairs.services import fairs as services
from tests import factories

pytestmark = pytest.mark.django_db

Status = Fair.Status
DAY = datetime.timedelta(days=1)

ROLES = ["anonymous", "seeker_a", "employer_b", "staff_y", "staff_x", "admin"]


# --- Builders (the other fair test modules import them) -----------------------------------------


def times(*, status: str = Status.SCHEDULED, now: datetime.datetime | None = None) -> dict:
    """Fair times consistent with ``status`` at ``now``: the status's own step began a day ago."""
    now = now or timezone.now()
    offsets = {  # days from now to registration opening, start, end, results
        Status.SCHEDULED: (5, 10, 16, 23),
        Status.REGISTRATION: (-1, 5, 11, 18),
        Status.LIVE: (-6, -1, 5, 12),
        Status.CLOSED: (-12, -7, -1, 6),
        Status.RESULTS: (-20, -15, -9, -1),
    }[status]
    names = ("registration_opens_at", "starts_at", "ends_at", "results_at")
    return {name: now + offset * DAY for name, offset in zip(names, offsets, strict=True)}


def make_fair(*, status: str = Status.SCHEDULED, now=None, audience_regions=(), **fields) -> Fair:
    """A fair written straight to the table (test set-up, not the service), times fitting ``status``."""
    values = {"title": "Spring job fair", "kind": Fair.Kind.NATIONAL, **times(status=status, now=now), **fields}
    fair = Fair.objects.create(status=status, **values)
    if audience_regions:
        fair.audience_regions.set(audience_regions)
    return fair


def fields(**overrides) -> dict:
    """Valid service fields for a national fair two weeks from now."""
    start = timezone.now().replace(microsecond=0) + 14 * DAY
    values = {
        "title": "Online job fair for young people",
        "description": "Employers of the capital meet young job seekers.",
        "kind": Fair.Kind.NATIONAL,
        "max_age": 35,
        "graduates_only": False,
        "registration_opens_at": start - 7 * DAY,
        "starts_at": start,
        "ends_at": start + 6 * DAY,
    }
    values.update(overrides)
    return values


def login(client, cast, who: str) -> None:
    client.logout()
    if who != "anonymous":
        client.force_login(getattr(cast, who))


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- Creating ---------------------------------------------------------------------------------


def test_an_administrator_schedules_a_national_fair(cast):
    fair = services.fair_create(by=cast.admin, **fields())

    assert fair.status == Status.SCHEDULED
    assert fair.organizer == cast.admin
    assert fair.month == timezone.localdate(fair.starts_at).replace(day=1)
    assert fair.results_at == fair.ends_at + 7 * DAY, "results come a week after the end by default"
    assert list(fair.audience_regions.all()) == []


def test_the_audience_regions_are_kept(cast):
    fair = services.fair_create(by=cast.admin, **fields(audience_regions=[cast.region_x, cast.region_y]))

    assert set(fair.audience_regions.all()) == {cast.region_x, cast.region_y}


def test_dates_out_of_order_are_refused_field_by_field_and_nothing_is_written(cast):
    start = timezone.now() + 10 * DAY
    with pytest.raises(BusinessError) as refused:
        services.fair_create(
            by=cast.admin,
            **fields(
                registration_opens_at=start + DAY,
                starts_at=start,
                ends_at=start - DAY,
                results_at=start - 2 * DAY,
            ),
        )

    assert refused.value.status_code == 400
    assert set(refused.value.fields) == {"registration_opens_at", "ends_at", "results_at"}
    assert "before the fair starts" in refused.value.fields["registration_opens_at"][0]
    assert not Fair.objects.exists()


def test_a_new_fair_must_end_in_the_future(cast):
    past = timezone.now() - 10 * DAY
    with pytest.raises(BusinessError) as refused:
        services.fair_create(
            by=cast.admin, **fields(registration_opens_at=past - DAY, starts_at=past, ends_at=past + DAY)
        )

    assert "future" in refused.value.fields["ends_at"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"kind": Fair.Kind.REGIONAL}, "region", "needs the region"),
        ({"kind": Fair.Kind.EMPLOYER}, "organization", "needs its employer"),
        ({"region": "X"}, "region", "Only a regional fair"),
        ({"max_age": 12}, "max_age", "between 16 and 100"),
        ({"title": "  "}, "title", "required"),
        ({"starts_at": None}, "starts_at", "required"),
    ],
)
def test_each_rule_answers_with_a_message_on_its_field(cast, overrides, field, words):
    if overrides.get("region") == "X":
        overrides = {"region": cast.region_x}
    with pytest.raises(BusinessError) as refused:
        services.fair_create(by=cast.admin, **fields(**overrides))

    assert words in refused.value.fields[field][0]
    assert not Fair.objects.exists()


def test_a_single_employer_fair_needs_a_verified_employer(cast):
    pending = factories.OrganizationFactory(status="pending")
    with pytest.raises(BusinessError) as refused:
        services.fair_create(by=cast.admin, **fields(kind=Fair.Kind.EMPLOYER, organization=pending))
    assert "not been verified" in refused.value.fields["organization"][0]

    organization = cast.employer_a.membership.organization
    fair = services.fair_create(by=cast.admin, **fields(kind=Fair.Kind.EMPLOYER, organization=organization))
    assert fair.organization == organization
    assert fair.month is None, "only national fairs count towards the one-a-month rule"


def test_centre_staff_schedule_regional_fairs_of_their_own_region(cast):
    fair = services.fair_create(by=cast.staff_x, **fields(kind=Fair.Kind.REGIONAL, region=cast.region_x))

    assert fair.kind == Fair.Kind.REGIONAL
    assert fair.region == cast.region_x
    assert fair.organizer == cast.staff_x


def test_centre_staff_cannot_schedule_a_fair_in_another_region(cast):
    with pytest.raises(BusinessError) as refused:
        services.fair_create(by=cast.staff_y, **fields(kind=Fair.Kind.REGIONAL, region=cast.region_x))

    assert refused.value.status_code == 403
    assert refused.value.code == "not_allowed"
    assert "your own region" in refused.value.fields["region"][0]
    assert not Fair.objects.exists()


def test_centre_staff_cannot_schedule_a_national_fair(cast):
    with pytest.raises(BusinessError) as refused:
        services.fair_create(by=cast.staff_x, **fields())

    assert refused.value.status_code == 403
    assert "regional fairs only" in refused.value.fields["kind"][0]


@pytest.mark.parametrize("who", ["seeker_a", "employer_a"])
def test_seekers_and_employers_cannot_schedule_fairs(cast, who):
    with pytest.raises(PermissionDenied):
        services.fair_create(by=getattr(cast, who), **fields())
    assert not Fair.objects.exists()


def test_a_second_national_fair_in_the_same_month_is_a_conflict(cast):
    first = services.fair_create(by=cast.admin, **fields())

    with pytest.raises(ConflictError) as refused:
        services.fair_create(by=cast.admin, **fields(title="Another", starts_at=first.starts_at + 2 * DAY))

    assert refused.value.code == "fair_month_taken"
    assert "starts_at" in refused.value.fields
    assert Fair.objects.count() == 1


# --- Editing ----------------------------------------------------------------------------------


def test_an_organizer_changes_a_scheduled_fair_freely(cast):
    fair = services.fair_create(by=cast.staff_x, **fields(kind=Fair.Kind.REGIONAL, region=cast.region_x))
    later = fair.starts_at + 3 * DAY

    updated = services.fair_update(
        fair=fair, by=cast.staff_x, title="Astana job fair", starts_at=later, max_age=30, audience_regions=[]
    )

    assert updated.title == "Astana job fair"
    assert updated.starts_at == later
    assert updated.max_age == 30


def test_once_registration_opens_the_audience_and_its_opening_are_fixed(cast):
    fair = make_fair(status=Status.REGISTRATION, max_age=35)

    with pytest.raises(ConflictError) as refused:
        services.fair_update(
            fair=fair,
            by=cast.admin,
            max_age=40,
            registration_opens_at=fair.registration_opens_at + DAY,
            title="A new title",
        )

    assert refused.value.code == "fair_field_frozen"
    assert set(refused.value.fields) == {"max_age", "registration_opens_at"}
    fair.refresh_from_db()
    assert (fair.max_age, fair.title) == (35, "Spring job fair"), "nothing is written"


def test_the_start_moves_during_registration_only_until_someone_registers(cast):
    fair = make_fair(status=Status.REGISTRATION, max_age=35)
    moved = services.fair_update(fair=fair, by=cast.admin, starts_at=fair.starts_at + DAY)
    Registration.objects.create(fair=fair, seeker=cast.seeker_a, age_at_start=25, is_youth=True)

    with pytest.raises(ConflictError) as refused:
        services.fair_update(fair=fair, by=cast.admin, starts_at=moved.starts_at + DAY)

    assert refused.value.code == "fair_field_frozen"
    assert set(refused.value.fields) == {"starts_at"}
    fair.refresh_from_db()
    assert fair.starts_at == moved.starts_at


def test_a_frozen_field_sent_with_its_current_value_is_accepted(cast):
    fair = make_fair(status=Status.LIVE, max_age=35)

    updated = services.fair_update(
        fair=fair,
        by=cast.admin,
        max_age=35,
        starts_at=fair.starts_at,
        audience_regions=[],
        ends_at=fair.ends_at + DAY,
        title="Extended fair",
    )

    assert updated.ends_at == fair.ends_at + DAY
    assert updated.title == "Extended fair"


def test_a_closed_fair_may_still_delay_its_results(cast):
    fair = make_fair(status=Status.CLOSED)

    updated = services.fair_update(fair=fair, by=cast.admin, results_at=fair.results_at + 2 * DAY)
    assert updated.results_at == fair.results_at + 2 * DAY

    with pytest.raises(ConflictError):
        services.fair_update(fair=fair, by=cast.admin, ends_at=fair.ends_at + DAY)


def test_edits_keep_the_dates_in_order(cast):
    fair = make_fair()

    with pytest.raises(BusinessError) as refused:
        services.fair_update(fair=fair, by=cast.admin, ends_at=fair.starts_at - DAY)

    assert "end after it starts" in refused.value.fields["ends_at"][0]


def test_staff_of_another_region_cannot_edit_a_regional_fair(cast):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x)

    with pytest.raises(PermissionDenied):
        services.fair_update(fair=fair, by=cast.staff_y, title="Taken over")


def test_staff_cannot_move_their_fair_to_another_region_or_make_it_national(cast):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x)

    with pytest.raises(BusinessError) as to_region:
        services.fair_update(fair=fair, by=cast.staff_x, region=cast.region_y)
    with pytest.raises(BusinessError) as to_national:
        services.fair_update(fair=fair, by=cast.staff_x, kind=Fair.Kind.NATIONAL, region=None)

    assert to_region.value.status_code == to_national.value.status_code == 403
    fair.refresh_from_db()
    assert (fair.kind, fair.region) == (Fair.Kind.REGIONAL, cast.region_x)


def test_a_national_fair_moved_into_a_taken_month_is_a_conflict(cast):
    december = services.fair_create(by=cast.admin, **fields())
    other_start = december.starts_at + 40 * DAY
    other = services.fair_create(
        by=cast.admin,
        **fields(registration_opens_at=other_start - DAY, starts_at=other_start, ends_at=other_start + 5 * DAY),
    )

    with pytest.raises(ConflictError) as refused:
        services.fair_update(
            fair=other,
            by=cast.admin,
            registration_opens_at=december.registration_opens_at,
            starts_at=december.starts_at,
            ends_at=december.ends_at,
        )
    assert refused.value.code == "fair_month_taken"


# --- The list page --------------------------------------------------------------------------------


def test_the_list_shows_live_open_upcoming_and_past_fairs_with_their_status(client, cast):
    make_fair(status=Status.LIVE, title="Live fair")
    make_fair(status=Status.REGISTRATION, title="Open fair")
    make_fair(status=Status.SCHEDULED, title="Coming fair")
    make_fair(status=Status.RESULTS, title="Last year's fair")

    page = client.get("/fairs/").content.decode()

    assert page.index("Live fair") < page.index("Open fair") < page.index("Coming fair") < page.index("Last year")
    for label in ("Live", "Registration open", "Scheduled", "Results published"):
        assert f">{label}</span>" in page
    assert "New fair" not in page, "visitors are not offered the create button"


def test_the_list_page_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for n in range(12):
        make_fair(
            status=[Status.LIVE, Status.REGISTRATION, Status.SCHEDULED, Status.RESULTS][n % 4],
            audience_regions=[cast.region_x],
            kind=Fair.Kind.REGIONAL,
            region=cast.region_x,
            title=f"Fair {n}",
        )
    with django_assert_max_num_queries(6):
        response = client.get("/fairs/")
    assert response.status_code == 200
    assert response.content.decode().count('class="vacancy-row fair-row"') == 12


@pytest.mark.parametrize("who", ROLES)
def test_everyone_opens_the_list_and_only_organizers_see_the_create_button(client, cast, who):
    login(client, cast, who)
    response = client.get("/fairs/")

    assert response.status_code == 200
    assert ("/fairs/new/" in response.content.decode()) == (who in ("staff_x", "staff_y", "admin"))


# --- The fair page ----------------------------------------------------------------------------


def test_the_fair_page_says_who_may_take_part_and_where_the_fair_stands(client, cast):
    fair = make_fair(status=Status.REGISTRATION, max_age=35, graduates_only=True, audience_regions=[cast.region_x])

    page = client.get(f"/fairs/{fair.pk}/").content.decode()

    assert "Spring job fair" in page
    assert "Registration is open." in page
    assert "Aged under 35 on the first day of the fair" in page
    assert "Graduates only" in page
    assert f"Job seekers from {cast.region_x.name}." in page
    assert re.search(r'aria-current="step">\s*<strong>Registration open</strong>', page)


def test_a_fair_for_everyone_says_so(client, cast):
    fair = make_fair()

    page = client.get(f"/fairs/{fair.pk}/").content.decode()

    assert "Job seekers from the whole country." in page
    assert "No age or education limits." in page


def test_an_unknown_fair_is_404(client, cast):
    assert client.get("/fairs/999999/").status_code == 404


# GET status of each page for: anonymous, seeker A, employer B (outsider), staff of Y (another
# region), staff of X (the fair's region), administrator. The fair is a regional fair of X.
PAGES = {
    "/fairs/": [200, 200, 200, 200, 200, 200],
    "/fairs/{id}/": [200, 200, 200, 200, 200, 200],
    "/fairs/new/": [302, 403, 403, 200, 200, 200],
    "/fairs/{id}/edit/": [302, 403, 403, 403, 200, 200],
}


@pytest.mark.parametrize("url", PAGES)
def test_who_opens_each_fair_page(client, cast, url):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x)
    for who, expected in zip(ROLES, PAGES[url], strict=True):
        login(client, cast, who)
        response = client.get(url.format(id=fair.pk))
        assert response.status_code == expected, f"{who} GET {url}"
        if expected == 302:
            assert "/accounts/login/" in response["Location"]


def test_only_the_organizers_see_the_edit_link_on_the_fair_page(client, cast):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x)
    for who in ROLES:
        login(client, cast, who)
        page = client.get(f"/fairs/{fair.pk}/").content.decode()
        assert (f"/fairs/{fair.pk}/edit/" in page) == (who in ("staff_x", "admin")), who


# --- The forms --------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    start = timezone.now() + 14 * DAY
    data = {
        "title": "Spring fair",
        "description": "",
        "kind": "national",
        "region": "",
        "organization": "",
        "max_age": "35",
        "registration_opens_at": local_input(start - 7 * DAY),
        "starts_at": local_input(start),
        "ends_at": local_input(start + 6 * DAY),
        "results_at": "",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_a_fair_with_the_form(client, cast):
    client.force_login(cast.admin)

    response = client.post("/fairs/new/", form_data(audience_regions=[cast.region_y.pk]))

    fair = Fair.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fairs/{fair.pk}/"
    assert fair.title == "Spring fair"
    assert fair.max_age == 35
    assert list(fair.audience_regions.all()) == [cast.region_y]
    assert timezone.localtime(fair.starts_at).strftime("%Y-%m-%dT%H:%M") == form_data()["starts_at"]


def test_the_form_shows_the_services_messages_next_to_the_fields_and_saves_nothing(client, cast):
    client.force_login(cast.admin)
    start = timezone.now() + 14 * DAY

    response = client.post(
        "/fairs/new/",
        form_data(kind="regional", ends_at=local_input(start - DAY), registration_opens_at=local_input(start + DAY)),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "A regional fair needs the region" in page
    assert "The fair must end after it starts." in page
    assert "Registration must open before the fair starts." in page
    assert not Fair.objects.exists()


def test_an_unknown_employer_bin_is_refused_by_the_form(client, cast):
    client.force_login(cast.admin)

    response = client.post("/fairs/new/", form_data(kind="employer", organization="000000000000"))

    assert response.status_code == 400
    assert "No employer with this BIN" in response.content.decode()


def test_a_single_employer_fair_is_created_by_the_employers_bin(client, cast):
    client.force_login(cast.admin)
    organization = cast.employer_a.membership.organization

    client.post("/fairs/new/", form_data(kind="employer", organization=organization.bin))

    assert Fair.objects.get().organization == organization


def test_centre_staff_are_offered_a_regional_fair_of_their_region_only(client, cast):
    client.force_login(cast.staff_x)

    page = client.get("/fairs/new/").content.decode()

    assert 'value="regional"' in page
    assert 'value="national"' not in page
    assert f'<option value="{cast.region_x.pk}"' in page
    assert f'<option value="{cast.region_y.pk}"' not in page
    assert "Employer's BIN" not in page


def test_centre_staff_create_their_regional_fair_with_the_form(client, cast):
    client.force_login(cast.staff_x)

    response = client.post("/fairs/new/", form_data(kind="regional", region=cast.region_x.pk))

    assert response.status_code == 302
    fair = Fair.objects.get()
    assert (fair.kind, fair.region, fair.organizer) == (Fair.Kind.REGIONAL, cast.region_x, cast.staff_x)


def test_a_form_from_staff_for_another_region_is_refused(client, cast):
    client.force_login(cast.staff_y)

    response = client.post("/fairs/new/", form_data(kind="regional", region=cast.region_x.pk))

    assert response.status_code == 400, "the region list does not offer it"
    assert not Fair.objects.exists()


def test_the_edit_form_shows_the_fair_and_saves_changes(client, cast):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x, max_age=30)
    client.force_login(cast.staff_x)

    page = client.get(f"/fairs/{fair.pk}/edit/").content.decode()
    assert 'value="Spring job fair"' in page
    assert local_input(fair.starts_at) in page

    data = form_data(kind="regional", region=cast.region_x.pk, title="Renamed fair", max_age="30")
    for name in ("registration_opens_at", "starts_at", "ends_at", "results_at"):
        data[name] = local_input(getattr(fair, name))
    response = client.post(f"/fairs/{fair.pk}/edit/", data)

    assert response.status_code == 302
    updated = Fair.objects.get(pk=fair.pk)
    assert updated.title == "Renamed fair"
    assert updated.starts_at == fair.starts_at, "a time sent back unchanged keeps its seconds"


def test_the_edit_form_of_a_live_fair_locks_what_can_no_longer_change(client, cast):
    fair = make_fair(status=Status.LIVE, max_age=35)
    client.force_login(cast.admin)

    page = client.get(f"/fairs/{fair.pk}/edit/").content.decode()

    assert re.search(r'name="starts_at"[^>]*disabled', page)
    assert re.search(r'name="max_age"[^>]*disabled', page)
    assert not re.search(r'name="ends_at"[^>]*disabled', page)

    data = form_data(title="Still live", max_age="99", starts_at=local_input(fair.starts_at + DAY))
    data["ends_at"] = local_input(fair.ends_at + DAY)
    data["results_at"] = local_input(fair.results_at + DAY)
    response = client.post(f"/fairs/{fair.pk}/edit/", data)

    assert response.status_code == 302
    updated = Fair.objects.get(pk=fair.pk)
    assert (updated.title, updated.max_age, updated.starts_at) == ("Still live", 35, fair.starts_at)


def test_the_forms_take_post_only_with_a_csrf_token(cast):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.admin)

    assert strict.post("/fairs/new/", form_data()).status_code == 403
    assert not Fair.objects.exists()


def test_an_outsider_posting_the_edit_form_changes_nothing(client, cast):
    fair = make_fair(kind=Fair.Kind.REGIONAL, region=cast.region_x)
    for who in ("seeker_a", "employer_b", "staff_y"):
        login(client, cast, who)
        assert client.post(f"/fairs/{fair.pk}/edit/", form_data(title="Hijacked")).status_code == 403
    assert Fair.objects.get(pk=fair.pk).title == "Spring job fair"


def test_regions_of_the_catalog_are_offered_for_the_audience(client, cast):
    client.force_login(cast.admin)
    page = client.get("/fairs/new/").content.decode()
    assert page.count('name="audience_regions"') == Region.objects.count()
