from django import template
from django.utils.safestring import mark_safe

from apps.reports.tables import display

register = template.Library()


@register.simple_tag
def cell(column, row):
    """A table cell as the page and the PDF show it."""
    return display(column, row.get(column.key) if row else None)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_attr(obj, name):
    return getattr(obj, name, None)


@register.filter
def initials(full_name: str) -> str:
    """«Петров Игорь Николаевич» → «Петров И. Н.»"""
    parts = (full_name or "").split()
    if len(parts) < 2:
        return full_name
    return f"{parts[0]} " + " ".join(f"{p[0]}." for p in parts[1:])


@register.filter
def css_string(value) -> str:
    """Text safe inside a CSS string literal (page footers of the PDFs)."""
    text = str(value or "").replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return mark_safe(text.replace("<", "\\3c "))  # CSS-escaped, and no "<" to close the <style>
