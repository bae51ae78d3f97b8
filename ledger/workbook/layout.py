"""The ledger workbook's contract: sheets, columns, headers and drop-down lists, as frozen data.

Shared by the reader (which matches headers), the writer and the blank template (which lay them out).
Nothing here touches openpyxl or bytes.

Header matching is forgiving, because analysts rename columns: case, spacing, punctuation, a trailing
"s" and anything in brackets are ignored ("Amount (USD)" is Amount, "Claim ID" is ID, "Notes" is
Qualifiers), and each column lists the other names people give it ("Pledger" for Donor).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from ledger.core.model import Alias, Instrument
from ledger.core.money import Approximation, is_currency
from ledger.names.entities import KIND_CHOICES, kind_word

__all__ = [
    "ALIASES",
    "APPROXIMATION_CHOICES",
    "CLAIMS",
    "DECISIONS",
    "DECISION_CHOICES",
    "INSTRUMENT_CHOICES",
    "LISTS_SHEET",
    "MONTH_CHOICES",
    "RATES",
    "READ_ME_SHEET",
    "SETTINGS",
    "SHEETS",
    "SOURCES",
    "Column",
    "Kind",
    "SheetLayout",
    "alias_cells",
    "approximation_word",
    "choice_list",
    "currency_codes",
    "instrument_word",
    "match_header",
    "match_setting",
    "match_sheet",
    "normalise_header",
    "sheet_layout",
]

READ_ME_SHEET = "Read me"
LISTS_SHEET = "Lists"  # hidden: the drop-down lists, too long to write inline in a validation


class Kind(StrEnum):
    """What a column holds, which decides its number format and drop-down."""

    TEXT = "text"
    MONEY = "money"  # an amount: a number, or text such as "nearly $300m"
    NUMBER = "number"  # a plain number: a rate, a tolerance
    DATE = "date"
    CHOICE = "choice"  # one word from a list (Column.choices names it)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet (or one row of a key/value sheet such as Settings)."""

    field: str  # the key build.py uses: "announced_by"
    header: str  # as the template writes it: "Announced by"
    explanation: str  # one line, for the Read me and the cell's input message (Excel allows 255 characters)
    example: str
    width: int
    kind: Kind = Kind.TEXT
    choices: str = ""  # for Kind.CHOICE: the name of a list in choice_list()
    required: bool = False  # the sheet cannot be read without this column
    variants: tuple[str, ...] = ()  # other headers analysts use for it


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """One sheet: its name, whether a workbook must have it, and its columns.

    A key/value sheet (Settings) has two columns, Setting and Value, and one row per entry.
    """

    name: str
    required: bool
    explanation: str
    columns: tuple[Column, ...]
    entries: tuple[Column, ...] = ()  # key/value sheets: the rows, by their Setting label
    variants: tuple[str, ...] = ()  # other sheet names analysts use
    # headers the reconciliation report (exports/report) writes beside the sheet's own columns: a report
    # read back as a ledger passes over them without a word
    report_columns: tuple[str, ...] = ()

    @property
    def key_value(self) -> bool:
        return bool(self.entries)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def column(self, field: str) -> Column:
        """The column (or key/value entry) that holds `field`; KeyError when the sheet has none."""
        for column in (*self.columns, *self.entries):
            if column.field == field:
                return column
        raise KeyError(f"sheet {self.name} has no column {field!r}")


# ---- choices ---------------------------------------------------------------------------------------------

APPROXIMATION_CHOICES: tuple[str, ...] = ("exact", "about", "nearly", "more than", "up to")
INSTRUMENT_CHOICES: tuple[str, ...] = (
    "grant",
    "loan",
    "guarantee",
    "debt relief",
    "in-kind",
    "mixed",
    "unknown",
)
DECISION_CHOICES: tuple[str, ...] = ("accept", "reject")
MONTH_CHOICES: tuple[str, ...] = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

_INSTRUMENT_WORDS: Mapping[Instrument, str] = MappingProxyType(
    {Instrument.IN_KIND: "in-kind", Instrument.DEBT_RELIEF: "debt relief"}
)


def approximation_word(approximation: Approximation) -> str:
    """The word the workbook writes for an approximation: MORE_THAN -> "more than"."""
    return approximation.value.replace("_", " ")


def alias_cells(alias: Alias) -> tuple[str, str, str, str]:
    """An alias as the Aliases sheet writes it: name, means, parent, kind in words."""
    return alias.name, alias.means, alias.parent, kind_word(alias.kind)


def instrument_word(instrument: Instrument) -> str:
    """The word the workbook writes for an instrument: IN_KIND -> "in-kind", DEBT_RELIEF -> "debt relief"."""
    return _INSTRUMENT_WORDS.get(instrument, instrument.value)


