"""How a setting is declared, once, and what is derived from the declaration.

A setting is a field of the :class:`~dagster_project.settings.Settings` dataclass whose
``dataclasses.field`` metadata holds a :class:`Setting` (written with :func:`setting`): its
environment variable, help text, the default as the documentation shows it, whether the command
line takes it as an option and whether the Dagster ``market`` resource carries it. From the field's
type (``Path``, ``str``, ``int``, ``bool``, ``datetime.date``) follow its text form, in the
environment and in ``as_env()``, and its form in the resource's config; a setting whose text form
is special (``running``/``stopped``) names its own ``parse``/``show``.

:func:`declarations` reads them back, in the order of the fields, as :class:`Declared` settings;
the settings module, the CLI options (``cli/options.py``), the ``market`` resource
(``defs/resources.py``) and the table of ``docs/configuration.md`` (:func:`table_rows`) all derive
from them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster_project.core.errors import ConfigError

#: ``(variable, text) -> value``: a non-empty text of the environment, as the field's value.
Parse = Callable[[str, str], Any]
#: ``(variable, value, settings resolved so far) -> problem``: None when the value is fine.
Check = Callable[[str, Any, Mapping[str, Any]], str | None]

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Setting:
    """One setting's declaration (the field metadata of :func:`setting`)."""

    #: The environment variable (``MARKET_...``).
    env: str
    #: One line: the CLI option's help, the resource field's description, the docs' meaning.
    help: str
    #: More for the docs' table only (Markdown), appended to the help as written: start it with
    #: its punctuation (``"; ..."``, ``" (...)"``).
    details: str = ""
    #: The default as the docs and the CLI show it (Markdown); empty: the default's text form.
    shown_default: str = ""
    #: The command line takes it as ``--<name>`` (build, backfill, dev; a flag for a bool).
    option: bool = False
    #: The Dagster ``market`` resource carries it (a field of its config).
    resource: bool = False
    #: The ``market`` resource's config must give it (no default there).
    resource_required: bool = False
    #: It changes what a build produces (``Settings.build_options``: a change rebuilds).
    rebuilds: bool = False
    #: The default when it is unset, from the settings before it (else the field's default).
    derive: Callable[[Mapping[str, Any]], Any] | None = None
    #: A value given explicitly, as the field holds it (else by type: paths made absolute).
    coerce: Callable[[Any], Any] | None = None
    #: The text form, when the type's (``_TEXT_FORMS``) is not the one.
    parse: Parse | None = None
    show: Callable[[Any], str] | None = None
    #: Checks the resolved value; a problem is raised as a ConfigError.
    check: Check | None = None


def setting(default: Any = dataclasses.MISSING, **declaration: Any) -> Any:
    """A ``Settings`` field declared as a setting: ``default`` plus :class:`Setting`'s fields."""
    return dataclasses.field(default=default, metadata={"setting": Setting(**declaration)})


def absolute(value: object) -> Path:
    return Path(str(value)).expanduser().resolve()


