"""A small, highly compressible workbook inside the size limits that asks for far too much work: a Claims
sheet of 160,000 rows x 200 small numbers (about 3.6 MB on disk, about 135 times that unpacked), as in
issue 14. Built straight as zip parts (openpyxl would take minutes), for the test and the benchmark.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterator

from ledger.workbook.gate import cell_name
from ledger.workbook.layout import CLAIMS

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Claims" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _rows(rows: int, columns: int, seed: int) -> Iterator[bytes]:
    """Data rows of one-digit numbers: about one in thirty fresh, the rest repeating the row before,
    which packs about 135 times, as the issue's file did (cells written <c><v>7</v></c>, without references)."""
    rnd = random.Random(seed)
    row = b""
    for _ in range(rows):
        if not row or rnd.random() < _FRESH_ROWS:
            digits = rnd.choices(b"0123456789", k=columns)
            row = b"<row>" + b"".join(b"<c><v>%c</v></c>" % digit for digit in digits) + b"</row>"
        yield row


# the share of rows that differ from the row before: sets how well the sheet packs
_FRESH_ROWS = 0.035


def dense_workbook(rows: int = 160_000, columns: int = 200, seed: int = 14) -> bytes:
    """The xlsx bytes of a Claims sheet with `rows` x `columns` small numbers under the template's headers.

    The sheet is written to the archive as it is made, so building it needs little memory.
    """
    headers = [column.header for column in CLAIMS.columns][:columns]
    head = "".join(f'<c t="inlineStr"><is><t>{header}</t></is></c>' for header in headers)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:{cell_name(rows, columns - 1)}"/><sheetData><row>{head}</row>'.encode()
            )
            pending: list[bytes] = []
            for row in _rows(rows, columns, seed):
                pending.append(row)
                if len(pending) == 256:
                    sheet.write(b"".join(pending))
                    pending.clear()
            sheet.write(b"".join(pending) + b"</sheetData></worksheet>")
    return buffer.getvalue()
