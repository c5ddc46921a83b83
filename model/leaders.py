"""Managers' styles and their own state, as columns (one row per position; managers' rows are used).

The :class:`~servicesim.model.agents.Manager` agents decide, one by one, how far they have adopted
an announced style and how tightly they control their team (:meth:`Manager.step`); this module
holds what they decide with and about, and does what is the same for every manager at once (the
mesa-frames pattern: the set of managers owns its columns):

* :meth:`Styles.observe` — what each manager sees before deciding: its team's visible failures
  (complaints, back-office errors), the work pressure on its team, how far its own boss has adopted
  the new style and how much that boss coaches;
* :meth:`Styles.practise` — the style each manager practises today, from the style it had before the
  last change (``habit``), the style announced (``target``), how far it has adopted it (``adoption``)
  and the control it has tightened or loosened (``control``); and what its team reads from it: the
  consistency between values and practice (``lived``) and how clear decision rights are (``ambiguity``).
"""

from __future__ import annotations

import numpy as np

from .organisation import MANAGER, Organisation
from .params import NUMERIC_STYLE_PARAMS, SCHEMA

#: Style parameters that change the day a new style is announced; the others are practised as adopted.
ANNOUNCED = ("values_emphasis",)
PRACTICES = ("delegation", "micromanagement", "procedure_adherence", "training", "coaching", "recognition")
#: The structure block's numeric parameters: who decides what (their change is what makes rights unclear).
DECISION_RIGHTS = ("delegation", "micromanagement", "procedure_adherence")


