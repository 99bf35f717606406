"""What a user reads on a page (text, placeholders, titles, option labels, button captions) and
the forms on it, parsed from the HTML with the standard library; used by the language walk."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

HIDDEN_TAGS = {"script", "style", "template", "noscript"}
# Text marked up as a code (a key to type, a command, a hash, a raw record) is not prose.
CODE_TAGS = {"code", "kbd", "samp"}
SHOWN_ATTRS = ("placeholder", "title", "alt", "aria-label")
# A Latin word standing alone: letters not glued to digits (credit codes, hashes, clause codes).
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_@./:-])[A-Za-z]{2,}(?![A-Za-z0-9_@-])")


@dataclass
class Control:
    tag: str  # input, textarea, select
    name: str
    type: str = "text"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    @property
    def visible_inputs(self) -> list[Control]:
        return [
            c
            for c in self.controls
            if c.tag in ("textarea", "select")
            or c.type in ("text", "number", "date", "email", "tel", "search", "datetime-local")
        ]


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.forms: list[Form] = []
        self._hidden = 0
        self._code = 0
        self._form: Form | None = None
        self._control: Control | None = None  # an open textarea or select
        self._option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in HIDDEN_TAGS:
            self._hidden += 1
            return
        if self._hidden:
            return
        if tag in CODE_TAGS:
            self._code += 1
        if a.get("type") != "hidden" and not self._code:
            self.texts += [a[k] for k in SHOWN_ATTRS if a.get(k)]
        if tag == "form":
            self._form = Form(
                method="post" if a.get("hx-post") else (a.get("method") or "get").lower(),
                action=a.get("action") or a.get("hx-post") or "",
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset") and a.get("value"):
                self.texts.append(a["value"])
            if self._form is not None and a.get("name"):
                self._form.controls.append(
                    Control("input", a["name"], kind, a.get("value", ""), checked="checked" in a)
                )
        elif tag in ("textarea", "select") and a.get("name"):
            self._control = Control(tag, a["name"], tag)
            if self._form is not None:
                self._form.controls.append(self._control)
        elif tag == "option" and self._control is not None:
            self._option_value = a.get("value", "")
            self._control.options.append(self._option_value)
            if "selected" in a:
                self._control.value = self._option_value

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in CODE_TAGS:
            self._code = max(0, self._code - 1)
        elif tag == "form":
            self._form = None
        elif tag in ("textarea", "select"):
            self._control = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if not self._code:
            self.texts.append(data)
        if self._control is not None and self._control.tag == "textarea":
            self._control.value += data


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def latin_words(texts: list[str], allowed: set[str]) -> list[tuple[str, str]]:
    """(word, its context) for each Latin word outside ``allowed`` (case-insensitive)."""
    found = []
    for text in texts:
        for m in LATIN_WORD.finditer(text):
            if m.group().lower() not in allowed:
                start = max(0, m.start() - 30)
                found.append((m.group(), " ".join(text[start : m.end() + 30].split())))
    return found
