"""Hypothesis strategies shared by the fuzz and fast-path tests."""

from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def examples(ci: int) -> settings:
    """A property test's settings: ``ci`` examples under the ``ci`` profile (``make test``), a
    tenth under ``dev`` (``make test-fast``, the default); no deadline, no health checks."""
    scaled = max(ci * settings.default.max_examples // 100, 10)
    return settings(max_examples=scaled, deadline=None, suppress_health_check=list(HealthCheck))


def mutator(alphabet: str, *, max_edits: int) -> Callable[[str], st.SearchStrategy[str]]:
    """A function giving, for a base text, that text with a few characters edited."""

    @st.composite
    def mutated(draw: st.DrawFn, base: str) -> str:
        """``base`` with up to ``max_edits`` characters inserted, deleted or replaced."""
        text = list(base)
        for _ in range(draw(st.integers(0, max_edits))):
            where = draw(st.integers(0, len(text)))
            action = draw(st.sampled_from(["insert", "delete", "replace"]))
            char = draw(st.sampled_from(alphabet))
            if action == "insert" or not text:
                text.insert(where, char)
            elif action == "delete":
                del text[min(where, len(text) - 1)]
            else:
                text[min(where, len(text) - 1)] = char
        return "".join(text)

    return mutated
