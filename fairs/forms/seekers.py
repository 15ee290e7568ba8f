"""Forms of the seekers' fair pages. They check the shape of the input only; the rules are the
services', whose errors the views show in the same forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fairs.services.seekers import ANSWER_MAX_LENGTH
from vacancies.services.applications import COVER_LETTER_MAX_LENGTH


def answer_field_name(index: int) -> str:
    return f"answer_{index}"


class FairApplyForm(forms.Form):
    """The cover letter and one answer field per screening question (``answer_0``, ``answer_1``...).

    Answers are not required here on purpose: the service checks them and names each missing
    one, so the page and the API refuse with the same messages.
    """

    cover_letter = forms.CharField(
        label=_("Cover letter"),
        required=False,
        max_length=COVER_LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional. Say why this job suits you; your CV is sent with the application."),
    )

    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions):
            self.fields[answer_field_name(index)] = forms.CharField(
                label=question,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(answer_field_name(index), "") for index in range(len(self.questions))]

    def answer_fields(self) -> list:
        """The bound answer fields, for the template to render one after the other."""
        return [self[answer_field_name(index)] for index in range(len(self.questions))]
