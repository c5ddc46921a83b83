"""What a person types into the app, checked before anything runs: numbers, limits, uploaded files.

Everything here is plain Python (no UI), so the rules are tested without a browser. A problem is
a :class:`FieldError` carrying the field, the value and what is allowed; :func:`field_message`
writes it as one line in the page's language. Nothing typed in a page may reach the model
unchecked, and no message names a path on the server.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError

from .i18n import number, t

#: Seeds the app accepts (numpy accepts more; a person never needs more than this).
SEED_MAX = 2**32 - 1
#: Largest uploaded scenario file read (a scenario is a few hundred bytes).
UPLOAD_MAX_BYTES = 64 * 1024
#: Longest piece of a typed value repeated in a message.
SHOWN_MAX = 30

DEFAULT_MAX_EMPLOYEES = 1000
DEFAULT_MAX_CUSTOMERS = 400_000
ENV_MAX_EMPLOYEES = "SERVICESIM_UI_MAX_EMPLOYEES"
ENV_MAX_CUSTOMERS = "SERVICESIM_UI_MAX_CUSTOMERS"


class FieldError(ServicesimError):
    """A value typed or uploaded in the app is not allowed.

    ``field`` is a catalogue key naming the input (``field.seed``) or a parameter name,
    ``problem`` a short code, ``value`` what was typed, ``low``/``high``/``limit`` what is allowed."""

    def __init__(self, problem: str, field: str = "", value: Any = None, *, low=None, high=None, limit=None,
                 detail: str | tuple = "", kind: str = "int"):
        self.problem, self.field, self.value = problem, field, value
        self.low, self.high, self.limit, self.detail, self.kind = low, high, limit, detail, kind
        super().__init__(field_message(self, "en"))


def shown(value: Any) -> str:
    """A typed value, shortened and on one line, for a message."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1] + "…"


def field_label(field: str, lang: str) -> str:
    if field in P.SCHEMA:
        return t(f"param.{field}", lang)
    return t(field, lang)


def _num(x, lang: str, kind: str = "float") -> str:
    if kind == "int" or (isinstance(x, (int, float)) and float(x).is_integer() and abs(x) < 1e15):
        return number(int(x), lang, 0)
    text = number(float(x), lang, 6)
    return text.rstrip("0").rstrip(",.") if ("." in text or "," in text) else text


def allowed_text(kind: str, low, high, lang: str, unit_name: str = "") -> str:
    key = "allowed.int" if kind == "int" else "allowed.float"
    text = t(key, lang, low=_num(low, lang, kind), high=_num(high, lang, kind))
    if unit_name and unit_name not in ("0-1", "share", "probability", "ratio", "multiplier"):
        text += " " + t(f"unit.{unit_name}", lang)
    return text


def field_message(exc: Exception, lang: str = "en") -> str:
    """One line in ``lang`` for any input error (FieldError, ParamError, ScenarioError)."""
    from .i18n import error_text

    if not isinstance(exc, FieldError):
        if getattr(exc, "problem", None) and getattr(exc, "name", None) in P.SCHEMA:
            p = P.SCHEMA[exc.name]
            return message(exc.problem, exc.name, exc.value, lang, kind=p.kind, low=p.low, high=p.high,
                           unit_name=p.unit)
        return scrub(error_text(exc, lang))
    return message(exc.problem, exc.field, exc.value, lang, kind=exc.kind, low=exc.low, high=exc.high,
                   limit=exc.limit, detail=exc.detail)


def message(problem: str, field: str, value: Any, lang: str, *, kind: str = "int", low=None, high=None,
            limit=None, detail: str | tuple = "", unit_name: str = "") -> str:
    label = field_label(field, lang) if field else ""
    allowed = allowed_text(kind, low, high, lang, unit_name) if low is not None and high is not None else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value)):
        val = _num(value, lang, kind)
    else:
        val = shown("" if value is None else value)
    if isinstance(detail, tuple):
        detail = " × ".join(_num(d, lang) for d in detail)
    detail = _toml_detail(scrub(detail), lang) if problem == "upload_not_toml" else scrub(detail)
    problem = _PARAM_PROBLEMS.get(problem, problem)
    return one_line(t(f"problem.{problem}", lang, field=label, value=val, allowed=allowed,
                   limit=number(limit, lang, 0) if isinstance(limit, int) else limit, detail=detail))


