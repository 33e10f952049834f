from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A value of a dict by a key known only at render time (counts per category)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def get_index(items, i):
    try:
        return items[int(i)]
    except (IndexError, TypeError, ValueError):
        return ""
