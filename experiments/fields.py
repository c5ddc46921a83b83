"""Checking the fields of an experiment file: each failure is one line naming the field, the value and
what is allowed. Shared by :mod:`.design` (the file) and :mod:`.sensitivity` (its ``[sensitivity]`` table),
which both import this module and nothing of each other's internals."""

from __future__ import annotations

from typing import Any

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError


class ExperimentError(ServicesimError):
    """An experiment definition, a results directory or a sweep option is not usable."""


def field_error(src: str, fld: str, value: Any, allowed: str) -> ExperimentError:
    return ExperimentError(f"experiment '{src}': field '{fld}' = {value!r} is not allowed; allowed: {allowed}")


def unknown_param(src: str, name: str, fld: str) -> ExperimentError:
    return ExperimentError(f"experiment '{src}': {P.unknown_param_error(name, fld)}")


def check_int(src: str, fld: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise field_error(src, fld, value, f"an integer in [{low}, {high}]")
    return value


def check_table(src: str, fld: str, value: Any, keys: set | None = None) -> dict:
    """``value`` must be a table, and (if ``keys`` is given) hold no other keys."""
    if not isinstance(value, dict):
        raise field_error(src, fld, value, "a table")
    if keys is not None:
        extra = sorted(set(value) - keys)
        if extra:
            raise ExperimentError(f"experiment '{src}': key '{fld}.{extra[0]}' is unknown; allowed: "
                                  f"{', '.join(sorted(keys))}")
    return value


def check_bounds(src: str, fld: str, name: str, pair: Any) -> tuple[float, float]:
    """``fld.name = [low, high]``: a parameter of the schema, low < high, both in its range."""
    if name not in P.SCHEMA:
        raise unknown_param(src, name, fld)
    p = P.SCHEMA[name]
    allowed = f"[low, high] with low < high, each {p.allowed()}"
    if not isinstance(pair, list) or len(pair) != 2:
        raise field_error(src, f"{fld}.{name}", pair, allowed)
    low, high = (p.coerce(v, f"{src} {fld}.{name}") for v in pair)
    if not low < high:
        raise field_error(src, f"{fld}.{name}", pair, allowed)
    return float(low), float(high)


def typed(name: str, value: float) -> int | float:
    """A sampled real number as the parameter's type: integers are rounded and kept in their range."""
    p = P.SCHEMA[name]
    if p.kind == "int":
        return int(min(max(round(float(value)), p.low), p.high))
    return float(value)


def typed_rows(names: list[str], sample) -> list[dict]:
    """Rows of a sample matrix (one column per name) as factor tables of typed values."""
    return [{n: typed(n, v) for n, v in zip(names, row, strict=True)} for row in sample]
