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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from servicesim.model import ServiceModel
from servicesim.model import params as P
from servicesim.model.errors import ParamError
from servicesim.model.scenario import Scenario, load_scenario, with_style

DEFAULT_SEED = 1


def load_preset(name: str) -> Scenario:
    return load_scenario(name)


def load_uploaded(name: str, data: bytes) -> Scenario:
    """A scenario from an uploaded TOML file; raises a one-line ServicesimError when it is wrong."""
    safe = Path(name or "scenario.toml").name
    if not safe.endswith(".toml"):
        safe += ".toml"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        scenario = load_scenario(path)
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

    def __post_init__(self):
        self.params = P.validate(self.params)
        self.model = self._build()

    def _build(self) -> ServiceModel:
        return ServiceModel(self.params, interventions=self.scenario.interventions, seed=int(self.seed),
                            record_journeys=True)

    @classmethod
    def from_preset(cls, name: str, seed: int = DEFAULT_SEED, overrides: Mapping[str, Any] | None = None) -> "Simulation":
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

    def reset(self, scenario: Scenario | None = None, params: Mapping[str, Any] | None = None,
              seed: int | None = None) -> None:
        with self.lock:
            if scenario is not None:
                self.scenario = scenario
            if params is not None:
                self.params = P.validate(params)
            if seed is not None:
                self.seed = int(seed)
            self.model = self._build()

    def set_params(self, values: Mapping[str, Any]) -> dict:
        """Record new parameter values; apply the live ones now. Returns the reset-only ones pending."""
        values = P.validate(values, base=self.params)
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

    def csv(self) -> bytes:
        buf = io.StringIO()
        self.frame().to_csv(buf, index=False)
        return buf.getvalue().encode()


class Pair:
    """Two simulations with the same seed, stepping together (A on the left, B on the right)."""

    def __init__(self, a: Scenario, b: Scenario, seed: int = DEFAULT_SEED):
        self.a = Simulation(a, dict(a.params), seed)
        self.b = Simulation(b, dict(b.params), seed)

    @classmethod
    def default(cls, seed: int = DEFAULT_SEED) -> "Pair":
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
        for sim, sc in ((self.a, a), (self.b, b)):
            sc = sc or sim.scenario
            sim.reset(sc, dict(sc.params), seed)

    def difference(self, metrics: list[str], window: int = 20) -> pd.DataFrame:
        """Mean of the last ``window`` days for each side, and B − A."""
        fa, fb = self.a.frame(), self.b.frame()
        rows = []
        for m in metrics:
            va = float(fa[m].tail(window).mean()) if m in fa and len(fa) else float("nan")
            vb = float(fb[m].tail(window).mean()) if m in fb and len(fb) else float("nan")
            rows.append({"metric": m, "a": va, "b": vb, "diff": vb - va})
        return pd.DataFrame(rows)

    def csv(self) -> bytes:
        fa, fb = self.a.frame(), self.b.frame()
        fa.insert(0, "side", "A:" + self.a.scenario.name)
        fb.insert(0, "side", "B:" + self.b.scenario.name)
        buf = io.StringIO()
        pd.concat([fa, fb], ignore_index=True).to_csv(buf, index=False)
        return buf.getvalue().encode()


__all__ = ["Simulation", "Pair", "load_preset", "load_uploaded", "split_changes", "with_style"]
