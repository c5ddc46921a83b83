"""Inputs that never let a typed value crash a page: number fields with a message in the page's
language, and ``guarded`` event handlers (any failure becomes one line; the page stays alive)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import solara

from servicesim.model.errors import ServicesimError

from .fields import FieldError, field_message, parse_int
from .i18n import number, t

log = logging.getLogger("servicesim.viz")


def problem_text(exc: BaseException, lang: str) -> str:
    """One line in ``lang`` for any exception raised by an action (no traceback, no server path)."""
    if isinstance(exc, ServicesimError):
        return field_message(exc, lang)
    return field_message(FieldError("internal", detail=type(exc).__name__), lang)


def guarded(fn: Callable, show: Callable[[str | None], None], lang: str) -> Callable:
    """``fn`` as an event handler: on success ``show(None)``; on failure ``show(one line)``."""

    def handler(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except ServicesimError as exc:
            show(problem_text(exc, lang))
            return None
        except Exception as exc:  # noqa: BLE001 - a visitor's action must never kill the page
            log.exception("action failed")
            show(problem_text(exc, lang))
            return None
        show(None)
        return result

    return handler


class Debounce:
    """Refuses an action repeated within ``seconds`` (a double click, a burst of clicks)."""

    def __init__(self, seconds: float = 0.6):
        self.seconds, self.last = seconds, {}

    def ready(self, key) -> bool:
        now = time.monotonic()
        if now - self.last.get(key, -1e9) < self.seconds:
            return False
        self.last[key] = now
        return True


@solara.component
def IntField(label_key: str, value: int, on_value: Callable[[int], None], low: int, high: int, lang: str,
             classes: list[str] | None = None, style: dict | None = None, on_error: Callable | None = None,
             reset_token=None):
    """A whole-number field: what is typed stays visible; a wrong value shows one line naming the
    field, the value and what is allowed, and ``on_value`` is called only with valid values.
    ``on_error(text_or_None)`` is told about the field's state (the page can refuse to act)."""
    if classes is None:
        classes = []
    text = solara.use_reactive(str(value))
    error = solara.use_reactive(None)

    def sync():
        # the value changed from outside (a reset, a click on a recent request): show it
        text.set(str(value))
        if error.value is not None:
            error.set(None)
            if on_error:
                on_error(None)

    solara.use_effect(sync, [value, reset_token])

    def typed(new_text):
        text.set(new_text)
        try:
            v = parse_int(new_text, label_key, low, high)
        except FieldError as exc:
            msg = field_message(exc, lang)
            error.set(msg)
            if on_error:
                on_error(msg)
            return
        error.set(None)
        if on_error:
            on_error(None)
        if v != value:
            on_value(v)

    with solara.Column(gap="0px", classes=["ss-field"] + list(classes), style=style or {}):
        solara.InputText(t(label_key, lang), value=text.value, on_value=typed, continuous_update=True,
                         classes=[c + "-input" for c in classes])
        if error.value:
            solara.Error(error.value, dense=True, classes=["ss-field-error"] + [c + "-error" for c in classes])


def fmt_int(x: int, lang: str) -> str:
    return number(int(x), lang, 0)
