"""Shapes of other offices' files: title rows and multi-row headers, summary and note rows
under the data, one row per answer (long format), no header row (issue #13, points 1, 2, 6,
7). Each file is built in the test; the read result and the notices are both checked.
"""

from __future__ import annotations

from skm.transfer.readers import tally_file

from ._files import CODES, tally_of, write_csv, write_xlsx

ONE = (4, 3, 4, 3, 4, 3, 4, 3, 4)


def olah_data(rows, *, summary: bool = True):
    """An "olah data" sheet: title, two-row header, respondents, then the summary rows."""
    lines = [
        ["REKAPITULASI SURVEI KEPUASAN MASYARAKAT"],
        [],
        ["NO.", "PROFIL", "", "NILAI UNSUR PELAYANAN"] + [""] * 8,
        ["RESP", "JK", "USIA", *CODES],
    ]
    for i, row in enumerate(rows, 1):
        lines.append([i, "L" if i % 2 else "P", 20 + i, *row])
    if summary:
        sums = [sum(r[j] for r in rows) for j in range(9)]
        lines.append(["Σ Nilai / Unsur", "", "", *sums])
        lines.append(["NRR / Unsur", "", "", *[round(s / len(rows), 2) for s in sums]])
        lines.append(["NRR Tertimbang", "", "", *[round(s / len(rows) * 0.111, 3) for s in sums]])
        lines.append(["IKM", "", "", *[4] * 9])
    return lines


def test_one_respondent_with_summary_rows_is_one_respondent(tmp_path):
    """Regression: the "Σ Nilai / Unsur" (4s and 3s) and "IKM" rows were counted."""
    lines = [["No", *CODES], [1, *ONE], ["Σ Nilai / Unsur", *ONE], ["IKM", *[4] * 9]]
    for path in (
        write_csv(tmp_path / "satu.csv", lines),
        write_xlsx(tmp_path / "satu.xlsx", {"Olah": lines}),
    ):
        tally, problems, count = tally_file(path)
        assert count == 0, problems
        assert tally.respondents == 1
        assert tally == tally_of([ONE])
