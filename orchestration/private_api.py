"""The guard on what this project overrides in Dagster and dagster-dbt beyond their public API.

An override of a private member fails silently: when an upgrade renames the member, the
subclass's version is simply never called again. `overrides` checks, as the subclass is defined
(at import, a few microseconds), that the upstream class still has each member, of the same kind
and with the same parameters, that the subclass's own definition is the one found, and that
upstream still reaches it: the upstream method the override short-circuits still uses it, or a
base class still asks its subclasses for it (declares it abstract). Otherwise it raises
`UpstreamApiChanged`, naming the version, the member and what to do.

tests/orchestration/test_private_api_guards.py runs these checks against the installed versions
and against fakes: the tests to run before widening the version ranges in pyproject.toml.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from functools import cached_property
from importlib import metadata
from types import CodeType
from typing import TypeVar

Subclass = TypeVar("Subclass", bound=type)

_MISSING = object()
GUARD_TESTS = "tests/orchestration/test_private_api_guards.py"


class UpstreamApiChanged(RuntimeError):
    """An upgrade of Dagster or dagster-dbt changed what this project overrides or imports."""


def _distribution(module: str) -> str:
    """'dagster_dbt.core.resource' -> 'dagster-dbt 0.29.27'."""
    name = module.split(".")[0].replace("_", "-")
    try:
        return f"{name} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return name


def _kind(member: object) -> str:
    if isinstance(member, property | cached_property):
        return "egenskap"
    if isinstance(member, staticmethod | classmethod):
        return type(member).__name__
    return "metode" if callable(member) else "verdi"


def _parameters(member: object) -> list[str]:
    return list(inspect.signature(member).parameters) if inspect.isfunction(member) else []


def _code_names(function: object) -> Iterator[str]:
    """The attribute and global names `function` uses, its inner functions' included."""
    stack = [getattr(inspect.unwrap(function), "__code__", None)]
    while stack:
        code = stack.pop()
        if isinstance(code, CodeType):
            yield from code.co_names
            stack.extend(c for c in code.co_consts if isinstance(c, CodeType))


def _declared_abstract(upstream: type, name: str) -> bool:
    """Whether a base class of `upstream` asks its subclasses for `name`."""
    return any(
        getattr(vars(base).get(name), "__isabstractmethod__", False) for base in upstream.__mro__
    )


def override_problems(
    ours: type, upstream: type, names: tuple[str, ...], used_by: str | None = None
) -> list[str]:
    """What no longer holds of `ours` overriding `names` of `upstream` (empty when all is well)."""
    up, me = upstream.__name__, ours.__name__
    if upstream not in ours.__mro__:
        return [f"{me} arver ikke fra {up}"]
    problems = []
    caller = _MISSING if used_by is None else inspect.getattr_static(upstream, used_by, _MISSING)
    if used_by is not None and caller is _MISSING:
        problems.append(f"{up} har ikke lenger `{used_by}`")
    used = set(_code_names(caller)) if caller is not _MISSING else set()
    for name in names:
        theirs = inspect.getattr_static(upstream, name, _MISSING)
        mine = vars(ours).get(name, _MISSING)
        if theirs is _MISSING:
            problems.append(f"{up} har ikke lenger `{name}`")
            continue
        if mine is _MISSING or inspect.getattr_static(ours, name) is not mine:
            problems.append(f"{me} definerer ikke `{name}` selv")
            continue
        if _kind(theirs) != _kind(mine):
            problems.append(f"`{name}` er {_kind(theirs)} i {up}, men {_kind(mine)} i {me}")
        elif _parameters(theirs) != _parameters(mine):
            problems.append(
                f"`{up}.{name}` tar ({', '.join(_parameters(theirs))}), "
                f"{me} ({', '.join(_parameters(mine))})"
            )
        if used_by is not None:
            if caller is not _MISSING and name not in used:
                problems.append(f"`{up}.{used_by}` bruker ikke lenger `{name}`")
        elif not _declared_abstract(upstream, name):
            problems.append(f"ingen basisklasse av {up} ber lenger om `{name}` (abstrakt)")
    return problems


def _what_to_do(ours: str) -> str:
    return (
        f"{ours} er bare prøvd med versjonene i requirements.lock. Installer dem (`make install`), "
        f"eller tilpass {ours} og kjør {GUARD_TESTS}."
    )


def overrides(
    upstream: type, *names: str, used_by: str | None = None
) -> Callable[[Subclass], Subclass]:
    """Class decorator: the class overrides `names` of `upstream`, which `upstream.<used_by>`
    uses (or, without `used_by`, which a base class of `upstream` declares abstract). Raises
    `UpstreamApiChanged` when that no longer holds."""

    def check(ours: Subclass) -> Subclass:
        problems = override_problems(ours, upstream, names, used_by)
        if problems:
            raise UpstreamApiChanged(
                f"{_distribution(upstream.__module__)}: {'; '.join(problems)}. "
                + _what_to_do(f"{ours.__module__}.{ours.__qualname__}")
            )
        return ours

    return check


def import_moved(error: ImportError, importer: str) -> UpstreamApiChanged:
    """The error for a name `importer` imports from a private module that an upgrade moved."""
    return UpstreamApiChanged(
        f"{_distribution(error.name or 'dagster')}: {error}. " + _what_to_do(importer)
    )
