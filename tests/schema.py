"""The JSON contract's validator, built once: checking the schema itself is slow, and it never changes."""

from __future__ import annotations

from functools import cache

import jsonschema

import ledger


@cache
def schema_validator() -> jsonschema.protocols.Validator:
    """A validator of reconciliation documents against ledger's schema (the schema checked once, here)."""
    schema = ledger.schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator: jsonschema.protocols.Validator = validator_class(schema)
    return validator
