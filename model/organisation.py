"""The organisation: who exists, who reports to whom, who supplies whom, who talks to whom.

:func:`build_organisation` lays out positions as integer indices (the arrays of
:mod:`~servicesim.model.workforce` are indexed the same way) and wires the service chain as a
networkx graph: reporting lines, internal supplier links (front office <-> back-office units,
payroll -> everyone) and peer links inside and across teams.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import scipy.sparse as sp

FRONT, BACK, PAYROLL, MANAGER = 0, 1, 2, 3
ROLE_NAMES = {FRONT: "front", BACK: "back", PAYROLL: "payroll", MANAGER: "manager"}


@dataclass
class Organisation:
    """Positions and links. Index ``i`` is one position (a post that a person fills)."""

    role: np.ndarray          # int8 role code per position
    team: np.ndarray          # front team, back unit (U = payroll unit), or -1 for managers above level 1
    boss: np.ndarray          # index of the position's manager (-1 for the director)
    level: np.ndarray         # 0 for staff, 1 for team/unit managers, ... up to the director
    n_teams: int
    n_units: int              # customer-facing back-office units; the payroll unit is number n_units
    front: np.ndarray         # indices of front-office positions
    back: np.ndarray          # indices of back-office positions (customer units)
    payroll: np.ndarray       # indices of payroll/HR positions
    managers: np.ndarray      # indices of manager positions
    team_manager: np.ndarray  # manager index of each front team
    unit_manager: np.ndarray  # manager index of each back unit (payroll last)
    peers: sp.csr_matrix      # row-normalised peer adjacency (staff only) for diffusion
    next_unit: np.ndarray     # the unit each back-office unit hands a request on to (read from the graph)
    graph: nx.Graph

    @property
    def size(self) -> int:
        return len(self.role)

    @property
    def staff(self) -> np.ndarray:
        return np.flatnonzero(self.role != MANAGER)

    @cached_property
    def _by_boss(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        order = np.argsort(self.boss, kind="stable")
        sorted_boss = self.boss[order]
        ids = np.arange(self.size)
        return order, np.searchsorted(sorted_boss, ids, "left"), np.searchsorted(sorted_boss, ids, "right")

    def reports_of(self, position: int) -> np.ndarray:
        """Positions reporting directly to ``position`` (in position order)."""
        order, start, end = self._by_boss
        return order[start[position]:end[position]]

    def team_mean(self, x: np.ndarray, present: np.ndarray, empty: float = np.nan) -> np.ndarray:
        """Per front team, the mean of ``x`` over its present front-office staff (``empty`` if none)."""
        f, n = self.front, self.n_teams
        w = present[f].astype(float)
        s = np.bincount(self.team[f], weights=x[f] * w, minlength=n)
        c = np.bincount(self.team[f], weights=w, minlength=n)
        return np.divide(s, c, out=np.full(n, empty), where=c > 0)


def _peer_edges(rng: np.random.Generator, groups: list[np.ndarray], k: int, cross: float) -> np.ndarray:
    """k peer links per person: most inside their own group, a share ``cross`` to anyone."""
    everyone = np.concatenate(groups)
    src, dst = [], []
    for members in groups:
        if len(members) == 0 or k == 0:
            continue
        n_links = len(members) * k
        s = np.repeat(members, k)
        inside = members[rng.integers(0, len(members), n_links)]
        outside = everyone[rng.integers(0, len(everyone), n_links)]
        d = np.where(rng.random(n_links) < cross, outside, inside)
        keep = s != d
        src.append(s[keep])
        dst.append(d[keep])
    if not src:
        return np.empty((0, 2), dtype=np.int64)
    edges = np.stack([np.concatenate(src), np.concatenate(dst)], axis=1)
    edges = np.sort(edges, axis=1)
    return np.unique(edges, axis=0)


def build_organisation(p: dict, rng: np.random.Generator) -> Organisation:
    """Lay out the organisation described by the parameters ``p``."""
    n_teams, n_units = int(p["teams"]), int(p["backoffice_units"])
    role, team, boss, levels, level1 = _posts(p)
    _management_above(role, team, boss, levels, level1, int(p["span_of_control"]), int(p["hierarchy_depth"]))
    role_a = np.asarray(role, dtype=np.int8)
    team_a = np.asarray(team, dtype=np.int32)
    boss_a = np.asarray(boss, dtype=np.int64)
    level_a = np.asarray(levels, dtype=np.int8)
    front = np.flatnonzero(role_a == FRONT)
    back = np.flatnonzero(role_a == BACK)
    payroll = np.flatnonzero(role_a == PAYROLL)
    managers = np.flatnonzero(role_a == MANAGER)

    # Peer links: inside front teams and back units, some across.
    groups = [front[team_a[front] == t] for t in range(n_teams)]
    groups += [back[team_a[back] == u] for u in range(n_units)] + [payroll]
    edges = _peer_edges(rng, groups, int(p["peer_links"]), float(p["cross_team_links"]))
    team_manager, unit_manager = level1[:n_teams], level1[n_teams:]
    graph = _service_chain_graph(role_a, team_a, boss_a, level_a, payroll, team_manager, unit_manager[:n_units], edges)
    return Organisation(
        role=role_a, team=team_a, boss=boss_a, level=level_a, n_teams=n_teams, n_units=n_units,
        front=front, back=back, payroll=payroll, managers=managers,
        team_manager=team_manager, unit_manager=unit_manager, peers=_peer_matrix(edges, len(role_a)),
        next_unit=_process_chain(graph, unit_manager[:n_units]), graph=graph,
    )


def _posts(p: dict) -> tuple[list, list, list, list, np.ndarray]:
    """Staff posts (front teams, back-office units, payroll) and their level-1 managers: one per
    front team, one per back unit, one for payroll. Returns role, team, boss, level lists and the
    level-1 managers' positions."""
    n_teams, team_size, n_units = int(p["teams"]), int(p["team_size"]), int(p["backoffice_units"])
    n_front = n_teams * team_size
    unit_size = max(1, round(p["backoffice_ratio"] * n_front / n_units))
    n_staff_guess = n_front + unit_size * n_units
    payroll_size = max(1, round(p["payroll_ratio"] * n_staff_guess / 100))

    role, team = [], []
    role += [FRONT] * n_front
    team += list(np.repeat(np.arange(n_teams), team_size))
    role += [BACK] * (unit_size * n_units)
    team += list(np.repeat(np.arange(n_units), unit_size))
    role += [PAYROLL] * payroll_size
    team += [n_units] * payroll_size
    n_staff = len(role)

    n_groups = n_teams + n_units + 1
    level1 = np.arange(n_staff, n_staff + n_groups)
    role += [MANAGER] * n_groups
    team += list(range(n_teams)) + list(range(n_units + 1))
    levels = [0] * n_staff + [1] * n_groups
    boss = [-1] * (n_staff + n_groups)
    group_of_staff = np.concatenate([np.asarray(team[:n_front]), n_teams + np.asarray(team[n_front:n_staff])])
    for i in range(n_staff):
        boss[i] = int(level1[group_of_staff[i]])
    return role, team, boss, levels, level1


