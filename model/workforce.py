"""People: their state and how it changes each day.

State lives in arrays indexed by position (see :mod:`~servicesim.model.organisation`), so the
daily update of ten thousand people is a handful of numpy operations. The Mesa agents in
:mod:`~servicesim.model.agents` are readable windows on these arrays.

Each mechanism is one method, named for what happens: :meth:`Workforce.learn`,
:meth:`Workforce.learn_to_decide`, :meth:`Workforce.build_trust`,
:meth:`Workforce.share_knowledge`, :meth:`Workforce.feel`, :meth:`Workforce.cut_corners`,
:meth:`Workforce.absorb_culture`, :meth:`Workforce.quit_jobs`, :meth:`Workforce.hire`,
:meth:`Workforce.run_payroll`. Managers' styles and own state are in :class:`Styles`
(:mod:`~servicesim.model.leaders`); managers act on them in :mod:`~servicesim.model.agents`.
:meth:`Workforce.begin_day` computes once a day what the work of the day reads many times (the
style each person lives under, autonomy, latitude used, judgement, mood, capacity).

Chance that concerns one person (quitting, a newcomer's traits, a pay error) is drawn from
streams keyed by the day and the person's post (common random numbers: the same person faces
the same draws under any management; see :mod:`~servicesim.model.chance`).
"""

from __future__ import annotations

import numpy as np

from . import chance
from .leaders import Styles
from .organisation import BACK, FRONT, MANAGER, PAYROLL, Organisation


def authority_of_level(level: np.ndarray, top: int, base: float) -> np.ndarray:
    """Authority limit of a manager at each level (the director at the top holds the full range)."""
    return np.where(level >= top, 1.0, 1.0 - base ** level.astype(float))