class Styles:
    """Each manager's management style and own state, as arrays over positions.

    Style columns (dicts of arrays, one per numeric style parameter): ``target`` (the organisation's
    announced style plus the manager's individual spread), ``habit`` (what the manager practised
    before the last change), ``current`` (what it practises today).
    Manager columns: ``adoption`` (0-1, how far the announced posture is learned), ``trained`` (0-1,
    leadership development received), ``resistance`` (0 for most; 0-1 for the resisting share),
    ``reactivity`` (how strongly it tightens control when failures rise), ``control`` (-1..1: tightened
    above 0, loosened below), ``seen`` and ``norm`` (the failure share it sees, and the one it is used to),
    ``enrolled``/``away`` (in a leadership programme; share of its day spent there), and what it shows its
    team: ``lived`` (consistency as lived) and ``ambiguity`` (unclear decision rights)."""

    def __init__(self, p: dict, org: Organisation, rng: np.random.Generator, traits: np.random.Generator):
        n = len(org.role)
        self.org = org
        self.managers = org.managers
        spread = float(p["style_spread"])
        self._noise = {k: rng.normal(0.0, spread, n) for k in NUMERIC_STYLE_PARAMS}
        self.target = {k: self._bounded(k, float(p[k])) for k in NUMERIC_STYLE_PARAMS}
        self.habit = {k: v.copy() for k, v in self.target.items()}
        self.current = {k: v.copy() for k, v in self.target.items()}
        self.pace = 0.0                       # adoption per day of a typical manager (1 / transition_days)
        self.span = float(p["control_span"])  # delegation withdrawn (and sign-offs added) at full control
        # each manager's own traits (a stream of their own: the same managers whatever the style)
        u_resist, strength, u_trained, u_react = traits.random((4, n))
        self.resistance = np.where(u_resist < p["resisting_share"], strength, 0.0)
        self.trained = (u_trained < p["trained_managers"]).astype(float)
        self.reactivity = p["control_reactivity"] * 2.0 * u_react       # mean control_reactivity, from 0 to twice it
        self.adoption = np.ones(n)
        self.control = np.zeros(n)
        self.seen = np.full(n, np.nan)
        self.norm = np.full(n, np.nan)
        self._seen_total, self._seen_weight = np.zeros(n), np.zeros(n)
        self.enrolled = np.zeros(n, dtype=bool)
        self.away = np.zeros(n)
        self.programme_rate = np.zeros(n)
        # what managers see each day (set by observe) and show their teams (set by practise)
        self.pressure = np.zeros(n)
        self.boss_adoption = np.ones(n)
        self.boss_coaching = np.zeros(n)
        self.change = np.zeros(n)             # size of the change of decision rights under way (0: none)
        self.pending = np.zeros(n, dtype=bool)  # the announced style differs from the habit: something to adopt
        self.lived = np.zeros(n)
        self.ambiguity = np.zeros(n)
        boss = org.boss
        self._boss = np.where(boss >= 0, boss, np.arange(n))
        self._levels = [org.managers[org.level[org.managers] == lv] for lv in range(2, int(org.level.max()) + 1)]
        self.practise()

    def _bounded(self, name: str, base) -> np.ndarray:
        par = SCHEMA[name]
        return np.clip(base + self._noise[name], par.low, par.high)

    # --- the organisation announces -----------------------------------------------------------------
    def set_now(self, p: dict) -> None:
        """Every style parameter set at once for every manager; any change under way ends."""
        for k in NUMERIC_STYLE_PARAMS:
            self.set_param(k, p[k])

    def set_param(self, k: str, value: float) -> None:
        """One style parameter imposed on every manager at once (individual spread kept)."""
        self.target[k] = self._bounded(k, float(value))
        self.habit[k] = self.target[k].copy()
        self.practise()

    def change_to(self, p: dict, transition_days: int) -> None:
        """Announce the style ``p``: its values at once; the practices follow as each manager adopts
        them at its own pace (:meth:`Manager.adopt`), starting from what it practises now. A typical
        manager — untrained, whose boss models the new style — takes ``transition_days``; 0 imposes
        the new style on everyone at once."""
        a = self.adoption
        self.habit = {k: self.habit[k] + a * (self.target[k] - self.habit[k]) for k in NUMERIC_STYLE_PARAMS}
        self.target = {k: self._bounded(k, float(p[k])) for k in NUMERIC_STYLE_PARAMS}
        for k in ANNOUNCED:
            self.habit[k] = self.target[k].copy()
        days = max(0, int(transition_days))
        self.pace = 1.0 / days if days else 0.0
        self.adoption = np.zeros(len(a)) if days else np.ones(len(a))
        self.practise()

    def enrol(self, who: np.ndarray, duration: int, time_off: float) -> None:
        """Managers ``who`` start a leadership programme: trained within ``duration`` days, away
        ``time_off`` of each day meanwhile."""
        self.enrolled[who] = True
        self.programme_rate[who] = 1.0 / max(int(duration), 1)
        self.away[who] = time_off

    def graduate(self, who: np.ndarray) -> None:
        self.enrolled[who] = False
        self.away[who] = 0.0

    # --- what managers see ----------------------------------------------------------------------------
    def observe(self, p: dict, failures: np.ndarray, counts: np.ndarray, load: np.ndarray,
                present: np.ndarray) -> None:
        """What each manager sees before deciding today (yesterday's results; every manager at once).

        ``failures``/``counts``: per position, the visible failures and outcomes of the group it leads
        (front team: complaints among closed requests; back-office unit: errors among hand-offs).
        A manager above the first level sees the mean of what its direct reports see. Pressure is the
        work pressure on the manager's people (``tanh(max(load - pressure_threshold, 0))``)."""
        org, m = self.org, self.managers
        n = len(org.role)
        share = np.divide(failures, counts, out=np.full(n, np.nan), where=counts > 0)
        staff = (org.role != MANAGER) & present
        w = staff.astype(float)
        under = np.tanh(np.maximum(load - p["pressure_threshold"], 0.0))
        boss = org.boss
        s = staff & (boss >= 0)
        tot = np.bincount(boss[s], weights=under[s], minlength=n)
        cnt = np.bincount(boss[s], weights=w[s], minlength=n)
        pressure = np.divide(tot, cnt, out=np.zeros(n), where=cnt > 0)
        for level in self._levels:                               # bottom up: the mean of direct reports
            below = m[np.isin(boss[m], level)]
            b = boss[below]
            k = np.bincount(b, minlength=n)[level]
            pressure[level] = np.bincount(b, weights=pressure[below], minlength=n)[level] / np.maximum(k, 1)
            has = ~np.isnan(share[below])
            ks = np.bincount(b[has], minlength=n)[level]
            sums = np.bincount(b[has], weights=share[below][has], minlength=n)[level]
            share[level] = np.where(ks > 0, sums / np.maximum(ks, 1), np.nan)
        self.pressure = pressure
        self.span = float(p["control_span"])
        # what it sees: a recency-weighted mean of the days seen so far (weights normalised over them);
        # what it is used to: formed once it has seen its team for a while (its recent view then weighs
        # 95 % of what it knows), then following what it sees with a long memory
        fresh = ~np.isnan(share)
        keep = p["failure_memory"]
        self._seen_total[fresh] = keep * self._seen_total[fresh] + (1.0 - keep) * share[fresh]
        self._seen_weight[fresh] = keep * self._seen_weight[fresh] + (1.0 - keep)
        np.divide(self._seen_total, self._seen_weight, out=self.seen, where=self._seen_weight > 0)
        formed = ~np.isnan(self.norm)
        keep = p["failure_norm_memory"]
        self.norm[formed & fresh] = keep * self.norm[formed & fresh] + (1.0 - keep) * self.seen[formed & fresh]
        ready = ~formed & (self._seen_weight >= 0.95)
        self.norm[ready] = self.seen[ready]
        top = boss < 0
        self.boss_adoption = np.where(top, 1.0, self.adoption[self._boss])
        self.boss_coaching = np.where(top, 0.0, self.current["coaching"][self._boss])

    # --- what managers practise and show ---------------------------------------------------------------
    def practise(self) -> None:
        """The style each manager practises today: its habit moved towards the announced style as far
        as it has adopted it; tightened control takes ``control_span · control`` off delegation and adds it to
        sign-offs (loosening does the reverse). Then what the team reads from it: lived consistency
        (the manager's consistency, less twice its mean gap between announced and practised practices)
        and the ambiguity of decision rights (a manager mid-adoption, and a manager whose decision
        rights differ from its own boss's). Computed on every row (staff rows mirror the organisation's
        style; only managers' rows are read)."""
        m = slice(None)
        a = self.adoption
        cur = {k: self.habit[k][m] + a * (self.target[k][m] - self.habit[k][m]) for k in NUMERIC_STYLE_PARAMS}
        if self.span:
            c = self.span * self.control[m]
            cur["delegation"] = cur["delegation"] - c
            cur["micromanagement"] = cur["micromanagement"] + c
        for k in NUMERIC_STYLE_PARAMS:
            par = SCHEMA[k]
            self.current[k][m] = np.clip(cur[k], par.low, par.high)
        gap = np.mean([np.abs(self.target[k][m] - self.current[k][m]) for k in PRACTICES], axis=0)
        self.lived[m] = self.current["consistency"][m] * (1.0 - np.minimum(1.0, 2.0 * gap))
        change = np.mean([np.abs(self.target[k][m] - self.habit[k][m]) for k in DECISION_RIGHTS], axis=0)
        self.change[m] = change
        self.pending = np.max([np.abs(self.target[k] - self.habit[k]) for k in NUMERIC_STYLE_PARAMS], axis=0) > 1e-9
        boss = self._boss
        mixed = np.mean([np.abs(self.current[k][m] - self.current[k][boss]) for k in DECISION_RIGHTS], axis=0)
        self.ambiguity[m] = np.clip(4.0 * a * (1.0 - a) * change + mixed, 0.0, 1.0)

    def adopting(self) -> np.ndarray:
        """Per position: 1 where the manager is still learning an announced change of decision rights."""
        return ((self.change > 1e-9) & (self.adoption < 1.0)).astype(float)

    def practice_gap(self) -> np.ndarray:
        """Per position: how far each manager's practices are from the announced style."""
        return np.mean([np.abs(self.target[k] - self.current[k]) for k in PRACTICES], axis=0)


__all__ = ["Styles", "ANNOUNCED", "PRACTICES", "DECISION_RIGHTS"]