def _management_above(role: list, team: list, boss: list, levels: list, level1: np.ndarray, span: int,
                      depth: int) -> None:
    """Higher levels: groups of ``span`` managers under one manager, up to a single director; then
    single layers on top until there are ``depth`` levels (appended to the lists in place)."""

    def add_manager(lvl: int) -> int:
        idx = len(role)
        role.append(MANAGER)
        team.append(-1)
        levels.append(lvl)
        boss.append(-1)
        return idx

    current, lvl = list(level1), 1
    while len(current) > 1:
        lvl += 1
        parents = []
        for start in range(0, len(current), span):
            idx = add_manager(lvl)
            for child in current[start:start + span]:
                boss[child] = idx
            parents.append(idx)
        current = parents
    while lvl < depth:   # extra layers of management above
        lvl += 1
        idx = add_manager(lvl)
        boss[current[0]] = idx
        current = [idx]


def _peer_matrix(edges: np.ndarray, n: int) -> sp.csr_matrix:
    """Row-normalised peer adjacency (who a person's peers are, each weighing the same)."""
    if not len(edges):
        return sp.csr_matrix((n, n))
    adj = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
    adj = adj + adj.T
    adj.data[:] = 1.0
    deg = np.asarray(adj.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    return (sp.diags(inv) @ adj).tocsr()


def _service_chain_graph(role: np.ndarray, team: np.ndarray, boss: np.ndarray, level: np.ndarray,
                         payroll: np.ndarray, team_manager: np.ndarray, unit_manager: np.ndarray,
                         edges: np.ndarray) -> nx.Graph:
    """The organisation as a graph: reporting lines; internal supplier links at the level of units
    (their managers stand for them: each customer-facing unit supplies every front team and hands
    its part of a request on to the next unit of the process chain — routing reads the chain back
    from here); payroll/HR serving every employee; and peer links."""
    n, n_units = len(role), len(unit_manager)
    graph = nx.Graph()
    for i in range(n):
        graph.add_node(i, role=ROLE_NAMES[int(role[i])], team=int(team[i]), level=int(level[i]))
    graph.add_edges_from(((int(i), int(boss[i])) for i in range(n) if boss[i] >= 0), kind="reports_to")
    for u in range(n_units):
        graph.add_edges_from(((int(unit_manager[u]), int(tm)) for tm in team_manager), kind="supplies")
        if n_units > 1:
            graph.add_edge(int(unit_manager[u]), int(unit_manager[(u + 1) % n_units]), kind="hands_off_to")
    graph.add_edges_from(((int(payroll[j % len(payroll)]), int(s)) for j, s in enumerate(np.arange(n))
                          if role[s] != PAYROLL), kind="payroll")
    graph.add_edges_from(((int(a), int(b)) for a, b in edges if not graph.has_edge(int(a), int(b))), kind="peer")
    return graph


def _process_chain(graph: nx.Graph, unit_managers: np.ndarray) -> np.ndarray:
    """For each customer-facing unit, the unit it hands requests on to (itself if it is alone)."""
    index = {int(m): u for u, m in enumerate(unit_managers)}
    nxt = np.arange(len(unit_managers))
    for a, b, kind in graph.edges(data="kind"):
        if kind == "hands_off_to" and a in index and b in index:
            ua, ub = index[a], index[b]
            # the graph is undirected; the chain runs u -> u+1 (mod n), which orients each edge
            # (with two units, both ways)
            if (ua + 1) % len(nxt) == ub:
                nxt[ua] = ub
            if (ub + 1) % len(nxt) == ua:
                nxt[ub] = ua
    return nxt
