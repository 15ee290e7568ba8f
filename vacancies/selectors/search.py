"""Vacancy search: one selector behind the search page, the search API and the benchmark.

What is searched: only vacancies a job seeker may apply to now, i.e. live (``published`` by a
verified employer) with ``expires_at`` in the future.

The query uses ``websearch_to_tsquery`` syntax (words, ``"quoted phrase"``, ``-word``, ``or``)
and matches the stored ``search_vector`` (Russian stemming and exact ``simple`` forms, so
Russian inflections and exact Kazakh and English words both match). Each *term* is matched
in both configurations, ``(russian(t) | simple(t))``, rather than the whole query in each
(``russian(q) | simple(q)``): with the whole-query form a minus leaks, because
``сварщик -помощник`` in the ``simple`` branch only excludes the exact form "помощник", so a
vacancy mentioning "помощники" came back. Per term, a negated word excludes every form.

Hard filters (``VacancySearchFilters``) narrow the result; salary follows one rule: a vacancy
qualifies for "salary at least X" when the top of its range (``salary_max``, or
``salary_min`` when no maximum is given) is at least X. Sorting by salary uses the same top of
range, highest first, vacancies without a salary last.

Pages are keyset pages (never OFFSET), ordered with ``id`` as the tie-breaker: relevance pages
on ``(rank, id)`` with the rank computed in SQL, date pages on ``(published_at, id)``, salary
pages on ``(top of range, id)``. Nothing on this path counts the whole table: facets are
grouped over at most ``FACET_SCAN_LIMIT + 1`` matches (lower bounds, flagged, beyond that),
and the total is exact when that grouping saw every match, otherwise counted up to
``TOTAL_CAP + 1`` rows. Highlighted snippets are computed for the rows of the page only.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchQueryCombinable, SearchRank
from django.db import connection, models
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, Left
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from catalog.models import EmploymentType, Occupation, Region, WorkSchedule
from vacancies.models import Vacancy

# The text-search configurations every term is matched in (see the module docstring).
SEARCH_CONFIGS = ("russian", "simple")
# A longer query only costs more; nobody types more terms than this into a job search.
MAX_TERMS = 16
TOTAL_CAP = 1000
FACET_SCAN_LIMIT = 5000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SNIPPET_CHARS = 240
_NAMES = ("code", "name_en", "name_ru", "name_kk")

# Highlight markers: Private Use Area characters, removed from the text before ts_headline
# runs, so every marker in its output is ours. The output is HTML-escaped first and only then
# are the markers turned into <mark> tags.
_START_SEL = "\ue000"
_STOP_SEL = "\ue001"


class SearchSort(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    DATE = "date", _("Newest first")
    SALARY = "salary", _("Highest salary")


# --- The query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerm:
    text: str
    negated: bool = False
    phrase: bool = False


def search_terms_parse(text: str) -> list[list[SearchTerm]]:
    """Split a query in ``websearch_to_tsquery`` syntax into OR-groups of ANDed terms.

    ``сварщик "ручная сварка" -помощник or электрик`` gives
    ``[[сварщик, "ручная сварка", -помощник], [электрик]]``. Terms without a letter or digit
    are dropped (they would make an empty ``tsquery``), as are terms past ``MAX_TERMS``.
    """
    groups: list[list[SearchTerm]] = [[]]
    count = 0
    position, length = 0, len(text)
    while position < length and count < MAX_TERMS:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        negated = False
        if char == "-" and position + 1 < length and not text[position + 1].isspace():
            negated = True
            position += 1
            char = text[position]
        if char == '"':
            end = text.find('"', position + 1)
            end = length if end == -1 else end
            term = SearchTerm(text[position + 1 : end], negated=negated, phrase=True)
            position = end + 1
        else:
            end = position
            while end < length and not text[end].isspace() and text[end] != '"':
                end += 1
            term = SearchTerm(text[position:end], negated=negated)
            position = end
        if not term.phrase and not term.negated and term.text.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        if re.search(r"\w", term.text):
            groups[-1].append(term)
            count += 1
    return [group for group in groups if group]


def _term_query(term: SearchTerm) -> SearchQueryCombinable:
    search_type = "phrase" if term.phrase else "plain"
    parts = [
        SearchQuery(term.text, search_type=search_type, config=config, invert=term.negated) for config in SEARCH_CONFIGS
    ]
    combined = parts[0]
    for part in parts[1:]:
        # not (russian or simple) == (not russian) and (not simple)
        combined = (combined & part) if term.negated else (combined | part)
    return combined


def vacancy_search_query(*, text: str) -> SearchQueryCombinable | None:
    """The ``tsquery`` expression for a user's query, or ``None`` when it has no searchable term."""
    or_groups = []
    for group in search_terms_parse(text or ""):
        and_query = None
        for term in group:
            term_query = _term_query(term)
            and_query = term_query if and_query is None else (and_query & term_query)
        or_groups.append(and_query)
    if not or_groups:
        return None
    query = or_groups[0]
    for group_query in or_groups[1:]:
        query = query | group_query
    return query


