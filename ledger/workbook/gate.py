"""Read an uploaded workbook into plain cell values, refusing hostile or broken files with a one-line reason.

This is the only module that touches spreadsheet bytes. It knows .xlsx/.xlsm, .xls, .ods and .csv, detects
the real format from the content (never from the extension), and runs its own checks before python-calamine
sees anything, because calamine trusts the file: a two-cell xlsx with one value at A1 and one at XFD1048576
makes calamine allocate the whole 16384 x 1048576 grid (the process aborts), and an ODS cell repeated
9000 x 9000 times takes 8 GB. So, before calamine:

- zip packages: corrupt or truncated archives, duplicate member names, members whose real size differs from
  the size they declare, total size over the limit, compression ratios of a zip bomb, encryption, XML DTDs
  (entity bombs, searched for in the whole of every part, streaming) and unsupported variants (xlsb) are
  refused;
- the extent of the cells that hold values is measured by a streaming scan of the sheet XML (xlsx) or of
  content.xml with its repeat counts (ods), and sheets past the row, column or cell limit (the grid's
  rows x columns, per sheet and in total) are refused before calamine builds its dense grid; the xlsx scan
  counts the cell tags as it goes and stops at the cell limit, so a dense sheet costs at most that much. For xlsx one regex search per chunk proves that every cell is written
  <c r="B7" ...> inside the limits; a sheet where it finds anything else gets the exact, slower scan. The
  same pass notes formulas, whose cells with no saved value (calamine reads them as empty) are listed on
  the Sheet.

Every failure, ours or calamine's, becomes UnreadableWorkbook, whose str() is a one-line reason a person
understands.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import html
import io
import operator
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import BinaryIO, TypeAlias, cast
from xml.etree.ElementTree import Element

import python_calamine
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

__all__ = [
    "CellValue",
    "Limits",
    "Sheet",
    "UnreadableWorkbook",
    "Workbook",
    "cell_name",
    "check_workbook",
    "read_workbook",
]

CellValue: TypeAlias = str | int | Decimal | bool | datetime.date | datetime.datetime | datetime.time | None


@dataclass(frozen=True)
class Limits:
    """How much one upload may hold; anything past these is refused with the number found."""

    max_bytes: int = 50 * 1024 * 1024  # the upload itself
    max_uncompressed: int = 500 * 1024 * 1024  # zip: total uncompressed size
    max_ratio: int = 200  # zip: uncompressed/compressed per member, for members > 1 MiB
    max_rows: int = 200_000  # per sheet, after trailing empty rows are trimmed
    max_columns: int = 200
    max_sheets: int = 200
    # cells a sheet's grid spans (rows x columns, which calamine allocates), and across the sheets read:
    # rows and columns alone allow 40 million cells, gigabytes from a small, highly compressible file
    max_cells: int = 4_000_000
    max_total_cells: int = 6_000_000


class UnreadableWorkbook(Exception):
    """The upload cannot be read as a workbook; str() is the one-line reason for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Sheet:
    """One worksheet's values.

    rows[0] is spreadsheet row 1 and rows[r][c] is the cell named cell_name(r, c); rows are rectangular,
    with trailing empty rows and columns trimmed. Hidden rows and sheets are kept.
    """

    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    # (row_index, column_index) of xlsx cells holding a formula with no saved value: calamine reads them as
    # empty, and a person should be told to save the workbook in a program that calculates
    formulas_without_value: frozenset[tuple[int, int]] = frozenset()

    def cell(self, row_index: int, column_index: int) -> CellValue:
        """The value at (row_index, column_index), None when empty or outside the data."""
        if 0 <= row_index < len(self.rows):
            row = self.rows[row_index]
            if 0 <= column_index < len(row):
                return row[column_index]
        return None


def _sheet_key(name: str) -> str:
    return "".join(name.split()).casefold()


@dataclass(frozen=True)
class Workbook:
    """The sheets read from one upload, in workbook order."""

    name: str
    sheets: tuple[Sheet, ...]
    date1904: bool = False  # informational: calamine already turns serial numbers into dates
    kind: str = "csv"  # the format found in the bytes: "xlsx", "ods", "xls" or "csv"
    sheet_names: tuple[str, ...] = ()  # every worksheet's name, the unread ones too

    @property
    def is_package(self) -> bool:
        """A workbook of named sheets (not a CSV file of claims)."""
        return self.kind != "csv"

    def sheet(self, name: str) -> Sheet | None:
        """The sheet whose name matches ignoring case and spaces ("claims " finds "Claims"), else None."""
        wanted = _sheet_key(name)
        return next((sheet for sheet in self.sheets if _sheet_key(sheet.name) == wanted), None)


def cell_name(row_index: int, column_index: int) -> str:
    """The A1-style name of a zero-based cell position: cell_name(11, 6) == "G12"."""
    if row_index < 0 or column_index < 0:
        raise ValueError(f"cell position ({row_index}, {column_index}) is negative")
    letters = ""
    number = column_index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"{letters}{row_index + 1}"


# ---------------------------------------------------------------------------------------------------------
# Entry point


def read_workbook(
    data: bytes | BinaryIO | str | os.PathLike[str],
    *,
    name: str = "",
    limits: Limits = Limits(),  # frozen, so sharing the default is safe
    sheets: Collection[str] | None = None,
) -> Workbook:
    """Read an uploaded workbook (bytes, a binary file object or a path) into cell values.

    `name` is the file name as uploaded (a path's own name is used when it is empty); `sheets`, when given,
    names the only sheets of a workbook to read (matched ignoring case and spaces; names not in the workbook
    are simply absent from the result; a CSV file's one sheet is always read). Raises UnreadableWorkbook with a one-line reason for anything that is not a
    readable spreadsheet within `limits`.
    """
    if not name and isinstance(data, str | os.PathLike):
        name = PurePath(os.fspath(data)).name
    content = _read_bytes(data, limits)
    wanted = None if sheets is None else frozenset(_sheet_key(sheet) for sheet in sheets)
    try:
        return _read_content(content, name, limits, wanted)
    except UnreadableWorkbook:
        raise
    except python_calamine.PasswordError:
        raise UnreadableWorkbook(_PASSWORD) from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UnreadableWorkbook(_DAMAGED) from None
    except MemoryError:
        raise UnreadableWorkbook("the workbook is too large to read") from None
    except Exception as error:  # calamine and the stdlib raise many kinds; a person gets one line
        raise UnreadableWorkbook(f"could not be read as a spreadsheet: {_short(error)}") from None


