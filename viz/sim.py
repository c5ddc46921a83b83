"""What one browser session drives: a running model (or two, side by side), with no UI code.

A :class:`Simulation` owns one :class:`~servicesim.model.ServiceModel`, the scenario it was
built from and a lock (the play loop steps in a thread while the page reads the model).
A :class:`Pair` steps two simulations together with the same seed (common random numbers).
Objects of these classes are created inside the page components, one set per browser session.
"""

from __future__ import annotations

import io
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from servicesim.model import ServiceModel
from servicesim.model import params as P
from servicesim.model.errors import ParamError, ServicesimError
from servicesim.model.scenario import Scenario, load_scenario, with_style

from .fields import FieldError, Limits, check_upload, scrub

DEFAULT_SEED = 1
#: Days of request journeys a session keeps (older ones are dropped: memory stays bounded).
JOURNAL_DAYS = 60


def load_preset(name: str) -> Scenario:
    return load_scenario(name)


def load_uploaded(name: str, data: bytes, size: int | None = None) -> Scenario:
    """A scenario from an uploaded TOML file, read as data: ``extends`` may name a preset only,
    and no message names a path on the server. Raises a one-line ServicesimError when it is wrong."""
    check_upload(name, data, size)
    safe = "".join(c for c in Path(str(name or "scenario")).name if c.isalnum() or c in "._- ")
    safe = safe[:80].strip() or "scenario"
    if not safe.endswith(".toml"):
        safe += ".toml"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            scenario = load_scenario(path)
        except ParamError as exc:
            if getattr(exc, "name", None) in P.SCHEMA:
                raise
            raise FieldError("upload_invalid", "field.upload", safe, detail=scrub(str(exc).replace(tmp, ""))) from None
        except ServicesimError as exc:
            raise FieldError("upload_invalid", "field.upload", safe, detail=scrub(str(exc).replace(tmp, ""))) from None
    return scenario


def split_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[dict, dict]:
    """Changed parameters, split into (live, reset_only)."""
    live, later = {}, {}
    for k, v in new.items():
        if old.get(k) != v:
            (later if P.SCHEMA[k].reset_only else live)[k] = v
    return live, later


@dataclass
class Simulation:
    """One model and how it was made."""

    scenario: Scenario
    params: dict
    seed: int = DEFAULT_SEED
    model: ServiceModel = field(init=False)
    lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    limits: Limits = field(default_factory=Limits.from_env, repr=False)

    def __post_init__(self):
        self.params = P.validate(self.params)
        self.model = self._build()

    def _build(self) -> ServiceModel:
        self.limits.check(self.params)
        if not 0 <= int(self.seed) <= 2**32 - 1:
            raise FieldError("out_of_range", "field.seed", int(self.seed), low=0, high=2**32 - 1)
        return ServiceModel(self.params, interventions=self.scenario.interventions, seed=int(self.seed),
                            record_journeys=True)

    @classmethod
    def from_preset(cls, name: str, seed: int = DEFAULT_SEED, overrides: Mapping[str, Any] | None = None) -> Simulation:
        sc = load_preset(name)
        return cls(sc, P.validate(overrides or {}, base=sc.params), seed)

    # --- running -------------------------------------------------------------------------------
    @property
    def day(self) -> int:
        return self.model.day

    def step(self, days: int = 1) -> None:
        with self.lock:
            for _ in range(int(days)):
                self.model.step()
                if self.model.day % 10 == 0:
                    self._trim_journal()

    def _trim_journal(self) -> None:
        """Keep the last JOURNAL_DAYS days of journeys (the model's journal only grows)."""
        journal = getattr(self.model, "journal", None)
        if journal is None or not hasattr(journal, "batches"):
            return
        first = self.model.day - JOURNAL_DAYS
        journal.batches = [b for b in journal.batches if b[2] >= first]
        journal.outcomes = [o for o in journal.outcomes if o[1] >= first]

    def reset(self, scenario: Scenario | None = None, params: Mapping[str, Any] | None = None,
              seed: int | None = None) -> None:
        with self.lock:
            old = (self.scenario, self.params, self.seed)
            if scenario is not None:
                self.scenario = scenario
            if params is not None:
                self.params = P.validate(params)
            if seed is not None:
                self.seed = int(seed)
            try:
                self.model = self._build()
            except Exception:
                self.scenario, self.params, self.seed = old      # the running model stays as it was
                raise

    def set_params(self, values: Mapping[str, Any]) -> dict:
        """Record new parameter values; apply the live ones now. Returns the reset-only ones pending."""
        values = P.validate(values, base=self.params)
        self.limits.check(values)
        with self.lock:
            live, _ = split_changes(self.model.p, values)
            if live:
                self.model.set_params(live, source="the parameter panel")
            self.params = values
        return self.pending()

    def pending(self) -> dict:
        """Structural parameters changed since the model was built (they wait for reset)."""
        return {k: v for k, v in self.params.items() if P.SCHEMA[k].reset_only and self.model.p.get(k) != v}

    def intervene(self, kind: str, **options: Any):
        with self.lock:
            return self.model.intervene(kind, **options)

    # --- reading -------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        with self.lock:
            return self.model.daily_frame()

    def markers(self) -> list[tuple[int, str, dict]]:
        """(day, kind, options) of every intervention applied so far (scheduled and live)."""
        with self.lock:
            return [(iv.day, iv.kind, dict(iv.options)) for iv in self.model.intervention_log]

    def csv(self, lang: str = "en") -> bytes:
        return to_csv(self.frame(), lang)


