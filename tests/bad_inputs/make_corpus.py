"""Generate the bad-input corpus: one small project per case, each with one thing broken.

Every case starts from a copy of ``config/regions.yaml`` and the shipped ``kemuning`` region
(``data/raw/kemuning/``, 380 ASN) and breaks exactly one thing: a file, a header, a cell, the
codebook or the registry. Nothing here is a hand-edited binary: the broken XLSX files are cut,
replaced by seeded random bytes or built with openpyxl from the shipped workbook.

    python tests/bad_inputs/make_corpus.py OUT_DIR      # writes OUT_DIR/<case>/...

The documented outcome of every case is in ``README.md`` beside this script (and in
:data:`CASES`); ``tests/test_bad_inputs.py`` checks each one against the real functions.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
REGION = "kemuning"
SEED = 20250630

ROSTER = "roster_pegawai.csv"
TRAINING = "riwayat_pelatihan.csv"
SURVEY = "survei_reaksi_pelatihan.csv"
TESTS = "tes_pre_post.csv"
BUDGETS = "anggaran_proyek.xlsx"
CODEBOOK = "codebook.csv"

# the survey item used by the Likert cases, and its clean name in the codebook
SURVEY_ITEM = "Kepuasan terhadap materi pelatihan"
SURVEY_ITEM_NAME = "training_satisfaction_1"
EN_DASH_UNIT = "Dinas Pendidikan \u2013 Bidang SD"


@dataclass(frozen=True)
class Case:
    """One broken input and what the code must do with it."""

    name: str
    target: str  # the file broken (relative to data/raw/kemuning, or config/regions.yaml)
    what: str  # what is broken
    outcome: str  # the documented outcome
    make: Callable[[Path, Path], None]  # (project root, region folder) -> None
    region: str = REGION  # the shipped region the project copies


# --------------------------------------------------------------------------------------------
# small CSV helpers (the shipped files are UTF-8, LF line ends)
# --------------------------------------------------------------------------------------------


def _read_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _write_rows(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    path.write_text(_csv_text(rows, delimiter), encoding="utf-8", newline="")


def _set_cell(path: Path, row: int, column: str, value: str, delimiter: str = ",") -> None:
    """Set data row ``row`` (1-based, header excluded) of ``column``."""
    rows = _read_rows(path, delimiter)
    rows[row][rows[0].index(column)] = value
    _write_rows(path, rows, delimiter)


# --------------------------------------------------------------------------------------------
# the breaks
# --------------------------------------------------------------------------------------------


def _empty_file(root: Path, region: Path) -> None:
    (region / ROSTER).write_bytes(b"")


def _header_only(root: Path, region: Path) -> None:
    rows = _read_rows(region / SURVEY)
    _write_rows(region / SURVEY, rows[:1])


def _semicolon_delimiter(root: Path, region: Path) -> None:
    _write_rows(region / ROSTER, _read_rows(region / ROSTER), delimiter=";")


def _unsupported_delimiter(root: Path, region: Path) -> None:
    _write_rows(region / ROSTER, _read_rows(region / ROSTER), delimiter="#")


def _cp1252_in_ascii(root: Path, region: Path) -> None:
    """A UTF-8 export with one cp1252 byte (0x96, an en dash) typed into row 3."""
    rows = _read_rows(region / SURVEY)
    rows[3][rows[0].index("Unit Kerja")] = "@@DASH@@"
    data = _csv_text(rows).encode("utf-8").replace(b"@@DASH@@", EN_DASH_UNIT.encode("cp1252"))
    (region / SURVEY).write_bytes(data)


def _mixed_encoding(root: Path, region: Path) -> None:
    """Row 1 holds the en dash as UTF-8, row 3 as cp1252: the file is neither encoding."""
    rows = _read_rows(region / SURVEY)
    unit = rows[0].index("Unit Kerja")
    rows[1][unit] = EN_DASH_UNIT
    rows[3][unit] = "@@DASH@@"
    data = _csv_text(rows).encode("utf-8").replace(b"@@DASH@@", EN_DASH_UNIT.encode("cp1252"))
    (region / SURVEY).write_bytes(data)


def _utf8_bom(root: Path, region: Path) -> None:
    text = (region / ROSTER).read_bytes()
    (region / ROSTER).write_bytes(codecs.BOM_UTF8 + text)


def _utf16_bom(root: Path, region: Path) -> None:
    text = (region / ROSTER).read_text(encoding="utf-8")
    (region / ROSTER).write_bytes(text.replace("\n", "\r\n").encode("utf-16"))  # BOM + LE


def _truncated_xlsx(root: Path, region: Path) -> None:
    data = (region / BUDGETS).read_bytes()
    (region / BUDGETS).write_bytes(data[: len(data) // 2])


def _random_bytes_xlsx(root: Path, region: Path) -> None:
    (region / BUDGETS).write_bytes(random.Random(SEED).randbytes(8192))


def _encrypted_xlsx(root: Path, region: Path) -> None:
    """What Excel writes for a password-protected workbook: an OLE2 compound file
    (``D0 CF 11 E0``) holding the encrypted package, not a ZIP."""
    ole2 = bytes.fromhex("D0CF11E0A1B11AE1")
    (region / BUDGETS).write_bytes(ole2 + random.Random(SEED + 1).randbytes(8184))


def _two_header_rows(root: Path, region: Path) -> None:
    """A group row above the header, as a merged 'Identitas' / 'Kepuasan' banner exports."""
    rows = _read_rows(region / SURVEY)
    banner = ["Identitas responden", "", "", "", "Kepuasan terhadap pelatihan", "", "", "", ""]
    _write_rows(region / SURVEY, [banner, *rows])


def _two_header_rows_xlsx(root: Path, region: Path) -> None:
    """The budget workbook with a merged banner row above the header (built with openpyxl)."""
    import openpyxl

    path = region / BUDGETS
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.insert_rows(1)
    sheet["A1"] = "Kegiatan"
    sheet["E1"] = "Tahun 2023"
    sheet["H1"] = "Tahun 2024"
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("E1:G1")
    sheet.merge_cells("H1:J1")
    workbook.save(path)


def _duplicated_columns(root: Path, region: Path) -> None:
    rows = _read_rows(region / ROSTER)
    column = rows[0].index("Jabatan")
    rows[0][column] = "Unit Kerja"  # two 'Unit Kerja' columns with different values
    _write_rows(region / ROSTER, rows)


def _likert_english(root: Path, region: Path) -> None:
    rows = _read_rows(region / SURVEY)
    item = rows[0].index(SURVEY_ITEM)
    for row, label in ((2, "Very satisfied"), (4, "Strongly agree"), (6, "Satisfied")):
        rows[row][item] = label
    _write_rows(region / SURVEY, rows)


def _likert_number_out_of_range(root: Path, region: Path) -> None:
    rows = _read_rows(region / SURVEY)
    item = rows[0].index(SURVEY_ITEM)
    rows[2][item] = "7"
    rows[5][item] = "0"
    _write_rows(region / SURVEY, rows)


def _number_out_of_range(root: Path, region: Path) -> None:
    _set_cell(region / TRAINING, 4, "Jumlah JP", "500")
    _set_cell(region / TESTS, 2, "Nilai Post-test", "150,5", delimiter=";")


def _future_date(root: Path, region: Path) -> None:
    """A training record dated 2031, after the region's reference date (2025-06-30)."""
    _set_cell(region / TRAINING, 3, "Tanggal Mulai", "10/03/2031")
    _set_cell(region / TRAINING, 3, "Tanggal Selesai", "12 Maret 2031")