def check_workbook(
    data: bytes,
    *,
    name: str = "",
    limits: Limits = Limits(),
    sheets: Collection[str] | None = None,
) -> None:
    """Run read_workbook's own checks on an upload without reading its cells (no calamine): the format,
    the archive, the DTDs, and the extent and cells of the sheets asked for. UnreadableWorkbook when
    read_workbook would refuse it for any of them; cheap enough to run before a large upload is queued.
    (A CSV or .xls file is only checked for its size and format here: their cells are read to be counted.)
    """
    content = _read_bytes(data, limits)
    wanted = None if sheets is None else frozenset(_sheet_key(sheet) for sheet in sheets)
    try:
        _read_content(content, name, limits, wanted, cells=False)
    except UnreadableWorkbook:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UnreadableWorkbook(_DAMAGED) from None
    except MemoryError:
        raise UnreadableWorkbook("the workbook is too large to read") from None


_PASSWORD = "the workbook is password-protected; remove the password and upload again"
_DAMAGED = "the file is damaged or incomplete (corrupt zip archive); save it again and re-upload"


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _read_bytes(data: bytes | BinaryIO | str | os.PathLike[str], limits: Limits) -> bytes:
    too_big = f"the file is larger than the limit of {limits.max_bytes // (1024 * 1024):,} MB"
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    elif isinstance(data, str | os.PathLike):
        try:
            if os.stat(data).st_size > limits.max_bytes:
                raise UnreadableWorkbook(too_big)
            with open(data, "rb") as file:
                content = file.read(limits.max_bytes + 1)
        except OSError as error:
            raise UnreadableWorkbook(f"the file could not be opened: {error.strerror or error}") from None
    else:
        content = data.read(limits.max_bytes + 1)
    if len(content) > limits.max_bytes:
        raise UnreadableWorkbook(too_big)
    if not content:
        raise UnreadableWorkbook("the file is empty (0 bytes)")
    return content


def _read_content(
    content: bytes, name: str, limits: Limits, wanted: frozenset[str] | None, *, cells: bool = True
) -> Workbook:
    """The workbook in `content`; with `cells` off, only its checks run and the workbook is empty."""
    if content.startswith(b"PK\x03\x04") or content.startswith(b"PK\x05\x06"):
        return _read_zip_package(content, name, limits, wanted, cells=cells)
    if content.startswith(_OLE2_MAGIC):
        if not cells:
            return Workbook(name=name, sheets=(), kind="xls")
        return _read_ole2(content, name, limits, wanted)
    if content.startswith(b"PK"):
        raise UnreadableWorkbook(_DAMAGED)
    if content[:4] in _RAW_BIFF_STARTS:
        raise UnreadableWorkbook(
            "this is an Excel 2.x-4.0 file, which is not supported; open it in Excel and save it as "
            "Excel Workbook (.xlsx)"
        )
    kind = _recognise_other_format(content)
    if kind:
        raise UnreadableWorkbook(f"{name or 'the file'} is not a spreadsheet (it looks like {kind})")
    if not cells:
        return Workbook(name=name, sheets=())
    return _read_csv(content, name, limits, wanted)


# ---------------------------------------------------------------------------------------------------------
# Formats that are not spreadsheets

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# BOF records of BIFF2, BIFF3, BIFF4 worksheets stored as a bare stream (no OLE2 container).
_RAW_BIFF_STARTS = (b"\x09\x00\x04\x00", b"\x09\x02\x06\x00", b"\x09\x04\x06\x00")

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


def _recognise_other_format(content: bytes) -> str:
    for magic, kind in _SIGNATURES:
        if content.startswith(magic):
            return kind
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "a web page"
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in content[:4096]:
            return "an Excel 2003 XML spreadsheet, which is not supported; save it as Excel Workbook (.xlsx)"
        return "an XML document"
    if b"\x00" in content[:4096] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "a binary file"
    return ""


# ---------------------------------------------------------------------------------------------------------
# Zip packages: xlsx, xlsm, ods


def _read_zip_package(
    content: bytes, name: str, limits: Limits, wanted: frozenset[str] | None, *, cells: bool = True
) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        raise UnreadableWorkbook(_DAMAGED) from None
    with archive:
        members = _check_archive(archive, content, limits)
        if "mimetype" in members:
            mimetype = _member_bytes(members["mimetype"], content, limit=200).strip()
            if mimetype.startswith(b"application/vnd.oasis.opendocument."):
                if mimetype != b"application/vnd.oasis.opendocument.spreadsheet":
                    kind = mimetype.rsplit(b".", 1)[-1].decode("ascii", "replace")
                    raise UnreadableWorkbook(
                        f"{name or 'the file'} is not a spreadsheet (it looks like an OpenDocument {kind})"
                    )
                return _read_ods(members, content, name, limits, wanted, cells=cells)
        if "[Content_Types].xml" in members or "_rels/.rels" in members:
            return _read_ooxml(members, content, name, limits, wanted, cells=cells)
        if any(member.startswith("word/") for member in members):
            raise UnreadableWorkbook(
                f"{name or 'the file'} is not a spreadsheet (it looks like a Word document)"
            )
        if any(member.startswith("ppt/") for member in members):
            raise UnreadableWorkbook(
                f"{name or 'the file'} is not a spreadsheet (it looks like a PowerPoint presentation)"
            )
        if not members:
            raise UnreadableWorkbook("the file is an empty zip archive with no workbook inside")
        raise UnreadableWorkbook(
            f"{name or 'the file'} is not a spreadsheet (it is a zip archive with no workbook inside)"
        )


