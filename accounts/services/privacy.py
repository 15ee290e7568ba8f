"""Personal data: a copy for the person (export) and erasure with the account (deletion).

The export is found by walking the models, not by listing them: starting at the user row it
follows every reverse relation (one-to-one and foreign key) to the rows that point at the user,
then to the rows that point at those (the seeker profile's education, experience and language
entries, and whatever later apps hang off the user or the profile). A model added later is in
the export without a change here. Relations declared with ``related_name="+"`` are not
followed: that is how a model says "this user acted on me" (``verified_by``, ``invited_by``)
rather than "this row is about the user", and the other people's data behind such links must
not leak into someone's export.

The export is a read, yet it lives next to erasure because both answer the same question (what
do we hold about this person) and must change together.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accounts.models import SeekerProfile, User
from exchange.errors import BusinessError

EXPORT_FORMAT = "exchange-personal-data"
EXPORT_VERSION = 1

# Reverse relations not followed: the admin site's log records what an administrator did, not
# data about the person (and it is erased with the account, see _erase_admin_log).
EXPORT_SKIPPED_MODELS = frozenset({"admin.logentry"})
# Never exported at all.
EXPORT_EXCLUDED_FIELDS = {"accounts.user": frozenset({"password"})}
# Exported as present but without their value: credentials that must not travel in a file.
EXPORT_SECRET_FIELDS = {"authtoken.token": frozenset({"key"}), "account.emailconfirmation": frozenset({"key"})}
REDACTED = "[redacted]"


def seeker_data_export(*, user: User) -> dict:
    """Everything stored about ``user``, as a JSON-ready dict.

    Each row is ``{"model": "app.model", "fields": {...}, "related": {accessor: row | [rows] | None}}``;
    references to catalog rows are given by their code, other references by primary key, and
    many-to-many values as lists of those. The password hash is left out and API token keys are
    shown as ``"[redacted]"``. Any authenticated user may export their own data.
    """
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "user": _export_row(user, seen=set()),
    }


def _reference(obj: models.Model | None):
    if obj is None:
        return None
    if any(field.name == "code" for field in obj._meta.concrete_fields):
        return obj.code
    return obj.pk


def _json_value(value):
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    return value


def _export_row(obj: models.Model, *, seen: set) -> dict:
    label = obj._meta.label_lower
    seen.add((label, obj.pk))
    excluded = EXPORT_EXCLUDED_FIELDS.get(label, frozenset())
    secret = EXPORT_SECRET_FIELDS.get(label, frozenset())

    fields = {}
    for field in obj._meta.concrete_fields:
        if field.name in excluded:
            continue
        if field.name in secret:
            fields[field.name] = REDACTED
        elif field.is_relation:
            fields[field.name] = _reference(getattr(obj, field.name))
        else:
            fields[field.name] = _json_value(field.value_from_object(obj))
    for field in obj._meta.many_to_many:
        fields[field.name] = sorted((_reference(o) for o in getattr(obj, field.name).all()), key=str)

    related = {}
    for relation in obj._meta.related_objects:
        if relation.hidden or relation.related_model._meta.label_lower in EXPORT_SKIPPED_MODELS:
            continue
        accessor = relation.get_accessor_name()
        if relation.one_to_one:
            try:
                child = getattr(obj, accessor)
            except ObjectDoesNotExist:
                child = None
            related[accessor] = None if child is None else _export_child(child, seen=seen)
        else:
            rows = [_export_child(child, seen=seen) for child in getattr(obj, accessor).all()]
            related[accessor] = [row for row in rows if row is not None]
    return {"model": label, "fields": fields, "related": related}


def _export_child(obj: models.Model, *, seen: set) -> dict | None:
    if (obj._meta.label_lower, obj.pk) in seen:
        return None
    return _export_row(obj, seen=seen)


# --- Deletion -----------------------------------------------------------------------------------


def _erase_login_records(*, user: User) -> None:
    """django-axes keeps login attempts by the e-mail address typed, with no link to the user row."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.email).delete()


def _erase_admin_log(*, user: User) -> None:
    """The admin site's log names the objects changed (a user's e-mail, a profile's full name)."""
    targets = [(User, user.pk)]
    profile_id = SeekerProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if profile_id is not None:
        targets.append((SeekerProfile, profile_id))
    for model, pk in targets:
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).delete()


# Run before every deletion, ahead of the ones other apps list in settings.PERSONAL_DATA_ERASERS.
BUILT_IN_ERASERS = (_erase_login_records, _erase_admin_log)


def seeker_account_delete(*, user: User, password: str) -> None:
    """Delete a job seeker's account and destroy their personal data, after checking their password.

    Deleting the user row cascades to the profile, consents, education, experience and language
    entries, API token and e-mail addresses. Data the cascade cannot reach is erased first: login
    attempts and admin log entries here, and the data of other apps by the *erasers* listed in
    ``settings.PERSONAL_DATA_ERASERS``: dotted paths to callables taking ``user=``, called in order
    before the row is deleted. That is the hook for apps whose rows outlive the account (the
    vacancies app keeps applications as anonymous statistics: its eraser blanks the cover letter
    and CV snapshot, and the foreign key is set to NULL by the deletion itself).

    Everything runs in one transaction: if an eraser fails, nothing is deleted.
    """
    if not (user.is_authenticated and user.role == User.Role.SEEKER):
        raise PermissionDenied
    if not user.check_password(password or ""):
        message = _("The password is not correct.")
        raise BusinessError("password_incorrect", message, fields={"password": [str(message)]})

    erasers = [*BUILT_IN_ERASERS, *(import_string(path) for path in getattr(settings, "PERSONAL_DATA_ERASERS", []))]
    with transaction.atomic():
        for erase in erasers:
            erase(user=user)
        user.delete()
