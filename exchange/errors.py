"""One error type for business rules and one JSON error body for the whole API.

Every API error answers ``{"error": {"code": ..., "message": ..., "fields": {...}}}`` with the
matching HTTP status (STYLE.md rule 9). Services raise ``BusinessError`` (or a subclass with
its own default status); HTML views catch the same error and show its message in the form.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class BusinessError(Exception):
    """A business rule refused the action. ``code`` is stable and machine-readable."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: str, message: str, *, fields: dict | None = None, status_code: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(BusinessError):
    """The action conflicts with the current state (a duplicate, a full slot...)."""

    status_code = status.HTTP_409_CONFLICT


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail) -> dict:
    """DRF validation detail -> {"field": ["message", ...]} with string messages."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        out[f"{key}.{index}.{sub}"] = messages
            else:
                out[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def api_exception_handler(exc, context):
    if isinstance(exc, BusinessError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500

    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _("Some fields are not valid."), _flatten(exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        detail = getattr(exc, "detail", str(exc))
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body = error_body("throttled", detail, {"retry_after_seconds": [str(int(exc.wait))]})
        else:
            body = error_body(code, detail)
    response.data = body
    return response
