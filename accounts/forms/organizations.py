"""Forms of the employer pages. They parse input; the services decide what is valid.

Field names match the service and API field names, so a ``BusinessError`` from a service
lands on the right field (``add_business_error``) with the same message the API returns.
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization
from catalog.models import Industry, Region
from exchange.errors import BusinessError


def add_business_error(form: forms.Form, error: BusinessError) -> None:
    """Show a service's error on the form: on its fields where it names them, else on top."""
    if not error.fields:
        form.add_error(None, str(error.message))
        return
    for field, messages in error.fields.items():
        form.add_error(field if field in form.fields else None, list(messages))


class OrganizationForm(forms.Form):
    # No max_length here: the service checks the BIN and gives the same message as the API.
    bin = forms.CharField(
        label=_("BIN"),
        help_text=_("The 12-digit business identification number from the state registration."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12}),
    )
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=300,
        help_text=_("As registered, for example: Astana Build LLP."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("position", "code"), to_field_name="code"
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.order_by("position", "code"), to_field_name="code"
    )
    size = forms.ChoiceField(label=_("Number of employees"), choices=Organization.Size.choices)
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", widget=forms.URLInput(attrs={"autocomplete": "url"})
    )
    description = forms.CharField(
        label=_("About the organization"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you do and what it is like to work with you. Shown on your public page."),
    )
    # A plain file field: the service checks the image (type by content, size) for the form and
    # the API alike.
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    @classmethod
    def for_organization(cls, organization: Organization, *args, **kwargs) -> OrganizationForm:
        initial = {
            "bin": organization.bin,
            "legal_name": organization.legal_name,
            "region": organization.region,
            "industry": organization.industry,
            "size": organization.size,
            "website": organization.website,
            "description": organization.description,
            "logo": organization.logo or None,
        }
        return cls(*args, initial=initial, **kwargs)

    def service_data(self, *, only_changed: bool = False) -> dict:
        """The cleaned values as the services take them: catalog codes, and for ``logo`` a new
        file, None to remove it (the "clear" box), or nothing when it stays as it is.
        """
        data = {name: value for name, value in self.cleaned_data.items() if name != "logo"}
        data["region"] = data["region"].code
        data["industry"] = data["industry"].code
        if only_changed:
            data = {name: value for name, value in data.items() if name in self.changed_data}
        logo = self.cleaned_data.get("logo")
        if logo is False:
            data["logo"] = None
        elif isinstance(logo, UploadedFile):
            data["logo"] = logo
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("They accept the invitation after logging in to an employer account with this address."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.RECRUITER,
        help_text=_("Owners manage the organization and its members; recruiters work with vacancies."),
    )