_PARAM_PROBLEMS = {"not_a_number": "not_number", "not_finite": "not_number", "wrong_type": "not_number",
                   "not_an_integer": "not_int"}


def _toml_detail(detail: str, lang: str) -> str:
    m = re.search(r"line (\d+), column (\d+)", detail)
    return t("problem.toml_where", lang, line=m.group(1), column=m.group(2)) if m else detail


def one_line(text: str) -> str:
    return " ".join(str(text).split()) if text else ""


_PATH = re.compile(r"(/[\w.\-+~]+){2,}/?")


def scrub(text: str) -> str:
    """No server path in a message shown to a visitor."""
    return _PATH.sub("…", str(text).splitlines()[0] if text else "")


# --- typed numbers -----------------------------------------------------------------------------------
def _clean(text: Any) -> str:
    s = str(text if text is not None else "")
    for ch in ("\u202f", "\u00a0", " ", "_"):
        s = s.replace(ch, "")
    return s.replace("\u2212", "-").strip()


def parse_int(text: Any, field: str, low: int, high: int) -> int:
    """``text`` as a whole number in [low, high], or a FieldError naming ``field``."""
    s = _clean(text)
    if not s:
        raise FieldError("empty", field, "", low=low, high=high)
    if not re.fullmatch(r"[+-]?\d+", s):
        # "3.0" or "3,0" are whole numbers written with decimals: accept them
        m = re.fullmatch(r"([+-]?\d+)[.,]0*", s)
        if not m:
            raise FieldError("not_int", field, text, low=low, high=high)
        s = m.group(1)
    if len(s.lstrip("+-")) > 30:
        raise FieldError("out_of_range", field, text, low=low, high=high)
    value = int(s)
    if not low <= value <= high:
        raise FieldError("out_of_range", field, value, low=low, high=high)
    return value


def parse_float_text(text: Any) -> float | None:
    """A number written either way (0.5 or 0,5, −3), or None."""
    s = _clean(text).replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def parse_param(p: P.Param, text: Any):
    """A typed or slid value for parameter ``p``, validated by the schema."""
    kind = getattr(p, "kind", "float")
    if kind == "choice":
        choices = tuple(getattr(p, "choices", ()) or ())
        if str(text) not in choices:
            raise FieldError("not_choice", p.name, text, detail=", ".join(choices))
        return p.coerce(str(text))
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = text
    else:
        s = _clean(text)
        if not s:
            raise FieldError("empty", p.name, "", low=p.low, high=p.high, kind=kind)
        if kind == "int":
            value = parse_int(s, p.name, -10**30, 10**30) if re.fullmatch(r"[+-]?\d+([.,]0*)?", s) else None
            if value is None:
                raise FieldError("not_int", p.name, text, low=p.low, high=p.high, kind=kind)
        else:
            value = parse_float_text(s)
            if value is None:
                raise FieldError("not_number", p.name, text, low=p.low, high=p.high, kind=kind)
    try:
        return p.coerce(value)
    except ServicesimError:
        raise FieldError("out_of_range", p.name, value, low=p.low, high=p.high, kind=kind) from None


