"""The analyst's corrections to drafts: each ledger field as typed text, read back by the one claim parser.

`draft_fields` gives a draft's fields as an analyst would type them (what a form shows, what the API
sends); `edit_drafts` reads the fields typed over them and gives the drafts with those values, or every
problem at once, each naming its draft and field (`draft D3, amount: "3OOm" is not a number`). With no
edits the drafts come back as they were: `with_drafts` makes the same ledger from either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ledger.core.model import Instrument, Settings, Source
from ledger.core.problems import Origin
from ledger.drafting.ledger_form import UNKNOWN_DONOR
from ledger.drafting.values import Draft, Drafts, Evidence
from ledger.parsing.build import ClaimParser
from ledger.parsing.vocabulary import format_qualifiers

__all__ = ["EDITABLE_FIELDS", "Edited", "FieldProblem", "draft_fields", "edit_drafts"]

# The fields of a draft an analyst may correct, in the ledger template's order; the quote is the
# sentence itself and stays as it is.
EDITABLE_FIELDS = (
    "donor",
    "announced_by",
    "recipient",
    "purpose",
    "amount",
    "currency",
    "approximation",
    "period",
    "instrument",
    "qualifiers",
)
_HINTS = {"donor": 'type who gives the money (or "unknown donor")'}
# the parser names each problem's field as the column of its origin: here the columns are the fields
_BY_FIELD = Origin(columns=tuple((name, name) for name in EDITABLE_FIELDS))
_SOURCE = "S"


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A typed field that cannot be used: its draft, its field and why."""

    draft: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"draft {self.draft}, {self.field.replace('_', ' ')}: {self.message}"


@dataclass(frozen=True, slots=True)
class Edited:
    """The drafts kept, with the analyst's fields in place, and every problem met reading them (with any
    problem, `drafts` must not be used)."""

    drafts: Drafts
    problems: tuple[FieldProblem, ...] = ()


def draft_fields(draft: Draft) -> dict[str, str]:
    """A draft's ledger fields as an analyst types them: `1,000,000,000`, `nearly`, `2011`, `loan`,
    `in addition to D2` (what `edit_drafts` reads back to the same values)."""
    return {
        "donor": draft.donor or UNKNOWN_DONOR,
        "announced_by": draft.announced_by,
        "recipient": draft.recipient,
        "purpose": draft.purpose,
        "amount": _typed_amount(draft.amount),
        "currency": draft.currency,
        "approximation": draft.approximation.value.replace("_", " "),
        "period": draft.period.label if draft.period.known else draft.period.text,
        "instrument": ""
        if draft.instrument is Instrument.UNKNOWN
        else draft.instrument.value.replace("_", " "),
        "qualifiers": format_qualifiers(draft.qualifiers),
    }


def _typed_amount(value: Decimal) -> str:
    return format(value, ",f")


def edit_drafts(
    drafts: Drafts,
    edits: Mapping[str, Mapping[str, str]] | None = None,
    keep: Iterable[str] | None = None,
) -> Edited:
    """The drafts in `keep` (all the claims when None; a skipped figure's draft only when kept), each with the fields typed in `edits[draft id]` read in place of
    the drafted ones (a field not typed keeps its drafted value). Every problem is collected: an unknown
    draft or field, a blank donor, amount or currency, what the claim parser cannot read, a qualifier
    naming no draft. A qualifier may name a draft that is not kept (`with_drafts` then leaves it out).
    """
    edits = edits or {}
    offered = (*drafts.drafts, *drafts.set_aside)  # a figure set aside may be ticked as a claim too
    known = [d.id for d in offered]
    kept = [d.id for d in drafts.drafts] if keep is None else list(dict.fromkeys(keep))
    problems = [
        FieldProblem(draft_id, "id", f"there is no draft {draft_id}; {_the_drafts(known)}")
        for draft_id in dict.fromkeys([*kept, *edits])
        if draft_id not in known
    ]
    for draft_id, typed in edits.items():
        problems.extend(
            FieldProblem(
                draft_id, name, f"is not a field a draft has; expected one of {', '.join(EDITABLE_FIELDS)}"
            )
            for name in typed
            if name not in EDITABLE_FIELDS
        )
    source = Source(_SOURCE, date=drafts.source.date)
    parser = ClaimParser(Settings(), {_SOURCE: source})
    wanted = set(kept)
    out: list[Draft] = []
    for draft in offered:
        if draft.id not in wanted:
            continue
        edited, found = _edited(draft, edits.get(draft.id, {}), parser, known)
        problems.extend(found)
        if edited is not None:
            out.append(edited)
    return Edited(replace(drafts, drafts=tuple(out)), tuple(problems))


