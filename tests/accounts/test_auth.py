"""Sign-up, e-mail verification, passwords, the login lockout, API tokens and the dashboard."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import SeekerProfile, User
from tests import factories
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "steppe-eagle-over-the-altai-2026"
LOCKOUT_MESSAGE = "Too many failed login attempts from this address for this account."


@pytest.fixture(autouse=True)
def isolated_rate_limits(settings):
    # allauth keeps its rate limits (one confirmation e-mail per address every 3 minutes...) in
    # the cache; the shared file cache would carry them from one test, or one run, to the next.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-auth"},
    }
    cache.clear()


def signup(client, **overrides):
    data = {
        "role": "seeker",
        "full_name": "Aigerim Seitkali",
        "email": "aigerim@example.kz",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://testserver(?P<path>{pattern})", message.body)
    assert match, f"no link matching {pattern} in:\n{message.body}"
    return match["path"]


def verified_user(**kwargs) -> User:
    user = factories.SeekerFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Sign-up and e-mail verification ----------------------------------------------------------


@pytest.mark.django_db
def test_signup_page_offers_the_two_roles_prominently(client):
    response = client.get("/accounts/signup/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "I am looking for work" in content
    assert "I am hiring" in content
    assert 'name="role" value="seeker"' in content
    assert 'name="role" value="employer"' in content
    assert 'name="full_name"' in content


@pytest.mark.django_db
def test_seeker_signs_up_confirms_the_email_and_is_logged_in(client):
    response = signup(client)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="aigerim@example.kz")
    assert user.role == User.Role.SEEKER
    assert user.full_name == "Aigerim Seitkali"
    assert SeekerProfile.objects.filter(user=user).exists()
    assert not is_logged_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@example.kz"]
    assert mail.outbox[0].subject.endswith("Confirm your e-mail address")
    confirm_path = link_in(mail.outbox[0], r"/accounts/confirm-email/[-:\w]+/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "aigerim@example.kz" in page.content.decode()
    response = client.post(confirm_path)

    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/api/v1/me/").json()["email"] == "aigerim@example.kz"


@pytest.mark.django_db
def test_login_is_refused_until_the_email_is_confirmed(client):
    signup(client)
    elsewhere = Client()

    response = elsewhere.post("/accounts/login/", {"login": "aigerim@example.kz", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert not is_logged_in(elsewhere)
    assert elsewhere.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_confirmation_link_followed_by_get_confirms_nothing(client):
    signup(client)
    confirm_path = link_in(mail.outbox[0], r"/accounts/confirm-email/[-:\w]+/")

    client.get(confirm_path)

    assert not EmailAddress.objects.get(email="aigerim@example.kz").verified


@pytest.mark.django_db
def test_employer_signs_up_without_a_seeker_profile(client):
    response = signup(client, role="employer", email="dana@example.kz", full_name="Dana Employer")

    assert response.status_code == 302
    user = User.objects.get(email="dana@example.kz")
    assert user.role == User.Role.EMPLOYER
    assert not SeekerProfile.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "centre_staff", ""])
def test_signup_with_a_role_outside_seeker_and_employer_is_refused(client, role):
    response = signup(client, role=role)

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert 'id="role-error"' in response.content.decode()
    assert not User.objects.filter(email="aigerim@example.kz").exists()
    assert not EmailAddress.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_stores_the_password_hashed_with_argon2(client):
    signup(client)

    user = User.objects.get(email="aigerim@example.kz")
    assert user.password.startswith("argon2")
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_signup_with_an_email_already_registered_writes_nothing(client):
    verified_user(email="aigerim@example.kz")

    response = signup(client, full_name="Someone Else")

    # allauth does not reveal that the address is taken (ACCOUNT_PREVENT_ENUMERATION): it
    # answers as for a new account and mails the owner instead.
    assert response.status_code == 302
    assert User.objects.filter(email="aigerim@example.kz").count() == 1
    assert User.objects.get(email="aigerim@example.kz").full_name != "Someone Else"
    assert mail.outbox[0].subject.endswith("You already have an account")
    assert "/accounts/password/reset/" in mail.outbox[0].body


# --- Passwords ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_link_sets_a_new_password(client):
    user = verified_user(email="arman@example.kz")

    response = client.post("/accounts/password/reset/", {"email": "arman@example.kz"})

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    reset_path = link_in(mail.outbox[0], r"/accounts/password/reset/key/[0-9A-Za-z]+-[^/\s]+/")
    # allauth moves the key from the address into the session before showing the form.
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    assert 'name="password1"' in form_page.content.decode()
    form_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path

    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/key/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2")
    login = Client().post("/accounts/login/", {"login": "arman@example.kz", "password": NEW_PASSWORD})
    assert login.status_code == 302


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.kz"})

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert "/accounts/password/reset/key/" not in mail.outbox[0].body


@pytest.mark.django_db
def test_logged_in_user_changes_the_password(client):
    user = verified_user()
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert is_logged_in(client)


@pytest.mark.django_db
def test_password_change_with_a_wrong_current_password_is_refused(client):
    user = verified_user()
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# --- Lockout (django-axes) ----------------------------------------------------------------------


def log_in(client, email: str, password: str, ip: str):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_failed_logins_lock_the_address_for_that_account_only_from_that_ip():
    victim = verified_user(email="victim@example.kz")
    other = verified_user(email="other@example.kz")
    attacker = Client()

    for _ in range(4):
        response = log_in(attacker, victim.email, "wrong-guess", ip="10.0.0.1")
        assert response.status_code == 200
        assert "The e-mail address or password is incorrect." in response.content.decode()
    # The failure that reaches AXES_FAILURE_LIMIT is already answered with the lockout page.
    assert log_in(attacker, victim.email, "wrong-guess", ip="10.0.0.1").status_code == 429

    locked = log_in(attacker, victim.email, TEST_PASSWORD, ip="10.0.0.1")

    assert locked.status_code == 429
    content = locked.content.decode()
    assert LOCKOUT_MESSAGE in content
    assert 'href="/accounts/password/reset/"' in content
    assert "another device" in content
    assert not is_logged_in(attacker)

    owner_elsewhere = Client()
    assert log_in(owner_elsewhere, victim.email, TEST_PASSWORD, ip="10.0.0.2").status_code == 302
    assert is_logged_in(owner_elsewhere)

    neighbour = Client()
    assert log_in(neighbour, other.email, TEST_PASSWORD, ip="10.0.0.1").status_code == 302
    assert is_logged_in(neighbour)


@pytest.mark.django_db
def test_the_lockout_counts_the_email_in_any_case():
    victim = verified_user(email="victim@example.kz")
    attacker = Client()

    for guess in range(5):
        log_in(attacker, victim.email.upper() if guess % 2 else victim.email, f"guess-{guess}", ip="10.0.0.1")

    assert log_in(attacker, victim.email, TEST_PASSWORD, ip="10.0.0.1").status_code == 429


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count():
    user = verified_user(email="forgetful@example.kz")
    client = Client()
    for _ in range(4):
        log_in(client, user.email, "wrong-guess", ip="10.0.0.1")
    assert log_in(client, user.email, TEST_PASSWORD, ip="10.0.0.1").status_code == 302
    client.post("/accounts/logout/")

    for _ in range(4):
        log_in(client, user.email, "wrong-guess", ip="10.0.0.1")

    assert log_in(client, user.email, TEST_PASSWORD, ip="10.0.0.1").status_code == 302


# --- API tokens ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_issues_a_token_on_the_page_and_sees_it_once(client, api_client):
    user = verified_user()
    client.force_login(user)
    assert "You have no API token." in client.get("/settings/api-token/").content.decode()

    response = client.post("/settings/api-token/")

    assert response.status_code == 200
    key = Token.objects.get(user=user).key
    assert key in response.content.decode()
    assert key not in client.get("/settings/api-token/").content.decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == user.email


@pytest.mark.django_db
def test_issuing_a_new_token_on_the_page_replaces_the_old_one(client, api_client):
    user = verified_user()
    client.force_login(user)
    client.post("/settings/api-token/")
    old_key = Token.objects.get(user=user).key

    client.post("/settings/api-token/")

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old_key}")
    assert api_client.get("/api/v1/me/").status_code in (401, 403)
    assert Token.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_revoking_the_token_on_the_page_stops_it_working(client, api_client):
    user = verified_user()
    client.force_login(user)
    client.post("/settings/api-token/")
    key = Token.objects.get(user=user).key

    response = client.post("/settings/api-token/revoke/")

    assert response.status_code == 302
    assert response.url == "/settings/api-token/"
    assert not Token.objects.filter(user=user).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = api_client.get("/api/v1/me/")
    assert refused.status_code in (401, 403)
    assert refused.json()["error"]["code"]


@pytest.mark.django_db
def test_token_pages_need_login_and_revoke_is_post_only(client):
    assert client.get("/settings/api-token/").status_code == 302
    assert client.post("/settings/api-token/revoke/").status_code == 302
    client.force_login(verified_user())

    assert client.get("/settings/api-token/revoke/").status_code == 405


@pytest.mark.django_db
def test_token_is_issued_and_revoked_through_the_api(api_client):
    user = verified_user()
    api_client.force_authenticate(user)

    issued = api_client.post("/api/v1/me/token/")

    assert issued.status_code == 201
    key = issued.json()["token"]
    assert Token.objects.get(user=user).key == key
    api_client.force_authenticate(None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").json()["email"] == user.email

    assert api_client.delete("/api/v1/me/token/").status_code == 204

    assert not Token.objects.filter(user=user).exists()
    assert api_client.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"), [("get", "/api/v1/me/"), ("post", "/api/v1/me/token/"), ("delete", "/api/v1/me/token/")]
)
def test_anonymous_gets_the_json_error_body_from_the_me_api(api_client, method, path):
    response = getattr(api_client, method)(path)

    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"]


# --- Dashboard, navigation, logout --------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/dashboard/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "next_step"),
    [
        ("seeker_a", "accounts:profile"),
        ("employer_a", "accounts:organization"),
        ("staff_x", "accounts:staff-organizations"),
        ("admin", "admin:index"),
    ],
)
def test_dashboard_shows_the_next_step_for_each_role(client, cast, who, next_step):
    client.force_login(getattr(cast, who))

    response = client.get("/dashboard/")

    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{reverse(next_step)}"' in content
    assert 'href="/settings/api-token/"' in content


@pytest.mark.django_db
def test_dashboard_sends_an_employer_without_organization_to_set_one_up(client, catalog):
    client.force_login(factories.EmployerFactory())

    content = client.get("/dashboard/").content.decode()

    assert f'href="{reverse("accounts:organization-setup")}"' in content
    assert "Register your organization" in content
    # The menu's "Organization" link is harmless here: that page sends them to the setup form.
    assert client.get(reverse("accounts:organization")).url == reverse("accounts:organization-setup")


@pytest.mark.django_db
def test_dashboard_of_an_employer_names_the_organization_and_its_status(client, cast):
    client.force_login(cast.employer_a)

    content = client.get("/dashboard/").content.decode()

    assert "employer-a LLP" in content
    assert "Verified" in content


@pytest.mark.django_db
def test_dashboard_of_an_administrator_also_links_the_staff_pages(client, cast):
    client.force_login(cast.admin)

    assert f'href="{reverse("accounts:staff-organizations")}"' in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_navigation_offers_sign_up_to_visitors_and_the_dashboard_to_users(client):
    anonymous = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in anonymous
    assert 'href="/dashboard/"' not in anonymous

    client.force_login(verified_user())
    logged_in = client.get("/").content.decode()

    assert 'href="/dashboard/"' in logged_in
    assert 'href="/accounts/signup/"' not in logged_in


@pytest.mark.django_db
def test_logout_happens_on_post_only(client):
    client.force_login(verified_user())

    confirm = client.get("/accounts/logout/")

    assert confirm.status_code == 200
    assert is_logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/"
    assert not is_logged_in(client)


# --- Every page in every language ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/done/",
        "/accounts/password/reset/key/1-not-a-key/",
    ],
)
def test_auth_pages_render_in_the_site_layout(client, language, path):
    client.cookies["django_language"] = language

    response = client.get(path)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}"' in content
    assert 'class="site-header"' in content
    assert 'class="form-card auth-card' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/dashboard/", "/settings/api-token/", "/accounts/password/change/", "/accounts/email/", "/accounts/logout/"],
)
def test_pages_of_a_logged_in_user_render(client, path):
    client.force_login(verified_user())

    response = client.get(path)

    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
def test_demo_accounts_log_in_despite_mandatory_verification(client):
    from django.core.management import call_command

    from accounts.services.users import DEMO_PASSWORD

    call_command("seeddemo", verbosity=0)

    response = client.post("/accounts/login/", {"login": "seeker@demo.kz", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response.url == "/dashboard/"
