"""Default narrative texts of the reports, written for this system from the content of the
regulations (not copied from any unit's report). A unit may rewrite each section per period
(ReportText); sentences that state figures are always generated from the data.

Placeholders: {unit} the unit's name, {period} the period label ("Semester I Tahun 2025"),
{collection} the period's dates ("1 Januari 2025 sampai dengan 30 Juni 2025").

Some sections of the Laporan Hasil are the period's own facts rather than prose: the survey
team ("tim", one member per line: position | role in the team), its decree ("sk") and the
schedule ("jadwal", one stage per line: stage | dates). The team and the decree have no
default (empty until the unit fills them in: the report page says so, the document prints
nothing for them); the schedule defaults to the period's dates for data collection.
"""

from __future__ import annotations

FOLLOWUP = "tindak-lanjut"
RESULTS = "hasil"

DEFAULTS: dict[str, dict[str, str]] = {
    FOLLOWUP: {
        "bab1": (
            "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik menempatkan "
            "partisipasi masyarakat sebagai salah satu asas penyelenggaraan pelayanan publik: "
            "pengguna layanan berhak menilai pelayanan yang mereka terima, dan penyelenggara "
            "wajib menjadikan penilaian itu dasar perbaikan. Peraturan Pemerintah Nomor 96 "
            "Tahun 2012 menjabarkan bentuk keikutsertaan masyarakat tersebut.\n\n"
            "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 "
            "Tahun 2017 mewajibkan setiap unit penyelenggara pelayanan publik melaksanakan "
            "Survei Kepuasan Masyarakat (SKM) secara berkala, paling sedikit sekali setahun, "
            "menghitung Indeks Kepuasan Masyarakat (IKM) atas sembilan unsur pelayanan, "
            "mempublikasikan hasilnya, dan menindaklanjutinya dengan rencana perbaikan yang "
            "diprioritaskan pada unsur dengan nilai terendah.\n\n"
            "Laporan ini menyajikan rencana tindak lanjut {unit} atas hasil SKM {period}, "
            "pelaksanaannya, serta kesimpulan dan strategi agar perbaikan berlanjut. Capaian "
            "tindak lanjut ini juga menjadi bahan Pemantauan dan Evaluasi Kinerja Penyelenggaraan "
            "Pelayanan Publik (PEKPPP) menurut Peraturan Menteri PANRB Nomor 29 Tahun 2022."
        ),
        "bab2_intro": (
            "Hasil SKM {unit} {period} untuk setiap unsur pelayanan tercantum pada tabel berikut."
        ),
        "bab2_plan": (
            "Rencana tindak lanjut disusun untuk unsur-unsur tersebut, dengan memperhatikan "
            "saran dan masukan responden, dan dijadwalkan per triwulan dengan penanggung jawab "
            "yang jelas sebagaimana tercantum pada tabel berikut."
        ),
        "bab3_intro": (
            "Pelaksanaan rencana tindak lanjut sampai dengan laporan ini disusun adalah sebagai "
            "berikut."
        ),
        "bab4_strategy": (
            "Agar perbaikan tetap berjalan dan hasilnya terjaga, disusun strategi penyelesaian "
            "berikut bersama para pemangku kepentingan."
        ),
    },
}