def _check_archive(archive: zipfile.ZipFile, content: bytes, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Refuse archives that are ambiguous, encrypted or too big, from the central directory alone."""
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in archive.infolist():
        if info.filename in members:
            raise UnreadableWorkbook(
                f"the zip archive holds two files named {info.filename}; it is damaged or was tampered with"
            )
        members[info.filename] = info
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook(_PASSWORD)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableWorkbook(
                f"part {info.filename} uses an unusual zip compression method; save the workbook again"
            )
        if info.header_offset + info.compress_size > len(content):
            raise UnreadableWorkbook(_DAMAGED)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise UnreadableWorkbook(
                f"part {info.filename} expands {ratio:,.0f} times when unpacked (the limit is "
                f"{limits.max_ratio}); this looks like a zip bomb and was refused"
            )
    if total > limits.max_uncompressed:
        raise UnreadableWorkbook(
            f"the workbook unpacks to {total // (1024 * 1024):,} MB; the limit is "
            f"{limits.max_uncompressed // (1024 * 1024):,} MB"
        )
    return members


def _inflate(info: zipfile.ZipInfo, content: bytes) -> Iterator[bytes]:
    """Yield a member's bytes in chunks, checking that it holds exactly the size and CRC it declares.

    zipfile alone stops at the declared size without noticing more data behind it, and calamine's zip
    reader may not stop at all; a member that lies about its size would make the size limits meaningless.
    """
    offset = info.header_offset
    header = content[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise UnreadableWorkbook(_DAMAGED)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    compressed = memoryview(content)[start : start + info.compress_size]
    if len(compressed) != info.compress_size:
        raise UnreadableWorkbook(_DAMAGED)
    produced = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        chunks: Iterator[bytes] = (
            bytes(compressed[i : i + _CHUNK]) for i in range(0, len(compressed), _CHUNK)
        )
    else:
        chunks = _deflate_chunks(compressed)
    for chunk in chunks:
        produced += len(chunk)
        if produced > info.file_size:
            raise UnreadableWorkbook(
                f"part {info.filename} holds more data than it declares; the file is damaged or hostile"
            )
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != info.file_size or crc != info.CRC:
        raise UnreadableWorkbook(_DAMAGED)


_CHUNK = 1024 * 1024


def _deflate_chunks(compressed: memoryview) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for position in range(0, len(compressed), _CHUNK):
        data = inflater.decompress(compressed[position : position + _CHUNK], _CHUNK)
        yield data
        while inflater.unconsumed_tail and not inflater.eof:
            data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            yield data
        if inflater.eof:
            break
    if not inflater.eof:
        raise UnreadableWorkbook(_DAMAGED)


def _member_bytes(info: zipfile.ZipInfo, content: bytes, *, limit: int) -> bytes:
    """A small member's whole content (parts such as workbook.xml), refused if larger than `limit`."""
    if info.file_size > limit:
        raise UnreadableWorkbook(f"part {info.filename} is unexpectedly large ({info.file_size:,} bytes)")
    return b"".join(_inflate(info, content))


def _verify_member(info: zipfile.ZipInfo, content: bytes) -> None:
    """Inflate a member calamine may read but we do not scan, to prove its size and refuse a DTD."""
    for _ in _checked_chunks(info, content):
        pass


# A DTD belongs in the prolog, but the prolog can be made long (a 1.5 MB comment first), so every byte of
# every part is searched, in the part's own encoding. A literal "<!" in a part's text is always escaped, so
# these markers appear only in a DTD, a comment or CDATA, and a spreadsheet needs none of them to hold them.
_DTD = {
    encoding: re.compile(b"|".join(re.escape(m.encode(encoding)) for m in ("<!DOCTYPE", "<!ENTITY")))
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
}
_DTD_OVERLAP = len("<!DOCTYPE".encode("utf-16-le"))  # so that a marker split across two chunks is found


def _encoding_of(start: bytes) -> str:
    """The XML part's encoding as far as the markers go: UTF-16 (either byte order) or else UTF-8."""
    if start.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
        return "utf-16-le"
    if start.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
        return "utf-16-be"
    return "utf-8"


def _without_dtd(part: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks of a part, refusing it as soon as a DTD marker appears anywhere in it."""
    pattern: re.Pattern[bytes] | None = None
    tail = b""
    for chunk in chunks:
        if pattern is None:
            pattern = _DTD[_encoding_of(chunk)]
        if pattern.search(chunk) or pattern.search(tail + chunk[:_DTD_OVERLAP]):
            raise UnreadableWorkbook(
                f"part {part} declares XML entities (a DTD), which spreadsheets never need; refused as a "
                "possible XML bomb"
            )
        tail = chunk[-_DTD_OVERLAP:]
        yield chunk


def _parse_xml(info: zipfile.ZipInfo, content: bytes) -> Element:
    data = _member_bytes(info, content, limit=64 * 1024 * 1024)
    for _ in _without_dtd(info.filename, iter((data,))):
        pass
    try:
        root: Element = SafeElementTree.fromstring(data)
    except DefusedXmlException:
        raise UnreadableWorkbook(
            f"part {info.filename} declares XML entities (a DTD); refused as a possible XML bomb"
        ) from None
    except SafeElementTree.ParseError as error:
        raise UnreadableWorkbook(f"part {info.filename} is not well-formed XML ({_short(error)})") from None
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- OOXML ---

# Strict Open XML (http://purl.oclc.org/ooxml/spreadsheetml/main) needs nothing special: calamine reads it
# (checked on a file saved by Excel 2013 as Strict), and our scans do not depend on namespaces.
_OFFICE_DOCUMENT = "/officeDocument"


def _read_ooxml(
    members: dict[str, zipfile.ZipInfo],
    content: bytes,
    name: str,
    limits: Limits,
    wanted: frozenset[str] | None,
    *,
    cells: bool = True,
) -> Workbook:
    workbook_part = _ooxml_workbook_part(members, content)
    if workbook_part.endswith(".bin"):
        raise UnreadableWorkbook(
            "Excel Binary Workbook (.xlsb) is not supported; save it as Excel Workbook (.xlsx)"
        )
    workbook_xml = _parse_xml(members[workbook_part], content)
    date1904 = any(
        _local(element.tag) == "workbookPr" and element.get("date1904", "").lower() in ("1", "true")
        for element in workbook_xml
    )
    sheet_parts = _ooxml_sheet_parts(members, content, workbook_part, workbook_xml)
    if len(sheet_parts) > limits.max_sheets:
        raise UnreadableWorkbook(
            f"the workbook has {len(sheet_parts):,} sheets; the limit is {limits.max_sheets:,}"
        )
    selected = {
        sheet: part for sheet, part in sheet_parts.items() if wanted is None or _sheet_key(sheet) in wanted
    }
    scanned: set[str] = set()
    with_formulas: dict[str, zipfile.ZipInfo] = {}
    total_cells = 0
    for sheet, part in selected.items():
        if part in members:
            may_hold_formulas, spanned = _check_xlsx_sheet(sheet, members[part], content, limits)
            if may_hold_formulas:
                with_formulas[sheet] = members[part]
            scanned.add(part)
            total_cells += spanned
            _check_total_cells(sheet, total_cells, limits)
    other_sheets = {part for part in sheet_parts.values() if part} - scanned
    unresolved = any(part not in members for part in selected.values())
    for member, info in members.items():
        if member in scanned or member in other_sheets or not member.lower().endswith((".xml", ".rels")):
            continue  # sheets not asked for are never opened by calamine
        if unresolved:
            # we could not tell which part holds a sheet calamine will read, so every part gets the sheet scan
            _check_xlsx_sheet(f"part {member}", info, content, limits)  # (its cells are calamine's to skip)
        else:
            _verify_member(info, content)
    if not cells:
        return Workbook(name=name, sheets=(), date1904=date1904, kind="xlsx", sheet_names=tuple(sheet_parts))
    unsaved = {
        _sheet_key(sheet): _formulas_without_value(b"".join(_inflate(info, content)))
        for sheet, info in with_formulas.items()
    }
    return _read_with_calamine(content, name, limits, selected.keys(), date1904, kind="xlsx", unsaved=unsaved)


def _ooxml_workbook_part(members: dict[str, zipfile.ZipInfo], content: bytes) -> str:
    missing = "the workbook part is missing from the file (xl/workbook.xml); save it again and re-upload"
    if "_rels/.rels" not in members:
        if "xl/workbook.xml" in members:
            return "xl/workbook.xml"
        raise UnreadableWorkbook(missing)
    relationships = _parse_xml(members["_rels/.rels"], content)
    for relationship in relationships:
        if relationship.get("Type", "").endswith(_OFFICE_DOCUMENT):
            target = relationship.get("Target", "").lstrip("/")
            if target in members:
                return target
    if "xl/workbook.xml" in members:
        return "xl/workbook.xml"
    raise UnreadableWorkbook(missing)


def _ooxml_sheet_parts(
    members: dict[str, zipfile.ZipInfo],
    content: bytes,
    workbook_part: str,
    workbook_xml: Element,
) -> dict[str, str | None]:
    """Sheet name -> zip member holding its XML (None when the relationship cannot be followed)."""
    folder, _, file = workbook_part.rpartition("/")
    rels_part = f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"
    targets: dict[str, str] = {}
    if rels_part in members:
        for relationship in _parse_xml(members[rels_part], content):
            target = relationship.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else _join_part(folder, target)
            targets[relationship.get("Id", "")] = resolved
    parts: dict[str, str | None] = {}
    for container in workbook_xml:
        if _local(container.tag) != "sheets":
            continue
        for sheet in container:
            relation_id = next((value for key, value in sheet.attrib.items() if _local(key) == "id"), "")
            parts[sheet.get("name", "")] = targets.get(relation_id)
    return parts


def _join_part(folder: str, target: str) -> str:
    segments = folder.split("/") if folder else []
    for segment in target.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    return "/".join(segments)


# For the exact scan (_scan_xlsx_sheet): the start tag of a cell written the way every producer seen writes
# it (<c r="B7" ...>), not self-closing, so it may hold a value; self-closing <c r="XFD1048576" s="1"/> cells
# are styled but empty, and calamine does not place them. Any other spelling sends the sheet to the exact
# sequential scan.
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,10})"[^>/]*>')
# Signs of cells spelled otherwise: whitespace inside an end tag (and, checked apart, namespace prefixes).
_ODD_CELL_END = re.compile(rb"</c[ \t\r\n]")
_first = operator.itemgetter(0)
_second = operator.itemgetter(1)


def _check_xlsx_sheet(sheet: str, info: zipfile.ZipInfo, content: bytes, limits: Limits) -> tuple[bool, int]:
    """Refuse a sheet whose cells reach past the limits; (whether it may hold formulas, the cells of the
    grid calamine will build for it, at most).

    The fast pass proves that every cell start tag in the part is spelled <c r="B7"> (or <c r="B7"/>) with
    B7 inside the sheet's declared <dimension> (or, without a usable one, inside the limits), which bounds
    every cell calamine can place, empty or not; it is one regex search per segment that matches nothing in
    an ordinary sheet. All the while it counts the cell tags (in C) and stops at the cell limit, so a dense
    sheet is refused after reading that many cells, not all of them. Anything else (cells without a
    reference, other spellings, namespace prefixes, styled cells far away, no dimension) sends the sheet to
    the exact scan, which measures the cells that may hold values one by one.
    """
    bounds = (limits.max_rows, limits.max_columns)
    declared = False
    cell_tags = 0
    has_formulas = False
    unusual = False
    cells = cells_or_formulas = _cell_outside_limits(*bounds)
    for index, segment in enumerate(_segments(_checked_chunks(info, content), b"<", cut_after=False)):
        if index == 0:
            dimension = _declared_dimension(segment)
            if dimension is not None and dimension[0] * dimension[1] <= limits.max_cells:
                bounds = (min(dimension[0], limits.max_rows), min(dimension[1], limits.max_columns))
                declared = True
            cells = _cell_outside_limits(*bounds)
            cells_or_formulas = _cell_outside_limits_or_formula(*bounds)
        cell_tags += segment.count(b"<c ") + segment.count(b"<c>")
        _check_cell_count(sheet, cell_tags, limits)
        if unusual:
            continue  # only counting now: the exact scan below measures it
        if _PREFIXED_CELL_OR_FORMULA.search(segment):
            unusual = (
                True  # <x:c ...> or <x:f>: calamine ignores prefixes, so only the exact scan follows them
            )
            continue
        found = (cells if has_formulas else cells_or_formulas).search(segment)
        if found is not None and found.group(1) is None:  # a formula (<f>), not a cell
            has_formulas = True
            found = cells.search(segment, found.end())
        unusual = found is not None
    if declared and not unusual:
        return has_formulas, bounds[0] * bounds[1]
    extent = _scan_xlsx_sheet(sheet, info, content, limits)
    _check_extent(sheet, extent, limits)
    # an unusual sheet is searched for formulas by the slower, exact pattern
    return has_formulas or unusual, extent[0] * extent[1]


_DIMENSION = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"'
)


def _declared_dimension(start: bytes) -> tuple[int, int] | None:
    """(rows, columns) the sheet says it spans (<dimension ref="A1:M200">, near its start), if it says."""
    found = _DIMENSION.search(start, 0, 4096)
    if found is None:
        return None
    return int(found.group(2)), _column_number(found.group(1))


def _check_cell_count(sheet: str, cells: int, limits: Limits) -> None:
    if cells > limits.max_cells:
        raise UnreadableWorkbook(
            f"sheet {sheet} has more than {limits.max_cells:,} cells (the limit); split the ledger or remove "
            "the cells it does not use"
        )


def _check_total_cells(sheet: str, cells: int, limits: Limits) -> None:
    if cells > limits.max_total_cells:
        raise UnreadableWorkbook(
            f"the sheets up to {sheet} span {cells:,} cells; the limit for a workbook is "
            f"{limits.max_total_cells:,}"
        )


# Namespace-prefixed cell or formula tags (<x:c>, <x:f>); ':' is rare in sheet XML, so this search is quick.
_PREFIXED_CELL_OR_FORMULA = re.compile(rb":[cf][\s/>]")


@functools.lru_cache(maxsize=64)  # pure: one compiled pattern per pair of bounds
def _cell_outside_limits(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """A cell start tag (group 1) not spelled <c r="B7" with B7 within the limits.

    Its literal start (<c) makes it a fast search over a sheet in which every cell is written the usual
    way and lies inside the limits, i.e. in which it finds nothing.
    """
    return re.compile(rb"<(c)(?! r=" + _reference_within(max_rows, max_columns) + rb")[\s/>]")


@functools.lru_cache(maxsize=64)
def _cell_outside_limits_or_formula(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """As _cell_outside_limits, or a formula start tag (<f>, group 1 empty)."""
    within = _reference_within(max_rows, max_columns)
    return re.compile(rb"<(?:(c)(?! r=" + within + rb")[\s/>]|f[\s/>])")


def _reference_within(max_rows: int, max_columns: int) -> bytes:
    """A regex for a quoted cell reference ("B7") inside the limits."""
    return b'"(?:' + _letters_at_most(max_columns) + b")(?:" + _decimal_at_most(max_rows) + b')"'


def _decimal_at_most(limit: int) -> bytes:
    """A regex matching the numbers 1..limit written in decimal without leading zeros."""
    if limit < 1:
        return b"(?!)"
    digits = str(limit)
    options = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        lowest = "1" if position == 0 else "0"
        if digit > lowest:  # a smaller digit here, then any digits
            below = chr(ord(digit) - 1)
            options.append(f"{digits[:position]}[{lowest}-{below}][0-9]{{{len(digits) - position - 1}}}")
    options.append(digits)
    return "|".join(options).encode("ascii")


def _letters_at_most(limit: int) -> bytes:
    """A regex matching the column letters of columns 1..limit (A..), upper case as Excel writes them."""
    if limit < 1:
        return b"(?!)"
    letters = _column_letters(limit)
    options = [f"[A-Z]{{1,{len(letters) - 1}}}"] if len(letters) > 1 else []
    for position, letter in enumerate(letters):
        if letter > "A":  # letters of equal length compare like their column numbers
            below = chr(ord(letter) - 1)
            options.append(f"{letters[:position]}[A-{below}][A-Z]{{{len(letters) - position - 1}}}")
    options.append(letters)
    return "|".join(options).encode("ascii")


def _column_letters(number: int) -> str:
    return cell_name(0, number - 1)[:-1]


def _scan_xlsx_sheet(sheet: str, info: zipfile.ZipInfo, content: bytes, limits: Limits) -> tuple[int, int]:
    """(rows, columns) spanned by the cells that may hold values, found without building the grid; refused
    as soon as more cells than the limit are seen."""
    max_row = 0
    max_column = 0
    value_cells = closed_cells = 0
    odd = False
    for segment in _segments(_checked_chunks(info, content), b"<", cut_after=False):
        # every cell that may hold a value has one end tag; counting them (in C) tells whether each was seen
        closed_cells += segment.count(b"</c>")
        _check_cell_count(sheet, closed_cells, limits)
        found = _VALUE_CELL.findall(segment)
        if found:
            max_row, max_column = _widen(found, max_row, max_column)
            value_cells += len(found)
        odd = odd or b":c" in segment or _ODD_CELL_END.search(segment) is not None
    if odd or closed_cells != value_cells:
        # some cells that may hold values were not seen above (no r="B7", a namespace prefix, other
        # quoting): calamine places them after the previous cell or row, so follow the rows and cells one
        # by one (slower, but only such unusual files pay for it)
        return _scan_xlsx_sheet_sequentially(sheet, info, content, limits)
    return max_row, max_column


_XLSX_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,4})([0-9]{1,10})["']""")


def _scan_xlsx_sheet_sequentially(
    sheet: str, info: zipfile.ZipInfo, content: bytes, limits: Limits
) -> tuple[int, int]:
    row = column = 0
    max_row = max_column = 0
    tags = 0
    for segment in _segments(_checked_chunks(info, content), b"<", cut_after=False):
        found = _XLSX_TAG.findall(segment)
        tags += len(found)
        # rows and cells, opening and closing: a grid of n cells has about 2n tags
        _check_cell_count(sheet, tags // 2, limits)
        for closing, kind, attributes, self_closing in found:
            if closing:
                continue
            reference = _R_ATTRIBUTE.search(b" " + attributes)
            if kind == b"row":
                row = int(reference.group(2)) if reference else row + 1
                column = 0
            else:
                if reference and reference.group(1):
                    row = int(reference.group(2))
                    column = _column_number(reference.group(1))
                else:
                    column += 1
                if not self_closing:
                    max_row = max(max_row, row)
                    max_column = max(max_column, column)
    return max_row, max_column


def _checked_chunks(info: zipfile.ZipInfo, content: bytes) -> Iterator[bytes]:
    """A member's chunks, refusing a DTD anywhere in it."""
    return _without_dtd(info.filename, _inflate(info, content))


def _segments(chunks: Iterator[bytes], boundary: bytes, *, cut_after: bool) -> Iterator[bytes]:
    """Regroup chunks into pieces that end at the last `boundary`, so no tag or row is split.

    The buffer grows in place and is searched only where new data arrived, so a hostile part with one
    enormous tag costs linear time, not quadratic.
    """
    pending = bytearray()
    for chunk in chunks:
        search_from = max(len(pending) - len(boundary), 0)
        pending += chunk
        cut = pending.rfind(boundary, search_from)
        if cut < 0:
            continue
        if cut_after:
            cut += len(boundary)
        if cut:
            yield bytes(pending[:cut])
            del pending[:cut]
    if pending:
        yield bytes(pending)


def _widen(found: list[tuple[bytes, bytes]], max_row: int, max_column: int) -> tuple[int, int]:
    # itemgetter and set() run in C; only the distinct row numbers and column letters are converted
    row = max(map(int, set(map(_second, found))))
    column = max(map(_column_number, set(map(_first, found))))
    return max(max_row, row), max(max_column, column)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# Formulas without a saved value. calamine reads a formula's cached value and gives an empty cell when there
# is none (a file written by a program that cannot calculate, such as openpyxl); only sheets in which the
# scan above saw a formula come here.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.DOTALL)
_REFERENCE = re.compile(rb'\br="([A-Z]{1,4})([0-9]{1,10})"')
_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>([^<]*)<")
# The end of a formula (</f>, or <f t="shared" si="0"/>) not followed by a saved value such as <v>3</v>:
# where a cell may hold a formula with no value. Literal starts, so a sheet of formulas that all have their
# values is searched quickly, and only the few cells found are looked at one by one.
_VALUE_AHEAD = rb"(?!\s*<v(?:\s[^>/]*)?>[^<])"  # <v/> and <v /> are no value
_FORMULA_ENDS_WITHOUT_VALUE = (
    re.compile(rb"</f>" + _VALUE_AHEAD),
    re.compile(rb"<f(?:\s[^>]*)?/>" + _VALUE_AHEAD),
)


def _formulas_without_value(xml: bytes) -> frozenset[tuple[int, int]]:
    """(row_index, column_index) of the cells in a sheet's XML that hold a formula but no saved value."""
    cells: Iterator[re.Match[bytes]]
    if _PREFIXED_CELL_OR_FORMULA.search(xml):
        cells = _CELL.finditer(xml)  # namespace prefixes (rare): every cell is looked at
    else:
        ends = sorted(
            {end.start() for pattern in _FORMULA_ENDS_WITHOUT_VALUE for end in pattern.finditer(xml)}
        )
        cells = _cells_holding(xml, ends)
    found: set[tuple[int, int]] = set()
    for cell in cells:
        attributes, body = cell.groups()
        if not body or not _FORMULA.search(body):
            continue
        value = _VALUE.search(body)
        if value and value.group(1):
            continue
        kind = _TYPE.search(attributes)
        if value is not None and kind is not None and kind.group(1) == b"str":
            continue  # a formula whose saved result is the empty string
        reference = _REFERENCE.search(attributes)
        if reference is None:
            continue
        letters, digits = reference.groups()
        found.add((int(digits) - 1, _column_number(letters) - 1))
    return frozenset(found)


def _cells_holding(xml: bytes, positions: list[int]) -> Iterator[re.Match[bytes]]:
    """The cell (<c ...>...</c>) around each position, when there is one; a cell holds no other <c."""
    for position in positions:
        start = xml.rfind(b"<c", 0, position)
        cell = _CELL.match(xml, start) if start >= 0 else None
        if cell is not None and cell.end() > position:
            yield cell


def _check_extent(sheet: str, extent: tuple[int, int], limits: Limits) -> None:
    rows, columns = extent
    if rows > limits.max_rows:
        raise UnreadableWorkbook(f"sheet {sheet} has {rows:,} rows; the limit is {limits.max_rows:,}")
    if columns > limits.max_columns:
        raise UnreadableWorkbook(
            f"sheet {sheet} has {columns:,} columns; the limit is {limits.max_columns:,}"
        )
    if rows * columns > limits.max_cells:
        raise UnreadableWorkbook(
            f"sheet {sheet} spans {rows:,} rows and {columns:,} columns ({rows * columns:,} cells); the limit "
            f"is {limits.max_cells:,} cells"
        )


# --- ODS ---


def _read_ods(
    members: dict[str, zipfile.ZipInfo],
    content: bytes,
    name: str,
    limits: Limits,
    wanted: frozenset[str] | None,
    *,
    cells: bool = True,
) -> Workbook:
    manifest = members.get("META-INF/manifest.xml")
    if manifest is not None:
        manifest_bytes = _member_bytes(manifest, content, limit=16 * 1024 * 1024)
        if b"encryption-data" in manifest_bytes:
            raise UnreadableWorkbook(_PASSWORD)
    if "content.xml" not in members:
        raise UnreadableWorkbook(
            "the spreadsheet content (content.xml) is missing; save it again and re-upload"
        )
    extents = _scan_ods_content(members["content.xml"], content)
    if len(extents) > limits.max_sheets:
        raise UnreadableWorkbook(
            f"the workbook has {len(extents):,} sheets; the limit is {limits.max_sheets:,}"
        )
    # calamine reads every table of an ODS when it opens it, so every table's grid must be affordable.
    total = 0
    for sheet, (rows, columns) in extents:
        if wanted is None or _sheet_key(sheet) in wanted:
            _check_extent(sheet, (rows, columns), limits)
        total += rows * columns
        if total > limits.max_total_cells:
            raise UnreadableWorkbook(
                f"sheet {sheet} has {rows:,} rows and {columns:,} columns; the workbook is too large to read "
                f"(its sheets span more than {limits.max_total_cells:,} cells)"
            )
    for member, info in members.items():
        if member != "content.xml" and member.endswith(".xml"):
            _verify_member(info, content)
    selected = [sheet for sheet, _ in extents if wanted is None or _sheet_key(sheet) in wanted]
    if not cells:
        return Workbook(name=name, sheets=(), kind="ods", sheet_names=tuple(sheet for sheet, _ in extents))
    return _read_with_calamine(content, name, limits, selected, date1904=False, kind="ods")


# Tags met between rows: table starts and ends, and self-closing (empty) rows.
_ODS_BETWEEN_ROWS = re.compile(
    rb"<table:table-row(?=[\s/>])([^>]*?)/>|(<table:table)(?=[\s/>])([^>]*?)(/?)>|(</table:table>)"
)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])([^>]*?)(/?)>")
_REPEATED = re.compile(rb'number-(?:rows|columns)-repeated\s*=\s*["\']([0-9]{1,12})["\']')
_TABLE_NAME = re.compile(rb'table:name\s*=\s*"([^"]*)"|table:name\s*=\s*\'([^\']*)\'')
_CELL_CLOSE = (b"</table:table-cell>", b"</table:covered-table-cell>")
_ROW_END = b"</table:table-row>"


