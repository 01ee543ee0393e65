"""The Laporan Hasil SKM as blocks (skm.reports.blocks), in the outline units use (product.md):
executive summary; BAB I Pendahuluan; BAB II Pengumpulan Data; BAB III Hasil Pengolahan Data;
BAB IV Analisis; BAB V Penutup; lampiran. Every figure comes from the selectors (skm.method);
sentences that state figures are generated; the narrative sections are the unit's texts for
the period or the defaults (skm.reports.texts).
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

from django.utils import timezone, translation

from skm.method.rounding import round_half_up
from skm.org.models import Unit
from skm.reports import blocks as b
from skm.reports import formatting as fmt
from skm.reports.charts import Bar, Series, bar_chart, count_bars, line_chart
from skm.reports.data import (
    _logo,
    _signatory,
    letterhead,
    paragraphs,
    report_profile,
    section_text,
)
from skm.reports.texts import RESULTS
from skm.surveys.models import Period, Response
from skm.surveys.results import (
    comparable,
    element_significant,
    ikm_significant,
    profile_breakdowns,
    results_by_service,
    unit_trend,
)
from skm.surveys.selectors import period_result, questionnaire_elements

CHANNELS = dict(Response.Channel.choices)


def results_blocks(
    period: Period, unit: Unit, *, signed_on: dt.date | None = None, public_only: bool = True
) -> tuple[list, str]:
    """(blocks, title) of the Laporan Hasil SKM of a unit and period; ``public_only``: the
    appendix prints only the evidence marked public (skm.reports.documents)."""
    profile = report_profile(unit)
    d = profile.decimal
    label = fmt.period_label(period.kind, period.start_date, period.end_date, period.name)
    result = period_result(period, unit=unit)
    n = result.respondents

    def num(text: str | None) -> str:
        # Every number the document prints, counts included (skm.reports.formatting).
        return fmt.number(text, d)

    def text(key: str) -> list[b.Para]:
        return [b.Para(p) for p in paragraphs(section_text(unit, period, RESULTS, key, label))]

    scored = [e for e in result.elements if e.score is not None]
    ranked = sorted(scored, key=lambda e: e.score)
    lowest, highest = ranked[:3], list(reversed(ranked[-3:]))
    trend = [
        row
        for row in unit_trend(unit)
        if row.period.start_date <= period.start_date
        and row.period.start_date >= period.start_date - dt.timedelta(days=2 * 366)
    ]
    previous = next(
        (row for row in reversed(trend) if row.period.start_date < period.start_date), None
    )

    # -- generated sentences ---------------------------------------------------------------
    if result.ikm_text:
        # Below a sufficient sample no interval is printed, as on the results page
        # (skm.method.sample_sufficient; docs/cycle.md).
        interval = (
            f" (selang kepercayaan 95%: {_ci(result.ci95, num)})"
            if result.ci95 and result.sample_sufficient
            else ""
        )
        headline = (
            f"Survei Kepuasan Masyarakat {unit.name} {label} dijawab oleh {num(str(n))} "
            f"responden. Nilai IKM adalah {num(result.ikm_text)}{interval}, mutu pelayanan "
            f"{result.grade.letter} ({result.grade.performance})."
        )
    else:
        headline = (
            f"Survei Kepuasan Masyarakat {unit.name} {label} dijawab oleh {num(str(n))} "
            "responden; "
            "nilai IKM belum dapat dihitung karena ada unsur yang belum dijawab."
        )
    extremes = ""
    if scored:
        extremes = (
            f"Unsur dengan nilai tertinggi adalah {highest[0].name} "
            f"({num(highest[0].score_text)}), dan yang terendah {lowest[0].name} "
            f"({num(lowest[0].score_text)})."
        )
    change = ""
    if previous is not None and result.ikm is not None:
        before = previous.result
        diff = result.ikm - before.ikm
        word = "naik" if diff > 0 else "turun" if diff < 0 else "tetap"
        change = (
            f"Dibanding {previous.period.name} (IKM {num(before.ikm_text)}), nilai IKM {word}"
            + (f" {num(str(round_half_up(abs(diff), 2)))} poin" if diff else "")
            + (
                "; perubahan ini bermakna secara statistik (selang kepercayaan 95% kedua periode "
                "tidak bertumpang tindih)."
                if ikm_significant(result, before)
                else "; selang kepercayaan 95% kedua periode bertumpang tindih, sehingga perubahan "
                "ini belum dapat disebut nyata."
                if comparable(result, before)
                else "; jumlah responden salah satu periode belum memenuhi sampel minimal, "
                "sehingga perubahan ini belum dapat disebut nyata."
            )
        )
    sample = ""
    if result.sample is not None:
        s = result.sample
        sample = (
            f"Dengan populasi {num(str(s.population))} pengguna layanan, sampel minimal "
            f"menurut tabel Krejcie dan Morgan adalah {num(str(s.required))} responden; "
            "jumlah responden "
            + ("telah memenuhi" if s.reached else "belum memenuhi")
            + " sampel minimal tersebut."
        )

    # -- document --------------------------------------------------------------------------
    out: list = [
        b.Cover(
            title_lines=[
                "LAPORAN HASIL",
                "SURVEI KEPUASAN MASYARAKAT (SKM)",
                label.upper(),
            ],
            subtitle_lines=[unit.name, unit.agency.city],
            logo_path=_logo(unit),
            letterhead=letterhead(unit, (signed_on or timezone.localdate()).year),
        ),
        *_foreword(text("kata_pengantar")),
        b.ContentsLists(),  # after the Kata Pengantar, as Indonesian reports are bound
        b.Heading("RINGKASAN EKSEKUTIF", new_page=True),
        *[b.Para(t) for t in (headline, extremes, change, sample) if t],
        *text("ringkasan"),
        b.Heading("BAB I PENDAHULUAN", new_page=True),
        b.Heading("A. Latar Belakang", level=2),
        *text("latar_belakang"),
        b.Heading("B. Dasar Pelaksanaan", level=2),
        b.Bullets(paragraphs(section_text(unit, period, RESULTS, "dasar", label))[0].splitlines()),
        b.Heading("C. Maksud dan Tujuan", level=2),
        *text("maksud_tujuan"),
        b.Heading("BAB II PENGUMPULAN DATA", new_page=True),
        b.Heading("A. Pelaksana", level=2),
        *text("pelaksana"),
        *_team_blocks(unit, period, label),
        b.Heading("B. Metode", level=2),
        *_method(period, result, unit, num),
        b.Heading("C. Lokasi", level=2),
        *text("lokasi"),
        b.Heading("D. Waktu", level=2),
        b.Para(
            f"Survei dilaksanakan pada {fmt.date_long(period.start_date)} sampai dengan "
            f"{fmt.date_long(period.end_date)} ({label})."
        ),
        *_schedule_blocks(unit, period, label),
        b.Heading("E. Populasi, Sampel dan Kuesioner", level=2),
        *_sample_blocks(period, unit, result, sample, num),
        b.Heading("BAB III HASIL PENGOLAHAN DATA", new_page=True),
        b.Heading("A. Profil Responden", level=2),
        *_profile_blocks(period, unit, d),
        b.Heading("B. Indeks Kepuasan Masyarakat per Unsur", level=2),
        *_element_blocks(result, num, d),
        b.Heading("C. IKM per Jenis Layanan", level=2),
        *_service_blocks(period, unit, num),
        b.Heading("BAB IV ANALISIS", new_page=True),
        b.Heading("A. Kelemahan dan Kelebihan Unsur Pelayanan", level=2),
        *_analysis_blocks(period, unit, result, previous, highest, num),
        b.Heading("B. Rencana Tindak Lanjut", level=2),
        *_plan_blocks(period, unit, num),
        b.Heading("C. Tren Nilai SKM", level=2),
        *_trend_blocks(trend, result, num, d),
        b.Heading("BAB V PENUTUP", new_page=True),
        b.Heading("A. Kesimpulan", level=2),
        *[b.Para(t) for t in _conclusion(result, previous, num) if t],
        *text("kesimpulan"),
        b.Heading("B. Rekomendasi", level=2),
        *_recommendations(period, unit, result),
        *text("rekomendasi"),
        b.SignatureBlock(_signatory(profile, unit, signed_on or timezone.localdate())),
        b.Heading("LAMPIRAN", new_page=True),
        b.Heading("Lampiran 1. Kuesioner", level=2),
        *_questionnaire_blocks(period),
        b.Landscape(),
        b.Heading("Lampiran 2. Olah Data", level=2),
        *_olah_data_blocks(result, num),
        b.Portrait(),
        *(photos := _documentation_blocks(period, unit, public_only)),
        *_previous_followup_blocks(period, unit, d, number=4 if photos else 3),
    ]
    title = f"Laporan Hasil SKM {unit.name} {label}"
    return out, title


def _method(period: Period, result, unit: Unit, num) -> list:
    from skm.transfer.exports import weighting_note

    channels = (
        Response.objects.filter(period=period, unit__path__startswith=unit.path)
        .order_by()
        .values_list("channel", flat=True)
        .distinct()
    )
    used = [str(CHANNELS.get(c, c)).lower() for c in sorted(channels)]
    with translation.override("id"):
        weighting = weighting_note(period, len(result.elements))
    # The note writes its weights with a decimal comma (it is the workbook's too): printed
    # here in the document's number style.
    weighting = num(re.sub(r"(?<=\d),(?=\d)", ".", weighting))
    # The workbook's note also says that nothing is rounded before the end; the next
    # sentence of the document says it already (one seam fewer, issue #14 point 10).
    weighting = re.sub(r";\s*tidak ada pembulatan sebelum angka akhir\.?", ".", weighting)
    weighting = weighting[:1].lower() + weighting[1:]
    return [
        b.Para(
            f"Kuesioner memuat {len(result.elements)} unsur pelayanan sesuai Peraturan Menteri "
            "PANRB Nomor 14 Tahun 2017, masing-masing dengan empat pilihan jawaban (1 = tidak "
            "baik sampai 4 = sangat baik). Jawaban dikumpulkan melalui "
            f"{fmt.join_names(used) or 'kuesioner'}."
        ),
        b.Para(
            "Nilai rata-rata (NRR) tiap unsur adalah jumlah nilai jawaban dibagi jumlah "
            "responden yang menjawab unsur itu; nilai indeks adalah jumlah NRR tertimbang; IKM "
            f"= nilai indeks x 25. Pembobotan: {weighting} Angka dibulatkan sekali pada akhir "
            "perhitungan (NRR empat desimal, nilai unsur dan IKM dua desimal). Selang "
            f"kepercayaan 95% dihitung dengan pendekatan normal ({num('1.96')} x galat baku) "
            "dengan "
            "koreksi populasi terbatas."
        ),
    ]


def _sample_blocks(period: Period, unit: Unit, result, sample: str, num) -> list:
    received = Response.objects.filter(period=period, unit__path__startswith=unit.path).count()
    rows = [
        [
            "Populasi (pengguna layanan dalam periode)",
            num(str(period.population)) if period.population else "-",
        ],
        [
            "Sampel minimal (Krejcie dan Morgan)",
            num(str(result.sample.required)) if result.sample else "-",
        ],
        ["Kuesioner diterima", num(str(received))],
        ["Kuesioner diolah (responden)", num(str(result.respondents))],
    ]
    return [
        *([b.Para(sample)] if sample else []),
        b.Table("", ["Uraian", "Jumlah"], rows, [11, 5], numeric={1}),
    ]


def _profile_blocks(period: Period, unit: Unit, d: str) -> list:
    out: list = []
    for number, breakdown in enumerate(profile_breakdowns(period, unit=unit), 1):
        rows = [[r.label, fmt.count(r.count, d), fmt.number(r.percent, d)] for r in breakdown.rows]
        rows.append(
            [
                "Jumlah",
                fmt.count(breakdown.total, d),
                fmt.number("100.0" if breakdown.total else "0.0", d),
            ]
        )
        out.append(
            b.Table(
                f"Tabel 3.{number}. Responden menurut {breakdown.title.lower()}",
                [breakdown.title, "Jumlah", "%"],
                rows,
                [9, 3.5, 3.5],
                numeric={1, 2},
                bold_last=True,
            )
        )
        out.append(
            b.Figure(
                count_bars(
                    [(r.label, r.count, r.percent) for r in breakdown.rows],
                    title=f"Responden menurut {breakdown.title.lower()}",
                    decimal=d,
                ),
                f"Gambar 3.{number}. Responden menurut {breakdown.title.lower()}",
                width_cm=11,
            )
        )
    return out


def _element_blocks(result, num, d: str) -> list:
    # Intervals only on a sufficient sample, as on the results page ("-" otherwise).
    shown = result.sample_sufficient
    rows = [
        [
            str(i),
            f"{e.code} {e.name}",
            num(e.nrr_text),
            num(e.score_text),
            f"{num(e.ci95[0])} - {num(e.ci95[1])}" if e.ci95 and shown else "-",
            f"{e.grade.letter} ({e.grade.performance})" if e.grade else "-",
        ]
        for i, e in enumerate(result.elements, 1)
    ]
    rows.append(
        [
            "",
            f"IKM unit layanan ({num(str(result.respondents))} responden)",
            num(result.index_text),
            num(result.ikm_text),
            f"{num(result.ci95[0])} - {num(result.ci95[1])}" if result.ci95 and shown else "-",
            f"{result.grade.letter} ({result.grade.performance})" if result.grade else "-",
        ]
    )
    chart = bar_chart(
        [
            Bar(
                f"{e.code} {e.name}",
                e.score_text,
                e.code in result.priorities,
                "(prioritas)" if e.code in result.priorities else "",
            )
            for e in result.elements
        ],
        title="Nilai per unsur",
        decimal=d,
    )
    return [
        b.Table(
            "Tabel 3.6. Nilai rata-rata, IKM dan mutu pelayanan per unsur",
            ["No", "Unsur", "NRR", "IKM", "Selang kepercayaan 95%", "Mutu pelayanan"],
            rows,
            [1, 5.5, 1.8, 1.8, 3, 3],
            numeric={0, 2, 3, 4},
            bold_last=True,
        ),
        b.Figure(chart, "Gambar 3.6. Nilai per unsur (prioritas ditandai)"),
    ]


def _service_blocks(period: Period, unit: Unit, num) -> list:
    parts = results_by_service(period, unit=unit)
    if not parts:
        return [b.Para("Responden tidak menyebutkan jenis layanan.")]
    rows = [
        [
            p.label,
            num(str(p.result.respondents)),
            num(p.result.ikm_text),
            f"{p.result.grade.letter} ({p.result.grade.performance})" if p.result.grade else "-",
        ]
        for p in parts
    ]
    return [
        b.Table(
            "Tabel 3.7. IKM per jenis layanan",
            ["Jenis layanan", "Responden", "IKM", "Mutu pelayanan"],
            rows,
            [7, 2.5, 2.5, 4],
            numeric={1, 2},
        )
    ]


def _analysis_blocks(period: Period, unit: Unit, result, previous, highest, num) -> list:
    """BAB IV.A from the data: for each priority element its score and grade, the distance
    to the next grade, the change from the previous period with both intervals, the share
    of answers 1-2, the complaints tagged to it (complaints only, de-duplicated, counted)
    and the follow-up proposed; then the strongest elements, without quotations."""
    from skm.surveys.lexicon import complaint_themes
    from skm.surveys.suggestions import suggestion_reviews_backfill, suggestions_for

    suggestion_reviews_backfill(unit=unit, period=period)
    planned = _planned_items(period, unit)
    out: list = []
    priorities = [result.element(code) for code in result.priorities]
    priorities = [e for e in priorities if e is not None and e.score is not None]
    if not priorities:
        out.append(b.Para("Belum ada unsur yang dapat dinilai pada periode ini."))
    for number, e in enumerate(priorities, 1):
        out.append(b.Heading(f"{number}. {e.code} {e.name}", level=3))
        facts = [
            f"Nilai unsur {num(e.score_text)} (NRR {num(e.nrr_text)}), mutu {e.grade.letter} "
            f"({e.grade.performance}). {_next_grade(e.score_text, num)}"
        ]
        if previous is not None:
            before = previous.result.element(e.code)
            if before is not None and before.score is not None:
                diff = round_half_up(e.score - before.score, 2)
                word = "naik" if diff > 0 else "turun" if diff < 0 else "tetap"
                judged = comparable(result, previous.result)
                facts.append(
                    f"Dibanding {previous.period.name} ({num(before.score_text)}"
                    + (
                        f"; selang kepercayaan 95% {_ci(before.ci95, num)}"
                        if before.ci95 and judged
                        else ""
                    )
                    + f"), nilai {word}"
                    + (f" {num(str(abs(diff)))} poin" if diff else "")
                    + (f" (periode ini: {_ci(e.ci95, num)})" if e.ci95 and judged else "")
                    + (
                        "; kedua selang tidak bertumpang tindih, sehingga perubahannya nyata."
                        if element_significant(result, previous.result, e.code)
                        else "; kedua selang bertumpang tindih, sehingga perubahannya belum dapat"
                        " disebut nyata."
                        if judged
                        else "; sampel salah satu periode belum mencukupi, sehingga perubahannya"
                        " belum dapat disebut nyata."
                    )
                )
        low = e.counts[0] + e.counts[1]
        if e.answered:
            share = round_half_up(Fraction(100 * low, e.answered), 1)
            facts.append(
                f"{num(str(share))}% responden ({num(str(low))} dari {num(str(e.answered))}) "
                "memberi nilai 1 atau 2 pada unsur ini."
            )
        texts = list(
            suggestions_for(unit, period, element=e.code).values_list("suggestion", flat=True)
        )
        themes = complaint_themes(texts)
        if themes:
            facts.append(
                "Keluhan dan permintaan dalam saran responden yang terkait unsur ini: "
                + "; ".join(f"\u201c{t}\u201d ({num(str(c))} responden)" for t, c in themes)
                + "."
            )
        else:
            facts.append("Tidak ada keluhan tertulis dalam saran responden yang terkait unsur ini.")
        items = planned.get(e.code, [])
        if items:
            facts.append(
                "Tindak lanjut yang direncanakan: "
                + "; ".join(
                    f"{i.activity.strip().rstrip('.')} "
                    f"({', '.join(f'TW {q}' for q in i.quarter_list)} {i.year}, "
                    f"{i.owner_title})"
                    for i in items
                )
                + "."
            )
        else:
            facts.append("Rencana tindak lanjut untuk unsur ini belum disusun.")
        out.extend(b.Para(f) for f in facts)
    if highest:
        out.append(b.Para("Unsur dengan nilai tertinggi (kelebihan):", indent=False))
        out.append(
            b.Bullets(
                [
                    f"{e.code} {e.name}: {num(e.score_text)} (mutu {e.grade.letter}, "
                    f"{e.grade.performance})"
                    for e in highest
                ]
            )
        )
    return out


def _ci(ci: tuple[str, str] | None, num) -> str:
    return f"{num(ci[0])} sampai {num(ci[1])}" if ci else "-"


def _next_grade(score_text: str, num) -> str:
    """How far a printed score is from the next grade up (Tabel II of the Permen)."""
    from decimal import Decimal

    from skm.method.grades import GRADE_TABLE

    score = Decimal(score_text)
    above = [(lowest, grade) for lowest, grade in GRADE_TABLE if lowest > score]
    if not above:
        return "Unsur ini sudah berada pada mutu tertinggi (A)."
    lowest, grade = above[-1]
    return (
        f"Diperlukan kenaikan {num(str(lowest - score))} poin untuk mencapai mutu "
        f"{grade.letter} ({num(str(lowest))})."
    )


def _planned_items(period: Period, unit: Unit) -> dict[str, list]:
    """The plan's items by element code (empty without a plan)."""
    from skm.plans.models import Plan
    from skm.plans.selectors import plan_view

    plan = Plan.objects.filter(unit=unit, period=period).first()
    if plan is None:
        return {}
    found: dict[str, list] = {}
    for p in plan_view(plan).priorities:
        found.setdefault(p.priority.element_code, []).extend(i.item for i in p.items)
    return found


