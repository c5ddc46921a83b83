"""Fast SVG drawings for the live page: the daily curves and the organisation.

Written as SVG text directly (a few milliseconds, against a few hundred for a matplotlib figure)
because every running session redraws after each simulated day, and thirty sessions share two
cores. Text stays text (readable, translatable, testable); intervention marks are groups with
ids ``marker-<day>-<n>-<metric>`` and ``marker-label-<day>-<n>``. Matplotlib
(:mod:`servicesim.viz.charts`) still draws the PNG downloads.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd
from matplotlib import colormaps

from servicesim.model.organisation import BACK, FRONT, MANAGER, PAYROLL

from .charts import CHART_METRICS, MARKER_COLOUR, SIDE_COLOURS, org_layout
from .i18n import metric_label, metric_unit, number, t

_CMAP = {name: colormaps[name] for name in ("RdYlGn", "RdYlGn_r")}


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if not math.isfinite(lo) or not math.isfinite(hi):
        return []
    if hi <= lo:
        hi = lo + (abs(lo) * 0.1 or 1.0)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= 0.7 * raw)
    start = math.ceil(lo / step - 1e-9) * step
    ticks, v = [], start
    while v <= hi + 1e-9 * step:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _digits(ticks: list[float]) -> int:
    if len(ticks) < 2:
        return 2
    step = abs(ticks[1] - ticks[0])
    mag = math.floor(math.log10(step))
    return max(0, min(4, -mag + (1 if step / 10 ** mag == 2.5 else 0)))


def _points(xs: np.ndarray, ys: np.ndarray, fx, fy) -> str:
    ok = np.isfinite(ys)
    return " ".join(f"{fx(x):.1f},{fy(y):.1f}" for x, y in zip(xs[ok], ys[ok], strict=True))


#: Where a measure's scale naturally starts; an axis that does not reach it says it is zoomed.
NATURAL_FLOOR = {"csat": 1.0, "weakest_team_csat": 1.0, "nps": None}


def series_panels(sides: list[tuple[str, pd.DataFrame]], markers: list[tuple[int, str]], lang: str,
                  metrics=CHART_METRICS, zero_line: bool = False) -> str:
    """The same curves as :func:`series_svg`, one small SVG per measure inside a CSS grid (two
    columns on a wide screen, one on a phone: the page's CSS decides), drawn once for both."""
    out = ['<div class="ss-panels">']
    for k, m in enumerate(metrics):
        out.append(series_svg(sides if k == 0 else [(label, df) for label, df in sides], markers, lang,
                              metrics=(m,), width=500, zero_line=zero_line, cols=1, legend=(k == 0),
                              labels=(k == 0)))
    out.append("</div>")
    return "".join(out)


def series_svg(sides: list[tuple[str, pd.DataFrame]], markers: list[tuple[int, str]], lang: str,
               metrics=CHART_METRICS, width: int = 1000, zero_line: bool = False, cols: int = 2,
               legend: bool = True, labels: bool = True) -> str:
    """Small multiples of daily curves, one panel per metric (``zero_line``: the scale always
    includes 0 and draws it, for differences). Every panel title carries its unit; a scale that
    does not start at the measure's natural floor says "zoomed". ``cols=1`` stacks the panels
    (phones); the legend then takes one line per side."""
    cols = max(1, int(cols))
    pw, ph = width // cols, 170
    rows = math.ceil(len(metrics) / cols)
    legend_lines = 1 if cols > 1 else max(1, len(sides))
    top = (8 + 18 * legend_lines) if len(sides) > 1 and legend else 4
    height = top + rows * ph + 24
    single = len(sides) == 1
    frames = [(label, df) for label, df in sides if df is not None and not df.empty]
    last_day = max([int(df["day"].max()) for _l, df in frames] + [1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" '
           f'font-size="11" role="img">']
    if not single and legend:
        out += _series_legend(sides, width, cols)
    xticks = sorted({int(v) for v in nice_ticks(0, last_day, 5) if float(v).is_integer()})
    for k, m in enumerate(metrics):
        box = ((k % cols) * pw, top + (k // cols) * ph, pw, ph)
        out += _series_panel(m, box, frames, markers, lang, last_day, xticks, single=single,
                             zero_line=zero_line, marker_labels=(k == 0 and labels))
    out.append(f'<text x="{width / 2}" y="{height - 4}" text-anchor="middle" fill="#444">'
               f'{t("common.days", lang)}</text>')
    out.append("</svg>")
    return "".join(out)


def _series_legend(sides: list[tuple[str, pd.DataFrame]], width: int, cols: int) -> list[str]:
    """One coloured line and name per side: side by side on a wide chart, stacked on phones."""
    out = []
    x, y = (width / 2 - 300, 12) if cols > 1 else (10, 12)
    for i, (label, _df) in enumerate(sides):
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{SIDE_COLOURS[i % 2]}" '
                   f'stroke-width="2.5"/>'
                   f'<text x="{x + 30}" y="{y + 4}" class="legend">{escape(label)}</text>')
        if cols > 1:
            x += 300          # room for a long French name; one line per side on phones
        else:
            y += 18
    return out


def _metric_series(frames: list[tuple[str, pd.DataFrame]], m: str) -> list[tuple]:
    """(side index, days, daily values, 10-day rolling mean) for each side that has metric ``m``."""
    series = []
    for i, (_label, df) in enumerate(frames):
        if m in df:
            y = df[m].to_numpy(dtype=float)
            series.append((i, df["day"].to_numpy(dtype=float), y,
                           pd.Series(y).rolling(10, min_periods=1).mean().to_numpy()))
    return series


def _value_scale(series: list[tuple], single: bool, zero_line: bool) -> tuple[float, float, list[float], int]:
    """The panel's vertical range (low, high), its ticks, and how many finite values were drawn
    (the raw values for one side, the smoothed ones when comparing)."""
    vals = np.concatenate([s[2] if single else s[3] for s in series]) if series else np.array([])
    vals = vals[np.isfinite(vals)]
    lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
    if zero_line:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-9:
        lo, hi = lo - (abs(lo) * 0.05 or 0.5), hi + (abs(hi) * 0.05 or 0.5)
    yt = nice_ticks(lo, hi, 4)
    if yt:
        lo, hi = min(lo, yt[0]), max(hi, yt[-1])
    return lo, hi, yt, len(vals)


def _is_zoomed(m: str, lo: float, hi: float, n_values: int, zero_line: bool) -> bool:
    """Whether the scale leaves out the measure's natural floor (0 when it has none)."""
    floor = NATURAL_FLOOR.get(m, 0.0)
    return (not zero_line) and n_values > 0 and (
        (floor is None and not lo <= 0.0 <= hi) or (floor is not None and lo > floor + 1e-9))


def _series_panel(m: str, box: tuple[int, int, int, int], frames, markers, lang: str, last_day: int,
                  xticks: list[int], *, single: bool, zero_line: bool, marker_labels: bool) -> list[str]:
    """One measure's panel at ``box`` = (left, top, width, height): title with unit, axes, curves
    and intervention markers (their labels only when ``marker_labels``)."""
    ml, mr, mt, mb = 52, 14, 22, 20
    ox, oy, pw, ph = box
    x0, x1, y0, y1 = ox + ml, ox + pw - mr, oy + mt, oy + ph - mb
    series = _metric_series(frames, m)
    lo, hi, yt, n_values = _value_scale(series, single, zero_line)

    def fx(v):
        return x0 + (x1 - x0) * v / last_day

    def fy(v):
        return y1 - (y1 - y0) * (v - lo) / (hi - lo)

    title = metric_label(m, lang)
    unit_text = metric_unit(m, lang)
    if unit_text:
        title += f" ({unit_text})"
    out = [f'<g class="panel panel-{m}"><text x="{x0}" y="{oy + 14}" font-size="12.5">{escape(title)}</text>']
    if _is_zoomed(m, lo, hi, n_values, zero_line):
        out.append(f'<text x="{x1}" y="{oy + 14}" text-anchor="end" font-size="10.5" fill="#8a5a00" '
                   f'class="zoomed">{escape(t("chart.zoomed", lang))}</text>')
    out += _panel_axes(x0, x1, y1, yt, xticks, fx, fy, lang, zero_line)
    for i, xs, y, smooth in series:
        colour = SIDE_COLOURS[i % 2]
        if single:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-opacity="0.35" stroke-width="1" '
                       f'points="{_points(xs, y, fx, fy)}"/>')
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" class="series-{i}" '
                   f'points="{_points(xs, smooth, fx, fy)}"/>')
    for j, (day, text) in enumerate(markers):
        out.append(f'<g id="marker-{day}-{j}-{m}"><line x1="{fx(day):.1f}" x2="{fx(day):.1f}" '
                   f'y1="{y0}" y2="{y1}" stroke="{MARKER_COLOUR}" stroke-dasharray="4 3"/></g>')
        if marker_labels:
            out.append(f'<g id="marker-label-{day}-{j}"><text x="{fx(day) + 3:.1f}" '
                       f'y="{y0 + 10 + 11 * (j % 4)}" fill="{MARKER_COLOUR}" font-size="10">'
                       f'{escape(text)}</text></g>')
    out.append("</g>")
    return out


def _panel_axes(x0, x1, y1, yt, xticks, fx, fy, lang: str, zero_line: bool) -> list[str]:
    """Horizontal grid lines with their values, day ticks, the baseline and (for differences)
    the dashed zero line."""
    out = []
    digits = _digits(yt)
    for v in yt:
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{fy(v):.1f}" y2="{fy(v):.1f}" stroke="#e6e6e6"/>'
                   f'<text x="{x0 - 4}" y="{fy(v) + 4:.1f}" text-anchor="end" fill="#444">'
                   f'{number(v, lang, digits)}</text>')
    for v in xticks:
        out.append(f'<text x="{fx(v):.1f}" y="{y1 + 14}" text-anchor="middle" fill="#444">'
                   f'{number(int(v), lang, 0)}</text>')
    out.append(f'<line x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}" stroke="#888"/>')
    if zero_line:
        out.append(f'<line class="zero" x1="{x0}" x2="{x1}" y1="{fy(0.0):.1f}" y2="{fy(0.0):.1f}" '
                   f'stroke="#222" stroke-dasharray="4 3"/>')
    return out


