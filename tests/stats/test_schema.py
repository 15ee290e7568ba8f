"""The statistics API is documented in the OpenAPI schema: every chart with its own row shape,
without a warning or an error from the schema generator for any statistics endpoint."""

from __future__ import annotations

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from stats import exports
from stats.definitions import CHARTS


def generate() -> tuple[dict, list[str]]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    messages = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, messages


def test_the_schema_documents_every_statistics_endpoint_without_warnings(db):
    schema, messages = generate()

    validate_schema(schema)
    ours = [m for m in messages if "stats" in m.lower() or "/api/v1/stats/" in m]
    assert ours == []
    paths = schema["paths"]
    assert {
        "/api/v1/stats/",
        "/api/v1/stats/headline/",
        "/api/v1/stats/refresh/",
        "/api/v1/stats/export.xlsx",
    } <= set(paths)
    for chart in CHARTS:
        operation = paths[f"/api/v1/stats/{chart.slug}/"]["get"]
        assert operation["security"] == [{"cookieAuth": []}, {"tokenAuth": []}, {}]  # anonymous too
        assert operation["operationId"] == f"stats_{chart.slug.replace('-', '_')}"


def test_each_chart_has_its_own_row_schema_with_every_column(db):
    schema, _messages = generate()

    components = schema["components"]["schemas"]
    for chart in CHARTS:
        row = components[f"Stats{chart.api_name}Row"]
        assert {column.key for column in chart.columns} <= set(row["properties"])
        assert components[f"Stats{chart.api_name}"]["properties"]["rows"]["items"]["$ref"].endswith(
            f"Stats{chart.api_name}Row"
        )
    assert set(components["StatsHeadlineFigures"]["properties"]) >= {"vacancies_open", "hires", "youth_share"}


def test_the_workbook_endpoint_is_documented_as_a_file_for_administrators(db):
    schema, _messages = generate()

    operation = schema["paths"]["/api/v1/stats/export.xlsx"]["get"]
    assert operation["operationId"] == "stats_export_xlsx"
    assert operation["tags"] == ["statistics"]
    assert operation["responses"]["200"]["content"] == {
        exports.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}
    }
    assert {"401", "403"} <= set(operation["responses"])
    assert operation["responses"]["403"]["content"]["application/json"]["schema"]["$ref"].endswith("ApiError")
    assert {} not in operation["security"]  # not for anonymous readers
