"""Reads for bulk imports: who may import for which employer, and who may see which import job.

Employer members import for their own organization, verified or not (drafts may be prepared
before verification; publishing still needs it). Employment-centre staff import *for* an
employer of their region (paper vacancy lists brought to the centre); administrators for anyone.
Everyone else gets 403; an employer or a job outside the caller's reach answers 404, so nobody
learns which employers import what.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors.access import acting_region_ids, can_act_in_region, membership_of, require_role
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError
from vacancies.models import ImportJob


def can_import_for(*, user: User | None, organization: Organization) -> bool:
    """A member of ``organization``, staff of its region, or an administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_employer:
        membership = membership_of(user)
        return membership is not None and membership.organization_id == organization.pk
    if user.is_administrator:
        return True
    return user.is_centre_staff and can_act_in_region(user, organization.region_id)


def organization_get_for_importing(*, user: User, organization_id: int | None = None) -> Organization:
    """The organization ``user`` imports vacancies for.

    Employers: their own organization (``organization_id`` may be omitted; another one is 404).
    Staff and administrators: ``organization_id`` is required (400 ``organization_required``)
    and must be in a region they act in (404 otherwise). Seekers and employers without an
    organization: 403.
    """
    require_role(user, User.Role.EMPLOYER, User.Role.CENTRE_STAFF)
    if user.is_employer:
        membership = membership_of(user)
        if membership is None:
            raise PermissionDenied
        if organization_id is not None and organization_id != membership.organization_id:
            raise Http404
        return membership.organization
    if organization_id is None:
        message = _("Choose the employer whose vacancies you import.")
        raise BusinessError("organization_required", message, fields={"organization_id": [str(message)]})
    organization = Organization.objects.select_related("region").filter(pk=organization_id).first()
    if organization is None or not can_act_in_region(user, organization.region_id):
        raise Http404
    return organization


def organization_find_for_importing(*, user: User, bin: str) -> Organization | None:
    """An employer of the staff member's regions by its BIN, for the staff import page; None when
    there is none the caller may import for."""
    require_role(user, User.Role.CENTRE_STAFF)
    organization = Organization.objects.filter(bin=(bin or "").strip()).first()
    if organization is None or not can_act_in_region(user, organization.region_id):
        return None
    return organization


def import_jobs_for_user(*, user: User) -> QuerySet[ImportJob]:
    """The import jobs ``user`` may see, newest first: their organization's (employers), their
    regions' employers' (staff), all (administrators). 403 for everyone else."""
    require_role(user, User.Role.EMPLOYER, User.Role.CENTRE_STAFF)
    queryset = ImportJob.objects.select_related("organization", "uploaded_by").order_by("-created_at", "-id")
    if user.is_employer:
        membership = membership_of(user)
        return queryset.filter(organization_id=membership.organization_id) if membership else queryset.none()
    regions = acting_region_ids(user)
    if regions is None:
        return queryset
    return queryset.filter(organization__region_id__in=regions)


def import_job_get_for_viewing(*, user: User, job_id: int) -> ImportJob:
    """One import job with its progress and bad rows; 403 for seekers, 404 outside the caller's
    organization or regions."""
    job = import_jobs_for_user(user=user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def import_job_bad_rows(job: ImportJob) -> int:
    """How many data rows were refused (notes on the header, row 1, and whole-file errors without a
    row are not data rows)."""
    return len({e.get("row") for e in job.errors if isinstance(e, dict) and (e.get("row") or 0) > 1})


def import_code_lists() -> list[dict]:
    """The catalogs whose codes the import columns take, for the help page."""
    return [
        {"column": "occupation", "entries": [(o.code, o.title) for o in Occupation.objects.filter(level=4)]},
        {"column": "education_level", "entries": [(e.code, e.name) for e in EducationLevel.objects.all()]},
        {"column": "required_skills, nice_skills", "entries": [(s.code, s.name) for s in Skill.objects.all()]},
        {"column": "employment_type", "entries": [(e.code, e.name) for e in EmploymentType.objects.all()]},
        {"column": "schedule", "entries": [(s.code, s.name) for s in WorkSchedule.objects.all()]},
        {"column": "region", "entries": [(r.code, r.name) for r in Region.objects.all()]},
    ]
