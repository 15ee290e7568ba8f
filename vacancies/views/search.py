"""The vacancy search page: the same form and selector as ``GET /api/v1/vacancies/``."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.models import Occupation
from vacancies.forms.search import POSTED_WITHIN_CHOICES, VacancySearchForm
from vacancies.selectors.search import InvalidCursor, SearchSort, vacancy_search_results

# Parameters that are not filters: the words, the order and the page.
_NOT_FILTERS = {"q", "sort", "cursor", "page_size"}


def _url_with(params: QueryDict, **changes) -> str:
    """``?query`` of ``params`` with each ``name=value`` set (``None`` removes it) and no cursor
    unless one is given: a changed search starts on the first page."""
    params = params.copy()
    params.pop("cursor", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return "?" + params.urlencode()


def _without(params: QueryDict, name: str, value: str | None = None) -> str:
    params = params.copy()
    params.pop("cursor", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return "?" + params.urlencode()


def _active_filters(form: VacancySearchForm, params: QueryDict) -> list[dict]:
    """The filters in use, each with a link that removes it (the filter panel is folded away
    on phones, so the chips are how a reader sees and undoes them)."""
    data = form.cleaned_data
    chips = []
    for name in ("region", "employment_type", "schedule"):
        for entry in data.get(name) or ():
            chips.append({"label": entry.name, "url": _without(params, name, entry.code)})
    if data.get("occupation"):
        code = params.get("occupation", "").strip()
        group = next((group for group in data["occupation"] if group.code == code), None)
        chips.append({"label": str(group or code), "url": _without(params, "occupation")})
    if data.get("salary_min") is not None:
        label = _("Salary from %(amount)s ₸") % {"amount": intcomma(data["salary_min"])}
        chips.append({"label": label, "url": _without(params, "salary_min")})
    if data.get("experience_max") is not None:
        label = _("Experience up to %(years)s years") % {"years": data["experience_max"]}
        chips.append({"label": label, "url": _without(params, "experience_max")})
    if data.get("posted_within_days"):
        labels = {value: label for value, label in POSTED_WITHIN_CHOICES if value}
        days = data["posted_within_days"]
        label = labels.get(days) or _("Last %(days)s days") % {"days": days}
        chips.append({"label": str(label), "url": _without(params, "posted_within_days")})
    for name in ("youth", "quota", "remote"):
        if data.get(name):
            chips.append({"label": str(form.fields[name].label), "url": _without(params, name)})
    if data.get("national_project"):
        chips.append({"label": str(data["national_project"]), "url": _without(params, "national_project")})
    return chips


@require_GET
def search(request):
    params = request.GET
    form = VacancySearchForm(params)
    results = None
    chips = []
    if form.is_valid():
        try:
            results = vacancy_search_results(**form.search_arguments())
        except InvalidCursor:
            form.add_error("cursor", _("This page link is not valid any more."))
        else:
            chips = _active_filters(form, params)
    chosen = {name: set(params.getlist(name)) for name in ("region", "employment_type", "schedule")}
    # Relevance is offered only when there are words to rank by.
    sort_choices = [
        (value, label)
        for value, label in SearchSort.choices
        if value != SearchSort.RELEVANCE or (results is not None and results.has_query)
    ]
    context = {
        "form": form,
        "results": results,
        "chosen": chosen,
        "active_filters": chips,
        "sort_choices": sort_choices,
        # Lazy: the template renders the 619 groups only when its cached copy has expired.
        "occupation_groups": Occupation.objects.order_by("code"),
        "next_url": _url_with(params, cursor=results.next_cursor) if results and results.next_cursor else None,
        "previous_url": (
            _url_with(params, cursor=results.previous_cursor) if results and results.previous_cursor else None
        ),
        "clear_filters_url": _url_with(QueryDict(mutable=True), q=params.get("q") or None),
        "has_filters": any(params.get(name) for name in params if name not in _NOT_FILTERS),
    }
    return render(request, "vacancies/search/search.html", context)


urlpatterns = [
    path("", search, name="search"),
]
