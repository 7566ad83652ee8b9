"""QR codes drawn in the page: `{% qr_svg path %}` is an inline SVG of the absolute address
of `path` on this site (the now & next beamer's code to the grid)."""

from django import template
from django.utils.safestring import SafeString

from sessions_app import qr

register = template.Library()


@register.simple_tag(takes_context=True)
def qr_svg(context: template.Context, path: str) -> SafeString:
    return qr.inline_svg(context["request"].build_absolute_uri(path))