def _future_submission(root: Path, region: Path) -> None:
    """A survey answered 'in 2031' (a wrong clock on the device)."""
    _set_cell(region / SURVEY, 2, "Cap waktu", "02/10/2031 00:18:55")


def _tmt_before_birth(root: Path, region: Path) -> None:
    """A roster row whose TMT CPNS (2014) precedes the birth date typed (2030)."""
    _set_cell(region / ROSTER, 1, "Tanggal Lahir", "24/01/2030")


def _nip_letters(root: Path, region: Path) -> None:
    rows = _read_rows(region / SURVEY)
    nip = rows[0].index("NIP")
    rows[2][nip] = rows[2][nip][:10] + "O" + rows[2][nip][11:]  # a letter O for a zero
    rows[4][nip] = "NIP" + rows[4][nip][3:]
    _write_rows(region / SURVEY, rows)


def _nip_wrong_length(root: Path, region: Path) -> None:
    rows = _read_rows(region / SURVEY)
    nip = rows[0].index("NIP")
    rows[2][nip] = rows[2][nip][:-1]  # 17 digits
    rows[4][nip] = rows[4][nip] + "7"  # 19 digits
    _write_rows(region / SURVEY, rows)


def _missing_file(root: Path, region: Path) -> None:
    (region / TESTS).unlink()


def _codebook_missing_required(root: Path, region: Path) -> None:
    rows = _read_rows(region / CODEBOOK)
    for r in rows[1:]:
        if r[0] == TESTS and r[1] == "Nilai Post-test":
            r[1] = "Nilai Post-test (tidak ada)"
    _write_rows(region / CODEBOOK, rows)


def _codebook_missing_optional(root: Path, region: Path) -> None:
    rows = _read_rows(region / CODEBOOK)
    for r in rows[1:]:
        if r[0] == ROSTER and r[1] == "Jabatan":
            r[1] = "Jabatan (tidak ada)"
    _write_rows(region / CODEBOOK, rows)


def _end_date_column_missing(root: Path, region: Path) -> None:
    """The codebook's optional 'Tanggal Selesai' names a header the training file lacks; the
    processed training schema requires the ``end`` it would become."""
    rows = _read_rows(region / CODEBOOK)
    for r in rows[1:]:
        if r[0] == TRAINING and r[1] == "Tanggal Selesai":
            r[1] = "Tanggal Selesai (tidak ada)"
    _write_rows(region / CODEBOOK, rows)


def _set_registry(root: Path, **settings: str) -> None:
    """Set ``settings`` in the kemuning entry of the project's registry."""
    config = root / "config" / "regions.yaml"
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    for entry in doc["regions"]:
        if entry["slug"] == REGION:
            entry.update(settings)
    config.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


#: Registry paths that leave the project: climbing with '..', absolute.
CLIMBING_CODEBOOK = "../../../../codebook.csv"
ABSOLUTE_CODES = "/etc/passwd"


def _codebook_climbs_out(root: Path, region: Path) -> None:
    _set_registry(root, codebook=CLIMBING_CODEBOOK)


def _code_codebook_absolute(root: Path, region: Path) -> None:
    _set_registry(root, code_codebook=ABSOLUTE_CODES)


def _codebook_symlink_out(root: Path, region: Path) -> None:
    """The region's codebook.csv is a symbolic link to a file outside the project (the
    shipped codebook, so the link resolves and only its place is wrong)."""
    (region / CODEBOOK).unlink()
    (region / CODEBOOK).symlink_to((REPO / "data" / "raw" / REGION / CODEBOOK).resolve())


def _slug_traversal(root: Path, region: Path) -> None:
    config = root / "config" / "regions.yaml"
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    for entry in doc["regions"]:
        if entry["slug"] == REGION:
            entry["slug"] = "../../etc"
    config.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# privacy: identifiers and names in every dress, small groups, hostile cells, resource limits
# --------------------------------------------------------------------------------------------

CODES = "koding_wawancara.csv"
#: The first roster row: the person whose NIP and name the privacy cases plant.
PLANTED_NIP = "198701242014022001"
PLANTED_NAME = "Eka Hutapea"
#: The NIP of roster row 1 in every dress the issue found passing the masks and the scan.
NIP_DRESSES = (
    "19870124/201402/2/001",
    "19870124  201402  2  001",
    "19870124\u00a0201402\u00a02\u00a0001",
    "1987\u200b0124\u200b2014\u200b0220\u200b01",
    "\uff11\uff19\uff18\uff17\uff10\uff11\uff12\uff14\uff12\uff10\uff11\uff14\uff10\uff12\uff12\uff10\uff10\uff11",
    "\u0661\u0669\u0668\u0667\u0660\u0661\u0662\u0664\u0662\u0660\u0661\u0664\u0660\u0662\u0662\u0660\u0660\u0661",
    "1987.0124-2014_02'2 001",
)
#: The roster name of row 1 in the dresses that passed: soft hyphen, case, spacing, title,
#: degrees, a first name after a title, diacritics, a zero-width space.
NAME_DRESSES = (
    "Eka Huta\u00adpea",
    "EKA HUTAPEA",
    "eka   hutapea",
    "Bu Eka",
    "Dra. Eka Hutapea, M.Si.",
    "\u00c9ka Hutap\u00e9a",
    "E\u200bka Hutapea",
)
#: A role one person holds, made the informant of every interview.
UNIQUE_ROLE = "Kepala BKPSDM"
FORMULAS = ('=HYPERLINK("http://contoh.invalid","klik")', "+1+1", "-2+3", "@SUM(1)", "\tTab")


def _column_rows(path: Path, column: str, values, first: int = 1) -> None:
    rows = _read_rows(path)
    at = rows[0].index(column)
    for k, value in enumerate(values):
        rows[first + k][at] = value
    _write_rows(path, rows)


def _nip_in_free_text(root: Path, region: Path) -> None:
    values = [f"Unit saya, NIP {nip}" for nip in NIP_DRESSES]
    _column_rows(region / SURVEY, "Unit Kerja", values)


def _name_in_free_text(root: Path, region: Path) -> None:
    _column_rows(region / SURVEY, "Unit Kerja", [f"Atasan: {n}" for n in NAME_DRESSES])


def _nip_and_name_in_quotes(root: Path, region: Path) -> None:
    quotes = [
        f"Hubungi {name}, NIP {nip}." for name, nip in zip(NAME_DRESSES, NIP_DRESSES, strict=True)
    ]
    _column_rows(region / CODES, "Kutipan", quotes)


