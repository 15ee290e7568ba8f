from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import EducationLevel, EmploymentType, Occupation, Region, Skill, WorkSchedule


@pytest.mark.django_db
def test_catalog_has_17_regions_and_3_cities_of_republican_significance(catalog):
    assert Region.objects.filter(kind=Region.Kind.REGION).count() == 17
    assert set(Region.objects.filter(kind=Region.Kind.CITY).values_list("name_en", flat=True)) == {
        "Astana",
        "Almaty",
        "Shymkent",
    }
    assert not Region.objects.filter(name_kk="").exists()
    assert not Region.objects.filter(name_ru="").exists()


@pytest.mark.django_db
def test_isco08_classifier_is_complete_with_parents(catalog):
    counts = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 10, 2: 43, 3: 130, 4: 436}
    welder = Occupation.objects.get(code="7212")
    assert welder.parent.code == "721"
    assert welder.parent.parent.parent.code == "7"
    assert welder.title_ru
    assert not Occupation.objects.filter(level__gt=1, parent__isnull=True).exists()


@pytest.mark.django_db
def test_loadcatalog_twice_creates_no_duplicates(catalog):
    before = [m.objects.count() for m in (Region, Occupation, Skill, EducationLevel, EmploymentType, WorkSchedule)]
    out = StringIO()

    call_command("loadcatalog", stdout=out, verbosity=0)

    after = [m.objects.count() for m in (Region, Occupation, Skill, EducationLevel, EmploymentType, WorkSchedule)]
    assert before == after
    assert "regions: 0 created, 0 updated" in out.getvalue()


@pytest.mark.django_db
def test_loadcatalog_restores_a_title_changed_in_the_database(catalog):
    Occupation.objects.filter(code="7212").update(title_en="changed")

    call_command("loadcatalog", verbosity=0)

    assert Occupation.objects.get(code="7212").title_en == "Welders and flame cutters"


@pytest.mark.django_db
def test_names_follow_the_active_language(catalog):
    from django.utils import translation

    astana = Region.objects.get(code="KZ-71")
    with translation.override("kk"):
        assert astana.name == "Астана қаласы"
    with translation.override("ru"):
        assert astana.name == "город Астана"
    with translation.override("en"):
        assert astana.name == "Astana"
