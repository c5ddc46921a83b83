"""The questionnaire page: describe one's own organisation, see it simulated beside culture first and command
and control (with bands), and download it as a scenario file (claim C9; servicesim.workshop.questionnaire).

:func:`QuestionnairePanel` is the whole thing as a component, so that a workshop room can embed it
(``on_done`` receives the result dict); :func:`Page` is the app's ``/questionnaire`` route. The work one
visitor can start is bounded twice: each simulation is capped in size (``questionnaire.MAX_WORK``), and the
server runs one questionnaire simulation at a time (the others wait their turn, and are told so).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from html import escape

import solara

from servicesim.workshop import questionnaire as Q

from .i18n import number, t
from .widgets import problem_text

log = logging.getLogger("servicesim.viz")

#: One questionnaire simulation at a time on this server (a room of twenty must not stall the others).
_TURN = threading.BoundedSemaphore(1)
DONT_KNOW = "?"
NO_SECTOR = "none"
ARM_KEYS = tuple(Q.ARMS)
COLOURS = {"as_is": "#1f3b5a", "culture_first": "#2e7d32", "command_control": "#b71c1c"}

CSS = """
.ss-q { max-width: 900px; }
.ss-q-item { padding: 6px 0 8px 0; border-bottom: 1px solid #eceff1; }
.ss-q-text { font-size: 0.98rem; color: #263238; line-height: 1.3; }
.ss-q-id { font-weight: 600; color: #1f3b5a; margin-right: 6px; }
.ss-q-scale .v-btn { min-width: 40px !important; padding: 0 8px !important; text-transform: none; }
.ss-q-scale-labels { font-size: 0.75rem; color: #607d8b; }
.ss-q-results table { border-collapse: collapse; font-size: 0.95rem; }
.ss-q-results td, .ss-q-results th { padding: 3px 10px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.ss-q-results td:first-child, .ss-q-results th:first-child { text-align: left; }
.ss-q-band svg { width: 100%; max-width: 560px; height: auto; }
.ss-q-verdict { font-size: 1.1rem; font-weight: 600; color: #1f3b5a; }
@media (max-width: 600px) {
  .ss-q-results td, .ss-q-results th { padding: 2px 4px; font-size: 0.85rem; }
  .ss-q-scale .v-btn { min-width: 34px !important; padding: 0 4px !important; }
}
"""


class _Abandoned(Exception):
    """The simulation's page went away (or a new one was asked for): stop between two runs."""


# --- drawing ------------------------------------------------------------------------------------------------
def band_text(band: Mapping[str, float], lang: str, digits: int) -> str:
    return (f"{number(band['median'], lang, digits)} ({number(band['low'], lang, digits)} "
            f"{t('q.to', lang)} {number(band['high'], lang, digits)})")


def band_svg(bands: Mapping[str, Mapping[str, float]], metric: str, lang: str) -> str:
    """Each arm's band (percentiles) as a line and its median as a dot, on a common axis."""
    digits = 2 if metric == "csat" else 1
    lows = [b["low"] for b in bands.values()]
    highs = [b["high"] for b in bands.values()]
    lo, hi = min(lows), max(highs)
    pad = max((hi - lo) * 0.08, 0.02 if metric == "csat" else 0.5)
    lo, hi = lo - pad, hi + pad
    width, left, right, row = 640, 250, 24, 44
    height = row * len(bands) + 48

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (width - left - right)

    parts = [f"<svg viewBox='0 0 {width} {height}' xmlns='http://www.w3.org/2000/svg' role='img' "
             f"aria-label='{escape(t(f'q.chart.{metric}', lang))}' font-family='sans-serif' font-size='20'>"]
    for i, (arm, b) in enumerate(bands.items()):
        y = 26 + i * row
        colour = COLOURS[arm]
        parts.append(f"<text x='4' y='{y + 7}' fill='#263238'>{escape(t(f'q.arm.{arm}', lang))}</text>")
        parts.append(f"<line x1='{x(b['low']):.1f}' x2='{x(b['high']):.1f}' y1='{y}' y2='{y}' stroke='{colour}' "
                     f"stroke-width='10' stroke-linecap='round' opacity='0.35'/>")
        parts.append(f"<circle cx='{x(b['median']):.1f}' cy='{y}' r='9' fill='{colour}'/>")
    axis_y = height - 16
    parts.append(f"<line x1='{left}' x2='{width - right}' y1='{axis_y - 10}' y2='{axis_y - 10}' stroke='#90a4ae'/>")
    for v in (lo + pad, (lo + hi) / 2, hi - pad):
        parts.append(f"<text x='{x(v):.1f}' y='{axis_y + 4}' text-anchor='middle' fill='#546e7a' font-size='17'>"
                     f"{escape(number(v, lang, digits))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def results_table(result: Mapping, lang: str) -> str:
    head = (f"<tr><th>{escape(t('q.col.arm', lang))}</th><th>{escape(t('q.col.csat', lang))}</th>"
            f"<th>{escape(t('q.col.profit', lang))}</th></tr>")
    rows = "".join(
        f"<tr class='ss-q-row-{arm}'><td>{escape(t(f'q.arm.{arm}', lang))}</td>"
        f"<td>{escape(band_text(result['bands']['csat'][arm], lang, 2))}</td>"
        f"<td>{escape(band_text(result['bands']['profit'][arm], lang, 1))}</td></tr>" for arm in ARM_KEYS)
    return f"<table>{head}{rows}</table>"


def verdict(result: Mapping, lang: str) -> str:
    gap = result["gaps"]["culture_first"]
    return t("q.verdict", lang, csat=number(gap["csat"]["median"], lang, 2, signed=True),
             low=number(gap["csat"]["low"], lang, 2, signed=True),
             high=number(gap["csat"]["high"], lang, 2, signed=True),
             profit=number(gap["profit"]["median"], lang, 1, signed=True))


def sector_items(lang: str) -> list[dict]:
    """The sector presets an organisation may start from (its customers, demand and chain), or none."""
    from servicesim.model.scenario import names_of

    return [{"text": t("q.sector.none", lang), "value": NO_SECTOR}] + [
        {"text": t(f"scenario.{name}", lang), "value": name} for name in names_of("sector")]


# --- the panel ------------------------------------------------------------------------------------------------
@solara.component
def ItemQuestion(item: Q.Item, value, on_value: Callable, lang: str):
    scale = Q.load().scale[lang]
    with solara.Column(gap="2px", classes=["ss-q-item", f"ss-q-item-{item.id}"]):
        solara.HTML(tag="div", unsafe_innerHTML=f"<span class='ss-q-id'>{escape(item.id)}</span>"
                                                f"{escape(item.text[lang])}", classes=["ss-q-text"])
        buttons = [solara.Button(str(n), value=n, classes=[f"ss-q-{item.id}-{n}"]) for n in range(Q.LOWEST,
                                                                                                  Q.HIGHEST + 1)]
        buttons.append(solara.Button(Q.load().dont_know[lang], value=DONT_KNOW, classes=[f"ss-q-{item.id}-dk"]))
        solara.ToggleButtonsSingle(value=DONT_KNOW if value is None else value,
                                   on_value=lambda v: on_value(None if v == DONT_KNOW else v),
                                   dense=True, classes=["ss-q-scale"], children=buttons)
        solara.Text(f"1 = {scale[0]} · 5 = {scale[-1]}", classes=["ss-q-scale-labels"])


@solara.component
def QuestionnairePanel(lang: str, on_done: Callable[[dict], None] | None = None, settings: Mapping | None = None):
    """Answer the two questionnaires, simulate, see the bands, download the scenario file.

    ``on_done(result)`` is called with :func:`servicesim.workshop.questionnaire.simulate`'s result (``csat``
    and ``profit`` by arm, their ``bands``, ``gaps``, ``csat_gap``, ``answers``, ``scenario``). ``settings``
    may set ``samples``, ``replicates``, ``days``, ``warmup`` and ``seed`` (e.g. an exercise's [run]); the
    defaults are ``questionnaire.DEFAULTS``, and the size is capped whatever they are."""
    answers = solara.use_reactive({})
    sector = solara.use_reactive(NO_SECTOR)
    request = solara.use_reactive(0)
    status = solara.use_reactive("idle")            # idle | waiting | running | done | failed
    progress = solara.use_reactive((0, 0))
    result = solara.use_reactive(None)
    result_answers = solara.use_reactive(None)
    problem = solara.use_reactive(None)
    chosen = {**Q.DEFAULTS, **(settings or {})}

    def work(cancel: threading.Event):
        if request.value == 0:
            return
        wanted = dict(answers.value)
        chosen_sector = "" if sector.value == NO_SECTOR else sector.value
        try:
            checked = Q.validate(wanted, lang)
        except Q.QuestionnaireError as exc:
            problem.set(exc.text(lang))
            status.set("failed")
            return
        if not _TURN.acquire(blocking=False):
            status.set("waiting")
            while not _TURN.acquire(timeout=0.5):
                if cancel.is_set():
                    return
        def report(done: int, total: int) -> None:
            if cancel.is_set():             # the visitor left or asked again: free the slot at once
                raise _Abandoned
            progress.set((done, total))

        try:
            status.set("running")
            progress.set((0, 0))
            out = Q.simulate(checked, samples_n=chosen["samples"], replicates=chosen["replicates"],
                             days=chosen["days"], warmup=chosen["warmup"], seed=chosen["seed"], lang=lang,
                             sector=chosen_sector, on_progress=report)
        except _Abandoned:
            return
        except Exception as exc:  # noqa: BLE001 - one line for the visitor, the page stays alive
            if not isinstance(exc, Q.QuestionnaireError):
                log.exception("questionnaire simulation failed")
            problem.set(exc.text(lang) if isinstance(exc, Q.QuestionnaireError) else problem_text(exc, lang))
            status.set("failed")
            return
        finally:
            _TURN.release()
        problem.set(None)
        status.set("done")
        result_answers.set((wanted, sector.value))
        result.set(out)
        if on_done is not None:
            try:
                on_done(out)
            except Exception:  # noqa: BLE001 - the embedding room reports its own problems
                log.exception("questionnaire on_done failed")

    solara.use_thread(work, dependencies=[request.value], intrusive_cancel=False)

    def set_answer(item_id: str):
        return lambda v: answers.set({**answers.value, item_id: v})

    def start():
        problem.set(None)
        status.set("waiting")
        request.set(request.value + 1)

    busy = status.value in ("waiting", "running")
    qs = Q.load()
    given = sum(v is not None for v in answers.value.values())
    with solara.Column(classes=["ss-q"]):
        solara.Style(CSS)
        solara.Markdown(f"## {t('q.title', lang)}")
        solara.Text(t("q.hint", lang), classes=["ss-hint"])
        solara.Text(t("q.credit", lang), classes=["ss-note"])
        solara.v.Select(label=t("q.sector", lang), v_model=sector.value, on_v_model=sector.set,
                        items=sector_items(lang), class_="ss-q-sector", style_="max-width: 560px")
        for name in Q.QUESTIONNAIRES:
            solara.Markdown(f"### {qs.titles[name][lang]}")
            solara.Text(qs.intros[name][lang], classes=["ss-hint"])
            for item in qs.of(name):
                ItemQuestion(item, answers.value.get(item.id), set_answer(item.id), lang)
        solara.Text(t("q.answered", lang, n=given, total=len(qs.items)), classes=["ss-q-answered"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(t("q.run", lang), color="primary", on_click=start, disabled=busy, classes=["ss-q-run"])
            solara.Button(t("q.clear", lang), text=True, on_click=lambda: answers.set({}), disabled=busy,
                          classes=["ss-q-clear"])
        # the status lives in one container that is always there, so that the results below keep their
        # place (and their download button) while the status changes
        with solara.Column(gap="4px", classes=["ss-q-status"]):
            if status.value == "waiting":
                solara.Info(t("q.waiting", lang), classes=["ss-q-waiting"])
            elif status.value == "running":
                done, total = progress.value
                solara.ProgressLinear(value=100 * done / total if total else True)
                solara.Text(t("q.running", lang, done=done, total=total or "…"), classes=["ss-q-running"])
            if problem.value:
                solara.Error(problem.value, classes=["ss-q-problem"])
        with solara.Column(gap="0px", classes=["ss-q-outcome"]):
            if result.value is not None:
                Results(result.value, lang, stale=result_answers.value != (answers.value, sector.value))


@solara.component
def Results(result: Mapping, lang: str, stale: bool):
    people = int(result["size"]["teams"]) * int(result["size"]["team_size"])
    with solara.Column(classes=["ss-q-results"]):
        solara.Markdown(f"### {t('q.result', lang)}")
        if stale:
            solara.Warning(t("q.stale", lang), classes=["ss-q-stale"])
        solara.Text(verdict(result, lang), classes=["ss-q-verdict"])
        # what the brackets and lines are (the 10th-90th percentiles), right under the first figures in brackets
        solara.Text(t("q.band_note", lang, runs=result["runs"] // len(ARM_KEYS), samples=result["samples"],
                      low=int(Q.BAND[0]), high=int(Q.BAND[1]), people=people, days=result["days"]),
                    classes=["ss-note", "ss-q-band-note"])
        solara.HTML(tag="div", unsafe_innerHTML=results_table(result, lang), classes=["ss-q-table"])
        for metric in ("csat", "profit"):
            solara.Text(t(f"q.chart.{metric}", lang), classes=["ss-legend"])
            solara.HTML(tag="div", unsafe_innerHTML=band_svg(result["bands"][metric], metric, lang),
                        classes=["ss-q-band", f"ss-q-band-{metric}"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.FileDownload(result["scenario"].encode("utf-8"), filename=t("q.filename", lang),
                                label=t("q.download", lang), mime_type="application/toml",
                                children=[solara.Button(t("q.download", lang), icon_name="mdi-download",
                                                        classes=["ss-q-download"])])
            solara.Text(t("q.download_hint", lang), classes=["ss-note"])


@solara.component
def Page():
    """The ``/questionnaire`` route, in the language the app's top bar (or ``?lang=``) chose."""
    from .app import use_lang

    QuestionnairePanel(use_lang())


__all__ = ["QuestionnairePanel", "Page", "band_svg", "results_table", "verdict"]
