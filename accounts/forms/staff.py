"""Forms of the staff pages: rejecting an organization and assigning staff to centres."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import EmploymentCentre, Organization
from accounts.selectors.staff import NO_SUCH_USER, user_get_by_email


class RejectOrganizationForm(forms.Form):
    # Not required here: the service refuses an empty reason with the message the API gives.
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "required": True, "maxlength": Organization._meta.get_field("status_reason").max_length}
        ),
        help_text=_("The employer sees this text. Say what to correct, for example the BIN or the legal name."),
    )


class StaffAssignForm(forms.Form):
    user_email = forms.EmailField(
        label=_("E-mail address of the person"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("The person must already have an account on the exchange."),
    )
    centre = forms.ModelChoiceField(
        label=_("Employment centre"),
        queryset=EmploymentCentre.objects.select_related("region").order_by("region__position", "name"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].label_from_instance = lambda centre: f"{centre.name} ({centre.region.name})"

    def clean_user_email(self):
        self.user = user_get_by_email(email=self.cleaned_data["user_email"])
        if self.user is None:
            raise forms.ValidationError(NO_SUCH_USER)
        return self.cleaned_data["user_email"]
