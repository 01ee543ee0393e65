"""render_table and render_json: the text shared by `skm ikm` and `skm results`."""

from __future__ import annotations

import json

from skm.method import DEFAULT_ELEMENTS, Tally, compute
from skm.transfer.output import render_json, render_table

from ._files import answers_29, tally_of

ELEMENT_KEYS = [
    "code",
    "name",
    "answered",
    "total",
    "nrr",
    "score",
    "ci95",
    "grade",
    "performance",
]
RESULT_KEYS = [
    "respondents",
    "weighting",
    "elements",
    "index",
    "ikm",
    "ci95",
    "grade",
    "performance",
    "priorities",
    "sample",
]


def result_29(**kwargs):
    return compute(tally_of(answers_29()), DEFAULT_ELEMENTS, **kwargs)


def test_json_contract_and_key_order():
    text = render_json(result_29(population=1000))
    data = json.loads(text)
    assert list(data) == RESULT_KEYS
    assert [list(e) for e in data["elements"]] == [ELEMENT_KEYS] * 9
    assert list(data["sample"]) == ["population", "required", "reached"]
    assert data["ikm"] == "91.48" and data["index"] == "3.6590"
    assert (data["grade"], data["performance"]) == ("A", "Sangat Baik")
    assert data["sample"] == {"population": 1000, "required": 278, "reached": False}
    assert data["elements"][0] == {
        "code": "U1",
        "name": "Persyaratan",
        "answered": 29,
        "total": 105,
        "nrr": "3.6207",
        "score": "90.52",
        "ci95": data["elements"][0]["ci95"],
        "grade": "A",
        "performance": "Sangat Baik",
    }
    assert text == json.dumps(result_29(population=1000).to_dict(), ensure_ascii=False, indent=2)


def test_json_keeps_non_ascii_and_nulls():
    tally = Tally(9)
    tally.add((4, 4, 4, 4, 4, 4, 4, 4, None))
    data = json.loads(render_json(compute(tally, DEFAULT_ELEMENTS)))
    assert data["ikm"] is None and data["grade"] is None and data["sample"] is None
    assert data["elements"][8]["nrr"] is None


def test_table_layout():
    text = render_table(result_29(), file_label="data.csv")
    lines = text.splitlines()
    assert lines[0] == "Hasil Survei Kepuasan Masyarakat: data.csv"
    header = lines[2]
    assert [c.strip() for c in header.split("|")] == [
        "No",
        "Unsur",
        "NRR",
        "IKM",
        "Mutu Layanan",
        "Kinerja",
    ]
    assert set(lines[3]) <= {"-", "+"}
    rows = lines[4:13]
    assert [r.split("|")[1].strip() for r in rows] == [e.name for e in DEFAULT_ELEMENTS]
    # Every line of the table has its separators at the same positions.
    assert len({tuple(i for i, ch in enumerate(r) if ch == "|") for r in [header, *rows]}) == 1
    assert [c.strip() for c in rows[2].split("|")] == [
        "3",
        "Waktu Penyelesaian",
        "3.4483",
        "86.21",
        "B",
        "Baik",
    ]
    assert lines[13] == ""
    labels = [line.split(" : ", 1)[0] for line in lines[14:]]
    assert len({len(label) for label in labels}) == 1  # the colons line up
    summary = {k.strip(): v for k, v in (line.split(" : ", 1) for line in lines[14:])}
    assert summary == {
        "Jumlah responden": "29",
        "Nilai indeks (NI)": "3.6590",
        "IKM unit pelayanan": "91.48 (mutu A, Sangat Baik)",
        # 29 respondents, no population: under the minimum of 30, as the results page says
        "Interval kepercayaan 95%": "- (sampel belum cukup)",
        "Pembobotan": "exact (1/9 per unsur)",
        "Unsur prioritas": (
            "U3 Waktu Penyelesaian (86.21); U2 Sistem, Mekanisme, dan Prosedur (87.07); "
            "U5 Produk Spesifikasi Jenis Pelayanan (87.93)"
        ),
    }
    assert text.endswith("\n")


def test_table_with_sample_and_old_weighting():
    text = render_table(result_29(weighting="0.111", population=30, priorities=1))
    assert (
        "Pembobotan                      : 0.111 per unsur (konvensi lama; jumlah bobot 0.999)"
        in text
    )
    assert "IKM unit pelayanan              : 91.38 (mutu A, Sangat Baik)" in text
    assert "Populasi                        : 30" in text
    assert "Sampel minimum (Krejcie-Morgan) : 28" in text
    assert "Status sampel                   : Tercapai (29 dari 28)" in text
    assert "Unsur prioritas                 : U3 Waktu Penyelesaian (86.21)" in text

    text = render_table(result_29(population=100_000))
    assert "Populasi                        : 100000" in text
    assert (
        "Status sampel                   : Belum tercapai (29 dari 383; kurang 354 responden)"
        in text
    )


def test_table_with_an_unanswered_element():
    tally = Tally(9)
    tally.add((4, 4, 4, 4, 4, 4, 4, 4, None))
    text = render_table(compute(tally, DEFAULT_ELEMENTS))
    row = next(line for line in text.splitlines() if "Sarana dan Prasarana" in line)
    assert [c.strip() for c in row.split("|")][2:] == ["-", "-", "-", "-"]
    assert "IKM unit pelayanan       : - (tidak dapat dihitung; unsur tanpa jawaban: U9)" in text
    assert "Interval kepercayaan 95% : -" in text


def test_the_interval_is_printed_once_the_sample_is_sufficient():
    """The same 29 respondents as the census of a population of 29 (docs/cycle.md)."""
    result = result_29(population=29)
    assert result.sample_sufficient
    text = render_table(result, file_label="data.csv")
    line = next(x for x in text.splitlines() if x.startswith("Interval kepercayaan 95%"))
    assert line.split(" : ", 1)[1] == f"{result.ci95[0]} - {result.ci95[1]}"
