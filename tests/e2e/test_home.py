import pytest

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_switches_language_and_keeps_it(page, screenshot, catalog):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).is_visible()
    screenshot(page, "home-en")

    page.get_by_role("button", name="Қазақша").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "Электрондық еңбек биржасы" in page.title()
    screenshot(page, "home-kk")

    page.get_by_role("button", name="Русский").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Электронная биржа труда" in page.title()
    screenshot(page, "home-ru")

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ru"


def test_home_page_shows_live_counts_from_the_database(page, catalog):
    from django.core.cache import cache

    cache.clear()
    User.objects.create_user(email="counted@example.kz", password="x-long-password-1", role=User.Role.SEEKER)
    expected_seekers = User.objects.filter(role=User.Role.SEEKER, is_active=True).count()

    page.goto("/")

    text = page.locator("main").inner_text()
    assert "20" in text  # regions covered
    assert "436" in text  # ISCO-08 unit groups
    assert str(expected_seekers) in text


def test_home_page_fits_a_phone_screen(phone_page, screenshot, catalog):
    phone_page.goto("/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(phone_page, "home-phone")


def test_api_docs_render_without_network(page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    external = []
    page.on(
        "request",
        lambda request: external.append(request.url)
        if "127.0.0.1" not in request.url and "localhost" not in request.url and not request.url.startswith("data:")
        else None,
    )

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .information-container", timeout=15000)

    assert page.locator(".swagger-ui .title").first.inner_text().startswith("Electronic Labor Exchange API")
    assert external == []
    assert failed == []
