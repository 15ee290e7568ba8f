"""Employment-centre staff pages: the verification queue and, for administrators, who is staff where."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms.organizations import add_business_error
from accounts.forms.staff import RejectOrganizationForm, StaffAssignForm
from accounts.models import Organization
from accounts.selectors.organizations import (
    organization_get_for_verification,
    organization_owners,
    organizations_for_verification,
)
from accounts.selectors.staff import (
    require_administrator,
    staff_assignment_get_for_admin,
    staff_assignments_for_user,
    staff_without_centre,
)
from accounts.services.organizations import organization_reject, organization_verify
from accounts.services.staff import staff_assign, staff_unassign
from exchange.errors import BusinessError

QUEUE_PAGE_SIZE = 20
ALL_STATUSES = "all"


@login_required
@require_GET
def verification_queue(request):
    """Organizations of the caller's region waiting for verification, oldest first."""
    status = request.GET.get("status") or Organization.Status.PENDING
    if status != ALL_STATUSES and status not in Organization.Status.values:
        status = Organization.Status.PENDING
    organizations = organizations_for_verification(user=request.user, status=None if status == ALL_STATUSES else status)
    page = Paginator(organizations, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff/queue.html",
        {
            "page": page,
            "status": status,
            "statuses": [*Organization.Status.choices, (ALL_STATUSES, _("All"))],
        },
    )


def _review(request, organization, *, reject_form=None, status=200):
    return render(
        request,
        "accounts/staff/organization.html",
        {
            "organization": organization,
            "owners": organization_owners(organization=organization),
            "reject_form": reject_form or RejectOrganizationForm(),
        },
        status=status,
    )


@login_required
@require_GET
def organization_review(request, organization_id: int):
    organization = organization_get_for_verification(user=request.user, organization_id=organization_id)
    return _review(request, organization)


@login_required
@require_POST
def organization_verify_page(request, organization_id: int):
    organization = organization_get_for_verification(user=request.user, organization_id=organization_id)
    try:
        organization_verify(organization=organization, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("accounts:staff-organization", organization_id=organization.pk)
    messages.success(request, _("%(name)s is verified.") % {"name": organization.legal_name})
    return redirect("accounts:staff-organizations")


@login_required
@require_POST
def organization_reject_page(request, organization_id: int):
    organization = organization_get_for_verification(user=request.user, organization_id=organization_id)
    form = RejectOrganizationForm(request.POST)
    if form.is_valid():
        try:
            organization_reject(organization=organization, by=request.user, reason=form.cleaned_data["reason"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("%(name)s is rejected.") % {"name": organization.legal_name})
            return redirect("accounts:staff-organizations")
    return _review(request, organization, reject_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def staff_people(request):
    """Staff of the caller's region; administrators see everyone and assign people to centres."""
    assignments = staff_assignments_for_user(user=request.user)
    is_admin = request.user.is_administrator
    form = StaffAssignForm(request.POST) if request.method == "POST" else StaffAssignForm()
    if request.method == "POST":
        require_administrator(request.user)  # staff see their colleagues; only administrators assign
        if form.is_valid():
            try:
                assignment = staff_assign(user=form.user, centre=form.cleaned_data["centre"], by=request.user)
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(email)s now works at %(centre)s.")
                    % {"email": assignment.user.email, "centre": assignment.centre.name},
                )
                return redirect("accounts:staff-people")
    return render(
        request,
        "accounts/staff/people.html",
        {
            "assignments": assignments,
            "is_admin": is_admin,
            "form": form if is_admin else None,
            "unassigned": staff_without_centre(user=request.user) if is_admin else [],
        },
    )


@login_required
@require_POST
def staff_unassign_page(request, assignment_id: int):
    assignment = staff_assignment_get_for_admin(user=request.user, assignment_id=assignment_id)
    staff_unassign(assignment=assignment, by=request.user)
    messages.success(request, _("%(email)s is no longer a member of staff.") % {"email": assignment.user.email})
    return redirect("accounts:staff-people")


urlpatterns = [
    path("staff/organizations/", verification_queue, name="staff-organizations"),
    path("staff/organizations/<int:organization_id>/", organization_review, name="staff-organization"),
    path(
        "staff/organizations/<int:organization_id>/verify/", organization_verify_page, name="staff-organization-verify"
    ),
    path(
        "staff/organizations/<int:organization_id>/reject/", organization_reject_page, name="staff-organization-reject"
    ),
    path("staff/people/", staff_people, name="staff-people"),
    path("staff/people/<int:assignment_id>/unassign/", staff_unassign_page, name="staff-unassign"),
]