def _scan_ods_content(info: zipfile.ZipInfo, content: bytes) -> list[tuple[str, tuple[int, int]]]:
    """Each table's (rows, columns) spanned by cells that may hold values, counting repeats arithmetically.

    ODS compresses runs with number-rows-repeated / number-columns-repeated; a tiny file can ask for 10^18
    cells, so the repeats are multiplied out here as numbers, never as cells. The text is split at row ends
    (in C); Python looks at each row once and at single cells only in unusual rows.
    """
    tables: list[tuple[str, tuple[int, int]]] = []
    table_name = ""
    row = row_end = column_end = 0
    for segment in _segments(_checked_chunks(info, content), _ROW_END, cut_after=True):
        pieces = segment.split(_ROW_END)
        for index, piece in enumerate(pieces):
            closes_row = index < len(pieces) - 1
            start = piece.rfind(b"<table:table-row") if closes_row else -1
            head = piece if start < 0 else piece[:start]
            if b"<table:table" in head or b"</table:table>" in head:
                for empty_row, is_table, attributes, empty_table, table_end in _ODS_BETWEEN_ROWS.findall(
                    head
                ):
                    if is_table:
                        match = _TABLE_NAME.search(attributes)
                        raw_name = (match.group(1) or match.group(2)) if match else b""
                        table_name = html.unescape(raw_name.decode("utf-8", "replace"))
                        row = row_end = column_end = 0
                        if empty_table:
                            tables.append((table_name, (0, 0)))
                    elif table_end:
                        tables.append((table_name, (row_end, column_end)))
                    else:
                        row += _repeat(empty_row)
            if start < 0:
                continue
            tag_end = piece.find(b">", start)
            repeat = _repeat(piece[start:tag_end])
            row_column_end = _ods_row_width(piece[tag_end + 1 :])
            if row_column_end:
                row_end = row + repeat
                column_end = max(column_end, row_column_end)
            row += repeat
    return tables


