"""Workshops: rooms, exercises, predictions, a class board, and the questionnaires of one's own organisation."""
