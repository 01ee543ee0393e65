"""The respondent profile of Lampiran III as data, with tolerant parsers.

Shared by the database models (choices) and the file readers (cell parsing), so the two
can never disagree on a code. Codes are stable ASCII; labels are what forms print. The
survey is anonymous by design: there is deliberately no field for name, NIK or phone.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "AGE_GROUPS",
    "EDUCATIONS",
    "GENDERS",
    "OCCUPATIONS",
    "ProfileError",
    "age_group",
    "parse_age",
    "parse_education",
    "parse_gender",
    "parse_occupation",
]

GENDERS: tuple[tuple[str, str], ...] = (("L", "Laki-laki"), ("P", "Perempuan"))
EDUCATIONS: tuple[tuple[str, str], ...] = (
    ("SD", "SD"),
    ("SMP", "SMP"),
    ("SMA", "SMA"),
    ("D1_D3", "D1-D3"),
    ("D4_S1", "D4/S1"),
    ("S2", "S2"),
    ("S3", "S3"),
)
OCCUPATIONS: tuple[tuple[str, str], ...] = (
    ("PNS", "PNS"),
    ("TNI", "TNI"),
    ("POLRI", "POLRI"),
    ("SWASTA", "Swasta"),
    ("WIRAUSAHA", "Wirausaha"),
    ("LAINNYA", "Lainnya"),
)
AGE_MIN, AGE_MAX = 10, 120
# The age groups of the Laporan Hasil: (code, lowest age, highest age, label); None is
# open-ended.
AGE_GROUPS: tuple[tuple[str, int | None, int | None, str], ...] = (
    ("lt20", None, 19, "< 20"),
    ("20_29", 20, 29, "20–29"),
    ("30_39", 30, 39, "30–39"),
    ("40_49", 40, 49, "40–49"),
    ("50_59", 50, 59, "50–59"),
    ("ge60", 60, None, "≥ 60"),
)


def age_group(age: int | None) -> str:
    """The code of the age group of ``age``; "" when the age is not known."""
    if age is None:
        return ""
    for code, low, high, _label in AGE_GROUPS:
        if (low is None or age >= low) and (high is None or age <= high):
            return code
    return ""


class ProfileError(ValueError):
    """A profile cell that cannot be read; ``expected`` says (in Indonesian) what can."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: {value!r} tidak dikenali (yang diterima: {expected})")


def _key(value: object) -> str:
    """Lower case, letters and digits only: "Laki-laki" -> "lakilaki", "D-III" -> "diii"."""
    return re.sub(r"[^0-9a-z]+", "", str(value).lower())


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_GENDER = {
    **dict.fromkeys(("l", "lk", "laki", "lakilaki", "pria", "m", "male", "man", "cowok"), "L"),
    **dict.fromkeys(("p", "pr", "perempuan", "wanita", "f", "female", "woman", "cewek"), "P"),
}


def parse_gender(value: object) -> str | None:
    """The code "L" or "P" from L/P, Laki-laki, Pria, Perempuan, Wanita, M/F, male/female."""
    if _is_empty(value):
        return None
    code = _GENDER.get(_key(value)) if isinstance(value, str) else None
    if code is None:
        raise ProfileError("jenis kelamin", value, "L/Laki-laki/Pria atau P/Perempuan/Wanita")
    return code


_EDUCATION = {
    **dict.fromkeys(("sd", "mi", "sekolahdasar"), "SD"),
    **dict.fromkeys(("smp", "sltp", "mts", "sekolahmenengahpertama"), "SMP"),
    **dict.fromkeys(
        ("sma", "smk", "slta", "ma", "smu", "stm", "mak", "sekolahmenengahatas"), "SMA"
    ),
    **dict.fromkeys(
        ("d1", "d2", "d3", "di", "dii", "diii", "diploma", "d1d3", "diplomaiii", "diploma3"),
        "D1_D3",
    ),
    **dict.fromkeys(("d4", "div", "s1", "sarjana", "d4s1", "diploma4", "diplomaiv"), "D4_S1"),
    **dict.fromkeys(("s2", "magister", "master", "pascasarjana"), "S2"),
    **dict.fromkeys(("s3", "doktor", "doctor", "doktoral"), "S3"),
}


def parse_education(value: object) -> str | None:
    """An EDUCATIONS code from the labels of Lampiran III and the usual variants."""
    if _is_empty(value):
        return None
    code = _EDUCATION.get(_key(value)) if isinstance(value, str) else None
    if code is None:
        raise ProfileError(
            "pendidikan", value, "SD, SMP/SLTP, SMA/SMK/SLTA, D1-D3/Diploma, D4/S1, S2, S3"
        )
    return code


_OCCUPATION = {
    **dict.fromkeys(("pns", "asn", "pegawainegerisipil", "pegawainegeri"), "PNS"),
    **dict.fromkeys(("tni", "tentara", "tentaranasionalindonesia"), "TNI"),
    **dict.fromkeys(("polri", "polisi", "kepolisian"), "POLRI"),
    **dict.fromkeys(
        ("swasta", "pegawaiswasta", "karyawanswasta", "karyawan", "pegawaiswastakaryawan"),
        "SWASTA",
    ),
    **dict.fromkeys(("wirausaha", "wiraswasta", "pengusaha", "usahasendiri"), "WIRAUSAHA"),
    **dict.fromkeys(("lainnya", "lainlain", "lain"), "LAINNYA"),
}
# "Lainnya: Mahasiswa", "Lainnya (Mahasiswa)", "Lain-lain - Mahasiswa"
_OTHER_WITH_TEXT = re.compile(
    r"^\s*(?:lainnya|lain[\s-]*lain)\s*(?:[:(\-–/,]\s*)(.*?)\s*\)?\s*$", re.IGNORECASE
)


def parse_occupation(value: object) -> tuple[str | None, str]:
    """(code, free text). Known occupations give their code and ""; "Lainnya: X" and any
    other non-empty text give ("LAINNYA", X), because Lampiran III's "Lainnya" is a free
    text field and an unknown occupation is still an answer, not an error."""
    if _is_empty(value):
        return None, ""
    text = " ".join(str(value).split())
    code = _OCCUPATION.get(_key(text))
    if code is not None:
        return code, ""
    match = _OTHER_WITH_TEXT.match(text)
    if match:
        return "LAINNYA", match.group(1)
    return "LAINNYA", text


_AGE = re.compile(
    r"^(\d{1,3})(?:[.,]0+)?\s*(?:tahun|thn|th|yrs?|years?)?\.?$",
    re.IGNORECASE,
)


def parse_age(value: object) -> int | None:
    """Whole years 10..120 from 35, 35.0, "35", "35 tahun"; None for an empty cell."""
    if _is_empty(value):
        return None
    expected = f"usia dalam tahun, bilangan bulat {AGE_MIN}-{AGE_MAX} (mis. 35 atau 35 tahun)"
    age: int | None = None
    if isinstance(value, bool):
        age = None
    elif isinstance(value, int):
        age = value
    elif isinstance(value, float | Decimal):
        try:
            if value == int(value):
                age = int(value)
        except (ValueError, OverflowError, InvalidOperation):
            age = None
    elif isinstance(value, str):
        match = _AGE.match(value.strip())
        if match:
            age = int(match.group(1))
    if age is None or not AGE_MIN <= age <= AGE_MAX:
        raise ProfileError("usia", value, expected)
    return age
