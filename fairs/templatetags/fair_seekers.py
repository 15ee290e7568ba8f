"""Template tags of the seekers' side of a fair, shown on the fair page (``fairs/fair_detail.html``).

``{% fair_seeker_panel fair %}``: a seeker's registration, the register button, or the reason
they are not admitted; a "log in as a job seeker" link for visitors; nothing for other roles.
``{% fair_catalogue fair %}``: the approved employers and their vacancies at the fair with the
positions left, in three queries however big the fair is.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from accounts.models import User
from fairs.selectors.seekers import fair_catalogue_entries, registration_state

register = template.Library()


@register.simple_tag(takes_context=True)
def fair_seeker_panel(context, fair):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return ""
    if user.is_authenticated and user.role != User.Role.SEEKER:
        return ""
    state = registration_state(user=user, fair=fair)
    return render_to_string("fairs/_seekers_panel.html", {"fair": fair, "state": state, "user": user}, request=request)


@register.simple_tag(takes_context=True)
def fair_catalogue(context, fair):
    request = context.get("request")
    user = getattr(request, "user", None)
    entries = fair_catalogue_entries(fair=fair, user=user)
    return render_to_string("fairs/_seekers_catalogue.html", {"fair": fair, "entries": entries}, request=request)
