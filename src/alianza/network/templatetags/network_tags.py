from django import template
from django.conf import settings

register = template.Library()


@register.filter
def language_names(codes: list[str]) -> list[str]:
    """Language codes → their names in the reader's language (unknown codes are skipped)."""
    names = dict(settings.ALL_LANGUAGES)
    return [str(names[code]) for code in codes if code in names]


@register.filter
def language_name(code: str) -> str:
    return str(dict(settings.ALL_LANGUAGES).get(code, code))
