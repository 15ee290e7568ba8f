"""Glue between the authentication libraries (django-allauth, django-axes) and our accounts."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from exchange.errors import error_body


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The role comes from the sign-up form's "I am looking for work" / "I am hiring" choice;
        # SignupRoleForm.signup() finishes the account (seeker profile) after this save.
        user.role = form.cleaned_data.get("role") or user.role
        return super().save_user(request, user, form, commit=commit)


def axes_username(request, credentials):
    """The e-mail address tried, from allauth's form (``login``), Django's (``username``) or ours."""
    credentials = credentials or {}
    for key in ("login", "email", "username"):
        value = credentials.get(key) or (request.POST.get(key) if request is not None else None)
        if value:
            return str(value).strip().lower()
    return ""


def axes_lockout_response(request, credentials, *args, **kwargs):
    """Answer a locked-out login with 429 and a clear message (JSON for the API)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed login attempts from this address for this account. "
        "Wait %(minutes)d minutes or reset your password; you can still log in from another device."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("locked_out", message), status=429)
    return render(request, "account/lockout.html", {"message": message, "minutes": minutes}, status=429)
