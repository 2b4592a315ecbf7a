from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """``mapping[key]``, or an empty list when missing (templates cannot subscript)."""
    if not mapping:
        return []
    return mapping.get(key, [])