# --- limits per session -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """What one browser session may build: the server's protection against one visitor's typing."""

    max_employees: int = DEFAULT_MAX_EMPLOYEES
    max_customers: int = DEFAULT_MAX_CUSTOMERS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        out = {}
        for attr, key, default in (("max_employees", ENV_MAX_EMPLOYEES, DEFAULT_MAX_EMPLOYEES),
                                   ("max_customers", ENV_MAX_CUSTOMERS, DEFAULT_MAX_CUSTOMERS)):
            try:
                out[attr] = max(1, int(env.get(key, default)))
            except (TypeError, ValueError):
                out[attr] = default
        return cls(**out)

    def check(self, params: Mapping[str, Any]) -> None:
        """Raise a FieldError when ``params`` would build more than this session may."""
        staff = employees(params)
        if staff > self.max_employees:
            raise FieldError("too_many_employees", "", staff, limit=self.max_employees,
                             detail=(int(params["teams"]), int(params["team_size"])))
        customers = int(params["teams"]) * int(params["team_size"]) * int(params["customers_per_front"])
        if customers > self.max_customers:
            raise FieldError("too_many_customers", "", customers, limit=self.max_customers,
                             detail=(int(params["teams"]) * int(params["team_size"]),
                                     int(params["customers_per_front"])))
        daily = customers * float(params["request_rate"])
        if daily > self.max_requests_per_day:
            raise FieldError("too_many_requests", "", round(daily), limit=self.max_requests_per_day,
                             detail=(customers, float(params["request_rate"])))

    @property
    def max_requests_per_day(self) -> int:
        """Requests a day the session may generate (bounded with the customers: a fifth of them)."""
        return max(1, self.max_customers // 5)


def employees(p: Mapping[str, Any]) -> int:
    """Posts the organisation builder makes from ``p`` (mirrors model.organisation, arithmetic only)."""
    n_teams, team_size, n_units = int(p["teams"]), int(p["team_size"]), int(p["backoffice_units"])
    n_front = n_teams * team_size
    unit_size = max(1, round(float(p["backoffice_ratio"]) * n_front / n_units))
    staff = n_front + unit_size * n_units
    payroll = max(1, round(float(p["payroll_ratio"]) * staff / 100))
    managers, current, span = n_teams + n_units + 1, n_teams + n_units + 1, max(2, int(p["span_of_control"]))
    levels = 1
    while current > 1:
        current = math.ceil(current / span)
        managers += current
        levels += 1
    managers += max(0, int(p.get("hierarchy_depth", 0)) - levels)
    return staff + payroll + managers


# --- uploaded scenario files ----------------------------------------------------------------------------
def check_upload(name: str, data: bytes | None, size: int | None = None) -> dict:
    """The TOML table of an uploaded file, checked as data: size, text, syntax, and ``extends``
    naming a preset only (never a path on the server)."""
    from servicesim.model.scenario import preset_paths

    fname = shown(os.path.basename(str(name or "")) or "?")
    if (size or 0) > UPLOAD_MAX_BYTES or (data is not None and len(data) > UPLOAD_MAX_BYTES):
        raise FieldError("upload_too_big", "field.upload", fname, limit=UPLOAD_MAX_BYTES // 1024)
    try:
        text = (data or b"").decode("utf-8")
    except UnicodeDecodeError:
        raise FieldError("upload_not_text", "field.upload", fname) from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FieldError("upload_not_toml", "field.upload", fname, detail=scrub(str(exc))) from None
    extra = set(table) - {"description", "category", "extends", "params", "interventions", "name"}
    if extra:
        raise FieldError("upload_key", "field.upload", sorted(extra)[0],
                         detail="description, category, extends, params, interventions, name")
    ext = table.get("extends")
    if ext is not None:
        presets = preset_paths()
        if not isinstance(ext, str) or ext not in presets:
            raise FieldError("upload_extends", "field.upload", ext if isinstance(ext, str) else repr(ext),
                             detail=", ".join(presets))
    _check_interventions(table.get("interventions", []))
    return table


def _check_interventions(raw: Any) -> None:
    """The [[interventions]] of an uploaded file, checked with messages a page can translate."""
    from servicesim.model.interventions import KINDS
    from servicesim.model.scenario import style_names

    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise FieldError("upload_iv_shape", "field.upload", "")
    for item in raw:
        if "kind" not in item or "day" not in item:
            raise FieldError("upload_iv_shape", "field.upload", "")
        kind, day = item["kind"], item["day"]
        if not isinstance(kind, str) or kind not in KINDS:
            raise FieldError("upload_iv_kind", "field.upload", kind, detail=", ".join(KINDS))
        if isinstance(day, bool) or not isinstance(day, int) or day < 0:
            raise FieldError("upload_iv_day", "field.upload", day)
        schema = KINDS[kind].options
        for name, value in item.items():
            if name in ("kind", "day"):
                continue
            if name == "style" and kind == "style_change":
                if value not in style_names():
                    raise FieldError("upload_iv_option", f"iv.{kind}", f"style = {value}",
                                     detail=", ".join(style_names()))
                continue
            if name not in schema:
                raise FieldError("upload_iv_option", f"iv.{kind}", name, detail=", ".join(schema) or "—")
            try:
                schema[name].coerce(value)
            except ServicesimError:
                p = schema[name]
                raise FieldError("upload_iv_option", f"iv.{kind}", f"{name} = {value}",
                                 detail=f"{name}: {p.low}–{p.high}") from None
