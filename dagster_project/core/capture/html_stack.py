"""The HTML parser's stack of open elements, kept by the rules of the HTML standard that change
its depth (:mod:`html_nesting` feeds it a page's tags); where it simplifies, it errs deep.

``<div/>`` opens a div (only void and SVG/MathML elements close themselves); an end tag closes
only what the parser closes (not past a scope boundary, a ``</span>`` not past a ``<div>``);
formatting elements closed by an ancestor are reopened by the next text or tag, three alike at
most (``<div><b id=1></div><div><b id=2>`` reopens the first ``<b>`` in the second ``<div>``).
"""

from __future__ import annotations

from collections import Counter, defaultdict


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID = _names("area base basefont bgsound br col embed frame hr img input keygen link meta "
              "param source track wbr")  # fmt: skip
RAW_TEXT = _names("iframe noembed noframes plaintext script style textarea title xmp")
FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
SPECIAL = _names(
    "address applet area article aside base basefont bgsound blockquote body br button caption "
    "center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form "
    "frame frameset h1 head header hgroup hr html iframe img input keygen li link listing main "
    "marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script "
    "search section select source style summary table tbody td template textarea tfoot th thead "
    "title tr track ul wbr xmp"
)
_BLOCKS = _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup listing main menu nav ol pre search section summary ul"
)
_CLOSES_P = _BLOCKS | _names("form h1 hr p xmp li dd dt")
# End tags that close their element past other special elements (up to a scope boundary).
_SCOPED_END = _BLOCKS | _names("button p li dd dt h1 applet marquee object")
# Start tags (besides those of elements not special) before which the parser reopens.
_REOPENS = _names("applet area br button embed img input keygen marquee object select wbr xmp")
# HTML start tags that end SVG or MathML content (<font> too, given color, face or size).
BREAKOUT = _names(
    "b big blockquote body br center code dd div dl dt em embed h1 head hr i img li listing menu "
    "meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var"
)
# SVG and MathML elements (kept as "svg:g"...) whose children are HTML (an annotation-xml too,
# given an HTML encoding); they are special and scope boundaries, as are all annotation-xml.
_INTEGRATION = _names("svg:foreignobject svg:desc svg:title math:mi math:mo math:mn math:ms "
                      "math:mtext")  # fmt: skip
_TABLE_PARTS = _names("caption colgroup tbody td tfoot th thead tr")
NEVER_OPENED = _names("html head body frameset")  # (a frameset the parser keeps is cheap)
# A heading in a heading, an option in an option (or an optgroup) closes the current node.
_CLOSES_CURRENT = {"h1": "h1", "option": "option", "optgroup": "option"}
# Start tags with no rule here but "open it" (and reopen before it).
_PLAIN_STARTS = _names("span label time picture abbr cite sup sub")

# Kinds of open element; each kind keeps the positions of its elements.
_SPECIAL, _SCOPE, _BUTTON, _LIST, _TABLE_SCOPE, _NOT_ADP, _MARKER, _TABLE, _HTML = range(9)
_KIND_MEMBERS: dict[int, frozenset[str] | set[str]] = {
    _SPECIAL: SPECIAL,
    # (<select> is none, but lexbor nests elements in it: as a boundary it errs deep)
    _SCOPE: _names("applet caption html marquee object select table td template th"),
    _BUTTON: {"button"},
    _LIST: {"ol", "ul"},
    _TABLE_SCOPE: {"html", "table", "template"},
    _NOT_ADP: SPECIAL - {"address", "div", "p"},
    _MARKER: _names("applet caption marquee object template td th"),
    _TABLE: _TABLE_PARTS | {"table"},
    _HTML: set(),  # every HTML element
}
_KINDS = {
    name: (*(kind for kind, members in _KIND_MEMBERS.items() if name in members), _HTML)
    for members in _KIND_MEMBERS.values()
    for name in members
}
_PLAIN: tuple[int, ...] = (_HTML,)  # an HTML element of no other kind
_FOREIGN_KINDS: dict[str, tuple[int, ...]] = dict.fromkeys(
    _INTEGRATION | {"math:annotation-xml"}, (_SPECIAL, _SCOPE, _NOT_ADP)
)
_SAME_KEPT = 3  # the parser keeps at most three alike formatting elements to reopen


