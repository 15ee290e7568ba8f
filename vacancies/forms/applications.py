"""Forms of the application, CV search and invitation pages.

They check the shape of the input only; the rules (who may, in which state) are the services',
whose errors the views show in the same forms.
"""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from catalog.models import Region, Skill
from vacancies.models import Application
from vacancies.services.applications import COVER_LETTER_MAX_LENGTH, INVITATION_MESSAGE_MAX_LENGTH, REASON_MAX_LENGTH


class ApplicationForm(forms.Form):
    cover_letter = forms.CharField(
        label=_("Cover letter"),
        required=False,
        max_length=COVER_LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Optional. Say why this job suits you; your CV is sent with the application."),
    )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New state"), choices=Application.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting: the job seeker will see it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Application.Status.REJECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the candidate is rejected: the job seeker will see the reason."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CandidatesFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *Application.Status.choices]
    )


class CvSearchForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("position", "code"), to_field_name="code", required=False
    )
    occupation = forms.CharField(
        label=_("Occupation code (ISCO-08)"),
        required=False,
        max_length=4,
        validators=[RegexValidator(r"^[0-9]{1,4}$", _("Enter 1 to 4 digits of an ISCO-08 code."))],
        help_text=_("A whole code or its first digits: 72 finds every metal and machinery trade."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills (all of them)"),
        queryset=Skill.objects.order_by("name_en"),
        to_field_name="code",
        required=False,
    )
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class InvitationForm(forms.Form):
    vacancy = forms.ModelChoiceField(label=_("Vacancy"), queryset=None, empty_label=None)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=INVITATION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies
