"""People: their state and how it changes each day.

State lives in arrays indexed by position (see :mod:`~servicesim.model.organisation`), so the
daily update of ten thousand people is a handful of numpy operations. The Mesa agents in
:mod:`~servicesim.model.agents` are readable views on these arrays.

Each mechanism is one method, named for what happens: :meth:`Workforce.learn`,
:meth:`Workforce.share_knowledge`, :meth:`Workforce.feel`, :meth:`Workforce.cut_corners`,
:meth:`Workforce.absorb_culture`, :meth:`Workforce.quit_jobs`, :meth:`Workforce.hire`,
:meth:`Workforce.run_payroll`.
"""

from __future__ import annotations

import numpy as np

from .organisation import BACK, FRONT, MANAGER, PAYROLL, Organisation
from .params import STYLE_PARAMS

#: Authority limit of a manager at each level (the director at the top holds the full range).
def authority_of_level(level: np.ndarray, top: int) -> np.ndarray:
    return np.where(level >= top, 1.0, 1.0 - 0.3 ** level.astype(float))


#: Style parameters that change the day a new style is announced; the others are practices.
ANNOUNCED = ("values_emphasis",)
PRACTICES = ("delegation", "micromanagement", "procedure_adherence", "training", "coaching", "recognition")


class Styles:
    """Management style per manager position, with gradual transitions (C8)."""

    def __init__(self, p: dict, org: Organisation, rng: np.random.Generator):
        m = len(org.role)
        self.current = {k: np.zeros(m) for k in STYLE_PARAMS}
        spread = float(p["style_spread"])
        self._noise = {k: rng.normal(0.0, spread, m) for k in STYLE_PARAMS}
        self.start = {k: np.full(m, float(p[k])) for k in STYLE_PARAMS}
        self.target = dict(self.start)
        self.t0, self.duration = 0, 0
        self.set_now(p)

    def _bounded(self, name: str, base: np.ndarray) -> np.ndarray:
        from .params import SCHEMA

        par = SCHEMA[name]
        if par.kind == "int":  # capacities: spread is relative
            return np.maximum(par.low, base * (1.0 + self._noise[name]))
        return np.clip(base + self._noise[name], par.low, par.high)

    def set_now(self, p: dict) -> None:
        """Every style parameter set at once; any transition under way ends."""
        for k in STYLE_PARAMS:
            self.set_param(k, p[k])
        self.duration = 0

    def set_param(self, k: str, value: float) -> None:
        """One style parameter set for every manager at once (individual spread kept)."""
        self.start[k] = self.target[k] = np.full(len(self._noise[k]), float(value))
        self.current[k] = self._bounded(k, self.start[k])

    def change_to(self, p: dict, day: int, transition_days: int) -> None:
        """Start moving every manager towards the style ``p`` over ``transition_days``.

        The new values are announced at once; practices follow only as managers learn the new
        posture (C8), so for a while what is said and what is done disagree (C5)."""
        self.start = {k: self._progress(k, day) for k in STYLE_PARAMS}
        self.target = {k: np.full(len(self._noise[k]), float(p[k])) for k in STYLE_PARAMS}
        for k in ANNOUNCED:
            self.start[k] = self.target[k]
        self.t0, self.duration = day, max(0, int(transition_days))
        self.advance(day)

    def practice_gap(self) -> np.ndarray:
        """Per manager: how far practices still are from the announced style (0 outside transitions)."""
        gaps = [np.abs(self._bounded(k, self.target[k]) - self.current[k]) for k in PRACTICES]
        return np.mean(gaps, axis=0)

    def _progress(self, k: str, day: int) -> np.ndarray:
        if self.duration == 0:
            return self.target[k]
        f = min(1.0, max(0.0, (day - self.t0) / self.duration))
        return self.start[k] + f * (self.target[k] - self.start[k])

    def advance(self, day: int) -> None:
        for k in STYLE_PARAMS:
            self.current[k] = self._bounded(k, self._progress(k, day))


