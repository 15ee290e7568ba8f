"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def _resolve(links):
    resolved = []
    for label, name in links:
        try:
            resolved.append({"label": label, "url": reverse(name)})
        except NoReverseMatch:
            # A page of a later issue: the menu simply does not show it yet.
            continue
    return resolved


def navigation(request):
    """The role menus of ``settings.NAVIGATION`` for the logged-in user (nothing for visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = "admin" if user.is_administrator else user.role
    menus = settings.NAVIGATION.get(role, {})
    return {
        "nav_links": _resolve(menus.get("nav", [])),
        "dashboard_links": _resolve(menus.get("dashboard", [])),
    }
