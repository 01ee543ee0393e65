"""Default narrative texts of the reports, written for this system from the content of the
regulations (not copied from any unit's report). A unit may rewrite each section per period
(ReportText); sentences that state figures are always generated from the data.

Placeholders: {unit} the unit's name, {period} the period label ("Semester I Tahun 2025").
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

TITLES: dict[str, dict[str, str]] = {
    FOLLOWUP: {
        "bab1": "BAB I Latar Belakang",
        "bab2_intro": "BAB II pembuka (sebelum Tabel 1)",
        "bab2_plan": "BAB II sebelum Tabel 2",
        "bab3_intro": "BAB III pembuka",
        "bab4_strategy": "BAB IV sebelum tabel strategi",
    },
}


def default_text(report: str, key: str, *, unit: str, period: str) -> str:
    return DEFAULTS[report][key].format(unit=unit, period=period)
