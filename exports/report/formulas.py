"""The report's live formulas: `ledger.engine.effects` written out as spreadsheet formulas, and their mirror.

How a decision reaches the totals, sheet by sheet (every formula refers to cells, never to a typed
finding ID or amount):

- *How findings count* is the effects table itself: for each kind and decision, its cut (the scale of
  `effects.Cut`: 0 counts in full, 1 out of the low bound, 2 only in the high bound, 3 nothing), its cut of
  new money only, whether a total then counts only beyond its pledges, whether an old level is subtracted.
- *Findings*: each finding reads its Decision (`Read as`), and looks up what that decision does to the
  pledge it falls on (its `Target`): Cut, New money cut, Total applies, Old level applies (the old level of
  a baseline falls on the pledge that is the increase: `Increase`).
- *Pledges*: each pledge takes the strongest cut of the findings that fall on it (MAXIFS over Findings by
  Target), adds up the old levels that apply to it, and counts its range accordingly (Counted, New money).
  A total counts its Rest (what it holds beyond its pledges, a value), and the cuts then apply to that. A pledge that several claims make
  (a duplicate) counts, while its duplicate is rejected, what its claims count apart.
- *Claims apart*: each claim of a duplicate, counted as a pledge of its own when the duplicate is rejected.
  It keeps the findings that fall on every claim of its pledge, and of those that come from what one
  claim says (repackaged, already provided, an increase), only the ones its own claim says (SAID_BY).
- *By year*: each pledge's share of each year, picked by what the pledge counts now.

`pledge_figures` and `apart_figures` compute in Python what those formulas compute, cell by cell: the
report writes their results as the cells' values, and the tests hold them equal to the engine's
`effects.count` and to LibreOffice's recalculation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from ledger.core.findings import FindingKind
from ledger.core.model import QualifierKind
from ledger.core.money import AmountRange
from ledger.engine.effects import EFFECTS, Cut, State

__all__ = [
    "EVERY_CLAIM",
    "INCREASE",
    "SAID_BY",
    "ApartFigures",
    "PledgeFigures",
    "Rule",
    "apart_figures",
    "pledge_figures",
    "rules",
]

# The findings that come from what one claim says, and the words (as the claim's qualifier says them).
SAID_BY: Mapping[FindingKind, str] = MappingProxyType(
    {FindingKind.ALREADY_PROVIDED: "already provided", FindingKind.REPACKAGED: "repackaged"}
)
SAID_BY_QUALIFIER: Mapping[str, QualifierKind] = MappingProxyType(
    {"already provided": QualifierKind.ALREADY_PROVIDED, "repackaged": QualifierKind.REPACKAGED}
)
INCREASE = "increase"  # an old level falls on a claim apart only when its claim says it is an increase
EVERY_CLAIM = "every claim"
NONE = "none"  # Moved by, when no finding moves the pledge: its formulas then look nothing up
STATES = (State.ACCEPTED, State.UNDECIDED, State.REJECTED)

# Table names: formulas refer to columns of these tables (RulesTable[Cut]).
PLEDGES_TABLE, CLAIMS_TABLE, APART_TABLE = "PledgesTable", "ClaimsTable", "ApartTable"
FINDINGS_TABLE, RULES_TABLE, SPREAD_TABLE = "FindingsTable", "RulesTable", "YearSpreadTable"
MAXIFS = "_xlfn.MAXIFS"  # as the file stores it (Excel 2019 and later, LibreOffice 5.2 and later)


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of How findings count: what a kind of finding does in one decision."""

    kind: FindingKind
    label: str
    state: State
    cut: int
    new_money_cut: int
    total_applies: int  # 1: the total it falls on counts only what it holds beyond its pledges
    old_level_applies: int  # 1: the old level is subtracted from the increase's new money
    regroups: int  # 1: its claims count as one pledge
    words: str


def rules() -> tuple[Rule, ...]:
    """The effects table, one row per kind and decision, in the order of FindingKind."""
    found = []
    for kind in FindingKind:
        effect = EFFECTS[kind]
        for state in STATES:
            applies = state is not State.REJECTED
            found.append(
                Rule(
                    kind,
                    effect.label,
                    state,
                    int(effect.distinct(state)),
                    int(effect.new_money(state)),
                    int(effect.holds_parts and applies),
                    int(effect.old_level and applies),
                    int(effect.regroups and applies),
                    effect.words(state),
                )
            )
    return tuple(found)


