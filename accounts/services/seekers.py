"""Writes for job seekers: consent, the profile (CV) and its education, experience and language entries.

Every service validates all of its input before it writes anything and runs in one transaction,
so bad input leaves the database as it was. Rule violations raise ``BusinessError`` whose
``fields`` map a field name to a list of messages, the same shape DRF uses: the API answers them
as a 400 and the pages show them next to the form fields.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent, Education, LanguageSkill, SeekerProfile, User, WorkExperience
from accounts.validators import parse_iin
from catalog.models import EducationLevel, Occupation, Region
from exchange.errors import BusinessError

# The version of the consent text in templates/accounts/seeker/consent_text.html. Change both
# together: a consent given to an older text is replaced when the seeker agrees to the new one.
CONSENT_TEXT_VERSION = "1"

# Kazakhstan shares country code +7 with Russia; its own numbers continue with 6 or 7.
_PHONE_DIGITS = re.compile(r"(?:\+?7|8)([67][0-9]{9})")
_PHONE_PUNCTUATION = re.compile(r"[\s()\-.]")

# A sanity bound: anything above is a typo, and the column is a 32-bit integer.
MAX_SALARY = 100_000_000
# Students may name the year they expect to graduate; further ahead is a typo.
MAX_GRADUATION_YEARS_AHEAD = 10
MIN_YEAR = 1900

# Written as one string: 183 quoted two-letter codes would be harder to read and check.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
    eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja
    jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb
    nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq
    sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()  # noqa: SIM905
)

INVALID_MESSAGE = _("Some fields are not valid.")


class _FieldErrors(dict):
    """Collects ``{"field": ["message", ...]}`` so one answer reports every bad field at once."""

    def add(self, field: str, *messages) -> None:
        self.setdefault(field, []).extend(str(m) for m in messages)

    def raise_if_any(self) -> None:
        if self:
            raise BusinessError("invalid", INVALID_MESSAGE, fields=dict(self))


def _clean(model: type[models.Model], name: str, value, errors: _FieldErrors):
    """Run the model field's own checks (type, length, choices, blank) without touching an instance."""
    try:
        return model._meta.get_field(name).clean(value, None)
    except ValidationError as exc:
        errors.add(name, *exc.messages)
        return value


def _check_bool(name: str, value, errors: _FieldErrors) -> None:
    if not isinstance(value, bool):
        errors.add(name, _("Must be true or false."))


def _reject_unknown(given: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = set(given) - allowed
    if unknown:
        # A programming error, not user input: the API and forms only pass known fields.
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


def _require_seeker(user: User) -> None:
    if not (user.is_authenticated and user.role == User.Role.SEEKER):
        raise PermissionDenied


def _lock_profile(user: User) -> SeekerProfile:
    profile, _created = SeekerProfile.objects.select_for_update().get_or_create(user=user)
    return profile


def normalize_phone(value: str) -> str:
    """``8 (701) 123-45-67``, ``+7 701 1234567``... -> ``+77011234567``; ValidationError otherwise."""
    match = _PHONE_DIGITS.fullmatch(_PHONE_PUNCTUATION.sub("", value))
    if match is None:
        raise ValidationError(
            _("Enter a Kazakhstan phone number: +7 followed by 10 digits, e.g. +7 701 123 45 67."), code="phone"
        )
    return "+7" + match.group(1)


# --- Consent ------------------------------------------------------------------------------------


def consent_give(*, user: User, channel: str, text_version: str = CONSENT_TEXT_VERSION) -> Consent:
    """Record the seeker's consent to the processing of personal data and mark the profile as consented.

    Only job seekers give consent. ``text_version`` is the version of the text the seeker was
    shown; it must be the current one. Giving consent again to the same text changes nothing;
    agreeing to a newer text closes the older consent row and opens a new one. Consent alone does
    not make the profile visible: the seeker chooses visibility separately.

    Locks the profile row so ``SeekerProfile.has_consent`` and the Consent rows move together.
    """
    _require_seeker(user)
    if channel not in Consent.Channel.values:
        raise ValueError(f"unknown consent channel {channel!r}")
    if text_version != CONSENT_TEXT_VERSION:
        message = _("The consent text has changed. Read the current text and agree to it.")
        raise BusinessError("consent_text_outdated", message, fields={"text_version": [str(message)]})

    with transaction.atomic():
        profile = _lock_profile(user)
        current = Consent.objects.filter(user=user, withdrawn_at__isnull=True).first()
        if current is None or current.text_version != text_version:
            if current is not None:
                current.withdrawn_at = timezone.now()
                current.save(update_fields=["withdrawn_at", "updated_at"])
            current = Consent.objects.create(user=user, text_version=text_version, channel=channel)
        if not profile.has_consent:
            profile.has_consent = True
            profile.save(update_fields=["has_consent", "updated_at"])
    return current


def consent_withdraw(*, user: User) -> None:
    """Withdraw the seeker's consent: the profile is hidden from employers at once.

    The Consent rows stay as the record of what was agreed and when. From now on the seeker is
    sent nothing but account mail (sign-in, password, deletion): matching, digests and
    notifications must check ``SeekerProfile.has_consent`` before they use the profile or write to
    the seeker. Withdrawing when no consent is in force changes nothing.

    Locks the profile row, like ``consent_give``.
    """
    _require_seeker(user)
    with transaction.atomic():
        profile = _lock_profile(user)
        now = timezone.now()
        Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=now, updated_at=now)
        profile.has_consent = False
        profile.visibility = SeekerProfile.Visibility.HIDDEN
        profile.save(update_fields=["has_consent", "visibility", "updated_at"])