def _unique_role_informant(root: Path, region: Path) -> None:
    """Every interview (W-*) has the head of the agency as its informant."""
    rows = _read_rows(region / CODES)
    role, transcript = rows[0].index("Peran Informan"), rows[0].index("Transkrip")
    for r in rows[1:]:
        if r[transcript].startswith("W-"):
            r[role] = UNIQUE_ROLE
    _write_rows(region / CODES, rows)


def _nip_invalid_non_ascii(root: Path, region: Path) -> None:
    """Arabic-Indic digits with month 13 (row 2), full-width with gender digit 3 (row 4)."""
    arabic = "".join(chr(0x0660 + int(d)) for d in "198701242014132001")
    wide = "".join(chr(0xFF10 + int(d)) for d in "198701242014023001")
    _set_cell(region / SURVEY, 2, "NIP", arabic)
    _set_cell(region / SURVEY, 4, "NIP", wide)


def _nip_invisible_characters(root: Path, region: Path) -> None:
    """Row 1-5 NIPs with a BOM, a NUL, a zero-width space, no-break spaces, slashes."""
    rows = _read_rows(region / SURVEY)
    nip = rows[0].index("NIP")
    dress = ("\ufeff{}", "{}\x00", "{}\u200b", "\u00a0{}\u00a0", None)
    for k, pattern in enumerate(dress, start=1):
        value = rows[k][nip]
        if pattern is None:
            value = f"{value[:8]}/{value[8:14]}/{value[14]}/{value[15:]}"
        else:
            value = pattern.format(value)
        rows[k][nip] = value
    _write_rows(region / SURVEY, rows)


def _nip_excel_number(root: Path, region: Path) -> None:
    """NIPs a spreadsheet stored as numbers (row 2) and printed as floats (row 4)."""
    rows = _read_rows(region / SURVEY)
    nip = rows[0].index("NIP")
    rows[2][nip] = f"{float(rows[2][nip]):.14E}".replace("E+", "E+")
    rows[4][nip] = f"{float(rows[4][nip]):.1f}"
    _write_rows(region / SURVEY, rows)


def _extra_field_with_nip(root: Path, region: Path) -> None:
    """Row 3 has one field too many, holding a NIP."""
    text = (region / SURVEY).read_text(encoding="utf-8").split("\n")
    text[3] = text[3] + f", NIP {PLANTED_NIP}"
    (region / SURVEY).write_text("\n".join(text), encoding="utf-8")


def _roster_nip_invisible(root: Path, region: Path) -> None:
    """Roster NIPs of rows 1-7 with a BOM, a NUL, a zero-width space, no-break spaces,
    slashes, full-width and Arabic-Indic digits (the other files keep the plain NIPs)."""
    rows = _read_rows(region / ROSTER)
    dress = ("\ufeff{}", "{}\x00", "{}\u200b", "\u00a0{}\u00a0", None, "wide", "arabic")
    for k, pattern in enumerate(dress, start=1):
        value = rows[k][0]
        if pattern in ("wide", "arabic"):
            zero = 0xFF10 if pattern == "wide" else 0x0660
            rows[k][0] = "".join(chr(zero + int(d)) for d in value)
            continue
        if pattern is None:
            value = f"{value[:8]}/{value[8:14]}/{value[14]}/{value[15:]}"
        else:
            value = pattern.format(value)
        rows[k][0] = value
    _write_rows(region / ROSTER, rows)


#: How a spreadsheet prints roster row 1's NIP once it has stored it as a number: 15
#: significant digits, the last three lost.
EXCEL_NIP = "1.98701242014022E+17"


def _roster_nip_excel_number(root: Path, region: Path) -> None:
    """Roster row 1's NIP stored as a number by a spreadsheet ('1.98701242014022E+17')."""
    _set_cell(region / ROSTER, 1, "NIP", EXCEL_NIP)


def _extra_field_in_roster(root: Path, region: Path) -> None:
    """Roster row 2 has one field too many, holding row 1's name and NIP."""
    text = (region / ROSTER).read_text(encoding="utf-8").split("\n")
    text[2] = text[2] + f",{PLANTED_NAME} {PLANTED_NIP}"
    (region / ROSTER).write_text("\n".join(text), encoding="utf-8")


def _duplicate_roster_nip_dressed(root: Path, region: Path) -> None:
    """Roster row 5 repeats row 1's NIP, written with slashes and a zero-width space."""
    rows = _read_rows(region / ROSTER)
    nip = rows[1][0]
    rows[5][0] = f"{nip[:8]}/{nip[8:14]}/{nip[14]}/\u200b{nip[15:]}"
    _write_rows(region / ROSTER, rows)


#: The common informant role that ``name_in_informant_role`` follows with a roster name.
COMMON_ROLE = "Pejabat Pengawas"


def _name_in_informant_role(root: Path, region: Path) -> None:
    """Every '[COMMON_ROLE]' informant role is followed by roster row 1's name, in turn in
    each of the dresses above: a common role (not a rare one) holding a name."""
    rows = _read_rows(region / CODES)
    role = rows[0].index("Peran Informan")
    k = 0
    for r in rows[1:]:
        if r[role] == COMMON_ROLE:
            r[role] = f"{COMMON_ROLE} ({NAME_DRESSES[k % len(NAME_DRESSES)]})"
            k += 1
    _write_rows(region / CODES, rows)


#: A code nobody defined, used once (one transcript, one row).
UNKNOWN_CODE = "kode_asing_sekali"


def _unknown_code_once(root: Path, region: Path) -> None:
    _set_cell(region / CODES, 3, "Kode", UNKNOWN_CODE)


def _reaction_scale_blank(root: Path, region: Path) -> None:
    """Every satisfaction item of the reaction survey blank in every row."""
    rows = _read_rows(region / SURVEY)
    items = [k for k, c in enumerate(rows[0]) if c.startswith("Kepuasan")]
    for r in rows[1:]:
        for k in items:
            r[k] = ""
    _write_rows(region / SURVEY, rows)


def _nip_and_name_in_course(root: Path, region: Path) -> None:
    """Training course names (rows 1-7) holding roster row 1's name and NIP in the dresses."""
    courses = [
        f"Bimtek {name} NIP {nip}" for name, nip in zip(NAME_DRESSES, NIP_DRESSES, strict=True)
    ]
    _column_rows(region / TRAINING, "Nama Diklat", courses)