RULES: Mapping[tuple[FindingKind, State], Rule] = MappingProxyType({(r.kind, r.state): r for r in rules()})


def said_by(kind: FindingKind) -> str:
    """Which claims apart a finding of `kind` falls on: those saying SAID_BY[kind], or every claim."""
    return SAID_BY.get(kind, EVERY_CLAIM)


# ---------------------------------------------------------------------------------------------------------
# The mirror: what the formulas compute


@dataclass(frozen=True, slots=True)
class Move:
    """A finding as the Pledges formulas read it: its state's rule, and the pledges it reaches."""

    finding: str
    kind: FindingKind
    state: State
    target: str
    increase: str = ""  # a baseline's increase
    old_level: AmountRange | None = None  # a baseline's old level, in the increase's currency

    @property
    def rule(self) -> Rule:
        return RULES[(self.kind, self.state)]


@dataclass(frozen=True, slots=True)
class PledgeFigures:
    """A pledge's helper cells and counted figures, as its formulas compute them."""

    cut: int
    new_money_cut: int
    old_level: AmountRange
    total_applies: int
    apart: int
    distinct: AmountRange
    new_money: AmountRange


def _cut(r: AmountRange, cut: int) -> AmountRange:
    return AmountRange(
        Decimal(0) if cut >= Cut.LOW else r.low,
        Decimal(0) if cut >= Cut.HIGH_ONLY else r.nominal,
        Decimal(0) if cut >= Cut.ALL else r.high,
    )


def _new_money(distinct: AmountRange, cut: int, old: AmountRange) -> AmountRange:
    """New money low, nominal, high as the formulas chain them: the cut, less the old level, never below."""
    m = _cut(distinct, cut)
    low = max(m.low - old.high, Decimal(0))
    nominal = max(m.nominal - old.nominal, low)
    high = max(m.high - old.low, nominal)
    return AmountRange(low, nominal, high)


def pledge_figures(
    full: AmountRange,
    on_target: Iterable[Move],
    on_increase: Iterable[Move],
    rest: AmountRange,
    duplicate_rejected: bool = False,
    apart: AmountRange | None = None,
    apart_new_money: AmountRange | None = None,
) -> PledgeFigures:
    """What a Pledges row's formulas give: `on_target` are the findings whose Target it is,
    `on_increase` the baselines whose Increase it is; `apart` the sums of its claims apart."""
    targets = tuple(on_target)
    cut = max((m.rule.cut for m in targets), default=0)
    new_cut = max((m.rule.new_money_cut for m in targets), default=0)
    total = max((m.rule.total_applies for m in targets), default=0)
    old = sum(
        (m.old_level for m in on_increase if m.old_level is not None and m.rule.old_level_applies),
        AmountRange.zero(),
    )
    is_apart = int(duplicate_rejected and total == 0)
    if is_apart:
        distinct = apart or AmountRange.zero()
        new_money = apart_new_money or AmountRange.zero()
    else:
        # a total counts only its rest (what it holds beyond its pledges); the cuts then apply to that
        distinct = _cut(rest if total else full, cut)
        new_money = _new_money(distinct, new_cut, old)
    return PledgeFigures(cut, new_cut, old, total, is_apart, distinct, new_money)


@dataclass(frozen=True, slots=True)
class ApartFigures:
    """A claim apart's helper cells and counted figures, as its formulas compute them."""

    cut: int
    new_money_cut: int
    old_level: AmountRange
    distinct: AmountRange
    new_money: AmountRange


def apart_figures(
    own: AmountRange,
    says: frozenset[str],
    on_pledge: Iterable[Move],
    pledge_old_level: AmountRange,
    apart: bool,
) -> ApartFigures:
    """What a Claims apart row's formulas give, for a claim of range `own` that says the words `says`."""
    zero = AmountRange.zero()
    if not apart:
        return ApartFigures(0, 0, zero, zero, zero)
    reaching = [m for m in on_pledge if said_by(m.kind) == EVERY_CLAIM or said_by(m.kind) in says]
    cut = max((m.rule.cut for m in reaching), default=0)
    new_cut = max((m.rule.new_money_cut for m in reaching), default=0)
    old = pledge_old_level if INCREASE in says else zero
    distinct = _cut(own, cut)
    return ApartFigures(cut, new_cut, old, distinct, _new_money(distinct, new_cut, old))


