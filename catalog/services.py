"""Loading the reference catalogs from the CSV files shipped in ``catalog/data``."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from catalog.models import EducationLevel, EmploymentType, Industry, Occupation, Region, Skill, WorkSchedule

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    catalog: str
    created: int
    updated: int


def _rows(filename: str) -> list[dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, key: str, rows: list[dict], on_row: Callable[[int], None] | None = None) -> tuple[int, int]:
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update, fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
        else:
            changed = [name for name, value in row.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, row[name])
                fields.update(changed)
                to_update.append(obj)
        if on_row:
            on_row(1)
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields))
    return len(to_create), len(to_update)


def _named(filename: str, with_position: bool = True) -> list[dict]:
    rows = []
    for index, row in enumerate(_rows(filename)):
        row = dict(row)
        row["position"] = int(row["position"]) if with_position and "position" in row else index
        rows.append(row)
    return rows


@transaction.atomic
def catalog_load(*, on_row: Callable[[int], None] | None = None) -> list[LoadResult]:
    """Create or update every catalog from the shipped CSV files; running it twice changes nothing.

    Occupations are loaded level by level so each group's parent exists before its children.
    """
    results = []
    for name, model, filename in (
        ("regions", Region, "regions.csv"),
        ("education levels", EducationLevel, "education_levels.csv"),
        ("employment types", EmploymentType, "employment_types.csv"),
        ("work schedules", WorkSchedule, "schedules.csv"),
        ("skills", Skill, "skills.csv"),
        ("industries", Industry, "industries.csv"),
    ):
        created, updated = _upsert(model, "code", _named(filename), on_row)
        results.append(LoadResult(name, created, updated))

    isco = _rows("isco08.csv")
    created = updated = 0
    for level in (1, 2, 3, 4):
        parents = {o.code: o.id for o in Occupation.objects.filter(level=level - 1)} if level > 1 else {}
        rows = [
            {
                "code": r["code"],
                "level": level,
                "parent_id": parents[r["parent_code"]] if level > 1 else None,
                "title_en": r["title_en"].strip(),
                "title_ru": r["title_ru"].strip(),
            }
            for r in isco
            if int(r["level"]) == level
        ]
        c, u = _upsert(Occupation, "code", rows, on_row)
        created, updated = created + c, updated + u
    results.append(LoadResult("occupations (ISCO-08)", created, updated))
    return results


def catalog_row_count() -> int:
    """How many rows ``catalog_load`` walks through (for a progress bar)."""
    files = [
        "regions.csv",
        "education_levels.csv",
        "employment_types.csv",
        "schedules.csv",
        "skills.csv",
        "industries.csv",
        "isco08.csv",
    ]
    return sum(len(_rows(f)) for f in files)
