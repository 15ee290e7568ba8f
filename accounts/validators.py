"""Validators for Kazakhstan's IIN (individuals) and BIN (legal entities).

Both numbers are 12 digits whose last digit is a check digit computed by ``kz_checksum``.
Nothing here touches the database, so the functions are safe in forms, serializers and imports.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# [0-9] rather than \d: \d also matches non-ASCII digits such as Arabic-Indic ones, which int()
# would happily convert and which no official number contains.
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")

_FIRST_PASS_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_PASS_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Digit 7 of an IIN: (first year of the century, sex). 0 marks foreigners / unknown data, which
# cannot yield a birth date, so it is deliberately absent and rejected with the other digits.
_CENTURY_DIGITS = {
    "1": (1800, "male"),
    "2": (1800, "female"),
    "3": (1900, "male"),
    "4": (1900, "female"),
    "5": (2000, "male"),
    "6": (2000, "female"),
}

MALE = "male"
FEMALE = "female"

# Digit 5 of a BIN: 4 resident legal entity, 5 non-resident, 6 individual entrepreneur (joint).
BIN_KINDS = frozenset({4, 5, 6})


@dataclass(frozen=True)
class IinInfo:
    """What an IIN tells about its holder."""

    birth_date: datetime.date
    sex: str  # "male" / "female"


def kz_checksum(digits11: str) -> int | None:
    """Return the check digit for the first 11 digits, or None if no valid number has them."""
    if not isinstance(digits11, str) or not _ELEVEN_DIGITS.fullmatch(digits11):
        raise ValueError("kz_checksum expects a string of exactly 11 ASCII digits")
    digits = [int(c) for c in digits11]
    for weights in (_FIRST_PASS_WEIGHTS, _SECOND_PASS_WEIGHTS):
        remainder = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if remainder != 10:
            return remainder
    # The standard offers no third pass: such prefixes are simply never issued.
    return None


def _checksum_ok(value: str) -> bool:
    return kz_checksum(value[:11]) == int(value[11])


def parse_iin(value: str, *, today: datetime.date | None = None) -> IinInfo:
    """Decode an IIN into birth date and sex, raising ValidationError when it is not valid.

    ``today`` only exists so tests can pin the "birth date in the future" boundary.
    """
    value = str(value).strip()
    if not _TWELVE_DIGITS.fullmatch(value):
        raise ValidationError(_("An IIN must consist of exactly 12 digits."), code="iin_format")

    century = _CENTURY_DIGITS.get(value[6])
    if century is None:
        raise ValidationError(
            _("The 7th digit of an IIN must be from 1 to 6 (century of birth and sex)."),
            code="iin_century",
        )
    century_start, sex = century

    try:
        birth_date = datetime.date(century_start + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise ValidationError(
            _("The first six digits of an IIN must be a real birth date (YYMMDD)."),
            code="iin_date",
        ) from None

    if today is None:
        # The product serves Kazakhstan, so "today" is the local date in settings.TIME_ZONE, not
        # the server's (often UTC) date, which lags behind in the first hours of the day.
        today = timezone.localdate()
    if birth_date > today:
        raise ValidationError(_("The birth date in this IIN is in the future."), code="iin_date_future")

    if not _checksum_ok(value):
        raise ValidationError(
            _("The IIN check digit does not match; please check the number for typos."),
            code="iin_checksum",
        )
    return IinInfo(birth_date=birth_date, sex=sex)


def validate_iin(value: str) -> None:
    """Django field validator for an IIN."""
    parse_iin(value)


def validate_bin(value: str) -> None:
    """Django field validator for a BIN.

    Only the structure every BIN shares is checked: any two digits are a plausible registration
    year, and the meaning of digits 6-11 varies with the kind of entity.
    """
    value = str(value).strip()
    if not _TWELVE_DIGITS.fullmatch(value):
        raise ValidationError(_("A BIN must consist of exactly 12 digits."), code="bin_format")
    if not 1 <= int(value[2:4]) <= 12:
        raise ValidationError(_("Digits 3-4 of a BIN must be the registration month (01-12)."), code="bin_month")
    if int(value[4]) not in BIN_KINDS:
        raise ValidationError(_("The 5th digit of a BIN must be 4, 5 or 6 (type of entity)."), code="bin_type")
    if not _checksum_ok(value):
        raise ValidationError(
            _("The BIN check digit does not match; please check the number for typos."),
            code="bin_checksum",
        )


def mask_iin(value: str) -> str:
    """Hide all but the last six characters, for logs and screens that must not show the IIN."""
    return "*" * 6 + value[-6:]


def _with_check_digit(prefix: str) -> str | None:
    check = kz_checksum(prefix)
    return None if check is None else prefix + str(check)


def make_iin(birth_date: datetime.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN for tests and demo data; None if this serial has no check digit.

    ``serial`` (0-9999) fills digits 8-11; on None the caller should try another serial.
    """
    if sex not in (MALE, FEMALE):
        raise ValueError(f"sex must be {MALE!r} or {FEMALE!r}, not {sex!r}")
    if not 0 <= serial <= 9999:
        raise ValueError(f"serial must be in 0..9999, not {serial}")
    wanted = (birth_date.year // 100 * 100, sex)
    century_digit = next((digit for digit, meaning in _CENTURY_DIGITS.items() if meaning == wanted), None)
    if century_digit is None:
        raise ValueError(f"IINs cannot encode a birth year of {birth_date.year}")
    prefix = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    return _with_check_digit(prefix)


def make_bin(year: int, month: int, kind: int, serial: int) -> str | None:
    """Build a valid BIN for tests and demo data; None if this serial has no check digit.

    ``year`` is the registration year (only its last two digits are kept), ``kind`` is 4, 5
    or 6 and ``serial`` (0-999999) fills digits 6-11.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be in 1..12, not {month}")
    if kind not in BIN_KINDS:
        raise ValueError(f"kind must be one of {sorted(BIN_KINDS)}, not {kind}")
    if not 0 <= serial <= 999999:
        raise ValueError(f"serial must be in 0..999999, not {serial}")
    prefix = f"{year % 100:02d}{month:02d}{kind}{serial:06d}"
    return _with_check_digit(prefix)
