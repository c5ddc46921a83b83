"""Workshops: rooms a facilitator opens, exercises participants predict, a class board and a debrief.

No user interface here: :mod:`servicesim.viz.room_pages` draws these in the browser app.
``store`` (SQLite), ``exercises`` (the exercise files), ``rooms`` (what a facilitator and a
participant may do), ``runs`` (running an exercise once per room, in the background), ``board``
(predictions against the outcome), ``export`` (the debrief CSV and printable page), ``texts``
(every text, English and French).
"""
