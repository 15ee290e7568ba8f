"""Template tags of the fair results area (placeholder until the results area is written)."""

from django import template

register = template.Library()


@register.simple_tag
def fair_counters(fair):
    return ""
