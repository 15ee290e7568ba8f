"""Forms of the national project pages. They parse input only; the rules are in
``vacancies.services.projects``, whose messages the views put next to the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Region
from vacancies.models import NationalProgramme, NationalProject
from vacancies.selectors.projects import organization_by_bin
from vacancies.services.projects import MAX_PLANNED_JOBS, YEARS


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name_en}"


class ProgrammeForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    name_en = forms.CharField(label=_("name (English)"), max_length=300)
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=300, required=False)
    name_kk = forms.CharField(label=_("name (Kazakh)"), max_length=300, required=False)


class ProjectForm(forms.Form):
    """Field names are the service's, so its errors map one to one; the implementing employer
    is named by BIN (there are too many employers for a list)."""

    programme = ProgrammeChoiceField(label=_("programme"), queryset=NationalProgramme.objects.order_by("code"))
    name = forms.CharField(label=_("name"), max_length=300)
    region = RegionChoiceField(label=_("region"), queryset=Region.objects.order_by("position", "code"))
    employer = forms.CharField(
        label=_("implementing employer's BIN"),
        max_length=12,
        required=False,
        help_text=_("The employer registered on the exchange that carries out the project, if any."),
    )
    contractor = forms.CharField(label=_("contractor"), max_length=300, required=False)
    stage = forms.ChoiceField(label=_("stage"), choices=NationalProject.Stage.choices)
    planned_permanent_jobs = forms.IntegerField(
        label=_("planned permanent jobs"), min_value=0, max_value=MAX_PLANNED_JOBS, initial=0
    )
    planned_temporary_jobs = forms.IntegerField(
        label=_("planned temporary jobs"), min_value=0, max_value=MAX_PLANNED_JOBS, initial=0
    )
    start_year = forms.IntegerField(label=_("first year"), min_value=YEARS[0], max_value=YEARS[1])
    end_year = forms.IntegerField(label=_("last year"), min_value=YEARS[0], max_value=YEARS[1])

    @classmethod
    def initial_for(cls, project: NationalProject) -> dict:
        return {
            "programme": project.programme_id,
            "name": project.name,
            "region": project.region_id,
            "employer": project.employer.bin if project.employer else "",
            "contractor": project.contractor,
            "stage": project.stage,
            "planned_permanent_jobs": project.planned_permanent_jobs,
            "planned_temporary_jobs": project.planned_temporary_jobs,
            "start_year": project.start_year,
            "end_year": project.end_year,
        }

    def clean_employer(self):
        bin_ = self.cleaned_data["employer"].strip()
        if not bin_:
            return None
        organization = organization_by_bin(bin=bin_)
        if organization is None:
            raise forms.ValidationError(_("No employer with this BIN is registered on the exchange."))
        return organization


class MapYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEARS[0], max_value=YEARS[1], required=False)