class Workforce:
    """Every employee's state, as arrays, with the daily mechanisms that change it."""

    def __init__(self, p: dict, org: Organisation, rng: np.random.Generator):
        n = org.size
        self.org, self.rng = org, rng
        self.role = org.role
        staff = org.role != MANAGER
        self.skill = np.clip(rng.normal(p["initial_skill"], 0.12, n), 0.02, 0.98)
        self.skill[org.managers] = np.clip(rng.normal(0.7, 0.08, len(org.managers)), 0.3, 0.95)
        self.knowledge = np.clip(rng.normal(0.4, 0.1, n), 0.0, 1.0) * staff
        self.engagement = np.clip(rng.normal(0.6, 0.1, n), 0.05, 1.0)
        self.stress = np.clip(rng.normal(0.25, 0.05, n), 0.0, 1.0)
        self.alignment = np.clip(rng.normal(0.45, 0.1, n), 0.0, 1.0)
        self.tolerance = np.clip(rng.normal(p["tolerance_mean"], p["tolerance_sd"], n), 0.02, 1.0)
        self.standard = np.ones(n)            # quality standard: share of the proper time per request
        self.pace = np.ones(n)                # time actually spent per request, as a share of proper
        self.awareness = np.where(org.role == FRONT, 0.8, 0.2)  # feel for the customer (C11)
        self.tenure = rng.integers(60, 1500, n).astype(float)
        self.vacant = np.zeros(n, dtype=np.int32)          # working days until the post is filled
        self.payroll_issue = np.zeros(n, dtype=np.int32)   # working days until a pay error is fixed
        self.success = np.full(n, 0.6)        # recent success at work (EWMA)
        self.load = np.zeros(n)               # demand per unit of capacity faced (pressure)
        self.handled = np.zeros(n)            # requests or hand-offs handled today
        self.quits_total = 0
        self.payroll_errors_total = 0
        # programmes in force (extra effort on top of the style) and accuracy losses
        self.extra_training = 0.0
        self.extra_recognition = 0.0
        self.mystery_customer = False
        self.incident = np.zeros(org.n_units + 1)   # accuracy lost per back unit (payroll last)
        self.styles = Styles(p, org, rng)
        self.top_level = int(org.level.max())
        self.authority_limit_mgr = authority_of_level(org.level, self.top_level)

    # --- derived quantities -----------------------------------------------------------------
    @property
    def present(self) -> np.ndarray:
        return self.vacant == 0

    def style_of(self, name: str) -> np.ndarray:
        """The style parameter ``name`` each position lives under (its manager's; managers: their own)."""
        s = self.styles.current[name]
        out = s[np.where(self.org.boss >= 0, self.org.boss, np.arange(len(s)))]
        out[self.org.managers] = s[self.org.managers]
        return out

    def lived_consistency(self) -> np.ndarray:
        """Role-model consistency as people see it: the style's, less any gap between the values
        announced and the practices still in force."""
        gap = self.styles.practice_gap()
        boss = np.where(self.org.boss >= 0, self.org.boss, np.arange(len(gap)))
        lived = self.style_of("consistency") * (1.0 - np.minimum(1.0, 2.0 * gap[boss]))
        return lived

    def preferred_autonomy(self) -> np.ndarray:
        """The latitude a person handles well: their tolerance, tempered by competence (C7)."""
        return self.tolerance * (0.35 + 0.65 * self.skill)

    def autonomy(self) -> np.ndarray:
        """Autonomy actually granted: the manager's delegation, dosed to the person if situational."""
        sit = self.style_of("situational")
        return (1.0 - sit) * self.style_of("delegation") + sit * self.preferred_autonomy()

    def mood(self) -> np.ndarray:
        """How the person comes across to a customer today (engagement up, stress down)."""
        return np.clip(0.5 + 0.7 * (self.engagement - 0.55) - 0.7 * (self.stress - 0.3), 0.0, 1.0)

    def capacity(self, base: float, monitoring_cost: np.ndarray | float) -> np.ndarray:
        """Requests (front) or hand-offs (back) each position can take today."""
        speed = (0.6 + 0.4 * self.skill) * (1.0 - monitoring_cost * self.style_of("micromanagement"))
        return base * speed / self.pace * self.present

    def accuracy(self, base: float) -> np.ndarray:
        """Chance a back-office employee processes a hand-off right (pressure, care and skill)."""
        err = (1.0 - base) * (1.5 - self.skill) * (1.0 + 0.6 * np.tanh(np.maximum(self.load - 1.0, 0.0)))
        err *= (1.25 - 0.5 * self.engagement) * (1.0 - 0.4 * self.awareness)
        acc = 1.0 - np.clip(err, 0.0, 1.0)
        unit = np.clip(self.org.team, 0, None)
        return acc * (1.0 - self.incident[np.minimum(unit, len(self.incident) - 1)])

    # --- daily mechanisms -----------------------------------------------------------------------
    def learn(self, p: dict, mgr_busy: np.ndarray) -> None:
        """Skill grows with experience, applicable training and coaching; unused skill fades (C4, C6)."""
        staff = (self.role != MANAGER) & self.present
        cap = np.maximum(p["base_capacity"], 1.0)
        experience = p["learning_rate"] * np.minimum(self.handled / cap, 1.5)
        applicable = self.autonomy() * (1.0 - 0.6 * self.style_of("micromanagement"))
        training = p["training_effect"] * np.minimum(1.0, self.style_of("training") + self.extra_training) * applicable
        boss = np.maximum(self.org.boss, 0)
        coach_time = np.clip(1.0 - mgr_busy[boss], 0.0, 1.0)  # managers swamped by approvals do not coach
        coaching = p["training_effect"] * self.style_of("coaching") * coach_time
        gain = (experience + training + coaching) * (1.0 - self.skill)
        fade = p["forgetting"] * (self.skill - p["novice_skill"]).clip(0) * (self.handled == 0)
        self.skill = np.where(staff, np.clip(self.skill + gain - fade, 0.0, 1.0), self.skill)

    def share_knowledge(self, p: dict) -> None:
        """Local customer knowledge grows with contacts and spreads to peers who know less (C1)."""
        front = self.role == FRONT
        gained = 1.0 - (1.0 - p["knowledge_rate"]) ** self.handled
        k = self.knowledge + gained * (1.0 - self.knowledge) * front
        peer_k = self.org.peers @ k
        self.knowledge = np.clip(k + p["knowledge_sharing"] * np.maximum(peer_k - k, 0.0), 0.0, 1.0) * self.present

    def feel(self, p: dict) -> None:
        """Stress follows pressure and incidents; engagement follows autonomy fit, success,
        recognition, culture, micromanagement and stress (C7, C10, C5)."""
        micro = self.style_of("micromanagement")
        recog = np.minimum(1.0, self.style_of("recognition") + self.extra_recognition)
        pressure = np.tanh(np.maximum(self.load - 0.8, 0.0))
        stress_target = (0.1 + 0.45 * pressure + p["payroll_stress"] * (self.payroll_issue > 0)
                         + 0.2 * micro - 0.1 * recog)
        self.stress += p["stress_rate"] * (np.clip(stress_target, 0.0, 1.0) - self.stress)
        gap = (self.autonomy() - self.preferred_autonomy()) / 0.3
        autonomy_fit = 1.0 - np.minimum(gap ** 2, 2.0)                # too little and too much both hurt
        target = (0.45 + 0.18 * autonomy_fit + 0.25 * (self.success - 0.5) + 0.2 * recog
                  + 0.15 * self.alignment - 0.2 * micro - 0.3 * self.stress)
        self.engagement += p["engagement_rate"] * (np.clip(target, 0.0, 1.0) - self.engagement)
        self.engagement = np.clip(self.engagement, 0.0, 1.0)
        # people grow used to the latitude they live with (what they can handle is partly learned)
        self.tolerance += p["tolerance_learning"] * (self.autonomy() - self.tolerance)
        self.stress = np.clip(self.stress, 0.0, 1.0)

    def cut_corners(self, p: dict) -> None:
        """Under sustained pressure people spend less time per request than the standard asks,
        and the standard drifts down to the practice; it does not drift back by itself
        (Oliva & Sterman 2001). Mystery-customer reports restore it."""
        needed = np.maximum(self.load, 1.0)
        self.pace = np.clip(self.standard / needed ** 0.5, 0.5, 1.0)
        drop = np.maximum(self.standard - self.pace, 0.0)
        self.standard = np.clip(self.standard - p["standard_erosion"] * drop, 0.5, 1.0)
        if self.mystery_customer:
            self.standard = np.minimum(1.0, self.standard + 0.02)
            self.awareness = np.minimum(1.0, self.awareness + 0.005)

    def absorb_culture(self, p: dict) -> None:
        """Alignment spreads along peer links, is pulled by managers' example where the means to
        act exist, reinforced by recognition, and eroded by slogans practice contradicts (C5)."""
        emph, cons = self.style_of("values_emphasis"), self.lived_consistency()
        recog = np.minimum(1.0, self.style_of("recognition") + self.extra_recognition)
        a = self.alignment
        diffusion = p["culture_diffusion"] * (self.org.peers @ a - a) * (self.role != MANAGER)
        feasible = 0.3 + 0.7 * self.autonomy()
        example = emph * cons
        pull = p["culture_pull"] * feasible * (example - a) * (example > a) + p["culture_pull"] * 0.3 * (example - a) * (example <= a)
        reinforce = p["culture_pull"] * recog * np.maximum(self.success - 0.5, 0.0) * (1.0 - a)
        erosion = p["culture_erosion"] * emph * (1.0 - cons) * a
        self.alignment = np.clip(a + diffusion + pull + reinforce - erosion, 0.0, 1.0)

    def quit_jobs(self, p: dict) -> np.ndarray:
        """Disengaged, stressed people leave; their posts stay vacant for a while."""
        staff = (self.role != MANAGER) & self.present
        unhappy = np.clip((0.55 - self.engagement) / 0.55, 0.0, 1.0) * (0.5 + self.stress)
        hazard = p["quit_base"] + p["quit_sensitivity"] * unhappy
        leaving = np.flatnonzero(staff & (self.rng.random(len(staff)) < hazard))
        self.leave(leaving, p)
        return leaving

    def leave(self, idx: np.ndarray, p: dict) -> None:
        """People at ``idx`` leave: their knowledge goes with them; the post waits for a hire."""
        self.quits_total += len(idx)
        self.vacant[idx] = int(p["hiring_delay"]) + 1
        self.knowledge[idx] = 0.0
        self.handled[idx] = 0.0

    def hire(self, p: dict) -> np.ndarray:
        """Vacant posts whose delay is over get a newcomer: low skill, no local knowledge,
        socialised by the team's norms."""
        waiting = self.vacant > 0
        self.vacant[waiting] -= 1
        new = np.flatnonzero(waiting & (self.vacant == 0))
        if len(new):
            n = len(new)
            self.skill[new] = np.clip(self.rng.normal(p["novice_skill"], 0.05, n), 0.0, 1.0)
            self.knowledge[new] = 0.0
            self.engagement[new] = 0.65
            self.stress[new] = 0.15
            self.alignment[new] = 0.3
            self.tolerance[new] = np.clip(self.rng.normal(p["tolerance_mean"], p["tolerance_sd"], n), 0.02, 1.0)
            team_norm = self._group_mean(self.standard)
            self.standard[new] = team_norm[new]
            self.pace[new] = team_norm[new]
            self.awareness[new] = np.where(self.role[new] == FRONT, 0.8, 0.2)
            self.tenure[new] = 0.0
            self.success[new] = 0.6
            self.payroll_issue[new] = 0
        return new

    def _group_mean(self, x: np.ndarray) -> np.ndarray:
        """Mean of ``x`` over each position's group (team or unit) among present staff."""
        group = np.where(self.role == FRONT, self.org.team,
                         np.where(self.role == MANAGER, 0, self.org.n_teams + self.org.team))
        w = (self.present & (self.role != MANAGER)).astype(float)
        n_groups = self.org.n_teams + self.org.n_units + 1
        sums = np.bincount(group, weights=x * w, minlength=n_groups)
        counts = np.bincount(group, weights=w, minlength=n_groups)
        return np.divide(sums, counts, out=np.ones(n_groups), where=counts > 0)[group]

    def run_payroll(self, p: dict, acc_now: float) -> np.ndarray:
        """A payroll run: each mis-paid employee carries the trouble until payroll fixes it (C10)."""
        base_err = max(1.0 - p["backoffice_accuracy"], 1e-3)
        chance = min(1.0, p["payroll_error"] * (1.0 - acc_now) / base_err)
        paid = np.flatnonzero(self.present)
        hit = paid[self.rng.random(len(paid)) < chance]
        self.mispay(hit)
        return hit

    def mispay(self, idx: np.ndarray) -> None:
        """The people at ``idx`` are paid wrongly; fixing it takes a few working days."""
        self.payroll_issue[idx] = 3 + self.rng.poisson(2.0, len(idx))
        self.payroll_errors_total += len(idx)

    def end_day(self) -> None:
        self.tenure += self.present
        self.payroll_issue = np.maximum(self.payroll_issue - 1, 0)
