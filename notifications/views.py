"""Web pages: the inbox, e-mail preferences and the one-click unsubscribe page.

Thin, like the API: selectors fetch, one service acts, the page renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange.errors import BusinessError
from notifications import selectors
from notifications.forms import PreferencesForm
from notifications.rendering import render_notification
from notifications.services.inbox import notification_mark_read, notifications_mark_all_read
from notifications.services.preferences import notification_preferences_update, notification_unsubscribe
from notifications.tokens import unsubscribe_token_read

PAGE_SIZE = 20


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def _safe_local(request, url: str) -> str | None:
    """``url`` when it stays on this site (a path), else None: no open redirects."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return None


@login_required
@require_GET
def inbox(request):
    """Newest first, ``PAGE_SIZE`` a page; "older" pages by keyset (``?before=<id>``)."""
    unread_only = request.GET.get("unread") == "1"
    queryset = selectors.notifications_for_inbox(user=request.user, unread_only=unread_only)
    if before := _positive_int(request.GET.get("before")):
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset[: PAGE_SIZE + 1])
    page = rows[:PAGE_SIZE]
    items = [{"notification": n, "rendered": render_notification(n)} for n in page]
    return render(
        request,
        "notifications/inbox.html",
        {
            "items": items,
            "unread_only": unread_only,
            "older": page[-1].pk if len(rows) > PAGE_SIZE else None,
            "is_first_page": before is None,
        },
    )


@login_required
@require_GET
def open_notification(request, pk: int):
    """Follow a notification's link; opening it marks it read (idempotent, the user's own row)."""
    notification = selectors.notification_get_for_recipient(user=request.user, notification_id=pk)
    notification_mark_read(notification=notification)
    return redirect(_safe_local(request, notification.url) or "notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = selectors.notification_get_for_recipient(user=request.user, notification_id=pk)
    notification_mark_read(notification=notification)
    return redirect(_safe_local(request, request.POST.get("next", "")) or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    marked = notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    rows = selectors.notification_preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notification_preferences_update(user=request.user, frequencies=form.frequencies())
            except BusinessError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:preferences")
        else:
            status = 400
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


# The token is the authority here, not a session: the link must work logged out, and RFC 8058
# has mail clients POST to it with no cookies, so CSRF protection cannot apply. The only thing
# it can do is turn the token's own e-mail off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows what will be turned off and a button; POST (the button, or a mail client's
    ``List-Unsubscribe=One-Click``) turns it off. A forged or altered token answers 400."""
    try:
        unsubscribe_request = unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    kinds = [selectors.kind_label(kind) for kind in unsubscribe_request.kinds]
    if request.method == "GET":
        return render(request, "notifications/unsubscribe_confirm.html", {"kinds": kinds, "token": token})
    user = notification_unsubscribe(request=unsubscribe_request)
    return render(request, "notifications/unsubscribe_done.html", {"kinds": kinds, "known_user": user is not None})


urlpatterns = [
    path("", inbox, name="inbox"),
    path("<int:pk>/open/", open_notification, name="open"),
    path("<int:pk>/read/", mark_read, name="read"),
    path("read-all/", mark_all_read, name="read-all"),
    path("preferences/", preferences, name="preferences"),
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
