"""Every real-world workbook in shared/real-workbooks either reads or is refused with a one-line reason.

Each file is read in its own subprocess with a wall-clock bound and an address-space cap, so a hang, a
memory blow-up or a native crash fails that file's test instead of taking the test run down. The folder
is not part of the repository: without it the tests skip, unless CI is set, where its absence fails.
Run with `pytest -s` to see the table of what happened to each file.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REAL_WORKBOOKS = Path(__file__).resolve().parents[4] / "shared" / "real-workbooks"
NOT_DATA = {"README.md", "MANIFEST.tsv", "SHA256SUMS", "LICENSES"}
TIME_LIMIT_SECONDS = 30
MEMORY_LIMIT_BYTES = 2 * 1024**3

# Files that are refused on purpose even though calamine (or openpyxl) reads something from them.
REFUSED_ON_PURPOSE = {
    "excel2007_bigfoot_1024_sheets.xlsx",  # 1,024 sheets, over the 200-sheet limit
    "unicef-who-wb_jme_severe_wasting.xlsx",  # a sheet of 222 columns, over the 200-column limit
    "zip_duplicate-entry-names.xlsx",  # ambiguous package: two members named xl/worksheets/sheet1.xml
}

_CHILD = """
import json, sys, time
from ledger.workbook.gate import UnreadableWorkbook, read_workbook
started = time.perf_counter()
try:
    book = read_workbook(sys.argv[1])
    shapes = [f"{s.name}:{len(s.rows)}x{len(s.rows[0]) if s.rows else 0}" for s in book.sheets]
    result = {"outcome": "read", "detail": ", ".join(shapes)}
except UnreadableWorkbook as error:
    result = {"outcome": "refused", "detail": str(error)}
result["seconds"] = round(time.perf_counter() - started, 2)
print(json.dumps(result))
"""


def _data_files() -> list[str]:
    if not REAL_WORKBOOKS.is_dir():
        return []
    return sorted(
        path.name for path in REAL_WORKBOOKS.iterdir() if path.is_file() and path.name not in NOT_DATA
    )


def _manifest() -> dict[str, dict[str, str]]:
    lines = (REAL_WORKBOOKS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return {row[0]: dict(zip(header, row, strict=False)) for row in (line.split("\t") for line in lines[1:])}


def _require_folder() -> None:
    if REAL_WORKBOOKS.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{REAL_WORKBOOKS} is missing; CI must have shared/ beside the repository")
    pytest.skip(f"{REAL_WORKBOOKS} is absent (it lives in shared/, outside the repository)")


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_sandboxed(child_code: str, file_name: str) -> dict[str, object]:
    """Run `child_code` on one real workbook in its own process, under the time and memory caps.

    The child prints one JSON object as its last line; a hang or a crash comes back as an
    {"outcome": "timeout" | "crashed", "detail": ...} object instead.
    """
    try:
        finished = subprocess.run(
            [sys.executable, "-c", child_code, str(REAL_WORKBOOKS / file_name)],
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT_SECONDS,
            preexec_fn=_cap_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "detail": f"no answer within {TIME_LIMIT_SECONDS} s", "seconds": None}
    if finished.returncode != 0:
        last_line = (finished.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"outcome": "crashed", "detail": f"exit {finished.returncode}: {last_line}", "seconds": None}
    result: dict[str, object] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


@functools.cache  # several tests look at the same file; each is read once per session
def _read_in_child(file_name: str) -> dict[str, object]:
    return run_sandboxed(_CHILD, file_name)


@pytest.fixture(scope="module")
def report() -> Iterator[dict[str, dict[str, object]]]:
    results: dict[str, dict[str, object]] = {}
    yield results
    if results:
        print(f"\n{'file':<52} {'outcome':<8} {'s':>5}  detail")
        for file_name, result in sorted(results.items()):
            seconds = "" if result["seconds"] is None else f"{result['seconds']:.2f}"
            print(
                f"{file_name[:52]:<52} {result['outcome']!s:<8} {seconds:>5}  {str(result['detail'])[:110]}"
            )


_FILES = _data_files()


@pytest.mark.parametrize("file_name", _FILES or ["(real-workbooks folder absent)"])
def test_real_workbook_reads_or_is_refused_cleanly(
    file_name: str, report: dict[str, dict[str, object]]
) -> None:
    _require_folder()
    result = _read_in_child(file_name)
    report[file_name] = result
    assert result["outcome"] in ("read", "refused"), result["detail"]
    if result["outcome"] == "refused":
        reason = str(result["detail"])
        assert reason and "\n" not in reason and len(reason) < 200 and "Traceback" not in reason


def test_files_calamine_reads_are_read_unless_refused_on_purpose() -> None:
    _require_folder()
    for file_name, row in _manifest().items():
        if not row.get("calamine_result", "").startswith("ok") or file_name in REFUSED_ON_PURPOSE:
            continue
        result = _read_in_child(file_name)
        assert result["outcome"] == "read", f"{file_name}: {result['detail']}"


def test_the_folder_holds_the_expected_collection() -> None:
    _require_folder()
    assert len(_FILES) >= 60
    assert set(_manifest()) == set(_FILES)


# --- the hostile ones, one by one ------------------------------------------------------------------------


def _reason(file_name: str) -> str:
    _require_folder()
    result = _read_in_child(file_name)
    assert result["outcome"] == "refused", f"{file_name} was {result['outcome']}: {result['detail']}"
    return str(result["detail"])


def test_xml_entity_bomb_is_refused_as_hostile() -> None:
    assert "XML bomb" in _reason("libreoffice4.3_poc-xmlbomb.xlsx")


@pytest.mark.parametrize(
    "file_name",
    [
        "encrypted_agile_AES256_pwd_password.xlsx",
        "encrypted_letmein.ods",
        "xls_encrypted_velvetsweatshop.xls",
        "xls_encrypted_rc4_cryptoapi_2002.xls",
        "xls_encrypted_xor_2002.xls",
    ],
)
def test_encrypted_files_say_password(file_name: str) -> None:
    assert "password" in _reason(file_name)


def test_zero_byte_file_says_empty() -> None:
    assert "empty" in _reason("empty_zero_bytes.xlsx")


def test_bmp_named_xls_is_not_a_spreadsheet() -> None:
    assert "is not a spreadsheet (it looks like a BMP image)" in _reason("not-xls_bmp_TestFail_Binary.xls")


def test_ods_asking_for_10_to_the_18_cells_is_refused_within_the_time_bound() -> None:
    assert "rows; the limit is" in _reason("dos_ods_rows-cols-repeated-999999999.ods")


@pytest.mark.parametrize(
    "file_name",
    ["derived_truncated_il-mof_budget20132014.xlsx", "corrupt_bad-central-directory_poi-crash.xlsx"],
)
def test_truncated_or_corrupt_zip_is_damaged(file_name: str) -> None:
    assert _reason(file_name).startswith("the file is damaged or incomplete")


def test_duplicate_entry_names_are_refused() -> None:
    assert "two files named" in _reason("zip_duplicate-entry-names.xlsx")


def test_csv_with_xls_extension_is_read_as_csv() -> None:
    _require_folder()
    result = _read_in_child("csv-named-xls_education_closures_broken.xls")
    assert result["outcome"] == "read"
    assert str(result["detail"]).startswith("csv-named-xls_education_closures_broken:")