def _hex(rgba: np.ndarray) -> list[str]:
    c = (np.clip(rgba[:, :3], 0, 1) * 255).astype(int)
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in c]


#: Beyond this many posts the organisation is drawn one mark per team or unit, not per person.
AGGREGATE_ABOVE = 400


def _colour_state(model, colour_by: str):
    """Each person's value of the coloured measure, and the colour map (red is bad: stress reversed)."""
    state = {"engagement": model.people.engagement, "stress": model.people.stress,
             "culture_alignment": model.people.alignment}[colour_by]
    cmap = _CMAP["RdYlGn_r" if colour_by == "stress" else "RdYlGn"]
    return state, cmap


def _role_mark(role: int, x: float, y: float, r: float, attrs: str, inner: str = "") -> str:
    """One mark by role: ▲ manager, ● front, ■ back office, ◆ payroll; ``inner`` (e.g. a
    ``<title>``) goes inside the element."""
    def close(tag):
        return f">{inner}</{tag}>" if inner else "/>"

    if role == MANAGER:
        return (f'<polygon points="{x:.1f},{y - r:.1f} {x - r:.1f},{y + r * 0.8:.1f} '
                f'{x + r:.1f},{y + r * 0.8:.1f}" {attrs}{close("polygon")}')
    if role == FRONT:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {attrs}{close("circle")}'
    if role == BACK:
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
                f'{attrs}{close("rect")}')
    return (f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} '
            f'{x - r:.1f},{y:.1f}" {attrs}{close("polygon")}')


def _colour_scale(cmap, gradient_id: str, lang: str, width: int, height: int) -> list[str]:
    """The vertical colour bar at the right edge, labelled 0, 0.5 and 1."""
    gx = width - 55
    stops = "".join(f'<stop offset="{v:.2f}" stop-color="{c}"/>'
                    for v, c in zip(np.linspace(0, 1, 6), _hex(cmap(np.linspace(1, 0, 6))), strict=True))
    out = [f'<defs><linearGradient id="{gradient_id}" x1="0" y1="0" x2="0" y2="1">{stops}'
           f'</linearGradient></defs>'
           f'<rect x="{gx}" y="30" width="12" height="{height - 70}" fill="url(#{gradient_id})" '
           f'stroke="#999"/>']
    for v in (0.0, 0.5, 1.0):
        y = 30 + (height - 70) * (1 - v)
        out.append(f'<text x="{gx + 16}" y="{y + 4:.1f}" fill="#444">{number(v, lang, 1)}</text>')
    return out


def network_svg(model, colour_by: str, lang: str, width: int = 1000, height: int = 330) -> str:
    org = model.org
    if org.size > AGGREGATE_ABOVE:
        return grouped_network_svg(model, colour_by, lang, width, height)
    pos = org_layout(model)
    state, cmap = _colour_state(model, colour_by)
    xmin, xmax = float(pos[:, 0].min()), float(pos[:, 0].max())
    ymin, ymax = -1.2, float(pos[:, 1].max())
    plot_w = width - 90
    px = 20 + (plot_w - 30) * (pos[:, 0] - xmin) / max(xmax - xmin, 1e-9)
    py = 26 + (height - 42) * (ymax - pos[:, 1]) / max(ymax - ymin, 1e-9)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" '
           f'font-size="10">']
    lines = [f"M{px[i]:.1f} {py[i]:.1f}L{px[b]:.1f} {py[b]:.1f}" for i, b in enumerate(org.boss) if b >= 0]
    out.append(f'<path d="{"".join(lines)}" stroke="#cfcfcf" stroke-width="0.7" fill="none"/>')
    out += _people_marks(model, px, py, _hex(cmap(np.clip(state, 0, 1))))
    if org.n_teams <= 60:
        out += _team_open_counts(model, px, height)
    out += _colour_scale(cmap, f"scale-{colour_by}", lang, width, height)
    out.append(f'<text x="{width - 55 + 6}" y="12" text-anchor="middle" fill="#444">'
               f'{escape(t(f"explore.colour.{colour_by}", lang))}</text>')
    out.append("</svg>")
    return "".join(out)


