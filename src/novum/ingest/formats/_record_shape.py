"""Checking that a JSON record has the model's shape before it is turned into a ``Patent``.

A record from a file is data: a claim given as a string or a title as a number is bad data and goes to the
quarantine with the field that is wrong. Checking first means that mapping can let ``TypeError`` and
``AttributeError`` through as what they are there, bugs in a reader.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from novum.model import Citation, Claim, Paragraph, Party, Patent, PriorityClaim

_NESTED: dict[str, type[Any]] = {
    "PriorityClaim": PriorityClaim,
    "Claim": Claim,
    "Paragraph": Paragraph,
    "Party": Party,
    "Citation": Citation,
}
# Dates that filters and the index turn into numbers (YYYYMMDD): anything but an ISO day is bad data.
_DATES = {(Patent, "priority_date"), (Patent, "filing_date"), (Patent, "publication_date"), (PriorityClaim, "date")}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCALARS: dict[str, tuple[type[Any], ...]] = {"str": (str,), "int": (int,)}


def check_record(data: dict[str, Any]) -> None:
    """Raise ``ValueError`` naming the first field whose JSON type does not fit ``Patent``."""
    _check_object(Patent, data, "")


def check_strings(data: dict[str, Any], names: tuple[str, ...]) -> None:
    """Raise ``ValueError`` when one of the named fields is present but neither a string nor null."""
    for name in names:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"field {name!r} must be a string, not {type(value).__name__}")


def _check_object(cls: type[Any], data: Any, where: str) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"{where.rstrip('.') or 'record'} must be an object, not {type(data).__name__}")
    for item in dataclasses.fields(cls):
        path = f"{where}{item.name}"
        if item.name not in data:
            required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
            if required and cls is not Patent:  # a Patent's country/doc_number are checked by the reader
                raise ValueError(f"{where.rstrip('.')} has no {item.name!r}")
            continue
        _check_value(str(item.type), data[item.name], path)
        if (cls, item.name) in _DATES and data[item.name] is not None and not _ISO_DAY.fullmatch(data[item.name]):
            raise ValueError(f"field {path!r} is not a date in the form YYYY-MM-DD: {data[item.name]!r}")
    if cls is not Patent:
        unknown = sorted(set(data) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise ValueError(f"{where.rstrip('.')} has unknown field(s) {', '.join(map(repr, unknown))}")


def _check_value(annotation: str, value: Any, path: str) -> None:
    optional = annotation.endswith(" | None")
    kind = annotation.removesuffix(" | None")
    if value is None:
        if optional:
            return
        raise ValueError(f"field {path!r} must not be null")
    if kind in _SCALARS:
        if not isinstance(value, _SCALARS[kind]) or isinstance(value, bool):
            raise ValueError(f"field {path!r} must be {'an integer' if kind == 'int' else 'a string'}")
        return
    if kind == "dict[str, str]":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValueError(f"field {path!r} must be an object of strings (language → text)")
        return
    if kind.startswith("list[") and kind.endswith("]"):
        inner = kind[5:-1]
        if not isinstance(value, list):
            raise ValueError(f"field {path!r} must be a list, not {type(value).__name__}")
        for index, element in enumerate(value):
            if inner in _NESTED:
                _check_object(_NESTED[inner], element, f"{path}[{index}].")
            else:
                _check_value(inner, element, f"{path}[{index}]")
        return
    raise AssertionError(f"the shape check does not know the model type {annotation!r} of {path}")  # a bug
