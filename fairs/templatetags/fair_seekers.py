"""Template tags of the seekers' side of a fair (placeholder until that area is written)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def fair_seeker_panel(context, fair):
    return ""


@register.simple_tag(takes_context=True)
def fair_catalogue(context, fair):
    return ""