def _people_marks(model, px: np.ndarray, py: np.ndarray, colours: list[str]) -> list[str]:
    """One mark per post, sized by the requests it holds; a vacant post is an empty grey outline."""
    org = model.org
    held = model.chain.open_by_employee()
    vacant = model.people.vacant > 0
    unit = min(1.0, 260.0 / max(org.size, 1)) ** 0.5
    base = {MANAGER: 9.0, FRONT: 4.0, BACK: 4.0, PAYROLL: 4.5}
    out = []
    for i in range(org.size):
        role = int(org.role[i])
        r = unit * base[role] * (1.0 + 0.35 * math.sqrt(min(float(held[i]), 30.0)))
        fill, stroke = ("none", "#9e9e9e") if vacant[i] else (colours[i], "#333")
        attrs = f'fill="{fill}" stroke="{stroke}" stroke-width="0.6" class="node role-{role}"'
        out.append(_role_mark(role, px[i], py[i], r, attrs))
    return out


def _team_open_counts(model, px: np.ndarray, height: int) -> list[str]:
    """Each front team's open requests, written under the team."""
    org = model.org
    open_team = model.chain.open_by_team()
    out = []
    for k in range(org.n_teams):
        members = org.front[org.team[org.front] == k]
        if len(members):
            out.append(f'<text x="{px[members].mean():.1f}" y="{height - 4}" text-anchor="middle" fill="#555" '
                       f'class="team-open">{int(open_team[k])}</text>')
    return out