# --- Profile ------------------------------------------------------------------------------------

_PROFILE_TEXT_FIELDS = ("locality", "headline", "about", "other_skills", "search_status", "visibility")
_PROFILE_M2M_FIELDS = ("skills", "desired_occupations", "employment_types", "schedules")
_PROFILE_FIELDS = frozenset(
    {
        "full_name",
        "iin",
        "phone",
        "region",
        "desired_salary",
        "willing_to_relocate",
        "remote_ok",
        *_PROFILE_TEXT_FIELDS,
        *_PROFILE_M2M_FIELDS,
    }
)


def _check_unit_groups(name: str, occupations: Iterable[Occupation], errors: _FieldErrors) -> None:
    for occupation in occupations:
        if occupation.level != Occupation.Level.UNIT:
            errors.add(
                name,
                _("%(code)s is a broader ISCO-08 group; choose a unit group (4 digits).") % {"code": occupation.code},
            )


_IIN_TAKEN = _("This IIN is already registered to another account.")
_CONSENT_REQUIRED = _("Give your consent to the processing of personal data before showing your profile to employers.")


def seeker_profile_update(*, profile: SeekerProfile, **fields) -> SeekerProfile:
    """Change the given fields of the seeker's profile (CV); fields not given stay as they are.

    Accepts ``full_name`` (stored on the user), ``iin``, ``phone``, ``region`` (a Region or None),
    ``locality``, ``headline``, ``about``, ``skills``, ``other_skills``, ``desired_occupations``
    (ISCO-08 unit groups), ``desired_salary`` (KZT, >= 0 or None), ``employment_types``,
    ``schedules`` (iterables of catalog rows), ``willing_to_relocate``, ``remote_ok``,
    ``search_status`` and ``visibility``.

    The IIN sets birth date and sex; an empty IIN clears all three. The profile may become
    visible to employers only while consent is in force (``consent_required``).

    Reads ``has_consent`` under a row lock so a concurrent withdrawal cannot leave a visible
    profile without consent. Saves only the given fields, so two requests changing different
    fields do not undo each other.
    """
    _reject_unknown(fields, _PROFILE_FIELDS)
    errors = _FieldErrors()
    changes: dict = {}

    if "full_name" in fields:
        full_name = _clean(User, "full_name", (fields["full_name"] or "").strip(), errors)
        if not full_name:
            errors.add("full_name", _("Enter your full name."))

    if "iin" in fields:
        iin = (fields["iin"] or "").strip()
        changes.update(iin=None, birth_date=None, sex="")
        if iin:
            try:
                info = parse_iin(iin)
            except ValidationError as exc:
                errors.add("iin", *exc.messages)
            else:
                changes.update(iin=iin, birth_date=info.birth_date, sex=info.sex)
                if SeekerProfile.objects.filter(iin=iin).exclude(pk=profile.pk).exists():
                    errors.add("iin", _IIN_TAKEN)

    if "phone" in fields:
        phone = (fields["phone"] or "").strip()
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                errors.add("phone", *exc.messages)
        changes["phone"] = phone

    if "region" in fields:
        region = fields["region"]
        if region is not None and not isinstance(region, Region):
            raise TypeError("region must be a catalog.Region or None")
        changes["region"] = region

    for name in _PROFILE_TEXT_FIELDS:
        if name in fields:
            changes[name] = _clean(SeekerProfile, name, fields[name], errors)

    if "desired_salary" in fields:
        salary = fields["desired_salary"]
        if salary is not None and (isinstance(salary, bool) or not isinstance(salary, int)):
            errors.add("desired_salary", _("Enter a whole number of tenge."))
        elif salary is not None and not 0 <= salary <= MAX_SALARY:
            errors.add(
                "desired_salary",
                _("The desired salary must be between 0 and %(max)s KZT.") % {"max": f"{MAX_SALARY:,}"},
            )
        changes["desired_salary"] = salary

    for name in ("willing_to_relocate", "remote_ok"):
        if name in fields:
            _check_bool(name, fields[name], errors)
            changes[name] = fields[name]

    m2m = {name: list(fields[name]) for name in _PROFILE_M2M_FIELDS if name in fields}
    if "desired_occupations" in m2m:
        _check_unit_groups("desired_occupations", m2m["desired_occupations"], errors)
    errors.raise_if_any()

    with transaction.atomic():
        has_consent = SeekerProfile.objects.select_for_update().values_list("has_consent", flat=True).get(pk=profile.pk)
        if changes.get("visibility") == SeekerProfile.Visibility.VISIBLE and not has_consent:
            raise BusinessError("consent_required", _CONSENT_REQUIRED, fields={"visibility": [str(_CONSENT_REQUIRED)]})

        for name, value in changes.items():
            setattr(profile, name, value)
        profile.has_consent = has_consent
        if changes:
            try:
                # A savepoint, so a lost race on the unique IIN becomes a field error, not a 500.
                with transaction.atomic():
                    profile.save(update_fields=[*changes, "updated_at"])
            except IntegrityError:
                if not changes.get("iin") or not SeekerProfile.objects.filter(iin=changes["iin"]).exists():
                    raise
                raise BusinessError("invalid", INVALID_MESSAGE, fields={"iin": [str(_IIN_TAKEN)]}) from None
        if "full_name" in fields:
            profile.user.full_name = full_name
            profile.user.save(update_fields=["full_name", "updated_at"])
        for name, values in m2m.items():
            getattr(profile, name).set(values)
    return profile