# ---------------------------------------------------------------------------------------------------------
# The formulas' text. `{r}` is the row's number; `col` maps a header to its column letters on the sheet.


def _at(col: Mapping[str, str]) -> dict[str, str]:
    """Each header's cell in the formula's own row: {"Cut": "V{r}", ...}."""
    return {header: f"{letters}{{r}}" for header, letters in col.items()}


def read_as(decision: str) -> str:
    """The Findings' Read as: the Decision cell's words as the totals read them."""

    def any_of(words: Iterable[str]) -> str:
        return "OR(" + ",".join(f'TRIM({decision})="{w}"' for w in words) + ")"

    return (
        f'=IF({any_of(("accept", "accepted", "yes"))},"accepted",'
        f'IF({any_of(("reject", "rejected", "no"))},"rejected","undecided"))'
    )


def finding_formulas(col: Mapping[str, str]) -> dict[str, str]:
    """The Findings helper columns' formulas."""
    c = _at(col)

    def rule(column: str) -> str:
        return (
            f"=SUMIFS({RULES_TABLE}[{column}],{RULES_TABLE}[Kind],{c['Kind']},"
            f"{RULES_TABLE}[Decision],{c['Read as']})"
        )

    def as_reconciled(column: str) -> str:
        return (
            f"SUMIFS({RULES_TABLE}[{column}],{RULES_TABLE}[Kind],{c['Kind']},"
            f"{RULES_TABLE}[Decision],{c['Reconciled as']})"
        )

    return {
        "Read as": read_as(c["Decision"]),
        "Changed": f"=IF({c['Read as']}={c['Reconciled as']},0,1)",
        "Cut": rule("Cut"),
        "New money cut": rule("New money cut"),
        "Total applies": rule("Total applies"),
        "Old level applies": rule("Old level applies"),
        # a change needs a re-upload when it changes the cut, or whether the claims count as one pledge
        "Re-upload now": (
            f"=IF({c['Changed']}*{c['Re-upload if changed']}=0,0,IF(OR({c['Cut']}<>{as_reconciled('Cut')},"
            f"{rule('Claims count as one pledge')[1:]}<>{as_reconciled('Claims count as one pledge')}),1,0))"
        ),
    }


def pledge_formulas(col: Mapping[str, str]) -> dict[str, str]:
    """The Pledges counted and helper columns' formulas."""
    c = _at(col)
    pid, moved = c["Pledge ID"], c["Moved by"]
    f = FINDINGS_TABLE

    def strongest(column: str) -> str:
        return f'=IF({moved}="{NONE}",0,{MAXIFS}({f}[{column}],{f}[Target],{pid}))'

    def old(bound: str) -> str:
        return f'=IF({moved}="{NONE}",0,SUMIFS({f}[Old level {bound}],{f}[Increase],{pid},{f}[Old level applies],1))'

    def apart(column: str) -> str:
        return f"SUMIFS({APART_TABLE}[{column}],{APART_TABLE}[Pledge],{pid})"

    state = f'IFERROR(INDEX({f}[Read as],MATCH({c["Duplicate"]},{f}[Finding ID],0)),"undecided")'
    found = {
        "Apart": f'=IF({c["Duplicate"]}="",0,IF(AND({state}="rejected",{c["Total applies"]}=0),1,0))',
        "Cut": strongest("Cut"),
        "New money cut": strongest("New money cut"),
        "Total applies": strongest("Total applies"),
        "Old level low": old("low"),
        "Old level nominal": old("nominal"),
        "Old level high": old("high"),
    }
    for level, bound in enumerate(("low", "nominal", "high"), start=1):
        found[f"Counted {bound}"] = (
            f"=IF({c['Apart']}=1,{apart(f'Counted {bound}')},IF({c['Cut']}>={level},0,"
            f"IF({c['Total applies']}=1,{c[f'Rest {bound}']},{c[bound.capitalize()]})))"
        )
    previous = {"low": "0", "nominal": c["New money low"], "high": c["New money nominal"]}
    old_bound = {"low": "high", "nominal": "nominal", "high": "low"}  # interval subtraction
    for level, bound in enumerate(("low", "nominal", "high"), start=1):
        counted = c[f"Counted {bound}"]
        found[f"New money {bound}"] = (
            f"=IF({c['Apart']}=1,{apart(f'New money {bound}')},"
            f"MAX(IF({c['New money cut']}>={level},0,{counted})-{c[f'Old level {old_bound[bound]}']},"
            f"{previous[bound]}))"
        )
    return found