DEFAULTS[RESULTS] = {
    "kata_pengantar": (
        "Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa, karena atas rahmat-Nya "
        "Laporan Hasil Survei Kepuasan Masyarakat (SKM) {unit} {period} dapat diselesaikan.\n\n"
        "Survei ini dilaksanakan sesuai Peraturan Menteri PANRB Nomor 14 Tahun 2017 untuk "
        "mengetahui pendapat masyarakat atas pelayanan yang mereka terima. Hasilnya menjadi "
        "dasar perbaikan pelayanan pada periode berikutnya dan dipublikasikan kepada "
        "masyarakat.\n\n"
        "Terima kasih kami sampaikan kepada masyarakat pengguna layanan yang telah meluangkan "
        "waktu mengisi kuesioner, serta kepada tim SKM dan semua pihak yang membantu "
        "pelaksanaan survei. Saran dan masukan untuk penyempurnaan laporan ini kami terima "
        "dengan senang hati."
    ),
    "ringkasan": (
        "Hasil ini menjadi dasar rencana tindak lanjut {unit} dan dipublikasikan kepada "
        "masyarakat sesuai ketentuan."
    ),
    "latar_belakang": (
        "Pelayanan publik yang baik adalah pelayanan yang sesuai dengan kebutuhan dan harapan "
        "penggunanya. Untuk mengetahuinya, penyelenggara perlu bertanya langsung kepada "
        "masyarakat yang menerima layanan, secara teratur dan dengan cara yang dapat "
        "dibandingkan dari waktu ke waktu.\n\n"
        "Peraturan Menteri PANRB Nomor 14 Tahun 2017 menetapkan Survei Kepuasan Masyarakat "
        "(SKM) sebagai cara pengukuran tersebut, dengan sembilan unsur pelayanan, skala "
        "penilaian yang seragam dan cara perhitungan Indeks Kepuasan Masyarakat (IKM) yang "
        "sama bagi semua penyelenggara. {unit} melaksanakan SKM {period} berdasarkan pedoman "
        "tersebut."
    ),
    "dasar": (
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik\n"
        "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 "
        "Tahun 2009 tentang Pelayanan Publik\n"
        "Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan "
        "Masyarakat Unit Penyelenggara Pelayanan Publik\n"
        "Peraturan Menteri PANRB Nomor 29 Tahun 2022 tentang Pemantauan dan Evaluasi Kinerja "
        "Penyelenggaraan Pelayanan Publik"
    ),
    "maksud_tujuan": (
        "SKM dimaksudkan untuk mengetahui tingkat kepuasan pengguna layanan {unit} terhadap "
        "pelayanan yang diterima. Tujuannya: mengetahui kelemahan dan kelebihan setiap unsur "
        "pelayanan, menetapkan prioritas perbaikan, mengukur kecenderungan kepuasan dari "
        "periode ke periode, dan menyediakan dasar bagi kebijakan peningkatan kualitas "
        "pelayanan."
    ),
    "pelaksana": (
        "Survei dilaksanakan oleh tim SKM {unit}. Data dikumpulkan dan diolah dengan sistem "
        "SKM, sehingga angka pada laporan ini sama dengan angka pada dasbor dan data terbuka."
    ),
    "tim": "",
    "sk": "",
    "lokasi": "Survei dilaksanakan di tempat pelayanan {unit} dan melalui formulir daring.",
    "jadwal": "Pengumpulan data | {collection}",
    "kesimpulan": (
        "Unsur-unsur dengan nilai terendah menjadi prioritas rencana tindak lanjut pada "
        "periode berikutnya, dengan memperhatikan saran dan masukan responden."
    ),
    "rekomendasi": (
        "Menindaklanjuti unsur prioritas sesuai rencana tindak lanjut, mempertahankan unsur "
        "dengan nilai tertinggi, mempublikasikan hasil survei dan tindak lanjutnya kepada "
        "masyarakat, serta melaksanakan survei berikutnya dengan cara yang sama agar hasilnya "
        "dapat dibandingkan."
    ),
}

TITLES: dict[str, dict[str, str]] = {
    FOLLOWUP: {
        "bab1": "BAB I Latar Belakang",
        "bab2_intro": "BAB II pembuka (sebelum Tabel 1)",
        "bab2_plan": "BAB II sebelum Tabel 2",
        "bab3_intro": "BAB III pembuka",
        "bab4_strategy": "BAB IV sebelum tabel strategi",
    },
    RESULTS: {
        "kata_pengantar": "Kata Pengantar (sebelum Ringkasan)",
        "ringkasan": "Ringkasan eksekutif (setelah angka-angka)",
        "latar_belakang": "BAB I A. Latar Belakang",
        "dasar": "BAB I B. Dasar Pelaksanaan (satu per baris)",
        "maksud_tujuan": "BAB I C. Maksud dan Tujuan",
        "pelaksana": "BAB II A. Pelaksana",
        "tim": (
            "BAB II A. Tim pelaksana (satu anggota per baris: jabatan | kedudukan dalam tim, "
            "mis. Sekretaris Dinas | Penanggung jawab)"
        ),
        "sk": (
            "BAB II A. SK tim (keputusan, nomor dan tanggal, mis. Keputusan Kepala Dinas "
            "Nomor 400.14/012/2025 tanggal 2 Januari 2025)"
        ),
        "lokasi": "BAB II C. Lokasi",
        "jadwal": (
            "BAB II D. Jadwal (satu tahapan per baris: tahapan | waktu, mis. Persiapan | "
            "2-31 Desember 2024)"
        ),
        "kesimpulan": "BAB V A. Kesimpulan (setelah angka-angka)",
        "rekomendasi": "BAB V B. Rekomendasi",
    },
}


# Sections of the Laporan Hasil that the report page names when they are empty, and those
# it names while they still hold the default (docs/reports.md).
REQUIRED = {"tim": "Tim pelaksana", "sk": "SK tim"}
REVIEW = {"kata_pengantar": "Kata Pengantar", "jadwal": "Jadwal"}


def collection_dates(period) -> str:
    """The period's dates as the schedule prints them."""
    from skm.reports.formatting import date_long

    return f"{date_long(period.start_date)} sampai dengan {date_long(period.end_date)}"


def default_text(report: str, key: str, *, unit: str, period: str, collection: str = "") -> str:
    return DEFAULTS[report][key].format(unit=unit, period=period, collection=collection)


def rows(text: str) -> list[tuple[str, str]]:
    """The lines of a two-column section (tim, jadwal): "left | right" each; a line without
    a bar is all left. Empty lines are skipped."""
    out = []
    for line in text.replace("\r\n", "\n").splitlines():
        left, _bar, right = line.partition("|")
        if left.strip() or right.strip():
            out.append((left.strip(), right.strip()))
    return out
