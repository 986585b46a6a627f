"""DESIGN.md §5.1: Alianza has no field for immigration status, country of birth, A-number or
SSN, in any app. A new field whose name suggests one fails here."""

import re

from django.apps import apps

FORBIDDEN = re.compile(
    r"immigra|citizenship|visa|daca|a_?number|alien|ssn|social_security|birth_?country|country_of_birth|"
    r"nationality|legal_status|documented|undocumented",
    re.IGNORECASE,
)


def test_no_model_has_a_field_for_immigration_facts():
    offending = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"core", "people", "network"}
        for field in model._meta.get_fields()
        if FORBIDDEN.search(field.name)
    ]
    assert offending == []
