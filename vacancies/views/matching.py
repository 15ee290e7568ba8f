"""Web pages: "Vacancies for you", a vacancy's suitable candidates, and saved searches.

The same selectors and services as ``vacancies.apis.matching``. "Save this search" is a form
the search page includes (``vacancies/matching/_save_search.html``): it posts the page's own
parameters here, where the search form validates them again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exchange.errors import BusinessError
from vacancies.forms.matching import SavedSearchForm, saved_search_from_params, saved_search_params
from vacancies.selectors import matching as selectors
from vacancies.services import matching as services


def _page_number(request) -> int:
    try:
        return int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        return 1


@login_required
@require_GET
def vacancies_for_you(request):
    page = selectors.matching_vacancies_for_seeker(user=request.user, page=_page_number(request))
    page.render_reasons(viewer=selectors.SEEKER)
    return render(request, "vacancies/matching/for_you.html", {"page": page, "viewer": selectors.SEEKER})


@login_required
@require_GET
def suitable_candidates(request, vacancy_id: int):
    vacancy = selectors.vacancy_get_for_matching(user=request.user, vacancy_id=vacancy_id)
    page = selectors.suitable_candidates(vacancy=vacancy, page=_page_number(request))
    page.render_reasons(viewer=selectors.EMPLOYER)
    return render(
        request,
        "vacancies/matching/suitable_candidates.html",
        {"vacancy": vacancy, "page": page, "viewer": selectors.EMPLOYER},
    )


# --- Saved searches ---------------------------------------------------------------------------


@login_required
@require_GET
def saved_searches(request):
    rows = [
        {
            "saved": saved,
            "form": SavedSearchForm(initial={"name": saved.name, "frequency": saved.frequency}, prefix=f"s{saved.pk}"),
            "search_url": reverse("vacancies:search") + "?" + saved_search_params(saved).urlencode(),
        }
        for saved in selectors.saved_searches_of_user(user=request.user)
    ]
    return render(request, "vacancies/matching/saved_searches.html", {"rows": rows})


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def saved_search_create(request):
    """ "Save this search" from the search page: the page's parameters plus a name and a frequency."""
    form = SavedSearchForm(request.POST)
    back = _back(request, reverse("vacancies:search"))
    if not form.is_valid():
        messages.error(request, _("Choose how often to be notified."))
        return redirect(back)
    try:
        query, filters = saved_search_from_params(request.POST)
        services.saved_search_create(user=request.user, query=query, filters=filters, **form.cleaned_data)
    except BusinessError as error:
        details = [m for field_messages in error.fields.values() for m in field_messages]
        messages.error(request, " ".join([error.message, *details]))
        return redirect(back)
    messages.success(request, _("The search is saved. New vacancies matching it will be in your notifications."))
    return redirect(back)


@login_required
@require_POST
def saved_search_edit(request, saved_search_id: int):
    saved = selectors.saved_search_get_own(user=request.user, saved_search_id=saved_search_id)
    form = SavedSearchForm(request.POST, prefix=f"s{saved.pk}")
    if form.is_valid():
        try:
            services.saved_search_update(saved_search=saved, by=request.user, **form.cleaned_data)
        except BusinessError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose how often to be notified."))
    return redirect("vacancies:saved-searches")


@login_required
@require_POST
def saved_search_delete(request, saved_search_id: int):
    saved = selectors.saved_search_get_own(user=request.user, saved_search_id=saved_search_id)
    services.saved_search_delete(saved_search=saved, by=request.user)
    messages.success(request, _("The saved search is deleted."))
    return redirect("vacancies:saved-searches")


urlpatterns = [
    path("for-you/", vacancies_for_you, name="for-you"),
    path("<int:vacancy_id>/suitable-candidates/", suitable_candidates, name="suitable-candidates"),
    path("saved-searches/", saved_searches, name="saved-searches"),
    path("saved-searches/new/", saved_search_create, name="saved-search-create"),
    path("saved-searches/<int:saved_search_id>/edit/", saved_search_edit, name="saved-search-edit"),
    path("saved-searches/<int:saved_search_id>/delete/", saved_search_delete, name="saved-search-delete"),
]
