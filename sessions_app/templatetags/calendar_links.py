"""Links that subscribe a calendar app to a feed: `{% calendar_links path name as links %}`
gives the absolute address of `path` on this site as `links.url`, and `links.webcal`,
`links.google`, `links.outlook` (exports/ical.py `subscription`)."""

from django import template

from sessions_app.exports import ical

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_links(context: template.Context, path: str, name: str) -> ical.Subscription:
    return ical.subscription(context["request"].build_absolute_uri(path), name)