def parse_integer(variable: str, text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise ConfigError(f"{variable} must be an integer, got {text!r}") from exc


def parse_flag(variable: str, text: str | None) -> bool:
    """An on/off variable: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``."""
    value = (text or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{variable} must be 1 or 0 (true/false), got {text!r}")


def parse_date(variable: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(f"{variable} must be a date (YYYY-MM-DD), got {text!r}") from exc


def two_words(on: str, off: str) -> dict[str, Any]:
    """The ``parse`` and ``show`` of a bool written as one of two words (``running``/...)."""

    def parse(variable: str, text: str) -> bool:
        word = text.strip().lower()
        if word not in (on, off):
            raise ConfigError(f"{variable} must be {on} or {off}, got {text!r}")
        return word == on

    def show(value: bool) -> str:
        return on if value else off

    return {"parse": parse, "show": show}


def _text(variable: str, text: str) -> str:
    return text


def _show_flag(value: bool) -> str:
    return "1" if value else "0"


def _show_date(value: dt.date) -> str:
    return value.isoformat()


def _same(value: Any) -> Any:
    return value


#: By field type: (parse, show, coerce) of the text form every setting of the type shares.
_TEXT_FORMS: dict[type, tuple[Parse, Callable[[Any], str], Callable[[Any], Any]]] = {
    Path: (_text, str, absolute),
    str: (_text, str, str),
    int: (parse_integer, str, int),
    bool: (parse_flag, _show_flag, bool),
    dt.date: (parse_date, _show_date, _same),
}


@dataclass(frozen=True)
class Declared:
    """A setting as declared: its field's name, type (``kind``) and default, and its
    :class:`Setting`."""

    name: str
    kind: type
    default: Any
    spec: Setting

    @property
    def env(self) -> str:
        return self.spec.env

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, text: str) -> Any:
        """The value of a non-empty text of the environment."""
        return (self.spec.parse or _TEXT_FORMS[self.kind][0])(self.env, text)

    def show(self, value: Any) -> str:
        """The text form of ``value`` (``as_env()``, the resource's text fields)."""
        return (self.spec.show or _TEXT_FORMS[self.kind][1])(value)

    def coerce(self, value: Any) -> Any:
        """A value given explicitly, as the field holds it."""
        return (self.spec.coerce or _TEXT_FORMS[self.kind][2])(value)

    def resolve(self, value: Any, resolved: Mapping[str, Any]) -> Any:
        """``value`` (None or empty: the default), coerced and checked."""
        if value is None or value == "":
            value = self.spec.derive(resolved) if self.spec.derive else self.default
        else:
            value = self.coerce(value)
        if self.spec.check is not None:
            problem = self.spec.check(self.env, value, resolved)
            if problem:
                raise ConfigError(problem)
        return value

    @property
    def shown_default(self) -> str:
        return self.spec.shown_default or f"`{self.show(self.default)}`"

    @property
    def resource_type(self) -> type:
        """The type of the ``market`` resource's field: numbers and flags as ``int``, the rest
        in their text form (empty: the default)."""
        return int if self.kind in (int, bool) else str

    def to_resource(self, value: Any) -> Any:
        return int(value) if self.resource_type is int else self.show(value)

    def from_resource(self, value: Any) -> Any:
        if self.resource_type is int:
            return self.kind(value)
        return self.parse(value) if value else None

    @property
    def resource_default(self) -> Any:
        """The resource field's default (MISSING when the config must give it)."""
        if self.spec.resource_required:
            return dataclasses.MISSING
        if self.spec.derive is not None or self.default is dataclasses.MISSING:
            return ""
        return self.to_resource(self.default)


def declarations(cls: type) -> tuple[Declared, ...]:
    """The settings declared by the fields of the dataclass ``cls``, in order."""
    types = typing.get_type_hints(cls)
    declared = tuple(
        Declared(name=field.name, kind=types[field.name], default=field.default, spec=spec)
        for field in dataclasses.fields(cls)
        if isinstance(spec := field.metadata.get("setting"), Setting)
    )
    for item in declared:
        own = (item.spec.parse, item.spec.show, item.spec.coerce)
        if item.kind not in _TEXT_FORMS and None in own:
            raise TypeError(f"setting {item.name}: a {item.kind} needs its parse, show and coerce")
        if item.spec.derive is None and item.default is dataclasses.MISSING:
            raise TypeError(f"setting {item.name}: neither a default nor a derive")
        if item.spec.derive is not None and not item.spec.shown_default:
            raise TypeError(f"setting {item.name}: a derived default needs its shown_default")
    return declared


TABLE_HEADER = (
    "| variable | default | CLI option | `market` resource | meaning |",
    "| --- | --- | --- | --- | --- |",
)


def table_rows(declared: tuple[Declared, ...]) -> list[str]:
    """The Markdown table of ``docs/configuration.md``: its header and one row a setting."""
    rows = list(TABLE_HEADER)
    for item in declared:
        meaning = item.spec.help + item.spec.details
        option = f"`{item.option}`" if item.spec.option else ""
        resource = f"`{item.name}`" if item.spec.resource else ""
        rows.append(f"| `{item.env}` | {item.shown_default} | {option} | {resource} | {meaning} |")
    return rows