def _ods_row_width(body: bytes) -> int:
    """Columns up to the last cell of a row that may hold a value (0 when none does)."""
    last_close = max(body.rfind(close) for close in _CELL_CLOSE)
    if b"value-type" not in body[last_close + 1 :]:
        # fast path: every cell after the last closed (value-bearing) cell is empty, so count up to it
        if last_close < 0:
            return 0
        prefix = body[:last_close]
        width = prefix.count(b"<table:table-cell") + prefix.count(b"<table:covered-table-cell")
        if b"repeated" in prefix:
            width += sum(int(repeat) - 1 for repeat in _REPEATED.findall(prefix) if int(repeat) > 1)
        return width
    column = width = 0
    for attributes, self_closing in _ODS_CELL.findall(body):
        column += _repeat(attributes)
        if not self_closing or b"value-type" in attributes:
            width = column
    return width


def _repeat(attributes: bytes) -> int:
    match = _REPEATED.search(attributes)
    return max(int(match.group(1)), 1) if match else 1


# ---------------------------------------------------------------------------------------------------------
# OLE2: .xls, and encrypted OOXML (which Office stores inside an OLE2 container)


def _read_ole2(content: bytes, name: str, limits: Limits, wanted: frozenset[str] | None) -> Workbook:
    if "EncryptionInfo".encode("utf-16-le") in content or "EncryptedPackage".encode("utf-16-le") in content:
        raise UnreadableWorkbook(_PASSWORD)
    if _xls_has_filepass(content):
        raise UnreadableWorkbook(_PASSWORD)
    if "Workbook".encode("utf-16-le") not in content and "Book".encode("utf-16-le") not in content:
        if "WordDocument".encode("utf-16-le") in content:
            raise UnreadableWorkbook(
                f"{name or 'the file'} is not a spreadsheet (it looks like a Word document)"
            )
        raise UnreadableWorkbook(
            f"{name or 'the file'} is not a spreadsheet (an Office file with no workbook)"
        )
    return _read_with_calamine(content, name, limits, wanted, date1904=False, kind="xls")