def _xlsx_cells(path: Path, column: str, values) -> None:
    """Set data rows 1.. of ``column`` in the workbook's first sheet (openpyxl)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    at = header.index(column) + 1
    for k, value in enumerate(values, start=2):
        sheet.cell(row=k, column=at, value=value)
    workbook.save(path)


def _nip_and_name_in_xlsx(root: Path, region: Path) -> None:
    """Budget activity names (rows 1-7 of the workbook) holding the name and NIP dresses."""
    values = [
        f"Kegiatan {name} NIP {nip}" for name, nip in zip(NAME_DRESSES, NIP_DRESSES, strict=True)
    ]
    _xlsx_cells(region / BUDGETS, "Nama Kegiatan", values)


def _extra_cell_in_xlsx(root: Path, region: Path) -> None:
    """Budget workbook row 3 has a value two columns past the header, holding a NIP."""
    import openpyxl

    path = region / BUDGETS
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.cell(row=4, column=sheet.max_column + 2, value=f"NIP {PLANTED_NIP} {PLANTED_NAME}")
    workbook.save(path)


def _identifiers_in_typed_cells(root: Path, region: Path) -> None:
    """Roster row 1's NIP and name typed into cells that must hold a Likert label (survey
    rows 1-2), a number (training JP rows 1-2) and a date (training start rows 3-4): their
    'old value' reaches the cleaning log."""
    _column_rows(region / SURVEY, SURVEY_ITEM, [PLANTED_NIP, PLANTED_NAME])
    rows = _read_rows(region / TRAINING)
    jp, start = rows[0].index("Jumlah JP"), rows[0].index("Tanggal Mulai")
    rows[1][jp], rows[2][jp] = PLANTED_NIP, f"NIP {NIP_DRESSES[0]}"
    rows[3][start], rows[4][start] = PLANTED_NAME, NIP_DRESSES[1]
    _write_rows(region / TRAINING, rows)


def _unreadable_start_date(root: Path, region: Path) -> None:
    """Training row 3 has no start date, row 4 one that is not a date ('belum diisi')."""
    _set_cell(region / TRAINING, 3, "Tanggal Mulai", "")
    _set_cell(region / TRAINING, 4, "Tanggal Mulai", "belum diisi")


#: A column header an export carried over from a free-text question: a name and a NIP.
PERSONAL_HEADER = f"Catatan untuk {PLANTED_NAME} {PLANTED_NIP}"


def _identifiers_in_header(root: Path, region: Path) -> None:
    """The survey has one more column, its header naming roster row 1 (name and NIP)."""
    rows = _read_rows(region / SURVEY)
    rows[0].append(PERSONAL_HEADER)
    for r in rows[1:]:
        r.append("")
    _write_rows(region / SURVEY, rows)


def _name_in_transcript_id(root: Path, region: Path) -> None:
    """Interview W-01 is identified by its informant's name and NIP instead of a code."""
    rows = _read_rows(region / CODES)
    at = rows[0].index("Transkrip")
    for r in rows[1:]:
        if r[at] == "W-01":
            r[at] = f"W-01 {PLANTED_NAME} {NIP_DRESSES[0]}"
    _write_rows(region / CODES, rows)


SKP = "kinerja_skp.csv"


def _skp_year_blank(root: Path, region: Path) -> None:
    """SKP rows 2 and 5 have no year."""
    _set_cell(region / SKP, 2, "Tahun", "")
    _set_cell(region / SKP, 5, "Tahun", "")


def _fullwidth_numbers(root: Path, region: Path) -> None:
    """Numbers typed with full-width or Arabic-Indic digits: JP '２４' (training row 1) and
    '٢٤' (row 2)."""
    _set_cell(region / TRAINING, 1, "Jumlah JP", "\uff12\uff14")
    _set_cell(region / TRAINING, 2, "Jumlah JP", "\u0662\u0664")


def _too_few_fields(root: Path, region: Path) -> None:
    """Survey row 3 ends after its fourth field (a line cut short)."""
    text = (region / SURVEY).read_text(encoding="utf-8").split("\n")
    text[3] = ",".join(next(csv.reader([text[3]]))[:4])
    (region / SURVEY).write_text("\n".join(text), encoding="utf-8")


def _formula_header(root: Path, region: Path) -> None:
    """The survey has one more column, its header a spreadsheet formula."""
    rows = _read_rows(region / SURVEY)
    rows[0].append(FORMULAS[0])
    for r in rows[1:]:
        r.append("")
    _write_rows(region / SURVEY, rows)


def _formula_codes(root: Path, region: Path) -> None:
    """Interview codes (rows 1-5) typed as spreadsheet formulas: unknown codes, so they reach
    unknown_codes.csv and code_log.csv."""
    _column_rows(region / CODES, "Kode", FORMULAS)


def _formula_duplicates(root: Path, region: Path) -> None:
    """Survey row 1 submitted twice more, its 'Unit Kerja' answers spreadsheet formulas: a
    duplicate group whose differing values reach duplicates.csv."""
    rows = _read_rows(region / SURVEY)
    unit = rows[0].index("Unit Kerja")
    copies = []
    for formula in FORMULAS[:2]:
        copy = list(rows[1])
        copy[unit] = formula
        copies.append(copy)
    _write_rows(region / SURVEY, [rows[0], rows[1], *copies, *rows[2:]])


def _formula_answers(root: Path, region: Path) -> None:
    _column_rows(region / SURVEY, SURVEY_ITEM, FORMULAS, first=2)


def _duplicate_roster_nip(root: Path, region: Path) -> None:
    rows = _read_rows(region / ROSTER)
    rows[5][0] = rows[1][0]  # row 5 repeats row 1's NIP
    _write_rows(region / ROSTER, rows)


def _xlsx_bomb(root: Path, region: Path) -> None:
    """The budget workbook with a 300 MiB part of zeros (a few hundred KiB compressed)."""
    import zipfile

    path = region / BUDGETS
    block = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/pad.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(300):
            part.write(block)


def _use_yaml_codebook(root: Path, text: str) -> None:
    config = root / "config" / "regions.yaml"
    doc = yaml.safe_load(config.read_text(encoding="utf-8"))
    for entry in doc["regions"]:
        if entry["slug"] == REGION:
            entry["codebook"] = "codebook.yaml"
    config.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "data" / "raw" / REGION / "codebook.yaml").write_text(text, encoding="utf-8")


def _yaml_alias_codebook(root: Path, region: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):
        lines.append(f"l{k}: &l{k} [" + ", ".join([f"*{'a' if k == 1 else f'l{k - 1}'}"] * 9) + "]")
    _use_yaml_codebook(root, "\n".join(lines) + "\n")


def _yaml_deep_codebook(root: Path, region: Path) -> None:
    _use_yaml_codebook(root, "[" * 3000 + "]" * 3000 + "\n")


def _only_treated(region: Path, n: int) -> None:
    """Only the first ``n`` people of the training file trained in the treatment window
    (2024-03-01 to 2024-10-31); everyone else's training is moved to January 2023."""
    rows = _read_rows(region / TRAINING)
    header, body = rows[0], rows[1:]
    nip, start, end, jp = (
        header.index(c) for c in ("NIP", "Tanggal Mulai", "Tanggal Selesai", "Jumlah JP")
    )
    chosen = list(dict.fromkeys(r[nip] for r in body))[:n]
    for r in body:
        if r[nip] in chosen:
            r[start], r[end], r[jp] = "01/04/2024", "03/04/2024", "24"
        else:
            r[start], r[end] = "01/01/2023", "03/01/2023"
    _write_rows(region / TRAINING, [header, *body])


def _three_treated(root: Path, region: Path) -> None:
    _only_treated(region, 3)