def base_formulas(col: Mapping[str, str], places: int) -> dict[str, str]:
    """The Pledges figures converted to the base currency with the pledge's rate, rounded per pledge."""
    c = _at(col)
    rate = c["Rate to base"]
    found = {}
    for figure in ("Counted", "New money"):
        for bound in ("low", "nominal", "high"):
            found[f"{figure} {bound} (base)"] = (
                f"=IF(ISNUMBER({rate}),ROUND({c[f'{figure} {bound}']}*{rate},{places}),0)"
            )
    return found


def apart_formulas(col: Mapping[str, str]) -> dict[str, str]:
    """The Claims apart helper and counted columns' formulas."""
    c = _at(col)
    pledge, apart, row = c["Pledge"], c["Apart"], c["Pledges row"]
    f = FINDINGS_TABLE

    def reaching(column: str) -> str:
        terms = [f'{MAXIFS}({f}[{column}],{f}[Target],{pledge},{f}[Said by],"{EVERY_CLAIM}")']
        terms += [
            f'{c[f"Says {words}"]}*{MAXIFS}({f}[{column}],{f}[Target],{pledge},{f}[Said by],"{words}")'
            for words in SAID_BY.values()
        ]
        return f"=IF({apart}=0,0,MAX({','.join(terms)}))"

    found = {
        "Pledges row": f"=MATCH({pledge},{PLEDGES_TABLE}[Pledge ID],0)",
        "Apart": f"=IFERROR(INDEX({PLEDGES_TABLE}[Apart],{row}),0)",
        "Cut": reaching("Cut"),
        "New money cut": reaching("New money cut"),
    }
    for bound in ("low", "nominal", "high"):
        found[f"Old level {bound}"] = (
            f"=IF({apart}=0,0,{c[f'Says {INCREASE}']}*INDEX({PLEDGES_TABLE}[Old level {bound}],{row}))"
        )
    for level, bound in enumerate(("low", "nominal", "high"), start=1):
        found[f"Counted {bound}"] = f"=IF({apart}=0,0,IF({c['Cut']}>={level},0,{c[bound.capitalize()]}))"
    previous = {"low": "0", "nominal": c["New money low"], "high": c["New money nominal"]}
    old_bound = {"low": "high", "nominal": "nominal", "high": "low"}
    for level, bound in enumerate(("low", "nominal", "high"), start=1):
        counted = c[f"Counted {bound}"]
        found[f"New money {bound}"] = (
            f"=IF({apart}=0,0,MAX(IF({c['New money cut']}>={level},0,{counted})"
            f"-{c[f'Old level {old_bound[bound]}']},{previous[bound]}))"
        )
    return found


def spread_formulas(col: Mapping[str, str]) -> dict[str, str]:
    """The year spread: what the pledge counts now, and its share of the year (`{places}`: its minor unit)."""
    c = _at(col)
    counted, nominal, rest = c["Counted nominal"], c["Nominal"], c["Rest"]
    return {
        "Pledges row": f"=MATCH({c['Pledge ID']},{PLEDGES_TABLE}[Pledge ID],0)",
        "Counted nominal": f"=INDEX({PLEDGES_TABLE}[Counted nominal],{c['Pledges row']})",
        "Amount": (
            f"=IF({counted}=0,0,IF({counted}={nominal},{c['Share of the nominal']},IF({counted}={rest},"
            f"{c['Share of the rest']},ROUND({counted}*{c['Share of the nominal']}/{nominal},{{places}}))))"
        ),
    }
