"""Verification hints: the rejection reasons a report's text suggests to administrators, on
realistic sentences. Hints are suggestions, so the rules must not flag good reports: a theft
the police did not follow up is a police-service complaint, a stray dog is not an insult, and
no report of the seed corpus (all genuine public-service complaints) gets a reason other than
being short."""

from pathlib import Path

import pytest

from lapor.report.v1.events_pb2 import (
    REJECTION_REASON_ABUSIVE,
    REJECTION_REASON_INCOMPLETE,
    REJECTION_REASON_NOT_PUBLIC_SERVICE,
)
from routing.classifier import load_training
from routing.verification import hints

DATA = Path(__file__).resolve().parents[2] / "services/routing/routing/data"
GOOD = (
    "Jalan berlubang depan SDN 2",
    "Yth. Bapak/Ibu, jalan di depan SDN 2 Sukamaju Kec. Cibeber banyak lubang besar, kalau "
    "hujan tergenang dan tidak kelihatan. Sudah 3 anak sekolah jatuh dari motor bulan ini. "
    "Mohon segera diaspal ulang. Terima kasih.",
)


def reasons(title: str, body: str, region_known: bool = True) -> list[int]:
    return [hint.reason for hint in hints(title, body, region_known)]


def test_a_concrete_located_report_gets_no_hint() -> None:
    assert hints(*GOOD, region_known=True) == []


def test_a_short_report_is_incomplete_counting_words_without_greetings() -> None:
    [hint] = hints("Jalan rusak", "Yth bapak, jln rusak parah bgt. Mohon ditindaklanjuti", True)
    assert hint.reason == REJECTION_REASON_INCOMPLETE
    assert hint.explanation == (
        "Laporan terlalu singkat (6 kata) / The report is too short (6 words)"
    )


def test_no_region_and_no_place_in_the_text_is_incomplete() -> None:
    body = (
        "Petugas di loket itu selalu lama melayani warga dan tidak pernah ramah, antrean "
        "panjang setiap hari sampai sore dan banyak yang pulang tanpa dilayani"
    )
    [hint] = hints("Pelayanan lambat", body, region_known=False)
    assert hint.reason == REJECTION_REASON_INCOMPLETE
    assert hint.explanation.startswith("Lokasi tidak diketahui")
    assert " / The location is unknown" in hint.explanation
    assert hints("Pelayanan lambat", f"{body} di kantor kecamatan Cibiru", False) == []
    assert hints(*GOOD, region_known=False) == []


@pytest.mark.parametrize(
    "body",
    [
        "Pejabat dinas PU anj1ng semua, jalan rusak dibiarkan bertahun-tahun di kampung kami",
        "Dasar petugas t*i, disuruh kerja malah tidur, pelayanan samsat lambat sekali",
        "Pegawai kelurahan b4ngsat, surat pengantar saja seminggu tidak jadi di kantor itu",
        "kalian semua a n j i n g, laporan warga tidak pernah dibaca di kecamatan ini",
        "GOBLOKKK semua pegawai kantor desa kami, surat tanah ditahan terus tanpa alasan",
        "Kades kami memang bgst, dana desa dipakai beli mobil pribadi sementara jalan rusak",
    ],
)
def test_insults_are_found_also_in_disguise(body: str) -> None:
    found = hints("Keluhan", body, True)
    assert REJECTION_REASON_ABUSIVE in [hint.reason for hint in found]
    assert "Abusive language" in found[-1].explanation