# --- Education ----------------------------------------------------------------------------------

_EDUCATION_FIELDS = frozenset({"level", "institution", "specialty", "graduation_year", "is_current"})


def _validate_education(values: dict) -> None:
    errors = _FieldErrors()
    if not isinstance(values.get("level"), EducationLevel):
        errors.add("level", _("Choose the level of education."))
    values["institution"] = _clean(Education, "institution", (values.get("institution") or "").strip(), errors)
    values["specialty"] = _clean(Education, "specialty", (values.get("specialty") or "").strip(), errors)
    _check_bool("is_current", values.get("is_current", False), errors)
    year = values.get("graduation_year")
    if year is not None:
        latest = timezone.localdate().year + MAX_GRADUATION_YEARS_AHEAD
        if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= latest:
            errors.add(
                "graduation_year",
                _("Enter a graduation year between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": latest},
            )
    errors.raise_if_any()


def seeker_education_add(*, profile: SeekerProfile, **fields) -> Education:
    """Add an education entry: ``level`` (EducationLevel), ``institution``, optional ``specialty``,
    ``graduation_year`` (at most 10 years ahead) and ``is_current`` (still studying)."""
    _reject_unknown(fields, _EDUCATION_FIELDS)
    values = {"specialty": "", "graduation_year": None, "is_current": False, **fields}
    _validate_education(values)
    with transaction.atomic():
        return Education.objects.create(profile=profile, **values)


def seeker_education_update(*, education: Education, **fields) -> Education:
    """Change the given fields of an education entry; the whole entry is checked as ``..._add`` does."""
    _reject_unknown(fields, _EDUCATION_FIELDS)
    values = {name: getattr(education, name) for name in _EDUCATION_FIELDS} | fields
    _validate_education(values)
    with transaction.atomic():
        for name, value in values.items():
            setattr(education, name, value)
        education.save()
    return education


def seeker_education_delete(*, education: Education) -> None:
    with transaction.atomic():
        education.delete()


# --- Work experience ----------------------------------------------------------------------------

_EXPERIENCE_FIELDS = frozenset({"employer_name", "position", "occupation", "start_date", "end_date", "description"})


