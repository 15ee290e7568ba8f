"""Forms of the import pages. They parse input only: the file's checks live in
``vacancies.services.imports``, whose messages the views put on the ``file`` field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv or .xlsx file of at most 10 MB and 20,000 rows, with the column names in the first row."),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )


class ImportEmployerForm(forms.Form):
    """Staff: the employer they import for, by BIN."""

    bin = forms.RegexField(
        label=_("Employer's BIN"),
        regex=r"^\d{12}$",
        error_messages={"invalid": _("A BIN has 12 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
