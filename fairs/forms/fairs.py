"""The fair form of the create and edit pages. It parses input only: the rules live in
``fairs.services.fairs``, whose ``BusinessError`` messages ``add_business_error`` puts next to the
fields they concern (the field names are the service's)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from accounts.selectors.access import acting_region_ids
from catalog.models import Region
from exchange.errors import BusinessError
from fairs.models import Fair

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _label(name: str):
    return Fair._meta.get_field(name).verbose_name


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrganizationByBinField(forms.CharField):
    """The employer of a single-employer fair, entered by its BIN (there are far too many
    organizations for a list)."""

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.bin
        return value

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        organization = Organization.objects.filter(bin=value).first()
        if organization is None:
            raise forms.ValidationError(_("No employer with this BIN is registered on the exchange."))
        return organization


def _datetime_field(name: str, *, required: bool = True, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_label(name),
        required=required,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class FairForm(forms.Form):
    title = forms.CharField(label=_label("title"), max_length=200)
    description = forms.CharField(label=_label("description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(label=_label("kind"), choices=Fair.Kind.choices, widget=forms.RadioSelect)
    region = RegionChoiceField(
        label=_("Organizing region"),
        queryset=Region.objects.order_by("position", "code"),
        required=False,
        help_text=_("For a regional fair: the region whose employment centres run it."),
    )
    organization = OrganizationByBinField(
        label=_("Employer's BIN"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 12, "inputmode": "numeric"}),
        help_text=_("For a single-employer fair: the 12-digit BIN of the employer."),
    )
    audience_regions = RegionMultipleChoiceField(
        label=_label("audience_regions"),
        queryset=Region.objects.order_by("position", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to admit job seekers from the whole country."),
    )
    max_age = forms.IntegerField(
        label=_label("max_age"),
        required=False,
        help_text=_("Job seekers must be under this age on the first day. Leave empty for no limit."),
    )
    graduates_only = forms.BooleanField(label=_label("graduates_only"), required=False)
    registration_opens_at = _datetime_field("registration_opens_at")
    starts_at = _datetime_field("starts_at")
    ends_at = _datetime_field("ends_at")
    results_at = _datetime_field(
        "results_at", required=False, help_text=_("Leave empty to publish the results a week after the end.")
    )

    def __init__(self, *args, user: User, frozen: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_administrator:
            # Centre staff organize regional fairs of their own region (the service says so too).
            self.fields["kind"].choices = [(Fair.Kind.REGIONAL, Fair.Kind.REGIONAL.label)]
            self.fields["kind"].initial = Fair.Kind.REGIONAL
            self.fields["region"].queryset = Region.objects.filter(pk__in=acting_region_ids(user) or ())
            self.fields["region"].empty_label = None
            del self.fields["organization"]
        for name in frozen:
            if name in self.fields:
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, fair: Fair) -> dict:
        initial = {name: getattr(fair, name) for name in cls.base_fields if name != "audience_regions"}
        initial["audience_regions"] = list(fair.audience_regions.all())
        return initial

    def clean(self):
        cleaned = super().clean()
        # The page shows times to the minute (and Django drops the microseconds of a locked
        # field): a time that comes back unchanged keeps its exact value.
        for name in ("registration_opens_at", "starts_at", "ends_at", "results_at"):
            old, new = self.initial.get(name), cleaned.get(name)
            if not isinstance(old, datetime.datetime) or new is None:
                continue
            if self.fields[name].disabled or old.replace(second=0, microsecond=0) == new:
                cleaned[name] = old
        return cleaned

    def fields_for_service(self) -> dict:
        values = dict(self.cleaned_data)
        values["audience_regions"] = list(values.get("audience_regions") or [])
        return values


def add_business_error(form: forms.Form, error: BusinessError) -> None:
    """Show a service's refusal in the form: each message next to its field, the general message
    at the top when no field matched."""
    placed = False
    for field, messages in (error.fields or {}).items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
