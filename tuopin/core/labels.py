"""Codes as people read them: every status, role, permission, kind or result a screen
shows goes through `label_for(vocabulary, code)` (templates: `{{ code|label_for:"role" }}`
from `{% load labels %}`), never the bare code.

Core knows no app's codes: each app registers its vocabularies from its AppConfig.ready
(`vocabulary_register("role", Role)`), the way job kinds are registered. A vocabulary is
a TextChoices class, a mapping of code to (lazy) label, or a function of no arguments
returning such a mapping in the active language.
"""

import re
from collections.abc import Callable, Mapping

from django.db.models import Choices
from django.utils.translation import get_language

_VOCABULARIES: dict[str, object] = {}


def vocabulary_register(name: str, source) -> None:
    _VOCABULARIES[name] = source


def _mapping(name: str) -> Mapping:
    source = _VOCABULARIES.get(name)
    if source is None:
        raise KeyError(f"no vocabulary named {name!r} (register it in the app's ready())")
    if isinstance(source, type) and issubclass(source, Choices):
        return dict(source.choices)
    if isinstance(source, Callable):
        return source()
    return source


def label_for(name: str, code) -> str:
    """The label of `code` in vocabulary `name`, in the active language; an unknown code
    is shown as it is (the screen test finds it)."""
    if code is None or code == "":
        return ""
    text = _mapping(name).get(code, _mapping(name).get(str(code)))
    return str(text) if text is not None else str(code)


# "中文说明 (English text)": how jobs, logs and errors store a message for both languages.
_BILINGUAL = re.compile(r"^(?P<zh>.*?[^\x00-\x7f].*?)\s*[(（](?P<en>[\x00-\x7f]+)[)）]\s*$", re.S)


def in_language(text: str) -> str:
    """The half of a bilingual "中文 (English)" message for the active language; any other
    text as it is."""
    found = _BILINGUAL.match(text or "")
    if not found:
        return text or ""
    return found["en"] if (get_language() or "").startswith("en") else found["zh"]
