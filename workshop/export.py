"""The debrief export of a room: a CSV of every prediction and its outcome, and a printable HTML page
(print styles: A4, no buttons, figures kept whole) with, for each exercise pushed, the verdict, the
figures, the class board and the debrief questions — in the room's language (or any other asked)."""

from __future__ import annotations

import csv
import io
import time
from html import escape

from . import board as B
from .render import board_table, figures
from .rooms import Rooms
from .texts import t

PRINT_CSS = """
body { font-family: system-ui, sans-serif; color: #263238; max-width: 900px; margin: 24px auto;
  padding: 0 16px; }
h1 { font-size: 1.6rem; margin-bottom: 0; }
h2 { font-size: 1.3rem; margin-top: 32px; border-bottom: 2px solid #1f3b5a; }
.ss-verdict { font-size: 1.15rem; font-weight: 600; color: #1f3b5a; }
.ss-board { border-collapse: collapse; margin: 8px 0; }
.ss-board td, .ss-board th { border-bottom: 1px solid #cfd8dc; padding: 3px 10px; text-align: left; }
.ss-board .ss-outcome { background: #e8f5e9; }
.ss-ok { color: #1b5e20; font-weight: 600; }
svg { width: 100%; max-width: 640px; height: auto; display: block; margin: 8px 0; }
.ss-note { color: #607d8b; font-size: 0.9rem; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { margin: 0; max-width: none; }
  .ss-note { display: none; }
  section { break-before: page; } section:first-of-type { break-before: auto; }
  svg, table, .ss-questions { break-inside: avoid; }
}
"""


def _exercise_parts(rooms: Rooms, code: str):
    """(exercise, participants, predictions, run, outcomes, board) of every exercise pushed to the room."""
    store = rooms.store
    cat = rooms.catalogue()
    participants = store.participants(code)
    for push in store.pushes(code):
        ex = cat.exercises.get(push["exercise"])
        if ex is None:
            continue
        preds = store.predictions(code, ex.id)
        run = store.run(code, ex.id)
        own = store.outcomes(code, ex.id)
        result = run["result"] if run else None
        yield ex, preds, result, own, B.build(ex, participants, preds, result, own)


def csv_text(rooms: Rooms, code: str, lang: str | None = None) -> str:
    """One row per participant, exercise and predicted field: the prediction, the outcome and its interval,
    the error; French uses ';' and a decimal comma (as the app's other CSV exports)."""
    room = rooms._room(code)
    lang = lang or room["lang"]
    sep, comma = (";", True) if lang == "fr" else (",", False)

    def num(x):
        if x is None:
            return ""
        text = f"{x:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if comma else text

    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\n")
    w.writerow([t(f"csv.{k}", lang) for k in ("exercise", "participant", "field", "prediction", "outcome", "low",
                                              "high", "error", "right_direction")])
    for ex, _preds, _result, _own, board in _exercise_parts(rooms, room["code"]):
        for row in board.rows:
            for ask in ex.predict:
                value = row.values.get(ask.field)
                target = row.outcome.get(ask.field)
                if ask.choices:
                    cells = [value, target or "", "", "", ""]
                else:
                    trip = target if isinstance(target, tuple) else (None, None, None)
                    cells = [num(value), num(trip[0]), num(trip[1]), num(trip[2]), num(row.error.get(ask.field))]
                right = "" if row.right is None else str(int(row.right))
                w.writerow([ex.id, row.name, ask.field, *cells, right])
    return out.getvalue()


def html_page(rooms: Rooms, code: str, lang: str | None = None) -> str:
    """The printable debrief page of the room."""
    room = rooms._room(code)
    lang = lang or room["lang"]
    date = time.strftime("%Y-%m-%d", time.localtime(room["created"]))
    sections = []
    for ex, _preds, result, own, board in _exercise_parts(rooms, room["code"]):
        verdict = B.verdict(ex, result, lang, own)
        figs = "".join(figures(board, result, lang))
        summary = "".join(f"<li>{escape(line)}</li>" for line in B.summary_lines(board, lang))
        questions = "".join(f"<li>{escape(q)}</li>" for q in ex.questions.get(lang, ex.questions["en"]))
        notice = ex.text("notice", lang)
        credit = f"<p class='ss-credit'><small>{escape(t('room.credit', lang, credit=ex.text('credit', lang)))}" \
            "</small></p>" if ex.text("credit", lang) else ""
        sections.append(
            f"<section><h2>{escape(ex.text('title', lang))}</h2>"
            f"<p>{escape(ex.text('brief', lang))}</p>"
            + (f"<p class='ss-verdict'>{escape(verdict)}</p>" if verdict else "")
            + f"<h3>{escape(t('board.title', lang))}</h3><ul>{summary}</ul>{board_table(board, lang)}"
            + (f"<h3>{escape(t('export.figure', lang))}</h3>{figs}" if figs else "")
            + f"<div class='ss-questions'><h3>{escape(t('room.debrief_questions', lang))}</h3><ol>{questions}</ol>"
            + (f"<h3>{escape(t('room.notice', lang))}</h3><p>{escape(notice)}</p>" if notice else "")
            + f"</div>{credit}</section>")
    title = t("export.title", lang, title=t("room.code_big", lang, code=room["code"]))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{PRINT_CSS}</style></head><body><h1>{escape(title)}</h1>"
            f"<p>{escape(t('export.room', lang, code=room['code'], date=date))} — "
            f"{escape(t('room.participants', lang, n=len(rooms.store.participants(room['code']))))}</p>"
            f"<p class='ss-note'>{escape(t('export.print', lang))}</p>{''.join(sections)}</body></html>")


__all__ = ["csv_text", "html_page", "PRINT_CSS"]
