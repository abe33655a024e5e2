"""List the Chinese msgids of the assistance app that have no English msgstr yet.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=config.base TUOPIN_ENV=development .venv/bin/python \
        scripts/missing_english_assistance.py [--po]
With --po it prints the missing entries as .po text (msgstr left empty) ready to fill in.
"""

import ast
import re
import sys
from pathlib import Path

import django

django.setup()

import polib  # noqa: E402
from django.apps import apps  # noqa: E402
from django.template import engines  # noqa: E402
from django.templatetags.i18n import BlockTranslateNode, TranslateNode  # noqa: E402

from tuopin.accounts.roles import Department  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "tuopin" / "assistance"
PO_PATH = ROOT / "tuopin" / "locale" / "en" / "LC_MESSAGES" / "django.po"
CHINESE = re.compile(r"[\u3400-\u9fff]")
# Call name -> index of the msgid argument and of the context argument (None: no context).
GETTEXT_CALLS = {
    "_": (0, None),
    "gettext": (0, None),
    "gettext_lazy": (0, None),
    "pgettext": (1, 0),
    "pgettext_lazy": (1, 0),
}


def model_msgids():
    for model in apps.get_app_config("assistance").get_models():
        # django-simple-history composes "historical <name>" with format_lazy: not a msgid.
        if not hasattr(model, "instance_type"):
            yield None, str(model._meta.verbose_name), f"model {model.__name__}"
            yield None, str(model._meta.verbose_name_plural), f"model {model.__name__}"
        for field in model._meta.get_fields():
            if hasattr(field, "verbose_name"):
                yield None, str(field.verbose_name), f"field {model.__name__}.{field.name}"


def choice_msgids():
    from tuopin.assistance import enums

    choice_classes = [
        value
        for value in vars(enums).values()
        if isinstance(value, type) and issubclass(value, django.db.models.Choices)
    ]
    for choices in [*choice_classes, Department]:
        for label in choices.labels:
            yield None, str(label), f"choices {choices.__name__}"


def python_msgids():
    for path in sorted(APP_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_CALLS:
                continue
            msgid_at, context_at = GETTEXT_CALLS[name]
            args = node.args
            if len(args) <= msgid_at or not isinstance(args[msgid_at], ast.Constant):
                continue
            context = None
            if context_at is not None:
                if not isinstance(args[context_at], ast.Constant):
                    continue
                context = args[context_at].value
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            yield context, args[msgid_at].value, where


def template_msgids():
    engine = engines["django"].engine
    for path in sorted(APP_DIR.rglob("*.html")):
        template = engine.from_string(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in template.nodelist.get_nodes_by_type(TranslateNode):
            if node.filter_expression.var.literal is not None:
                context = node.message_context.var if node.message_context else None
                yield context, str(node.filter_expression.var.literal), where
        for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
            msgid, _vars = node.render_token_list(node.singular)
            if node.trimmed:
                msgid = re.sub(r"\s*\n\s*", " ", msgid.strip())
            context = node.message_context.var if node.message_context else None
            yield context, msgid, where


def main():
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(PO_PATH))
        if entry.msgstr.strip() and not entry.obsolete
    }
    missing = {}
    for source in (model_msgids, choice_msgids, python_msgids, template_msgids):
        for context, msgid, where in source():
            if not CHINESE.search(msgid) or (context, msgid) in translated:
                continue
            missing.setdefault((context, msgid), []).append(where)
    as_po = "--po" in sys.argv
    for (context, msgid), places in missing.items():
        if as_po:
            print(f"#: {places[0]}")
            if "%(" in msgid:
                print("#, python-format")
            if context:
                print(f'msgctxt "{polib.escape(context)}"')
            print(f'msgid "{polib.escape(msgid)}"\nmsgstr ""\n')
        else:
            print(f"{context or ''}\t{msgid}\t{places[0]}")
    print(f"{len(missing)} missing", file=sys.stderr)


if __name__ == "__main__":
    main()
