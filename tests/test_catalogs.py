"""Every catalog message renders as real words with the installed Babel, whatever n is.

The plural rule comes from Babel's CLDR data, not from the `.po` header: when a Babel release
changes a language's plural categories (French gained `many` in CLDR 47), this test fails before
a user sees a raw key.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from handlers.i18n import LOCALES, Translator, load_catalog

COUNTS = (0, 1, 2, 5, 21, 1_000_000)
ROOT = Path(__file__).parents[1] / "handlers" / "i18n" / "locales"
FIELDS = string.Formatter()


def placeholders(forms: tuple[str, ...], *, but: str = "") -> dict[str, str]:
    names = {name for form in forms for _, name, _, _ in FIELDS.parse(form) if name}
    return {name: f"‹{name}›" for name in names - {but}}


def plural_messages(locale: str) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (message.id[0], tuple(message.string))
        for message in load_catalog(locale)
        if message.id and message.pluralizable
    ]


def single_messages(locale: str) -> list[tuple[str, str]]:
    return [
        (message.id, message.string)
        for message in load_catalog(locale)
        if message.id and isinstance(message.id, str)
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_plural_message_has_the_forms_babel_requires(locale: str) -> None:
    needed = get_plural(locale).num_plurals
    assert needed == len(Locale.parse(locale).plural_form.tags) + 1
    short = [key for key, forms in plural_messages(locale) if len(forms) != needed]
    assert short == [], f"{locale}: these need exactly {needed} forms"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_file_header_states_babels_plural_rule(locale: str) -> None:
    rule = get_plural(locale)
    for path in sorted((ROOT / locale).glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        header = dict(catalog.mime_headers)["Plural-Forms"]
        assert header == f"nplurals={rule.num_plurals}; plural={rule.plural_expr};", path.name


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("count", COUNTS)
def test_plural_messages_render_words_never_keys(locale: str, count: int) -> None:
    translate = Translator(locale)
    for key, forms in plural_messages(locale):
        text = translate.plural(key, count, **placeholders(forms, but="count"))
        assert key not in text, f"{locale}: {key} rendered as its key for n={count}"
        assert str(count) in text or "{count}" not in " ".join(forms), (key, count, text)
        assert "{" not in text.replace("{{", ""), (key, count, text)


@pytest.mark.parametrize("locale", LOCALES)
def test_single_messages_render_words_never_keys(locale: str) -> None:
    translate = Translator(locale)
    for key, form in single_messages(locale):
        text = translate(key, **placeholders((form,)))
        assert text.strip() and text != key, f"{locale}: {key}"


def test_french_large_numbers_take_de() -> None:
    text = Translator("fr").plural("core.help.count", 1_000_000)
    assert text == "1000000 de commandes disponibles."
    assert Translator("fr").plural("core.help.count", 21) == "21 commandes disponibles."


def test_french_and_english_have_the_same_keys() -> None:
    keys = {locale: {key for key, _ in single_messages(locale)} for locale in LOCALES}
    plurals = {locale: {key for key, _ in plural_messages(locale)} for locale in LOCALES}
    assert keys["fr"] == keys["en"]
    assert plurals["fr"] == plurals["en"]