def _validate_experience(values: dict) -> None:
    errors = _FieldErrors()
    for name in ("employer_name", "position"):
        values[name] = _clean(WorkExperience, name, (values.get(name) or "").strip(), errors)
    values["description"] = _clean(WorkExperience, "description", (values.get("description") or "").strip(), errors)
    occupation = values.get("occupation")
    if occupation is not None:
        _check_unit_groups("occupation", [occupation], errors)

    today = timezone.localdate()
    start, end = values.get("start_date"), values.get("end_date")
    if not isinstance(start, datetime.date):
        errors.add("start_date", _("Enter the date you started."))
        start = None
    elif start > today:
        errors.add("start_date", _("The start date cannot be in the future."))
    if end is not None:
        if not isinstance(end, datetime.date):
            errors.add("end_date", _("Enter a date, or leave it empty while you work there."))
        elif end > today:
            errors.add("end_date", _("The end date cannot be in the future; leave it empty while you work there."))
        elif start is not None and end < start:
            errors.add("end_date", _("The end date cannot be before the start date."))
    errors.raise_if_any()


def seeker_experience_add(*, profile: SeekerProfile, **fields) -> WorkExperience:
    """Add a work experience entry: ``employer_name``, ``position``, optional ``occupation`` (an
    ISCO-08 unit group), ``start_date``, ``end_date`` (None while working there; not before the
    start, neither in the future) and ``description``."""
    _reject_unknown(fields, _EXPERIENCE_FIELDS)
    values = {"occupation": None, "end_date": None, "description": "", **fields}
    _validate_experience(values)
    with transaction.atomic():
        return WorkExperience.objects.create(profile=profile, **values)


def seeker_experience_update(*, experience: WorkExperience, **fields) -> WorkExperience:
    """Change the given fields of a work experience entry; the whole entry is checked again."""
    _reject_unknown(fields, _EXPERIENCE_FIELDS)
    values = {name: getattr(experience, name) for name in _EXPERIENCE_FIELDS} | fields
    _validate_experience(values)
    with transaction.atomic():
        for name, value in values.items():
            setattr(experience, name, value)
        experience.save()
    return experience


def seeker_experience_delete(*, experience: WorkExperience) -> None:
    with transaction.atomic():
        experience.delete()


# --- Languages ----------------------------------------------------------------------------------

_LANGUAGE_FIELDS = frozenset({"language", "level"})
_LANGUAGE_TAKEN = _("This language is already in your profile; change its level instead.")


def _validate_language(values: dict, *, profile: SeekerProfile, exclude_pk: int | None) -> None:
    errors = _FieldErrors()
    code = str(values.get("language") or "").strip().lower()
    values["language"] = code
    if code not in ISO_639_1:
        errors.add("language", _("Choose a language (a two-letter ISO 639-1 code such as kk, ru or en)."))
    elif LanguageSkill.objects.filter(profile=profile, language=code).exclude(pk=exclude_pk).exists():
        errors.add("language", _LANGUAGE_TAKEN)
    values["level"] = _clean(LanguageSkill, "level", values.get("level"), errors)
    errors.raise_if_any()


def _save_language(language: LanguageSkill) -> None:
    try:
        with transaction.atomic():
            language.save()
    except IntegrityError:
        # Two requests added the same language at once; the unique constraint kept one.
        raise BusinessError("invalid", INVALID_MESSAGE, fields={"language": [str(_LANGUAGE_TAKEN)]}) from None


def seeker_language_add(*, profile: SeekerProfile, language: str, level: str) -> LanguageSkill:
    """Add a language (ISO 639-1 code, one entry per language) with its level (A1-C2 or native)."""
    values = {"language": language, "level": level}
    _validate_language(values, profile=profile, exclude_pk=None)
    entry = LanguageSkill(profile=profile, **values)
    _save_language(entry)
    return entry


def seeker_language_update(*, language_skill: LanguageSkill, **fields) -> LanguageSkill:
    """Change the language code or level of an entry; the code stays unique within the profile."""
    _reject_unknown(fields, _LANGUAGE_FIELDS)
    values = {"language": language_skill.language, "level": language_skill.level} | fields
    _validate_language(values, profile=language_skill.profile, exclude_pk=language_skill.pk)
    for name, value in values.items():
        setattr(language_skill, name, value)
    _save_language(language_skill)
    return language_skill


def seeker_language_delete(*, language_skill: LanguageSkill) -> None:
    with transaction.atomic():
        language_skill.delete()