def _conclusion(result, previous, num) -> list[str]:
    """BAB V.A in its own words (never the summary's sentences again)."""
    if result.ikm_text is None:
        return [
            "Nilai IKM periode ini belum dapat disimpulkan karena ada unsur yang belum dijawab."
        ]
    lines = [
        f"Secara keseluruhan kualitas pelayanan berada pada mutu {result.grade.letter} "
        f"({result.grade.performance}) dengan IKM {num(result.ikm_text)}."
    ]
    weak = [result.element(c) for c in result.priorities]
    weak = [e for e in weak if e is not None and e.score is not None]
    if weak:
        lines.append(
            "Perbaikan paling dibutuhkan pada "
            + _join([f"{e.name} ({num(e.score_text)}, mutu {e.grade.letter})" for e in weak])
            + "."
        )
    if previous is not None and result.ikm is not None and previous.result.ikm is not None:
        diff = round_half_up(result.ikm - previous.result.ikm, 2)
        real = ikm_significant(result, previous.result)
        trend = "membaik" if diff > 0 else "menurun" if diff < 0 else "tidak berubah"
        lines.append(
            f"Dibanding {previous.period.name}, kinerja pelayanan {trend}"
            + ("" if diff == 0 else (" secara nyata" if real else ", tetapi belum secara nyata"))
            + "."
        )
    if result.sample is not None and not result.sample.reached:
        lines.append(
            "Jumlah responden belum memenuhi sampel minimal, sehingga hasil ini perlu dibaca "
            "dengan hati-hati."
        )
    return lines


