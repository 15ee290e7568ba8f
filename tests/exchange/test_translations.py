"""The interface is complete in Kazakh and Russian: every template string is marked for
translation, and every message the code and templates contain is translated in both catalogs.

When a test here fails after adding strings: ``make messages`` (makemessages + compilemessages),
translate the new entries in ``locale/kk`` and ``locale/ru``, run it again and commit the .po
and .mo files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
APPS = ("exchange", "catalog", "accounts", "vacancies", "fairs", "notifications", "stats")
LANGUAGES = ("kk", "ru")

# Attributes a person reads (or a screen reader says): their values need translating too.
READABLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label"}
# Text that is the same in every language: symbols, units and names of things.
LANGUAGE_NEUTRAL = re.compile(
    r"^[\W\d_]*$|^(KZT|ISCO-08|BIN|IIN|JSON|CSV|XLSX|API|OpenAPI|Swagger|Redoc|ReDoc|e-mail"
    # A language's own name on the switcher is written in that language whatever the page's.
    r"|Қазақша)$"
)
# Text the scanner cannot tell from words, each with the reason it is not for translation.
NOT_TEXT = {
    "auth-card-wide": "a CSS class filled into a {% block %} inside a class attribute",
}
# Templates that assemble tags from variables (no text of their own); the HTML scanner
# cannot parse a tag whose name is a template variable.
UNPARSABLE = {"accounts/templates/allauth/elements/button.html"}
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def _templates() -> list[Path]:
    found = []
    for app in APPS:
        folder = ROOT / app / "templates"
        if folder.is_dir():
            found += sorted(p for p in folder.rglob("*") if p.suffix in (".html", ".txt"))
    return [p for p in found if str(p.relative_to(ROOT)) not in UNPARSABLE]


class _TextCollector(HTMLParser):
    """Collects the readable text of an HTML fragment: text nodes and readable attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READABLE_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def _block_name(token) -> str:
    return token.contents.split(None, 1)[0] if token.contents else ""


def unmarked_strings(source: str) -> list[str]:
    """The readable text of a template that sits outside translate/blocktranslate tags.

    Template tags and variables are replaced by a placeholder so the HTML around them still
    parses; text inside ``{% blocktranslate %}`` and ``{% comment %}`` is skipped.
    """
    pieces: list[str] = []
    skipping_until: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = _block_name(token)
            if skipping_until:
                if name == skipping_until:
                    skipping_until = None
                continue
            if name in ("blocktranslate", "blocktrans"):
                skipping_until = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name == "comment":
                skipping_until = "endcomment"
            elif name == "verbatim":
                skipping_until = "endverbatim"
            pieces.append(" \x00 ")
        elif skipping_until:
            continue
        elif token.token_type == TokenType.TEXT:
            pieces.append(token.contents)
        else:
            pieces.append(" \x00 ")
    collector = _TextCollector()
    collector.feed("".join(pieces))
    collector.close()
    found = []
    for text in collector.texts:
        for part in text.split("\x00"):
            part = " ".join(part.split())
            if part and LETTERS.search(part) and not LANGUAGE_NEUTRAL.match(part) and part not in NOT_TEXT:
                found.append(part)
    return found


def test_the_scanner_finds_unmarked_text_and_accepts_marked_text():
    template = (
        "{% load i18n %}<h1>{% translate 'Vacancies' %}</h1>"
        '<p title="Hidden hint">{{ count }} KZT</p>'
        "{% blocktranslate %}Found {{ n }} jobs{% endblocktranslate %}"
        "{# a comment #}<script>const x = 'not text';</script>"
        "<p>Plain words</p>"
    )
    assert unmarked_strings(template) == ["Hidden hint", "Plain words"]


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_string_is_marked_for_translation(template: Path):
    assert unmarked_strings(template.read_text(encoding="utf-8")) == []


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> Path:
    """The catalogs as ``makemessages`` would write them from today's code, in a copy of the
    project (so the working tree is left alone)."""
    copy = tmp_path_factory.mktemp("project")
    for name in (*APPS, "locale", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--verbosity", "0"]
    command += [arg for language in LANGUAGES for arg in ("-l", language)]
    subprocess.run(command, cwd=copy, check=True, capture_output=True, text=True)
    return copy / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(fresh_catalogs: Path, language: str):
    catalog = polib.pofile(str(fresh_catalogs / language / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalog if not entry.obsolete and not entry.translated()]
    assert missing == [], f"{len(missing)} messages are not translated to {language}: run `make messages`"


def _key(entry) -> tuple:
    return entry.msgctxt, entry.msgid


def _text(entry):
    return tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalog_is_compiled(language: str):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    source = {_key(e): _text(e) for e in polib.pofile(str(folder / "django.po")) if e.translated() and not e.obsolete}
    compiled = {_key(e): _text(e) for e in polib.mofile(str(folder / "django.mo")) if e.msgid}
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}, "run `make messages` to compile"
