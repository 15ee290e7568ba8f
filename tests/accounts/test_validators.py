"""Tests for the IIN / BIN validators (pure functions, no database)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from accounts.validators import (
    IinInfo,
    kz_checksum,
    make_bin,
    make_iin,
    mask_iin,
    parse_iin,
    validate_bin,
    validate_iin,
)

# Check digits below were worked out by hand so the tests do not just replay the implementation.
# Pass 1 weights are 1..11; when its remainder is 10, pass 2 uses 3,4,5,6,7,8,9,10,11,1,2.
#
# 900515301234 (man born 1990-05-15, serial 0123):
#   9*1 + 0*2 + 0*3 + 5*4 + 1*5 + 5*6 + 3*7 + 0*8 + 1*9 + 2*10 + 3*11
#   = 9 + 0 + 0 + 20 + 5 + 30 + 21 + 0 + 9 + 20 + 33 = 147; 147 mod 11 = 4 -> check digit 4.
MALE_1990 = "900515301234"
# 040229600011 (woman born 2004-02-29, a leap day, serial 0001):
#   0 + 8 + 0 + 8 + 10 + 54 + 42 + 0 + 0 + 0 + 11 = 133; 133 mod 11 = 1 -> check digit 1.
FEMALE_2004_LEAP_DAY = "040229600011"
# 000229500018 (man born 2000-02-29; 2000 is a leap year although 1900 is not):
#   0 + 0 + 0 + 8 + 10 + 54 + 35 + 0 + 0 + 0 + 11 = 118; 118 mod 11 = 8 -> check digit 8.
MALE_2000_LEAP_DAY = "000229500018"
# 991231200007 (woman born 1899-12-31, serial 0000):
#   9 + 18 + 3 + 8 + 15 + 6 + 14 + 0 + 0 + 0 + 0 = 73; 73 mod 11 = 7 -> check digit 7.
FEMALE_1899 = "991231200007"
# 900515300908 (man born 1990-05-15, serial 0090) needs the second pass:
#   pass 1: 9 + 0 + 0 + 20 + 5 + 30 + 21 + 0 + 0 + 90 + 0 = 175; 175 mod 11 = 10 -> pass 2
#   pass 2: 9*3 + 0*4 + 0*5 + 5*6 + 1*7 + 5*8 + 3*9 + 0*10 + 0*11 + 9*1 + 0*2
#         = 27 + 0 + 0 + 30 + 7 + 40 + 27 + 0 + 0 + 9 + 0 = 140; 140 mod 11 = 8 -> check digit 8.
MALE_1990_SECOND_PASS = "900515300908"
# 90051530091 (serial 0091) has no check digit at all:
#   pass 1: 175 + 1*11 = 186; 186 mod 11 = 10.  pass 2: 140 + 1*2 = 142; 142 mod 11 = 10.
IMPOSSIBLE_IIN_PREFIX = "90051530091"

# 150340012340 (resident legal entity registered 2015-03, serial 001234):
#   1 + 10 + 0 + 12 + 20 + 0 + 0 + 8 + 18 + 30 + 44 = 143; 143 mod 11 = 0 -> check digit 0.
BIN_2015 = "150340012340"
# 150340000003 (serial 000000) needs the second pass:
#   pass 1: 1 + 10 + 0 + 12 + 20 + 0 + ... + 0 = 43; 43 mod 11 = 10 -> pass 2
#   pass 2: 1*3 + 5*4 + 0*5 + 3*6 + 4*7 + 0 + ... + 0 = 3 + 20 + 0 + 18 + 28 = 69;
#   69 mod 11 = 3 -> check digit 3.
BIN_2015_SECOND_PASS = "150340000003"


# Non-ASCII digits, built from code points so the source stays free of look-alike characters.
_FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))
_ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))


def _code(exc_info: pytest.ExceptionInfo[ValidationError]) -> str:
    return exc_info.value.code


def _with_check_digit(prefix: str) -> str:
    """Complete a prefix so only the part a test is about is wrong, whatever the check order."""
    check = kz_checksum(prefix)
    assert check is not None, f"pick another prefix than {prefix}"
    return prefix + str(check)


def _replace_digit(value: str, index: int, digit: str) -> str:
    return value[:index] + digit + value[index + 1 :]


def _first_pass_remainder(digits11: str) -> int:
    # Only used to restrict a property to the cases where it is mathematically true (see the
    # single-digit-change tests); it never produces the expected answer of an assertion.
    return sum(weight * int(d) for weight, d in zip(range(1, 12), digits11, strict=True)) % 11


# --- kz_checksum ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (MALE_1990[:11], 4),
        (FEMALE_2004_LEAP_DAY[:11], 1),
        (MALE_1990_SECOND_PASS[:11], 8),
        (BIN_2015[:11], 0),
        (BIN_2015_SECOND_PASS[:11], 3),
    ],
)
def test_checksum_matches_hand_computed_check_digits(prefix, expected):
    assert kz_checksum(prefix) == expected


def test_checksum_is_none_when_both_passes_leave_remainder_ten():
    assert kz_checksum(IMPOSSIBLE_IIN_PREFIX) is None


@pytest.mark.parametrize("bad", ["", "1234567890", "123456789012", "1234567890a", "12345678901".translate(_FULLWIDTH)])
def test_checksum_refuses_anything_but_eleven_ascii_digits(bad):
    with pytest.raises(ValueError):
        kz_checksum(bad)


# --- parse_iin / validate_iin: valid numbers -----------------------------------------------


@pytest.mark.parametrize(
    ("iin", "birth_date", "sex"),
    [
        (MALE_1990, datetime.date(1990, 5, 15), "male"),
        (FEMALE_2004_LEAP_DAY, datetime.date(2004, 2, 29), "female"),
        (MALE_2000_LEAP_DAY, datetime.date(2000, 2, 29), "male"),
        (FEMALE_1899, datetime.date(1899, 12, 31), "female"),
        (MALE_1990_SECOND_PASS, datetime.date(1990, 5, 15), "male"),
    ],
)
def test_valid_iin_is_decoded_into_birth_date_and_sex(iin, birth_date, sex):
    assert parse_iin(iin) == IinInfo(birth_date=birth_date, sex=sex)
    assert validate_iin(iin) is None


def test_iin_with_surrounding_whitespace_is_accepted():
    assert parse_iin(f"  {MALE_1990}\n").birth_date == datetime.date(1990, 5, 15)


def test_iin_born_today_is_accepted():
    assert parse_iin(FEMALE_2004_LEAP_DAY, today=datetime.date(2004, 2, 29)).sex == "female"


# --- parse_iin / validate_iin: invalid numbers ---------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "",
        MALE_1990[:11],  # 11 digits
        MALE_1990 + "0",  # 13 digits
        "90051530123A",
        "9005153O1234",  # letter O instead of zero
        "900515 301234",
        "900515-301234",
        MALE_1990.translate(_FULLWIDTH),
        MALE_1990.translate(_ARABIC_INDIC),  # str.isdigit() and int() accept these
        None,
    ],
)
def test_iin_that_is_not_exactly_twelve_digits_is_rejected(bad):
    with pytest.raises(ValidationError) as exc_info:
        validate_iin(bad)
    assert _code(exc_info) == "iin_format"


@pytest.mark.parametrize("century_digit", ["0", "7", "8", "9"])
def test_iin_with_unknown_century_digit_is_rejected(century_digit):
    iin = _with_check_digit(f"900515{century_digit}0124")
    with pytest.raises(ValidationError) as exc_info:
        parse_iin(iin)
    assert _code(exc_info) == "iin_century"


@pytest.mark.parametrize(
    "date_digits",
    [
        "901315",  # month 13
        "900015",  # month 00
        "900500",  # day 00
        "900532",  # May 32
        "900230",  # Feb 30
        "910229",  # 1991 is not a leap year
        "000229",  # with century digit 3 this is 1900-02-29, and 1900 is not a leap year
    ],
)
def test_iin_with_impossible_birth_date_is_rejected(date_digits):
    iin = _with_check_digit(f"{date_digits}30124")
    with pytest.raises(ValidationError) as exc_info:
        parse_iin(iin)
    assert _code(exc_info) == "iin_date"


def test_iin_with_birth_date_in_the_future_is_rejected():
    with pytest.raises(ValidationError) as exc_info:
        parse_iin(FEMALE_2004_LEAP_DAY, today=datetime.date(2004, 2, 28))
    assert _code(exc_info) == "iin_date_future"


def test_iin_with_birth_date_in_the_future_is_rejected_against_the_real_today():
    # 2099-12-31, the last date an IIN can encode.
    with pytest.raises(ValidationError) as exc_info:
        validate_iin(_with_check_digit("99123160001"))
    assert _code(exc_info) == "iin_date_future"


@pytest.mark.parametrize("wrong_check_digit", ["0", "1", "3", "5", "9"])
def test_iin_with_wrong_check_digit_is_rejected(wrong_check_digit):
    with pytest.raises(ValidationError) as exc_info:
        validate_iin(MALE_1990[:11] + wrong_check_digit)
    assert _code(exc_info) == "iin_checksum"


def test_iin_whose_prefix_has_no_check_digit_is_rejected_whatever_its_last_digit():
    for last in "0123456789":
        with pytest.raises(ValidationError) as exc_info:
            validate_iin(IMPOSSIBLE_IIN_PREFIX + last)
        assert _code(exc_info) == "iin_checksum"


def test_validation_messages_are_readable_text():
    with pytest.raises(ValidationError) as exc_info:
        validate_iin("123")
    assert "12 digits" in exc_info.value.messages[0]


# --- what the checksum can and cannot catch --------------------------------------------------


def test_checksum_cannot_catch_a_change_in_the_eleventh_digit_when_pass_one_applies():
    # Pass 1 gives digit 11 the weight 11, which is 0 mod 11, so the official algorithm ignores
    # that digit unless pass 2 is needed. Pinned here so nobody "fixes" it and rejects real IINs.
    changed = _replace_digit(MALE_1990, 10, "7")  # 900515301274
    assert parse_iin(changed) == parse_iin(MALE_1990)


def test_checksum_can_miss_a_single_digit_change_that_switches_between_passes():
    # 900516301234: pass 1 = 147 + 1*6 = 153, 153 mod 11 = 10, so pass 2 decides:
    # 27 + 0 + 0 + 30 + 7 + 48 + 27 + 0 + 11 + 2 + 6 = 158, 158 mod 11 = 4, the same check digit
    # as MALE_1990. Only the birth date differs, which is why the property tests exclude this.
    changed = _replace_digit(MALE_1990, 5, "6")
    assert parse_iin(changed).birth_date == datetime.date(1990, 5, 16)


# --- mask_iin -----------------------------------------------------------------------------


def test_mask_iin_shows_six_asterisks_and_the_last_six_digits():
    assert mask_iin(MALE_1990) == "******301234"
    assert MALE_1990[:6] not in mask_iin(MALE_1990)


# --- make_iin -----------------------------------------------------------------------------


def test_make_iin_builds_the_hand_computed_examples():
    assert make_iin(datetime.date(1990, 5, 15), "male", 123) == MALE_1990
    assert make_iin(datetime.date(2004, 2, 29), "female", 1) == FEMALE_2004_LEAP_DAY
    assert make_iin(datetime.date(1899, 12, 31), "female", 0) == FEMALE_1899
    assert make_iin(datetime.date(1990, 5, 15), "male", 90) == MALE_1990_SECOND_PASS


def test_make_iin_returns_none_when_the_serial_has_no_check_digit():
    assert make_iin(datetime.date(1990, 5, 15), "male", 91) is None


@pytest.mark.parametrize(
    ("birth_date", "sex", "serial"),
    [
        (datetime.date(1799, 12, 31), "male", 1),
        (datetime.date(2100, 1, 1), "male", 1),
        (datetime.date(1990, 1, 1), "other", 1),
        (datetime.date(1990, 1, 1), "male", -1),
        (datetime.date(1990, 1, 1), "male", 10000),
    ],
)
def test_make_iin_refuses_arguments_an_iin_cannot_encode(birth_date, sex, serial):
    with pytest.raises(ValueError):
        make_iin(birth_date, sex, serial)


# --- validate_bin -------------------------------------------------------------------------


@pytest.mark.parametrize("bin_", [BIN_2015, BIN_2015_SECOND_PASS, f" {BIN_2015} "])
def test_valid_bin_is_accepted(bin_):
    assert validate_bin(bin_) is None


@pytest.mark.parametrize(
    "bad", ["", BIN_2015[:11], BIN_2015 + "0", "15034001234O", "1503 40012340", BIN_2015.translate(_ARABIC_INDIC)]
)
def test_bin_that_is_not_exactly_twelve_digits_is_rejected(bad):
    with pytest.raises(ValidationError) as exc_info:
        validate_bin(bad)
    assert _code(exc_info) == "bin_format"


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_bin_with_impossible_registration_month_is_rejected(month):
    with pytest.raises(ValidationError) as exc_info:
        validate_bin(_with_check_digit(f"15{month}4001234"))
    assert _code(exc_info) == "bin_month"


@pytest.mark.parametrize("kind", ["0", "1", "2", "3", "7", "8", "9"])
def test_bin_with_unknown_entity_type_is_rejected(kind):
    with pytest.raises(ValidationError) as exc_info:
        validate_bin(_with_check_digit(f"1503{kind}001234"))
    assert _code(exc_info) == "bin_type"


@pytest.mark.parametrize("wrong_check_digit", ["1", "2", "4", "9"])
def test_bin_with_wrong_check_digit_is_rejected(wrong_check_digit):
    with pytest.raises(ValidationError) as exc_info:
        validate_bin(BIN_2015[:11] + wrong_check_digit)
    assert _code(exc_info) == "bin_checksum"


def test_make_bin_builds_the_hand_computed_examples():
    assert make_bin(2015, 3, 4, 1234) == BIN_2015
    assert make_bin(2015, 3, 4, 0) == BIN_2015_SECOND_PASS


@pytest.mark.parametrize(("month", "kind", "serial"), [(0, 4, 1), (13, 4, 1), (3, 3, 1), (3, 4, -1), (3, 4, 10**6)])
def test_make_bin_refuses_arguments_a_bin_cannot_encode(month, kind, serial):
    with pytest.raises(ValueError):
        make_bin(2015, month, kind, serial)


# --- properties ---------------------------------------------------------------------------
#
# Why the single-digit property is restricted: within one pass, changing digit i by a non-zero
# delta (|delta| <= 9) shifts the weighted sum by weight_i * delta, and 11 is prime, so the
# remainder changes whenever weight_i is not 0 mod 11. Pass 1 weights for digits 1-10 are 1-10,
# so a change there always moves the pass-1 remainder; digit 11's weight is 11 = 0 mod 11, so it
# is never caught by pass 1 (see the test above). A change can also move the number from pass 1
# to pass 2 or back, and then the new check digit may coincide with the old one. So the
# property only claims detection for digits 1-10 when neither number's pass-1 remainder is 10.

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)

birth_dates = st.dates(min_value=datetime.date(1800, 1, 1), max_value=YESTERDAY)
sexes = st.sampled_from(["male", "female"])
iin_serials = st.integers(min_value=0, max_value=9999)
bin_serials = st.integers(min_value=0, max_value=999999)
other_digit_offsets = st.integers(min_value=1, max_value=9)


def _shift_digit(value: str, index: int, offset: int) -> str:
    return _replace_digit(value, index, str((int(value[index]) + offset) % 10))


@given(birth_date=birth_dates, sex=sexes, serial=iin_serials)
def test_every_iin_make_iin_builds_is_valid_and_decodes_back(birth_date, sex, serial):
    iin = make_iin(birth_date, sex, serial)
    if iin is None:
        # None must mean "no check digit exists", not "gave up": every candidate is rejected.
        century_digit = {18: 1, 19: 3, 20: 5}[birth_date.year // 100] + (sex == "female")
        prefix = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
        for last in "0123456789":
            with pytest.raises(ValidationError):
                validate_iin(prefix + last)
        return
    assert validate_iin(iin) is None
    assert parse_iin(iin) == IinInfo(birth_date=birth_date, sex=sex)
    assert iin[7:11] == f"{serial:04d}"


@given(birth_date=birth_dates, sex=sexes, serial=iin_serials, offset=other_digit_offsets)
def test_iin_with_any_other_last_digit_is_rejected(birth_date, sex, serial, offset):
    iin = make_iin(birth_date, sex, serial)
    assume(iin is not None)
    with pytest.raises(ValidationError) as exc_info:
        validate_iin(_shift_digit(iin, 11, offset))
    assert _code(exc_info) == "iin_checksum"


@given(
    birth_date=birth_dates,
    sex=sexes,
    serial=iin_serials,
    index=st.integers(min_value=0, max_value=9),
    offset=other_digit_offsets,
)
def test_iin_with_one_of_its_first_ten_digits_changed_fails_the_checksum(birth_date, sex, serial, index, offset):
    iin = make_iin(birth_date, sex, serial)
    assume(iin is not None)
    changed = _shift_digit(iin, index, offset)
    assume(_first_pass_remainder(iin[:11]) != 10 and _first_pass_remainder(changed[:11]) != 10)
    assert kz_checksum(changed[:11]) != int(iin[11])
    with pytest.raises(ValidationError):
        validate_iin(changed)


@given(
    year=st.integers(min_value=1990, max_value=2099),
    month=st.integers(min_value=1, max_value=12),
    kind=st.sampled_from([4, 5, 6]),
    serial=bin_serials,
)
def test_every_bin_make_bin_builds_is_valid(year, month, kind, serial):
    bin_ = make_bin(year, month, kind, serial)
    assume(bin_ is not None)
    assert validate_bin(bin_) is None
    assert bin_[:5] == f"{year % 100:02d}{month:02d}{kind}"


@given(
    month=st.integers(min_value=1, max_value=12),
    kind=st.sampled_from([4, 5, 6]),
    serial=bin_serials,
    offset=other_digit_offsets,
)
def test_bin_with_any_other_last_digit_is_rejected(month, kind, serial, offset):
    bin_ = make_bin(2015, month, kind, serial)
    assume(bin_ is not None)
    with pytest.raises(ValidationError) as exc_info:
        validate_bin(_shift_digit(bin_, 11, offset))
    assert _code(exc_info) == "bin_checksum"


@given(
    month=st.integers(min_value=1, max_value=12),
    kind=st.sampled_from([4, 5, 6]),
    serial=bin_serials,
    index=st.integers(min_value=0, max_value=9),
    offset=other_digit_offsets,
)
def test_bin_with_one_of_its_first_ten_digits_changed_fails_the_checksum(month, kind, serial, index, offset):
    bin_ = make_bin(2015, month, kind, serial)
    assume(bin_ is not None)
    changed = _shift_digit(bin_, index, offset)
    assume(_first_pass_remainder(bin_[:11]) != 10 and _first_pass_remainder(changed[:11]) != 10)
    assert kz_checksum(changed[:11]) != int(bin_[11])
    with pytest.raises(ValidationError):
        validate_bin(changed)