# --------------------------------------------------------------------------------------------
# degrade, don't drop: analyses that cannot be estimated (issue 19)
# --------------------------------------------------------------------------------------------


def _nobody_treated(root: Path, region: Path) -> None:
    _only_treated(region, 0)


def _one_treated(root: Path, region: Path) -> None:
    _only_treated(region, 1)


def _everyone_treated(root: Path, region: Path) -> None:
    """Every roster person gets a 24-JP training in the window, besides their own records."""
    _train_all_but(region, 0)


def _one_untrained(root: Path, region: Path) -> None:
    """Every roster person but the first is trained in the window; the first has no training
    record at all (the one untrained person of the comparison group)."""
    _train_all_but(region, 1)


def _train_all_but(region: Path, n: int) -> None:
    """A 24-JP training in the window for every roster person after the first ``n``, whose
    own training records are removed (they stay untrained)."""
    roster = _read_rows(region / ROSTER)
    left_out = {p[roster[0].index("NIP")] for p in roster[1 : 1 + n]}
    rows = _read_rows(region / TRAINING)
    header = rows[0]
    rows = [rows[0], *(r for r in rows[1:] if r[header.index("NIP")] not in left_out)]
    added = []
    for person in roster[1 + n :]:
        row = dict.fromkeys(header, "")
        row.update(
            {
                "NIP": person[roster[0].index("NIP")],
                "Nama Pegawai": person[roster[0].index("Nama")],
                "Nama Diklat": "Pelatihan Dasar Bersama",
                "Tanggal Mulai": "01/04/2024",
                "Tanggal Selesai": "03/04/2024",
                "Jumlah JP": "24",
            }
        )
        added.append([row[c] for c in header])
    _write_rows(region / TRAINING, [*rows, *added])


#: The region with a staggered roll-out across dinas (difference in differences): the one
#: case that needs a DiD copies it instead of kemuning.
DID_REGION = "jambi"
DID_EVENTS = ("transaksi_layanan.csv", "survei_ikm.csv")


def _did_single_dinas(root: Path, region: Path) -> None:
    """Jambi's service transactions and IKM survey keep the rows of one dinas only: the
    difference in differences has one unit (no comparison dinas)."""
    for name in DID_EVENTS:
        path = region / name
        delimiter = ";" if name == "transaksi_layanan.csv" else ","
        rows = _read_rows(path, delimiter)
        first = rows[1][0]
        _write_rows(path, [rows[0], *(r for r in rows[1:] if r[0] == first)], delimiter)


ROLLOUT = "jadwal_pelatihan_dinas.csv"


def _rollout_missing_units(root: Path, region: Path) -> None:
    """Jambi's roll-out schedule lists one dinas only; the others' records remain."""
    _write_rows(region / ROLLOUT, _read_rows(region / ROLLOUT)[:2])


def _did_one_treated_dinas(root: Path, region: Path) -> None:
    """One dinas of jambi is trained (January 2024); every other is 'Belum dijadwalkan'."""
    rows = _read_rows(region / ROLLOUT)
    for r in rows[2:]:
        r[1] = "Belum dijadwalkan"
    _write_rows(region / ROLLOUT, rows)


def _did_same_month(root: Path, region: Path) -> None:
    """Every dinas of jambi's roll-out starts in the same month (no later-treated or
    never-treated comparison)."""
    rows = _read_rows(region / ROLLOUT)
    for r in rows[1:]:
        r[1] = rows[1][1]
    _write_rows(region / ROLLOUT, rows)


#: The supervisor-observation scale every respondent left blank in ``scale_blank_everywhere``.
OBSERVATION = "observasi_atasan.csv"


def _scale_blank_everywhere(root: Path, region: Path) -> None:
    """Every item of the observed-skills scale is blank in every row (both waves)."""
    rows = _read_rows(region / OBSERVATION)
    items = [k for k, c in enumerate(rows[0]) if k >= 3]  # the five observed_skills items
    for r in rows[1:]:
        for k in items:
            r[k] = ""
    _write_rows(region / OBSERVATION, rows)


