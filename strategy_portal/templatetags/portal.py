from django import template
from django.utils.safestring import mark_safe

from ..markdown import render_markdown
from ..sections import sections_for

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value):
    """Render user Markdown as sanitised HTML: `{{ district.imprint|markdown }}`."""
    return render_markdown(value)


@register.simple_tag(takes_context=True)
def page_sections(context, page, obj):
    """The sections apps add to `page` (see `strategy_portal.sections`), rendered in order."""
    request = context.get("request")
    parts = []
    for section in sections_for(page):
        extra = section.context(request, obj) if section.context else {}
        if extra is None:
            continue
        # Like {% include %}: the page's context, without running the context processors again.
        template = context.template.engine.get_template(section.template)
        with context.push(**extra):
            parts.append(template.render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is an autoescaped template
