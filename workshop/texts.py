"""Every text of the workshop rooms, in English and French, and the one error type they raise.

The English texts below are the message ids; the French live in the gettext file
``locale/fr/LC_MESSAGES/workshop.po`` (each entry's context is its key here, as in the app's own
catalogue, :mod:`servicesim.viz.i18n`, which this module reads the same way and whose number
formatting it shares; a text that counts is a gettext plural, ``key.one`` and ``key.other`` here,
picked by :func:`tn`). The texts of each exercise (title, brief, questions) live in the exercise's
own file, in both languages.

:class:`WorkshopError` carries a message key and its values, not a sentence: each participant reads
it in their own language (``exc.text("fr")``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from servicesim.viz.i18n import LANGS, norm_lang, number

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "workshop"

EN: dict[str, str] = {
    # --- errors: rooms and participants ------------------------------------------------------------
    "err.code_empty": "Room code: it is empty; allowed: the {n} letters shown by the facilitator.",
    "err.code_unknown": "Room code: no room has the code {code}; allowed: the {n} letters shown by the facilitator.",
    "err.code_closed": "Room code: room {code} is closed; allowed: the code of an open room (ask the facilitator).",
    "err.name_empty": "Your name: it is empty; allowed: 1 to {max} characters.",
    "err.name_long": "Your name: {name} is too long ({length} characters); allowed: 1 to {max} characters.",
    "err.name_taken": "Your name: {name} is already taken in this room; allowed: a name nobody here uses "
                      "(add an initial).",
    "err.not_facilitator": "Only the facilitator can do this: the facilitator link carries a key this page lacks.",
    "err.not_participant": "This room does not know you (any more): join again with the room code and your name.",
    "err.no_exercise": "No exercise has been sent to the room yet: wait for the facilitator.",
    "err.exercise_unknown": "Exercise: {value} is unknown; allowed: {allowed}.",
    "err.phase_unknown": "Phase: {value} is unknown; allowed: {allowed}.",
    "err.timer": "Timer: {value} is not allowed; allowed: a whole number of minutes from 0 to {max} "
                 "(0 stops the timer).",
    "err.locked": "Predictions are locked since the reveal: yours stays as you sent it, a new one cannot be added.",
    "err.not_predicting": "Predictions open once the facilitator has shown the brief; allowed now: read the brief.",
    "err.pred_missing": "{field}: no answer; allowed: {allowed}.",
    "err.pred_range": "{field}: {value} is out of range; allowed: a number from {low} to {high}.",
    "err.pred_number": "{field}: {value} is not a number; allowed: a number from {low} to {high}.",
    "err.pred_choice": "{field}: {value} is not one of the options; allowed: {allowed}.",
    "err.run_failed": "The run of this exercise failed ({detail}); the facilitator can start it again.",
    "err.run_busy": "The run of this exercise has already started; its results will appear when it ends.",
    "err.lang": "Language: {value} is not available; allowed: {allowed}.",
    # --- errors: exercise files --------------------------------------------------------------------
    "err.ex_toml": "Exercise file {file}: not readable as UTF-8 TOML ({detail}); allowed: a TOML file in the "
                   "exercise format (docs/APP.md).",
    "err.ex_field": "Exercise file {file}: field '{field}' = {value} is not allowed; allowed: {allowed}.",
    "err.ex_missing": "Exercise file {file}: field '{field}' is missing; allowed: {allowed}.",
    "err.ex_run": "Exercise file {file}: field '{field}' cannot be run ({detail}); allowed: scenario names, "
                  "parameters and interventions that exist (servicesim scenarios, servicesim params).",
    "err.ex_limit": "Exercise file {file}: field 'run' builds too large an organisation for this server: {detail}; "
                    "allowed: a smaller organisation (teams, team_size, customers_per_front).",
    "err.ex_size": "Exercise file {file}: the run asks for {work} employee-days; allowed: at most {max} on this "
                   "server (fewer days, replicates or a smaller organisation).",
    "allowed.int": "a whole number from {low} to {high}",
    "allowed.number": "a number from {low} to {high}",
    "allowed.text": "a text in English and French (en = \"...\", fr = \"...\")",
    "allowed.texts": "lists of 1 to 6 texts in English and French",
    "allowed.id": "the file's name without .toml, in lower-case letters, digits and _",
    "allowed.low_high": "low < high",
    "allowed.values": "2 to {max} numbers in increasing order",
    "allowed.predict": "1 to 4 [[predict]] tables whose 'field' is one of {fields}",
    "allowed.table": "a table",
    # --- names of things -----------------------------------------------------------------------------
    "phase.lobby": "Waiting",
    "phase.brief": "Brief",
    "phase.predict": "Predict",
    "phase.run": "Run",
    "phase.reveal": "Reveal",
    "phase.debrief": "Debrief",
    "field.direction": "Which does better",
    "field.csat_gap": "Satisfaction gap",
    "field.profit_gap": "Profit gap",
    "field.peak": "Peak",
    "choice.same": "About the same",
    "choice.a": "{a}",
    "choice.b": "{b}",
    "kind.compare": "two organisations",
    "kind.sweep": "a curve",
    "kind.questionnaire": "questionnaire",
    # --- verdict, board ----------------------------------------------------------------------------------
    "verdict.ahead": "{b}: satisfaction {b_csat} against {a_csat}, ahead on {ahead} of {n} measures; "
                     "profit {b_profit} against {a_profit} salary-days a day.",
    "verdict.ahead_a": "{a}: satisfaction {a_csat} against {b_csat}, ahead on {ahead} of {n} measures; "
                       "profit {a_profit} against {b_profit} salary-days a day.",
    "verdict.same": "Neither clearly serves customers better: satisfaction {b_csat} ({b}) against {a_csat} ({a}); "
                    "{b} ahead on {ahead_b} of {n} measures, {a} on {ahead_a}; profit {b_profit} against {a_profit} "
                    "salary-days a day.",
    "verdict.sweep": "{metric} peaks at {param} = {peak} ({value}); from {low} to {high} the data cannot tell "
                     "the values apart.",
    "verdict.questionnaire.one": "{n} organisation described; under culture-first management its satisfaction "
                                 "changes by {mean}.",
    "verdict.questionnaire.other": "{n} organisations described; under culture-first management satisfaction "
                                   "changes by {mean} on average (from {low} to {high} from one organisation to "
                                   "the next).",
    "board.title": "Class board",
    "board.outcome": "Outcome",
    "board.interval": "95 % interval {low} to {high}",
    "board.right_direction": "{right} of {n} predicted the right direction.",
    "board.closest": "Closest on {field}: {names} ({value}).",
    "board.inside": "{inside} of {n} inside the interval.",
    "board.none": "No prediction yet.",
    "board.name": "Name",
    "board.you": "you",
    "board.waiting_run": "The outcome appears when the run has finished.",
    "board.peak_out": "{peak} (the data cannot tell it from {low} to {high})",
    "board.own": "Own organisation: median ({low}th to {high}th percentile of its versions)",
    "board.direction_out.a": "{a} better",
    "board.direction_out.b": "{b} better",
    "board.direction_out.same": "no clear difference",
    # --- pages ---------------------------------------------------------------------------------------
    "nav.room": "Workshop",
    "room.title": "Workshop room",
    "room.intro": "A facilitator opens a room; participants join it with its code and a name (no account).",
    "room.open": "Open a room",
    "room.open_lang": "Room language",
    "room.opened": "Room {code} is open. Keep the facilitator link to yourself: whoever holds it drives the room.",
    "room.code_label": "Room code",
    "room.name_label": "Your name",
    "room.join": "Join",
    "room.facilitator_link": "Facilitator link",
    "room.participant_link": "Participants go to",
    "room.projector_link": "Projector",
    "room.export": "Debrief export",
    "room.export_csv": "Predictions and outcomes (CSV)",
    "room.export_html": "Printable page (HTML)",
    "room.code_big": "Room {code}",
    "room.join_at": "Join at {url} with the code {code}",
    "room.participants": "Participants ({n})",
    "room.answered": "Answered: {answered} of {n}",
    "room.waiting_for": "Waiting for: {names}",
    "room.push": "Send to everyone",
    "room.exercise": "Exercise",
    "room.phase": "Phase",
    "room.next_phase": "Next: {phase}",
    "room.timer_label": "Timer (minutes)",
    "room.timer_set": "Start the timer",
    "room.time_left": "{time} left",
    "room.time_up": "Time is up",
    "room.run": "Run the exercise",
    "room.run_queued": "Waiting for the server ({ahead} runs ahead)",
    "room.run_progress": "Running: {done} of {total} simulations",
    "room.run_done": "Run finished.",
    "room.run_failed": "The run failed: {detail}",
    "room.close": "Close the room",
    "room.closed": "This room is closed.",
    "room.welcome": "Welcome, {name}.",
    "room.wait_exercise": "Waiting for the facilitator to send an exercise.",
    "room.wait_phase": "Waiting for the facilitator.",
    "room.submit": "Send my prediction",
    "room.saved": "Prediction saved. You can change it until the reveal.",
    "room.your_prediction": "Your prediction",
    "room.locked_note": "Predictions are locked.",
    "room.no_prediction": "You sent no prediction for this exercise.",
    "room.debrief_questions": "Questions for the room",
    "room.notice": "What to notice",
    "room.numbers": "The room's numbers",
    "room.questionnaire_missing": "The questionnaire is not available on this server yet.",
    "room.questionnaire_done": "Thank you: your organisation has been simulated.",
    "room.credit": "After: {credit}",
    "room.minutes": "{minutes} min",
    "room.bad_link": "This link is incomplete: it needs the room code.",
    "room.problem": "Something went wrong on the server; the room is unchanged. Try again.",
    "export.title": "Debrief — {title}",
    "export.room": "Room {code}, {date}",
    "export.figure": "Predictions against the outcome",
    "export.print": "Print this page or save it as PDF from the browser.",
    "csv.participant": "participant",
    "csv.exercise": "exercise",
    "csv.field": "field",
    "csv.prediction": "prediction",
    "csv.outcome": "outcome",
    "csv.low": "interval_low",
    "csv.high": "interval_high",
    "csv.right_direction": "right_direction",
    "csv.error": "error",
}

_FR_CACHE: dict[str, dict[str, str]] = {}


def read_catalogue(lang: str) -> dict[str, str]:
    """The translations of ``lang`` from the workshop's .po file, keyed like :data:`EN`; an entry whose
    English no longer matches is left out (the page shows the English until it is updated)."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out: dict[str, str] = {}
    for m in catalog:
        if not m.id or not m.context or m.fuzzy:
            continue
        if isinstance(m.id, (tuple, list)):            # a plural entry: key.one and key.other, as the app's
            forms = list(m.string)
            if EN.get(f"{m.context}.one") == m.id[0] and EN.get(f"{m.context}.other") == m.id[1] and all(forms):
                out[f"{m.context}.one"], out[f"{m.context}.other"] = forms[0], forms[-1]
        elif m.string and EN.get(m.context) == m.id:
            out[m.context] = m.string
    return out


def catalogue(lang: str) -> dict[str, str]:
    lang = norm_lang(lang)
    if lang == "en":
        return EN
    if lang not in _FR_CACHE:
        _FR_CACHE[lang] = read_catalogue(lang)
    return _FR_CACHE[lang]


class Msg:
    """A text to translate later: a key and its values (values may themselves be :class:`Msg`)."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.values)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {self.values!r})"


class Later:
    """A text written in the reader's language when it is read: ``fn(lang)`` (e.g. a model error's detail)."""

    def __init__(self, fn):
        self.fn = fn

    def text(self, lang: str = "en") -> str:
        return self.fn(lang)


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, (Msg, Later)):
        return value.text(lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return number(value, lang, 0)
    if isinstance(value, float):
        text = number(value, lang, 2)
        return text.rstrip("0").rstrip(",.") if "," in text or "." in text else text
    return str(value)


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The workshop text ``key`` in ``lang`` (English if missing) with ``values`` filled in (numbers in the
    language's notation, :class:`Msg` values translated)."""
    text = catalogue(lang).get(key) or EN.get(key) or key
    return text.format(**{k: _shown(v, lang) for k, v in values.items()}) if values else text


def tn(key: str, count: float, lang: str = "en", **values: Any) -> str:
    """``ngettext`` for the workshop's texts: ``key.one`` or ``key.other`` by the language's CLDR plural rule
    (English: one for 1; French: one for 0 and 1), with ``values`` filled in as :func:`t` does."""
    from babel import Locale

    form = Locale.parse(norm_lang(lang)).plural_form(abs(count))
    return t(f"{key}.one" if form == "one" else f"{key}.other", lang, **values)


class WorkshopError(Exception):
    """Any refusal of the workshop (a bad code, name, prediction, exercise file...): a message key and
    its values, read by each user in their own language; ``str()`` is the English."""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.values)


def plain(value: Any) -> str:
    """A value as a message shows it: quoted text, numbers as written."""
    if isinstance(value, str):
        return repr(value) if value else "''"
    return repr(value) if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)


__all__ = ["EN", "LANGS", "Later", "Msg", "WorkshopError", "t", "tn", "catalogue", "read_catalogue", "plain"]