# Codes for testing and for "no currency" are not money.
_NOT_MONEY = frozenset({"XTS", "XXX"})


@cache
def currency_codes() -> tuple[str, ...]:
    """Current ISO 4217 codes (pycountry's list) that the ledger accepts, sorted: the Currency drop-down.

    Withdrawn codes the ledger still accepts (e.g. DEM) may be typed; the drop-down only warns.
    """
    import pycountry

    codes = {str(c.alpha_3) for c in pycountry.currencies}
    return tuple(sorted(c for c in codes - _NOT_MONEY if is_currency(c)))


def choice_list(name: str) -> tuple[str, ...]:
    """A drop-down list by name: "currency", "approximation", "instrument", "decision", "month", "entity kind"."""
    match name:
        case "currency":
            return currency_codes()
        case "approximation":
            return APPROXIMATION_CHOICES
        case "instrument":
            return INSTRUMENT_CHOICES
        case "decision":
            return DECISION_CHOICES
        case "month":
            return MONTH_CHOICES
        case "entity kind":
            return tuple(KIND_CHOICES.values())
    raise KeyError(f"no choice list named {name!r}")


# ---- sheets ----------------------------------------------------------------------------------------------

SOURCES = SheetLayout(
    name="Sources",
    required=True,
    explanation="One row per document that reports pledges: an article, a communiqué, a speech.",
    variants=("Source", "Documents", "Articles"),
    columns=(
        Column(
            "id",
            "ID",
            "A short unique ID for the source, used in the Claims sheet's Source column.",
            "BBC",
            12,
            required=True,
            variants=("Source ID", "Source", "Ref", "Reference"),
        ),
        Column(
            "publisher",
            "Publisher",
            "Who published it: an outlet, a government, an agency.",
            "BBC News",
            22,
            variants=("Outlet", "Publication", "Author"),
        ),
        Column(
            "title",
            "Title",
            "The document's title or headline.",
            "Hillary Clinton pledges more aid to fight Central America drug cartels",
            48,
            variants=("Headline", "Document"),
        ),
        Column(
            "date",
            "Date",
            'The date it was published; relative periods such as "this year" count from it.',
            "2011-06-22",
            12,
            Kind.DATE,
            variants=("Published", "Publication date", "Date published"),
        ),
        Column(
            "url",
            "URL",
            "Where to find it.",
            "https://www.bbc.co.uk/news/world-latin-america-13869373",
            40,
            variants=("Link", "Web address", "Address"),
        ),
    ),
)

CLAIMS = SheetLayout(
    name="Claims",
    required=True,
    explanation="One row per statement in one source that money was or will be pledged, with its exact words.",
    variants=("Claim", "Pledges", "Announcements"),
    report_columns=("Pledge", "Pledge donor", "Naive figure", "Findings"),
    columns=(
        Column(
            "id",
            "ID",
            "A short unique ID for the claim; qualifiers name other claims by it.",
            "BBC-1",
            10,
            required=True,
            variants=("Claim ID", "Claim", "Ref", "Reference"),
        ),
        Column(
            "source",
            "Source",
            "The ID of the source that reports it (from the Sources sheet).",
            "BBC",
            10,
            required=True,
            variants=("Source ID", "Reported by", "Document"),
        ),
        Column(
            "donor",
            "Donor",
            'Who gives the money: a country, an institution, "all donors".',
            "United States",
            20,
            required=True,
            variants=("Pledger", "Donor country", "From", "Giver"),
        ),
        Column(
            "announced_by",
            "Announced by",
            "The person who announced it, if the source says.",
            "Hillary Clinton",
            18,
            variants=("Speaker", "Announcer", "Said by", "Announced"),
        ),
        Column(
            "recipient",
            "Recipient",
            "Who receives it: a country, a region, a fund.",
            "Central America",
            18,
            variants=("Beneficiary", "To", "Recipient country"),
        ),
        Column(
            "purpose",
            "Purpose",
            "What the money is for.",
            "fight against drug cartels",
            24,
            variants=("For", "Sector", "Use"),
        ),
        Column(
            "amount",
            "Amount",
            'The figure as a number (300000000) or as written ("nearly $300m").',
            "300000000",
            16,
            Kind.MONEY,
            required=True,
            variants=("Value", "Sum", "Figure", "Pledged"),
        ),
        Column(
            "currency",
            "Currency",
            "The ISO 4217 code of the amount's currency: USD, EUR, GBP.",
            "USD",
            10,
            Kind.CHOICE,
            "currency",
            variants=("Ccy", "Currency code", "Cur"),
        ),
        Column(
            "approximation",
            "Approximation",
            "The word before the figure: exact, about, nearly, more than, up to.",
            "nearly",
            14,
            Kind.CHOICE,
            "approximation",
            variants=("Approx", "Approximation word", "Qualifier word", "Precision"),
        ),
        Column(
            "period",
            "Period",
            "The years the money covers (not when it was said): 2011, 2011-2013, this year.",
            "2011",
            14,
            variants=("Time span", "Years", "Year", "Span", "Time period", "Timeframe", "Duration"),
        ),
        Column(
            "instrument",
            "Instrument",
            "How the money is given: grant, loan, guarantee, debt relief, in-kind.",
            "grant",
            12,
            Kind.CHOICE,
            "instrument",
            variants=("Type", "Instrument type", "Form", "Kind"),
        ),
        Column(
            "qualifiers",
            "Qualifiers",
            "What the source says about this money and other money, separated by semicolons: "
            "repackaged; in addition to CNN-2.",
            "increase",
            24,
            variants=("Notes", "Qualifier", "Relation", "Relations", "Flags", "Tags"),
        ),
        Column(
            "quote",
            "Quote",
            "The source's exact words.",
            "the US would increase its aid by more than 10% to nearly $300m",
            60,
            variants=("Quotation", "Verbatim quote", "Verbatim", "Exact words", "Text", "Excerpt"),
        ),
    ),
)

