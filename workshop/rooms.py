"""What a facilitator and a participant may do in a room (no user interface; the pages call these).

A facilitator opens a room and receives its short code (letters nobody confuses) and a secret
token (``secrets.token_urlsafe``; only its hash is stored): every facilitator action checks it.
Participants join with the code and a display name (unique in the room whatever its case) and
receive a key of their own, so a reload or a server restart finds them again. The facilitator
pushes an exercise and moves the room through its phases: brief -> predict -> run -> reveal ->
debrief. Predictions are checked against the exercise's fields and locked at the reveal. Every
refusal is a :class:`WorkshopError` (a message key and values, read in each user's language).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .exercises import Catalogue, Exercise, load_all
from .store import Store
from .texts import LANGS, Msg, WorkshopError, plain

#: Letters that cannot be mistaken for one another or for digits, read aloud or from a projector.
CODE_LETTERS = "ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 4
NAME_MAX = 30
TIMER_MAX_MINUTES = 60
PHASES = ("brief", "predict", "run", "reveal", "debrief")
#: Phases in which a participant may still send (or change) a prediction.
OPEN_PHASES = ("predict", "run")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_code(text: Any) -> str:
    """What a participant typed as a room code: letters only, upper case (``kmtr``, ``K M T R`` -> KMTR)."""
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())


@dataclass(frozen=True)
class Opened:
    code: str
    token: str


@dataclass(frozen=True)
class Joined:
    code: str
    key: str
    participant: int
    name: str


@dataclass
class RoomState:
    """Everything a view of a room shows, read in one go."""

    code: str
    lang: str
    closed: bool
    phase: str
    exercise: Exercise | None
    deadline: float | None
    participants: list[dict]
    predictions: dict[int, dict]
    run: dict | None
    outcomes: dict[int, dict]
    locked: bool
    version: int
    pushed: list[str]

    @property
    def answered(self) -> list[dict]:
        return [p for p in self.participants if p["id"] in self.predictions]

    @property
    def waiting(self) -> list[dict]:
        return [p for p in self.participants if p["id"] not in self.predictions]

    def seconds_left(self, now: float | None = None) -> float | None:
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - (time.time() if now is None else now))


class Rooms:
    """The rooms of one data directory: a store and the exercises it offers."""

    def __init__(self, data_dir: str | Path, store: Store | None = None):
        self.data_dir = Path(data_dir)
        self.store = store or Store(self.data_dir)

    def catalogue(self) -> Catalogue:
        """The exercises on offer (files are read again, cheaply, so a dropped file appears)."""
        return load_all(self.data_dir)

    # --- facilitator ------------------------------------------------------------------------------------
    def open_room(self, lang: str = "en") -> Opened:
        lang = check_lang(lang)
        token = secrets.token_urlsafe(24)
        for _ in range(200):
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
            if self.store.add_room(code, hash_token(token), lang):
                return Opened(code, token)
        raise RuntimeError("no free room code after 200 tries")  # 160,000 codes: only if nearly all are taken

    def _facilitator(self, code: str, token: str) -> dict:
        room = self._room(code)
        if not token or not hmac.compare_digest(hash_token(str(token)), room["token_hash"]):
            raise WorkshopError("err.not_facilitator")
        return room

    def is_facilitator(self, code: str, token: str) -> bool:
        try:
            self._facilitator(code, token)
        except WorkshopError:
            return False
        return True

    def push(self, code: str, token: str, exercise_id: str) -> Exercise:
        room = self._facilitator(code, token)
        self._open(room)
        ex = self.catalogue().get(exercise_id)
        self.store.push(room["code"], ex.id, "brief")
        return ex

    def set_phase(self, code: str, token: str, phase: str) -> str:
        room = self._facilitator(code, token)
        self._open(room)
        if phase not in PHASES:
            raise WorkshopError("err.phase_unknown", value=plain(phase), allowed=", ".join(PHASES))
        if not room["exercise"]:
            raise WorkshopError("err.no_exercise")
        if phase in ("reveal", "debrief"):
            self.store.lock(room["code"], room["exercise"])
        self.store.update_room(room["code"], phase=phase, phase_started=time.time(), deadline=None)
        if phase in ("run", "reveal", "debrief"):
            from .runs import request_run

            ex = self.catalogue().get(room["exercise"])
            if ex.kind != "questionnaire":
                request_run(self, room["code"], ex)
        return phase

    def next_phase(self, code: str, token: str) -> str:
        room = self._facilitator(code, token)
        phase = room["phase"]
        nxt = PHASES[min(PHASES.index(phase) + 1, len(PHASES) - 1)] if phase in PHASES else PHASES[0]
        return self.set_phase(code, token, nxt)

    def set_timer(self, code: str, token: str, minutes: Any) -> float | None:
        """Start a countdown of ``minutes`` for the current phase (0 stops it); return the deadline."""
        room = self._facilitator(code, token)
        self._open(room)
        value = minutes
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                raise WorkshopError("err.timer", value=plain(minutes), max=TIMER_MAX_MINUTES) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value != int(value) or not 0 <= value <= TIMER_MAX_MINUTES:
            raise WorkshopError("err.timer", value=plain(minutes), max=TIMER_MAX_MINUTES)
        deadline = time.time() + 60 * int(value) if value else None
        self.store.update_room(room["code"], deadline=deadline)
        return deadline

    def start_run(self, code: str, token: str) -> None:
        room = self._facilitator(code, token)
        if not room["exercise"]:
            raise WorkshopError("err.no_exercise")
        from .runs import request_run

        request_run(self, room["code"], self.catalogue().get(room["exercise"]), again=True)

    def close(self, code: str, token: str) -> None:
        room = self._facilitator(code, token)
        self.store.update_room(room["code"], closed=time.time())

    # --- participants -----------------------------------------------------------------------------------
    def join(self, code: Any, name: Any, lang: str = "en") -> Joined:
        lang = check_lang(lang)
        room = self._room(code)
        self._open(room)
        shown = " ".join(str(name or "").split())
        if not shown:
            raise WorkshopError("err.name_empty", max=NAME_MAX)
        if len(shown) > NAME_MAX:
            raise WorkshopError("err.name_long", name=plain(shown[:NAME_MAX] + "…"), length=len(shown), max=NAME_MAX)
        key = secrets.token_urlsafe(12)
        pid = self.store.add_participant(room["code"], shown, key, lang)
        if pid is None:
            raise WorkshopError("err.name_taken", name=shown)
        return Joined(room["code"], key, pid, shown)

    def participant(self, code: Any, key: str) -> dict:
        room = self._room(code)
        who = self.store.participant(room["code"], str(key or ""))
        if who is None:
            raise WorkshopError("err.not_participant")
        return who

    def predict(self, code: Any, key: str, values: dict[str, Any]) -> dict[str, Any]:
        """Check and store a participant's prediction for the room's exercise (replacing their previous one
        until the lock); return the stored values."""
        room = self._room(code)
        who = self.participant(room["code"], key)
        self._open(room)
        if not room["exercise"]:
            raise WorkshopError("err.no_exercise")
        ex = self.catalogue().get(room["exercise"])
        if self.store.locked(room["code"], ex.id):
            raise WorkshopError("err.locked")
        if room["phase"] not in OPEN_PHASES:
            raise WorkshopError("err.not_predicting")
        clean = check_prediction(ex, values)
        if not self.store.predict(room["code"], ex.id, who["id"], clean):
            raise WorkshopError("err.locked")
        return clean

    def record_outcome(self, code: Any, key: str, result: dict) -> None:
        """A participant's own outcome (the questionnaire's organisation, simulated on their page)."""
        room = self._room(code)
        who = self.participant(room["code"], key)
        if room["exercise"]:
            self.store.set_outcome(room["code"], room["exercise"], who["id"], dict(result))

    # --- reading --------------------------------------------------------------------------------------------
    def _room(self, code: Any) -> dict:
        clean = normalise_code(code)
        if not clean:
            raise WorkshopError("err.code_empty", n=CODE_LENGTH)
        room = self.store.room(clean)
        if room is None:
            raise WorkshopError("err.code_unknown", code=clean, n=CODE_LENGTH)
        return room

    @staticmethod
    def _open(room: dict) -> None:
        if room["closed"] is not None:
            raise WorkshopError("err.code_closed", code=room["code"])

    def state(self, code: Any, catalogue: Catalogue | None = None) -> RoomState:
        room = self._room(code)
        c = room["code"]
        ex = None
        if room["exercise"]:
            cat = catalogue or self.catalogue()
            ex = cat.exercises.get(room["exercise"])
        ex_id = room["exercise"] or ""
        return RoomState(code=c, lang=room["lang"], closed=room["closed"] is not None, phase=room["phase"],
                         exercise=ex, deadline=room["deadline"], participants=self.store.participants(c),
                         predictions=self.store.predictions(c, ex_id) if ex_id else {},
                         run=self.store.run(c, ex_id) if ex_id else None,
                         outcomes=self.store.outcomes(c, ex_id) if ex_id else {},
                         locked=self.store.locked(c, ex_id) if ex_id else False, version=room["version"],
                         pushed=[p["exercise"] for p in self.store.pushes(c)])

    def version(self, code: str) -> int | None:
        return self.store.version(normalise_code(code))

    def signature(self, code: str) -> tuple | None:
        return self.store.signature(normalise_code(code))


def check_lang(lang: Any) -> str:
    if lang not in LANGS:
        raise WorkshopError("err.lang", value=plain(lang), allowed=", ".join(LANGS))
    return lang


def check_prediction(ex: Exercise, values: dict[str, Any]) -> dict[str, Any]:
    """The prediction as stored: every field of the exercise present and allowed."""
    out: dict[str, Any] = {}
    for ask in ex.predict:
        label = Msg(f"field.{ask.field}")
        raw = values.get(ask.field)
        if ask.choices:
            allowed = ", ".join(ask.choices)
            if raw is None or raw == "":
                raise WorkshopError("err.pred_missing", field=label, allowed=allowed)
            if raw not in ask.choices:
                raise WorkshopError("err.pred_choice", field=label, value=plain(raw), allowed=allowed)
            out[ask.field] = raw
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise WorkshopError("err.pred_missing", field=label,
                                allowed=Msg("allowed.number", low=ask.low, high=ask.high))
        value = parse_number(raw)
        if value is None:
            raise WorkshopError("err.pred_number", field=label, value=plain(raw), low=ask.low, high=ask.high)
        if not ask.low <= value <= ask.high:
            raise WorkshopError("err.pred_range", field=label, value=value, low=ask.low, high=ask.high)
        out[ask.field] = value
    return out


def parse_number(raw: Any) -> float | None:
    """A number as a participant types it (``0.4``, ``0,4``, ``+0.4``, ``−0.4``); None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u2212", "-").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    return value if math.isfinite(value) else None


__all__ = ["Rooms", "RoomState", "Opened", "Joined", "PHASES", "CODE_LETTERS", "check_prediction", "parse_number",
           "normalise_code", "hash_token"]