def grouped_network_svg(model, colour_by: str, lang: str, width: int = 1000, height: int = 330) -> str:
    """A large organisation, one mark per front team (●), back-office unit (■) and the payroll unit
    (◆), sized by headcount and coloured by the group's mean; managers as one row of ▲ per level
    with their count. A few hundred elements whatever the size (the browser stays responsive)."""
    org = model.org
    state, cmap = _colour_state(model, colour_by)
    held = model.chain.open_by_employee()
    groups = _staff_groups(org)
    per_row = max(1, min(len(groups), 120))
    rows = math.ceil(len(groups) / per_row)
    plot_w = width - 90
    step_x = (plot_w - 30) / max(per_row, 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" font-family="sans-serif" '
           f'font-size="10" class="grouped">']
    out.append(f'<text x="20" y="14" fill="#555" class="grouped-note">'
               f'{escape(t("explore.grouped", lang, n=len(groups)))}</text>')
    out += _manager_levels(org, lang, plot_w)
    base_y = 34 + int(org.level.astype(int).max()) * 22 + 16
    row_h = max(14.0, (height - base_y - 10) / max(rows, 1))
    biggest = max(len(m) for _r, m in groups)
    for g, (role, members) in enumerate(groups):
        x = 20 + step_x * (g % per_row + 0.5)
        y = base_y + row_h * (g // per_row + 0.5)
        r = max(1.5, min(step_x * 0.45, row_h * 0.45) * math.sqrt(len(members) / biggest))
        colour = _hex(cmap(np.clip([float(np.mean(state[members]))], 0, 1)))[0]
        load = int(np.sum(held[members]))
        attrs = f'fill="{colour}" stroke="#333" stroke-width="0.5" class="node role-{role}"'
        out.append(_role_mark(role, x, y, r, attrs, f"<title>{len(members)} · {load}</title>"))
    out += _colour_scale(cmap, f"gscale-{colour_by}", lang, width, height)
    out.append("</svg>")
    return "".join(out)


def _staff_groups(org) -> list[tuple[int, np.ndarray]]:
    """(role, members) for each non-empty front team, back-office unit and the payroll unit."""
    groups = []
    for k in range(org.n_teams):
        groups.append((FRONT, org.front[org.team[org.front] == k]))
    for u in range(org.n_units):
        groups.append((BACK, org.back[org.team[org.back] == u]))
    groups.append((PAYROLL, org.payroll))
    return [(r, m) for r, m in groups if len(m)]


def _manager_levels(org, lang: str, plot_w: int) -> list[str]:
    """One ▲ per management level, top level first, with how many managers it has."""
    levels = org.level.astype(int)
    top_level = int(levels.max())
    out = []
    for lvl in range(top_level, 0, -1):
        n = int(np.sum((org.role == MANAGER) & (levels == lvl)))
        y = 34 + (top_level - lvl) * 22
        x = 20 + (plot_w - 30) / 2
        out.append(f'<polygon points="{x:.1f},{y - 7:.1f} {x - 7:.1f},{y + 5:.1f} {x + 7:.1f},{y + 5:.1f}" '
                   f'fill="#90a4ae" stroke="#333" stroke-width="0.6" class="node role-{MANAGER}"/>'
                   f'<text x="{x + 12:.1f}" y="{y + 4:.1f}" fill="#444">{number(n, lang, 0)}</text>')
    return out
