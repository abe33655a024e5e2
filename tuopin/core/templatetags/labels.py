"""`{% load labels %}`: codes shown as their labels (see tuopin.core.labels)."""

from django import template

from tuopin.core.labels import in_language as _in_language
from tuopin.core.labels import label_for as _label_for

register = template.Library()


@register.filter
def label_for(code, vocabulary: str) -> str:
    """`{{ assignment.role|label_for:"role" }}`"""
    return _label_for(vocabulary, code)


@register.filter
def in_language(text: str) -> str:
    """`{{ job.message|in_language }}`: one half of a bilingual "中文 (English)" text."""
    return _in_language(text)
