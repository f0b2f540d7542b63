from django import template

from kotapintar.core import audit_labels

register = template.Library()


@register.filter
def audit_label(code: str) -> str:
    """`{{ entry.action|audit_label }}`: the action in words (kotapintar.core.audit_labels)."""
    return audit_labels.label(code)
