from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value):
    """Render user Markdown as sanitised HTML: `{{ district.imprint|markdown }}`."""
    return render_markdown(value)