def _recommendations(period: Period, unit: Unit, result) -> list:
    """BAB V.B: who does what for each priority (from the plan); a plain list otherwise."""
    planned = _planned_items(period, unit)
    rows = []
    for code in result.priorities:
        e = result.element(code)
        if e is None:
            continue
        items = planned.get(code, [])
        if items:
            rows += [f"{e.name}: {i.owner_title} {_lower_first(i.activity)}" for i in items]
        else:
            rows.append(f"{e.name}: rencana tindak lanjut perlu disusun oleh unit.")
    return [b.Bullets(rows)] if rows else []


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _join(parts: list[str]) -> str:
    return fmt.join_names(parts)


def _plan_blocks(period: Period, unit: Unit, num) -> list:
    from skm.plans.models import Plan
    from skm.plans.selectors import plan_view

    plan = Plan.objects.filter(unit=unit, period=period).first()
    if plan is None:
        return [b.Para("Rencana tindak lanjut belum disusun untuk periode ini.")]
    view = plan_view(plan)
    rows = [
        [
            i.number,
            p.priority.element_name,
            i.item.activity,
            ", ".join(f"TW {q}" for q in i.item.quarter_list),
            str(i.item.year),
            i.item.owner_title,
            i.item.get_status_display(),
        ]
        for p in view.priorities
        for i in p.items
    ]
    return [
        b.Table(
            "Tabel 4.1. Rencana tindak lanjut",
            ["No", "Unsur", "Program/kegiatan", "Waktu", "Tahun", "Penanggung jawab", "Status"],
            rows,
            [1.1, 2.4, 5.1, 1.7, 1.5, 2.4, 1.8],
            numeric={0, 4},
        ),
        # The sentence's percentage (e.g. 66.67%) in the document's number style.
        b.Para(re.sub(r"\d+(?:\.\d+)?(?=%)", lambda m: num(m.group()), view.sentence())),
    ]


