"""Checks of options shared by the whole package: one value out of a ``Literal``, and the keyword
options a function takes."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, get_args, get_origin

from helpers.core.errors import ConfigError

__all__ = [
    "check_option",
    "check_keywords",
]


def _choices(allowed: Any) -> tuple[Any, ...]:
    if get_origin(allowed) is Literal:
        return get_args(allowed)
    if isinstance(allowed, str):
        return (allowed,)
    return tuple(allowed)


def check_option(name: str, value: object, allowed: Any) -> None:
    """Raise unless ``value`` is one of the allowed values.

    Parameters
    ----------
    name : str
        The option's name, as the caller typed it (it starts the message).
    value : object
        The value given.
    allowed : Literal or iterable
        A ``typing.Literal`` (its arguments are the allowed values) or the values themselves.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        ``value`` is of a type none of the allowed values has (e.g. a number where names are
        expected).
    ConfigError
        ``value`` has the right type but is not allowed. ConfigError is a ValueError.

    Examples
    --------
    >>> from typing import Literal
    >>> check_option("method", "fdr_bh", Literal["fdr_bh", "holm"])
    >>> check_option("method", "bh", Literal["fdr_bh", "holm"])
    Traceback (most recent call last):
    ...
    helpers.core.errors.ConfigError: method='bh' is not allowed; expected one of ['fdr_bh', 'holm']
    """
    choices = _choices(allowed)
    types = tuple({type(c) for c in choices})
    if types and not isinstance(value, types):
        raise TypeError(
            f"{name} must be one of {list(choices)}, got an object of type {type(value).__name__}"
        )
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not allowed; expected one of {list(choices)}")


def check_keywords(
    func: Callable[..., Any],
    given: Mapping[str, Any] | Iterable[str],
    *,
    what: str,
    skip: Iterable[str] = (),
) -> None:
    """Raise ConfigError naming ``what`` and the options ``func`` takes if a keyword in
    ``given`` is not one of its keyword parameters.

    Parameters
    ----------
    func : callable
        The function whose signature decides (its keyword-only and ordinary parameters).
    given : mapping or iterable of str
        The keywords given (a mapping's keys are used).
    what : str
        How the message names the call, e.g. ``"design='diff'"``.
    skip : iterable of str
        Parameters not offered as options (e.g. the positional data arguments).

    Returns
    -------
    None

    Examples
    --------
    >>> def f(data, *, weights=None, alpha=0.05): ...
    >>> check_keywords(f, {"alpha": 0.1}, what="f", skip=["data"])
    >>> check_keywords(f, {"unit": "x"}, what="f", skip=["data"])
    Traceback (most recent call last):
    ...
    helpers.core.errors.ConfigError: f does not take unit; its options are: weights, alpha
    """
    params = inspect.signature(func).parameters
    skipped = set(skip)
    allowed = [
        p.name
        for p in params.values()
        if p.name not in skipped
        and p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    unknown = [k for k in given if k not in allowed]
    if unknown:
        raise ConfigError(
            f"{what} does not take {', '.join(unknown)}; its options are: {', '.join(allowed)}"
        )