CASES: tuple[Case, ...] = (
    Case(
        "empty_file",
        ROSTER,
        "0-byte roster",
        "InputFileError naming the file: 'file is empty'",
        _empty_file,
    ),
    Case(
        "header_only",
        SURVEY,
        "survey with its header and no data rows",
        "InputFileError naming the file: 'no data rows'",
        _header_only,
    ),
    Case(
        "semicolon_delimiter",
        ROSTER,
        "roster saved with ';' although the others use ','",
        "accepted: delimiter detected, same cleaned roster as the ',' file",
        _semicolon_delimiter,
    ),
    Case(
        "unsupported_delimiter",
        ROSTER,
        "roster saved with '#' as delimiter",
        "InputFileError naming the roster and column 'NIP': 'required column is missing', "
        "listing the one column found",
        _unsupported_delimiter,
    ),
    Case(
        "cp1252_byte",
        SURVEY,
        "UTF-8 (ASCII) survey with one cp1252 byte (en dash 0x96) in row 3",
        "accepted: decoded as cp1252, the dash read correctly",
        _cp1252_in_ascii,
    ),
    Case(
        "mixed_encoding",
        SURVEY,
        "en dash as UTF-8 in row 1 and as cp1252 in row 3 of 'Unit Kerja'",
        "both rows read correctly: the file is decoded line by line (UTF-8 or cp1252)",
        _mixed_encoding,
    ),
    Case(
        "utf8_bom",
        ROSTER,
        "roster with a UTF-8 BOM",
        "accepted: BOM removed, header 'NIP' found, same cleaned roster",
        _utf8_bom,
    ),
    Case(
        "utf16_bom",
        ROSTER,
        "roster saved as UTF-16 LE with BOM and CRLF (Excel 'Unicode text')",
        "accepted: same cleaned roster",
        _utf16_bom,
    ),
    Case(
        "truncated_xlsx",
        BUDGETS,
        "budget workbook cut to half its bytes",
        "InputFileError naming the file: 'not a readable XLSX workbook (damaged, truncated or "
        "password-protected?)'",
        _truncated_xlsx,
    ),
    Case(
        "random_bytes_xlsx",
        BUDGETS,
        "8 KiB of random bytes named .xlsx",
        "InputFileError naming the file: 'not a readable XLSX workbook'",
        _random_bytes_xlsx,
    ),
    Case(
        "password_xlsx",
        BUDGETS,
        "OLE2 compound file (how Excel stores a password-protected workbook)",
        "InputFileError naming the file: 'password-protected?'",
        _encrypted_xlsx,
    ),
    Case(
        "two_header_rows",
        SURVEY,
        "a banner row ('Identitas responden', 'Kepuasan terhadap pelatihan') above the header",
        "InputFileError naming the file and row 1: 'column 2 has no header but holds values'",
        _two_header_rows,
    ),
    Case(
        "two_header_rows_xlsx",
        BUDGETS,
        "merged banner cells ('Tahun 2023', 'Tahun 2024') above the workbook's header",
        "InputFileError naming the file, sheet and row 1: 'row has 10 fields but the header has 8'",
        _two_header_rows_xlsx,
    ),
    Case(
        "duplicated_columns",
        ROSTER,
        "roster with two 'Unit Kerja' columns",
        "InputFileError naming the file and column 'Unit Kerja': 'duplicated'",
        _duplicated_columns,
    ),
    Case(
        "likert_english",
        SURVEY,
        "'Very satisfied', 'Strongly agree', 'Satisfied' in rows 2, 4, 6 of a 1-5 item",
        "rows kept, value missing; cleaning log: row, column training_satisfaction_1, old "
        "value, 'label not in value_labels'",
        _likert_english,
    ),
    Case(
        "likert_number_out_of_range",
        SURVEY,
        "answers '7' (row 2) and '0' (row 5) on a 1-5 item",
        "rows kept, value missing; cleaning log: 'outside the valid range [1, 5]'",
        _likert_number_out_of_range,
    ),
    Case(
        "number_out_of_range",
        f"{TRAINING}, {TESTS}",
        "JP 500 (max 200) in training row 4; post-test 150,5 (max 100) in row 2",
        "rows kept, value missing; cleaning log: 'outside the valid range [0, 200]' / '[0, 100]'",
        _number_out_of_range,
    ),
    Case(
        "future_date",
        TRAINING,
        "training row 3 dated March 2031, after the reference date 2025-06-30",
        "cleaning-log flag naming row 3 and the date column; the 2031 date does not reach "
        "the output (row kept aside with 'date after the reference date')",
        _future_date,
    ),
    Case(
        "future_submission",
        SURVEY,
        "survey row 2 submitted 'on 2031-10-02'",
        "cleaning-log flag naming row 2 and 'submitted'; the 2031 time does not reach the "
        "output (row kept aside)",
        _future_submission,
    ),
    Case(
        "tmt_before_birth",
        ROSTER,
        "roster row 1 born 2030, TMT CPNS 2014",
        "cleaning-log flag naming row 1 and tmt_cpns; the row kept aside "
        "('TMT CPNS not after the birth date')",
        _tmt_before_birth,
    ),
    Case(
        "nip_letters",
        SURVEY,
        "NIP with a letter O for a zero (row 2) and 'NIP' typed over its first digits (row 4)",
        "rows kept aside; cleaning log: row, column nip, 'invalid NIP: non-digit characters; "
        "row kept aside'; no NIP in the log",
        _nip_letters,
    ),
    Case(
        "nip_wrong_length",
        SURVEY,
        "17-digit NIP (row 2) and 19-digit NIP (row 4)",
        "rows kept aside; cleaning log: 'invalid NIP: length: 17 digits, expected 18' / '19 "
        "digits'",
        _nip_wrong_length,
    ),
    Case(
        "missing_file",
        TESTS,
        "the region folder lacks tes_pre_post.csv",
        "check_region_files names the file; clean_region: InputFileError 'file not found'; "
        "the pipeline does not start the region",
        _missing_file,
    ),
    Case(
        "codebook_missing_required",
        CODEBOOK,
        "codebook names a required column 'Nilai Post-test (tidak ada)' that the file lacks",
        "InputFileError naming tes_pre_post.csv and the column: 'required column is missing' "
        "(did you mean 'Nilai Post-test')",
        _codebook_missing_required,
    ),
    Case(
        "codebook_missing_optional",
        CODEBOOK,
        "codebook names an optional roster column 'Jabatan (tidak ada)' the file lacks",
        "accepted; cleaning log: 'codebook column not in file (codebook row 7); left out' and "
        "the raw 'Jabatan' logged as 'column not in codebook; left out'",
        _codebook_missing_optional,
    ),
    Case(
        "end_date_column_missing",
        CODEBOOK,
        "codebook's optional training column 'Tanggal Selesai (tidak ada)' is not in the file",
        "accepted: end dates are optional (treatment rests on start dates and JP); a schema "
        "failure planted after cleaning names table 'training' and column 'jp', and nothing "
        "is written",
        _end_date_column_missing,
    ),
    Case(
        "slug_traversal",
        "config/regions.yaml",
        "region slug '../../etc'",
        "ConfigError naming the slug before any path is built; run_pipeline(['../../etc']) "
        "refuses before any notebook runs",
        _slug_traversal,
    ),
    Case(
        "nip_in_free_text",
        SURVEY,
        "roster row 1's NIP typed into 'Unit Kerja' (rows 1-7) with slashes, double spaces, "
        "no-break spaces, zero-width spaces, full-width and Arabic-Indic digits, . - _ '",
        "masked as [NIP] in the cleaned survey; no NIP in any form in any output, log or "
        "message; the disclosure scan of the outputs finds nothing",
        _nip_in_free_text,
    ),
    Case(
        "name_in_free_text",
        SURVEY,
        "roster row 1's name in 'Unit Kerja' (rows 1-7) with a soft hyphen, upper case, extra "
        "spaces, 'Bu Eka', 'Dra. ... M.Si.', diacritics and a zero-width space",
        "masked as [nama] in the cleaned survey; the scan finds no roster name",
        _name_in_free_text,
    ),
    Case(
        "nip_and_name_in_quotes",
        CODES,
        "interview quotes (rows 1-7) naming roster row 1 and its NIP in the dresses above",
        "every quote masked ([nama], [NIP]) in codes, quotes and findings; the scan of the "
        "written outputs finds nothing",
        _nip_and_name_in_quotes,
    ),
    Case(
        "unique_role_informant",
        CODES,
        f"'{UNIQUE_ROLE}' (one person) is the informant of every interview (W-*)",
        "counted as one person: recoded to '[jabatan lain]' in every output, never beside a "
        "quote; the role's name appears nowhere",
        _unique_role_informant,
    ),
    Case(
        "nip_invalid_non_ascii",
        SURVEY,
        "invalid NIPs in Arabic-Indic (month 13, row 2) and full-width digits (gender 3, row 4)",
        "rows kept aside with 'digits 9-14 (TMT CPNS) are not a valid year and month' / "
        "'digit 15 (gender) is not 1 or 2'; no digits of them in the log or rejected rows",
        _nip_invalid_non_ascii,
    ),
    Case(
        "nip_invisible_characters",
        SURVEY,
        "NIPs of rows 1-5 with a BOM, a NUL, a zero-width space, no-break spaces, slashes",
        "accepted: normalised, linked to the roster, same cleaned survey as the intact file",
        _nip_invisible_characters,
    ),
    Case(
        "nip_excel_number",
        SURVEY,
        "NIPs stored as numbers: '1.98...E+17' (row 2) and '1987...000.0' (row 4)",
        "rows kept aside with 'stored as a number ...; re-export the column formatted as "
        "text', never 'not in the roster'",
        _nip_excel_number,
    ),
    Case(
        "extra_field_with_nip",
        SURVEY,
        "row 3 has a tenth field holding ' NIP 1987...'",
        "InputFileError naming the file, row 3 and field 10; the message quotes no value",
        _extra_field_with_nip,
    ),
    Case(
        "formula_answers",
        SURVEY,
        "answers '=HYPERLINK(...)', '+1+1', '-2+3', '@SUM(1)', tab (rows 2-6) on a Likert item",
        "cleaning_log.csv holds them with a leading ' (no cell starts with = + - @ tab); "
        "read back with read_csv_for_people they are as typed",
        _formula_answers,
    ),
    Case(
        "duplicate_roster_nip",
        ROSTER,
        "roster row 5 repeats the NIP of row 1",
        "InputFileError naming the roster, rows 1 and 5 and column 'NIP'; the NIP is not quoted",
        _duplicate_roster_nip,
    ),
    Case(
        "xlsx_bomb",
        BUDGETS,
        "the budget workbook with a 300 MiB part of zeros (under 1 MiB on disk)",
        "InputFileError naming the file and MAX_XLSX_UNCOMPRESSED_BYTES before any XML is parsed",
        _xlsx_bomb,
    ),
    Case(
        "yaml_alias_codebook",
        "config/regions.yaml, codebook.yaml",
        "a YAML codebook of nested aliases (9^9 items when expanded)",
        "CodebookError naming codebook.yaml: 'expands to more than 1,000,000 values through its "
        "aliases (an alias bomb?)'",
        _yaml_alias_codebook,
    ),
    Case(
        "yaml_deep_codebook",
        "config/regions.yaml, codebook.yaml",
        "a YAML codebook nested 3,000 lists deep",
        "CodebookError naming codebook.yaml: 'nested deeper than 20 levels' (no RecursionError)",
        _yaml_deep_codebook,
    ),
    Case(
        "three_treated",
        TRAINING,
        "only three people trained in the treatment window",
        "no count, mean or share of the three in the descriptives, balance or estimates "
        "tables ('<5' or empty, suppressed); the scan flags any table that still shows them",
        _three_treated,
    ),
    Case(
        "roster_nip_invisible",
        ROSTER,
        "roster NIPs of rows 1-7 with a BOM, a NUL, a zero-width space, no-break spaces, "
        "slashes, full-width and Arabic-Indic digits",
        "accepted: normalised, every record still linked to its person (same cleaned roster, "
        "training and survey as the intact files)",
        _roster_nip_invisible,
    ),
    Case(
        "roster_nip_excel_number",
        ROSTER,
        f"roster row 1's NIP stored by a spreadsheet as the number '{EXCEL_NIP}'",
        "roster row 1 kept aside with 'invalid NIP: stored as a number ...; re-export the "
        "column formatted as text' (no digits quoted); the person's records in other files "
        "kept aside as 'NIP not in the roster (roster_pegawai.csv has 1 row(s) kept aside for "
        "an invalid NIP; this may be one of them)', each with its row",
        _roster_nip_excel_number,
    ),
    Case(
        "extra_field_in_roster",
        ROSTER,
        "roster row 2 has a ninth field holding row 1's name and NIP",
        "InputFileError naming the roster, row 2 and field 9; the message quotes neither the "
        "name nor the NIP ('values are not shown')",
        _extra_field_in_roster,
    ),
    Case(
        "duplicate_roster_nip_dressed",
        ROSTER,
        "roster row 5 repeats row 1's NIP written with slashes and a zero-width space",
        "normalised first, so the same InputFileError as duplicate_roster_nip: rows 1 and 5, "
        "column 'NIP', the NIP not quoted",
        _duplicate_roster_nip_dressed,
    ),
    Case(
        "name_in_informant_role",
        CODES,
        f"every '{COMMON_ROLE}' informant role followed by roster row 1's name in the dresses "
        "above (a common role, not a rare one)",
        f"masked to '{COMMON_ROLE} ([nama])' in segments, findings and quotes; the name "
        "appears in no output",
        _name_in_informant_role,
    ),
    Case(
        "unknown_code_once",
        CODES,
        f"interview row 3 coded '{UNKNOWN_CODE}', a code not in codes.csv, used once",
        "listed in unknown_codes with n, n_transcripts and example_rows blank (suppressed): "
        "no transcript or row of a single use is named",
        _unknown_code_once,
    ),
    Case(
        "nip_and_name_in_course",
        TRAINING,
        "training course names (rows 1-7) holding roster row 1's name and NIP in the dresses",
        "masked ([nama], [NIP]) in the cleaned training table; no NIP or name in any output",
        _nip_and_name_in_course,
    ),
    Case(
        "nip_and_name_in_xlsx",
        BUDGETS,
        "budget workbook activity names (rows 1-7) holding the name and NIP dresses",
        "masked ([nama], [NIP]) in the cleaned budgets table; no NIP or name in any output",
        _nip_and_name_in_xlsx,
    ),
    Case(
        "extra_cell_in_xlsx",
        BUDGETS,
        "budget workbook row 3 has a value two columns past the header, holding a NIP and name",
        "InputFileError naming the file, sheet and row 3: 'the first extra value is in field "
        "12; values are not shown'; neither the NIP nor the name quoted",
        _extra_cell_in_xlsx,
    ),
    Case(
        "identifiers_in_typed_cells",
        f"{SURVEY}, {TRAINING}",
        "roster row 1's NIP and name typed into a Likert item (survey rows 1-2), JP (training "
        "rows 1-2) and the start date (training rows 3-4)",
        "values left missing (or the row kept aside, for the start date) with their "
        "reasons; the cleaning log's old values show [NIP] / [nama], never the NIP or name",
        _identifiers_in_typed_cells,
    ),
    Case(
        "unreadable_start_date",
        TRAINING,
        "training row 3 with no start date, row 4 with 'belum diisi'",
        "rows 3 and 4 kept aside with 'required value missing or unreadable' (column start) "
        "and written; before, the processed schema failed and the region was lost",
        _unreadable_start_date,
    ),
    Case(
        "identifiers_in_header",
        SURVEY,
        "one more survey column, its header 'Catatan untuk <name> <NIP>' (roster row 1)",
        "left out as 'column not in codebook', the log's column shown as 'Catatan untuk "
        "[nama] [NIP]'; no NIP or name in any output",
        _identifiers_in_header,
    ),
    Case(
        "name_in_transcript_id",
        CODES,
        "interview W-01 identified as 'W-01 <name> <NIP with slashes>' (roster row 1)",
        "the transcript masked to 'W-01 [nama] [NIP]' in segments, quotes and findings; no "
        "NIP or name in any output",
        _name_in_transcript_id,
    ),
    Case(
        "skp_year_blank",
        SKP,
        "SKP rows 2 and 5 without a year",
        "rows 2 and 5 kept aside with 'required value missing or unreadable' (column year); "
        "the rest written",
        _skp_year_blank,
    ),
    Case(
        "fullwidth_numbers",
        TRAINING,
        "JP typed with full-width ('２４', row 1) and Arabic-Indic digits ('٢٤', row 2)",
        "accepted: both read as 24, nothing logged",
        _fullwidth_numbers,
    ),
    Case(
        "too_few_fields",
        SURVEY,
        "survey row 3 ends after its fourth field (a line cut short)",
        "row kept, its missing answers blank; cleaning log: row 3, 'row has 4 fields but the "
        "header has 9: the missing fields read as blank'. Before, nothing said so",
        _too_few_fields,
    ),
    Case(
        "formula_header",
        SURVEY,
        "one more survey column whose header is '=HYPERLINK(...)'",
        "left out as 'column not in codebook'; cleaning_log.csv shows the header with a "
        "leading ' (no cell of any written CSV starts with = + - @ tab)",
        _formula_header,
    ),
    Case(
        "formula_codes",
        CODES,
        "interview codes (rows 1-5) typed as '=HYPERLINK(...)', '+1+1', '-2+3', '@SUM(1)', tab",
        "unknown_codes.csv and code_log.csv hold them with a leading ' (no cell of any written "
        "CSV starts with = + - @ tab); read back with read_csv_for_people they are as typed",
        _formula_codes,
    ),
    Case(
        "formula_duplicates",
        SURVEY,
        "survey row 1 submitted twice more, 'Unit Kerja' typed as '=HYPERLINK(...)' and '+1+1'",
        "one duplicate group (rows 1-3) in duplicates.csv, which holds pseudonyms and counts, "
        "never answers; no cell of any written CSV starts with = + - @ tab",
        _formula_duplicates,
    ),
    Case(
        "nobody_treated",
        TRAINING,
        "no training in the treatment window (every record moved to January 2023)",
        "estimate_region raises nothing: one row per analysis x design, each with its error "
        "('only one group in treatment column ...: all N usable rows are untreated') and no "
        "estimate; the effects table passes its schema",
        _nobody_treated,
    ),
    Case(
        "one_treated",
        TRAINING,
        "one person trained in the treatment window",
        "one row per analysis x design, none with an estimate: 'not shown: fewer than 5 "
        "treated (disclosure rule)' or 'only one group'; the treated count is suppressed in "
        "treatment_groups and no error quotes it",
        _one_treated,
    ),
    Case(
        "everyone_treated",
        TRAINING,
        "every roster person given a 24-JP training in the window",
        "every controlled design a row with 'all N usable rows are treated (1)'; the "
        "before/after test-score gain (no comparison group needed) still estimated",
        _everyone_treated,
    ),
    Case(
        "one_untrained",
        TRAINING,
        "every roster person but one trained in the window; that one has no training record",
        "no estimate with a comparison group shown: 'not shown: fewer than 5 comparison "
        "(disclosure rule)' or 'only one group'; the untrained count suppressed in "
        "treatment_groups; the before/after gain still estimated",
        _one_untrained,
    ),
    Case(
        "scale_blank_everywhere",
        OBSERVATION,
        "every item of the observed-skills scale blank in every row (both waves)",
        "the observed_skills rows say 'not estimated: outcome 'observed_skills_post' has no "
        "value in the data'; test scores, budgets and SKP still estimated",
        _scale_blank_everywhere,
    ),
    Case(
        "reaction_scale_blank",
        SURVEY,
        "every satisfaction item of the reaction survey blank in every row",
        "rows kept; the reaction table (level 1) is empty instead of an error; every effect "
        "estimated as from the intact files",
        _reaction_scale_blank,
    ),
    Case(
        "codebook_climbs_out",
        "config/regions.yaml",
        f"kemuning's codebook: '{CLIMBING_CODEBOOK}'",
        "ConfigError 'must not climb out of data/raw/kemuning/ with '..'' from "
        "check_region_files, clean_region and clean_region_codes, before any file is read",
        _codebook_climbs_out,
    ),
    Case(
        "code_codebook_absolute",
        "config/regions.yaml",
        f"kemuning's code_codebook: '{ABSOLUTE_CODES}'",
        "ConfigError 'not an absolute path' from check_region_files, clean_region and "
        "clean_region_codes; the file is never read",
        _code_codebook_absolute,
    ),
    Case(
        "codebook_symlink_out",
        CODEBOOK,
        "codebook.csv is a symbolic link to a codebook outside the project",
        "ConfigError 'resolves outside the project (a symbolic link?)' from "
        "check_region_files, clean_region and clean_region_codes",
        _codebook_symlink_out,
    ),
    Case(
        "did_single_dinas",
        ", ".join(DID_EVENTS),
        "jambi (a staggered roll-out across dinas): service and IKM records of one dinas only",
        "the did and twfe rows of waiting_time and ikm say 'no comparison units'; the SKP "
        "estimates of the region still estimated",
        _did_single_dinas,
        region=DID_REGION,
    ),
    Case(
        "did_same_month",
        ROLLOUT,
        "jambi: every dinas of the roll-out starts in the same month",
        "the did and twfe rows say 'only one cohort ... and no never-treated units'; SKP "
        "still estimated",
        _did_same_month,
        region=DID_REGION,
    ),
    Case(
        "did_one_treated_dinas",
        ROLLOUT,
        "jambi: one dinas trained (January 2024), every other 'Belum dijadwalkan'",
        "not reported: the did and twfe rows say '1 treated unit(s)' (one treated cluster "
        "makes cluster-robust inference over-reject); SKP still estimated",
        _did_one_treated_dinas,
        region=DID_REGION,
    ),
    Case(
        "rollout_missing_units",
        ROLLOUT,
        "jambi: the roll-out table lists one dinas, the events name eleven more",
        "the did and twfe rows give the reason ('units not in the roll-out table: ...', "
        "with the fix); SKP still estimated. Before, the frame's error lost the region",
        _rollout_missing_units,
        region=DID_REGION,
    ),
)