def _trend_blocks(trend, result, num, d: str) -> list:
    if len(trend) < 2:
        return [
            b.Para("Belum ada periode sebelumnya (dalam dua tahun terakhir) untuk dibandingkan.")
        ]
    rows = [
        [
            row.period.name,
            num(str(row.result.respondents)),
            num(row.result.ikm_text),
            f"{row.result.grade.letter}" if row.result.grade else "-",
            num(row.change) if row.change else "-",
            "ya" if row.significant else "tidak" if row.change else "-",
        ]
        for row in trend
    ]
    chart = line_chart(
        [row.period.name for row in trend],
        [Series("IKM", [row.result.ikm_text for row in trend])],
        title="IKM antarperiode",
        decimal=d,
    )
    element_rows = []
    for e in result.elements:
        values = []
        for row in trend:
            try:
                values.append(num(row.result.element(e.code).score_text))
            except KeyError:
                values.append("-")
        significant = element_significant(trend[-1].result, trend[-2].result, e.code)
        element_rows.append([e.name, *values, "ya" if significant else "tidak"])
    width = max(1.6, 8.0 / len(trend))
    return [
        b.Table(
            "Tabel 4.2. Tren IKM",
            ["Periode", "Responden", "IKM", "Mutu", "Perubahan", "Bermakna"],
            rows,
            [4, 2.2, 2, 1.6, 2.4, 2.2],
            numeric={1, 2, 3, 4, 5},
        ),
        b.Figure(chart, "Gambar 4.1. IKM antarperiode", width_cm=13),
        b.Table(
            "Tabel 4.3. Nilai unsur antarperiode",
            ["Unsur", *[row.period.name for row in trend], "Bermakna"],
            element_rows,
            [5, *[width] * len(trend), 2],
            numeric=set(range(1, len(trend) + 2)),
        ),
    ]


