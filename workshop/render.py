"""The class board and its figures as HTML and SVG text, shared by the pages, the projector and the export.

SVG is written directly (as the app's live drawings are, :mod:`servicesim.viz.svg`): a figure per
predicted number, each prediction a dot with its author's name, the outcome a line inside its 95 %
interval band; for a sweep, the curve of the swept measure with its band and the peak marked.
"""

from __future__ import annotations

from html import escape

from servicesim.viz.i18n import metric_label, number
from servicesim.viz.svg import nice_ticks

from . import questionnaire as Q
from .board import Board, choice_text, fmt, outcome_text
from .texts import t

BAND, LINE, DOT, DOT_OK, ME = "#c8e6c9", "#1b5e20", "#1f3b5a", "#2e7d32", "#ff8f00"


def board_table(board: Board, lang: str, me: int | None = None) -> str:
    """The board as an HTML table: one row per participant, one column per predicted field, the outcome
    row last."""
    ex = board.exercise
    head = "".join(f"<th>{escape(t(f'field.{a.field}', lang))}</th>" for a in ex.predict)
    rows = []
    for r in board.rows:
        cells = []
        for a in ex.predict:
            v = r.values.get(a.field)
            if v is None:
                cells.append("<td>—</td>")
                continue
            text = choice_text(ex, v, lang) if a.choices else fmt(a.field, float(v), lang, a.field != "peak")
            ok = r.right if a.choices else r.inside.get(a.field)
            cls = " class='ss-ok'" if ok else ""
            mark = " ✓" if ok else ""
            cells.append(f"<td{cls}>{escape(text)}{mark}</td>")
        name = escape(r.name) + (f" <small>({escape(t('board.you', lang))})</small>" if r.pid == me else "")
        own = ""
        if ex.kind == "questionnaire":
            own = f"<td>{escape(_own_text(r, lang))}</td>"
        rows.append(f"<tr{' class=ss-me' if r.pid == me else ''}><td>{name}</td>{''.join(cells)}{own}</tr>")
    if board.ready and ex.kind != "questionnaire":
        outs = "".join(f"<td>{escape(outcome_text(board, a.field, lang))}</td>" for a in ex.predict)
        rows.append(f"<tr class='ss-outcome'><th>{escape(t('board.outcome', lang))}</th>{outs}</tr>")
    own_head = (f"<th>{escape(t('board.own', lang, low=int(Q.BAND[0]), high=int(Q.BAND[1])))}</th>"
                if ex.kind == "questionnaire" else "")
    return (f"<table class='ss-board'><thead><tr><th>{escape(t('board.name', lang))}</th>{head}{own_head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _own_text(row, lang: str) -> str:
    gap = row.outcome.get("csat_gap")
    if not gap:
        return "—"
    return f"{fmt('csat_gap', gap[0], lang)} ({fmt('csat_gap', gap[1], lang)} … {fmt('csat_gap', gap[2], lang)})"


def field_svg(board: Board, fld: str, lang: str, width: int = 640, me: int | None = None) -> str:
    """Every prediction of ``fld`` as a dot against the outcome's line and band (a strip plot, one row
    per participant so names never overlap)."""
    ask = board.exercise.ask(fld)
    target = board.outcome.get(fld)
    rows = [r for r in board.rows if isinstance(r.values.get(fld), (int, float))]
    lo, hi = ask.low, ask.high
    values = [float(r.values[fld]) for r in rows] + (list(target) if isinstance(target, tuple) else [])
    if values:
        lo, hi = min(lo, *values), max(hi, *values)
    # zoom to what is there (predictions and outcome) with a margin, within the field's range
    if values:
        span = max(values) - min(values)
        pad = max(span * 0.15, (ask.high - ask.low) * 0.03)
        lo, hi = max(lo, min(values) - pad), min(hi, max(values) + pad)
    if hi <= lo:
        hi = lo + 1
    left, right, top, row_h = 110, 16, 28, 22
    height = top + row_h * max(1, len(rows)) + 34
    plot_w = width - left - right

    def fx(x: float) -> float:
        return left + (x - lo) / (hi - lo) * plot_w

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' class='ss-board-fig' "
             f"role='img' aria-label='{escape(t(f'field.{fld}', lang))}'>",
             f"<text x='{left}' y='16' font-size='14' font-weight='600'>{escape(t(f'field.{fld}', lang))}</text>"]
    bottom = height - 30
    if isinstance(target, tuple):
        band_w = max(2.0, fx(target[2]) - fx(target[1]))
        parts.append(f"<rect x='{fx(target[1]):.1f}' y='{top - 4}' width='{band_w:.1f}' "
                     f"height='{bottom - top + 4}' fill='{BAND}'/>")
        parts.append(f"<line x1='{fx(target[0]):.1f}' x2='{fx(target[0]):.1f}' y1='{top - 4}' y2='{bottom}' "
                     f"stroke='{LINE}' stroke-width='2.5'/>")
    ticks = [x for x in nice_ticks(lo, hi, 5) if lo <= x <= hi]
    digits = 0 if all(abs(x - round(x)) < 1e-9 for x in ticks) else (1 if all(
        abs(x * 10 - round(x * 10)) < 1e-9 for x in ticks) else 2)
    parts.append(f"<line x1='{left}' x2='{left + plot_w}' y1='{bottom}' y2='{bottom}' stroke='#607d8b'/>")
    for x in ticks:
        parts.append(f"<line x1='{fx(x):.1f}' x2='{fx(x):.1f}' y1='{bottom}' y2='{bottom + 5}' stroke='#607d8b'/>"
                     f"<text x='{fx(x):.1f}' y='{bottom + 18}' font-size='12' text-anchor='middle'>"
                     f"{escape(number(x, lang, digits))}</text>")
    if lo < 0 < hi and fld != "peak":
        parts.append(f"<line x1='{fx(0):.1f}' x2='{fx(0):.1f}' y1='{top - 4}' y2='{bottom}' stroke='#90a4ae' "
                     "stroke-dasharray='3 3'/>")
    for i, r in enumerate(rows):
        y = top + row_h * i + row_h / 2
        v = float(r.values[fld])
        colour = ME if r.pid == me else (DOT_OK if r.inside.get(fld) else DOT)
        parts.append(f"<text x='{left - 8}' y='{y + 4:.1f}' font-size='12' text-anchor='end'>"
                     f"{escape(r.name[:18])}</text>"
                     f"<circle cx='{fx(v):.1f}' cy='{y:.1f}' r='6' fill='{colour}'><title>{escape(r.name)}: "
                     f"{escape(fmt(fld, v, lang))}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def sweep_svg(result: dict, lang: str, width: int = 640, height: int = 260) -> str:
    """The swept measure against the swept value: means with their 95 % band, the peak marked."""
    pts = result["points"]
    xs = [p["value"] for p in pts]
    lows = [p["low"] if p["low"] is not None else p["mean"] for p in pts]
    highs = [p["high"] if p["high"] is not None else p["mean"] for p in pts]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(lows), max(highs)
    pad = (y1 - y0) * 0.1 or 0.1
    y0, y1 = y0 - pad, y1 + pad
    left, right, top, bottom = 60, 20, 28, height - 34

    def fx(x):
        return left + (x - x0) / ((x1 - x0) or 1) * (width - left - right)

    def fy(y):
        return bottom - (y - y0) / ((y1 - y0) or 1) * (bottom - top)

    band = " ".join(f"{fx(x):.1f},{fy(h):.1f}" for x, h in zip(xs, highs, strict=True)) + " " + " ".join(
        f"{fx(x):.1f},{fy(lo_):.1f}" for x, lo_ in reversed(list(zip(xs, lows, strict=True))))
    line = " ".join(f"{fx(p['value']):.1f},{fy(p['mean']):.1f}" for p in pts)
    label = metric_label(result["metric"], lang)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' class='ss-sweep-fig' "
             f"role='img' aria-label='{escape(label)}'>",
             f"<text x='{left}' y='16' font-size='14' font-weight='600'>{escape(label)}</text>",
             f"<polygon points='{band}' fill='{BAND}'/>",
             f"<polyline points='{line}' fill='none' stroke='{LINE}' stroke-width='2.5'/>",
             f"<line x1='{left}' x2='{width - right}' y1='{bottom}' y2='{bottom}' stroke='#607d8b'/>"]
    for x in xs:
        parts.append(f"<text x='{fx(x):.1f}' y='{bottom + 18}' font-size='12' text-anchor='middle'>"
                     f"{escape(number(x, lang, 2))}</text>")
    for y in nice_ticks(y0, y1, 4):
        if y0 <= y <= y1:
            parts.append(f"<text x='{left - 6}' y='{fy(y) + 4:.1f}' font-size='12' text-anchor='end'>"
                         f"{escape(number(y, lang, 2))}</text>")
    peak = next(p for p in pts if p["value"] == result["peak"])
    parts.append(f"<circle cx='{fx(peak['value']):.1f}' cy='{fy(peak['mean']):.1f}' r='7' fill='{ME}'/>")
    parts.append(f"<text x='{(left + width - right) / 2:.0f}' y='{height - 2}' font-size='12' text-anchor='middle'>"
                 f"{escape(result['param'])}</text></svg>")
    return "".join(parts)


def figures(board: Board, result: dict | None, lang: str, me: int | None = None, width: int = 640) -> list[str]:
    """Every figure of the board (nothing before the outcome is known)."""
    if not board.ready:
        return []
    out = [field_svg(board, fld, lang, width=width, me=me) for fld in board.numeric_fields
           if any(fld in r.values for r in board.rows)]
    if result and result.get("kind") == "sweep":
        out.insert(0, sweep_svg(result, lang, width=width))
    return out


__all__ = ["board_table", "field_svg", "sweep_svg", "figures"]
