"""Every message exists in French and in English, with the same placeholders and plural forms."""

from __future__ import annotations

import re
import string

import pytest

from handlers.i18n import LOCALES, Translator, load_catalog

FIELDS = string.Formatter()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in FIELDS.parse(text) if name}


def messages(locale: str) -> dict[str, tuple[str, ...]]:
    found = {}
    for message in load_catalog(locale):
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            value = message.string
            found[key] = tuple(value) if isinstance(value, tuple | list) else (value,)
    return found


def test_both_languages_have_exactly_the_same_keys() -> None:
    french, english = messages("fr"), messages("en")
    assert sorted(set(french) - set(english)) == [], "missing in English"
    assert sorted(set(english) - set(french)) == [], "missing in French"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_message_is_empty_and_placeholders_match(locale: str) -> None:
    french, current = messages("fr"), messages(locale)
    for key, forms in current.items():
        assert all(form.strip() for form in forms), f"{locale}: {key} is empty"
        assert placeholders(" ".join(forms)) <= placeholders(" ".join(french[key])) | {"count"}, key
        assert placeholders(" ".join(french[key])) <= placeholders(" ".join(forms)) | {"count"}, key


def test_plural_forms_follow_each_language() -> None:
    assert Translator("fr").plural("core.help.count", 0) == "0 commande disponible."
    assert Translator("fr").plural("core.help.count", 2) == "2 commandes disponibles."
    assert Translator("en").plural("core.help.count", 0) == "0 commands available."
    assert Translator("en").plural("core.help.count", 1) == "1 command available."


def test_french_text_uses_french_typography() -> None:
    for key, forms in messages("fr").items():
        for form in forms:
            assert not re.search(r'"\w', form), f"{key}: use « » in French"