def _questionnaire_blocks(period: Period) -> list:
    rows = [
        [
            str(i),
            f"{e.name}: {e.question}",
            f"1 {e.label_1}; 2 {e.label_2}; 3 {e.label_3}; 4 {e.label_4}",
        ]
        for i, e in enumerate(questionnaire_elements(period), 1)
    ]
    return [
        b.Para(
            f"Kuesioner yang digunakan: {period.questionnaire.name}"
            f" (versi {period.questionnaire.version}).",
            indent=False,
        ),
        b.Table("", ["No", "Unsur dan pertanyaan", "Pilihan jawaban"], rows, [1, 8.5, 6.5]),
    ]


def _olah_data_blocks(result, num) -> list:
    rows = [
        [
            e.code,
            e.name,
            *(num(str(c)) for c in e.counts),
            num(str(e.answered)),
            num(str(e.total)),
            num(e.nrr_text),
            num(str(e.weight.numerator) + "/" + str(e.weight.denominator)),
            num(e.score_text),
        ]
        for e in result.elements
    ]
    return [
        b.Table(
            "Tabel L.2. Olah data per unsur",
            [
                "Kode",
                "Unsur",
                "Nilai 1",
                "Nilai 2",
                "Nilai 3",
                "Nilai 4",
                "Menjawab",
                "Jumlah nilai",
                "NRR",
                "Bobot",
                "IKM unsur",
            ],
            rows,
            [1.4, 5.6, 1.6, 1.6, 1.6, 1.6, 2, 2.2, 1.8, 1.6, 2],
            numeric=set(range(2, 11)),
        ),
        b.Para(
            f"Nilai indeks = {num(result.index_text)}; IKM = nilai indeks x 25 = "
            f"{num(result.ikm_text)}.",
            indent=False,
        ),
    ]