class Workforce:
    """Every employee's state, as arrays, with the daily mechanisms that change it."""

    def __init__(self, p: dict, org: Organisation, rng: np.random.Generator, key: int = 0,
                 traits: np.random.Generator | None = None):
        n = org.size
        self.org, self.key = org, key
        self.role = org.role
        self.front_mask = org.role == FRONT
        self.skill = np.clip(rng.normal(p["initial_skill"], 0.12, n), 0.02, 0.98)
        self.skill[org.managers] = np.clip(rng.normal(0.7, 0.08, len(org.managers)), 0.3, 0.95)
        self.knowledge = np.clip(rng.normal(0.4, 0.1, n), 0.0, 1.0) * self.front_mask   # front office only (C1)
        self.engagement = np.clip(rng.normal(0.6, 0.1, n), 0.05, 1.0)
        self.stress = np.clip(rng.normal(0.25, 0.05, n), 0.0, 1.0)
        self.alignment = np.clip(rng.normal(0.45, 0.1, n), 0.0, 1.0)
        self.tolerance = np.clip(rng.normal(p["tolerance_mean"], p["tolerance_sd"], n), 0.02, 1.0)
        self.standard = np.ones(n)            # quality standard: share of the proper time per request
        self.pace = np.ones(n)                # time actually spent per request, as a share of proper
        self.awareness = np.where(self.front_mask, 0.8, 0.2)  # feel for the customer (C11)
        self.tenure = rng.integers(60, 1500, n).astype(float)
        self.vacant = np.zeros(n, dtype=np.int32)          # working days until the post is filled
        self.payroll_issue = np.zeros(n, dtype=np.int32)   # working days until a pay error is fixed
        self.success = np.full(n, 0.6)        # recent success at work (EWMA)
        self.load = np.zeros(n)               # demand per unit of capacity faced (pressure)
        self.handled = np.zeros(n)            # requests or hand-offs handled today
        self.coach_time = np.ones(n)          # share of their manager's time free for coaching (yesterday)
        self.hires_today = 0
        # programmes in force (extra effort on top of the style) and accuracy losses
        self.extra_training = 0.0
        self.extra_recognition = 0.0
        self.mystery_customer = False
        self.incident = np.zeros(org.n_units + 1)   # accuracy lost per back unit (payroll last)
        self.styles = Styles(p, org, rng, np.random.default_rng(key) if traits is None else traits)
        self.decided = np.zeros(n)            # requests decided on one's own today (weighted by latitude)
        self.top_level = int(org.level.max())
        self.authority_limit_mgr = authority_of_level(org.level, self.top_level, p["authority_level_base"])
        self._boss_or_self = np.where(org.boss >= 0, org.boss, np.arange(n))
        self._boss_or_self[org.managers] = org.managers
        # discretionary competence: years under the organisation's style have built it where people
        # had latitude and eroded it where procedures bound them without any
        self.discretion = 1.0 - self.style_of("procedure_adherence") * (1.0 - self.autonomy(p))
        self.discretion[org.managers] = 1.0
        self.trust = self.styles.lived[self._boss_or_self].copy()    # trust in one's manager, as earned so far
        self.begin_day(p)

    # --- derived quantities -----------------------------------------------------------------
    @property
    def present(self) -> np.ndarray:
        return self.vacant == 0

    def style_of(self, name: str) -> np.ndarray:
        """The style parameter ``name`` each position lives under (its manager's; managers: their own)."""
        return self.styles.current[name][self._boss_or_self]

    def lived_consistency(self) -> np.ndarray:
        """Role-model consistency as people see it in their manager: the manager's consistency, less
        any gap between the values announced and what it practises (its own behaviour, C5)."""
        return self.styles.lived[self._boss_or_self]

    def ambiguity(self) -> np.ndarray:
        """How unclear each person's decision rights are (their manager mid-change, mixed signals)."""
        return self.styles.ambiguity[self._boss_or_self]

    def latitude(self, p: dict) -> np.ndarray:
        """The latitude a person dares use: what is granted, as far as they trust their manager to
        back them (Mayer, Davis & Schoorman 1995)."""
        floor = p["trust_latitude_floor"]
        return self.autonomy(p) * (floor + (1.0 - floor) * self.trust)

    def preferred_autonomy(self, p: dict) -> np.ndarray:
        """The latitude a person handles well: their tolerance, tempered by competence (C7)."""
        floor = p["autonomy_competence_floor"]
        return self.tolerance * (floor + (1.0 - floor) * self.skill)

    def autonomy(self, p: dict) -> np.ndarray:
        """Autonomy actually granted: the manager's delegation, dosed to the person if situational."""
        sit = self.style_of("situational")
        return (1.0 - sit) * self.style_of("delegation") + sit * self.preferred_autonomy(p)

    def judgement(self, p: dict) -> np.ndarray:
        """The latitude a person can use well: skill, and a culture that says what the right thing is,
        as far as they have practised deciding (discretionary competence). Authority used beyond it
        makes costly or wrong decisions (Bowen & Lawler 1992; C3)."""
        w, f = p["judgement_alignment_weight"], p["discretion_judgement_floor"]
        return ((1.0 - w) * self.skill + w * self.alignment) * (f + (1.0 - f) * self.discretion)

    def mood(self, p: dict) -> np.ndarray:
        """How the person comes across to a customer today (engagement up, stress down)."""
        return np.clip(0.5 + p["mood_engagement_weight"] * (self.engagement - 0.55)
                       - p["mood_stress_weight"] * (self.stress - 0.3), 0.0, 1.0)

    def effort(self) -> np.ndarray:
        """Discretionary effort: engaged people work faster and with more care (C4)."""
        return self.engagement - 0.6

    def training_effort(self) -> np.ndarray:
        """The training each position receives: its manager's effort plus any programme, at most a full one."""
        return np.minimum(1.0, self.style_of("training") + self.extra_training)

    def recognition_effort(self) -> np.ndarray:
        """The recognition each position receives: its manager's plus any programme, at most full."""
        return np.minimum(1.0, self.style_of("recognition") + self.extra_recognition)

    def off_floor(self, p: dict) -> np.ndarray:
        """Share of today each person spends in training, being coached, or in sessions on a new way of
        working while their manager adopts it, away from the work (Repenning & Sterman 2001)."""
        return (p["training_time"] * self.training_effort()
                + p["coaching_time"] * self.style_of("coaching") * self.coach_time
                + p["transition_session_time"] * self.now_sessions)

    def capacity(self, p: dict, base: float) -> np.ndarray:
        """Requests (front) or hand-offs (back) each position can take today."""
        w = p["capacity_skill_weight"]
        speed = (1.0 - w + w * self.skill) * (1.0 - p["monitoring_cost"] * self.now_micro)
        speed *= np.maximum(0.2, 1.0 + p["effort_speed"] * self.effort()) * (1.0 - self.off_floor(p))
        return base * speed / self.pace * self.present

    def accuracy(self, p: dict, idx: np.ndarray | None = None) -> np.ndarray:
        """Chance a back-office employee processes a hand-off right (pressure, care and skill), for the
        positions ``idx`` (all if None)."""
        rows = slice(None) if idx is None else idx
        err = (1.0 - p["backoffice_accuracy"]) * (1.5 - self.skill[rows])
        err *= 1.0 + p["accuracy_pressure"] * np.tanh(np.maximum(self.load[rows] - 1.0, 0.0))
        err *= 1.0 - p["accuracy_engagement"] * (self.engagement[rows] - 0.5)
        err *= 1.0 - p["accuracy_awareness"] * self.awareness[rows]
        acc = 1.0 - np.clip(err, 0.0, 1.0)
        unit = np.clip(self.org.team[rows], 0, None)
        return acc * (1.0 - self.incident[np.minimum(unit, len(self.incident) - 1)])

    def begin_day(self, p: dict) -> None:
        """What the day's work reads many times, computed once (arrays over all positions)."""
        self.now_sessions = self.styles.adopting()[self._boss_or_self]
        self.now_sessions[self.org.managers] = 0.0
        self.now_autonomy = self.autonomy(p)
        self.now_latitude = self.latitude(p)
        self.now_judgement = self.judgement(p)
        self.now_mood = self.mood(p)
        self.now_micro = self.style_of("micromanagement")
        self.now_procedure = self.style_of("procedure_adherence")
        self.hires_today = 0

    # --- daily mechanisms -----------------------------------------------------------------------
    def learn(self, p: dict, mgr_busy: np.ndarray) -> None:
        """Skill grows with experience, applicable training and coaching; unused skill fades (C4, C6).

        Training can be applied where the person has latitude and is not micromanaged, or by the
        book where procedures bind (procedural training, Bowen & Lawler 1992)."""
        working = (self.role == FRONT) | (self.role == BACK)     # front and back office: work is counted
        staff = (self.role != MANAGER) & self.present
        cap = np.maximum(p["base_capacity"], 1.0)
        experience = p["learning_rate"] * np.minimum(self.handled / cap, 1.5)
        free = self.autonomy(p) * (1.0 - p["micromanagement_training_block"] * self.style_of("micromanagement"))
        applicable = 1.0 - (1.0 - free) * (1.0 - p["procedural_training"] * self.style_of("procedure_adherence"))
        training = p["training_effect"] * self.training_effort() * applicable
        # managers swamped by approvals do not coach
        self.coach_time = np.clip(1.0 - mgr_busy[self._boss_or_self], 0.0, 1.0)
        self.coach_time[self.org.managers] = 1.0
        coaching = p["training_effect"] * self.style_of("coaching") * self.coach_time
        gain = (experience * working + training + coaching) * (1.0 - self.skill)
        fade = p["forgetting"] * (self.skill - p["novice_skill"]).clip(0) * (working & (self.handled == 0))
        self.skill = np.where(staff, np.clip(self.skill + gain - fade, 0.0, 1.0), self.skill)

    def learn_to_decide(self, p: dict) -> None:
        """Discretionary competence grows by deciding — one's own decisions today, and sessions on the
        new way of working — and erodes under procedures that bind with no latitude: people long used
        to asking permission are not good at deciding on day one."""
        front = self.front_mask & self.present
        share = np.minimum(1.0, self.decided / np.maximum(self.handled, 1.0) + self.now_sessions)
        binding = self.now_procedure * (1.0 - self.now_autonomy)
        d = self.discretion
        d = d + p["discretion_learning"] * share * (1.0 - d) - p["discretion_erosion"] * binding * d
        self.discretion = np.where(front, np.clip(d, 0.0, 1.0), self.discretion)

    def build_trust(self, p: dict) -> None:
        """Trust in one's manager follows what the manager shows: the consistency of its practice with the
        values it states (integrity), less any control it has tightened (Mayer, Davis & Schoorman 1995)."""
        boss = self._boss_or_self
        tightened = np.maximum(self.styles.control[boss], 0.0)
        target = self.styles.lived[boss] * (1.0 - p["trust_control_weight"] * tightened)
        staff = (self.role != MANAGER) & self.present
        self.trust = np.where(staff, self.trust + p["trust_rate"] * (target - self.trust), self.trust)

    def share_knowledge(self, p: dict) -> None:
        """Local customer knowledge grows with contacts, goes out of date, and spreads to peers who
        know less (C1). It lives with front-office people and leaves with them."""
        front = self.front_mask
        gained = 1.0 - (1.0 - p["knowledge_rate"]) ** self.handled
        k = self.knowledge * (1.0 - p["knowledge_obsolescence"])
        k = k + gained * (1.0 - k) * front
        peer_k = self.org.peers @ k
        k = np.clip(k + p["knowledge_sharing"] * np.maximum(peer_k - k, 0.0), 0.0, 1.0)
        self.knowledge = k * self.present * front

    def feel(self, p: dict) -> None:
        """Stress follows pressure and incidents; engagement follows autonomy fit, success,
        recognition, culture, micromanagement and stress (C7, C10, C5)."""
        micro = self.style_of("micromanagement")
        recog = self.recognition_effort()
        pressure = np.tanh(np.maximum(self.load - p["pressure_threshold"], 0.0))
        stress_target = (0.1 + p["stress_pressure_weight"] * pressure + p["payroll_stress"] * (self.payroll_issue > 0)
                         + p["stress_micromanagement_weight"] * micro - p["stress_recognition_relief"] * recog
                         + p["ambiguity_stress"] * self.ambiguity())
        self.stress += p["stress_rate"] * (np.clip(stress_target, 0.0, 1.0) - self.stress)
        autonomy = self.autonomy(p)
        gap = (autonomy - self.preferred_autonomy(p)) / p["autonomy_fit_width"]
        autonomy_fit = 1.0 - np.minimum(gap ** 2, 2.0)                # too little and too much both hurt
        target = (0.45 + p["engagement_autonomy_weight"] * autonomy_fit
                  + p["engagement_success_weight"] * (self.success - 0.5)
                  + p["engagement_recognition_weight"] * recog + p["engagement_alignment_weight"] * self.alignment
                  - p["engagement_micromanagement_weight"] * micro - p["engagement_stress_weight"] * self.stress)
        self.engagement += p["engagement_rate"] * (np.clip(target, 0.0, 1.0) - self.engagement)
        self.engagement = np.clip(self.engagement, 0.0, 1.0)
        # people grow used to the latitude they live with (what they can handle is partly learned)
        self.tolerance += p["tolerance_learning"] * (autonomy - self.tolerance)
        self.stress = np.clip(self.stress, 0.0, 1.0)

    def cut_corners(self, p: dict) -> None:
        """Under sustained pressure people spend less time per request than the standard asks,
        and the standard drifts down to the practice; it does not drift back by itself
        (Oliva & Sterman 2001). Mystery-customer reports restore it."""
        needed = np.maximum(self.load, 1.0)
        self.pace = np.clip(self.standard / needed ** p["corner_cutting_exponent"], 0.5, 1.0)
        drop = np.maximum(self.standard - self.pace, 0.0)
        self.standard = np.clip(self.standard - p["standard_erosion"] * drop, 0.5, 1.0)
        if self.mystery_customer:
            self.standard = np.minimum(1.0, self.standard + p["mystery_restore"])
            self.awareness = np.minimum(1.0, self.awareness + p["mystery_restore"] / 4)

    def absorb_culture(self, p: dict) -> None:
        """Alignment spreads along peer links, is pulled by managers' example where the means to
        act exist, reinforced by recognition, and eroded by slogans practice contradicts (C5).
        A manager whose example falls below a person's alignment pulls it down, more weakly."""
        emph, cons = self.style_of("values_emphasis"), self.lived_consistency()
        recog = self.recognition_effort()
        a = self.alignment
        diffusion = p["culture_diffusion"] * (self.org.peers @ a - a) * (self.role != MANAGER)
        floor = p["culture_means_floor"]
        feasible = floor + (1.0 - floor) * self.autonomy(p)
        example = emph * cons
        up = example > a
        pull = p["culture_pull"] * (example - a) * np.where(up, feasible, p["culture_downward_pull"])
        reinforce = p["culture_pull"] * recog * np.maximum(self.success - 0.5, 0.0) * (1.0 - a)
        erosion = p["culture_erosion"] * emph * (1.0 - cons) * a
        self.alignment = np.clip(a + diffusion + pull + reinforce - erosion, 0.0, 1.0)

    def quit_jobs(self, p: dict, day: int) -> np.ndarray:
        """Disengaged, stressed people leave, newcomers more readily; their posts stay vacant for a while.
        Managers do not quit in this model."""
        staff = (self.role != MANAGER) & self.present
        unhappy = np.clip((p["quit_engagement_threshold"] - self.engagement) / p["quit_engagement_threshold"], 0.0, 1.0)
        hazard = (p["quit_base"] + p["quit_sensitivity"] * unhappy * (0.5 + self.stress))
        hazard *= 1.0 + p["early_quit_boost"] * np.exp(-self.tenure / 60.0)
        u = chance.keyed_uniform(self.key, day, chance.QUIT, np.arange(len(staff)))
        leaving = np.flatnonzero(staff & (u < hazard))
        self.leave(leaving, p)
        return leaving

    def leave(self, idx: np.ndarray, p: dict) -> None:
        """People at ``idx`` leave: their knowledge goes with them; the post waits for a hire."""
        self.vacant[idx] = int(p["hiring_delay"]) + 1
        self.knowledge[idx] = 0.0
        self.handled[idx] = 0.0

    def hire(self, p: dict, day: int) -> np.ndarray:
        """Vacant posts whose delay is over get a newcomer: low skill, no local knowledge,
        socialised by the team's norms. A newcomer's traits come from the post's own stream."""
        waiting = self.vacant > 0
        self.vacant[waiting] -= 1
        new = np.flatnonzero(waiting & (self.vacant == 0))
        self.hires_today = len(new)
        if len(new):
            g = chance.keyed(self.key, day, chance.HIRE)
            n = len(self.role)
            skill = np.clip(g.normal(p["novice_skill"], 0.05, n), 0.0, 1.0)
            tolerance = np.clip(g.normal(p["tolerance_mean"], p["tolerance_sd"], n), 0.02, 1.0)
            self.skill[new] = skill[new]
            self.tolerance[new] = tolerance[new]
            self.knowledge[new] = 0.0
            self.engagement[new] = p["newcomer_engagement"]
            self.stress[new] = 0.15
            self.alignment[new] = p["newcomer_alignment"]
            team_norm = self.group_mean(self.standard)
            self.standard[new] = team_norm[new]
            self.pace[new] = team_norm[new]
            self.awareness[new] = np.where(self.role[new] == FRONT, 0.8, 0.2)
            self.discretion[new] = p["novice_skill"]         # a newcomer has not yet practised deciding here
            self.trust[new] = 0.5                              # and neither trusts nor distrusts their manager
            self.tenure[new] = 0.0
            self.success[new] = 0.6
            self.payroll_issue[new] = 0
        return new

    def group_mean(self, x: np.ndarray) -> np.ndarray:
        """Mean of ``x`` over each position's group (team or unit) among present staff, per position."""
        group = np.where(self.role == FRONT, self.org.team,
                         np.where(self.role == MANAGER, 0, self.org.n_teams + self.org.team))
        w = (self.present & (self.role != MANAGER)).astype(float)
        n_groups = self.org.n_teams + self.org.n_units + 1
        sums = np.bincount(group, weights=x * w, minlength=n_groups)
        counts = np.bincount(group, weights=w, minlength=n_groups)
        return np.divide(sums, counts, out=np.ones(n_groups), where=counts > 0)[group]

    def run_payroll(self, p: dict, day: int) -> np.ndarray:
        """A payroll run: each mis-paid employee carries the trouble until payroll fixes it (C10)."""
        pay = self.org.payroll
        acc = self.accuracy(p, pay)[self.present[pay]]
        acc_now = float(acc.mean()) if len(acc) else 0.0
        base_err = max(1.0 - p["backoffice_accuracy"], 1e-3)
        risk = min(1.0, p["payroll_error"] * (1.0 - acc_now) / base_err)
        g = chance.keyed(self.key, day, chance.PAYROLL)
        u = g.random(len(self.role))
        fix = g.poisson(max(p["payroll_fix_days"] - 3.0, 0.0), len(self.role))
        hit = np.flatnonzero(self.present & (u < risk))
        self.payroll_issue[hit] = 3 + fix[hit]
        return hit

    def mispay(self, idx: np.ndarray, days: int = 5) -> None:
        """The people at ``idx`` are paid wrongly; fixing it takes ``days`` working days."""
        self.payroll_issue[idx] = days

    def end_day(self) -> None:
        self.tenure += self.present
        self.payroll_issue = np.maximum(self.payroll_issue - 1, 0)


__all__ = ["Workforce", "Styles", "authority_of_level", "PAYROLL"]
