"""The command line's setting options (``--raw-dir``, ``--warehouse``, ...), from the declarations.

A setting declared with ``option=True`` is an option named after its field; its help says which
variable it overrides and the default. Given on the command line, it overrides the variable.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Iterable, Mapping, Sequence

from dagster_project.settings import SETTING, SETTINGS, Settings, load_settings


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    summary: str,
    description: str,
    examples: Sequence[str],
    settings: Iterable[str] | None = (),
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` says what it does, shows examples and lists the environment
    variables it honours (``settings``: those of these declarations; None: every one)."""
    honoured = list(SETTINGS) if settings is None else [SETTING[name] for name in settings]
    epilog = ["examples:", *(f"  {example}" for example in examples)]
    if honoured:
        width = max(len(item.env) for item in honoured)
        epilog += ["", "environment (a command-line option wins over its variable):"]
        epilog += [f"  {item.env:<{width}}  {item.spec.help.replace('`', '')}" for item in honoured]
    return commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, 79),
        epilog="\n".join(epilog),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_setting_options(
    parser: argparse.ArgumentParser, names: Iterable[str] | None = None
) -> None:
    """Add the options of the settings ``names`` (default: every one declared as an option)."""
    chosen = [SETTING[name] for name in names] if names is not None else SETTINGS
    for item in chosen:
        if names is None and not item.spec.option:
            continue
        default = item.shown_default.replace("`", "")
        text = f"{item.spec.help.replace('`', '')} (default ${item.env} or {default})"
        if item.kind is bool:
            parser.add_argument(item.option, action="store_true", help=text)
        else:
            parser.add_argument(item.option, help=text)


def environment_with_options(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the variables of the setting options given on the command line (those a
    command added: every ``option=True`` setting, or the ones it named)."""
    merged = dict(env)
    for item in SETTINGS:
        value = getattr(args, item.name, None)
        if value:
            merged[item.env] = value if isinstance(value, str) else item.show(value)
    return merged


def settings_from_options(
    args: argparse.Namespace, env: Mapping[str, str], names: Iterable[str] | None = None
) -> Settings:
    """The settings of ``env`` (only the variables of ``names``, if given) and the options."""
    if names is not None:
        variables = {SETTING[name].env for name in names}
        env = {variable: text for variable, text in env.items() if variable in variables}
    return load_settings(environment_with_options(args, env))
