from __future__ import annotations

from django import forms

from notifications.models import Frequency
from notifications.selectors import PreferenceRow


class PreferencesForm(forms.Form):
    """One choice of e-mail frequency per kind the user can receive (fields named after the kinds)."""

    def __init__(self, *args, rows: list[PreferenceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.kind] = forms.ChoiceField(
                label=row.label,
                choices=Frequency.choices,
                initial=row.frequency,
                widget=forms.RadioSelect,
            )

    def frequencies(self) -> dict[str, str]:
        return {row.kind: self.cleaned_data[row.kind] for row in self.rows}