# --- Filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VacancySearchFilters:
    """Hard filters; an empty value means "any". Several regions/types/schedules mean "one of"."""

    regions: Sequence[Region] = ()
    # The ISCO-08 groups under the code asked for (``occupation_subtree``): a vacancy in any
    # of them matches.
    occupations: Sequence[Occupation] = ()
    salary_at_least: int | None = None
    employment_types: Sequence[EmploymentType] = ()
    schedules: Sequence[WorkSchedule] = ()
    experience_max: int | None = None
    posted_within_days: int | None = None
    youth_friendly: bool = False
    quota: bool = False
    national_project_id: int | None = None
    remote: bool = False


NO_FILTERS = VacancySearchFilters()


def occupation_subtree(*, code: str) -> list[Occupation]:
    """The ISCO-08 group with this code (1-4 digits) and every group below it; empty when the
    code is unknown.

    Codes are hierarchical (7 > 72 > 721 > 7212), so the subtree is a code prefix. It is read
    once and the search filters on the ids: with a subquery instead, PostgreSQL guessed one
    group under "3" (there are 110) and repeated the full-text index scan for each of them.
    """
    return list(Occupation.objects.filter(code__startswith=code).only("id", "code", "title_en", "title_ru", "title_kk"))


def vacancy_searchable(*, now: datetime.datetime | None = None) -> QuerySet[Vacancy]:
    """Vacancies a job seeker may see and apply to now: live (published by a verified employer)
    and not expired."""
    return Vacancy.objects.live().filter(
        expires_at__gt=now or timezone.now(),
        # Published vacancies always have the date; saying so keeps the date keyset sound.
        published_at__isnull=False,
    )


def vacancy_search_matches(
    *,
    search_query: SearchQueryCombinable | None,
    filters: VacancySearchFilters = NO_FILTERS,
    now: datetime.datetime | None = None,
) -> QuerySet[Vacancy]:
    """Every searchable vacancy matching the query and filters, unordered and unannotated."""
    now = now or timezone.now()
    queryset = vacancy_searchable(now=now)
    if search_query is not None:
        queryset = queryset.filter(search_vector=search_query)
    if filters.regions:
        queryset = queryset.filter(region__in=filters.regions)
    if filters.occupations:
        queryset = queryset.filter(occupation__in=filters.occupations)
    if filters.salary_at_least is not None:
        queryset = queryset.alias(salary_top=Coalesce("salary_max", "salary_min")).filter(
            salary_top__gte=filters.salary_at_least
        )
    if filters.employment_types:
        queryset = queryset.filter(employment_type__in=filters.employment_types)
    if filters.schedules:
        queryset = queryset.filter(schedule__in=filters.schedules)
    if filters.experience_max is not None:
        queryset = queryset.filter(experience_years__lte=filters.experience_max)
    if filters.posted_within_days is not None:
        queryset = queryset.filter(published_at__gte=now - datetime.timedelta(days=filters.posted_within_days))
    if filters.youth_friendly:
        queryset = queryset.filter(is_youth_friendly=True)
    if filters.quota:
        queryset = queryset.filter(is_quota=True)
    if filters.national_project_id is not None:
        queryset = queryset.filter(national_project_id=filters.national_project_id)
    if filters.remote:
        remote_types = EmploymentType.objects.filter(code="remote").values("pk")
        queryset = queryset.filter(Q(is_remote=True) | Q(employment_type__in=remote_types))
    return queryset


def search_sort_resolve(*, sort: str | None, has_query: bool) -> str:
    """Relevance by default when there is a query, newest first otherwise (and for relevance
    asked without a query, which has nothing to rank by)."""
    if sort in (SearchSort.DATE, SearchSort.SALARY):
        return sort
    return SearchSort.RELEVANCE if has_query else SearchSort.DATE


