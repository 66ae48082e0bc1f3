"""robots.txt (RFC 9309): read once per site in a fetch run, and honoured.

The rules of our own group apply (its name is the first word of our User-Agent, compared
case-insensitively; several groups of that name count as one), else those of ``*``. Of the rules
matching a path (``*`` matches anything, a final ``$`` the end), the longest wins, an Allow on a
tie; none matching allows. Percent-encoding is decoded on both sides before comparing. Only
User-agent, Allow and Disallow are read: Crawl-delay and Sitemap are ignored.

How the file's fetch ends decides the rest: 2xx: its rules (first 500 KiB); 429, 5xx or a
network failure: robots.txt is unreachable and, as RFC 9309 says, the site is treated as fully
disallowed (the page's attempt fails and is retried like any other); any other 4xx, or a
redirect we do not follow: no rules, everything allowed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

import httpx

from dagster_project.core.fetch.policy import FetchPolicy
from dagster_project.core.fetch.request import (
    Failed,
    RedirectRefused,
    follow,
    read_capped,
    retry_after_of,
)

ROBOTS_CAP = 500 * 1024
_TOKEN = re.compile(r"[a-z_-]+")


def product_token(user_agent: str) -> str:
    """The name robots.txt groups are matched against: the User-Agent's first word, lowercased."""
    found = _TOKEN.match(user_agent.strip().lower())
    return found.group() if found else ""


@functools.lru_cache(maxsize=256)
def _pattern(rule: str) -> re.Pattern[str]:
    anchored = rule.endswith("$")
    body = rule[:-1] if anchored else rule
    return re.compile(".*".join(map(re.escape, body.split("*"))) + (r"\Z" if anchored else ""))


@dataclass(frozen=True)
class Rule:
    """One Allow or Disallow line."""

    allow: bool
    path: str

    def __str__(self) -> str:
        return f"{'Allow' if self.allow else 'Disallow'}: {self.path}"

    def matches(self, target: str) -> bool:
        return _pattern(unquote(self.path)).match(target) is not None


@dataclass(frozen=True)
class RobotsRules:
    """The groups of one robots.txt: who each is for, and its rules in order."""

    groups: tuple[tuple[frozenset[str], tuple[Rule, ...]], ...] = ()

    def _rules_for(self, token: str) -> list[Rule]:
        own = [rules for agents, rules in self.groups if token and token in agents]
        chosen = own or [rules for agents, rules in self.groups if "*" in agents]
        return [rule for rules in chosen for rule in rules]

    def verdict(self, token: str, target: str) -> Rule | None:
        """The Disallow rule that keeps ``token`` from ``target`` (path and query), or None."""
        path = unquote(target) or "/"
        if path == "/robots.txt":
            return None
        matching = [rule for rule in self._rules_for(token.lower()) if rule.matches(path)]
        if not matching:
            return None
        best = max(matching, key=lambda rule: (len(unquote(rule.path)), rule.allow))
        return None if best.allow else best


def parse_robots(text: str) -> RobotsRules:
    """The groups of a robots.txt file; lines that are not rules of a group are ignored."""
    groups: list[tuple[frozenset[str], tuple[Rule, ...]]] = []
    agents: list[str] = []
    rules: list[Rule] = []
    in_rules = False
    for line in text.splitlines():
        key, colon, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if not colon:
            continue
        if key == "user-agent":
            if in_rules:
                groups.append((frozenset(agents), tuple(rules)))
                agents, rules, in_rules = [], [], False
            agents.append(value.split("/")[0].strip().lower())
        elif key in ("allow", "disallow") and agents:
            in_rules = True
            if value:  # an empty Disallow allows everything: no rule
                rules.append(Rule(allow=key == "allow", path=value))
    if agents:
        groups.append((frozenset(agents), tuple(rules)))
    return RobotsRules(tuple(groups))


def _read(
    robots_url: httpx.URL, *, client: httpx.Client, policy: FetchPolicy, home: httpx.URL
) -> RobotsRules:
    try:
        with follow(
            robots_url, client=client, policy=policy, home=home, what="robots.txt"
        ) as response:
            status = response.status_code
            if status >= 500 or status == 429:
                shown = f"HTTP {status} {response.reason_phrase}".rstrip()
                reason = f"robots.txt unreachable ({shown} at {robots_url})"
                raise Failed(reason, retry=True, retry_after=retry_after_of(response))
            if not response.is_success:
                return RobotsRules()
            body = read_capped(
                response, cap=ROBOTS_CAP, policy=policy, what="robots.txt", truncate=True
            )
    except RedirectRefused:
        return RobotsRules()
    return parse_robots(body.decode("utf-8", errors="replace"))


class RobotsCache:
    """The robots.txt rules of each site (scheme, host and port) met in one fetch run."""

    def __init__(self) -> None:
        self._rules: dict[str, RobotsRules] = {}

    def refusal(
        self, url: httpx.URL, *, client: httpx.Client, policy: FetchPolicy, home: httpx.URL
    ) -> str | None:
        """Why robots.txt forbids fetching ``url`` (naming the rule), or None when it allows it.

        Reads the site's robots.txt the first time it is asked about the site.

        Raises:
            Failed: robots.txt is unreachable (or the total deadline passed reading it).
            httpx.HTTPError: a network failure reading it.
        """
        robots_url = httpx.URL(scheme=url.scheme, host=url.host, port=url.port, path="/robots.txt")
        key = str(robots_url)
        if key not in self._rules:
            self._rules[key] = _read(robots_url, client=client, policy=policy, home=home)
        rule = self._rules[key].verdict(product_token(policy.user_agent), url.raw_path.decode())
        return None if rule is None else f"disallowed by {key} ({rule})"