@pytest.mark.parametrize(
    "body",
    [
        "Banyak anjing liar berkeliaran di kompleks perumahan, dua anak digigit anjing, "
        "mohon dinas peternakan menangkap dan memberi vaksin rabies",
        "Peternakan ayam di desa kami bau menyengat, tai ayam dibuang ke sungai sehingga air "
        "tercemar dan warga gatal-gatal",
        "Dokter puskesmas bilang tahi lalat anak saya harus dioperasi di rumah sakit tetapi "
        "rujukannya dipersulit petugas",
        "Babi hutan merusak sawah warga setiap malam, padi habis, mohon dinas pertanian "
        "membantu mengusir hama",
        "Bunga pinjaman koperasi 20% per bulan, KTP-el dan KK ditahan pengurus koperasi di desa",
    ],
)
def test_animals_excrement_and_numbers_are_not_insults(body: str) -> None:
    assert REJECTION_REASON_ABUSIVE not in reasons("Keluhan warga", body)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "Motor dicuri",
            "Motor saya dicuri tetangga tadi malam di depan rumah, saya minta pelakunya segera "
            "ditangkap dan dipenjara karena saya tahu siapa orangnya",
        ),
        (
            "KDRT",
            "Suami saya sering memukul saya dan anak-anak, ini KDRT, saya minta dia ditangkap "
            "dan dipenjara secepatnya",
        ),
        (
            "Revisi UU ITE",
            "Kami meminta DPR segera merevisi UU ITE karena banyak pasal karet yang dipakai untuk "
            "memenjarakan warga yang mengkritik",
        ),
        (
            "Utang tidak dibayar",
            "Tetangga saya meminjam uang 10 juta sejak dua tahun lalu dan sampai sekarang tidak "
            "mau membayar hutangnya, mohon pemerintah menagihnya",
        ),
        (
            "Warisan",
            "Kakak saya menguasai seluruh tanah warisan orang tua kami dan tidak mau membagi "
            "kepada adik-adiknya, mohon dibantu diselesaikan",
        ),
        (
            "Ayo dukung",
            "Ayo warga semua pilih paslon nomor urut 2 di pilkada nanti, beliau sudah terbukti "
            "membangun jalan dan sekolah di daerah kita",
        ),
    ],
)
def test_matters_outside_public_service_are_hinted(title: str, body: str) -> None:
    [hint] = hints(title, body, True)
    assert hint.reason == REJECTION_REASON_NOT_PUBLIC_SERVICE
    assert hint.explanation.startswith("Bukan pelayanan publik: ")
    assert " / Not a public service: " in hint.explanation


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "Laporan pencurian tidak ditindaklanjuti",
            "Motor saya dicuri bulan lalu dan sudah saya laporkan ke Polsek Cibeunying, tetapi "
            "sampai sekarang tidak ada tindak lanjut dan pelakunya belum ditangkap",
        ),
        (
            "Korban KDRT",
            "Saya korban KDRT oleh suami, mohon perlindungan dan pendampingan dari dinas "
            "pemberdayaan perempuan dan perlindungan anak kabupaten",
        ),
        (
            "Penipuan online",
            "Saya ditipu penjual online, uang sudah ditransfer barang tidak dikirim, mohon akun "
            "dan rekeningnya diblokir dan pelaku ditangkap",
        ),
        (
            "PKL di trotoar",
            "Sesuai Perda nomor 5 tahun 2019 tentang ketertiban umum, pemda wajib menertibkan "
            "PKL, mohon Satpol PP menegakkan aturan tersebut di trotoar Jalan Merdeka",
        ),
        (
            "Pinjol",
            "Pinjol ilegal menagih hutang saya dengan ancaman dan menyebar data ke teman dan "
            "saudara, mohon aplikasinya diblokir",
        ),
        (
            "Sertifikat warisan",
            "Balik nama sertifikat tanah warisan dari almarhum ayah ke kami adik kakak di BPN "
            "sudah delapan bulan belum selesai",
        ),
        (
            "Kampanye di sekolah",
            "Kepala sekolah mengajak guru dan orang tua murid memilih caleg tertentu dalam rapat "
            "komite, ini pelanggaran netralitas ASN",
        ),
        (
            "Bansos pilih kasih",
            "Pembagian bansos di desa kami pilih kasih, keluarga pak RT dapat semua sementara "
            "janda dan lansia tidak dapat apa-apa",
        ),
    ],
)
def test_public_service_complaints_about_the_same_topics_are_not_flagged(
    title: str, body: str
) -> None:
    assert REJECTION_REASON_NOT_PUBLIC_SERVICE not in reasons(title, body)


def test_no_seed_complaint_is_flagged_as_abusive_or_outside_public_service() -> None:
    flagged = [
        (example.title, hint.explanation)
        for example in load_training(DATA / "training.csv")
        for hint in hints(example.title, example.body, True)
        if hint.reason != REJECTION_REASON_INCOMPLETE
    ]
    assert flagged == []
