"""Customer requests and their journey through the service chain.

Requests are individual records held column-wise in a :class:`RequestPool` (only the open
ones; closed requests leave the pool once counted). Each working day they move through
four stations, each processing its queue first-come first-served up to its capacity:

1. :meth:`ServiceChain.serve_at_front` — a front-office employee of the customer's team takes
   the request: solves it, gives a standard answer, improvises, or escalates (C1-C3);
2. :meth:`ServiceChain.approve` — the manager approves or decides, with less local knowledge;
   requests beyond a manager's authority go one level up;
3. :meth:`ServiceChain.fulfil_in_back_office` — each hand-off through a back-office unit may
   introduce an error that comes back as rework (C10, C11);
4. :meth:`ServiceChain.close` — the customer judges the outcome.
"""

from __future__ import annotations

import numpy as np

from .customers import CustomerBase, judge, nps_category
from .journey import Journal
from .organisation import FRONT, Organisation
from .workforce import Workforce

FRONT_QUEUE, APPROVAL, BACK_QUEUE, DONE, ABANDONED = 0, 1, 2, 3, 4
#: An answer whose fit is below this did not solve the customer's problem (a wrong answer, as measured).
WRONG_FIT = 0.5

_COLUMNS = {
    "id": np.int64, "customer": np.int64, "team": np.int32, "arrival": np.int32, "novel": bool,
    "complexity": np.float64, "authority": np.float64, "unit": np.int32, "handoffs_left": np.int32,
    "stage": np.int8, "qseq": np.int64, "front": np.int64, "approver": np.int64,
    "escalations": np.int32, "handoffs_done": np.int32, "errors": np.int32, "fit": np.float64,
    "mood": np.float64, "patience": np.float64, "mgr_decides": bool, "first_day": np.int32,
    "gesture": np.float64, "people": np.int32, "queued_day": np.int32,
}


class RequestPool:
    """Open requests, one array per attribute."""

    def __init__(self):
        self.cols = {k: np.empty(0, dtype=t) for k, t in _COLUMNS.items()}

    def __len__(self) -> int:
        return len(self.cols["id"])

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key]

    def add(self, batch: dict) -> None:
        n = len(batch["id"])
        for k, t in _COLUMNS.items():
            new = batch.get(k)
            if new is None:
                fill = -1 if k in ("front", "approver", "unit", "first_day", "queued_day") else 0
                new = np.full(n, fill, dtype=t)
            self.cols[k] = np.concatenate([self.cols[k], np.asarray(new, dtype=t)])

    def keep(self, mask: np.ndarray) -> None:
        for k in self.cols:
            self.cols[k] = self.cols[k][mask]


