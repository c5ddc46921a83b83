"""Errors a user can cause, reported as one line by every front end."""


class ServicesimError(Exception):
    """Base class for errors caused by input (parameters, scenario files, experiment files)."""


class ParamError(ServicesimError, ValueError):
    """A parameter is unknown, of the wrong type, or out of its allowed range.

    Besides its one-line message it carries the parts a translated front end needs: ``name``,
    ``value``, ``problem`` (a short code such as ``"out_of_range"``) and ``allowed``."""

    def __init__(self, message: str, *, name: str | None = None, value=None, problem: str | None = None,
                 allowed: str | None = None):
        super().__init__(message)
        self.name, self.value, self.problem, self.allowed = name, value, problem, allowed


class ScenarioError(ServicesimError):
    """A scenario file or preset cannot be found or read."""
