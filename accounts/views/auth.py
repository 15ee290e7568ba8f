"""The signed-in user's own pages: dashboard and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors.users import user_tokens
from accounts.services.users import user_token_issue, user_token_revoke


@login_required
@require_GET
def dashboard(request):
    """Where a user lands after logging in: the next steps for their role."""
    return render(request, "accounts/dashboard.html")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    new_key = None
    if request.method == "POST":
        new_key = user_token_issue(user=request.user).key
        messages.success(request, _("A new API token was issued. Copy it now: it is shown only once."))
    return render(request, "accounts/tokens.html", {"tokens": user_tokens(user=request.user), "new_key": new_key})


@login_required
@require_POST
def token_revoke(request):
    user_token_revoke(user=request.user)
    messages.success(request, _("Your API token was revoked."))
    return redirect("accounts:tokens")


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("settings/api-token/", tokens, name="tokens"),
    path("settings/api-token/revoke/", token_revoke, name="token-revoke"),
]