def allocate(groups: np.ndarray, order: np.ndarray, server_group: np.ndarray, capacity: np.ndarray,
             n_groups: int, rng: np.random.Generator) -> np.ndarray:
    """First-come first-served within each group, up to the servers' capacity.

    ``groups``/``order`` describe the waiting items; ``server_group``/``capacity`` the servers
    (fractional capacity is rounded stochastically). Work is spread evenly: every server takes
    a first item before anyone takes a second. Returns each item's server position in the
    server arrays, or -1 for items that wait another day.
    """
    n = len(groups)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(capacity) == 0:
        return out
    cap = np.floor(capacity).astype(np.int64)
    cap += rng.random(len(capacity)) < (capacity - cap)
    total = int(cap.sum())
    if total == 0:
        return out
    server = np.repeat(np.arange(len(cap)), cap)
    nth = np.arange(total) - np.repeat(np.cumsum(cap) - cap, cap)
    slot_group = server_group[server]
    slots = server[np.lexsort((rng.random(total), nth, slot_group))]
    per_group = np.bincount(slot_group, minlength=n_groups)
    slot_start = np.cumsum(per_group) - per_group

    by_group = np.lexsort((order, groups))
    g_sorted = groups[by_group]
    counts = np.bincount(g_sorted, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    rank = np.arange(n) - starts[g_sorted]
    served = rank < per_group[g_sorted]
    out[by_group[served]] = slots[slot_start[g_sorted[served]] + rank[served]]
    return out


def routine_fit(p: dict, skill, complexity, procedure=0.0):
    """How well a procedure-covered request is solved: by the procedure as far as it binds
    (procedures carry know-how to novices), by the person's own skill otherwise."""
    know_how = procedure * p["procedure_quality"] + (1.0 - procedure) * skill
    return (p["routine_fit_base"] + p["routine_fit_skill"] * know_how
            - p["routine_complexity_penalty"] * complexity * (1.0 - know_how))


def improvised_fit(p: dict, skill, knowledge, alignment, complexity):
    """How well someone solves an uncovered situation on their own: skill, local knowledge of
    the customer (C1) and a culture that says what 'the right thing' is (C3)."""
    wk, wa = p["improvised_weight_knowledge"], p["improvised_weight_alignment"]
    ws = max(0.0, 1.0 - wk - wa)
    mix = ws * skill + wk * knowledge + wa * alignment
    return (p["improvised_fit_base"] + p["improvised_fit_scale"] * mix
            - p["improvised_complexity_penalty"] * complexity * (1.0 - skill))


def standard_answer_fit(p: dict, skill, complexity):
    """A standard answer applied to a situation no procedure covers fits badly (C2)."""
    return p["standard_fit_base"] + p["standard_fit_skill"] * skill - p["standard_complexity_penalty"] * complexity


def answer_noise(p: dict, novel, bound, procedure):
    """Spread of an answer's outcome: an answer by the book varies less than one a person works
    out (Bowen & Lawler 1992). Routine answers follow the procedure as far as it binds."""
    own = p["improvisation_noise"]
    return np.where(~novel, procedure * p["procedure_noise"] + (1.0 - procedure) * own,
                    np.where(bound, p["procedure_noise"], own))


class DayTally:
    """What happened to requests today (summed into run totals by the model)."""

    FIELDS = ("arrived", "closed", "resolved", "abandoned", "score_sum", "promoters", "detractors",
              "fcr", "resolution_days", "escalations", "handoffs", "errors", "rework", "people",
              # the terms of served customers' judgements, for the decomposition of satisfaction gaps
              "score_served", "fit_sum", "wait_pen", "people_pen", "error_pen", "mood_eff", "gesture_eff",
              "expectation_sum", "slope_sum", "wrong",
              # approvals and money
              "approvals_demanded", "approval_capacity", "extra_supervisors", "concessions", "by_rule",
              # the front line's workload: requests taken against what present staff could take
              "front_taken", "front_capacity",
              # as benchmarks count them: requests a manager took over (the customer dealt with them),
              # and requests settled for good at the first contact in the customer's eyes
              "referred", "settled_first")

    def __init__(self, n_teams: int, n_units: int = 1):
        for f in self.FIELDS:
            setattr(self, f, 0.0)
        self.team_score = np.zeros(n_teams)
        self.team_closed = np.zeros(n_teams)
        self.team_complaints = np.zeros(n_teams)     # closed requests scored 2 or less (abandoned ones too)
        self.unit_errors = np.zeros(n_units)         # back-office errors by unit (what its manager sees)
        self.unit_done = np.zeros(n_units)           # hand-offs processed by unit

    def add(self, other: DayTally) -> None:
        for f in self.FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.team_score += other.team_score
        self.team_closed += other.team_closed
        self.team_complaints += other.team_complaints
        self.unit_errors += other.unit_errors
        self.unit_done += other.unit_done


class ServiceChain:
    """Moves requests through the chain, one working day at a time."""

    def __init__(self, p: dict, org: Organisation, people: Workforce, customers: CustomerBase,
                 rng: np.random.Generator, journal: Journal | None = None):
        self.p, self.org, self.people, self.customers, self.rng = p, org, people, customers, rng
        self.pool = RequestPool()
        self.journal = journal
        self.next_id = 0
        self.next_seq = 0
        self.handoffs_removed = 0      # by simplification
        self.demand_factor = 1.0       # demand surges
        self.mgr_busy = np.zeros(org.size)
        self.approval_demand = None    # EWMA of each manager's approval queue (the 'staffed' policy sizes to it)
        self.tally = DayTally(org.n_teams, org.n_units)

    # --- helpers ---------------------------------------------------------------------------
    def _seq(self, n: int) -> np.ndarray:
        s = np.arange(self.next_seq, self.next_seq + n)
        self.next_seq += n
        return s

    def _log(self, code: str, idx: np.ndarray, day: int, actor=None, value=None) -> None:
        if self.journal is not None and len(idx):
            self.journal.log(code, self.pool["id"][idx], day, actor, value)

    @property
    def handoffs_now(self) -> int:
        return max(0, int(self.p["handoffs"]) - self.handoffs_removed)

    # --- 1. arrivals ---------------------------------------------------------------------------
    def arrive(self, day: int) -> int:
        """New requests from the customer base.

        Each customer slot has its own stream of requests keyed by the day (common random
        numbers): the same customer asks the same things on the same days under any management,
        as long as they are still a customer."""
        p = self.p
        slots, g = self.customers.requests_on(day, p["request_rate"] * self.demand_factor)
        n_all = len(slots)
        if n_all == 0:
            return 0
        m = p["complexity_mean"]
        novel = g.random(n_all) < p["novelty"]
        complexity = g.beta(4 * m, 4 * (1 - m), n_all)
        a = min(max(p["authority_mean"], 0.01), 0.99)
        # procedures pre-authorise routine cases; uncovered situations call for more latitude;
        # the two are scaled so that the mean authority needed is authority_mean
        r, v, nu = p["routine_authority"], p["novel_authority"], p["novelty"]
        scale = np.where(novel, v, r) / (r * (1.0 - nu) + v * nu)
        authority = np.minimum(1.0, g.beta(2 * a, 2 * (1 - a), n_all) * scale)
        if p["authority_mean"] == 0.0:
            authority[:] = 0.0
        needs_back = g.random(n_all) < p["back_office_share"]
        first_unit = g.integers(0, self.org.n_units, n_all)
        patience = g.exponential(p["patience_days"], n_all)
        keep = self.customers.active[slots]
        n = int(keep.sum())
        if n == 0:
            return 0
        cust = slots[keep]
        needs_back = needs_back[keep]
        batch = {
            "id": np.arange(self.next_id, self.next_id + n),
            "customer": cust,
            "team": self.customers.team[cust],
            "arrival": np.full(n, day),
            "novel": novel[keep],
            "complexity": complexity[keep],
            "authority": authority[keep],
            "unit": np.where(needs_back, first_unit[keep], -1),
            "handoffs_left": np.where(needs_back, self.handoffs_now, 0),
            "stage": np.full(n, FRONT_QUEUE),
            "qseq": self._seq(n),
            "patience": patience[keep],
            "first_day": np.full(n, -1),
        }
        self.next_id += n
        start = len(self.pool)
        self.pool.add(batch)
        self._log("arrive", np.arange(start, start + n), day, self.pool["team"][start:], cust)
        self.tally.arrived += n
        return n

    # --- customers who give up -----------------------------------------------------------------------
    def abandon(self, day: int) -> None:
        """Customers still waiting for an answer past their patience give up."""
        pool = self.pool
        waiting = (pool["stage"] == FRONT_QUEUE) | (pool["stage"] == APPROVAL)
        gone = np.flatnonzero(waiting & (day - pool["arrival"] > pool["patience"]))
        pool["stage"][gone] = ABANDONED
        self._log("abandon", gone, day)

    # --- 2. front office ---------------------------------------------------------------------------
    def serve_at_front(self, day: int) -> None:
        """Front-office employees take waiting requests of their team's customers and answer, decide,
        or pass the request up (C1-C4)."""
        p, rng, pool, people, org = self.p, self.rng, self.pool, self.people, self.org
        queue = np.flatnonzero(pool["stage"] == FRONT_QUEUE)
        front = org.front
        cap = people.capacity(p, p["base_capacity"])[front]
        pick = allocate(pool["team"][queue], pool["qseq"][queue], org.team[front], cap, org.n_teams, rng)
        served = queue[pick >= 0]
        emp = front[pick[pick >= 0]]
        people.handled[front] = 0.0
        np.add.at(people.handled, emp, 1.0)
        # pressure: what the team faces against what it can do
        demand = np.bincount(pool["team"][queue], minlength=org.n_teams)
        team_cap = np.bincount(org.team[front], weights=cap, minlength=org.n_teams)
        people.load[front] = (demand / np.maximum(team_cap, 1e-9))[org.team[front]]
        self.tally.front_taken += len(served)
        self.tally.front_capacity += float(cap.sum())
        if len(served) == 0:
            people.decided = np.zeros(org.size)
            return
        n = len(served)
        novel, authority = pool["novel"][served], pool["authority"][served]
        lacks_authority = authority > people.now_latitude[emp]       # the latitude they dare use (trust)
        sign_off = rng.random(n) < people.now_micro[emp]          # micromanagement: approval required
        bound = novel & (rng.random(n) < people.now_procedure[emp])   # procedures bind where none fits
        sees_misfit = bound & (rng.random(n) < people.knowledge[emp])  # local knowledge: the answer won't fit
        decision_up = lacks_authority | sees_misfit
        escalate = decision_up | sign_off
        # decisions taken on one's own (a routine case by the book counts as far as the procedure leaves room)
        own = np.where(escalate | bound, 0.0, np.where(novel, 1.0, 1.0 - people.now_procedure[emp]))
        people.decided = np.bincount(emp, weights=own, minlength=org.size)
        fit, gesture = self._front_answer(served, emp, bound)
        pool["fit"][served] = fit
        pool["gesture"][served] = gesture
        pool["mood"][served] = people.now_mood[emp]
        pool["front"][served] = emp
        pool["first_day"][served] = day
        pool["mgr_decides"][served] = decision_up
        # success feeds the employee's sense of competence (engagement)
        ok = np.bincount(emp, weights=pool["fit"][served], minlength=org.size)
        cnt = np.bincount(emp, minlength=org.size)
        has = cnt > 0
        keep = p["success_memory"]
        people.success[has] = keep * people.success[has] + (1.0 - keep) * ok[has] / cnt[has]
        self._log("front", served, day, emp, np.where(escalate, 1, np.where(bound, 2, np.where(novel, 3, 0))))

        up = served[escalate]
        pool["stage"][up] = APPROVAL
        pool["approver"][up] = org.boss[pool["front"][up]]
        pool["escalations"][up] += 1
        pool["queued_day"][up] = day
        pool["qseq"][up] = self._seq(len(up))
        self._log("escalate", up, day, pool["approver"][up],
                  np.where(lacks_authority[escalate], 1, np.where(sees_misfit[escalate], 2, 0)))
        self._route_after_decision(served[~escalate], day)

    def _front_answer(self, served: np.ndarray, emp: np.ndarray, bound: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The answer's fit and the gesture front employees ``emp`` give requests ``served`` on their own
        (``bound``: a novel case the procedure binds, answered by the standard answer)."""
        p, rng, pool, people = self.p, self.rng, self.pool, self.people
        procedure = people.now_procedure[emp]
        novel, cx, authority = pool["novel"][served], pool["complexity"][served], pool["authority"][served]
        skill, know, align = people.skill[emp], people.knowledge[emp], people.alignment[emp]
        fit = np.where(~novel, routine_fit(p, skill, cx, procedure),
                       np.where(bound, standard_answer_fit(p, skill, cx), improvised_fit(p, skill, know, align, cx)))
        w = p["pace_quality_weight"]
        fit = fit * (1.0 - w + w * people.pace[emp]) + p["effort_care"] * people.effort()[emp]
        fit = fit + rng.normal(0.0, 1.0, len(served)) * answer_noise(p, novel, bound, procedure)
        # a decision taken on one's own: authority used beyond one's judgement is costly and error-prone
        # (routine cases are decided by the book as far as the procedure binds; a standard answer grants nothing)
        by_book = np.where(novel, 0.0, procedure)
        overreach = np.maximum(authority - people.now_judgement[emp], 0.0) * (1.0 - by_book) * ~bound
        fit = np.clip(fit - p["overreach_fit_loss"] * overreach, 0.0, 1.0)
        return fit, np.where(bound, 0.0, authority * (1.0 + p["overreach_cost"] * overreach))

    def _route_after_decision(self, idx: np.ndarray, day: int) -> None:
        """A decided request either goes to the back office or is done."""
        pool = self.pool
        to_back = pool["handoffs_left"][idx] > 0
        b = idx[to_back]
        pool["stage"][b] = BACK_QUEUE
        pool["qseq"][b] = self._seq(len(b))
        done = idx[~to_back]
        # back-office work done by the front employee (no hand-off left): own keying errors are rare
        own = done[pool["unit"][done] >= 0]
        if len(own):
            risk = self.p["own_error_factor"] * self.p["handoff_error"] * (1.0 - self.people.skill[pool["front"][own]])
            slip = self.rng.random(len(own)) < risk
            pool["errors"][own[slip]] += 1
            self._log("own_error", own[slip], day, pool["front"][own[slip]])
        pool["stage"][done] = DONE

    # --- 3. managers ---------------------------------------------------------------------------------
    def _approval_capacity(self, demand: np.ndarray) -> np.ndarray:
        """Approvals each manager's supervision can give today, by the organisation's approval policy."""
        p = self.p
        away = self.people.styles.away[self.org.managers]          # managers away in a leadership programme
        base = np.maximum(float(p["approval_capacity"]) * (1.0 - away), 1.0)
        if p["approval_policy"] != "staffed":
            return base
        if self.approval_demand is None:
            self.approval_demand = demand.astype(float)
        else:
            rate = p["staffing_adjustment"]
            self.approval_demand = (1.0 - rate) * self.approval_demand + rate * demand
        cap = np.maximum(base, self.approval_demand / p["approval_target_utilisation"])
        self.tally.extra_supervisors += float(((cap - base) / base).sum())
        return cap

    def _settle_by_rule(self, day: int) -> None:
        """'timeboxed' policy: approvals pending too long are settled by rule: a sign-off lets the
        employee's answer stand; a decision gets the rulebook's answer and no more authority than
        the employee holds."""
        p, pool, people = self.p, self.pool, self.people
        late = np.flatnonzero((pool["stage"] == APPROVAL) & (day - pool["queued_day"] >= p["approval_timebox_days"]))
        if len(late) == 0:
            return
        dec = late[pool["mgr_decides"][late]]
        emp = pool["front"][dec]
        cx, novel = pool["complexity"][dec], pool["novel"][dec]
        fit = np.where(novel, standard_answer_fit(p, people.skill[emp], cx), routine_fit(p, people.skill[emp], cx, 1.0))
        pool["fit"][dec] = np.clip(fit + self.rng.normal(0.0, p["procedure_noise"], len(dec)), 0.0, 1.0)
        pool["gesture"][dec] = np.minimum(pool["authority"][dec], people.now_autonomy[emp])
        self.tally.by_rule += len(late)
        self._log("by_rule", late, day, None, pool["mgr_decides"][late].astype(int))
        self._route_after_decision(late, day)

    def approve(self, day: int) -> None:
        """Managers work through their approval queue; beyond their authority, one level up (C1).

        An approval is an inspection (Bowen & Lawler 1992): the manager, with the knowledge that
        reaches them, may replace a worse answer with their own and trim an over-generous gesture.
        A decision passed up is the manager's own: one more person the customer deals with."""
        p, rng, pool, people, org = self.p, self.rng, self.pool, self.people, self.org
        if p["approval_policy"] == "timeboxed":
            self._settle_by_rule(day)
        queue = np.flatnonzero(pool["stage"] == APPROVAL)
        mgrs = org.managers
        slot_of = np.full(org.size, -1)
        slot_of[mgrs] = np.arange(len(mgrs))
        demand = np.bincount(slot_of[pool["approver"][queue]], minlength=len(mgrs))
        cap = self._approval_capacity(demand)
        asked = demand > 0
        self.tally.approvals_demanded += float(demand[asked].sum())
        self.tally.approval_capacity += float(cap[asked].sum())
        pick = allocate(slot_of[pool["approver"][queue]], pool["qseq"][queue], np.arange(len(mgrs)), cap, len(mgrs),
                        rng)
        self.mgr_busy[:] = 0.0
        self.mgr_busy[mgrs] = np.maximum(np.minimum(demand / np.maximum(cap, 1.0), 1.0), people.styles.away[mgrs])
        done = queue[pick >= 0]
        if len(done) == 0:
            return
        mgr = mgrs[pick[pick >= 0]]
        beyond = pool["authority"][done] > people.authority_limit_mgr[mgr]
        beyond &= org.boss[mgr] >= 0
        up = done[beyond]
        pool["approver"][up] = org.boss[pool["approver"][up]]
        pool["escalations"][up] += 1
        pool["queued_day"][up] = day
        pool["qseq"][up] = self._seq(len(up))
        self._log("escalate", up, day, pool["approver"][up], 1)
        decided, m = done[~beyond], mgr[~beyond]
        own_fit, own_gesture = self._managers_answer(decided, m)
        decide = pool["mgr_decides"][decided]
        d = decided[decide]
        pool["fit"][d] = own_fit[decide]
        pool["gesture"][d] = own_gesture[decide]
        pool["people"][d] += 1
        s = decided[~decide]                                  # sign-offs: an inspection
        catch = rng.random(len(s)) < p["inspection_catch"]
        pool["fit"][s] = np.where(catch, np.maximum(pool["fit"][s], own_fit[~decide]), pool["fit"][s])
        pool["gesture"][s] = np.where(catch, np.minimum(pool["gesture"][s], own_gesture[~decide]), pool["gesture"][s])
        self._log("decide", decided, day, m, decide.astype(int))
        self._route_after_decision(decided, day)

    def _managers_answer(self, idx: np.ndarray, mgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The answer and gesture managers ``mgr`` would give requests ``idx``: their skill, the
        team's knowledge thinned out on its way up (C1), their own culture alignment and judgement."""
        p, pool, people, org = self.p, self.pool, self.people, self.org
        if len(idx) == 0:
            return np.empty(0), np.empty(0)
        k_mgr = self._team_knowledge()[pool["team"][idx]] * p["manager_knowledge"] ** org.level[mgr].astype(float)
        cx, novel, authority = pool["complexity"][idx], pool["novel"][idx], pool["authority"][idx]
        procedure = people.now_procedure[mgr]
        fit = np.where(novel, improvised_fit(p, people.skill[mgr], k_mgr, people.alignment[mgr], cx),
                       routine_fit(p, people.skill[mgr], cx, procedure))
        fit = fit + self.rng.normal(0.0, 1.0, len(idx)) * answer_noise(p, novel, np.zeros(len(idx), bool), procedure)
        overreach = np.maximum(authority - people.now_judgement[mgr], 0.0)
        fit = np.clip(fit - p["overreach_fit_loss"] * overreach, 0.0, 1.0)
        return fit, authority * (1.0 + p["overreach_cost"] * overreach)

    def _team_knowledge(self) -> np.ndarray:
        return self.org.team_mean(self.people.knowledge, self.people.present, empty=0.0)

    # --- 4. back office ---------------------------------------------------------------------------
    def fulfil_in_back_office(self, day: int) -> None:
        """One hand-off per request per day through a back-office unit; errors come back as rework.
        The next hand-off goes to the unit this one supplies (the organisation's supplier links)."""
        p, rng, pool, people, org = self.p, self.rng, self.pool, self.people, self.org
        queue = np.flatnonzero(pool["stage"] == BACK_QUEUE)
        back = org.back
        cap = people.capacity(p, p["backoffice_capacity"])[back]
        pick = allocate(pool["unit"][queue], pool["qseq"][queue], org.team[back], cap, org.n_units, rng)
        demand = np.bincount(pool["unit"][queue], minlength=org.n_units)
        unit_cap = np.bincount(org.team[back], weights=cap, minlength=org.n_units)
        people.load[back] = (demand / np.maximum(unit_cap, 1e-9))[org.team[back]]
        people.handled[back] = 0.0
        done = queue[pick >= 0]
        if len(done) == 0:
            return
        emp = back[pick[pick >= 0]]
        np.add.at(people.handled, emp, 1.0)
        acc = people.accuracy(p, emp)
        unit_now = pool["unit"][done]
        self.tally.unit_done += np.bincount(unit_now, minlength=org.n_units)
        # information lost in transit
        lost = p["handoff_error"] * (1.0 - p["awareness_protection"] * people.awareness[emp])
        error = rng.random(len(done)) < 1.0 - acc * (1.0 - lost)
        self.tally.unit_errors += np.bincount(unit_now[error], minlength=org.n_units)
        wrong, right = done[error], done[~error]
        pool["errors"][wrong] += 1
        pool["qseq"][wrong] = self._seq(len(wrong))                  # rework: back of the queue
        self.tally.rework += len(wrong)
        self._log("error", wrong, day, emp[error])
        bad = np.bincount(emp[error], minlength=org.size)
        allw = np.bincount(emp, minlength=org.size)
        has = allw > 0
        keep = p["success_memory"]
        people.success[has] = keep * people.success[has] + (1.0 - keep) * (1.0 - bad[has] / allw[has])
        pool["handoffs_done"][right] += 1
        pool["handoffs_left"][right] -= 1
        self._log("handoff", right, day, emp[~error], pool["unit"][right])
        onward = right[pool["handoffs_left"][right] > 0]
        pool["unit"][onward] = org.next_unit[pool["unit"][onward]]
        pool["qseq"][onward] = self._seq(len(onward))
        finished = right[pool["handoffs_left"][right] == 0]
        pool["stage"][finished] = DONE

    # --- 5. customers judge -----------------------------------------------------------------------
    def close(self, day: int) -> None:
        """Customers judge what was done (served) or give their verdict on being left waiting
        (abandoned: scores 1); closed requests leave the pool."""
        p, pool, t = self.p, self.pool, self.tally
        stage = pool["stage"]
        idx = np.flatnonzero((stage == DONE) | (stage == ABANDONED))
        served = stage[idx] == DONE
        cust = pool["customer"][idx]
        wait = day - pool["arrival"][idx]
        people_n = pool["people"][idx] + pool["handoffs_done"][idx]
        errors = pool["errors"][idx]
        terms = {
            "fit": pool["fit"][idx],
            "wait_cost": p["wait_cost"] * np.log2(1.0 + wait),
            "people_cost": p["contact_cost"] * people_n,
            "error_cost": p["error_cost"] * errors,
            "mood_effect": p["mood_weight"] * (pool["mood"][idx] - 0.5),
            "gesture_effect": p["gesture_effect"] * pool["gesture"][idx],
        }
        perf = (terms["fit"] - terms["wait_cost"] - terms["people_cost"] - terms["error_cost"]
                + terms["mood_effect"] + terms["gesture_effect"])
        expectation = self.customers.expectation[cust]
        judged, slope = judge(perf, expectation, p["judgement_steepness"])
        score = np.where(served, judged, 1.0)
        if self.journal is not None:
            self.journal.finish(pool["id"][idx], day, {
                **terms, "wait": wait, "extra_people": people_n, "errors": errors, "mood": pool["mood"][idx],
                "gesture": pool["gesture"][idx], "performance": perf, "expectation": expectation, "score": score,
                "abandoned": (~served).astype(float)})
        leavers = self.customers.experience(cust, perf, score, served, p, day)
        self._count_closed(idx, served, wait, people_n, errors, terms, expectation, slope, score)
        self._log("resolve", idx[served], day, None, score[served])
        self.customers.turn_over(leavers, t.promoters - t.detractors, int(t.closed), p, day)
        pool.keep((stage != DONE) & (stage != ABANDONED))

    def _count_closed(self, idx, served, wait, people_n, errors, terms, expectation, slope, score) -> None:
        """Today's tally of closed requests: outcomes, and the terms of served customers' judgements."""
        pool, t, s = self.pool, self.tally, served
        done = idx[served]
        first = (pool["people"][done] == 0) & (pool["handoffs_done"][done] == 0) & (errors[s] == 0) & (wait[s] == 0)
        t.resolved += len(done)
        t.abandoned += len(idx) - len(done)
        t.fcr += int(first.sum())
        # the customer's view (SQM's FCR): no need to come back — no error reached them and the answer fits,
        # whatever the back office did behind the scenes
        t.settled_first += int(((errors[s] == 0) & (terms["fit"][s] >= WRONG_FIT)).sum())
        t.referred += int((pool["people"][idx] > 0).sum())
        t.resolution_days += float(wait[s].sum())
        t.escalations += float(pool["escalations"][idx].sum())
        t.people += float(people_n[s].sum())
        t.handoffs += float(pool["handoffs_done"][done].sum())
        t.errors += float(errors[s].sum())
        t.score_served += float(score[s].sum())
        t.fit_sum += float(terms["fit"][s].sum())
        t.wrong += int((terms["fit"][s] < WRONG_FIT).sum())
        t.wait_pen += float(terms["wait_cost"][s].sum())
        t.people_pen += float(terms["people_cost"][s].sum())
        t.error_pen += float(terms["error_cost"][s].sum())
        t.mood_eff += float(terms["mood_effect"][s].sum())
        t.gesture_eff += float(terms["gesture_effect"][s].sum())
        t.expectation_sum += float(expectation[s].sum())
        t.slope_sum += float(slope[s].sum())
        t.concessions += float(pool["gesture"][done].sum()) * self.p["concession_cost"]
        if len(idx):
            cat = nps_category(score)
            t.closed += len(score)
            t.score_sum += float(score.sum())
            t.promoters += int((cat == 1).sum())
            t.detractors += int((cat == -1).sum())
            team = self.customers.team[pool["customer"][idx]]
            t.team_score += np.bincount(team, weights=score, minlength=self.org.n_teams)
            t.team_closed += np.bincount(team, minlength=self.org.n_teams)
            t.team_complaints += np.bincount(team[score <= 2.0], minlength=self.org.n_teams)

    def open_by_team(self) -> np.ndarray:
        return np.bincount(self.pool["team"], minlength=self.org.n_teams)

    def open_by_employee(self) -> np.ndarray:
        """Open requests assigned to each position: waiting front requests count for the whole
        team (shared evenly), approvals for their manager, hand-offs for their unit."""
        org, pool = self.org, self.pool
        out = np.zeros(org.size)
        stage = pool["stage"]
        team_open = np.bincount(pool["team"][stage == FRONT_QUEUE], minlength=org.n_teams).astype(float)
        size = np.bincount(org.team[org.front], minlength=org.n_teams)
        out[org.front] = (team_open / np.maximum(size, 1))[org.team[org.front]]
        ap = pool["approver"][stage == APPROVAL]
        out += np.bincount(ap[ap >= 0], minlength=org.size)
        unit_open = np.bincount(pool["unit"][stage == BACK_QUEUE], minlength=org.n_units).astype(float)
        usize = np.bincount(org.team[org.back], minlength=org.n_units)
        out[org.back] = (unit_open / np.maximum(usize, 1))[org.team[org.back]]
        return out


__all__ = ["RequestPool", "ServiceChain", "allocate", "FRONT_QUEUE", "APPROVAL", "BACK_QUEUE", "DONE",
           "ABANDONED", "FRONT"]
