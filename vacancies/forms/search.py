"""The search parameters, validated once for the search page and the search API alike."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models import EmploymentType, Occupation, Region, WorkSchedule
from vacancies.models import NationalProject
from vacancies.selectors.search import (
    DEFAULT_PAGE_SIZE,
    KEYSETS,
    MAX_PAGE_SIZE,
    InvalidCursor,
    SearchSort,
    VacancySearchFilters,
    occupation_subtree,
    search_sort_resolve,
    vacancy_search_query,
)

_TRUE = {"true", "1", "on", "yes"}
_FALSE = {"false", "0", "off", "no", ""}


class FlagInput(forms.CheckboxInput):
    """A checkbox that hands the raw value to its field, so ``youth=maybe`` is an error in the
    API instead of silently meaning yes."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value is True or str(value).lower() in _TRUE)

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def format_value(self, value):
        return "true"


class FlagField(forms.Field):
    widget = FlagInput
    default_error_messages = {"invalid": _("Use true or false.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None or value is True or value is False:
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Catalog entries chosen by their code (``region=KZ-71&region=KZ-75``)."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(queryset, to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return obj.name


POSTED_WITHIN_CHOICES = [
    ("", _("Any time")),
    (1, _("Last 24 hours")),
    (3, _("Last 3 days")),
    (7, _("Last week")),
    (30, _("Last month")),
]


class VacancySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search vacancies"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Occupation, skill or employer"), "autocomplete": "off"}
        ),
    )
    region = CodeMultipleChoiceField(Region.objects.order_by("position", "code"), label=_("Regions"))
    occupation = forms.CharField(
        label=_("Occupation"),
        required=False,
        max_length=4,
        help_text=_("An ISCO-08 group of any level: type a word or a code."),
        widget=forms.TextInput(attrs={"list": "occupation-groups", "inputmode": "search", "autocomplete": "off"}),
    )
    salary_min = forms.IntegerField(
        label=_("Salary at least, KZT"),
        required=False,
        min_value=0,
        max_value=100_000_000,
        help_text=_("Vacancies whose salary can reach this amount."),
        widget=forms.NumberInput(attrs={"step": 10000, "inputmode": "numeric"}),
    )
    employment_type = CodeMultipleChoiceField(EmploymentType.objects.order_by("position"), label=_("Employment type"))
    schedule = CodeMultipleChoiceField(WorkSchedule.objects.order_by("position"), label=_("Schedule"))
    experience_max = forms.IntegerField(
        label=_("Experience required, at most (years)"), required=False, min_value=0, max_value=50
    )
    posted_within_days = forms.IntegerField(
        label=_("Posted"),
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.Select(choices=POSTED_WITHIN_CHOICES),
    )
    youth = FlagField(label=_("Suitable for young people, no experience needed"))
    quota = FlagField(label=_("Quota places for people with disabilities"))
    remote = FlagField(label=_("Remote work"))
    national_project = forms.ModelChoiceField(
        NationalProject.objects.all(),
        label=_("National project"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("There is no such national project.")},
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SearchSort.choices)
    cursor = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, widget=forms.HiddenInput)

    def clean_occupation(self) -> list[Occupation]:
        """The group with the code and every group below it."""
        code = self.cleaned_data["occupation"].strip()
        if not code:
            return []
        if not re.fullmatch(r"\d{1,4}", code):
            raise ValidationError(_("Enter an ISCO-08 code of 1 to 4 digits."), code="invalid")
        subtree = occupation_subtree(code=code)
        if not any(group.code == code for group in subtree):
            raise ValidationError(_("There is no ISCO-08 group with this code."), code="invalid_choice")
        return subtree

    def clean(self):
        cleaned = super().clean()
        cursor = cleaned.get("cursor")
        if cursor and "sort" in cleaned and "q" in cleaned:
            has_query = vacancy_search_query(text=cleaned["q"]) is not None
            sort = search_sort_resolve(sort=cleaned["sort"] or None, has_query=has_query)
            try:
                KEYSETS[sort].decode(cursor)
            except InvalidCursor:
                self.add_error("cursor", ValidationError(_("This page link is not valid any more."), code="invalid"))
        return cleaned

    def search_arguments(self) -> dict:
        """Keyword arguments for ``vacancy_search_results``; call after ``is_valid()``."""
        data = self.cleaned_data
        project = data.get("national_project")
        return {
            "query": data.get("q", ""),
            "filters": VacancySearchFilters(
                regions=tuple(data.get("region") or ()),
                occupations=tuple(data.get("occupation") or ()),
                salary_at_least=data.get("salary_min"),
                employment_types=tuple(data.get("employment_type") or ()),
                schedules=tuple(data.get("schedule") or ()),
                experience_max=data.get("experience_max"),
                posted_within_days=data.get("posted_within_days"),
                youth_friendly=data.get("youth", False),
                quota=data.get("quota", False),
                national_project_id=project.pk if project else None,
                remote=data.get("remote", False),
            ),
            "sort": data.get("sort") or None,
            "cursor": data.get("cursor") or None,
            "page_size": data.get("page_size") or DEFAULT_PAGE_SIZE,
        }
