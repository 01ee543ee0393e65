"""Shared by the public form, API and browser tests: a period open today and form data."""

from __future__ import annotations

import datetime as dt
import re
import time

from django.utils import timezone

from skm.org.models import Unit
from skm.surveys import abuse
from skm.surveys.models import Period
from skm.surveys.services import period_create

# U1..U9 answers that make 91.67 (method.md §8): 4,4,3,4,4,4,4,3,3
ANSWERS = {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 3, "U9": 3}


def open_period_for(unit: Unit, **extra) -> Period:
    """An open period of ``unit`` covering today (the conftest ``period`` is in 2025)."""
    today = timezone.localdate()
    return period_create(
        unit=unit,
        name=extra.pop("name", "Periode Berjalan"),
        kind=Period.Kind.SEMESTER,
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30),
        population=500,
        status=Period.Status.OPEN,
        **extra,
    )


def old_token(unit: Unit, seconds: int = 120) -> str:
    """A form-instance token as if the form had been shown ``seconds`` ago."""
    return abuse.form_token_issue(unit=unit, now=time.time() - seconds)


def form_data(unit: Unit, *, token: str | None = None, **overrides) -> dict[str, str]:
    """A complete, valid POST of the public form (service chosen by ``service`` pk)."""
    data = {
        "form_token": token if token is not None else old_token(unit),
        "gender": "P",
        "age": "34",
        "education": "D4_S1",
        "occupation": "WIRAUSAHA",
        "occupation_other": "",
        "suggestion": "Antrean perlu papan nomor.",
        "website": "",
        **{f"answer_{code}": str(value) for code, value in ANSWERS.items()},
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = str(value)
    return data


def hidden_value(html: str, name: str) -> str:
    """The value of the hidden input ``name`` in a rendered page."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden input {name}"
    return match.group(1)
