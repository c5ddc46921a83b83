"""A tiny workshop exercise for tests: two small organisations, a few days, two replicates (fast
enough for browser tests; shared by the unit and browser tests of rooms)."""

TINY = """
id = "tiny"
kind = "compare"
claims = ["C1"]
credit = "test"
minutes = 5
order = 1
[title]
en = "Tiny"
fr = "Minuscule"
[brief]
en = "A tiny test exercise."
fr = "Un tout petit exercice de test."
[run]
days = 15
warmup = 0
replicates = 2
seed = 3
[run.a]
scenario = "hierarchical"
set = { teams = 2, team_size = 4 }
label = { en = "Command", fr = "Commandement" }
[run.b]
scenario = "bersin"
set = { teams = 2, team_size = 4 }
label = { en = "Culture", fr = "Culture" }
[[predict]]
field = "direction"
ask = { en = "Which serves customers better?", fr = "Laquelle sert le mieux ses clients ?" }
[[predict]]
field = "csat_gap"
ask = { en = "By how much?", fr = "De combien ?" }
[debrief]
questions = { en = ["Why did the room disagree?"], fr = ["Pourquoi le groupe n'était-il pas d'accord ?"] }
notice = { en = "Notice the waiting.", fr = "Remarquez l'attente." }
"""
