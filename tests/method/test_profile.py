from decimal import Decimal

import pytest

from skm.method import (
    EDUCATIONS,
    GENDERS,
    OCCUPATIONS,
    ProfileError,
    parse_age,
    parse_education,
    parse_gender,
    parse_occupation,
)


def test_vocabulary():
    assert GENDERS == (("L", "Laki-laki"), ("P", "Perempuan"))
    assert [c for c, _ in EDUCATIONS] == ["SD", "SMP", "SMA", "D1_D3", "D4_S1", "S2", "S3"]
    assert [label for _, label in EDUCATIONS] == ["SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2", "S3"]
    assert [c for c, _ in OCCUPATIONS] == ["PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA"]
    for choices in (GENDERS, EDUCATIONS, OCCUPATIONS):
        assert all(code.isascii() for code, _ in choices)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("Laki laki", "L"), ("LAKI-LAKI", "L"),
        ("Pria", "L"), ("M", "L"), ("male", "L"), (" Male ", "L"),
        ("P", "P"), ("Perempuan", "P"), ("Wanita", "P"), ("F", "P"), ("female", "P"),
    ],
)  # fmt: skip
def test_gender(value, code):
    assert parse_gender(value) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("SD", "SD"), ("sd", "SD"), ("SMP", "SMP"), ("SLTP", "SMP"), ("SMA", "SMA"),
        ("SMK", "SMA"), ("SLTA", "SMA"), ("MA", "SMA"), ("D1", "D1_D3"), ("D2", "D1_D3"),
        ("D3", "D1_D3"), ("D-3", "D1_D3"), ("DIII", "D1_D3"), ("D III", "D1_D3"),
        ("Diploma", "D1_D3"), ("D1-D3", "D1_D3"), ("D1_D3", "D1_D3"), ("D4", "D4_S1"),
        ("S1", "D4_S1"), ("S-1", "D4_S1"), ("Sarjana", "D4_S1"), ("D4/S1", "D4_S1"),
        ("D4_S1", "D4_S1"), ("S2", "S2"), ("Magister", "S2"), ("S3", "S3"), ("Doktor", "S3"),
    ],
)  # fmt: skip
def test_education(value, code):
    assert parse_education(value) == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PNS", ("PNS", "")), ("ASN", ("PNS", "")), ("pns", ("PNS", "")),
        ("TNI", ("TNI", "")), ("POLRI", ("POLRI", "")), ("Polisi", ("POLRI", "")),
        ("Swasta", ("SWASTA", "")), ("Pegawai Swasta", ("SWASTA", "")),
        ("Karyawan Swasta", ("SWASTA", "")), ("Wirausaha", ("WIRAUSAHA", "")),
        ("Wiraswasta", ("WIRAUSAHA", "")), ("Lainnya", ("LAINNYA", "")),
        ("Mahasiswa", ("LAINNYA", "Mahasiswa")),
        ("  Ibu  rumah tangga ", ("LAINNYA", "Ibu rumah tangga")),
        ("Lainnya: Petani", ("LAINNYA", "Petani")), ("Lainnya (Nelayan)", ("LAINNYA", "Nelayan")),
    ],
)  # fmt: skip
def test_occupation(value, expected):
    assert parse_occupation(value) == expected


@pytest.mark.parametrize(
    ("value", "age"),
    [(35, 35), (35.0, 35), ("35", 35), ("35 tahun", 35), ("35 Tahun", 35), (" 35 thn", 35),
     ("35.0", 35), ("35,0", 35), (Decimal("35"), 35), (10, 10), (120, 120)],
)  # fmt: skip
def test_age(value, age):
    assert parse_age(value) == age


def test_empty_values():
    for empty in (None, "", "   "):
        assert parse_gender(empty) is None
        assert parse_education(empty) is None
        assert parse_age(empty) is None
        assert parse_occupation(empty) == (None, "")


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        (parse_gender, "X"), (parse_gender, "laki-laki dan perempuan"), (parse_gender, 1),
        (parse_education, "TK"), (parse_education, "S4"), (parse_education, 3),
        (parse_age, "tiga puluh"), (parse_age, 9), (parse_age, 121), (parse_age, 35.5),
        (parse_age, "35.5"), (parse_age, True), (parse_age, "-35"), (parse_age, float("nan")),
    ],
)  # fmt: skip
def test_unreadable_values(parser, value):
    with pytest.raises(ProfileError) as info:
        parser(value)
    assert isinstance(info.value, ValueError)
    assert info.value.expected
    assert info.value.value == value or value != value  # nan != nan
