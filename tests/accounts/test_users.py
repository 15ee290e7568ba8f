import pytest

from accounts.models import User
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_users_log_in_with_their_email_address_in_any_case(client, seeker):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=seeker, email=seeker.email, verified=True, primary=True)

    response = client.post("/accounts/login/", {"login": seeker.email.upper(), "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["email"] == seeker.email


@pytest.mark.django_db
def test_create_user_normalises_the_email_to_lower_case():
    user = User.objects.create_user(email="Aigul@Example.KZ", password=TEST_PASSWORD)

    assert user.email == "aigul@example.kz"
    assert user.role == User.Role.SEEKER


@pytest.mark.django_db
def test_superuser_is_an_administrator():
    user = User.objects.create_superuser(email="root@example.kz", password=TEST_PASSWORD)

    assert user.is_administrator and user.is_staff


@pytest.mark.django_db
def test_me_api_returns_the_logged_in_user(api_client, seeker):
    api_client.force_authenticate(seeker)

    response = api_client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == seeker.email
    assert response.json()["role"] == "seeker"


@pytest.mark.django_db
def test_admin_site_is_enabled_for_administrators(client, admin_user):
    client.force_login(admin_user)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200