def _documentation_blocks(period: Period, unit: Unit, public_only: bool) -> list:
    """Lampiran 3: the photos of the survey itself (SurveyPhoto: the kiosk, the paper
    questionnaires, an FGD), each with its caption. The follow-up's photos (plan evidence)
    belong to the Laporan Tindak Lanjut and are never printed here. Without photos the
    appendix is left out (the report page names it as not filled in)."""
    from skm.plans.evidence import evidence_path

    rows = list(_survey_photos(period, unit, public_only))
    if not rows:
        return []
    return [
        b.Heading("Lampiran 3. Dokumentasi Pelaksanaan Survei", level=2),
        *(
            b.Picture(str(evidence_path(row.stored_name)), row.caption or row.original_name)
            for row in rows
        ),
    ]


def _previous_followup_blocks(period: Period, unit: Unit, d: str, *, number: int) -> list:
    """The appendix "Laporan Hasil Tindak Lanjut SKM pada Periode Sebelumnya" of
    KemenPANRB's report template: the plan of the unit's latest period that ended before
    this one began (skm.plans.services.previous_plan), each item with its element, activity,
    schedule, status and realisation, and date done, then the % realised with the official
    formula. Without an earlier plan, one sentence says so (no empty table). Numbered after
    the survey's documentation, which is left out without photos."""
    from skm.plans.selectors import plan_view
    from skm.plans.services import previous_plan
    from skm.reports.pekppp import realisation_formula

    heading = b.Heading(
        f"Lampiran {number}. Laporan Hasil Tindak Lanjut SKM pada Periode Sebelumnya", level=2
    )
    plan = previous_plan(period, unit)
    if plan is None:
        return [
            heading,
            b.Para(
                "Belum ada rencana tindak lanjut hasil SKM pada periode sebelumnya, sehingga "
                "belum ada tindak lanjut yang dilaporkan."
            ),
        ]
    earlier = plan.period
    earlier_label = fmt.period_label(
        earlier.kind, earlier.start_date, earlier.end_date, earlier.name
    )
    view = plan_view(plan)
    rows = []
    for p in view.priorities:
        for i in p.items:
            item = i.item
            realisation = item.get_status_display()
            if item.description:
                realisation += ": " + " ".join(item.description.split())
            rows.append(
                [
                    i.number,
                    p.priority.element_name,
                    item.activity,
                    ", ".join(f"TW {q}" for q in item.quarter_list) + f" {item.year}",
                    realisation,
                    fmt.date_long(item.done_on) if item.done_on else "-",
                ]
            )
    out = [
        heading,
        b.Para(
            f"Rencana tindak lanjut hasil SKM {earlier_label} dan realisasinya"
            + ("." if plan.is_final else " (rencana tersebut masih berstatus draf).")
        ),
    ]
    if not rows:
        out.append(b.Para("Rencana tindak lanjut periode tersebut belum memuat kegiatan."))
        return out
    formula = realisation_formula(view.planned, view.realised, d)
    out += [
        b.Table(
            f"Tabel L.{number}. Realisasi rencana tindak lanjut {earlier_label}",
            ["No", "Unsur", "Program/kegiatan", "Waktu", "Status dan realisasi", "Selesai"],
            rows,
            [1.1, 3.0, 4.2, 2.1, 3.5, 2.1],
            numeric={0},
        ),
        b.Para(f"{formula}."),
    ]
    return out


