"""Employer pages: organization setup and editing, members and invitations, public employer pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms.organizations import InvitationForm, OrganizationForm, add_business_error
from accounts.models import Membership, User
from accounts.selectors.access import membership_of
from accounts.selectors.organizations import (
    invitation_acceptance_problem,
    invitation_get_for_accepting,
    invitation_get_for_owner,
    membership_get_for_member,
    membership_get_for_owner,
    organization_can_publish,
    organization_get_for_owner,
    organization_get_for_viewing,
    organization_members,
    organization_open_invitations,
    organization_setup_check,
)
from accounts.services.organizations import (
    invitation_accept,
    invitation_revoke,
    member_invite,
    member_remove,
    organization_create,
    organization_update,
)
from exchange.errors import BusinessError, ConflictError


def _site_url(request) -> str:
    # The host was checked against ALLOWED_HOSTS by get_host(), so the link cannot be redirected.
    return request.build_absolute_uri("/")


@login_required
@require_http_methods(["GET", "POST"])
def organization_setup(request):
    """First step of an employer account: register the organization it acts for."""
    try:
        organization_setup_check(user=request.user)
    except ConflictError:
        return redirect("accounts:organization")
    form = OrganizationForm(request.POST, request.FILES) if request.method == "POST" else OrganizationForm()
    if form.is_bound and form.is_valid():
        try:
            organization_create(user=request.user, **form.service_data())
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(
                request, _("Your organization is registered. Employment-centre staff will verify it shortly.")
            )
            return redirect("accounts:organization")
    return render(request, "accounts/organization/setup.html", {"form": form})


@login_required
@require_GET
def organization_overview(request):
    if request.user.role == User.Role.EMPLOYER and membership_of(request.user) is None:
        return redirect("accounts:organization-setup")
    membership = membership_get_for_member(user=request.user)
    organization = membership.organization
    return render(
        request,
        "accounts/organization/overview.html",
        {
            "organization": organization,
            "membership": membership,
            "is_owner": membership.role == Membership.Role.OWNER,
            "can_publish": organization_can_publish(organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request):
    organization = organization_get_for_owner(user=request.user)
    if request.method == "POST":
        form = OrganizationForm.for_organization(organization, request.POST, request.FILES)
    else:
        form = OrganizationForm.for_organization(organization)
    if form.is_bound and form.is_valid():
        was_verified = organization.is_verified
        try:
            organization = organization_update(
                organization=organization, by=request.user, data=form.service_data(only_changed=True)
            )
        except BusinessError as error:
            add_business_error(form, error)
        else:
            if was_verified and not organization.is_verified:
                messages.warning(request, _("Saved. The BIN or legal name changed, so staff will verify it again."))
            else:
                messages.success(request, _("The organization's details are saved."))
            return redirect("accounts:organization")
    return render(request, "accounts/organization/edit.html", {"form": form, "organization": organization})


@login_required
@require_http_methods(["GET", "POST"])
def organization_members_page(request):
    """Everyone sees the members; owners also invite (the POST), revoke and remove."""
    membership = membership_get_for_member(user=request.user)
    organization = membership.organization
    is_owner = membership.role == Membership.Role.OWNER
    form = InvitationForm()
    if request.method == "POST":
        organization = organization_get_for_owner(user=request.user)
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = member_invite(
                    organization=organization,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                    base_url=_site_url(request),
                )
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
                return redirect("accounts:organization-members")
    return render(
        request,
        "accounts/organization/members.html",
        {
            "organization": organization,
            "membership": membership,
            "is_owner": is_owner,
            "members": organization_members(organization=organization),
            "invitations": organization_open_invitations(organization=organization) if is_owner else [],
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def invitation_revoke_page(request, invitation_id: int):
    invitation = invitation_get_for_owner(user=request.user, invitation_id=invitation_id)
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("accounts:organization-members")


@login_required
@require_POST
def member_remove_page(request, membership_id: int):
    membership = membership_get_for_owner(user=request.user, membership_id=membership_id)
    try:
        member_remove(membership=membership, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("accounts:organization-members")
    if membership.user_id == request.user.pk:
        messages.success(request, _("You left the organization."))
        return redirect("accounts:organization")
    messages.success(request, _("%(email)s was removed from the organization.") % {"email": membership.user.email})
    return redirect("accounts:organization-members")


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept_page(request, token: str):
    """The page the e-mailed link opens. Explains what is wrong instead of failing silently."""
    invitation = invitation_get_for_accepting(user=request.user, token=token)
    problem = invitation_acceptance_problem(invitation=invitation, user=request.user)
    if request.method == "POST" and problem is None:
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except BusinessError as error:
            problem = error
        else:
            messages.success(
                request, _("You joined %(organization)s.") % {"organization": invitation.organization.legal_name}
            )
            return redirect("accounts:organization")
    return render(
        request,
        "accounts/organization/invitation_accept.html",
        {"invitation": invitation, "problem": problem},
        status=problem.status_code if problem else 200,
    )


@require_GET
def employer_detail(request, organization_id: int):
    """The public employer page: anyone may read a verified organization's page."""
    organization = organization_get_for_viewing(user=request.user, organization_id=organization_id)
    # Higher apps (vacancies, fairs) contribute sections through settings, so accounts imports none of them.
    sections = []
    for section_path in settings.EMPLOYER_PAGE_SECTIONS:
        section = import_string(section_path)(organization=organization, user=request.user)
        sections.append(render_to_string(section["template"], section["context"], request=request))
    return render(request, "accounts/organization/public.html", {"organization": organization, "sections": sections})


urlpatterns = [
    path("organization/", organization_overview, name="organization"),
    path("organization/new/", organization_setup, name="organization-setup"),
    path("organization/edit/", organization_edit, name="organization-edit"),
    path("organization/members/", organization_members_page, name="organization-members"),
    path("organization/members/<int:membership_id>/remove/", member_remove_page, name="organization-member-remove"),
    path(
        "organization/invitations/<int:invitation_id>/revoke/",
        invitation_revoke_page,
        name="organization-invitation-revoke",
    ),
    path("organization/invitations/<str:token>/", invitation_accept_page, name="invitation-accept"),
    path("employers/<int:organization_id>/", employer_detail, name="employer-detail"),
]
