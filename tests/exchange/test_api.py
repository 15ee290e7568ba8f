import json

import pytest


def test_openapi_schema_is_a_valid_openapi_3_document(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/v1/catalog/regions/" in schema["paths"]


def test_openapi_schema_passes_drf_spectacular_validation(db):
    from django.core.management import call_command

    # --validate checks the generated document against the OpenAPI 3 JSON schema and
    # --fail-on-warn turns any schema warning into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_api_docs_page_serves_swagger_ui_from_our_own_static_files(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_api_root_lists_links_for_anyone(api_client, db):
    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json()["schema"].endswith("/api/schema/")


def test_anonymous_request_to_a_private_endpoint_gets_the_documented_error_body(api_client, db):
    response = api_client.get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "fields": {},
        }
    }


def test_unknown_object_answers_404_in_the_error_format(api_client, db):
    response = api_client.get("/api/v1/catalog/regions/KZ-00/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_api_errors_are_translated_by_accept_language(api_client, db, language):
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.json()["error"]["message"] != "Authentication credentials were not provided."
