"""Typical follow-up activities per element: starting points for a plan, in our own words.

An agency replaces them with its own list (CatalogueActivity rows with its agency); until it
does, its units are offered these national defaults.
"""

from __future__ import annotations

DEFAULT_CATALOGUE: dict[str, tuple[str, ...]] = {
    "U1": (
        "Menyederhanakan dan menyeragamkan daftar persyaratan layanan, lalu mengumumkannya di loket, situs web dan media sosial.",
        "Menyediakan contoh formulir yang sudah diisi dan daftar periksa berkas di ruang tunggu.",
        "Menerima persyaratan dalam bentuk dokumen elektronik agar pemohon tidak perlu membawa fotokopi.",
    ),
    "U2": (
        "Meninjau standar operasional prosedur bersama pengguna layanan dan memangkas langkah yang tidak perlu.",
        "Memasang alur layanan bergambar di loket dan menerbitkannya di situs web.",
        "Menyediakan petugas informasi yang memandu pemohon sejak datang sampai selesai.",
    ),
    "U3": (
        "Memantau waktu penyelesaian setiap permohonan dan melaporkan yang melewati standar setiap bulan.",
        "Menambah loket atau petugas pada jam sibuk berdasarkan data antrean.",
        "Memberikan pembinaan agar pelayanan dimulai tepat pada jam layanan yang diumumkan.",
        "Menerapkan sistem antrean dengan nomor dan perkiraan waktu tunggu.",
    ),
    "U4": (
        "Mengumumkan secara terbuka bahwa layanan tidak dipungut biaya atau mengumumkan tarif resminya.",
        "Menyediakan saluran pengaduan khusus untuk pungutan di luar ketentuan.",
    ),
    "U5": (
        "Memeriksa mutu produk layanan sebelum diserahkan agar tidak ada kesalahan data.",
        "Mengumumkan jenis dan spesifikasi produk layanan beserta contohnya.",
    ),
    "U6": (
        "Mengikutsertakan petugas layanan dalam pelatihan teknis dan pelatihan pelayanan prima.",
        "Menyusun panduan jawaban atas pertanyaan yang sering diajukan pemohon.",
    ),
    "U7": (
        "Memberikan pembinaan kepada petugas agar menerapkan 5S (senyum, salam, sapa, sopan, santun).",
        "Menegakkan kode etik dan kode perilaku pelaksana layanan, dengan evaluasi berkala oleh atasan.",
        "Memberikan penghargaan kepada petugas dengan penilaian sikap terbaik dari pengguna layanan.",
    ),
    "U8": (
        "Menyediakan beberapa saluran pengaduan (kotak saran, telepon/WhatsApp, SP4N-LAPOR!) dan mengumumkannya.",
        "Menanggapi setiap pengaduan dalam batas waktu yang diumumkan dan mencatat tindak lanjutnya.",
    ),
    "U9": (
        "Menambah kursi, pendingin ruangan dan air minum di ruang tunggu.",
        "Menyediakan sarana bagi penyandang disabilitas, lansia dan ibu menyusui.",
        "Merawat toilet, tempat parkir dan kebersihan ruang pelayanan secara terjadwal.",
    ),
}
