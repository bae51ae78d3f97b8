"""Build a ledger from plain values (dicts, strings), collecting every problem at once.

This is what the Python API's `ledger_from_dict` and `make_claim` use, and what the workbook reader
uses once it has turned cells into values: one place where typed text becomes domain values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger.core.findings import Verdict
from ledger.core.model import (
    TARGETED_QUALIFIERS,
    Alias,
    Built,
    Claim,
    Decision,
    Instrument,
    Ledger,
    Period,
    Qualifier,
    Settings,
    Source,
)
from ledger.core.money import Approximation, Currency, Rate, currency_of, is_currency, money_in, to_decimal
from ledger.core.problems import Origin, ParseError, Problem, Severity
from ledger.names.entities import parse_kind
from ledger.parsing.amounts import MAX_AMOUNT, ParsedAmount, parse_amount
from ledger.parsing.periods import parse_period
from ledger.parsing.vocabulary import parse_approximation, parse_instrument, parse_qualifiers


def text(value: object) -> str:
    """A cell or dict value as text, trimmed; None is empty."""
    if type(value) is str:  # the common case, first
        return value.strip()
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


@dataclass(frozen=True, slots=True)
class _Context:
    """What a claim takes from its Currency, Approximation, Instrument and Qualifiers: the same for every
    row whose cells read the same (read once, then looked up)."""

    currency: Currency
    approximation: Approximation
    instrument: Instrument
    qualifiers: tuple[Qualifier, ...]


# A problem found in the context cells, before it knows the claim: (field, message); "{claim}" in the
# message is the claim's ID.
_Failure = tuple[str, str]
_ContextKey = tuple[str, str | None, Approximation | None, bool, str, str, str]
# The order a claim's problems are reported in: the template's column order.
_FIELD_ORDER = {
    name: rank
    for rank, name in enumerate(
        ("id", "source", "donor", "amount", "currency", "approximation", "period", "instrument", "qualifiers")
    )
}


class ClaimParser:
    """Turns a claim's typed fields into a Claim, recording problems against each field's place.

    The one claim parser: the Python API, the dict builder and the workbook reader all use it. Ledgers
    repeat the same currencies, periods, instruments and qualifiers over thousands of rows, so each text
    is read once (`_Context`, and the amounts' text) and looked up after; the messages are the same.
    """

    def __init__(self, settings: Settings, sources: Mapping[str, Source]) -> None:
        self.settings = settings
        self.sources = sources
        self.bare_dollar_seen = False
        self._amounts: dict[str, ParsedAmount | str] = {}
        self._contexts: dict[_ContextKey, _Context | tuple[_Failure, ...]] = {}
        self._periods: dict[tuple[str, date | None], Period | str] = {}

    def parse(self, fields: Mapping[str, Any], origin: Origin) -> tuple[Claim | None, list[Problem]]:
        """The claim in `fields` (id, source, donor, amount, currency, ...), or None and every problem."""
        get = fields.get
        claim_id, source_id, donor = text(get("id")), text(get("source")), text(get("donor"))
        currency = text(get("currency")).upper()
        raw_amount = get("amount")
        amount = self._amount(raw_amount)
        source = self.sources.get(source_id)
        context = self._context(
            (
                currency,
                amount.currency if isinstance(amount, ParsedAmount) else None,
                amount.approximation if isinstance(amount, ParsedAmount) else None,
                isinstance(amount, ParsedAmount) and amount.bare_dollar,
                text(get("approximation", get("approx"))),
                text(get("instrument")),
                _qualifiers_text(get("qualifiers")),
            )
        )
        period = self._period(text(get("period")), source.date if source else None)
        if (
            claim_id
            and source_id
            and donor
            and isinstance(amount, ParsedAmount)
            and isinstance(context, _Context)
            and isinstance(period, Period)
            and not (amount.currency and currency and amount.currency != currency)
        ):
            if amount.bare_dollar and not currency:
                self.bare_dollar_seen = True
            claim = Claim(  # positionally, in Claim's field order: measurably faster for 100,000 claims
                claim_id,
                source_id,
                donor,
                money_in(amount.value, context.currency),
                text(get("announced_by")),
                text(get("recipient")),
                text(get("purpose")),
                context.approximation,
                period,
                context.instrument,
                context.qualifiers,
                text(get("quote")),
                origin,
            )
            return claim, []
        named = claim_id or "(no ID)"
        failures: list[_Failure] = []
        if not claim_id:
            failures.append(("id", "claim has no ID; give every claim a short unique ID such as BBC-1"))
        if not source_id:
            failures.append(("source", f"claim {named} names no source; expected a Sources ID"))
        if not donor:
            failures.append(("donor", f"claim {named} has no donor"))
        if amount is None:
            failures.append(("amount", f"claim {named} has no amount; a blank is never taken as zero"))
        elif isinstance(amount, str):
            failures.append(("amount", amount))
        elif amount.currency and currency and amount.currency != currency:
            failures.append(
                (
                    "amount",
                    f'amount "{text(raw_amount)}" is in {amount.currency} but the Currency column says {currency}',
                )
            )
        if isinstance(context, tuple):
            failures.extend((field, message.replace("{claim}", named)) for field, message in context)
        if isinstance(period, str):
            failures.append(("period", period))
        failures.sort(
            key=lambda failure: _FIELD_ORDER[failure[0]]
        )  # stable: a field's problems keep their order
        return None, [Problem(message, origin.field(field)) for field, message in failures]

    def _amount(self, raw: object) -> ParsedAmount | str | None:
        """The amount read (a number as it is, text cached by its words); its problem; None when blank."""
        if raw is None:
            return None
        if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
            try:
                return parse_amount(raw)
            except ParseError as exc:
                return str(exc)
        if isinstance(raw, float):
            # a float is passed through so that parse_amount refuses it loudly
            try:
                return parse_amount(raw)  # type: ignore[arg-type]
            except (ParseError, TypeError) as exc:
                return str(exc)
        typed = text(raw)
        if not typed:
            return None
        found = self._amounts.get(typed)
        if found is None:
            try:
                found = parse_amount(typed)
            except ParseError as exc:
                found = str(exc)
            self._amounts[typed] = found
        return found

    def _context(self, key: _ContextKey) -> _Context | tuple[_Failure, ...]:
        found = self._contexts.get(key)
        if found is None:
            found = self._contexts[key] = self._read_context(*key)
        return found

    def _read_context(
        self,
        currency: str,
        amount_currency: str | None,
        amount_approximation: Approximation | None,
        bare_dollar: bool,
        approximation_text: str,
        instrument_text: str,
        qualifiers_text: str,
    ) -> _Context | tuple[_Failure, ...]:
        failures: list[_Failure] = []
        if bare_dollar and not currency:
            currency = self.settings.base_currency
        currency = currency or amount_currency or ""
        money_currency = currency_of(currency)
        if not currency:
            failures.append(("currency", "claim {claim} has no currency; expected an ISO code such as USD"))
        elif money_currency is None:
            failures.append(
                ("currency", f'currency "{currency}" is not an ISO 4217 code; expected e.g. USD, EUR, GBP')
            )
        approximation = amount_approximation
        if approximation_text:
            try:
                approximation = parse_approximation(approximation_text)
            except ParseError as exc:
                failures.append(("approximation", str(exc)))
        instrument = Instrument.UNKNOWN
        try:
            instrument = parse_instrument(instrument_text)
        except ParseError as exc:
            failures.append(("instrument", str(exc)))
        parsed_q = parse_qualifiers(qualifiers_text)
        failures.extend(("qualifiers", message) for message in parsed_q.problems)
        if parsed_q.instrument is not None:
            if instrument not in (Instrument.UNKNOWN, parsed_q.instrument):
                failures.append(
                    (
                        "qualifiers",
                        f'qualifiers say "{parsed_q.instrument.value}" but Instrument says "{instrument.value}"',
                    )
                )
            instrument = parsed_q.instrument
        if failures or money_currency is None:
            return tuple(failures)
        return _Context(money_currency, approximation or Approximation.EXACT, instrument, parsed_q.qualifiers)

    def _period(self, period_text: str, source_date: date | None) -> Period | str:
        """The period read from its text, or its problem. The source's date matters only to relative periods
        ("this year"), which fail without it: so a text read without the date serves every source."""
        found = self._periods.get((period_text, None))
        if found is None:
            found = self._periods[(period_text, None)] = self._read_period(period_text, None)
        if isinstance(found, str) and source_date is not None:
            dated = self._periods.get((period_text, source_date))
            if dated is None:
                dated = self._periods[(period_text, source_date)] = self._read_period(
                    period_text, source_date
                )
            return dated
        return found

    def _read_period(self, period_text: str, source_date: date | None) -> Period | str:
        try:
            return parse_period(
                period_text, source_date=source_date, fiscal_year_start=self.settings.fiscal_year_start
            )
        except ParseError as exc:
            return str(exc)


def _qualifiers_text(raw: object) -> str:
    """A qualifiers cell as text; a list of qualifiers (the dict form) joined as an analyst would type them."""
    if isinstance(raw, list | tuple):
        return "; ".join(text(q) for q in raw)
    return text(raw)


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


def alias_from_fields(fields: Mapping[str, Any], origin: Origin) -> tuple[Alias | None, list[Problem]]:
    """An Alias from typed values: name and means required, parent and kind optional (kind from a word list)."""
    name, means = text(fields.get("name")), text(fields.get("means"))
    parent, kind_text = text(fields.get("parent")), text(fields.get("kind"))
    if not name and not means and not parent and not kind_text:
        return None, []
    if not name:
        return None, [
            Problem(f'alias for "{means}" has no name; expected the name as written', origin.field("name"))
        ]
    if not means:
        return None, [
            Problem(
                f'alias "{name}" says nothing under Means; expected the name it stands for',
                origin.field("means"),
            )
        ]
    try:
        kind = parse_kind(kind_text)
    except ParseError as error:
        return None, [Problem(f'alias "{name}": {error}', origin.field("kind"))]
    return Alias(name, means, parent, kind.value if kind else "", origin), []


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


def _alias_fields(fields: Any) -> Mapping[str, Any]:
    """An alias as a dict ({"name", "means", "parent", "kind"}), an Alias, or a (name, means[, parent]) pair."""
    if isinstance(fields, Alias):
        return {"name": fields.name, "means": fields.means, "parent": fields.parent, "kind": fields.kind}
    if isinstance(fields, Mapping):
        return fields
    return dict(zip(("name", "means", "parent", "kind"), fields, strict=False))


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
    aliases = []
    for i, fields in enumerate(data.get("aliases") or ()):
        alias, found = alias_from_fields(_alias_fields(fields), origin("aliases", i))
        problems += found
        if alias:
            aliases.append(alias)
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
        aliases=tuple(aliases),
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
    repeated_ids = len(claim_ids) < len(ledger.claims)
    zero = Decimal(0)
    for claim in ledger.claims:
        where = claim.origin
        if not zero <= claim.value < MAX_AMOUNT:
            problems.append(
                Problem(
                    f"claim {claim.id}: amount {claim.value} is out of range (from 0 to under a quintillion)",
                    where.field("amount"),
                )
            )
        if repeated_ids and claim_ids[claim.id] > 1:
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