def _survey_photos(period: Period, unit: Unit, public_only: bool):
    from skm.reports.models import SurveyPhoto

    rows = SurveyPhoto.objects.filter(unit=unit, period=period).order_by("uploaded_at", "pk")
    return rows.filter(public=True) if public_only else rows


def _foreword(paras: list) -> list:
    """The Kata Pengantar after the cover, before the table of contents; nothing when its
    text is empty."""
    return [b.Heading("KATA PENGANTAR", new_page=True), *paras] if paras else []


def _section(unit: Unit, period: Period, key: str, label: str) -> str:
    return section_text(unit, period, RESULTS, key, label).strip()


def _team_blocks(unit: Unit, period: Period, label: str) -> list:
    """BAB II A: the survey team (one member per line: position | role in the team) and
    the decree (SK) that formed it; nothing for what the unit has not filled in."""
    from skm.reports.texts import rows as two_columns

    team = two_columns(_section(unit, period, "tim", label))
    decree = " ".join(_section(unit, period, "sk", label).split()).rstrip(".")
    out: list = []
    if team:
        out.append(
            b.Para(
                "Susunan tim SKM adalah sebagai berikut"
                + (f", ditetapkan dengan {decree}." if decree else ".")
            )
        )
        out.append(
            b.Table(
                "Tabel 2.1. Susunan tim SKM",
                ["No", "Jabatan", "Kedudukan dalam tim"],
                [[str(i), name, role or "-"] for i, (name, role) in enumerate(team, 1)],
                [1.2, 9.3, 5.5],
                numeric={0},
            )
        )
    elif decree:
        out.append(b.Para(f"Tim SKM ditetapkan dengan {decree}."))
    return out


