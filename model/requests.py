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

_COLUMNS = {
    "id": np.int64, "customer": np.int64, "team": np.int32, "arrival": np.int32, "novel": bool,
    "complexity": np.float64, "authority": np.float64, "unit": np.int32, "handoffs_left": np.int32,
    "stage": np.int8, "qseq": np.int64, "front": np.int64, "approver": np.int64,
    "escalations": np.int32, "handoffs_done": np.int32, "errors": np.int32, "fit": np.float64,
    "mood": np.float64, "patience": np.float64, "mgr_decides": bool, "first_day": np.int32,
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
                new = np.full(n, -1 if np.issubdtype(np.dtype(t), np.integer) else 0, dtype=t)
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


#: How good the codified procedure is, on the skill scale: procedures carry know-how to novices.
PROCEDURE_QUALITY = 0.75


def routine_fit(skill, complexity, procedure=0.0):
    """How well a procedure-covered request is solved: by the procedure as far as it binds,
    by the person's own skill otherwise."""
    know_how = procedure * PROCEDURE_QUALITY + (1.0 - procedure) * skill
    return 0.55 + 0.4 * know_how - 0.25 * complexity * (1.0 - know_how)


def improvised_fit(skill, knowledge, alignment, complexity):
    """How well someone solves an uncovered situation on their own: skill, local knowledge of
    the customer (C1) and a culture that says what 'the right thing' is (C3)."""
    return 0.2 + 0.8 * (0.45 * skill + 0.3 * knowledge + 0.25 * alignment) - 0.3 * complexity * (1.0 - skill)


def standard_answer_fit(skill, complexity):
    """A standard answer applied to a situation no procedure covers fits badly (C2)."""
    return 0.3 + 0.15 * skill - 0.1 * complexity


class DayTally:
    """What happened to requests today (summed into run totals by the model)."""

    FIELDS = ("arrived", "closed", "resolved", "abandoned", "score_sum", "promoters", "detractors",
              "fcr", "resolution_days", "escalations", "handoffs", "errors", "rework")

    def __init__(self, n_teams: int):
        for f in self.FIELDS:
            setattr(self, f, 0.0)
        self.team_score = np.zeros(n_teams)
        self.team_closed = np.zeros(n_teams)


class ServiceChain:
    """Moves requests through the chain, one working day at a time."""

    def __init__(self, p: dict, org: Organisation, people: Workforce, customers: CustomerBase,
                 rng: np.random.Generator, journal: Journal | None = None, demand_key: int = 0):
        self.p, self.org, self.people, self.customers, self.rng = p, org, people, customers, rng
        self.demand_key = demand_key
        self.pool = RequestPool()
        self.journal = journal
        self.next_id = 0
        self.next_seq = 0
        self.handoffs_removed = 0      # by simplification
        self.demand_factor = 1.0       # demand surges
        self.mgr_busy = np.zeros(org.size)
        self.tally = DayTally(org.n_teams)

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
        """New requests from the customer base (Poisson arrivals).

        Each day's demand has its own stream, keyed by the day: the same seed brings the same
        requests whatever happened inside the organisation before (common random numbers)."""
        p = self.p
        rng = np.random.default_rng([self.demand_key, day])
        rate = self.customers.count * p["request_rate"] * self.demand_factor
        n = int(rng.poisson(rate))
        if n == 0 or self.customers.count == 0:
            return 0
        cust = self.customers.pick_requesters(n, rng)
        m = p["complexity_mean"]
        complexity = rng.beta(4 * m, 4 * (1 - m), n)
        a = min(max(p["authority_mean"], 0.01), 0.99)
        novel = rng.random(n) < p["novelty"]
        # procedures pre-authorise the routine cases; uncovered situations call for more latitude
        authority = np.minimum(1.0, rng.beta(2 * a, 2 * (1 - a), n) * np.where(novel, 1.6, 0.6))
        if p["authority_mean"] == 0.0:
            authority[:] = 0.0
        needs_back = rng.random(n) < p["back_office_share"]
        batch = {
            "id": np.arange(self.next_id, self.next_id + n),
            "customer": cust,
            "team": self.customers.team[cust],
            "arrival": np.full(n, day),
            "novel": novel,
            "complexity": complexity,
            "authority": authority,
            "unit": np.where(needs_back, rng.integers(0, self.org.n_units, n), -1),
            "handoffs_left": np.where(needs_back, self.handoffs_now, 0),
            "stage": np.full(n, FRONT_QUEUE),
            "qseq": self._seq(n),
            "patience": rng.exponential(p["patience_days"], n),
            "fit": np.zeros(n),
            "mood": np.zeros(n),
            "escalations": np.zeros(n),
            "handoffs_done": np.zeros(n),
            "errors": np.zeros(n),
            "mgr_decides": np.zeros(n, dtype=bool),
            "first_day": np.full(n, -1),
        }
        self.next_id += n
        start = len(self.pool)
        self.pool.add(batch)
        self._log("arrive", np.arange(start, start + n), day, self.pool["team"][start:])
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
        """Front-office employees take waiting requests of their team's customers."""
        p, rng, pool, people, org = self.p, self.rng, self.pool, self.people, self.org
        queue = np.flatnonzero(pool["stage"] == FRONT_QUEUE)
        front = org.front
        cap = people.capacity(p["base_capacity"], p["monitoring_cost"])[front]
        pick = allocate(pool["team"][queue], pool["qseq"][queue], org.team[front], cap, org.n_teams, rng)
        served = queue[pick >= 0]
        emp = front[pick[pick >= 0]]
        people.handled[front] = 0.0
        np.add.at(people.handled, emp, 1.0)
        # pressure: what the team faces against what it can do
        demand = np.bincount(pool["team"][queue], minlength=org.n_teams)
        team_cap = np.bincount(org.team[front], weights=cap, minlength=org.n_teams)
        people.load[front] = (demand / np.maximum(team_cap, 1e-9))[org.team[front]]
        if len(served) == 0:
            return
        n = len(served)
        autonomy = people.autonomy()[emp]
        micro = people.style_of("micromanagement")[emp]
        procedure = people.style_of("procedure_adherence")[emp]
        novel, cx = pool["novel"][served], pool["complexity"][served]
        skill, know, align = people.skill[emp], people.knowledge[emp], people.alignment[emp]

        lacks_authority = pool["authority"][served] > autonomy
        needs_approval = rng.random(n) < micro
        bound = novel & (rng.random(n) < procedure)             # procedures bind where none fits
        sees_misfit = bound & (rng.random(n) < know)           # local knowledge tells the answer won't fit
        escalate = lacks_authority | needs_approval | sees_misfit
        fit = np.where(~novel, routine_fit(skill, cx, procedure),
                       np.where(bound, standard_answer_fit(skill, cx), improvised_fit(skill, know, align, cx)))
        fit = fit * (0.6 + 0.4 * people.pace[emp]) + rng.normal(0.0, 0.05, n)
        pool["fit"][served] = np.clip(fit, 0.0, 1.0)
        pool["mood"][served] = people.mood()[emp]
        pool["front"][served] = emp
        pool["first_day"][served] = day
        pool["mgr_decides"][served] = lacks_authority | sees_misfit
        # success feeds the employee's sense of competence (engagement)
        ok = np.bincount(emp - 0, weights=pool["fit"][served], minlength=org.size)
        cnt = np.bincount(emp, minlength=org.size)
        has = cnt > 0
        people.success[has] = 0.8 * people.success[has] + 0.2 * ok[has] / cnt[has]
        self._log("front", served, day, emp, np.where(escalate, 1, np.where(bound, 2, np.where(novel, 3, 0))))

        up = served[escalate]
        pool["stage"][up] = APPROVAL
        pool["approver"][up] = org.boss[pool["front"][up]]
        pool["escalations"][up] += 1
        pool["qseq"][up] = self._seq(len(up))
        self._log("escalate", up, day, pool["approver"][up],
                  np.where(lacks_authority[escalate], 1, np.where(sees_misfit[escalate], 2, 0)))
        self._route_after_decision(served[~escalate], day)

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
            slip = self.rng.random(len(own)) < 0.3 * self.p["handoff_error"] * (1.0 - self.people.skill[pool["front"][own]])
            pool["errors"][own[slip]] += 1
            self._log("own_error", own[slip], day, pool["front"][own[slip]])
        pool["stage"][done] = DONE

    # --- 3. managers ---------------------------------------------------------------------------------
    def approve(self, day: int) -> None:
        """Managers work through their approval queue; beyond their authority, one level up (C1)."""
        p, rng, pool, people, org = self.p, self.rng, self.pool, self.people, self.org
        queue = np.flatnonzero(pool["stage"] == APPROVAL)
        mgrs = org.managers
        cap = people.styles.current["approval_capacity"][mgrs].astype(float)
        slot_of = np.full(org.size, -1)
        slot_of[mgrs] = np.arange(len(mgrs))
        pick = allocate(slot_of[pool["approver"][queue]], pool["qseq"][queue], np.arange(len(mgrs)), cap, len(mgrs), rng)
        busy = np.bincount(slot_of[pool["approver"][queue]], minlength=len(mgrs)) / np.maximum(cap, 1.0)
        self.mgr_busy[:] = 0.0
        self.mgr_busy[mgrs] = np.minimum(busy, 1.0)
        done = queue[pick >= 0]
        if len(done) == 0:
            return
        mgr = mgrs[pick[pick >= 0]]
        beyond = pool["authority"][done] > people.authority_limit_mgr[mgr]
        beyond &= org.boss[mgr] >= 0
        up = done[beyond]
        pool["approver"][up] = org.boss[pool["approver"][up]]
        pool["escalations"][up] += 1
        pool["qseq"][up] = self._seq(len(up))
        self._log("escalate", up, day, pool["approver"][up], 1)
        decided = done[~beyond]
        m = mgr[~beyond]
        decide = pool["mgr_decides"][decided]
        if decide.any():
            d, dm = decided[decide], m[decide]
            team_knowledge = self._team_knowledge()
            team = pool["team"][d]
            levels_up = org.level[dm].astype(float)
            k_mgr = team_knowledge[team] * p["manager_knowledge"] ** levels_up    # knowledge thins out upwards
            a_mgr = people.style_of("values_emphasis")[dm] * people.lived_consistency()[dm]
            cx = pool["complexity"][d]
            fit = np.where(pool["novel"][d], improvised_fit(people.skill[dm], k_mgr, a_mgr, cx),
                           routine_fit(people.skill[dm], cx, people.style_of("procedure_adherence")[dm]))
            pool["fit"][d] = np.clip(fit + rng.normal(0.0, 0.05, len(d)), 0.0, 1.0)
        self._log("decide", decided, day, m, decide.astype(int))
        self._route_after_decision(decided, day)

    def _team_knowledge(self) -> np.ndarray:
        f = self.org.front
        n = self.org.n_teams
        w = self.people.present[f].astype(float)
        s = np.bincount(self.org.team[f], weights=self.people.knowledge[f] * w, minlength=n)
        c = np.bincount(self.org.team[f], weights=w, minlength=n)
        return np.divide(s, c, out=np.zeros(n), where=c > 0)

    # --- 4. back office ---------------------------------------------------------------------------
    def fulfil_in_back_office(self, day: int) -> None:
        """One hand-off per request per day through a back-office unit; errors come back as rework."""
        p, rng, pool, people, org = self.p, self.rng, self.pool, self.people, self.org
        queue = np.flatnonzero(pool["stage"] == BACK_QUEUE)
        back = org.back
        cap = people.capacity(p["backoffice_capacity"], p["monitoring_cost"])[back]
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
        acc = people.accuracy(p["backoffice_accuracy"])[emp]
        lost = p["handoff_error"] * (1.0 - 0.5 * people.awareness[emp])    # information lost in transit
        error = rng.random(len(done)) < 1.0 - acc * (1.0 - lost)
        wrong, right = done[error], done[~error]
        pool["errors"][wrong] += 1
        pool["qseq"][wrong] = self._seq(len(wrong))                  # rework: back of the queue
        self.tally.rework += len(wrong)
        self._log("error", wrong, day, emp[error])
        bad = np.bincount(emp[error], minlength=org.size)
        allw = np.bincount(emp, minlength=org.size)
        has = allw > 0
        people.success[has] = 0.8 * people.success[has] + 0.2 * (1.0 - bad[has] / allw[has])
        pool["handoffs_done"][right] += 1
        pool["handoffs_left"][right] -= 1
        self._log("handoff", right, day, emp[~error], pool["unit"][right])
        onward = right[pool["handoffs_left"][right] > 0]
        pool["unit"][onward] = (pool["unit"][onward] + 1) % org.n_units   # the next unit in the chain
        pool["qseq"][onward] = self._seq(len(onward))
        finished = right[pool["handoffs_left"][right] == 0]
        pool["stage"][finished] = DONE

    # --- 5. customers judge -----------------------------------------------------------------------
    def close(self, day: int) -> None:
        """Customers judge what was done; closed requests leave the pool."""
        p, pool, t = self.p, self.pool, self.tally
        stage = pool["stage"]
        done = np.flatnonzero(stage == DONE)
        gone = np.flatnonzero(stage == ABANDONED)
        cust_all = []
        score_all = []
        if len(done):
            wait = day - pool["arrival"][done]
            extra_people = pool["escalations"][done] + pool["handoffs_done"][done]
            errors = pool["errors"][done]
            perf = (pool["fit"][done] - p["wait_cost"] * np.log2(1.0 + wait) - p["contact_cost"] * extra_people
                    - p["error_cost"] * errors + p["mood_weight"] * (pool["mood"][done] - 0.5))
            cust = pool["customer"][done]
            expectation = self.customers.expectation[cust]
            score = judge(perf, expectation)
            if self.journal is not None:
                self.journal.finish(pool["id"][done], day, {
                    "fit": pool["fit"][done], "wait": wait, "extra_people": extra_people, "errors": errors,
                    "mood": pool["mood"][done], "performance": perf, "expectation": expectation, "score": score,
                    "wait_cost": p["wait_cost"] * np.log2(1.0 + wait), "people_cost": p["contact_cost"] * extra_people,
                    "error_cost": p["error_cost"] * errors, "mood_effect": p["mood_weight"] * (pool["mood"][done] - 0.5),
                })
            leavers = self.customers.experience(cust, perf, score, p)
            first = (pool["escalations"][done] == 0) & (pool["handoffs_done"][done] == 0) & (errors == 0) & (wait == 0)
            t.resolved += len(done)
            t.fcr += int(first.sum())
            t.resolution_days += float(wait.sum())
            t.escalations += float(pool["escalations"][done].sum())
            t.handoffs += float(pool["handoffs_done"][done].sum())
            t.errors += float(errors.sum())
            cust_all.append(cust)
            score_all.append(score)
            self._log("resolve", done, day, None, score)
        else:
            leavers = np.empty(0, dtype=np.int64)
        if len(gone):
            cust = pool["customer"][gone]
            score = np.ones(len(gone))
            if self.journal is not None:
                self.journal.finish(pool["id"][gone], day, {"abandoned": np.ones(len(gone)), "score": score,
                                                             "wait": day - pool["arrival"][gone]})
            leavers = np.concatenate([leavers, self.customers.experience(cust, np.zeros(len(gone)), score, p)])
            t.abandoned += len(gone)
            t.escalations += float(pool["escalations"][gone].sum())
            cust_all.append(cust)
            score_all.append(score)
        if cust_all:
            cust = np.concatenate(cust_all)
            score = np.concatenate(score_all)
            cat = nps_category(score)
            t.closed += len(score)
            t.score_sum += float(score.sum())
            t.promoters += int((cat == 1).sum())
            t.detractors += int((cat == -1).sum())
            team = self.customers.team[cust]
            t.team_score += np.bincount(team, weights=score, minlength=self.org.n_teams)
            t.team_closed += np.bincount(team, minlength=self.org.n_teams)
        self.customers.turn_over(leavers, t.promoters - t.detractors, int(t.closed), p)
        pool.keep((stage != DONE) & (stage != ABANDONED))

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
