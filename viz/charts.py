"""The app's drawings: the organisation as a network, and the daily curves with intervention marks.

Plain matplotlib ``Figure`` objects (never pyplot: thirty sessions draw in parallel threads),
rendered to SVG for the page (text stays text, so it can be read and tested) and to PNG for
downloads. Labels come from :mod:`servicesim.viz.i18n`, numbers in the language's notation.
"""

from __future__ import annotations

import io
import weakref

import matplotlib
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator, ScalarFormatter  # noqa: E402

from servicesim.model.organisation import BACK, FRONT, MANAGER, PAYROLL  # noqa: E402

from .i18n import metric_label, metric_unit, t  # noqa: E402

#: The live charts, in reading order.
CHART_METRICS = ("csat", "nps", "backlog", "resolution_time_days", "engagement", "turnover_rate",
                 "culture_alignment", "stress")
COLOUR_BY = ("engagement", "stress", "culture_alignment")
SIDE_COLOURS = ("#1f5fa8", "#d9661f")
MARKER_COLOUR = "#7a3e9d"
ROLE_MARKER = {MANAGER: "^", FRONT: "o", BACK: "s", PAYROLL: "D"}
ROLE_SIZE = {MANAGER: 70, FRONT: 28, BACK: 28, PAYROLL: 34}

#: Style of the app's figures, applied locally (never to the global rcParams other code shares).
RC = {"svg.fonttype": "none", "font.size": 9, "axes.titlesize": 10, "axes.spines.top": False,
      "axes.spines.right": False}


