"""Forms of the vacancy pages. They parse input only: the rules live in the services, whose
``BusinessError`` messages ``add_business_error`` puts next to the fields they concern."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule
from exchange.errors import BusinessError
from vacancies.models import NationalProject, Vacancy, VacancyReport
from vacancies.services.lifecycle import MAX_PROLONG_DAYS, PUBLICATION_DAYS

LANGUAGE_CHOICES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
    ("zh", _("Chinese")),
    ("tr", _("Turkish")),
    ("de", _("German")),
]


def _label(name: str):
    return Vacancy._meta.get_field(name).verbose_name


class CatalogChoiceField(forms.ModelChoiceField):
    """Catalog entries labelled with their name in the page's language."""

    def label_from_instance(self, obj):
        return obj.name


class CatalogMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OccupationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.title}"


class VacancyForm(forms.Form):
    """The employer's vacancy form; field names are the service's, so its errors map one to one."""

    title = forms.CharField(label=_label("title"), max_length=200)
    occupation = OccupationChoiceField(
        label=_label("occupation"),
        queryset=Occupation.objects.filter(level=Occupation.Level.UNIT).order_by("code"),
        help_text=_("The ISCO-08 unit group (four-digit code) closest to the job."),
    )
    description = forms.CharField(label=_label("description"), widget=forms.Textarea(attrs={"rows": 6}))
    duties = forms.CharField(label=_label("duties"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    requirements = forms.CharField(
        label=_label("requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    education_level = CatalogChoiceField(
        label=_label("education_level"), queryset=EducationLevel.objects.order_by("position"), required=False
    )
    experience_years = forms.IntegerField(label=_label("experience_years"), min_value=0, max_value=50, initial=0)
    required_skills = CatalogMultipleChoiceField(
        label=_label("required_skills"),
        queryset=Skill.objects.order_by("name_en"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nice_skills = CatalogMultipleChoiceField(
        label=_label("nice_skills"),
        queryset=Skill.objects.order_by("name_en"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_label("languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    salary_min = forms.IntegerField(label=_label("salary_min"), required=False)
    salary_max = forms.IntegerField(label=_label("salary_max"), required=False)
    salary_is_gross = forms.TypedChoiceField(
        label=_("The salary is"),
        choices=[("1", _("before tax (gross)")), ("0", _("after tax (net)"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    employment_type = CatalogChoiceField(
        label=_label("employment_type"), queryset=EmploymentType.objects.order_by("position")
    )
    schedule = CatalogChoiceField(label=_label("schedule"), queryset=WorkSchedule.objects.order_by("position"))
    region = CatalogChoiceField(label=_label("region"), queryset=Region.objects.order_by("position", "code"))
    locality = forms.CharField(label=_label("locality"), max_length=120, required=False)
    address = forms.CharField(label=_label("address"), max_length=300, required=False)
    is_remote = forms.BooleanField(label=_label("is_remote"), required=False)
    positions = forms.IntegerField(label=_label("positions"), initial=1)
    is_youth_friendly = forms.BooleanField(label=_label("is_youth_friendly"), required=False)
    is_quota = forms.BooleanField(label=_label("is_quota"), required=False)
    has_social_package = forms.BooleanField(label=_label("has_social_package"), required=False)
    national_project = forms.ModelChoiceField(
        label=_label("national_project"),
        queryset=NationalProject.objects.select_related("region").order_by("name"),
        required=False,
        help_text=_(
            "A project your organization implements, or a project of the vacancy's region that has no "
            "implementing employer yet."
        ),
    )
    contact_name = forms.CharField(label=_label("contact_name"), max_length=200, required=False)
    contact_phone = forms.CharField(
        label=_label("contact_phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(label=_label("contact_email"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Keep codes set through the API that the checkboxes do not offer.
        known = {code for code, _name in LANGUAGE_CHOICES}
        extra = [(code, code) for code in self.initial.get("languages") or [] if code not in known]
        self.fields["languages"].choices = LANGUAGE_CHOICES + extra

    @classmethod
    def initial_for(cls, vacancy: Vacancy) -> dict:
        initial = {name: getattr(vacancy, name) for name in cls.base_fields if name not in ("salary_is_gross",)}
        initial["required_skills"] = list(vacancy.required_skills.all())
        initial["nice_skills"] = list(vacancy.nice_skills.all())
        initial["salary_is_gross"] = "1" if vacancy.salary_is_gross else "0"
        return initial


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the employer"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The employer sees this text and can correct the vacancy and submit it again."),
    )


class ProlongForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days from today"), min_value=1, max_value=MAX_PROLONG_DAYS, initial=PUBLICATION_DAYS, required=False
    )

    def clean_days(self):
        return self.cleaned_data["days"] or PUBLICATION_DAYS


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=VacancyReport.Reason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Details (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UpholdForm(forms.Form):
    note = forms.CharField(
        label=_("Reason shown to the employer"),
        max_length=400,
        required=False,
        help_text=_("Leave empty to use the reason given in the report."),
    )


def add_business_error(form: forms.Form, error: BusinessError) -> None:
    """Show a service's refusal in the form: each message next to its field, the rest (and the
    general message when no field matched) at the top."""
    placed = False
    for field, messages in (error.fields or {}).items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
