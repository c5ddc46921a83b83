"""Errors a user can cause, reported as one line by every front end."""


class ServicesimError(Exception):
    """Base class for errors caused by input (parameters, scenario files, experiment files)."""


class ParamError(ServicesimError, ValueError):
    """A parameter is unknown, of the wrong type, or out of its allowed range."""


class ScenarioError(ServicesimError):
    """A scenario file or preset cannot be found or read."""
