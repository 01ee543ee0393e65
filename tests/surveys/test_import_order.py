"""`skm import --order`: numbered columns map to elements 8 and 9 as asked (#13 point 3)."""

import pytest
from django.core.management import call_command

from skm.surveys.models import Answer

HEADER = ["Timestamp", *(f"Unsur {i}" for i in range(1, 10))]


def _import(path, *extra):
    call_command(
        "import", str(path), "--unit", "dinas-contoh", "--period", "semester-i-2025", *extra
    )


@pytest.mark.parametrize(
    ("order", "u8", "u9"), [(None, 2, 1), ("kuesioner", 2, 1), ("daftar", 1, 2)]
)
def test_numbered_columns_follow_the_order(period, unit, service, tmp_path, order, u8, u9):
    path = tmp_path / "form.csv"
    path.write_text(
        ";".join(HEADER) + "\n" + "14/03/2025 09:00:00;4;4;4;4;4;4;4;1;2\n", encoding="utf-8"
    )
    _import(path, *(["--order", order] if order else []))
    scores = dict(Answer.objects.values_list("element__code", "value"))
    assert (scores["U8"], scores["U9"]) == (u8, u9)
