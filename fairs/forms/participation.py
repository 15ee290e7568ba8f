"""Forms of the employers' fair pages: taking part, deciding, fair vacancies, slots, screening.

They check the shape of the input only (a number is a number, a date a date); the rules (ranges,
who may, in which state) are the services', whose errors the views show in the same forms, so a
page says exactly what the API says.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fairs.models import FairVacancy, InterviewSlot, Participation
from fairs.services.participation import (
    MEETING_LINK_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SCREENING_QUESTION_MAX_LENGTH,
    SCREENING_QUESTIONS_MAX,
    SLOT_CAPACITY_MAX,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
)
from vacancies.models import Application, Vacancy

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ParticipationApplyForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the organizers"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Say what you will offer at the fair: jobs, regions, how many people you hire."),
    )


class DecisionForm(forms.Form):
    APPROVE = "approve"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when declining: the employer will see it."),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class FairVacancyForm(forms.Form):
    """Offer a vacancy at the fair (``vacancies`` given) or change an offered one (without it)."""

    vacancy = forms.ModelChoiceField(label=_("Vacancy"), queryset=Vacancy.objects.none(), empty_label=None)
    positions_offered = forms.IntegerField(
        label=_("Positions offered at the fair"),
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("How many people you will hire through the fair, at most the vacancy's positions not yet filled."),
    )
    screening_questions = forms.CharField(
        label=_("Screening questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": SCREENING_QUESTIONS_MAX}),
        help_text=_(
            "Optional. One question per line, at most %(count)d, each up to %(length)d characters. "
            "Job seekers answer them when they apply."
        )
        % {"count": SCREENING_QUESTIONS_MAX, "length": SCREENING_QUESTION_MAX_LENGTH},
    )

    def __init__(self, *args, vacancies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vacancies is None:
            del self.fields["vacancy"]
        else:
            self.fields["vacancy"].queryset = vacancies
            self.fields["vacancy"].label_from_instance = lambda vacancy: _(
                "%(title)s (%(open)d of %(positions)d positions open)"
            ) % {"title": vacancy.title, "open": vacancy.positions_open, "positions": vacancy.positions}

    @classmethod
    def for_fair_vacancy(cls, fair_vacancy: FairVacancy, data=None) -> FairVacancyForm:
        initial = {
            "positions_offered": fair_vacancy.positions_offered,
            "screening_questions": "\n".join(fair_vacancy.screening_questions or []),
        }
        return cls(data, initial=initial)

    def clean_screening_questions(self) -> list[str]:
        return self.cleaned_data["screening_questions"].splitlines()


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("In Astana time, between the start of the fair and the publication of its results."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"),
        initial=30,
        widget=forms.NumberInput(attrs={"min": SLOT_MINUTES_MIN, "max": SLOT_MINUTES_MAX, "step": 5}),
    )
    meeting_link = forms.CharField(
        label=_("Online meeting link"),
        max_length=MEETING_LINK_MAX_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Candidates who book the slot see it."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "max": SLOT_CAPACITY_MAX}),
        help_text=_("1 for a one-to-one interview, more for a group session."),
    )
    fair_vacancy = forms.ModelChoiceField(
        label=_("For the vacancy"),
        queryset=FairVacancy.objects.none(),
        required=False,
        empty_label=_("Any of our vacancies at the fair"),
    )

    def __init__(self, *args, fair_vacancies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fair_vacancies is not None:
            self.fields["fair_vacancy"].queryset = fair_vacancies
        self.fields["fair_vacancy"].label_from_instance = lambda fair_vacancy: fair_vacancy.vacancy.title


class BookForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("Interview slot"), queryset=InterviewSlot.objects.none(), empty_label=None)

    def __init__(self, *args, slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = InterviewSlot.objects.filter(pk__in=[slot.pk for slot in slots or []])


class ScreeningFilterForm(forms.Form):
    vacancy = forms.ModelChoiceField(
        label=_("Vacancy"), queryset=FairVacancy.objects.none(), required=False, empty_label=_("All vacancies")
    )
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *Application.Status.choices]
    )

    def __init__(self, *args, fair_vacancies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fair_vacancies is not None:
            self.fields["vacancy"].queryset = fair_vacancies
        self.fields["vacancy"].label_from_instance = lambda fair_vacancy: fair_vacancy.vacancy.title


class ParticipantsFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *Participation.Status.choices]
    )
