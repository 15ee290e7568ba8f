"""Saved searches: their words and filters are validated by the search form itself, so a saved
search holds exactly what the search page accepts, and the name and frequency by a small form
shared by the pages."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from exchange.errors import BusinessError
from vacancies.forms.search import VacancySearchForm
from vacancies.models import SavedSearch
from vacancies.selectors.search import VacancySearchFilters

# The search parameters a saved search keeps, in the search form's names. Left out: the order
# and the page (not part of "what I look for") and ``posted_within_days`` (a saved search is
# about vacancies published from now on).
MULTI_FILTERS = ("region", "employment_type", "schedule")
FLAG_FILTERS = ("youth", "quota", "remote")
SAVED_FILTERS = (*MULTI_FILTERS, "occupation", "salary_min", "experience_max", *FLAG_FILTERS, "national_project")
# Parameters of the search page that are not filters; accepted and ignored when saving from it.
_PAGE_PARAMETERS = ("q", "sort", "cursor", "page_size", "posted_within_days")


class SavedSearchForm(forms.Form):
    """Name and frequency of a saved search (the pages; the API has its serializer)."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    frequency = forms.ChoiceField(
        label=_("Notify me"), choices=SavedSearch.Frequency.choices, initial=SavedSearch.Frequency.INSTANT
    )


def _as_search_data(filters: Mapping) -> tuple[QueryDict, dict[str, list[str]]]:
    """The saved-search ``filters`` mapping as search-form data, and errors for what the form
    would not see (unknown names, lists where one value belongs)."""
    data = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    for name, value in filters.items():
        if name not in SAVED_FILTERS:
            errors[name] = [str(_("Unknown filter."))]
            continue
        if value is None or value == "" or value == []:
            continue
        if name in MULTI_FILTERS:
            values = value if isinstance(value, list | tuple) else [value]
            if not all(isinstance(v, str) for v in values):
                errors[name] = [str(_("Give a list of codes."))]
                continue
            data.setlist(name, list(values))
        elif isinstance(value, list | tuple | dict):
            errors[name] = [str(_("Give one value."))]
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        else:
            data[name] = str(value)
    return data, errors


def saved_search_clean(*, query: str, filters: Mapping | None) -> tuple[str, dict]:
    """``(query, filters)`` validated by ``VacancySearchForm`` and put in canonical form: only
    the filters in use, catalog entries by code, sorted, flags only when true.

    Raises ``BusinessError("invalid")`` with every problem keyed ``query`` or
    ``filters.<name>``, as the API and the pages show them.
    """
    invalid = str(_("Some fields are not valid."))
    if filters is not None and not isinstance(filters, Mapping):
        raise BusinessError("invalid", invalid, fields={"filters": [str(_("Give an object."))]})
    if query is not None and not isinstance(query, str):
        raise BusinessError("invalid", invalid, fields={"query": [str(_("Give a text."))]})
    data, unknown = _as_search_data(filters or {})
    data["q"] = query or ""
    form = VacancySearchForm(data)
    form.is_valid()
    errors = {f"filters.{name}": messages for name, messages in unknown.items()}
    for name, messages in form.errors.get_json_data().items():
        key = {"q": "query", "__all__": "filters"}.get(name, f"filters.{name}")
        errors.setdefault(key, []).extend(m["message"] for m in messages)
    if errors:
        raise BusinessError("invalid", invalid, fields=errors)
    cleaned = form.cleaned_data
    canonical: dict = {}
    for name in MULTI_FILTERS:
        codes = sorted(entry.code for entry in cleaned.get(name) or ())
        if codes:
            canonical[name] = codes
    if cleaned.get("occupation"):
        # The code as given (the form turns it into the groups under it).
        canonical["occupation"] = data["occupation"].strip()
    for name in ("salary_min", "experience_max"):
        if cleaned.get(name) is not None:
            canonical[name] = cleaned[name]
    for name in FLAG_FILTERS:
        if cleaned.get(name):
            canonical[name] = True
    if cleaned.get("national_project") is not None:
        canonical["national_project"] = cleaned["national_project"].pk
    return (cleaned.get("q") or "").strip(), canonical


def saved_search_from_params(params: QueryDict) -> tuple[str, dict]:
    """``(query, filters)`` of the search page's parameters (``?q=...&region=...``), for "Save
    this search"; the page's order and cursor are dropped. Raises like ``saved_search_clean``."""
    filters: dict = {}
    for name in SAVED_FILTERS:
        values = [v for v in params.getlist(name) if v != ""]
        if not values:
            continue
        filters[name] = values if name in MULTI_FILTERS else values[-1]
    return saved_search_clean(query=params.get("q", ""), filters=filters)


def saved_search_filters(filters: Mapping) -> VacancySearchFilters:
    """The search filters of a saved search's canonical ``filters``, built by the search form
    itself (so the saved search means exactly what the search page means by the same
    parameters). Filters that stopped being valid since (a catalog entry removed) are left out
    rather than failing the whole search."""
    data, _unknown = _as_search_data(filters)
    form = VacancySearchForm(data)
    if not form.is_valid():
        for name in form.errors:
            data.pop(name, None)
        form = VacancySearchForm(data)
        form.is_valid()
    return form.search_arguments()["filters"]


def saved_search_params(saved: SavedSearch) -> QueryDict:
    """The search page's parameters for a saved search (its "Open" link)."""
    params = QueryDict(mutable=True)
    if saved.query:
        params["q"] = saved.query
    for name, value in saved.filters.items():
        if name in MULTI_FILTERS:
            params.setlist(name, list(value))
        elif isinstance(value, bool):
            params[name] = "true" if value else "false"
        else:
            params[name] = str(value)
    return params
