from django import template

from strategy_portal.personal_data import author_label

from ..search import highlight as highlight_snippet

register = template.Library()


@register.filter
def author_name(user) -> str:
    """Public name of an author; „gelöschtes Konto“ once the account is gone."""
    return author_label(user)


@register.filter
def highlight(headline):
    """A search snippet, escaped, with its matches in <mark>."""
    return highlight_snippet(headline)