class OpenElements:
    """The parser's stack of open elements, and the formatting elements it will reopen."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.spaces: list[str] = []  # "" for HTML, "svg" or "math" (names "svg:g"...)
        self.hosts_html: list[bool] = []  # whether the element's children are HTML
        self.kinds_of: list[tuple[int, ...]] = []
        # A formatting element's tag (what makes two alike) and its marker level.
        self.formatting: list[tuple[str, int] | None] = []
        self.positions: defaultdict[str, list[int]] = defaultdict(list)
        self.kinds: list[list[int]] = [[] for _ in _KIND_MEMBERS]
        self.to_reopen: list[tuple[str, str, int]] = []
        self.alike: Counter[tuple[str, int]] = Counter()
        self.depth = 0
        self.reopened = 0

    def last(self, name: str, *others: str) -> int:
        """Where the innermost open ``name`` (or one of ``others``) is, or -1."""
        found = self.positions[name][-1] if self.positions[name] else -1
        return max(found, *map(self.last, others)) if others else found

    def top(self, kind: int, *others: int) -> int:
        """Where the innermost open element of ``kind`` (or one of ``others``) is, or -1."""
        found = self.kinds[kind][-1] if self.kinds[kind] else -1
        return max(found, *map(self.top, others)) if others else found

    def in_foreign(self) -> bool:
        """Whether the current node is an SVG or MathML element whose children are not HTML."""
        return bool(self.hosts_html) and not self.hosts_html[-1]

    def push(
        self, name: str, *, space: str = "", hosts_html: bool = True, key: str | None = None
    ) -> None:
        position = len(self.names)
        if space:
            name = f"{space}:{name}"
            kinds = _FOREIGN_KINDS.get(name, ())
        else:
            kinds = _KINDS.get(name, _PLAIN)
        self.names.append(name)
        self.spaces.append(space)
        self.hosts_html.append(hosts_html)
        self.kinds_of.append(kinds)
        self.formatting.append(None if key is None else (key, len(self.kinds[_MARKER])))
        self.positions[name].append(position)
        for kind in kinds:
            self.kinds[kind].append(position)
        self.depth = max(self.depth, position + 1)

    def pop_to(self, position: int) -> None:
        """Close the element at ``position`` and all above it (formatting ones to reopen)."""
        closed: list[tuple[str, tuple[str, int]]] = []
        while len(self.names) > position:
            name = self.names.pop()
            self.spaces.pop()
            self.hosts_html.pop()
            formatting = self.formatting.pop()
            self.positions[name].pop()
            for kind in self.kinds_of.pop():
                self.kinds[kind].pop()
            if formatting is not None and len(self.names) > position:
                closed.append((name, formatting))
        markers = len(self.kinds[_MARKER])
        while self.to_reopen and self.to_reopen[-1][2] > markers:
            _, key, level = self.to_reopen.pop()
            self.alike[key, level] -= 1
        for name, (key, level) in reversed(closed):
            if level <= markers and self.alike[key, level] < _SAME_KEPT:
                self.to_reopen.append((name, key, level))
                self.alike[key, level] += 1

    def text(self) -> None:
        """Text or a tag came: reopen the formatting elements closed since the last marker."""
        markers = len(self.kinds[_MARKER])
        first = len(self.to_reopen)
        while first and self.to_reopen[first - 1][2] == markers:
            first -= 1
        for name, key, level in self.to_reopen[first:]:
            self.alike[key, level] -= 1
            self.push(name, key=key)
        self.reopened += len(self.to_reopen) - first
        del self.to_reopen[first:]

    def forget(self, name: str) -> None:
        """The end tag of a closed formatting element: the parser will not reopen it."""
        markers, newest = len(self.kinds[_MARKER]), len(self.to_reopen) - 1
        for index in range(newest, max(newest - 16, -1), -1):  # (the recent ones will do)
            entry, key, level = self.to_reopen[index]
            if level == markers and entry == name:
                del self.to_reopen[index]
                self.alike[key, level] -= 1
            if level != markers or entry == name:
                return

    def start_tag(
        self, name: str, tag: str, *, leaves_foreign: bool, html_encoding: bool, self_closing: bool
    ) -> bool:
        """Open what the start tag ``tag`` (named ``name``) opens; True when raw text follows
        (``leaves_foreign``: it ends SVG or MathML content; ``html_encoding``: it has one)."""
        foreign = self.in_foreign()
        if name in _PLAIN_STARTS and not foreign:
            if self.to_reopen:
                self.text()
            self.push(name)
            return False
        if foreign and leaves_foreign:
            while self.in_foreign():
                self.pop_to(len(self.names) - 1)
            foreign = False
        if foreign:  # an SVG or MathML element (<svg> in MathML too, but in one place)
            space = self.spaces[-1]
            if (self.names[-1], name) == ("math:annotation-xml", "svg"):
                space = "svg"
            qualified = f"{space}:{name}"
            hosts_html = qualified in _INTEGRATION or (
                qualified == "math:annotation-xml" and html_encoding
            )
            if not self_closing:
                self.push(name, space=space, hosts_html=hosts_html)
            return False
        if name in ("svg", "math"):
            self.text()
            if not self_closing:
                self.push(name, space=name, hosts_html=False)
            return False
        if name in NEVER_OPENED:
            return False
        name = "img" if name == "image" else name
        if name in _TABLE_PARTS:
            self.table_part(name)
            return False
        self.close_implied(name)
        if self.to_reopen and (name not in SPECIAL or name in _REOPENS):
            self.text()
        if name in VOID or name in RAW_TEXT:
            return name not in VOID
        self.push(name, key=tag if name in FORMATTING else None)
        return False

    def close_implied(self, name: str) -> None:
        """Close what a start tag ``name`` closes (an open <li> for a new <li>...)."""
        names = self.names
        if name in ("li", "dd", "dt"):
            same = self.last("li") if name == "li" else self.last("dd", "dt")
            if same >= 0 and self.top(_NOT_ADP) <= same:
                self.pop_to(same)
        if name in _CLOSES_P and self.positions["p"]:
            paragraph = self.last("p")
            if self.top(_SCOPE, _BUTTON) <= paragraph:
                self.pop_to(paragraph)
        if names and names[-1] == _CLOSES_CURRENT.get(name):
            self.pop_to(len(names) - 1)
        elif name == "button":
            button = self.last("button")
            if button >= 0 and self.top(_SCOPE) <= button:
                self.pop_to(button)
        elif name in ("a", "nobr"):
            self.end_tag(name)
        elif name == "table":
            part, table = self.top(_TABLE), self.last("table")
            if table >= 0 and names[part] in ("table", "tbody", "thead", "tfoot", "tr"):
                self.pop_to(table)  # a table straight in a table (not in a cell) ends it

    def table_part(self, name: str) -> None:
        """Open a cell, row or section of the innermost table (outside tables, none)."""
        table = self.last("table", "template")
        if table < 0:
            return
        if name in ("td", "th") and self.last("tr") > table:
            self.pop_to(self.last("tr") + 1)
        elif name in ("td", "th", "tr"):
            section = self.last("tbody", "thead", "tfoot")
            self.pop_to(max(section, table) + 1)
            if section < table:
                self.push("tbody")
            if name != "tr":
                self.push("tr")
        else:
            self.pop_to(table + 1)
        self.push(name)

    def end_tag(self, name: str) -> None:
        """Close what the end tag ``name`` closes: nothing when the parser would ignore it."""
        names = self.names
        if names and names[-1] == name and self.kinds_of[-1] == _PLAIN:
            self.pop_to(len(names) - 1)  # the current node: closes alone (the usual case)
            return
        if name in ("br", "p") and self.in_foreign():  # these two end SVG or MathML too
            while self.in_foreign():
                self.pop_to(len(names) - 1)
        elif self.spaces and self.spaces[-1]:  # closes the innermost SVG or MathML element
            foreign = self.last(f"svg:{name}", f"math:{name}")  # named so above any HTML one
            if foreign > self.top(_HTML):
                self.pop_to(foreign)
                return
        if name in NEVER_OPENED or name == "br":
            if name == "br":  # </br> is read as <br>
                self.text()
            return
        position = self.last(name)
        if position < 0:
            if name in FORMATTING:
                self.forget(name)
            return
        if name == "form":  # removes the form alone: keep it unless it is on top
            close = position == len(names) - 1
        elif name == "select":
            above = set(names[position + 1 : position + 6])
            close = len(names) - position <= 5 and above <= {"option", "optgroup"}
        elif name in _TABLE_PARTS or name in ("table", "template"):
            close = self.top(_TABLE_SCOPE) <= position
        elif name in _SCOPED_END:
            extra = _BUTTON if name == "p" else _LIST if name == "li" else _SCOPE
            close = self.top(_SCOPE, extra) <= position
        else:  # a <span>, <b>, SVG element...: not past a <div> or other special element
            close = self.top(_SPECIAL) <= position
        if close:
            self.pop_to(position)
