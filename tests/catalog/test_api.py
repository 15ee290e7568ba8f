import pytest


@pytest.mark.django_db
def test_anyone_can_list_regions(api_client, catalog):
    response = api_client.get("/api/v1/catalog/regions/")

    assert response.status_code == 200
    assert len(response.json()) == 20


@pytest.mark.django_db
def test_occupations_can_be_filtered_to_everything_under_a_group(api_client, catalog):
    response = api_client.get("/api/v1/catalog/occupations/", {"under": "721", "level": 4, "page_size": 100})

    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert codes and all(code.startswith("721") and len(code) == 4 for code in codes)


@pytest.mark.django_db
def test_occupation_list_answers_in_a_fixed_number_of_queries(api_client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/catalog/occupations/", {"page_size": 100})
    assert len(response.json()["results"]) == 100


@pytest.mark.django_db
def test_catalog_api_is_read_only(api_client, admin_user, catalog):
    api_client.force_authenticate(admin_user)

    response = api_client.post("/api/v1/catalog/regions/", {"code": "KZ-99", "name_en": "Nowhere"})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
