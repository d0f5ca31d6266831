"""Recognising the region of a complaint from informal text: kab/kota ambiguity, marker words,
districts and villages only with support, provinces narrowing the choice, informal names,
typos, and no place found in sentences that name none. Codes are Kemendagri's, from the CSVs."""

import statistics
import time
from pathlib import Path

import pytest

from routing.gazetteer import Gazetteer, Place

REGIONS = Path(__file__).resolve().parents[2].parent / "shared/data/regions"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(REGIONS)


def codes(places: list[Place]) -> list[str]:
    return [place.region_code for place in places]


@pytest.mark.parametrize(
    ("text", "expected", "evidence"),
    [
        (
            "jln di depan pasar soreang kab bandung rusak parah",
            "32.04.37",  # Kecamatan Soreang, Kabupaten Bandung
            "soreang, kab bandung",
        ),
        (
            "lampu jalan mati di kel. Sukajadi kota bandung",
            "32.73.07",  # Sukajadi is a kecamatan of Kota Bandung, not a kelurahan
            "kel. Sukajadi, kota bandung",
        ),
        (
            "desa sukamaju kec. cimaung kab bandung, jembatan putus",
            "32.04.17.2007",  # Desa Sukamaju, Kecamatan Cimaung
            "desa sukamaju, kec. cimaung, kab bandung",
        ),
        (
            "desa sukamaju kec. cibadak sukabumi",
            "32.02.11",  # no Sukamaju in Kecamatan Cibadak: the district is what is sure
            "kec. cibadak, sukabumi",
        ),
        (
            "SAYA WARGA KEC. MAJALAYA KAB. BANDUNG MOHON PERBAIKAN JALAN",
            "32.04.33",
            "KEC. MAJALAYA, KAB. BANDUNG",
        ),
        ("pungli di kantor kelurahan lebak bulus", "31.74.06.1002", "kelurahan lebak bulus"),
        (
            "kemacetan di lebak bulus jakarta selatan",
            "31.74.06.1002",
            "lebak bulus, jakarta selatan",
        ),
        ("air mati di dago bandung", "32.73.02.1004", "dago, bandung"),  # Kelurahan Dago
        ("Kota Administrasi Jakarta Selatan", "31.74", "Kota Administrasi Jakarta Selatan"),
        ("di jogja banyak jalan berlubang", "34.71", "jogja"),
        ("macet parah di kab bekasi", "32.16", "kab bekasi"),
        ("sampah menumpuk di Kota Bekasi", "32.75", "Kota Bekasi"),
        ("pelayanan samsat di medan lama", "12.71", "medan"),
        ("kec. hu'u dompu", "52.05.03", "kec. hu'u, dompu"),
    ],
)
def test_it_locates_the_most_specific_region_named(
    gazetteer: Gazetteer, text: str, expected: str, evidence: str
) -> None:
    places = gazetteer.locate(text)
    assert codes(places) == [expected]
    assert places[0].evidence == evidence
    assert 0 < places[0].confidence <= 1


@pytest.mark.parametrize(
    ("name", "kabupaten", "kota"),
    [
        ("bandung", "32.04", "32.73"),
        ("bekasi", "32.16", "32.75"),
        ("bogor", "32.01", "32.71"),
        ("malang", "35.07", "35.73"),
        ("tangerang", "36.03", "36.71"),
        ("semarang", "33.22", "33.74"),
        ("madiun", "35.19", "35.77"),
    ],
)
def test_kab_or_kota_settles_a_shared_name(
    gazetteer: Gazetteer, name: str, kabupaten: str, kota: str
) -> None:
    """A bare name gives both, each less sure, the city first; "kab"/"kota" gives one."""
    both = gazetteer.locate(f"banjir di {name} kemarin")
    assert codes(both) == [kota, kabupaten]
    assert both[0].confidence == both[1].confidence
    for marker, expected in (("kab.", kabupaten), ("kabupaten", kabupaten), ("kota", kota)):
        one = gazetteer.locate(f"banjir di {marker} {name} kemarin")
        assert codes(one) == [expected]
        assert one[0].confidence > both[0].confidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jalan rusak di kec coblong bandung", "32.73.02"),  # Coblong lies in Kota Bandung
        ("banjir di dayeuhkolot bandung", "32.04.12"),  # Dayeuhkolot in Kabupaten Bandung
        ("kec. cibadak, banten", "36.02.18"),  # the Cibadak of Kabupaten Lebak
        ("kec. cibadak jawa barat", "32.02.11"),  # the Cibadak of Kabupaten Sukabumi
        ("kota banjar jawa barat", "32.79"),
        ("banjar kalsel", "63.03"),  # Kabupaten Banjar, not Kota Banjar in Jawa Barat
    ],
)
def test_a_district_or_a_province_in_the_text_settles_the_choice(
    gazetteer: Gazetteer, text: str, expected: str
) -> None:
    assert codes(gazetteer.locate(text)) == [expected]


def test_combined_evidence_beats_either_alone(gazetteer: Gazetteer) -> None:
    district = gazetteer.locate("jalan rusak di kec. soreang")
    regency = gazetteer.locate("jalan rusak di kab bandung")
    both = gazetteer.locate("jalan rusak di kec. soreang kab bandung")
    assert set(codes(district)) == {"32.04.37", "73.72.03"}  # Soreang: Bandung and Parepare
    assert codes(regency) == ["32.04"]
    assert codes(both) == ["32.04.37"]
    assert both[0].confidence > max(p.confidence for p in [*district, *regency])


