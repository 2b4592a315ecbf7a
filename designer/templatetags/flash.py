"""``{% flash_messages %}``: Django's messages (what an import read and skipped, a download that
failed) for pages whose context already uses the name ``messages`` (the editor's validation)."""

from django import template
from django.contrib.messages import get_messages

register = template.Library()


@register.inclusion_tag("designer/import/flash.html", takes_context=True)
def flash_messages(context: template.Context) -> dict:
    request = context.get("request")
    return {"flash": list(get_messages(request)) if request is not None else []}
