from django import template

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