RATES = SheetLayout(
    name="Rates",
    required=False,
    explanation="Exchange rates you supply; currencies are never converted without them.",
    variants=("Exchange rates", "Rate", "FX", "FX rates"),
    columns=(
        Column(
            "currency",
            "Currency",
            "The currency converted from (ISO 4217 code).",
            "EUR",
            10,
            Kind.CHOICE,
            "currency",
            required=True,
            variants=("From", "From currency", "Ccy"),
        ),
        Column(
            "rate",
            "Rate",
            "How many units of the base currency one unit of this currency is worth.",
            "1.4375",
            12,
            Kind.NUMBER,
            required=True,
            variants=("Exchange rate", "Rate to base", "Value"),
        ),
        Column(
            "base_currency",
            "Base currency",
            "The currency converted to; blank means the Settings base currency.",
            "USD",
            14,
            Kind.CHOICE,
            "currency",
            variants=("Base", "To", "To currency", "In"),
        ),
        Column(
            "as_of",
            "As of",
            "The date the rate applies to.",
            "2011-06-22",
            12,
            Kind.DATE,
            variants=("Date", "Rate date", "On"),
        ),
    ),
)

ALIASES = SheetLayout(
    name="Aliases",
    required=False,
    explanation="Other names for donors and recipients, on top of the ones the ledger knows (US, U.S., Washington).",
    variants=("Alias", "Names", "Synonyms"),
    columns=(
        Column(
            "name",
            "Name",
            "A name as sources write it.",
            "Uncle Sam",
            24,
            required=True,
            variants=("Alias", "Also written", "Written as", "Variant"),
        ),
        Column(
            "means",
            "Means",
            "The name the ledger should read it as.",
            "United States",
            24,
            required=True,
            variants=("Canonical name", "Stands for", "Canonical", "Read as", "Same as"),
        ),
        Column(
            "parent",
            "Parent",
            "Optional: what the name under Means belongs to (an agency's country, a fund's institution).",
            "",
            24,
            variants=("Part of", "Belongs to", "Member of"),
        ),
        Column(
            "kind",
            "Kind",
            "Optional: what it is: country, region, multilateral, part of a multilateral, fund, agency, "
            "group, collective or description.",
            "",
            22,
            Kind.CHOICE,
            "entity kind",
            variants=("Type", "Entity kind"),
        ),
    ),
)

DECISIONS = SheetLayout(
    name="Decisions",
    required=False,
    explanation="Your verdicts on the ledger's findings: accept or reject, by the finding's ID.",
    variants=("Decision", "Verdicts", "Findings"),
    report_columns=(  # the report's Findings sheet
        *("Kind", "Amount at stake", "Explanation", "What it does", "If accepted", "If rejected", "Evidence"),
        *(
            "Currency",
            "Claims",
            "Pledges",
            "Rule",
            "Read as",
            "Reconciled as",
            "Changed",
            "Target",
            "Said by",
        ),
        *("Cut", "New money cut", "Total applies", "Increase", "Old level applies", "Old level low"),
        *("Old level nominal", "Old level high", "Re-upload if changed", "Re-upload now"),
    ),
    columns=(
        Column(
            "finding",
            "Finding",
            "The ID of the finding, as the reconciliation report gives it.",
            "duplicate-BBC-1-CNN-1",
            30,
            required=True,
            variants=("Finding ID", "ID"),
        ),
        Column(
            "decision",
            "Decision",
            "accept or reject; blank means undecided.",
            "accept",
            12,
            Kind.CHOICE,
            "decision",
            required=True,
            variants=("Verdict", "Accept/reject", "Status"),
        ),
        Column(
            "note",
            "Note",
            "Why, for whoever reads the ledger next.",
            "same pledge, rounded differently",
            40,
            variants=("Comment", "Reason", "Why"),
        ),
        Column("by", "Decided by", "Who decided.", "A. Analyst", 16, variants=("By", "Analyst", "Who")),
        Column(
            "at",
            "Decided at",
            "When it was decided (ISO date and time).",
            "2011-06-30T10:00:00",
            20,
            variants=("At", "When", "Decided on", "Decision date"),
        ),
    ),
)

