"""Build a ledger from plain values (dicts, strings), collecting every problem at once.

This is what the Python API's `ledger_from_dict` and `make_claim` use, and what the workbook reader
uses once it has turned cells into values: one place where typed text becomes domain values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.core.model import (
    TARGETED_QUALIFIERS,
    Built,
    Claim,
    Decision,
    Instrument,
    Ledger,
    Qualifier,
    Settings,
    Source,
    Verdict,
)
from ledger.core.money import Approximation, Rate, is_currency, make_money, to_decimal
from ledger.core.problems import Origin, ParseError, Problem, Severity
from ledger.parsing.amounts import MAX_AMOUNT, parse_amount
from ledger.parsing.periods import parse_period
from ledger.parsing.vocabulary import parse_approximation, parse_instrument, parse_qualifiers


def text(value: object) -> str:
    """A cell or dict value as text, trimmed; None is empty."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: object, what: str) -> date | None:
    """A date from a date, a datetime or ISO text (2011-06-22); empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ParseError(f'{what} "{raw}" is not a date; expected a date such as 2011-06-22') from None


class ClaimParser:
    """Turns a claim's typed fields into a Claim, recording problems against each field's place."""

    def __init__(self, settings: Settings, sources: Mapping[str, Source]) -> None:
        self.settings = settings
        self.sources = sources
        self.bare_dollar_seen = False

    def parse(self, fields: Mapping[str, Any], origin: Origin) -> tuple[Claim | None, list[Problem]]:
        problems: list[Problem] = []

        def fail(field: str, message: str) -> None:
            problems.append(Problem(message, origin.field(field)))

        claim_id = text(fields.get("id"))
        if not claim_id:
            fail("id", "claim has no ID; give every claim a short unique ID such as BBC-1")
        source_id = text(fields.get("source"))
        if not source_id:
            fail("source", f"claim {claim_id or '(no ID)'} names no source; expected a Sources ID")
        donor = text(fields.get("donor"))
        if not donor:
            fail("donor", f"claim {claim_id or '(no ID)'} has no donor")

        amount: Decimal | None = None
        currency = text(fields.get("currency")).upper()
        approximation_text = text(fields.get("approximation", fields.get("approx")))
        approximation: Approximation | None = None
        raw_amount = fields.get("amount")
        if raw_amount is None or text(raw_amount) == "":
            fail("amount", f"claim {claim_id or '(no ID)'} has no amount; a blank is never taken as zero")
        else:
            try:
                # a float is passed through so that parse_amount refuses it loudly
                typed = raw_amount if isinstance(raw_amount, int | Decimal | float) else text(raw_amount)
                parsed = parse_amount(typed)  # type: ignore[arg-type]
            except (ParseError, TypeError) as exc:
                fail("amount", str(exc))
            else:
                amount = parsed.value
                approximation = parsed.approximation
                if parsed.currency and currency and parsed.currency != currency:
                    fail(
                        "amount",
                        f'amount "{text(raw_amount)}" is in {parsed.currency} but the Currency column says {currency}',
                    )
                if parsed.bare_dollar and not currency:
                    currency = self.settings.base_currency
                    self.bare_dollar_seen = True
                currency = currency or parsed.currency or ""
        if not currency:
            fail(
                "currency", f"claim {claim_id or '(no ID)'} has no currency; expected an ISO code such as USD"
            )
        elif not is_currency(currency):
            fail("currency", f'currency "{currency}" is not an ISO 4217 code; expected e.g. USD, EUR, GBP')

        if approximation_text:
            try:
                approximation = parse_approximation(approximation_text)
            except ParseError as exc:
                fail("approximation", str(exc))

        source = self.sources.get(source_id)
        try:
            period = parse_period(
                text(fields.get("period")),
                source_date=source.date if source else None,
                fiscal_year_start=self.settings.fiscal_year_start,
            )
        except ParseError as exc:
            fail("period", str(exc))
            period = None

        instrument = Instrument.UNKNOWN
        try:
            instrument = parse_instrument(text(fields.get("instrument")))
        except ParseError as exc:
            fail("instrument", str(exc))

        qualifiers: tuple[Qualifier, ...] = ()
        raw_qualifiers = fields.get("qualifiers")
        if isinstance(raw_qualifiers, list | tuple):
            raw_qualifiers = "; ".join(text(q) for q in raw_qualifiers)
        parsed_q = parse_qualifiers(text(raw_qualifiers))
        qualifiers = parsed_q.qualifiers
        for message in parsed_q.problems:
            fail("qualifiers", message)
        if parsed_q.instrument is not None:
            if instrument not in (Instrument.UNKNOWN, parsed_q.instrument):
                fail(
                    "qualifiers",
                    f'qualifiers say "{parsed_q.instrument.value}" but Instrument says "{instrument.value}"',
                )
            instrument = parsed_q.instrument

        if problems or amount is None or period is None:
            return None, problems
        return (
            Claim(
                id=claim_id,
                source=source_id,
                donor=donor,
                amount=make_money(amount, currency),
                announced_by=text(fields.get("announced_by")),
                recipient=text(fields.get("recipient")),
                purpose=text(fields.get("purpose")),
                approximation=approximation or Approximation.EXACT,
                period=period,
                instrument=instrument,
                qualifiers=qualifiers,
                quote=text(fields.get("quote")),
                origin=origin,
            ),
            [],
        )


def source_from_fields(fields: Mapping[str, Any], origin: Origin) -> tuple[Source | None, list[Problem]]:
    """A Source from its typed fields, with problems at their places."""
    problems = []
    source_id = text(fields.get("id"))
    if not source_id:
        problems.append(
            Problem("source has no ID; give every source a short unique ID such as BBC", origin.field("id"))
        )
    published: date | None = None
    try:
        published = parse_date(fields.get("date"), "date")
    except ParseError as exc:
        problems.append(Problem(str(exc), origin.field("date")))
    if problems:
        return None, problems
    return (
        Source(
            id=source_id,
            publisher=text(fields.get("publisher")),
            title=text(fields.get("title")),
            date=published,
            url=text(fields.get("url")),
            origin=origin,
        ),
        [],
    )


def settings_from_fields(
    fields: Mapping[str, Any], origin: Origin | None = None
) -> tuple[Settings, list[Problem]]:
    """Settings from typed values: base currency, tolerance (0.1 or 10%), fiscal year start (month)."""
    origin = origin or Origin()
    problems: list[Problem] = []
    defaults = Settings()
    base = text(fields.get("base_currency")).upper() or defaults.base_currency
    if not is_currency(base):
        problems.append(
            Problem(f'base currency "{base}" is not an ISO 4217 code', origin.field("base_currency"))
        )
        base = defaults.base_currency
    tolerance = defaults.tolerance
    raw = text(fields.get("tolerance"))
    if raw:
        try:
            tolerance = to_decimal(raw.rstrip("%").strip()) / (100 if raw.endswith("%") else 1)
            if not Decimal(0) <= tolerance < 1:
                raise ValueError
        except (ValueError, TypeError):
            problems.append(
                Problem(f'tolerance "{raw}" is not a share such as 10% or 0.1', origin.field("tolerance"))
            )
            tolerance = defaults.tolerance
    fiscal = defaults.fiscal_year_start
    raw = text(fields.get("fiscal_year_start"))
    if raw:
        fiscal = _month(raw) or 0
        if not 1 <= fiscal <= 12:
            problems.append(
                Problem(
                    f'fiscal year start "{raw}" is not a month (1-12 or a name such as October)',
                    origin.field("fiscal_year_start"),
                )
            )
            fiscal = defaults.fiscal_year_start
    return Settings(base_currency=base, tolerance=tolerance, fiscal_year_start=fiscal), problems


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    key = raw.strip().lower()[:3]
    return _MONTHS.index(key) + 1 if key in _MONTHS else None


def rate_from_fields(
    fields: Mapping[str, Any], base: str, origin: Origin
) -> tuple[Rate | None, list[Problem]]:
    """A Rate from typed values: 1 `currency` = `rate` `base currency`, as of a date."""
    problems: list[Problem] = []
    currency = text(fields.get("currency")).upper()
    if not is_currency(currency):
        problems.append(Problem(f'currency "{currency}" is not an ISO 4217 code', origin.field("currency")))
    base_currency = text(fields.get("base_currency")).upper() or base
    if not is_currency(base_currency):
        problems.append(
            Problem(f'base currency "{base_currency}" is not an ISO 4217 code', origin.field("base_currency"))
        )
    rate: Decimal | None = None
    raw = fields.get("rate")
    try:
        rate = to_decimal(raw if isinstance(raw, int | Decimal) else text(raw))
        if rate <= 0:
            raise ValueError
    except (ValueError, TypeError):
        problems.append(Problem(f'rate "{text(raw)}" is not a positive number', origin.field("rate")))
    as_of: date | None = None
    try:
        as_of = parse_date(fields.get("as_of"), "as of")
    except ParseError as exc:
        problems.append(Problem(str(exc), origin.field("as_of")))
    if problems or rate is None:
        return None, problems
    return Rate(currency, rate, base_currency, as_of), []


def decision_from_fields(fields: Mapping[str, Any], origin: Origin) -> tuple[Decision | None, list[Problem]]:
    """A Decision from typed values; a blank decision means undecided (None, no problem)."""
    finding = text(fields.get("finding"))
    verdict_text = text(fields.get("decision")).lower()
    if not verdict_text:
        return None, []
    if not finding:
        return None, [Problem("a decision names no finding", origin.field("finding"))]
    words = {
        "accept": Verdict.ACCEPT,
        "accepted": Verdict.ACCEPT,
        "yes": Verdict.ACCEPT,
        "reject": Verdict.REJECT,
        "rejected": Verdict.REJECT,
        "no": Verdict.REJECT,
    }
    verdict = words.get(verdict_text)
    if verdict is None:
        return None, [
            Problem(
                f'decision "{verdict_text}" is not understood; expected accept, reject or blank',
                origin.field("decision"),
            )
        ]
    # placed at its Finding cell, so that what is said of it later (no such finding) names a cell
    return Decision(finding, verdict, text(fields.get("note")), origin=origin.field("finding")), []


def build_ledger(data: Mapping[str, Any], *, workbook: str = "") -> Built:
    """A ledger from plain values: {"sources": [...], "claims": [...], "rates", "aliases", "decisions", "settings"}.

    Claim values may be typed text ("nearly $300m", "2011-2013", "loan; in addition to CNN-2").
    Every problem is collected; none is raised.
    """
    problems: list[Problem] = []

    def origin(sheet: str, index: int) -> Origin:
        return Origin(workbook, sheet, index + 1)

    settings, found = settings_from_fields(data.get("settings") or {}, Origin(workbook, "settings"))
    problems += found
    sources = []
    for i, fields in enumerate(data.get("sources") or ()):
        source, found = source_from_fields(fields, origin("sources", i))
        problems += found
        if source:
            sources.append(source)
    parser = ClaimParser(settings, {s.id: s for s in sources})
    claims = []
    for i, fields in enumerate(data.get("claims") or ()):
        claim, found = parser.parse(fields, origin("claims", i))
        problems += found
        if claim:
            claims.append(claim)
    rates = []
    for i, fields in enumerate(data.get("rates") or ()):
        rate, found = rate_from_fields(fields, settings.base_currency, origin("rates", i))
        problems += found
        if rate:
            rates.append(rate)
    aliases = tuple((text(a.get("name")), text(a.get("means"))) for a in data.get("aliases") or ())
    decisions = []
    for i, fields in enumerate(data.get("decisions") or ()):
        decision, found = decision_from_fields(fields, origin("decisions", i))
        problems += found
        if decision:
            decisions.append(decision)
    if parser.bare_dollar_seen:
        problems.append(
            Problem(
                f'a bare "$" was read as {settings.base_currency}, the base currency',
                severity=Severity.WARNING,
            )
        )
    ledger = Ledger(
        sources=tuple(sources),
        claims=tuple(claims),
        aliases=aliases,
        rates=tuple(rates),
        settings=settings,
        decisions=tuple(decisions),
        name=text(data.get("name")),
    )
    return Built(ledger, tuple(problems))


def reference_problems(ledger: Ledger) -> list[Problem]:
    """Duplicated IDs, claims naming a missing source, qualifiers naming a missing claim: each at its cell."""
    problems: list[Problem] = []
    source_ids = Counter(s.id for s in ledger.sources)
    for source in ledger.sources:
        if source_ids[source.id] > 1:
            problems.append(
                Problem(f'source ID "{source.id}" is used more than once', source.origin.field("id"))
            )
    claim_ids = Counter(c.id for c in ledger.claims)
    for claim in ledger.claims:
        where = claim.origin
        if not Decimal(0) <= claim.value < MAX_AMOUNT:
            problems.append(
                Problem(
                    f"claim {claim.id}: amount {claim.value} is out of range (from 0 to under a quintillion)",
                    where.field("amount"),
                )
            )
        if claim_ids[claim.id] > 1:
            problems.append(Problem(f'claim ID "{claim.id}" is used more than once', where.field("id")))
        if claim.source not in source_ids:
            problems.append(
                Problem(
                    f'claim {claim.id} names source "{claim.source}", which is not in Sources',
                    where.field("source"),
                )
            )
        for qualifier in claim.qualifiers:
            if qualifier.target is None:
                if qualifier.kind in TARGETED_QUALIFIERS:
                    problems.append(
                        Problem(
                            f'claim {claim.id}: "{qualifier}" needs a claim ID', where.field("qualifiers")
                        )
                    )
                continue
            if qualifier.target == claim.id:
                problems.append(
                    Problem(f'claim {claim.id}: "{qualifier}" points at itself', where.field("qualifiers"))
                )
            elif qualifier.target not in claim_ids:
                problems.append(
                    Problem(
                        f'claim {claim.id}: "{qualifier}" names claim {qualifier.target}, which is not in Claims',
                        where.field("qualifiers"),
                    )
                )
    return problems
