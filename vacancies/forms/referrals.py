"""Forms of the referral pages: refer a seeker, and set a region's yearly limit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Region
from vacancies.services.referrals import QUOTA_YEARS


class ReferralSearchForm(forms.Form):
    q = forms.CharField(label=_("Job seeker: name, e-mail or IIN"), required=False, max_length=100)
    vq = forms.CharField(label=_("Vacancy: title or employer"), required=False, max_length=100)
    seeker = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ReferralForm(forms.Form):
    seeker = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    vacancy = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ReferralQuotaForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("position", "code"), to_field_name="code"
    )
    year = forms.IntegerField(label=_("Year"), min_value=QUOTA_YEARS[0], max_value=QUOTA_YEARS[1])
    limit = forms.IntegerField(label=_("Referrals a year"), min_value=0, max_value=10_000_000)