class Pair:
    """Two simulations with the same seed, stepping together (A on the left, B on the right)."""

    def __init__(self, a: Scenario, b: Scenario, seed: int = DEFAULT_SEED):
        self.a = Simulation(a, dict(a.params), seed)
        self.b = Simulation(b, dict(b.params), seed)

    @classmethod
    def default(cls, seed: int = DEFAULT_SEED) -> Pair:
        return cls(load_preset("hierarchical"), load_preset("bersin"), seed)

    @property
    def day(self) -> int:
        return min(self.a.day, self.b.day)

    @property
    def seed(self) -> int:
        return self.a.seed

    def step(self, days: int = 1) -> None:
        self.a.step(days)
        self.b.step(days)

    def reset(self, a: Scenario | None = None, b: Scenario | None = None, seed: int | None = None) -> None:
        # a new scenario brings its own values; otherwise a side keeps the values edited on it
        plan = [(sim, sc or sim.scenario, dict(sc.params) if sc is not None else dict(sim.params))
                for sim, sc in ((self.a, a), (self.b, b))]
        for sim, _sc, params in plan:              # check both sides before rebuilding either
            sim.limits.check(P.validate(params))
        if seed is not None and not 0 <= int(seed) <= 2**32 - 1:
            raise FieldError("out_of_range", "field.seed", int(seed), low=0, high=2**32 - 1)
        for sim, sc, params in plan:
            sim.reset(sc, params, seed)

    def difference(self, metrics: list[str], window: int = 20, blocks: int = 4) -> pd.DataFrame:
        """Mean of the last ``window`` days for each side, B − A, and a 95 % interval of B − A from
        the means of ``blocks`` consecutive blocks of days (batch means: days are autocorrelated,
        blocks much less). ``low``/``high`` are NaN before ``window`` days have run."""
        from scipy import stats

        fa, fb = self.a.frame(), self.b.frame()
        rows = []
        for m in metrics:
            va = float(fa[m].tail(window).mean()) if m in fa and len(fa) else float("nan")
            vb = float(fb[m].tail(window).mean()) if m in fb and len(fb) else float("nan")
            low = high = float("nan")
            if m in fa and m in fb and min(len(fa), len(fb)) >= window and blocks >= 2:
                d = (fb[m].tail(window).to_numpy(dtype=float) - fa[m].tail(window).to_numpy(dtype=float))
                means = np.array([c.mean() for c in np.array_split(d, blocks)])
                if np.all(np.isfinite(means)):
                    half = float(stats.t.ppf(0.975, blocks - 1) * means.std(ddof=1) / np.sqrt(blocks))
                    low, high = float(means.mean()) - half, float(means.mean()) + half
            rows.append({"metric": m, "a": va, "b": vb, "diff": vb - va, "low": low, "high": high})
        return pd.DataFrame(rows)

    def csv(self, lang: str = "en") -> bytes:
        fa, fb = self.a.frame(), self.b.frame()
        fa.insert(0, "side", "A:" + self.a.scenario.name)
        fb.insert(0, "side", "B:" + self.b.scenario.name)
        return to_csv(pd.concat([fa, fb], ignore_index=True), lang)


def to_csv(frame: pd.DataFrame, lang: str = "en") -> bytes:
    """The daily series as CSV, days counted from 1 as on the screen; in French with ``;`` between
    fields and a decimal comma, so that a French spreadsheet opens it in columns."""
    buf = io.StringIO()
    if "day" in frame:   # the screen counts working days from 1 ("Day 1" after the first step): so does the file
        frame = frame.assign(day=frame["day"] + 1)
    if lang == "fr":
        frame.to_csv(buf, index=False, sep=";", decimal=",")
        return ("\ufeff" + buf.getvalue()).encode("utf-8")     # the BOM tells Excel it is UTF-8
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode()


__all__ = ["Simulation", "Pair", "load_preset", "load_uploaded", "split_changes", "with_style"]
