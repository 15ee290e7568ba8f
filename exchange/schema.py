"""OpenAPI pieces every app's API documents its responses with.

The one error body of the whole API (``exchange.errors``) is one schema component, ``ApiError``;
``errors(400, 404)`` maps those statuses to it in ``extend_schema(responses=...)``.
"""

from __future__ import annotations

from rest_framework import serializers


class ApiErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable code, e.g. already_applied.")
    message = serializers.CharField(help_text="Translated by Accept-Language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Messages per invalid field."
    )


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorBodySerializer()


def errors(*codes: int) -> dict:
    """``{status: ApiErrorSerializer}`` for ``extend_schema(responses={..., **errors(403, 404)})``."""
    return dict.fromkeys(codes, ApiErrorSerializer)