def write_project(root: str | Path, *, source: str | Path = REPO, region: str = REGION) -> Path:
    """An intact small project at ``root``: ``config/regions.yaml`` and ``data/raw/<region>/``
    (``kemuning`` unless a case needs another region's design) copied from ``source`` (only
    read). Returns the region's raw folder."""
    root, source = Path(root), Path(source)
    if root.exists():
        shutil.rmtree(root)
    (root / "config").mkdir(parents=True)
    shutil.copy2(source / "config" / "regions.yaml", root / "config" / "regions.yaml")
    folder = root / "data" / "raw" / region
    shutil.copytree(source / "data" / "raw" / region, folder)
    return folder


def write_corpus(folder: str | Path, *, source: str | Path = REPO) -> dict[str, Path]:
    """Write one project per case under ``folder``; return the project roots by case name.

    Each project is :func:`write_project` with the case's one break applied.
    """
    folder = Path(folder)
    roots: dict[str, Path] = {}
    for case in CASES:
        root = folder / case.name
        case.make(root, write_project(root, source=source, region=case.region))
        roots[case.name] = root
    return roots


def readme_table() -> str:
    """The README's table of cases (Markdown)."""
    lines = ["| case | file | what is broken | documented outcome |", "|---|---|---|---|"]
    for c in CASES:
        lines.append(f"| `{c.name}` | `{c.target}` | {c.what} | {c.outcome} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/bad_inputs/make_corpus.py OUT_DIR")
    written = write_corpus(sys.argv[1])
    print(f"wrote {len(written)} cases under {sys.argv[1]}")