SETTINGS = SheetLayout(
    name="Settings",
    required=False,
    explanation="How the ledger is read and totalled: one setting per row, its value beside it; "
    "a blank value means the default.",
    variants=("Setting", "Options", "Config"),
    columns=(
        Column(
            "setting", "Setting", "The name of the setting.", "Base currency", 20, variants=("Name", "Key")
        ),
        Column("value", "Value", "Its value.", "USD", 16, variants=("Setting value",)),
    ),
    entries=(
        Column(
            "base_currency",
            "Base currency",
            "The currency totals are converted to, with the rates you supply.",
            "USD",
            16,
            Kind.CHOICE,
            "currency",
            variants=("Base", "Reporting currency", "Currency"),
        ),
        Column(
            "tolerance",
            "Tolerance",
            'How far "about", "nearly", "more than" and "up to" reach from the figure: 10% or 0.1.',
            "10%",
            16,
            Kind.NUMBER,
            variants=("Rounding tolerance", "Approximation tolerance"),
        ),
        Column(
            "fiscal_year_start",
            "Fiscal year start",
            "The month fiscal years start in; January means calendar years.",
            "October",
            16,
            Kind.CHOICE,
            "month",
            variants=("Fiscal year", "FY start", "Financial year start"),
        ),
        Column(
            "name",
            "Ledger name",
            "A name for this ledger, shown in reports.",
            "Central American Security Conference 2011",
            40,
            variants=("Name", "Title", "Ledger"),
        ),
    ),
)

SHEETS: tuple[SheetLayout, ...] = (SOURCES, CLAIMS, RATES, ALIASES, DECISIONS, SETTINGS)


# ---- matching --------------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]|\{[^}]*\}")
_NOT_WORD = re.compile(r"[^\w]+|_")


def normalise_header(text: str) -> str:
    """How headers are compared: "Amount (USD)" -> "amount", "Announced_By" -> "announced by", "Notes" -> "note".

    Case-folded, bracketed text dropped, punctuation as spaces, single spaces, a plural "s" dropped.
    """
    words = _NOT_WORD.sub(" ", _BRACKETS.sub(" ", text.casefold())).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _keys(columns: tuple[Column, ...]) -> Mapping[str, str]:
    keys: dict[str, str] = {}
    # Headers and field names first, so that a variant never shadows another column's own header.
    for column in columns:
        keys.setdefault(normalise_header(column.header), column.field)
        keys.setdefault(normalise_header(column.field), column.field)
    for column in columns:
        for variant in column.variants:
            keys.setdefault(normalise_header(variant), column.field)
    return MappingProxyType(keys)


_HEADERS: Mapping[str, Mapping[str, str]] = MappingProxyType({s.name: _keys(s.columns) for s in SHEETS})
_SETTINGS_KEYS: Mapping[str, str] = _keys(SETTINGS.entries)
_SHEET_KEYS: Mapping[str, SheetLayout] = MappingProxyType(
    {normalise_header(name): sheet for sheet in SHEETS for name in (sheet.name, *sheet.variants)}
)


def sheet_layout(name: str) -> SheetLayout:
    """The layout of a sheet by its template name ("Claims"); KeyError when there is none."""
    for sheet in SHEETS:
        if sheet.name == name:
            return sheet
    raise KeyError(f"no sheet named {name!r} in the ledger layout")


def match_sheet(name: str) -> SheetLayout | None:
    """The layout a workbook's sheet name stands for ("claims", "Pledges" -> CLAIMS), or None."""
    return _SHEET_KEYS.get(normalise_header(name))


def match_header(text: str, sheet: SheetLayout | str) -> str | None:
    """The field a header stands for on `sheet` ("Amount (USD)" on Claims -> "amount"), or None."""
    name = sheet.name if isinstance(sheet, SheetLayout) else sheet
    keys = _HEADERS[name]
    key = normalise_header(text)
    if key in keys:
        return keys[key]
    # "Amount USD", "Rate EUR": a currency code after the header, as "Amount (USD)" without brackets.
    first, _, last = key.rpartition(" ")
    return keys.get(first) if first and len(last) == 3 and is_currency(last) else None


def match_setting(text: str) -> str | None:
    """The setting a Settings row's label stands for ("Base currency" -> "base_currency"), or None."""
    return _SETTINGS_KEYS.get(normalise_header(text))
