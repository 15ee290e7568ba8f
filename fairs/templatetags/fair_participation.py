"""Template tags of the employers' side of a fair, shown on the fair page (``fairs/fair_detail.html``).

``{% fair_employer_panel fair %}``: for a member of an organization, its participation (state,
links to manage it and to screen applications), the "take part" button, or why it cannot take
part; nothing for anyone else.
``{% fair_manage_panel fair %}``: for the fair's managers (``can_manage_fair``), the employers'
applications by state and the first ones waiting, to approve or decline from the page.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from fairs.selectors.participation import employer_panel, manage_panel

register = template.Library()


def _user(context):
    request = context.get("request")
    return request, getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def fair_employer_panel(context, fair):
    request, user = _user(context)
    panel = employer_panel(user=user, fair=fair) if user is not None else None
    if panel is None:
        return ""
    return render_to_string("fairs/_participation_employer_panel.html", {"panel": panel, "fair": fair}, request=request)


@register.simple_tag(takes_context=True)
def fair_manage_panel(context, fair):
    request, user = _user(context)
    panel = manage_panel(user=user, fair=fair) if user is not None else None
    if panel is None:
        return ""
    return render_to_string(
        "fairs/_participation_manage_panel.html",
        {"panel": panel, "fair": fair, "next": request.get_full_path()},
        request=request,
    )
