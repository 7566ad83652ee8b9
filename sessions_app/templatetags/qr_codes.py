"""QR codes drawn in the page: `{% qr_svg path %}` is an inline SVG of the absolute address
of `path` on this site (the now & next beamer's code to the grid)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from sessions_app.views.feeds import qr_svg as inline_qr

register = template.Library()


@register.simple_tag(takes_context=True)
def qr_svg(context: template.Context, path: str) -> SafeString:
    # segno's SVG of our own address: no script, nothing from the visitor but the checked host
    return mark_safe(inline_qr(context["request"].build_absolute_uri(path)))
