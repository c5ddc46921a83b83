"""The workshop pages of the browser app: join or open a room, the facilitator's console, the
participant's view (phones included, 390x844) and the projector.

One route, ``/room``; the query says which view: ``?code=KMTR&token=...`` the facilitator (the token
is the secret of the facilitator link), ``?code=KMTR&key=...`` a participant (their own link, so a
reload finds them again), ``?code=KMTR&view=screen`` the projector, nothing: join or open a room.
Everything a view shows is read from the room's database (:mod:`servicesim.workshop`); each view
polls the room's change counter every second (one small SQLite read) and reads the rest only when it
changed, so every screen follows the room within about a second, and a server restart loses nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from html import escape
from urllib.parse import parse_qs, urlencode

import solara
import solara.lab

from servicesim.workshop import board as B
from servicesim.workshop import render
from servicesim.workshop.exercises import Exercise
from servicesim.workshop.rooms import CODE_LENGTH, NAME_MAX, PHASES, Rooms, RoomState
from servicesim.workshop.store import default_data_dir
from servicesim.workshop.texts import WorkshopError, t

from .i18n import number

log = logging.getLogger("servicesim.viz")
POLL_SECONDS = 1.0

CSS = """
.ss-room { max-width: 1100px; }
.ss-room-big { font-size: 2rem; font-weight: 700; color: #1f3b5a; letter-spacing: 0.05em; }
.ss-room-phase { display: inline-block; background: #1f3b5a; color: white; border-radius: 12px; padding: 2px 12px;
  font-weight: 600; }
.ss-room-timer { font-size: 1.3rem; font-weight: 700; color: #b71c1c; }
.ss-room-brief { font-size: 1.05rem; line-height: 1.45; max-width: 60em; white-space: pre-line; }
.ss-room-verdict { font-size: 1.25rem; font-weight: 600; color: #1b5e20; line-height: 1.35; }
.ss-room-link { font-family: monospace; font-size: 0.9rem; overflow-wrap: anywhere; }
.ss-room-hint { color: #546e7a; font-size: 0.85rem; display: block; }
.ss-part-ask { display: block; margin-top: 10px; }
.ss-board { border-collapse: collapse; margin: 6px 0; }
.ss-board td, .ss-board th { border-bottom: 1px solid #cfd8dc; padding: 3px 10px; text-align: left; }
.ss-board .ss-outcome { background: #e8f5e9; }
.ss-board .ss-me { background: #fff8e1; }
.ss-ok { color: #1b5e20; font-weight: 600; }
.ss-board-fig, .ss-sweep-fig { width: 100%; max-width: 640px; height: auto; }
.ss-room-phases .v-btn { min-width: 0 !important; }
.ss-room-current { background: #ffd166 !important; }
.ss-screen { font-size: 1.6rem; line-height: 1.35; }
.ss-screen .ss-room-big { font-size: 3rem; }
.ss-screen .ss-room-verdict { font-size: 2.1rem; }
.ss-screen .ss-room-brief { font-size: 1.7rem; }
.ss-screen .ss-board { font-size: 1.35rem; }
.ss-screen .ss-room-timer { font-size: 2.4rem; }
.ss-screen .ss-board-fig, .ss-screen .ss-sweep-fig { max-width: 1100px; }
.ss-screen h2, .ss-screen h3 { font-size: 2.2rem !important; }
@media (max-width: 600px) {
  .ss-room-big { font-size: 1.5rem; }
  .ss-board { font-size: 0.85rem; }
  .ss-board td, .ss-board th { padding: 2px 4px; }
  .ss-room-brief { font-size: 1rem; }
}
"""


# --- the server's rooms -----------------------------------------------------------------------------------
_rooms: Rooms | None = None
_rooms_lock = threading.Lock()


def get_rooms() -> Rooms:
    """The rooms of this server's data directory (``servicesim ui --data DIR``), created once; runs a
    stopped server left unfinished are queued again."""
    global _rooms
    with _rooms_lock:
        if _rooms is None:
            from servicesim.workshop.runs import resume

            _rooms = Rooms(default_data_dir(os.environ))
            resume(_rooms)
        return _rooms


def query(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}


def room_url(lang: str, **params: str) -> str:
    return "/room?" + urlencode({**params, "lang": lang})


def act(fn, error: solara.Reactive, lang: str):
    """``fn`` as an event handler: a refusal shows one line in ``lang``; nothing else ever reaches the page."""

    def handler(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except WorkshopError as exc:
            error.set(exc.text(lang))
            return None
        except Exception:  # noqa: BLE001 - one line, never a traceback
            log.exception("room action failed")
            error.set(t("room.problem", lang))
            return None
        error.set(None)
        return result

    return handler


def use_room(code: str, everything: bool = True) -> RoomState | None:
    """The room's state, read again when it changes (polled every second). ``everything``: any change
    (the facilitator and the projector count answers); otherwise only what a participant's screen shows
    (phase, exercise, timer, run), so a participant's screen does not redraw at every other one's
    prediction (their own is kept by their form)."""
    rooms = get_rooms()
    version = solara.use_reactive(None)      # what was last seen (None: read the room now)
    look = rooms.version if everything else rooms.signature

    def poll(cancel: threading.Event):
        while not cancel.is_set():
            try:
                v = look(code)
            except Exception:  # noqa: BLE001 - a busy database: try again next second
                v = version.value
            if v != version.value:
                version.set(v)
            cancel.wait(POLL_SECONDS)

    solara.use_thread(poll, dependencies=[code, everything], intrusive_cancel=False)

    def read():
        try:
            return rooms.state(code)
        except WorkshopError:
            return None

    return solara.use_memo(read, [code, version.value])


# --- small parts -----------------------------------------------------------------------------------------
@solara.component
def Countdown(deadline: float | None, lang: str, classes: list[str] | None = None):
    """The phase's timer, ticking every second while it runs."""
    now = solara.use_reactive(0.0)           # set by the ticking thread (a constant here: no render loop)

    def tick(cancel: threading.Event):
        while deadline is not None and not cancel.is_set() and now.value < deadline + 1:
            now.set(time.time())
            cancel.wait(1.0)

    solara.use_thread(tick, dependencies=[deadline], intrusive_cancel=False)
    if deadline is None:
        return
    left = max(0, int(round(deadline - (now.value or time.time()))))
    text = t("room.time_up", lang) if left <= 0 else t("room.time_left", lang, time=f"{left // 60}:{left % 60:02d}")
    solara.Text(text, classes=["ss-room-timer"] + list(classes or []))


@solara.component
def PhaseChip(state: RoomState, lang: str):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="12px"):
        solara.Text(t(f"phase.{state.phase}", lang), classes=["ss-room-phase", f"ss-phase-{state.phase}"])
        Countdown(state.deadline, lang)


@solara.component
def RunStatus(state: RoomState, lang: str):
    run = state.run
    if run is None or state.exercise is None or state.exercise.kind == "questionnaire":
        return
    if run["status"] == "queued":
        from servicesim.workshop.runs import queue_position

        text = t("room.run_queued", lang, ahead=queue_position(get_rooms(), state.code, state.exercise.id))
    elif run["status"] == "running":
        text = t("room.run_progress", lang, done=run["done"], total=run["total"])
    elif run["status"] == "failed":
        solara.Error(t("room.run_failed", lang, detail=run["error"] or ""), classes=["ss-run-failed"])
        return
    else:
        text = t("room.run_done", lang)
    with solara.Column(gap="2px", classes=["ss-run-status"]):
        solara.Text(text, classes=["ss-run-progress", f"ss-run-{run['status']}"])
        if run["status"] in ("queued", "running") and run["total"]:
            solara.ProgressLinear(value=100 * run["done"] / run["total"])


@solara.component
def BoardView(state: RoomState, lang: str, me: int | None = None, big: bool = False):
    ex = state.exercise
    result = state.run["result"] if state.run else None
    board = B.build(ex, state.participants, state.predictions, result, state.outcomes)
    verdict = B.verdict(ex, result, lang, state.outcomes)
    with solara.Column(gap="6px", classes=["ss-room-board"]):
        if verdict:
            solara.Text(verdict, classes=["ss-room-verdict"])
        solara.Markdown(f"### {t('board.title', lang)}")
        for line in B.summary_lines(board, lang):
            solara.Text(line, classes=["ss-board-line"])
        solara.HTML(tag="div", unsafe_innerHTML=render.board_table(board, lang, me=me), classes=["ss-board-wrap"],
                    style={"overflow-x": "auto"})
        # a narrow drawing scaled up: its text grows with the screen (projector) and stays legible on a phone
        for svg in render.figures(board, result, lang, me=me, width=560 if big else 480):
            solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["ss-board-figure"])


@solara.component
def Debrief(ex: Exercise, lang: str):
    solara.Markdown(f"### {t('room.debrief_questions', lang)}")
    solara.HTML(tag="ol", unsafe_innerHTML="".join(f"<li>{escape(q)}</li>" for q in ex.questions.get(
        lang, ex.questions["en"])), classes=["ss-room-questions"])
    notice = ex.text("notice", lang)
    if notice:
        solara.Markdown(f"### {t('room.notice', lang)}")
        solara.Text(notice, classes=["ss-room-notice"])


@solara.component
def Brief(ex: Exercise, lang: str):
    solara.Markdown(f"## {ex.text('title', lang)}")
    solara.Text(ex.text("brief", lang), classes=["ss-room-brief"])
    if ex.text("credit", lang):
        solara.Text(t("room.credit", lang, credit=ex.text("credit", lang)), classes=["ss-room-hint"])


# --- entry: join or open ------------------------------------------------------------------------------------
@solara.component
def RoomPage():
    """The /room route: which view the query asks for."""
    from .app import use_lang

    lang = use_lang()
    router = solara.use_router()
    q = query(router.search)
    solara.Style(CSS)
    code = q.get("code", "")
    if q.get("token"):
        FacilitatorView(code, q["token"], lang)
    elif q.get("key"):
        ParticipantView(code, q["key"], lang)
    elif q.get("view") == "screen":
        ProjectorView(code, lang)
    else:
        Entry(code, lang)


@solara.component
def Entry(code: str, lang: str):
    router = solara.use_router()
    typed_code = solara.use_reactive(code)
    name = solara.use_reactive("")
    error = solara.use_reactive(None)
    open_error = solara.use_reactive(None)
    rooms = get_rooms()

    def join():
        joined = rooms.join(typed_code.value, name.value, lang)
        router.push(room_url(lang, code=joined.code, key=joined.key))

    def open_room():
        opened = rooms.open_room(lang)
        router.push(room_url(lang, code=opened.code, token=opened.token))

    with solara.Column(classes=["ss-room", "ss-room-entry"], style={"max-width": "560px"}):
        solara.Markdown(f"## {t('room.title', lang)}")
        solara.Text(t("room.intro", lang), classes=["ss-room-hint"])
        with solara.Card(t("room.join", lang)):
            solara.InputText(t("room.code_label", lang), value=typed_code, continuous_update=True,
                             classes=["ss-join-code"])
            solara.InputText(t("room.name_label", lang), value=name, continuous_update=True,
                             classes=["ss-join-name"])
            solara.Button(t("room.join", lang), color="primary", on_click=act(join, error, lang),
                          classes=["ss-join"])
            if error.value:
                solara.Error(error.value, classes=["ss-room-error", "ss-join-error"])
        with solara.Card(t("room.open", lang)):
            solara.Button(t("room.open", lang), on_click=act(open_room, open_error, lang), classes=["ss-open"])
            if open_error.value:
                solara.Error(open_error.value, classes=["ss-room-error"])


# --- facilitator -----------------------------------------------------------------------------------------
@solara.component
def FacilitatorView(code: str, token: str, lang: str):
    rooms = get_rooms()
    allowed = solara.use_memo(lambda: rooms.is_facilitator(code, token), [code, token])
    if not allowed:
        solara.Error(WorkshopError("err.not_facilitator").text(lang) if rooms.version(code) is not None else
                     _unknown(code, lang), classes=["ss-room-error", "ss-not-facilitator"])
        return
    FacilitatorConsole(code, token, lang)


@solara.component
def FacilitatorConsole(code: str, token: str, lang: str):
    rooms = get_rooms()
    error = solara.use_reactive(None)
    state = use_room(code)
    catalogue = solara.use_memo(rooms.catalogue, [state.version if state else None])
    choices = catalogue.ordered()
    pushed = state.exercise.id if state and state.exercise else None
    chosen = solara.use_reactive(pushed or (choices[0].id if choices else None))   # follows what was pushed
    minutes = solara.use_reactive("5")
    if state is None:
        return
    host = _host()

    with solara.Column(classes=["ss-room", "ss-facilitator"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
            solara.Text(t("room.code_big", lang, code=state.code), classes=["ss-room-big", "ss-fac-code"])
            PhaseChip(state, lang)
        if state.closed:
            solara.Warning(t("room.closed", lang), classes=["ss-room-closed"])
        with solara.Column(gap="0px"):
            solara.Text(f"{t('room.participant_link', lang)}: {host}/room — {t('room.code_label', lang)} "
                        f"{state.code}", classes=["ss-room-link", "ss-fac-join-link"])
            screen = escape(room_url(lang, code=state.code, view="screen"))
            solara.HTML(tag="div", unsafe_innerHTML=(
                f"<a class='ss-fac-screen-link' target='_blank' href='{screen}'>"
                f"{escape(t('room.projector_link', lang))}</a> · "
                f"<a class='ss-fac-link' href='{escape(room_url(lang, code=state.code, token=token))}'>"
                f"{escape(t('room.facilitator_link', lang))}</a>"), classes=["ss-room-link"])
        if error.value:
            solara.Error(error.value, classes=["ss-room-error", "ss-fac-error"])
        solara.Text(t("room.participants", lang, n=len(state.participants)) + ": "
                    + ", ".join(p["name"] for p in state.participants), classes=["ss-fac-participants"])
        for problem in catalogue.problems:
            solara.Warning(problem.text(lang), classes=["ss-fac-exercise-problem"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Select(t("room.exercise", lang), values=[e.id for e in choices], value=chosen,
                          classes=["ss-fac-exercise"], style={"min-width": "280px"})
            solara.Button(t("room.push", lang), color="primary", classes=["ss-fac-push"],
                          on_click=act(lambda: rooms.push(code, token, chosen.value), error, lang))
        if chosen.value in catalogue.exercises:
            ex = catalogue.exercises[chosen.value]
            solara.Text(f"{ex.text('title', lang)} — {t(f'kind.{ex.kind}', lang)}, "
                        f"{t('room.minutes', lang, minutes=ex.minutes)}", classes=["ss-room-hint"])
        if state.exercise is not None:
            _facilitator_controls(state, rooms, code, token, minutes, error, lang)
        FacilitatorExports(code, lang)
        solara.Button(t("room.close", lang), text=True, classes=["ss-fac-close"],
                      on_click=act(lambda: rooms.close(code, token), error, lang), disabled=state.closed)


def _facilitator_controls(state: RoomState, rooms: Rooms, code: str, token: str, minutes, error, lang: str):
    ex = state.exercise
    with solara.Row(classes=["ss-room-phases"], style={"flex-wrap": "wrap", "align-items": "center"}, gap="4px"):
        solara.Text(t("room.phase", lang) + (" :" if lang == "fr" else ":"))
        for phase in PHASES:
            cls = ["ss-fac-phase", f"ss-fac-phase-{phase}"] + (["ss-room-current"] if phase == state.phase else [])
            solara.Button(t(f"phase.{phase}", lang), classes=cls, small=True,
                          on_click=act(lambda p=phase: rooms.set_phase(code, token, p), error, lang))
        if state.phase in PHASES and state.phase != PHASES[-1]:
            nxt = PHASES[PHASES.index(state.phase) + 1]
            solara.Button(t("room.next_phase", lang, phase=t(f"phase.{nxt}", lang)), color="primary",
                          classes=["ss-fac-next"], on_click=act(lambda: rooms.next_phase(code, token), error, lang))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.InputText(t("room.timer_label", lang), value=minutes, continuous_update=True,
                         classes=["ss-fac-timer"], style={"max-width": "160px"})
        solara.Button(t("room.timer_set", lang), classes=["ss-fac-timer-set"],
                      on_click=act(lambda: rooms.set_timer(code, token, minutes.value), error, lang))
        if ex.kind != "questionnaire" and (state.run is None or state.run["status"] == "failed"):
            solara.Button(t("room.run", lang), classes=["ss-fac-run"],
                          on_click=act(lambda: rooms.start_run(code, token), error, lang))
    RunStatus(state, lang)
    n = len(state.participants)
    solara.Text(t("room.answered", lang, answered=len(state.answered), n=n), classes=["ss-fac-answered"])
    if state.waiting and state.phase in ("predict", "run"):
        solara.Text(t("room.waiting_for", lang, names=", ".join(p["name"] for p in state.waiting)),
                    classes=["ss-fac-waiting", "ss-room-hint"])
    Brief(ex, lang)
    if state.phase in ("reveal", "debrief"):
        BoardView(state, lang)
    if state.phase == "debrief":
        Debrief(ex, lang)


@solara.component
def FacilitatorExports(code: str, lang: str):
    from servicesim.workshop import export

    rooms = get_rooms()
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text(t("room.export", lang) + (" :" if lang == "fr" else ":"))
        solara.FileDownload(lambda: export.csv_text(rooms, code, lang).encode("utf-8"),
                            filename=f"room-{code}.csv", label=t("room.export_csv", lang), mime_type="text/csv")
        solara.FileDownload(lambda: export.html_page(rooms, code, lang).encode("utf-8"),
                            filename=f"room-{code}.html", label=t("room.export_html", lang), mime_type="text/html")


def _host() -> str:
    try:
        host = solara.lab.headers.value.get("host", [""])[0]
    except Exception:  # noqa: BLE001 - outside a request (tests)
        host = ""
    return f"http://{host}" if host else ""


def _unknown(code: str, lang: str) -> str:
    try:
        get_rooms().state(code)
    except WorkshopError as exc:
        return exc.text(lang)
    return t("room.bad_link", lang)


# --- participant -------------------------------------------------------------------------------------------
@solara.component
def ParticipantView(code: str, key: str, lang: str):
    rooms = get_rooms()
    state = use_room(code, everything=False)
    who = solara.use_memo(lambda: _participant(rooms, code, key), [code, key])
    if state is None or isinstance(who, WorkshopError):
        solara.Error(who.text(lang) if isinstance(who, WorkshopError) else _unknown(code, lang),
                     classes=["ss-room-error", "ss-part-unknown"])
        solara.HTML(tag="a", unsafe_innerHTML=escape(t("room.join", lang)), classes=["ss-part-rejoin"],
                    attributes={"href": room_url(lang, code=code)})
        return
    with solara.Column(classes=["ss-room", "ss-participant"], gap="8px"):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="12px"):
            solara.Text(t("room.code_big", lang, code=state.code), classes=["ss-room-big"])
            solara.Text(t("room.welcome", lang, name=who["name"]), classes=["ss-part-name"])
        PhaseChip(state, lang)
        if state.closed:
            solara.Warning(t("room.closed", lang), classes=["ss-room-closed"])
        ex = state.exercise
        if ex is None:
            solara.Text(t("room.wait_exercise", lang), classes=["ss-part-wait"])
            return
        if state.phase in ("reveal", "debrief"):        # the brief has been read: the outcome comes first
            solara.Markdown(f"## {ex.text('title', lang)}")
        else:
            Brief(ex, lang)
        mine = state.predictions.get(who["id"])
        if state.phase in ("predict", "run") and not state.closed:
            PredictionForm(ex, code, key, mine, lang)
            if ex.kind == "questionnaire":
                QuestionnaireHook(code, key, ex, lang)
        elif state.phase in ("lobby", "brief"):
            solara.Text(t("room.wait_phase", lang), classes=["ss-part-wait"])
        RunStatus(state, lang)
        if state.phase in ("reveal", "debrief"):
            if mine is None:
                solara.Text(t("room.no_prediction", lang), classes=["ss-room-hint"])
            BoardView(state, lang, me=who["id"])
        if state.phase == "debrief":
            Debrief(ex, lang)


def _participant(rooms: Rooms, code: str, key: str):
    try:
        return rooms.participant(code, key)
    except WorkshopError as exc:
        return exc


@solara.component
def PredictionForm(ex: Exercise, code: str, key: str, mine: dict | None, lang: str):
    rooms = get_rooms()
    initial = {a.field: _shown_value(a, (mine or {}).get(a.field), lang) for a in ex.predict}
    values = solara.use_reactive(initial)
    error = solara.use_reactive(None)
    saved = solara.use_reactive(mine is not None)
    solara.use_effect(lambda: values.set(initial), [ex.id])

    def set_field(name):
        def set_value(v):
            values.set({**values.value, name: v})
            saved.set(False)
        return set_value

    def submit():
        rooms.predict(code, key, values.value)
        saved.set(True)

    with solara.Card(t("room.your_prediction", lang), classes=["ss-part-form"]):
        for a in ex.predict:
            solara.Text(a.ask.get(lang) or a.ask["en"], classes=["ss-part-ask"], style={"font-weight": "600"})
            if a.choices:
                solara.ToggleButtonsSingle(value=values.value.get(a.field), on_value=set_field(a.field),
                                           classes=[f"ss-part-{a.field}"], style={"flex-wrap": "wrap"},
                                           children=[solara.Button(B.choice_text(ex, c, lang), value=c,
                                                                   classes=[f"ss-part-{a.field}-{c}"])
                                                     for c in a.choices])
            else:
                hint = t("allowed.number", lang, low=a.low, high=a.high)
                solara.InputText(t(f"field.{a.field}", lang), value=values.value.get(a.field) or "",
                                 on_value=set_field(a.field), continuous_update=True,
                                 classes=[f"ss-part-{a.field}"], style={"max-width": "260px"})
                solara.Text(hint, classes=["ss-room-hint"])
        solara.Button(t("room.submit", lang), color="primary", classes=["ss-part-submit"],
                      on_click=act(submit, error, lang))
        if error.value:
            solara.Error(error.value, classes=["ss-room-error", "ss-part-error"])
        elif saved.value:
            solara.Success(t("room.saved", lang), classes=["ss-part-saved"])


def _shown_value(ask, value, lang: str):
    if value is None:
        return None
    if ask.choices:
        return value
    text = number(float(value), lang, 2)
    return text.rstrip("0").rstrip(",.") if ("." in text or "," in text) else text


@solara.component
def QuestionnaireHook(code: str, key: str, ex: Exercise, lang: str):
    """The questionnaire (C9) inside a room, when this server has it (servicesim.viz.questionnaire_page);
    the participant's own outcome (culture first against their organisation as it is) goes on the board."""
    done = solara.use_reactive(False)
    try:
        from .questionnaire_page import QuestionnairePanel
    except ImportError:
        solara.Info(t("room.questionnaire_missing", lang), classes=["ss-part-questionnaire-missing"])
        return

    def on_done(result=None):
        if isinstance(result, dict):
            kept = {k: [float(x) for x in result[k]] for k in ("csat_gap", "profit_gap") if result.get(k) is not None}
            get_rooms().record_outcome(code, key, kept)
        done.set(True)

    with solara.Column(classes=["ss-part-questionnaire-status"]):   # always rendered: the panel below keeps its
        if done.value:                                              # place in the tree, so its answers and result stay
            solara.Success(t("room.questionnaire_done", lang), classes=["ss-part-questionnaire-done"])
    settings = {k: ex.run[k] for k in ("days", "warmup", "replicates", "seed") if k in ex.run}
    QuestionnairePanel(lang=lang, on_done=on_done, settings=settings)


# --- projector ---------------------------------------------------------------------------------------------
@solara.component
def ProjectorView(code: str, lang: str):
    state = use_room(code)
    if state is None:
        solara.Error(_unknown(code, lang), classes=["ss-room-error"])
        return
    solara.Style(".ss-topbar.ss-topbar.d-flex { display: none !important; }")   # no controls on the projector
    ex = state.exercise
    with solara.Column(classes=["ss-room", "ss-screen"], gap="12px", style={"max-width": "none"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="24px"):
            solara.Text(t("room.code_big", lang, code=state.code), classes=["ss-room-big", "ss-screen-code"])
            PhaseChip(state, lang)
        solara.Text(t("room.join_at", lang, url=f"{_host()}/room", code=state.code), classes=["ss-screen-join"])
        if ex is None:
            solara.Text(t("room.participants", lang, n=len(state.participants)) + ": "
                        + ", ".join(p["name"] for p in state.participants), classes=["ss-screen-people"])
            return
        if state.phase in ("lobby", "brief", "predict", "run"):
            Brief(ex, lang)
            solara.Text(t("room.answered", lang, answered=len(state.answered), n=len(state.participants)),
                        classes=["ss-screen-answered"])
            RunStatus(state, lang)
        else:
            solara.Markdown(f"## {ex.text('title', lang)}")
            BoardView(state, lang, big=True)
        if state.phase == "debrief":
            Debrief(ex, lang)


__all__ = ["RoomPage", "get_rooms", "CSS", "CODE_LENGTH", "NAME_MAX"]