def _schedule_blocks(unit: Unit, period: Period, label: str) -> list:
    """BAB II D: the schedule, one stage per line (stage | dates); by default the period's
    dates for data collection."""
    from skm.reports.texts import rows as two_columns

    stages = two_columns(_section(unit, period, "jadwal", label))
    if not stages:
        return []
    return [
        b.Table(
            "Tabel 2.2. Jadwal pelaksanaan survei",
            ["No", "Tahapan", "Waktu"],
            [[str(i), stage, when or "-"] for i, (stage, when) in enumerate(stages, 1)],
            [1.2, 6.3, 8.5],
            numeric={0},
        )
    ]


def results_missing(period: Period, unit: Unit) -> dict[str, list[str]]:
    """For the report page, never printed: the Laporan Hasil's own fields still empty
    ("missing") and those still holding the default text ("default")."""
    from skm.reports.models import ReportText
    from skm.reports.texts import REQUIRED, REVIEW

    edited = set(
        ReportText.objects.filter(unit=unit, period=period, report=RESULTS)
        .exclude(text="")
        .values_list("key", flat=True)
    )
    missing = [name for key, name in REQUIRED.items() if key not in edited]
    if not _survey_photos(period, unit, False).exists():
        missing.append("Dokumentasi Pelaksanaan Survei")
    return {
        "missing": missing,
        "default": [name for key, name in REVIEW.items() if key not in edited],
    }