# --- Keyset pagination --------------------------------------------------------------------------


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Keyset:
    """An ordering by one key then ``id`` in the same direction, and its cursors.

    ``nullable`` keys sort their NULLs last. ``indexed`` keys also get the redundant
    ``key <= value`` bound, which lets PostgreSQL start a b-tree scan at the cursor instead of
    filtering every row before it.
    """

    name: str
    key: str
    descending: bool = True
    nullable: bool = False
    indexed: bool = False
    datetime_key: bool = False

    def ordering(self, *, backwards: bool = False) -> list:
        descending = self.descending != backwards
        key = F(self.key)
        if self.nullable:
            # NULLs are last going forwards, hence first going backwards.
            key = key.desc(nulls_last=True) if descending else key.asc(nulls_first=True)
        else:
            key = key.desc() if descending else key.asc()
        return [key, F("pk").desc() if descending else F("pk").asc()]

    def beyond(self, value: Any, pk: int, *, backwards: bool = False) -> Q:
        """Rows after ``(value, pk)`` in this order (before it when ``backwards``)."""
        past, past_or_equal = ("lt", "lte") if self.descending != backwards else ("gt", "gte")
        if value is None:
            # Only a nullable key has NULLs: they are the end of the forward order.
            among_nulls = Q(**{f"{self.key}__isnull": True, f"pk__{past}": pk})
            return (Q(**{f"{self.key}__isnull": False}) | among_nulls) if backwards else among_nulls
        condition = Q(**{f"{self.key}__{past}": value}) | Q(**{self.key: value, f"pk__{past}": pk})
        if self.nullable and not backwards:
            condition |= Q(**{f"{self.key}__isnull": True})
        if self.indexed:
            condition &= Q(**{f"{self.key}__{past_or_equal}": value})
        return condition

    def encode(self, row: Vacancy | dict, *, backwards: bool) -> str:
        """The cursor of ``row``: a model instance or a ``values("pk", key)`` dict."""
        value, pk = (row[self.key], row["pk"]) if isinstance(row, dict) else (getattr(row, self.key), row.pk)
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        payload = json.dumps([self.name, value, pk, int(backwards)], separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> Cursor:
        """Raise ``InvalidCursor`` for anything this keyset did not encode."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, value, pk, backwards = json.loads(raw)
        except (binascii.Error, ValueError, TypeError) as exc:
            raise InvalidCursor(cursor) from exc
        if name != self.name or not isinstance(pk, int) or backwards not in (0, 1):
            raise InvalidCursor(cursor)
        if value is None and not self.nullable:
            raise InvalidCursor(cursor)
        if value is not None:
            if self.datetime_key:
                try:
                    value = datetime.datetime.fromisoformat(value)
                except (TypeError, ValueError) as exc:
                    raise InvalidCursor(cursor) from exc
                if timezone.is_naive(value):
                    raise InvalidCursor(cursor)
            elif not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                # json.loads reads Infinity and NaN, which no row has and SQL cannot compare.
                raise InvalidCursor(cursor)
        return Cursor(value=value, pk=pk, backwards=bool(backwards))


@dataclass(frozen=True)
class Cursor:
    value: Any
    pk: int
    backwards: bool = False


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


# ts_rank returns a float4; it is cast to float8 in SQL so that the value in the cursor (a
# Python float) compares *exactly* with the rank of the row it came from.
KEYSETS = {
    SearchSort.RELEVANCE: Keyset("relevance", "rank"),
    SearchSort.DATE: Keyset("date", "published_at", indexed=True, datetime_key=True),
    SearchSort.SALARY: Keyset("salary", "salary_top", nullable=True),
}
OPEN_DATA_KEYSET = Keyset("modified", "updated_at", descending=False, indexed=True, datetime_key=True)


def keyset_paginate(
    queryset: QuerySet, *, keyset: Keyset, cursor: Cursor | None = None, page_size: int = DEFAULT_PAGE_SIZE
) -> KeysetPage:
    """One page of ``queryset`` in the keyset's order, fetched with ``LIMIT page_size + 1``."""
    backwards = cursor is not None and cursor.backwards
    if cursor is not None:
        queryset = queryset.filter(keyset.beyond(cursor.value, cursor.pk, backwards=backwards))
    rows = list(queryset.order_by(*keyset.ordering(backwards=backwards))[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    has_next = True if backwards else more
    has_previous = more if backwards else cursor is not None
    return KeysetPage(
        rows=rows,
        next_cursor=keyset.encode(rows[-1], backwards=False) if rows and has_next else None,
        previous_cursor=keyset.encode(rows[0], backwards=True) if rows and has_previous else None,
    )


# --- The search -------------------------------------------------------------------------------

# What a result row shows; the big text columns (and the tsvector) stay in the database.
_LIST_RELATED = ("organization", "region", "occupation", "employment_type", "schedule")
_LIST_DEFERRED = ("search_vector", "description", "duties", "requirements", "skills_text")
_LIST_FIELDS = (
    *("title", "locality", "salary_min", "salary_max", "salary_is_gross", "experience_years"),
    *("is_remote", "is_youth_friendly", "is_quota", "published_at", "expires_at"),
    *("organization__bin", "organization__legal_name"),
    *(f"{relation}__{column}" for relation in ("region", "employment_type", "schedule") for column in _NAMES),
    *("occupation__code", "occupation__title_en", "occupation__title_ru", "occupation__title_kk"),
)


def vacancy_search(
    *,
    query: str = "",
    filters: VacancySearchFilters = NO_FILTERS,
    sort: str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Vacancy]:
    """Matching vacancies in the order of ``sort`` (resolved by ``search_sort_resolve``).

    With relevance the rows carry ``rank``; with salary, ``salary_top``.
    """
    search_query = vacancy_search_query(text=query)
    sort = search_sort_resolve(sort=sort, has_query=search_query is not None)
    queryset = vacancy_search_matches(search_query=search_query, filters=filters, now=now)
    if sort == SearchSort.RELEVANCE:
        queryset = queryset.annotate(rank=Cast(SearchRank(F("search_vector"), search_query), FloatField()))
    elif sort == SearchSort.SALARY:
        queryset = queryset.annotate(salary_top=Coalesce("salary_max", "salary_min"))
    return queryset.select_related(*_LIST_RELATED).defer(*_LIST_DEFERRED).order_by(*KEYSETS[sort].ordering())


def vacancy_search_total(*, queryset: QuerySet[Vacancy], cap: int | None = None) -> tuple[int, bool]:
    """``(count, capped)``: counts at most ``cap + 1`` rows, so ``capped`` means "more than cap"."""
    cap = TOTAL_CAP if cap is None else cap
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return (cap, True) if count > cap else (count, False)


@dataclass
class SearchFacets:
    """Counts per region and per employment type; each ignores its own dimension's filter, so
    the counts say how many results choosing (also) that option would give."""

    regions: list[tuple[Region, int]]
    employment_types: list[tuple[EmploymentType, int]]
    # False when more than FACET_SCAN_LIMIT vacancies matched: the counts are then lower bounds.
    complete: bool = True
    # The grouped matches that also pass the region and type filters: the exact total of the
    # search when ``complete``, a lower bound otherwise.
    selected: int = 0


def vacancy_search_facets(
    *,
    search_query: SearchQueryCombinable | None,
    filters: VacancySearchFilters = NO_FILTERS,
    now: datetime.datetime | None = None,
    scan_limit: int | None = None,
) -> SearchFacets:
    """Both facets from one GROUP BY over the matches without the region and type filters.

    The (region, type) cross-tab gives the region facet (summed over the chosen types) and the
    type facet (summed over the chosen regions) at once. It groups at most ``scan_limit + 1``
    matches so a broad query never counts the whole table.
    """
    base = vacancy_search_matches(
        search_query=search_query,
        filters=dataclasses.replace(filters, regions=(), employment_types=()),
        now=now,
    )
    scan_limit = FACET_SCAN_LIMIT if scan_limit is None else scan_limit
    inner = base.order_by().values_list("region_id", "employment_type_id")[: scan_limit + 1]
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT region_id, employment_type_id, COUNT(*) FROM ({sql}) AS matches GROUP BY 1, 2",  # noqa: S608 - ORM-built SQL, values are parameters
            params,
        )
        cells = cursor.fetchall()

    chosen_regions = {region.pk for region in filters.regions}
    chosen_types = {employment_type.pk for employment_type in filters.employment_types}
    by_region: dict[int, int] = {}
    by_type: dict[int, int] = {}
    selected = 0
    for region_id, type_id, count in cells:
        region_chosen = not chosen_regions or region_id in chosen_regions
        type_chosen = not chosen_types or type_id in chosen_types
        if type_chosen:
            by_region[region_id] = by_region.get(region_id, 0) + count
        if region_chosen:
            by_type[type_id] = by_type.get(type_id, 0) + count
        if region_chosen and type_chosen:
            selected += count
    return SearchFacets(
        regions=[(region, by_region.get(region.pk, 0)) for region in Region.objects.order_by("position", "code")],
        employment_types=[(kind, by_type.get(kind.pk, 0)) for kind in EmploymentType.objects.order_by("position")],
        complete=sum(count for _, _, count in cells) <= scan_limit,
        selected=selected,
    )


def _highlight(headline: str) -> SafeString:
    return mark_safe(escape(headline).replace(_START_SEL, "<mark>").replace(_STOP_SEL, "</mark>"))  # noqa: S308 - escaped first


def _without_markers(expression):
    return models.Func(
        expression, Value(_START_SEL + _STOP_SEL), Value(""), function="translate", output_field=models.TextField()
    )


def vacancy_search_page_rows(
    *, vacancy_ids: Sequence[int], search_query: SearchQueryCombinable | None
) -> list[Vacancy]:
    """The vacancies of a page, in the order of ``vacancy_ids``, with what a result shows.

    Each carries ``title_html`` and ``snippet_html``: with a query, ``ts_headline`` with the
    matched words in ``<mark>``; without one, the start of the description. Computed here, for
    the page's rows only, and always HTML-safe: the text is escaped before any tag is added.
    """
    if not vacancy_ids:
        return []
    rows = Vacancy.objects.filter(pk__in=vacancy_ids).select_related(*_LIST_RELATED).only(*_LIST_FIELDS).order_by()
    if search_query is None:
        rows = rows.annotate(description_start=Left("description", SNIPPET_CHARS + 1))
    else:
        text = Concat(
            "description", Value("\n"), "duties", Value("\n"), "requirements", output_field=models.TextField()
        )
        options = {"config": "russian", "start_sel": _START_SEL, "stop_sel": _STOP_SEL}
        rows = rows.annotate(
            title_headline=SearchHeadline(_without_markers("title"), search_query, highlight_all=True, **options),
            text_headline=SearchHeadline(
                _without_markers(text),
                search_query,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
    by_id = {row.pk: row for row in rows}
    page = [by_id[pk] for pk in vacancy_ids if pk in by_id]
    for row in page:
        if search_query is None:
            row.title_html = escape(row.title)
            row.snippet_html = escape(Truncator(row.description_start).chars(SNIPPET_CHARS))
        else:
            row.title_html = _highlight(row.title_headline)
            row.snippet_html = _highlight(row.text_headline)
    return page


@dataclass
class SearchResults:
    vacancies: list[Vacancy]  # each with ``title_html`` and ``snippet_html``
    sort: str
    next_cursor: str | None
    previous_cursor: str | None
    total: int
    total_capped: bool
    facets: SearchFacets
    has_query: bool = False


def vacancy_search_results(
    *,
    query: str = "",
    filters: VacancySearchFilters = NO_FILTERS,
    sort: str | None = None,
    cursor: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    now: datetime.datetime | None = None,
) -> SearchResults:
    """A page of search results with everything the page and the API show around it.

    Queries, the same number whatever the page size: the page's keys (sorted and limited
    without any join or wide column), the page's rows with their snippets, the facet
    cross-tab, the regions and employment types the facets name and, only when the cross-tab
    cannot tell, the capped total.
    Raises ``InvalidCursor`` for a cursor that does not belong to the resolved sort.
    """
    now = now or timezone.now()
    search_query = vacancy_search_query(text=query)
    sort = search_sort_resolve(sort=sort, has_query=search_query is not None)
    keyset = KEYSETS[sort]
    position = keyset.decode(cursor) if cursor else None

    ordered = vacancy_search(query=query, filters=filters, sort=sort, now=now)
    page = keyset_paginate(ordered.values("pk", keyset.key), keyset=keyset, cursor=position, page_size=page_size)
    vacancies = vacancy_search_page_rows(vacancy_ids=[row["pk"] for row in page.rows], search_query=search_query)

    facets = vacancy_search_facets(search_query=search_query, filters=filters, now=now)
    if facets.complete:
        # Every match was grouped: the total is exact, and it cost no extra query.
        total, capped = facets.selected, False
    elif facets.selected > TOTAL_CAP:
        total, capped = TOTAL_CAP, True
    else:
        # Too many matches to group, yet few of them in the chosen regions and types.
        matches = vacancy_search_matches(search_query=search_query, filters=filters, now=now)
        total, capped = vacancy_search_total(queryset=matches)
    return SearchResults(
        vacancies=vacancies,
        sort=sort,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
        total=total,
        total_capped=capped,
        facets=facets,
        has_query=search_query is not None,
    )


# --- Open data ----------------------------------------------------------------------------------


def vacancy_open_data(
    *, modified_since: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> QuerySet[Vacancy]:
    """Searchable vacancies with everything the open-data API publishes, oldest change first.

    Paginate with ``OPEN_DATA_KEYSET``: harvesters resume from the last ``updated_at`` they saw.
    """
    queryset = vacancy_searchable(now=now)
    if modified_since is not None:
        queryset = queryset.filter(updated_at__gte=modified_since)
    return (
        queryset.select_related(*_LIST_RELATED, "education_level")
        .prefetch_related("required_skills", "nice_skills")
        .defer("search_vector")
        .order_by(*OPEN_DATA_KEYSET.ordering())
    )