def _edited(
    draft: Draft, typed: Mapping[str, str], parser: ClaimParser, known: list[str]
) -> tuple[Draft | None, list[FieldProblem]]:
    drafted = draft_fields(draft)
    fields = {**drafted, **{k: str(v).strip() for k, v in typed.items() if k in drafted}}
    claim, found = parser.parse(
        {"id": draft.id, "source": _SOURCE, **fields, "quote": draft.quote}, _BY_FIELD
    )
    problems = [_field_problem(draft.id, p.origin.column, p.message) for p in found]
    if claim is not None:
        for qualifier in claim.qualifiers:
            if qualifier.target is not None and (
                qualifier.target not in known or qualifier.target == draft.id
            ):
                other = "itself" if qualifier.target == draft.id else "no draft"
                problems.append(
                    FieldProblem(draft.id, "qualifiers", f'"{qualifier}" names {other}; {_the_drafts(known)}')
                )
    if claim is None or problems:
        return None, problems
    changed = {name for name in EDITABLE_FIELDS if fields[name] != drafted[name]}
    if not changed:
        return draft, []
    # only what was typed over changes: a field left as drafted keeps its value and its evidence
    values: dict[str, Any] = {
        name: getattr(claim, name) for name in ("donor", "announced_by", "recipient", "purpose", "period")
    }
    values.update(
        amount=claim.value,
        currency=claim.currency,
        approximation=claim.approximation,
        instrument=claim.instrument,
        qualifiers=claim.qualifiers,
    )
    if changed & {"amount", "currency"}:
        changed |= {"amount", "currency"}
    if "amount" in changed:
        changed.add("approximation")  # "about 290m" says its approximation when none is typed
    if "qualifiers" in changed:
        changed.add("instrument")  # "loan; in addition to D2" says its instrument
    evidence = tuple(e for e in draft.evidence if e.field not in changed) + tuple(
        Evidence(name, fields[name], "typed by the analyst") for name in EDITABLE_FIELDS if name in changed
    )
    return replace(draft, **{k: v for k, v in values.items() if k in changed}, evidence=evidence), []


def _field_problem(draft_id: str, field: str, message: str) -> FieldProblem:
    """The parser's message without its field's name in front (`amount "3OOm" is ...` -> `"3OOm" is ...`),
    and "claim D3 has no donor" as "missing"."""
    name = field or "draft"
    message = re.sub(rf"^claim {re.escape(draft_id)} has no [a-z ]+?(?=;|$)", "missing", message)
    if message == "missing" and name in _HINTS:
        message = f"missing; {_HINTS[name]}"
    words = name.replace("_", " ")
    for prefix in (f"{words} ", f"{words.rstrip('s')} "):  # "qualifier "x" is not understood"
        if message.startswith(prefix):
            message = message[len(prefix) :]
            break
    return FieldProblem(draft_id, name, message)


def _the_drafts(known: list[str]) -> str:
    if not known:
        return "this text has no drafts"
    if len(known) == 1:
        return f"the only draft is {known[0]}"
    return f"the drafts are {known[0]} to {known[-1]}"
