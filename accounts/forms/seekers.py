"""Forms of the job seeker's pages: the steps of the profile wizard, consent and account deletion.

The forms only turn what was typed into Python values (codes into catalog rows, text into
dates); the rules (IIN, phone, unit groups, dates in the past...) live in the services, whose
``BusinessError`` fields the views attach to these forms with ``add_business_error``. Field names
are the services' keyword names, so ``form.cleaned_data`` is passed on as it is.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import LanguageSkill, SeekerProfile
from accounts.selectors.seekers import language_name
from accounts.services.seekers import ISO_639_1
from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError

# The <datalist> the occupation inputs share; templates/accounts/seeker/_occupations_datalist.html.
OCCUPATION_DATALIST_ID = "isco-unit-groups"
_LEADING_CODE = re.compile(r"\s*([0-9]{1,4})(?:\s|$)")
# Shown first in the language list: the languages most seekers in Kazakhstan list.
_COMMON_LANGUAGES = ("kk", "ru", "en")


def add_business_error(form: forms.Form, error: BusinessError) -> None:
    """Show a service's error in the form: by field where the form has the field, else on top."""
    for field, messages in error.fields.items():
        form.add_error(field if field in form.fields else None, messages)
    if not error.fields:
        form.add_error(None, error.message)


def occupation_label(occupation: Occupation) -> str:
    return f"{occupation.code} {occupation.title}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OccupationField(forms.Field):
    """An ISCO-08 group typed or picked from the datalist as "2512 Software developers".

    The datalist option's text starts with the code, so the browser filters on words of the
    title and the code alike; only the leading code is read.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Choose an occupation from the list; it starts with its ISCO-08 code, e.g. 2512."),
        "unknown": _("There is no ISCO-08 group with the code %(code)s."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update(list=OCCUPATION_DATALIST_ID, autocomplete="off")

    def prepare_value(self, value):
        return occupation_label(value) if isinstance(value, Occupation) else value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        match = _LEADING_CODE.match(text)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        occupation = Occupation.objects.filter(code=match.group(1)).first()
        if occupation is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"code": match.group(1)})
        return occupation


class OccupationsWidget(forms.MultiWidget):
    template_name = "accounts/seeker/widgets/occupations.html"

    def __init__(self, count: int):
        widgets = [
            forms.TextInput(
                attrs={
                    "list": OCCUPATION_DATALIST_ID,
                    "autocomplete": "off",
                    "aria-label": format_lazy(_("Desired occupation {number}"), number=i + 1),
                }
            )
            for i in range(count)
        ]
        super().__init__(widgets)

    def decompress(self, value):
        labels = [occupation_label(o) if isinstance(o, Occupation) else o for o in (value or [])]
        return labels + [""] * (len(self.widgets) - len(labels))


class OccupationsField(forms.MultiValueField):
    """Several desired occupations, one input each; empty inputs are ignored."""

    def __init__(self, count: int, **kwargs):
        fields = [OccupationField(required=False) for _i in range(count)]
        super().__init__(fields, widget=OccupationsWidget(count), require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        chosen = []
        for occupation in data_list or []:
            if occupation is not None and occupation not in chosen:
                chosen.append(occupation)
        return chosen


# --- Wizard steps -------------------------------------------------------------------------------


class PersonalForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, widget=forms.TextInput({"autocomplete": "name"}))
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=20,
        help_text=_("Your 12-digit individual identification number. Employers only ever see its last six digits."),
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        help_text=_("For example +7 701 123 45 67."),
        widget=forms.TextInput({"type": "tel", "autocomplete": "tel"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("position", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose a region"),
    )
    locality = forms.CharField(
        label=_("City, town or village"),
        required=False,
        max_length=120,
        widget=forms.TextInput({"autocomplete": "address-level2"}),
    )


class EducationForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("Level"),
        queryset=EducationLevel.objects.order_by("position"),
        to_field_name="code",
        empty_label=_("Choose a level"),
    )
    institution = forms.CharField(label=_("School, college or university"), max_length=200)
    specialty = forms.CharField(label=_("Specialty"), max_length=200, required=False)
    graduation_year = forms.IntegerField(
        label=_("Graduation year"),
        required=False,
        help_text=_("If you are still studying, the year you expect to graduate."),
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    is_current = forms.BooleanField(label=_("I am still studying here"), required=False)


class ExperienceForm(forms.Form):
    employer_name = forms.CharField(label=_("Employer"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200)
    occupation = OccupationField(
        label=_("Occupation (ISCO-08)"),
        required=False,
        help_text=_("Start typing the occupation or its code and pick it from the list."),
    )
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), help_text=_("Empty while you work there.")
    )
    description = forms.CharField(label=_("What you did"), required=False, widget=forms.Textarea({"rows": 4}))


class SkillsForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("One line employers see first, e.g. \u201cWelder with 5 years of experience\u201d."),
    )
    about = forms.CharField(label=_("About me"), required=False, widget=forms.Textarea({"rows": 5}))
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.order_by("name_en"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_skills = forms.CharField(
        label=_("Other skills"),
        max_length=500,
        required=False,
        help_text=_("Skills not in the list, separated by commas."),
    )


def language_choices() -> list[tuple[str, str]]:
    """Kazakh, Russian and English first, then every language Django can name, by name."""
    named = sorted(
        ((code, str(language_name(code))) for code in ISO_639_1 if language_name(code) != code),
        key=lambda choice: choice[1].lower(),
    )
    common = [choice for code in _COMMON_LANGUAGES for choice in named if choice[0] == code]
    return [("", _("Choose a language")), *common, *(c for c in named if c[0] not in _COMMON_LANGUAGES)]


def _language_level_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("Choose a level")), *LanguageSkill.Level.choices],
        help_text=_("A1-A2 basic, B1-B2 independent, C1-C2 proficient (CEFR)."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    level = _language_level_field()


class LanguageLevelForm(forms.Form):
    """Editing a language entry: the language stays, the level changes."""

    level = _language_level_field()


class PreferencesForm(forms.Form):
    desired_salary = forms.IntegerField(
        label=_("Desired salary, KZT per month"),
        required=False,
        widget=forms.NumberInput({"inputmode": "numeric", "step": 1000}),
    )
    employment_types = forms.ModelMultipleChoiceField(
        label=_("Acceptable employment types"),
        queryset=EmploymentType.objects.order_by("position"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    schedules = forms.ModelMultipleChoiceField(
        label=_("Acceptable schedules"),
        queryset=WorkSchedule.objects.order_by("position"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    willing_to_relocate = forms.BooleanField(label=_("I am willing to move to another city"), required=False)
    remote_ok = forms.BooleanField(label=_("Remote work suits me"), required=False)
    search_status = forms.ChoiceField(
        label=_("Job search"), choices=SeekerProfile.SearchStatus.choices, widget=forms.RadioSelect
    )

    # Five inputs, or one more than the occupations already chosen (the API allows more).
    MIN_OCCUPATION_INPUTS = 5

    def __init__(self, *args, occupation_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        count = max(self.MIN_OCCUPATION_INPUTS, occupation_count + 1)
        self.fields = {
            "desired_occupations": OccupationsField(
                count,
                label=_("Desired occupations"),
                help_text=_("Start typing an occupation or its ISCO-08 code and pick it from the list."),
            ),
            **self.fields,
        }


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the text above and agree to the processing of my personal data"), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who can see my profile"), choices=SeekerProfile.Visibility.choices, widget=forms.RadioSelect
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )
