"""The browser app (Solara): Explore, Compare, Journey and Info pages, in English and French.

Run with ``servicesim ui`` (or ``solara run servicesim.viz.app``). Nothing here builds a model
at import time: :class:`AppSession` is created by the ``Layout`` component with ``use_memo``,
so every browser session (every visitor of a workshop) drives its own models.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlencode

import pandas as pd
import solara
import solara.lab

from servicesim.model import params as P
from servicesim.model.interventions import KINDS
from servicesim.model.metrics import METRICS
from servicesim.model.scenario import list_scenarios, style_names
from servicesim.workshop.texts import t as wt

from . import charts, questionnaire_page, svg
from .fields import SEED_MAX, FieldError, field_message, parse_param
from .i18n import LANGS, describe_event, explain_outcome, metric_label, metric_unit, norm_lang, number, t, tn, unit
from .room_pages import RoomPage
from .scenario_drop import ScenarioDrop
from .sim import Pair, Simulation, load_preset, load_uploaded
from .widgets import Debounce, IntField, guarded, problem_text

DEFAULT_PRESET = "hierarchical"
SPEEDS = (1, 2, 5, 10, 25)
LIVE_IVS = tuple(KINDS)   # every intervention kind can be launched live, in the model's order
DIFF_METRICS = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate", "error_rate",
                "backlog", "engagement", "stress", "turnover_rate", "culture_alignment", "skill")

CSS = """
.ss-topbar { background: #1f3b5a; color: white; padding: 6px 16px; align-items: center; flex-wrap: wrap; }
.ss-topbar .v-btn { color: white !important; }
.ss-topbar .ss-lang .v-btn { color: #1f3b5a !important; background: #e3eaf2 !important; }
.ss-topbar .ss-lang .v-btn--active { background: #ffd166 !important; }
.ss-topbar .ss-nav-active { border-bottom: 2px solid #ffd166; }
.ss-title { font-size: 1.15rem; font-weight: 600; margin-right: 16px; }
.ss-hint { color: #37474f; font-size: 0.95rem; margin: 4px 0 8px 0; }
.ss-day { font-size: 1.3rem; font-weight: 600; min-width: 90px; }
.ss-param-help { font-size: 0.78rem; color: #607d8b; margin: 0 0 6px 0; line-height: 1.2; }
.ss-param .v-input__slot { margin-bottom: 0; }
.ss-reset-only { font-size: 0.7rem; background: #fff3cd; color: #7a5b00; border-radius: 8px; padding: 0 6px;
  margin-left: 6px; }
.ss-chart svg { width: 100%; height: auto; }
.ss-panels { display: grid; grid-template-columns: 1fr 1fr; column-gap: 8px; align-items: end; }
.ss-net svg { width: 100%; height: auto; }
.ss-legend { font-size: 0.8rem; color: #455a64; }
.ss-table { border-collapse: collapse; font-size: 0.9rem; }
.ss-table td, .ss-table th { padding: 2px 10px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.ss-table td:first-child, .ss-table th:first-child { text-align: left; }
.ss-better { color: #1b5e20; font-weight: 600; }
.ss-worse { color: #b71c1c; }
.ss-journey-events td { text-align: left !important; }
.ss-sidebar { max-width: 380px; min-width: 300px; overflow-wrap: anywhere; }
.ss-group .v-btn__content { white-space: normal !important; text-align: left; line-height: 1.2;
  flex: 1 1 auto !important; min-width: 0; overflow-wrap: anywhere; }
.ss-group.v-btn { height: auto !important; min-height: 32px; padding: 4px 8px !important; max-width: 100% !important;
  min-width: 0 !important; }
.ss-sidebar .v-input, .ss-sidebar .v-select { max-width: 100%; min-width: 0; }
.ss-param-label { font-size: 0.88rem; color: #263238; line-height: 1.2; margin-top: 4px; }
.ss-param-label b { color: #1f3b5a; }
.ss-main-row { align-items: flex-start; flex-wrap: nowrap; }
.ss-main-col { flex: 1; min-width: 0; }
.ss-drawer-toggle { display: none !important; }
.ss-note { font-size: 0.8rem; color: #546e7a; }
.ss-table caption { caption-side: bottom; text-align: left; font-size: 0.8rem; color: #546e7a; padding-top: 4px; }
.ss-why-bars { font-size: 0.85rem; }
.ss-why-bars td { padding: 1px 8px; }
.ss-bar { display: inline-block; height: 10px; background: #c62828; vertical-align: middle; }
.ss-bar.ss-bar-plus { background: #2e7d32; }
@media (max-width: 900px) {
  .ss-main-row { flex-direction: column !important; flex-wrap: wrap !important; }
  .ss-sidebar { max-width: none !important; min-width: 0 !important; width: 100% !important; }
  .ss-main-col { width: 100% !important; }
  .ss-drawer-toggle { display: inline-flex !important; }
  .ss-sidebar:not(.ss-drawer-open) .ss-drawer-body { display: none !important; }
  .ss-side-picker { min-width: 0 !important; width: 100% !important; flex: 1 1 100% !important; }
  .ss-panels { grid-template-columns: 1fr; }
  .ss-title { font-size: 0.95rem !important; width: 100%; }
  .ss-table { font-size: 0.78rem; }
  .ss-table td, .ss-table th { padding: 2px 4px; }
}
"""


# --- session state -----------------------------------------------------------------------------
@dataclass
class AppSession:
    """Everything one browser session owns: its models and their refresh counters."""

    explore: Simulation = field(default_factory=lambda: Simulation.from_preset(DEFAULT_PRESET))
    explore_source: str = DEFAULT_PRESET
    explore_edited: bool = False        # parameters changed on the Explore page since the scenario was loaded
    pair: Pair = field(default_factory=Pair.default)
    debounce: Debounce = field(default_factory=Debounce)
    explore_ticks: solara.Reactive = field(default_factory=lambda: solara.reactive(0))
    compare_ticks: solara.Reactive = field(default_factory=lambda: solara.reactive(0))
    playing: solara.Reactive = field(default_factory=lambda: solara.reactive(False))
    compare_playing: solara.Reactive = field(default_factory=lambda: solara.reactive(False))


SessionContext = solara.create_context(None)
LangContext = solara.create_context(None)


def use_session() -> AppSession:
    return solara.use_context(SessionContext)


def use_lang() -> str:
    return solara.use_context(LangContext).value


def lang_from_query(search: str | None) -> str | None:
    if not search:
        return None
    value = parse_qs(search.lstrip("?")).get("lang")
    return norm_lang(value[0]) if value else None


# --- layout ----------------------------------------------------------------------------------------
PAGES = (("", "nav.explore"), ("compare", "nav.compare"), ("journey", "nav.journey"), ("info", "nav.info"),
         ("questionnaire", "nav.questionnaire"))


@solara.component
def Layout(children: list | None = None):
    if children is None:
        children = []
    router = solara.use_router()
    here = router.path.strip("/").split("/")[-1] if router.path else ""
    box = solara.use_ref(None)
    if box.current is None and here != "room":     # workshop rooms drive no model of their own
        box.current = AppSession()
    session = box.current
    lang = solara.use_reactive(lang_from_query(router.search) or "en")

    def follow_url():
        wanted = lang_from_query(router.search)
        if wanted and wanted != lang.value:
            lang.set(wanted)

    solara.use_effect(follow_url, [router.search])
    SessionContext.provide(session)
    LangContext.provide(lang)

    def go(path):
        return lambda: router.push(f"/{path}?lang={lang.value}")

    def set_lang(value):
        lang.set(value)
        kept = {k: v[0] for k, v in parse_qs((router.search or "").lstrip("?")).items() if k != "lang"}
        router.push(f"{router.path or '/'}?{urlencode({**kept, 'lang': value})}")

    with solara.Column(gap="0px", style={"min-height": "100vh"}) as main:
        solara.Style(CSS)
        solara.Title(t("app.title", lang.value))
        with solara.Row(classes=["ss-topbar"], gap="4px",
                        style={"background": "#1f3b5a", "color": "white", "padding": "6px 16px",
                               "align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(t("app.title", lang.value), classes=["ss-title"])
            for path, key in PAGES:
                classes = ["ss-nav", f"ss-nav-{path or 'explore'}"] + (["ss-nav-active"] if here == path else [])
                solara.Button(t(key, lang.value), on_click=go(path), text=True, classes=classes)
            solara.Button(wt("nav.room", lang.value), on_click=go("room"), text=True,
                          classes=["ss-nav", "ss-nav-room"] + (["ss-nav-active"] if here == "room" else []))
            solara.v.Spacer()
            solara.ToggleButtonsSingle(value=lang.value, on_value=set_lang, classes=["ss-lang"], dense=True,
                                       children=[solara.Button(code.upper(), value=code, classes=[f"ss-lang-{code}"])
                                                 for code in LANGS])
        with solara.Column(style={"padding": "8px 16px"}):
            PageGuard(children, lang.value)
    return main


@solara.component
def PageGuard(children, lang: str):
    """If drawing a page fails, one line in the page's language and a way back (never a traceback)."""
    exc, clear = solara.use_exception()
    if exc is not None:
        with solara.Column(classes=["ss-page-problem"]):
            solara.Error(problem_text(exc, lang), classes=["ss-problem"])
            solara.Button(t("common.retry", lang), on_click=clear, classes=["ss-retry"])
        return
    solara.Column(children=children)


_TIMING_FILE = os.environ.get("SERVICESIM_UI_TIMING")
_timing_lock = threading.Lock()


def record_timing(seconds: float) -> None:
    """Server-side time of one Step click (model step + redraw), for the load benchmark."""
    if _TIMING_FILE:
        with _timing_lock, open(_TIMING_FILE, "a") as fh:
            fh.write(f"{seconds:.6f}\n")


# --- shared controls ----------------------------------------------------------------------------
def load_or_show(load, error: solara.Reactive, lang: str):
    """The scenario ``load()`` returns, clearing ``error``; or None with the problem shown in ``lang``."""
    try:
        scenario = load()
    except Exception as exc:  # noqa: BLE001 - shown as one line, never a traceback
        error.set(problem_text(exc, lang))
        return None
    error.set(None)
    return scenario


def scenario_items(lang: str, extra: list[tuple[str, str]] = ()) -> list[dict]:
    items = [{"text": t(f"scenario.{name}", lang), "value": name} for name, _cat, _desc in list_scenarios()]
    return items + [{"text": text, "value": value} for value, text in extra]


def play_loop(sim_step, ticks: solara.Reactive, playing: solara.Reactive, speed: solara.Reactive,
              cancel: threading.Event, on_problem=None) -> None:
    """Step about ``speed`` days per second, rendering after each batch, until paused."""
    batch = 1
    while playing.value and not cancel.is_set():
        start = time.perf_counter()
        try:
            sim_step(batch)
        except Exception as exc:  # noqa: BLE001 - stop playing, say why in one line
            playing.set(False)
            if on_problem:
                on_problem(exc)
            return
        ticks.value += 1
        took = time.perf_counter() - start
        wait = batch / max(speed.value, 1) - took
        batch = max(1, min(25, math.ceil(speed.value * took))) if wait < 0 else batch
        cancel.wait(max(0.05, wait))


@solara.component
def RunControls(step, reset, playing: solara.Reactive, ticks: solara.Reactive, day_text: str, lang: str,
                prefix: str = "ss", on_problem=None, day_classes: list[str] | None = None):
    if day_classes is None:
        day_classes = []
    speed = solara.use_reactive(5)
    show = on_problem or (lambda _text: None)

    def loop(cancel: threading.Event):
        play_loop(step, ticks, playing, speed, cancel, on_problem=lambda exc: show(problem_text(exc, lang)))

    solara.use_thread(loop, dependencies=[playing.value], intrusive_cancel=False)

    def do_step():
        # one click, one day: a session's events are handled one after the other, never overlapping
        start = time.perf_counter()
        step(1)
        ticks.value += 1            # re-renders the live parts, in this handler
        record_timing(time.perf_counter() - start)

    def do_reset():
        playing.set(False)
        if reset() is not False:
            ticks.value += 1

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        if playing.value:
            solara.Button(t("common.pause", lang), icon_name="mdi-pause", on_click=lambda: playing.set(False),
                          color="warning", classes=[f"{prefix}-pause"])
        else:
            solara.Button(t("common.play", lang), icon_name="mdi-play", on_click=lambda: playing.set(True),
                          color="primary", classes=[f"{prefix}-play"])
        solara.Button(t("common.step", lang), icon_name="mdi-skip-next", on_click=guarded(do_step, show, lang),
                      disabled=playing.value, classes=[f"{prefix}-step"])
        solara.Button(t("common.reset", lang), icon_name="mdi-restore", on_click=guarded(do_reset, _keep(show), lang),
                      classes=[f"{prefix}-reset"])
        solara.Text(t("common.speed", lang))
        solara.ToggleButtonsSingle(value=speed.value, on_value=speed.set, dense=True, classes=[f"{prefix}-speed"],
                                   children=[solara.Button(str(s), value=s) for s in SPEEDS])
        solara.Text(day_text, classes=["ss-day", f"{prefix}-day"] + list(day_classes))


def _keep(show):
    """A ``show`` that only reports problems (success leaves the message the action itself set)."""
    return lambda text: show(text) if text else None


@solara.component
def SvgView(markup: str, classes: list[str]):
    solara.HTML(tag="div", unsafe_innerHTML=markup, classes=classes)


# --- parameters ---------------------------------------------------------------------------------
def _input_kind(p: P.Param) -> str:
    if getattr(p, "kind", "float") == "choice":
        return "choice"
    span = p.high - p.low
    if p.kind == "int":
        return "slider_int" if span <= 120 else "input_int"
    return "slider" if p.default >= p.low + 0.02 * span or p.default == p.low else "input_float"


def _step(p: P.Param) -> float:
    span = float(p.high - p.low)
    raw = span / 100
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 0.01
    return mag if raw / mag < 2 else (2 * mag if raw / mag < 5 else 5 * mag)


def compact(x, lang: str, is_int: bool) -> str:
    """A parameter value without trailing zeros, in the language's notation."""
    if is_int:
        return number(int(x), lang, 0)
    text = number(float(x), lang, 5)
    return text.rstrip("0").rstrip(",.") if ("." in text or "," in text) else text


#: Units that say nothing a range does not already say.
_PLAIN_UNITS = ("0-1", "share", "probability", "ratio", "multiplier", "sd")


def param_unit(p: P.Param, lang: str) -> str:
    return "" if p.unit in _PLAIN_UNITS or getattr(p, "kind", "") == "choice" else unit(p.unit, lang)


def param_range(p: P.Param, lang: str) -> str:
    if getattr(p, "kind", "") == "choice":
        return ", ".join(str(c) for c in getattr(p, "choices", ()))
    is_int = p.kind == "int"
    text = t("params.range", lang, low=compact(p.low, lang, is_int), high=compact(p.high, lang, is_int))
    extra = param_unit(p, lang) or (unit(p.unit, lang) if p.unit in ("share", "probability", "sd") else "")
    return f"{text} ({extra})" if extra else text


def param_meaning(p: P.Param, lang: str) -> str:
    key = f"param.{p.name}"
    text = t(key, lang)
    return p.meaning if text == key else text


@solara.component
def ParamControl(p: P.Param, value, on_value, lang: str, error: str | None):
    kind = _input_kind(p)
    is_int = p.kind == "int"
    shown = str(value) if kind == "choice" else compact(value, lang, is_int)
    text = solara.use_reactive(shown)
    solara.use_effect(lambda: text.set(shown), [shown])

    with solara.Column(gap="0px", classes=["ss-param", f"ss-param-{p.name}"]):
        with solara.Row(gap="4px", style={"align-items": "baseline", "flex-wrap": "wrap"}):
            solara.HTML(tag="div", unsafe_innerHTML=escape(param_meaning(p, lang)), classes=["ss-param-label"])
            if p.reset_only:
                with solara.Tooltip(t("params.reset_only_help", lang)):
                    solara.Text("⟲ " + t("params.reset_only", lang), classes=["ss-reset-only"])
        if kind == "choice":
            solara.v.Select(v_model=str(value), on_v_model=on_value, dense=True, hide_details=True,
                            items=[{"text": str(c), "value": str(c)} for c in getattr(p, "choices", ())],
                            class_=f"ss-input-{p.name}")
        elif kind == "slider_int":
            solara.SliderInt("", value=int(value), min=int(p.low), max=int(p.high), on_value=on_value,
                             thumb_label=False)
        elif kind == "slider":
            solara.SliderFloat("", value=float(value), min=float(p.low), max=float(p.high), step=_step(p),
                               on_value=on_value, thumb_label=False)
        if kind in ("input_int", "input_float", "slider_int", "slider"):
            # a box to type an exact value (sliders too: a phone's finger is not precise)
            solara.InputText("", value=text.value, on_value=on_value, continuous_update=False, dense=True,
                             suffix=param_unit(p, lang) or None, classes=[f"ss-input-{p.name}", "ss-param-input"],
                             style={"max-width": "200px"})
        solara.Text(param_range(p, lang), classes=["ss-param-help"])
        if error:
            solara.Error(error, dense=True, classes=["ss-param-error"])


@solara.component
def ParamPanel(sim: Simulation, generation: int, on_pending, lang: str, on_edit=None):
    """Every parameter, grouped, from the schema. ``generation`` changes when the model is rebuilt
    (it clears the last error). One error at a time, beside the parameter it is about."""
    values = solara.use_reactive(dict(sim.params))
    error = solara.use_reactive(None)          # (name, text) of the last refused value

    def regenerate():
        values.set(dict(sim.params))
        error.set(None)

    solara.use_effect(regenerate, [generation])

    def change(p):
        def set_value(v):
            try:
                value = parse_param(p, v)
                new = {**values.value, p.name: value}
                on_pending(sim.set_params(new))
                values.set(new)
                error.set(None)
                if on_edit:
                    on_edit()
            except Exception as exc:  # noqa: BLE001 - one line beside the parameter
                error.set((p.name, problem_text(exc, lang)))
        return set_value

    opened = solara.use_reactive(("structure", "practices"))

    def toggle(group):
        return lambda: opened.set(tuple(g for g in opened.value if g != group) if group in opened.value
                                  else opened.value + (group,))

    # Only open groups are rendered: every element on the page is revisited at each redraw.
    for group, params in P.by_group().items():
        is_open = group in opened.value
        title = t(f"group.{group}", lang)
        if title == f"group.{group}":          # a group this page does not know yet: its own title
            title = getattr(P, "GROUPS", {}).get(group, group)
        solara.Button(("▾ " if is_open else "▸ ") + title, on_click=toggle(group), text=True,
                      classes=["ss-group", f"ss-group-{group}"], style={"justify-content": "flex-start",
                                                                         "text-transform": "none"})
        if is_open:
            with solara.Column(gap="0px", style={"padding-left": "8px"}):
                for p in params:
                    err = error.value[1] if error.value and error.value[0] == p.name else None
                    ParamControl(p, values.value.get(p.name, p.default), change(p), lang, err)


# --- Explore --------------------------------------------------------------------------------------
def markers_for(sim: Simulation, lang: str, prefix: str = "") -> list[tuple[int, str]]:
    return [(d, prefix + t(f"iv.{k}", lang)) for d, k, _o in sim.markers()]


@solara.component
def ExploreLive(sim_box: dict, ticks: solara.Reactive, colour_by: str, lang: str):
    """The parts that change every day: the network, the curves, the intervention list."""
    tick = ticks.value
    sim: Simulation = sim_box["sim"]

    def draw():
        with sim.lock:
            net = svg.network_svg(sim.model, colour_by, lang)
            marks = markers_for(sim, lang)
            frame = sim.frame()
            name = side_name(sim, lang)
            series = svg.series_panels([(name, frame)], marks, lang)
        return net, series

    net, series = solara.use_memo(draw, [tick, colour_by, lang, id(sim.model)])
    with solara.Column():
        solara.Markdown(f"#### {t('explore.network', lang)}")
        org = sim.model.org
        solara.Text(tn("explore.size", org.size, lang, posts=number(org.size, lang, 0), teams=org.n_teams,
                       team_size=int(sim.model.p["team_size"]), units=tn("explore.units", org.n_units, lang,
                                                                        n=org.n_units),
                       levels=int(org.level.max())), classes=["ss-org-size"])
        SvgView(net, ["ss-net"])
        solara.Text(t("explore.legend", lang), classes=["ss-legend"])
        solara.Markdown(f"#### {t('explore.charts', lang)}")
        SvgView(series, ["ss-chart", "ss-explore-chart"])
        solara.Markdown(f"#### {t('explore.intervention_log', lang)}")
        marks = sim.markers()
        if marks:
            with solara.Column(classes=["ss-iv-log"], gap="0px"):
                for d, k, _o in marks:
                    solara.Text(f"{t('common.day', lang, day=d)} — {t(f'iv.{k}', lang)}")
        else:
            solara.Text(t("explore.no_interventions", lang), classes=["ss-iv-log-empty"])


@solara.component
def InterventionBar(sim_box: dict, ticks: solara.Reactive, lang: str, generation: int, debounce: Debounce,
                    side: str = ""):
    style = solara.use_reactive("bersin")
    default_transition = int(KINDS["style_change"].options["transition_days"].default)
    transition = solara.use_reactive(default_transition)
    transition_error = solara.use_reactive(None)
    message = solara.use_reactive(None)
    solara.use_effect(lambda: message.set(None), [generation])     # a reset starts a clean slate

    def launch(kind):
        def go():
            sim: Simulation = sim_box["sim"]
            if not debounce.ready(("iv", side, kind)):
                return                                   # a double click, a burst: one action
            if kind == "style_change" and transition_error.value:
                message.set(("error", transition_error.value))
                return
            with sim.lock:
                today = [d for d, k, _o in sim.markers() if k == kind and d == sim.day]
            if today:
                message.set(("error", field_message(FieldError("already_launched", f"iv.{kind}", today[0]), lang)))
                return
            opts = {"style": style.value, "transition_days": transition.value} if kind == "style_change" else {}
            try:
                iv = sim.intervene(kind, **opts)
                message.set(("ok", t("explore.iv_done", lang, label=t(f"iv.{kind}", lang), day=iv.day)))
            except Exception as exc:  # noqa: BLE001
                message.set(("error", problem_text(exc, lang)))
            ticks.value += 1
        return go

    solara.Markdown(f"#### {t('explore.interventions', lang)}")
    with solara.Row(style={"flex-wrap": "wrap"}, gap="6px"):
        for kind in LIVE_IVS:
            if kind == "style_change":
                continue
            with solara.Tooltip(t(f"iv.{kind}.desc", lang)):
                solara.Button(t(f"iv.{kind}", lang), on_click=launch(kind), outlined=True, classes=[f"ss-iv-{kind}"])
    lo, hi = _transition_range()
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="6px"):
        solara.v.Select(label=t("explore.to_style", lang), v_model=style.value, on_v_model=style.set,
                        items=[{"text": t(f"scenario.{s}", lang), "value": s} for s in style_names()],
                        style_="max-width: 300px")
        IntField("field.transition", transition.value, transition.set, lo, hi, lang, classes=["ss-transition"],
                 style={"max-width": "220px"}, on_error=transition_error.set)
        with solara.Tooltip(t("iv.style_change.desc", lang)):
            solara.Button(t("iv.style_change", lang), on_click=launch("style_change"), outlined=True,
                          classes=["ss-iv-style_change"])
    with solara.Column(gap="0px"):
        if message.value:
            kind, text = message.value
            (solara.Success if kind == "ok" else solara.Error)(text, dense=True, classes=["ss-iv-message"])


def _transition_range() -> tuple[int, int]:
    opt = KINDS["style_change"].options["transition_days"]
    lo, hi = getattr(opt, "low", 0), getattr(opt, "high", 500)
    return int(lo if lo is not None else 0), int(hi if hi is not None else 500)


@solara.component
def Explore():
    session = use_session()
    lang = use_lang()
    ticks = session.explore_ticks
    sim_box = solara.use_memo(lambda: {"sim": session.explore}, [])
    sim: Simulation = sim_box["sim"]
    generation = solara.use_reactive(0)
    pending = solara.use_reactive(sim.pending())
    seed = solara.use_reactive(sim.seed)
    seed_error = solara.use_reactive(None)
    source = solara.use_reactive(session.explore_source)
    error = solara.use_reactive(None)
    colour_by = solara.use_reactive("engagement")
    uploaded = solara.use_reactive(None)
    drawer = solara.use_reactive(False)

    def rebuild(scenario=None, params=None):
        if seed_error.value:                     # the seed box holds a wrong value: say so, build nothing
            error.set(seed_error.value)
            return False
        sim.reset(scenario, params, seed.value)
        error.set(None)
        pending.set(sim.pending())
        generation.set(generation.value + 1)
        ticks.value += 1
        return True

    def reset():
        return rebuild(None, sim.params)

    def edited():
        session.explore_edited = True

    choose_preset, restore_preset, on_file = _explore_loaders(session, rebuild, source, uploaded, error, lang)
    solara.Markdown(f"## {t('explore.title', lang)}")
    solara.Text(t("explore.hint", lang), classes=["ss-hint"])
    with solara.Row(classes=["ss-main-row"]):
        ExploreSidebar(sim, source, uploaded, seed, seed_error, generation, pending, drawer,
                       choose_preset, restore_preset, on_file, edited, lang)
        ExploreMain(sim_box, ticks, session, reset, error, colour_by, generation.value, lang)


def _explore_loaders(session, rebuild, source, uploaded, error, lang: str):
    """Explore's callbacks that load a scenario: (choose a preset, restore the chosen preset,
    load an uploaded file). Each stops the clock and rebuilds the simulation; a problem goes to
    ``error``."""
    def switch_to(sc, name):
        session.playing.set(False)
        if rebuild(sc, dict(sc.params)) is not False:
            source.set(name)
            session.explore_source = name
            session.explore_edited = False

    def choose_preset(name):
        if not name or name == "__upload__":
            return
        sc = load_or_show(lambda: load_preset(name), error, lang)
        if sc is not None:
            guarded(lambda: switch_to(sc, name), _keep(error.set), lang)()

    def restore_preset():
        if source.value == "__upload__" or source.value not in {n for n, _c, _d in list_scenarios()}:
            return
        choose_preset(source.value)

    def on_file(info):
        def load():
            return load_uploaded(info.get("name", ""), info.get("data"), info.get("size"))

        sc = load_or_show(load, error, lang)
        if sc is not None:
            def apply():
                switch_to(sc, "__upload__")
                if source.value == "__upload__":
                    uploaded.set(sc.name + ".toml" if not str(sc.name).endswith(".toml") else sc.name)
            guarded(apply, _keep(error.set), lang)()

    return choose_preset, restore_preset, on_file


@solara.component
def ExploreSidebar(sim, source, uploaded, seed, seed_error, generation, pending, drawer,
                   choose_preset, restore_preset, on_file, edited, lang: str):
    """Explore's folding side panel: preset or uploaded scenario, seed, pending changes, parameters."""
    known = {n for n, _c, _d in list_scenarios()}
    with solara.Column(classes=["ss-sidebar"] + (["ss-drawer-open"] if drawer.value else [])):
        solara.Button(("▾ " if drawer.value else "▸ ") + t("explore.drawer", lang), text=True,
                      on_click=lambda: drawer.set(not drawer.value), classes=["ss-drawer-toggle"],
                      style={"text-transform": "none"})
        with solara.Column(classes=["ss-drawer-body"], gap="4px"):
            with solara.Row(gap="4px", style={"align-items": "center"}):
                solara.v.Select(label=t("common.preset", lang), v_model=source.value, on_v_model=choose_preset,
                                items=scenario_items(lang, [("__upload__", uploaded.value or "—")]
                                                     if uploaded.value else []),
                                class_="ss-preset")
                solara.Button(icon_name="mdi-restore", icon=True, on_click=restore_preset,
                              disabled=source.value not in known, classes=["ss-restore-preset"])
            with solara.Column(gap="0px"):
                if source.value in known:
                    solara.Text(t(f"scenario.{source.value}.desc", lang), classes=["ss-param-help"])
                    solara.Text(t("explore.restore_help", lang), classes=["ss-param-help"])
            ScenarioDrop(t("common.drop_or_choose", lang), t("common.choose_file", lang), on_file,
                         classes=["ss-upload"])
            with solara.Column(gap="0px"):
                if uploaded.value and source.value == "__upload__":
                    solara.Text(t("common.loaded_file", lang, name=uploaded.value), classes=["ss-param-help",
                                                                                           "ss-loaded-file"])
            IntField("field.seed", seed.value, seed.set, 0, SEED_MAX, lang, classes=["ss-seed"],
                     on_error=seed_error.set, reset_token=generation.value)
            solara.Text(t("common.seed_help", lang) + " ⟲ " + t("params.reset_only", lang),
                        classes=["ss-param-help"])
            with solara.Column(gap="0px"):
                if pending.value:
                    solara.Warning(tn("params.pending", len(pending.value), lang, n=len(pending.value)),
                                   dense=True, classes=["ss-pending"])
            solara.Markdown(f"#### {t('params.title', lang)}")
            ParamPanel(sim, generation.value, pending.set, lang, on_edit=edited)


@solara.component
def ExploreMain(sim_box, ticks, session, reset, error, colour_by, generation: int, lang: str):
    """Explore's main column: errors, day controls, interventions, colour choice, live drawings, exports."""
    sim: Simulation = sim_box["sim"]
    with solara.Column(classes=["ss-main-col"]):
        with solara.Column(gap="0px"):
            if error.value:
                solara.Error(error.value, classes=["ss-error"])
        DayControls(sim_box, ticks, session.playing, reset, lang, error)
        InterventionBar(sim_box, ticks, lang, generation, session.debounce)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(t("explore.colour_by", lang))
            solara.ToggleButtonsSingle(value=colour_by.value, on_value=colour_by.set, classes=["ss-colour-by"],
                                       children=[solara.Button(t(f"explore.colour.{c}", lang), value=c)
                                                 for c in charts.COLOUR_BY])
        ExploreLive(sim_box, ticks, colour_by.value, lang)
        Exports(lambda: sim.csv(lang),
                lambda: charts.to_png(charts.series_figure(
                    [(side_name(sim, lang), sim.frame())], markers_for(sim, lang), lang)),
                "servicesim-explore", lang)


@solara.component
def DayControls(sim_box, ticks, playing, reset, lang, error):
    _ = ticks.value  # read to subscribe: re-render with the day
    sim = sim_box["sim"]
    RunControls(sim.step, reset, playing, ticks, t("common.day", lang, day=sim.day), lang, prefix="ss",
                on_problem=error.set)


@solara.component
def Exports(csv, png, stem: str, lang: str):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Text(t("common.exports", lang) + " :" if lang == "fr" else t("common.exports", lang) + ":")
        solara.FileDownload(csv, filename=f"{stem}.csv", label=t("common.export_csv", lang))
        solara.FileDownload(png, filename=f"{stem}.png", label=t("common.export_png", lang), mime_type="image/png")


# --- Compare ------------------------------------------------------------------------------------------
#: How many of the last days the table compares, cut in blocks for the noise estimate.
WINDOW, BLOCKS = 20, 4


@solara.component
def CompareLive(pair: Pair, ticks: solara.Reactive, lang: str):
    tick = ticks.value

    def draw():
        with pair.a.lock, pair.b.lock:
            marks = markers_for(pair.a, lang, "A: ") + markers_for(pair.b, lang, "B: ")
            sides = [(f"A — {side_name(pair.a, lang)}", pair.a.frame()),
                     (f"B — {side_name(pair.b, lang)}", pair.b.frame())]
            chart = svg.series_panels(sides, marks, lang)
            diff = pair.difference(list(DIFF_METRICS), window=WINDOW, blocks=BLOCKS)
            gap_frame = difference_frame(sides[0][1], sides[1][1])
            gap = svg.series_panels([("B − A", gap_frame)], marks, lang, metrics=GAP_METRICS, zero_line=True)
        return chart, diff, gap

    chart, diff, gap = solara.use_memo(draw, [tick, lang, id(pair.a.model), id(pair.b.model)])
    with solara.Column():
        SvgView(chart, ["ss-chart", "ss-compare-chart"])
        solara.Markdown(f"#### {t('compare.difference', lang, n=WINDOW)}")
        solara.HTML(tag="table", unsafe_innerHTML=difference_table(diff, pair.day, lang),
                    classes=["ss-table", "ss-diff"])
        solara.Markdown(f"#### {t('compare.gap_chart', lang)}")
        SvgView(gap, ["ss-chart", "ss-gap-chart"])


def difference_table(diff: pd.DataFrame, days: int, lang: str) -> str:
    """The last days' means side by side, B − A with its 95 % interval, and which side is better —
    only when the interval excludes zero ("≈" otherwise; "—" before there are enough days)."""
    rows = []
    for r in diff.itertuples():
        better = (METRICS[r.metric].higher_is_better if r.metric in METRICS
                  else (False if r.metric == "backlog" else None))
        digits = (0 if r.metric in ("backlog", "nps")
                  else (1 if r.metric in ("turnover_rate", "resolution_time_days") else 2))
        cls = ""
        if days < WINDOW or math.isnan(r.low) or math.isnan(r.high):
            who = t("compare.better.early", lang)
        elif r.low <= 0 <= r.high or better is None:
            who = t("compare.better.same", lang)
        else:
            b_wins = (r.diff > 0) == better
            who = t("compare.better.b" if b_wins else "compare.better.a", lang)
            cls = "ss-better"
        interval = ("" if math.isnan(r.low) else
                    f" <span class='ss-note'>[{number(r.low, lang, digits, signed=True)} ; "
                    f"{number(r.high, lang, digits, signed=True)}]</span>" if lang == "fr" else
                    "" if math.isnan(r.low) else
                    f" <span class='ss-note'>[{number(r.low, lang, digits, signed=True)}, "
                    f"{number(r.high, lang, digits, signed=True)}]</span>")
        rows.append(f"<tr class='ss-diff-{r.metric}'><td>{escape(metric_label(r.metric, lang))}</td>"
                    f"<td class='ss-unit'>{escape(metric_unit(r.metric, lang))}</td>"
                    f"<td>{number(r.a, lang, digits)}</td><td>{number(r.b, lang, digits)}</td>"
                    f"<td>{number(r.diff, lang, digits, signed=True)}{interval}</td>"
                    f"<td class='ss-who {cls}'>{who}</td></tr>")
    head = "".join(f"<th>{t(k, lang)}</th>" for k in ("compare.col.metric", "compare.col.unit", "compare.col.a",
                                                        "compare.col.b", "compare.col.diff", "compare.col.better"))
    caption = f"<caption>{escape(t('compare.noise_note', lang, n=WINDOW, k=WINDOW // BLOCKS))}</caption>"
    return f"{caption}<tr>{head}</tr>{''.join(rows)}"


#: The curves of the day-by-day difference between the two sides.
GAP_METRICS = ("csat", "backlog", "engagement", "culture_alignment")


def difference_frame(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Day by day, B minus A, on the days both sides have reached."""
    if "day" not in a.columns or "day" not in b.columns:       # a side has not run a day yet
        return pd.DataFrame({"day": []})
    cols = [c for c in a.columns if c != "day" and c in b.columns and a[c].dtype.kind in "fi"]
    both = a[["day", *cols]].merge(b[["day", *cols]], on="day", suffixes=("_a", "_b"))
    return pd.DataFrame({"day": both["day"], **{c: both[f"{c}_b"] - both[f"{c}_a"] for c in cols}})


EDITED = "+edited"


def side_name(sim: Simulation, lang: str) -> str:
    name = str(sim.scenario.name)
    edited = name.endswith(EDITED) or dict(sim.params) != dict(sim.scenario.params)
    base = name[: -len(EDITED)] if edited else name
    known = {n for n, _c, _d in list_scenarios()}
    text = t(f"scenario.{base}", lang) if base in known else base
    return text + (" " + t("compare.edited", lang) if edited else "")


@solara.component
def SideLab(sim: Simulation, side: str, ticks, generation: int, debounce: Debounce, lang: str, on_edit=None):
    """One side of Compare as a lab: its parameters (live ones act at once, structural ones at
    Reset) and its interventions, folded until asked for."""
    opened = solara.use_reactive(False)
    pending = solara.use_reactive({})
    solara.use_effect(lambda: pending.set({}), [generation])
    box = solara.use_memo(lambda: {"sim": sim}, [id(sim)])
    solara.Button(("▾ " if opened.value else "▸ ") + t("compare.lab", lang), text=True,
                  on_click=lambda: opened.set(not opened.value), classes=[f"ss-lab-{side}"],
                  style={"text-transform": "none", "justify-content": "flex-start"})
    if opened.value:
        with solara.Column(gap="0px", classes=[f"ss-lab-body-{side}"]):
            with solara.Column(gap="0px"):
                if pending.value:
                    solara.Warning(tn("params.pending", len(pending.value), lang, n=len(pending.value)),
                                   dense=True, classes=[f"ss-pending-{side}"])
            InterventionBar(box, ticks, lang, generation, debounce, side=side)
            ParamPanel(sim, generation, pending.set, lang, on_edit=on_edit)


@solara.component
def SidePicker(label: str, value: str, on_value, on_file, lang: str, cls: str, current: str, lab=None):
    with solara.Column(classes=["ss-side-picker"], style={"min-width": "280px", "flex": "1"}):
        solara.Markdown(f"**{label}**")
        extra = [("__explore__", t("compare.explore_scenario", lang))]
        if value == "__upload__":
            extra.append(("__upload__", "📄 " + current))
        solara.v.Select(label=t("common.preset", lang), v_model=value, on_v_model=on_value,
                        items=scenario_items(lang, extra), class_=cls)
        solara.Text(current, classes=["ss-param-help", f"{cls}-current"])
        ScenarioDrop(t("common.drop_or_choose", lang), t("common.choose_file", lang), on_file,
                     classes=[f"{cls}-upload"])
        if lab is not None:
            lab()


@solara.component
def Compare():
    session = use_session()
    lang = use_lang()
    pair: Pair = session.pair
    ticks = session.compare_ticks
    names = solara.use_reactive({"a": pair.a.scenario.name, "b": pair.b.scenario.name})
    seed = solara.use_reactive(pair.seed)
    seed_error = solara.use_reactive(None)
    error = solara.use_reactive(None)
    generation = solara.use_reactive(0)
    edits = solara.use_reactive(0)

    def switch_side(side, sc, name):
        if seed_error.value:
            error.set(seed_error.value)
            return
        session.compare_playing.set(False)
        pair.reset(**{side: sc}, seed=seed.value)
        names.set({**names.value, side: name})
        error.set(None)
        generation.set(generation.value + 1)
        ticks.value += 1

    def reset():
        if seed_error.value:
            error.set(seed_error.value)
            return False
        pair.reset(seed=seed.value)
        error.set(None)
        generation.set(generation.value + 1)
        return True

    def edited():
        edits.set(edits.value + 1)      # the side names say "(edited)"; the curves' legend too
        ticks.value += 1

    _ = edits.value  # read to subscribe: re-render when a side is edited
    choose, upload = _compare_loaders(session, switch_side, error, lang)
    solara.Markdown(f"## {t('compare.title', lang)}")
    solara.Text(t("compare.hint", lang), classes=["ss-hint"])
    # the sides' names are worked out here, not in CompareSides: an edit changes them, not its other props
    CompareSides(pair, names.value, (side_name(pair.a, lang), side_name(pair.b, lang)), choose, upload, seed,
                 seed_error, generation.value, ticks, session.debounce, edited, lang)
    with solara.Column(gap="0px"):
        if error.value:
            solara.Error(error.value, classes=["ss-error"])
    CompareControls(pair, ticks, session.compare_playing, reset, lang, error)
    CompareLive(pair, ticks, lang)
    Exports(lambda: pair.csv(lang),
            lambda: charts.to_png(charts.series_figure(
                [(f"A — {side_name(pair.a, lang)}", pair.a.frame()),
                 (f"B — {side_name(pair.b, lang)}", pair.b.frame())],
                [], lang)),
            "servicesim-compare", lang)


def _compare_loaders(session, switch_side, error, lang: str):
    """Compare's callback makers, each for side "a" or "b": (choose a preset or Explore's
    scenario, load an uploaded file). A problem goes to ``error``."""
    def resolve(value):
        if value == "__explore__":
            ex = session.explore
            from dataclasses import replace

            base = str(ex.scenario.name)
            edited = session.explore_edited or dict(ex.params) != dict(ex.scenario.params)
            return replace(ex.scenario, params=dict(ex.params), name=base + (EDITED if edited else ""))
        return load_preset(value)

    def choose(side):
        def set_value(value):
            if not value or value == "__upload__":
                return
            sc = load_or_show(lambda: resolve(value), error, lang)
            if sc is not None:
                guarded(lambda: switch_side(side, sc, value), _keep(error.set), lang)()
        return set_value

    def upload(side):
        def on_file(info):
            sc = load_or_show(lambda: load_uploaded(info.get("name", ""), info.get("data"), info.get("size")),
                              error, lang)
            if sc is not None:
                guarded(lambda: switch_side(side, sc, "__upload__"), _keep(error.set), lang)()
        return on_file

    return choose, upload


@solara.component
def CompareSides(pair: Pair, names: dict, shown: tuple[str, str], choose, upload, seed, seed_error, generation: int,
                 ticks, debounce: Debounce, edited, lang: str):
    """The two side pickers (each with its lab) and the shared seed; ``names`` are the sides' chosen
    presets, ``shown`` their names as displayed (with "(edited)")."""
    known = {n for n, _c, _d in list_scenarios()} | {"__explore__", "__upload__"}
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        SidePicker(t("compare.side_a", lang), names["a"] if names["a"] in known else "__upload__",
                   choose("a"), upload("a"), lang, "ss-side-a", shown[0],
                   lab=lambda: SideLab(pair.a, "a", ticks, generation, debounce, lang, on_edit=edited))
        SidePicker(t("compare.side_b", lang), names["b"] if names["b"] in known else "__upload__",
                   choose("b"), upload("b"), lang, "ss-side-b", shown[1],
                   lab=lambda: SideLab(pair.b, "b", ticks, generation, debounce, lang, on_edit=edited))
        with solara.Column(classes=["ss-side-picker"], style={"min-width": "200px"}):
            IntField("field.seed", seed.value, seed.set, 0, SEED_MAX, lang, classes=["ss-compare-seed"],
                     on_error=seed_error.set, reset_token=generation)
            solara.Text(t("common.seed_help", lang), classes=["ss-param-help"])


@solara.component
def CompareControls(pair, ticks, playing, reset, lang, error):
    _ = ticks.value  # read to subscribe: re-render with the days
    RunControls(pair.step, reset, playing, ticks, t("compare.days", lang, a=pair.a.day, b=pair.b.day), lang,
                prefix="ss-cmp", on_problem=error.set, day_classes=["ss-compare-days"])


# --- Journey ------------------------------------------------------------------------------------------
@solara.component
def Journey():
    session = use_session()
    lang = use_lang()
    sim: Simulation = session.explore
    ticks = session.explore_ticks
    _ = ticks.value  # read to subscribe: re-render with the day
    chosen = solara.use_reactive(None)
    typed = solara.use_reactive(1)
    typed_error = solara.use_reactive(None)
    note = solara.use_reactive(None)
    model = sim.model
    solara.Markdown(f"## {t('journey.title', lang)}")
    solara.Text(t("journey.hint", lang), classes=["ss-hint"])
    if model.day == 0:
        solara.Info(t("journey.no_model", lang), classes=["ss-journey-empty"])
        return
    solara.Text(f"{side_name(sim, lang)} — {t('common.day', lang, day=model.day)}", classes=["ss-journey-model"])
    _journey_request_picker(sim, chosen, typed, typed_error, note, lang)
    with solara.Column(gap="0px"):
        if note.value:
            solara.Info(note.value, classes=["ss-journey-note"])
    if chosen.value is not None:
        _journey_details(sim, chosen.value, lang)


def _journey_request_picker(sim: Simulation, chosen, typed, typed_error, note, lang: str) -> None:
    """Journey's ways to pick a request (drawn into the calling component, no hooks here): the latest
    unhappy customer, a typed number, or one of the recent requests."""
    model = sim.model

    def latest_unhappy():
        with sim.lock:
            rid = model.latest_unhappy_request()          # served or gave up waiting: both are unhappy
        if rid is None:
            note.set(t("journey.none_unhappy", lang))
        else:
            note.set(None)
            chosen.set(int(rid))
            typed.set(int(rid))

    def show():
        if typed_error.value:                             # "abc": say so, show nothing stale
            chosen.set(None)
            note.set(typed_error.value)
            return
        note.set(None)
        chosen.set(int(typed.value))

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(t("journey.latest_unhappy", lang), icon_name="mdi-emoticon-sad-outline",
                      on_click=guarded(latest_unhappy, _keep(note.set), lang), color="primary",
                      classes=["ss-latest-unhappy"])
        IntField("field.request", typed.value, typed.set, 0, 10**12, lang, classes=["ss-request-id"],
                 style={"max-width": "260px"}, on_error=typed_error.set)
        solara.Button(t("journey.show", lang), on_click=guarded(show, _keep(note.set), lang),
                      classes=["ss-show-request"])
    with sim.lock:
        recent = model.recent_requests(8)
    if recent:
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="4px"):
            solara.Text(t("journey.recent", lang) + (" :" if lang == "fr" else ":"))
            for rid in recent:
                solara.Button(f"n°\u00a0{rid}" if lang == "fr" else f"#{rid}", text=True,
                              style={"text-transform": "none"},
                              on_click=(lambda r=rid: (typed.set(r), note.set(None), chosen.set(r))),
                              classes=["ss-recent"])


def _journey_details(sim: Simulation, rid: int, lang: str) -> None:
    """One request's path, event by event, and why its customer judged it so (drawn into the
    calling component, no hooks here)."""
    model = sim.model
    with sim.lock:
        events = model.journey(rid)
        outcome = model.outcome(rid)
    if not events:
        solara.Warning(t("journey.unknown", lang, id=rid), classes=["ss-journey-unknown"])
        return
    solara.Markdown(f"### {t('journey.path', lang, id=rid)}")
    rows = "".join(f"<tr><td>{e['day']}</td><td>{escape(_sentence(describe_event(e, lang)))}</td></tr>" for e in events)
    head = (f"<tr><th>{t('journey.col.day', lang)}</th>"
            f"<th style='text-align:left'>{t('journey.col.event', lang)}</th></tr>")
    solara.HTML(tag="table", unsafe_innerHTML=head + rows, classes=["ss-table", "ss-journey-events"])
    solara.Markdown(f"### {t('journey.why', lang)}")
    with solara.Column(gap="0px", classes=["ss-journey-why"]):
        for line in explain_outcome(outcome, lang):
            solara.Text(line)
    bars = why_bars(outcome, lang)
    if bars:
        solara.HTML(tag="table", unsafe_innerHTML=bars, classes=["ss-why-bars"])


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def why_bars(outcome: dict | None, lang: str) -> str:
    """The terms of the customer's judgement as a small bar chart (what took performance off)."""
    if not outcome or outcome.get("abandoned"):
        return ""
    terms = [("worst.wait", -outcome.get("wait_cost", 0.0)), ("worst.people", -outcome.get("people_cost", 0.0)),
             ("worst.errors", -outcome.get("error_cost", 0.0)), ("worst.mood", outcome.get("mood_effect", 0.0))]
    rows = [f"<tr><th colspan='3' style='text-align:left'>{escape(t('journey.bars', lang))}</th></tr>"]
    for key, v in terms:
        width = min(160, int(abs(v) * 400))
        cls = "ss-bar ss-bar-plus" if v > 0 else "ss-bar"
        rows.append(f"<tr><td>{escape(t(key, lang)).capitalize()}</td><td><span class='{cls}' style='width:{width}px'>"
                    f"</span></td><td>{number(v, lang, 2, signed=True)}</td></tr>")
    return "".join(rows)


# --- Info -------------------------------------------------------------------------------------------------
@solara.component
def Info():
    lang = use_lang()
    solara.Markdown(f"## {t('info.title', lang)}")
    with solara.Column(classes=["ss-info"], style={"max-width": "900px"}):
        solara.Markdown(f"### {t('info.what', lang)}\n\n{t('info.what.text', lang)}")
        for page in ("explore", "compare", "journey"):
            with solara.Card(t(f"nav.{page}", lang)):
                for part in ("what", "how", "notice", "try"):
                    solara.Markdown(f"**{t(f'info.{part}', lang)}** — {t(f'info.{page}.{part}', lang)}")
        solara.Markdown(f"### {t('info.credits', lang)}\n\n{t('info.credits.text', lang)}")
        solara.Markdown(f"### {t('info.extend', lang)}\n\n{t('info.extend.text', lang)}")


routes = [
    solara.Route(path="/", component=Explore, label="Explore", layout=Layout),
    solara.Route(path="compare", component=Compare, label="Compare"),
    solara.Route(path="journey", component=Journey, label="Journey"),
    solara.Route(path="info", component=Info, label="Info"),
    solara.Route(path="questionnaire", component=questionnaire_page.Page, label="Questionnaire"),
    solara.Route(path="room", component=RoomPage, label="Workshop"),
]
