"""Job seeker pages: the profile wizard, the profile overview, consent, data export and account
deletion; and the page where employers and staff read a seeker's profile.

Each view fetches through an access selector, calls one service and renders; a ``BusinessError``
from the service is shown in the form it came from.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms.seekers import (
    AccountDeleteForm,
    ConsentForm,
    EducationForm,
    ExperienceForm,
    LanguageForm,
    LanguageLevelForm,
    PersonalForm,
    PreferencesForm,
    SkillsForm,
    add_business_error,
)
from accounts.models import Consent
from accounts.selectors.seekers import (
    occupation_unit_groups,
    seeker_current_consent,
    seeker_education_get_own,
    seeker_experience_get_own,
    seeker_iin_for_viewer,
    seeker_language_get_own,
    seeker_languages_named,
    seeker_personal_details_for_viewer,
    seeker_profile_get_for_viewing,
    seeker_profile_get_own,
)
from accounts.services.privacy import seeker_account_delete, seeker_data_export
from accounts.services.seekers import (
    CONSENT_TEXT_VERSION,
    consent_give,
    consent_withdraw,
    seeker_education_add,
    seeker_education_delete,
    seeker_education_update,
    seeker_experience_add,
    seeker_experience_delete,
    seeker_experience_update,
    seeker_language_add,
    seeker_language_delete,
    seeker_language_update,
    seeker_profile_update,
)
from exchange.errors import BusinessError

# (slug, title, URL name) of the wizard's steps, in order.
WIZARD_STEPS = [
    ("personal", gettext_lazy("Personal details"), "accounts:profile-personal"),
    ("education", gettext_lazy("Education"), "accounts:profile-education"),
    ("experience", gettext_lazy("Work experience"), "accounts:profile-experience"),
    ("skills", gettext_lazy("Skills and languages"), "accounts:profile-skills"),
    ("preferences", gettext_lazy("Job preferences"), "accounts:profile-preferences"),
    ("consent", gettext_lazy("Consent and visibility"), "accounts:profile-consent"),
]


def _form_data(request):
    return request.POST if request.method == "POST" else None


def _next_step_url(slug: str) -> str:
    slugs = [s for s, _title, _url in WIZARD_STEPS]
    index = slugs.index(slug)
    return reverse(WIZARD_STEPS[index + 1][2]) if index + 1 < len(WIZARD_STEPS) else reverse("accounts:profile")


def _render_step(request, slug: str, template: str, context: dict):
    slugs = [s for s, _title, _url in WIZARD_STEPS]
    index = slugs.index(slug)
    steps = [
        {"number": i + 1, "title": title, "url": reverse(url), "current": s == slug, "done": i < index}
        for i, (s, title, url) in enumerate(WIZARD_STEPS)
    ]
    context |= {
        "steps": steps,
        "step": steps[index],
        "step_count": len(steps),
        "previous_url": steps[index - 1]["url"] if index else None,
        "next_url": _next_step_url(slug),
    }
    return render(request, template, context)


def _saved_and_continue(request, slug: str):
    messages.success(request, _("Saved."))
    return redirect(_next_step_url(slug))


# --- Overview -----------------------------------------------------------------------------------


@login_required
@require_GET
def profile_overview(request):
    profile = seeker_profile_get_own(user=request.user)
    return render(
        request,
        "accounts/seeker/overview.html",
        {
            "profile": profile,
            "personal": seeker_personal_details_for_viewer(profile=profile, viewer=request.user),
            "language_entries": seeker_languages_named(profile=profile),
            "consent": seeker_current_consent(user=request.user),
            "owner": True,
        },
    )


# --- Wizard -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile_personal(request):
    profile = seeker_profile_get_own(user=request.user)
    form = PersonalForm(
        _form_data(request),
        initial={
            "full_name": profile.user.full_name,
            "iin": seeker_iin_for_viewer(profile=profile, viewer=request.user),
            "phone": profile.phone,
            "region": profile.region,
            "locality": profile.locality,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            seeker_profile_update(profile=profile, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return _saved_and_continue(request, "personal")
    return _render_step(request, "personal", "accounts/seeker/step_personal.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_education(request):
    profile = seeker_profile_get_own(user=request.user)
    form = EducationForm(_form_data(request))
    if form.is_bound and form.is_valid():
        try:
            seeker_education_add(profile=profile, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("The education entry was added."))
            return redirect("accounts:profile-education")
    return _render_step(
        request, "education", "accounts/seeker/step_education.html", {"form": form, "entries": profile.educations.all()}
    )


def _entry_edit(request, *, form, save, saved_message, title: str, back: str, extra: dict | None = None):
    """The "edit one CV entry" page shared by education, experience and languages: save through
    the entry's service, show a business error on the form, or go back to the step."""
    if form.is_bound and form.is_valid():
        try:
            save(**form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, saved_message)
            return redirect(back)
    context = {"form": form, "title": title, "back_url": reverse(back), **(extra or {})}
    return render(request, "accounts/seeker/entry_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_education_edit(request, education_id: int):
    entry = seeker_education_get_own(user=request.user, education_id=education_id)
    form = EducationForm(
        _form_data(request),
        initial={
            "level": entry.level,
            "institution": entry.institution,
            "specialty": entry.specialty,
            "graduation_year": entry.graduation_year,
            "is_current": entry.is_current,
        },
    )
    return _entry_edit(
        request,
        form=form,
        save=lambda **data: seeker_education_update(education=entry, **data),
        saved_message=_("The education entry was saved."),
        title=_("Edit education"),
        back="accounts:profile-education",
    )


@login_required
@require_POST
def profile_education_delete(request, education_id: int):
    entry = seeker_education_get_own(user=request.user, education_id=education_id)
    seeker_education_delete(education=entry)
    messages.success(request, _("The education entry was removed."))
    return redirect("accounts:profile-education")


@login_required
@require_http_methods(["GET", "POST"])
def profile_experience(request):
    profile = seeker_profile_get_own(user=request.user)
    form = ExperienceForm(_form_data(request))
    if form.is_bound and form.is_valid():
        try:
            seeker_experience_add(profile=profile, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("The work experience entry was added."))
            return redirect("accounts:profile-experience")
    return _render_step(
        request,
        "experience",
        "accounts/seeker/step_experience.html",
        {"form": form, "entries": profile.experiences.all(), "occupations": occupation_unit_groups()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_experience_edit(request, experience_id: int):
    entry = seeker_experience_get_own(user=request.user, experience_id=experience_id)
    form = ExperienceForm(
        _form_data(request),
        initial={
            "employer_name": entry.employer_name,
            "position": entry.position,
            "occupation": entry.occupation,
            "start_date": entry.start_date,
            "end_date": entry.end_date,
            "description": entry.description,
        },
    )
    return _entry_edit(
        request,
        form=form,
        save=lambda **data: seeker_experience_update(experience=entry, **data),
        saved_message=_("The work experience entry was saved."),
        title=_("Edit work experience"),
        back="accounts:profile-experience",
        extra={"occupations": occupation_unit_groups()},
    )


@login_required
@require_POST
def profile_experience_delete(request, experience_id: int):
    entry = seeker_experience_get_own(user=request.user, experience_id=experience_id)
    seeker_experience_delete(experience=entry)
    messages.success(request, _("The work experience entry was removed."))
    return redirect("accounts:profile-experience")


@login_required
@require_http_methods(["GET", "POST"])
def profile_skills(request):
    """Skills and the "about me" text in one form; languages are added one by one in a second form."""
    profile = seeker_profile_get_own(user=request.user)
    adding_language = request.method == "POST" and request.POST.get("action") == "add-language"
    skills_form = SkillsForm(
        None if adding_language else _form_data(request),
        initial={
            "headline": profile.headline,
            "about": profile.about,
            "skills": list(profile.skills.all()),
            "other_skills": profile.other_skills,
        },
    )
    language_form = LanguageForm(request.POST if adding_language else None, prefix="language")
    if adding_language and language_form.is_valid():
        try:
            seeker_language_add(profile=profile, **language_form.cleaned_data)
        except BusinessError as error:
            add_business_error(language_form, error)
        else:
            messages.success(request, _("The language was added."))
            return redirect("accounts:profile-skills")
    elif skills_form.is_bound and skills_form.is_valid():
        try:
            seeker_profile_update(profile=profile, **skills_form.cleaned_data)
        except BusinessError as error:
            add_business_error(skills_form, error)
        else:
            return _saved_and_continue(request, "skills")
    return _render_step(
        request,
        "skills",
        "accounts/seeker/step_skills.html",
        {
            "form": skills_form,
            "language_form": language_form,
            "language_entries": seeker_languages_named(profile=profile),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_language_edit(request, language_id: int):
    entry = seeker_language_get_own(user=request.user, language_id=language_id)
    form = LanguageLevelForm(_form_data(request), initial={"level": entry.level})
    return _entry_edit(
        request,
        form=form,
        save=lambda **data: seeker_language_update(language_skill=entry, **data),
        saved_message=_("The language level was saved."),
        title=_("Edit language level"),
        back="accounts:profile-skills",
    )


@login_required
@require_POST
def profile_language_delete(request, language_id: int):
    entry = seeker_language_get_own(user=request.user, language_id=language_id)
    seeker_language_delete(language_skill=entry)
    messages.success(request, _("The language was removed."))
    return redirect("accounts:profile-skills")


@login_required
@require_http_methods(["GET", "POST"])
def profile_preferences(request):
    profile = seeker_profile_get_own(user=request.user)
    occupations = list(profile.desired_occupations.all())
    form = PreferencesForm(
        _form_data(request),
        occupation_count=len(occupations),
        initial={
            "desired_occupations": occupations,
            "desired_salary": profile.desired_salary,
            "employment_types": list(profile.employment_types.all()),
            "schedules": list(profile.schedules.all()),
            "willing_to_relocate": profile.willing_to_relocate,
            "remote_ok": profile.remote_ok,
            "search_status": profile.search_status,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            seeker_profile_update(profile=profile, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return _saved_and_continue(request, "preferences")
    return _render_step(
        request,
        "preferences",
        "accounts/seeker/step_preferences.html",
        {"form": form, "occupations": occupation_unit_groups()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_consent(request):
    """The last step: agree to the consent text (once) and choose who sees the profile."""
    profile = seeker_profile_get_own(user=request.user)
    form = ConsentForm(_form_data(request), initial={"visibility": profile.visibility})
    if form.is_bound and form.is_valid():
        try:
            if form.cleaned_data["agree"]:
                consent_give(user=request.user, channel=Consent.Channel.WEB, text_version=CONSENT_TEXT_VERSION)
            seeker_profile_update(profile=profile, visibility=form.cleaned_data["visibility"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return _render_step(
        request,
        "consent",
        "accounts/seeker/step_consent.html",
        {"form": form, "consent": seeker_current_consent(user=request.user), "profile": profile},
    )


@login_required
@require_POST
def consent_withdraw_view(request):
    consent_withdraw(user=request.user)
    messages.success(request, _("Your consent was withdrawn and your profile is hidden from employers."))
    return redirect("accounts:profile")


# --- Personal data ------------------------------------------------------------------------------


@login_required
@require_GET
def data_export(request):
    return render(request, "accounts/seeker/export.html")


@never_cache
@login_required
@require_GET
def data_export_download(request):
    data = seeker_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"personal-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    if not request.user.is_seeker:
        raise PermissionDenied  # the erasure rules here are a job seeker's; other roles have none yet
    form = AccountDeleteForm(_form_data(request))
    if form.is_bound and form.is_valid():
        try:
            seeker_account_delete(user=request.user, password=form.cleaned_data["password"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data were deleted."))
            return redirect("home")
    return render(request, "accounts/seeker/delete.html", {"form": form})


# --- Employers and staff ------------------------------------------------------------------------


@login_required
@require_GET
def seeker_detail(request, profile_id: int):
    profile = seeker_profile_get_for_viewing(user=request.user, profile_id=profile_id)
    return render(
        request,
        "accounts/seeker/detail.html",
        {
            "profile": profile,
            "personal": seeker_personal_details_for_viewer(profile=profile, viewer=request.user),
            "language_entries": seeker_languages_named(profile=profile),
            "owner": profile.user_id == request.user.pk,
        },
    )


urlpatterns = [
    path("profile/", profile_overview, name="profile"),
    path("profile/personal/", profile_personal, name="profile-personal"),
    path("profile/education/", profile_education, name="profile-education"),
    path("profile/education/<int:education_id>/", profile_education_edit, name="profile-education-edit"),
    path("profile/education/<int:education_id>/delete/", profile_education_delete, name="profile-education-delete"),
    path("profile/experience/", profile_experience, name="profile-experience"),
    path("profile/experience/<int:experience_id>/", profile_experience_edit, name="profile-experience-edit"),
    path("profile/experience/<int:experience_id>/delete/", profile_experience_delete, name="profile-experience-delete"),
    path("profile/skills/", profile_skills, name="profile-skills"),
    path("profile/languages/<int:language_id>/", profile_language_edit, name="profile-language-edit"),
    path("profile/languages/<int:language_id>/delete/", profile_language_delete, name="profile-language-delete"),
    path("profile/preferences/", profile_preferences, name="profile-preferences"),
    path("profile/consent/", profile_consent, name="profile-consent"),
    path("profile/consent/withdraw/", consent_withdraw_view, name="consent-withdraw"),
    path("profile/delete/", account_delete, name="account-delete"),
    path("settings/personal-data/", data_export, name="data-export"),
    path("settings/personal-data/download/", data_export_download, name="data-export-download"),
    path("seekers/<int:profile_id>/", seeker_detail, name="seeker-detail"),
]