@pytest.mark.parametrize(
    "text",
    [
        "jalan di soreang rusak",  # a district without a marker or a regency
        "sukamaju",
        "desa sukamaju",  # over a hundred villages: nothing to go on
        "Tolong pak, jalan di Desa Cibadak sudah rusak",
    ],
)
def test_unsupported_district_and_village_names_are_not_trusted(
    gazetteer: Gazetteer, text: str
) -> None:
    assert gazetteer.locate(text) == []


def test_villages_that_agree_with_the_regency_all_come_back(gazetteer: Gazetteer) -> None:
    places = gazetteer.locate("sukamaju kab bandung")
    assert set(codes(places)) == {"32.04.17.2007", "32.04.33.2008"}
    assert places[0].confidence == places[1].confidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jawa barat", "32"),
        ("jabar", "32"),
        ("JATENG", "33"),
        ("jatim", "35"),
        ("sumut", "12"),
        ("sulsel", "73"),
        ("ntt", "53"),
        ("ntb", "52"),
        ("diy", "34"),
        ("dki", "31"),
        ("jkt", "31"),
        ("provinsi kepulauan riau", "21"),
        ("riau", "14"),
        ("jakut", "31.72"),
        ("jaksel", "31.74"),
        ("yogya", "34.71"),
        ("sby", "35.78"),
        ("mks", "73.71"),
        ("solo", "33.72"),
        ("tangsel", "36.74"),
        ("kab bandung barat", "32.17"),
        ("pekan baru", "14.71"),
        ("pekanbaru", "14.71"),
        ("palangka raya", "62.71"),
    ],
)
def test_provinces_and_informal_names(gazetteer: Gazetteer, text: str, expected: str) -> None:
    assert codes(gazetteer.locate(f"di {text} ada masalah")) == [expected]


def test_bdg_is_bandung(gazetteer: Gazetteer) -> None:
    assert codes(gazetteer.locate("di bdg")) == ["32.73", "32.04"]
    assert codes(gazetteer.locate("kota bdg")) == ["32.73"]


def test_a_long_name_one_letter_off_is_still_found(gazetteer: Gazetteer) -> None:
    typo = gazetteer.locate("banjir di sidoarjoo")
    exact = gazetteer.locate("banjir di sidoarjo")
    assert codes(typo) == codes(exact) == ["35.15"]
    assert typo[0].confidence < exact[0].confidence
    assert codes(gazetteer.locate("kab. sukabumii")) == ["32.02"]


def test_two_places_both_come_back_best_first(gazetteer: Gazetteer) -> None:
    places = gazetteer.locate("bus dari kec. dayeuhkolot kab bandung ke kota bekasi mogok")
    assert codes(places) == ["32.04.12", "32.75"]
    assert places[0].confidence > places[1].confidence


@pytest.mark.parametrize(
    "text",
    [
        "saya mau tanya soal bpjs",
        "kota",
        "desa",
        "kota ini dan desa itu sama saja",
        "kecamatan kabupaten provinsi kelurahan",
        "banyak batu di jalan",  # Kota Batu needs a marker or Jawa Timur
        "malangnya nasib saya",  # never inside another word
        "bandungnya macet",
        "",
    ],
)
def test_no_place_in_sentences_that_name_none(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.locate(text) == []


ORDINARY = [
    "Selamat siang, saya ingin melaporkan bahwa bantuan PKH saya tidak cair sejak tiga bulan",
    "Mohon ditindaklanjuti, pelayanan di kantor kelurahan sangat lambat dan petugasnya tidak ramah",
    "Jalan rusak parah sudah bertahun-tahun tidak diperbaiki, banyak kendaraan jatuh",
    "lampu penerangan jalan umum mati total sejak minggu lalu, sangat gelap dan rawan begal",
    "Sampah menumpuk di pinggir jalan dekat pasar, baunya menyengat sekali",
    "Anak saya tidak diterima di sekolah negeri padahal rumah kami dekat, zonasi tidak adil",
    "Tolong pak, air PDAM tidak mengalir sudah seminggu",
    "KTP elektronik saya belum jadi padahal sudah rekam sejak tahun lalu, katanya blanko habis",
    "Kenapa tagihan listrik saya naik dua kali lipat bulan ini? token cepat habis",
    "Guru honorer belum menerima gaji selama empat bulan, mohon perhatian pemerintah",
    "Obat di puskesmas sering kosong, pasien disuruh beli di apotek luar",
    "Jembatan penghubung antar desa putus akibat banjir bandang",
    "Makan bergizi gratis di sekolah anak saya basi dan membuat siswa sakit perut",
    "Pengurusan sertifikat tanah di kantor pertanahan berbelit-belit",
    "Dana desa diduga diselewengkan oleh kepala desa, tidak ada transparansi",
    "Gas elpiji tiga kilo langka dan harganya di atas HET",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_no_false_positives_in_ordinary_complaints(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.locate(text) == []


def test_locating_a_long_text_takes_well_under_five_milliseconds(gazetteer: Gazetteer) -> None:
    text = (" ".join(ORDINARY) * 2)[:1950] + " di kec. soreang kab bandung"
    assert codes(gazetteer.locate(text)) == ["32.04.37"]
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        gazetteer.locate(text)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.005