_BIFF_GLOBALS_BOF = re.compile(rb"\x09\x08[\x08\x10]\x00\x00[\x05\x06]\x05\x00")


def _xls_has_filepass(content: bytes) -> bool:
    """Whether the workbook globals start with a FILEPASS record (the xls is encrypted).

    FILEPASS follows the globals' BOF within a few records; walking those records in the raw bytes is
    enough because the first sectors of the Workbook stream are contiguous in every file seen in practice.
    """
    for match in _BIFF_GLOBALS_BOF.finditer(content):
        position = match.start()
        for _ in range(8):
            if position + 4 > len(content):
                break
            record, length = struct.unpack_from("<HH", content, position)
            if record == 0x002F:
                return True
            position += 4 + length
        return False
    return False


# ---------------------------------------------------------------------------------------------------------
# calamine


def _read_with_calamine(
    content: bytes,
    name: str,
    limits: Limits,
    selected: Collection[str] | None,
    date1904: bool,
    *,
    kind: str,
    unsaved: Mapping[str, frozenset[tuple[int, int]]] | None = None,
) -> Workbook:
    try:
        calamine_book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError:
        raise UnreadableWorkbook(_PASSWORD) from None
    except python_calamine.CalamineError as error:
        raise UnreadableWorkbook(_calamine_reason(error, kind)) from None
    with calamine_book:
        worksheets = [
            meta.name
            for meta in calamine_book.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if len(worksheets) > limits.max_sheets:
            raise UnreadableWorkbook(
                f"the workbook has {len(worksheets):,} sheets; the limit is {limits.max_sheets:,}"
            )
        every = worksheets
        if selected is not None:
            keys = {_sheet_key(sheet) for sheet in selected}
            worksheets = [sheet for sheet in worksheets if _sheet_key(sheet) in keys]
        read: list[Sheet] = []
        total_cells = 0
        for sheet_name in worksheets:
            try:
                calamine_sheet = calamine_book.get_sheet_by_name(sheet_name)
            except python_calamine.CalamineError as error:
                raise UnreadableWorkbook(
                    f"sheet {sheet_name} could not be read: {_calamine_reason(error, kind)}"
                ) from None
            formulas = (unsaved or {}).get(_sheet_key(sheet_name), frozenset())
            end = calamine_sheet.end
            total_cells += (end[0] + 1) * (end[1] + 1) if end is not None else 0
            _check_total_cells(sheet_name, total_cells, limits)
            read.append(_sheet_from_calamine(sheet_name, calamine_sheet, limits, formulas))
    return Workbook(name=name, sheets=tuple(read), date1904=date1904, kind=kind, sheet_names=tuple(every))


_UNREADABLE_STRUCTURE = {
    "xlsx": "the workbook's internal structure is damaged or not supported (the Excel file could not be "
    "opened); open it in Excel, save it again as Excel Workbook (.xlsx) and re-upload",
    "xls": "the .xls file is damaged or uses a variant that cannot be read; open it in Excel, save it as "
    "Excel Workbook (.xlsx) and re-upload",
    "ods": "the OpenDocument spreadsheet is damaged or uses a variant that cannot be read; save it again "
    "and re-upload",
}


def _calamine_reason(error: Exception, kind: str) -> str:
    text = _short(error)
    lowered = text.lower()
    if "cannot detect file format" in lowered:
        # calamine tried each format on our bytes and all failed; we already know which format it is
        return _UNREADABLE_STRUCTURE[kind]
    if "password" in lowered or "encrypt" in lowered:
        return _PASSWORD
    if "cell limit" in lowered:
        return "the workbook asks for more cells than can be read; it is damaged or hostile"
    if isinstance(error, python_calamine.ZipError) or "eocd" in lowered:
        return _DAMAGED
    if "cfb" in lowered or "ole" in lowered:
        return f"the file is damaged or is not a real Excel file (.xls): {text}"
    if isinstance(error, python_calamine.XmlError) or "relationships" in lowered:
        return f"the workbook's XML is damaged or not supported ({text}); save it again as .xlsx"
    if "not found" in lowered:
        return f"a part of the workbook is missing ({text}); save it again and re-upload"
    return f"could not be read as a spreadsheet: {text}"


def _sheet_from_calamine(
    sheet_name: str,
    sheet: python_calamine.CalamineSheet,
    limits: Limits,
    formulas_without_value: frozenset[tuple[int, int]] = frozenset(),
) -> Sheet:
    end = sheet.end
    if end is None:
        return Sheet(name=sheet_name, rows=(), formulas_without_value=formulas_without_value)
    # calamine has already built its grid; refuse before Python materialises it too.
    _check_extent(sheet_name, (end[0] + 1, end[1] + 1), limits)
    raw = sheet.to_python(skip_empty_area=False)
    plain = _PLAIN_TYPES
    # Row by row, in one comprehension: a row's values lie together in memory, so this touches each value
    # once, in order (a column-by-column pass measured three times slower). Inline type tests: a function
    # call per cell would double the cost; the cast is needed because mypy cannot see that the type tests
    # leave only durations and unknown types for _convert.
    rows = cast(
        "list[tuple[CellValue, ...]]",
        [
            tuple(
                [
                    (value or None)
                    if type(value) is str
                    else _float(value)
                    if type(value) is float
                    else value
                    if type(value) in plain
                    else _convert(value)
                    for value in row
                ]
            )
            for row in raw
        ],
    )
    del raw
    return Sheet(name=sheet_name, rows=_trim(rows), formulas_without_value=formulas_without_value)


def _trim(rows: list[tuple[CellValue, ...]]) -> tuple[tuple[CellValue, ...], ...]:
    """Drop trailing empty rows and the trailing columns empty in every row; pad rows to a rectangle."""
    while rows and not any(value is not None for value in rows[-1]):
        rows.pop()
    if len(set(map(len, rows))) == 1:
        # calamine's rows are all as wide: test whole columns from the right, in C
        width = len(rows[0])
        while width and list(map(operator.itemgetter(width - 1), rows)).count(None) == len(rows):
            width -= 1
        return tuple(rows) if width == len(rows[0]) else tuple(row[:width] for row in rows)
    width = 0
    for row in rows:
        last = len(row)
        while last > width and row[last - 1] is None:
            last -= 1
        width = max(width, last)
    return tuple(row[:width] if len(row) >= width else row + (None,) * (width - len(row)) for row in rows)


_EXACT_INTEGERS = 2.0**53  # beyond it a float is not a whole number of units, only the nearest double


def _float(value: float) -> CellValue:
    # calamine hands numbers as binary floats; the analyst typed decimals, and repr() gives the shortest
    # decimal that round-trips, i.e. what Excel shows. This is the one place a float becomes a Decimal.
    if value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return int(value)
    return Decimal(repr(value))


def _duration(value: datetime.timedelta) -> CellValue:
    # ODS durations (and times past 24:00); within a day they read as a clock time, otherwise as text
    if datetime.timedelta(0) <= value < datetime.timedelta(days=1):
        return (datetime.datetime.min + value).time()
    return str(value)


def _identity(value: CellValue) -> CellValue:
    return value


def _text(value: str) -> CellValue:
    return value or None


_CONVERTERS: dict[type, Callable[[object], CellValue]] = {
    str: _text,  # type: ignore[dict-item]
    float: _float,  # type: ignore[dict-item]
    int: _identity,  # type: ignore[dict-item]
    bool: _identity,  # type: ignore[dict-item]
    datetime.date: _identity,  # type: ignore[dict-item]
    datetime.datetime: _identity,  # type: ignore[dict-item]
    datetime.time: _identity,  # type: ignore[dict-item]
    datetime.timedelta: _duration,  # type: ignore[dict-item]
}


_PLAIN_TYPES = frozenset({int, bool, datetime.date, datetime.datetime, datetime.time})


def _convert(value: object) -> CellValue:
    converter = _CONVERTERS.get(type(value))
    if converter is None:
        return str(value)
    return converter(value)


# ---------------------------------------------------------------------------------------------------------
# CSV


def _read_csv(content: bytes, name: str, limits: Limits, _wanted: frozenset[str] | None) -> Workbook:
    # a CSV file is one sheet, named after the file, and always read: its name cannot say what it holds
    text = _decode_text(content)
    sheet_name = PurePath(name).stem if name else "Sheet1"
    delimiter = _sniff_delimiter(text)
    rows: list[tuple[CellValue, ...]] = []
    used_rows = 0  # rows up to the last one holding anything; only the first max_rows are kept
    cells = 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        for count, record in enumerate(reader, start=1):
            if not any(record):
                if count <= limits.max_rows:
                    rows.append(())
                continue
            used_rows = count
            cells += len(record)
            _check_cell_count(sheet_name, cells, limits)
            if len(record) > limits.max_columns and any(record[limits.max_columns :]):
                raise UnreadableWorkbook(
                    f"sheet {sheet_name} has {len(record):,} columns; the limit is {limits.max_columns:,}"
                )
            if count <= limits.max_rows:
                rows.append(tuple(value or None for value in record))
    except csv.Error as error:
        raise UnreadableWorkbook(f"the CSV text could not be read: {_short(error)}") from None
    if used_rows > limits.max_rows:
        raise UnreadableWorkbook(
            f"sheet {sheet_name} has {used_rows:,} rows; the limit is {limits.max_rows:,}"
        )
    return Workbook(name=name, sheets=(Sheet(name=sheet_name, rows=_trim(rows)),), sheet_names=(sheet_name,))


def _decode_text(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", content[3:]
    elif content.startswith(codecs.BOM_UTF16_LE):
        encoding, body = "utf-16-le", content[2:]
    elif content.startswith(codecs.BOM_UTF16_BE):
        encoding, body = "utf-16-be", content[2:]
    else:
        encoding, body = "utf-8", content
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableWorkbook(
            "the file is neither a workbook nor UTF-8 text; if it is a CSV, save it as CSV UTF-8 "
            "and upload again"
        ) from None
    if "\x00" in text:
        raise UnreadableWorkbook("the file is not a spreadsheet (it holds binary data)")
    return text


def _sniff_delimiter(text: str) -> str:
    sample = text[: 64 * 1024]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first_line = sample.split("\n", 1)[0]
        counts = {delimiter: first_line.count(delimiter) for delimiter in ",;\t"}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","
