"""Template tags of the employers' side of a fair (placeholder until that area is written)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def fair_employer_panel(context, fair):
    return ""


@register.simple_tag(takes_context=True)
def fair_manage_panel(context, fair):
    return ""