def _styled(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(RC):
            return fn(*args, **kwargs)
    return wrapper


class LangFormatter(ScalarFormatter):
    """Tick labels with a decimal comma in French."""

    def __init__(self, lang: str):
        super().__init__(useOffset=False)
        self.lang = lang

    def __call__(self, x, pos=None):
        text = super().__call__(x, pos)
        return text.replace(".", ",") if self.lang == "fr" else text


# --- layout of the organisation ------------------------------------------------------------------
_layouts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def org_layout(model) -> np.ndarray:
    """Positions (x, y) of every post: a tree read from the top (director) down to the staff.

    Staff sit on the bottom rows in blocks, one block per front team, back-office unit and the
    payroll unit (front office on the left, back office to the right: the chain reads left to
    right); each manager sits above the middle of the people who report to them. Computed once
    per model (the organisation's posts never change during a run)."""
    if model in _layouts:
        return _layouts[model]
    org = model.org
    n = org.size
    pos = np.zeros((n, 2))
    x0 = 0.0
    rows = 2
    groups = [org.front[org.team[org.front] == k] for k in range(org.n_teams)]
    groups += [org.back[org.team[org.back] == u] for u in range(org.n_units)] + [org.payroll]
    for g, members in enumerate(groups):
        cols = max(1, int(np.ceil(len(members) / rows)))
        j = np.arange(len(members))
        pos[members, 0] = x0 + j // rows
        pos[members, 1] = -0.45 * (j % rows)
        x0 += cols + (1.5 if g != org.n_teams - 1 else 3.0)
    # Managers, lowest level first, above the mean x of their reports.
    levels = org.level.astype(int)
    for lvl in range(1, int(levels.max()) + 1):
        for m in np.flatnonzero((org.role == MANAGER) & (levels == lvl)):
            reports = np.flatnonzero(org.boss == m)
            pos[m, 0] = pos[reports, 0].mean() if len(reports) else 0.0
            pos[m, 1] = 0.9 * lvl + 0.3
    _layouts[model] = pos
    return pos


@_styled
def network_figure(model, colour_by: str, lang: str) -> Figure:
    """The organisation: shapes by role, colour by the chosen state, size by open requests held."""
    org = model.org
    pos = org_layout(model)
    state = {"engagement": model.people.engagement, "stress": model.people.stress,
             "culture_alignment": model.people.alignment}[colour_by]
    cmap = "RdYlGn_r" if colour_by == "stress" else "RdYlGn"
    held = model.chain.open_by_employee()
    vacant = model.people.vacant > 0
    big = org.size > 600
    fig = Figure(figsize=(10, 3.6), dpi=90, layout="constrained")
    ax = fig.add_subplot()
    # reporting lines
    boss = org.boss
    has = boss >= 0
    xs = np.stack([pos[has, 0], pos[boss[has], 0], np.full(has.sum(), np.nan)], axis=1).ravel()
    ys = np.stack([pos[has, 1], pos[boss[has], 1], np.full(has.sum(), np.nan)], axis=1).ravel()
    ax.plot(xs, ys, color="#c8c8c8", lw=0.5, zorder=0)
    sc = None
    scale = 0.3 if big else 1.0
    for role, marker in ROLE_MARKER.items():
        idx = np.flatnonzero((org.role == role) & ~vacant)
        if len(idx):
            size = scale * ROLE_SIZE[role] * (1.0 + 1.5 * np.sqrt(np.minimum(held[idx], 30.0)))
            sc = ax.scatter(pos[idx, 0], pos[idx, 1], s=size, c=state[idx], cmap=cmap, vmin=0, vmax=1,
                            marker=marker, edgecolors="#333333", linewidths=0.4, zorder=2)
        idx = np.flatnonzero((org.role == role) & vacant)
        if len(idx):
            ax.scatter(pos[idx, 0], pos[idx, 1], s=scale * ROLE_SIZE[role], facecolors="none",
                       edgecolors="#999999", marker=marker, linewidths=0.8, zorder=1)
    # the open requests of each front team, written under it
    if not big:
        open_team = model.chain.open_by_team()
        for k in range(org.n_teams):
            members = org.front[org.team[org.front] == k]
            if len(members):
                ax.text(pos[members, 0].mean(), -1.0, str(int(open_team[k])), ha="center", va="top",
                        fontsize=7, color="#555555")
    if sc is not None:
        cb = fig.colorbar(sc, ax=ax, fraction=0.025, pad=0.01)
        cb.set_label(t(f"explore.colour.{colour_by}", lang))
        cb.ax.yaxis.set_major_formatter(LangFormatter(lang))
    ax.set_axis_off()
    ax.set_ylim(-1.5, pos[:, 1].max() + 0.5)
    return fig


# --- the daily curves ------------------------------------------------------------------------------
def _smooth(s: pd.Series, window: int = 10) -> pd.Series:
    return s.rolling(window, min_periods=1).mean()


@_styled
def series_figure(sides: list[tuple[str, pd.DataFrame]], markers: list[tuple[int, str]], lang: str,
                  metrics=CHART_METRICS) -> Figure:
    """Small multiples of the daily measures; with one side the daily values show faintly under a
    10-day mean, with two sides their 10-day means are overlaid. Interventions are vertical marks
    labelled on the first chart (SVG group ids ``marker-<day>-<n>``)."""
    rows = int(np.ceil(len(metrics) / 2))
    height = 1.9 * rows + 0.5
    fig = Figure(figsize=(10, height), dpi=90)
    # fixed margins: a constrained layout costs most of the drawing time (30 sessions draw at once)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.55 / height, top=1 - 0.62 / height, hspace=0.35, wspace=0.16)
    axes = fig.subplots(rows, 2, sharex=True, squeeze=False).ravel()
    single = len(sides) == 1
    # an odd number of measures leaves one spare axis (switched off below): the lengths may differ
    for ax, m in zip(axes, metrics, strict=False):
        for i, (label, df) in enumerate(sides):
            if df is None or df.empty or m not in df:
                continue
            y = df[m].astype(float)
            if single:
                ax.plot(df["day"], y, color=SIDE_COLOURS[0], lw=0.6, alpha=0.35)
                ax.plot(df["day"], _smooth(y), color=SIDE_COLOURS[0], lw=1.6)
            else:
                ax.plot(df["day"], _smooth(y), color=SIDE_COLOURS[i % 2], lw=1.6, label=label)
        unit_text = metric_unit(m, lang)
        ax.set_title(metric_label(m, lang) + (f" ({unit_text})" if unit_text else ""), loc="left")
        ax.yaxis.set_major_formatter(LangFormatter(lang))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.25)
        for j, (day, _text) in enumerate(markers):
            line = ax.axvline(day, color=MARKER_COLOUR, ls="--", lw=1.0)
            line.set_gid(f"marker-{day}-{j}-{m}")
    for ax in axes[len(metrics):]:
        ax.set_axis_off()
    first = axes[0]
    for j, (day, text) in enumerate(markers):
        txt = first.annotate(text, xy=(day, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -2 - 9 * (j % 4)),
                             textcoords="offset points", rotation=0, va="top", fontsize=7, color=MARKER_COLOUR)
        txt.set_gid(f"marker-label-{day}-{j}")
    if not single and sides:
        fig.legend(*first.get_legend_handles_labels(), loc="upper center", ncols=2, fontsize=9, frameon=False)
    for ax in axes[-2:]:
        ax.set_xlabel(t("common.days", lang))
    return fig


@_styled
def to_svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


@_styled
def to_png(fig: Figure, dpi: int = 120) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
