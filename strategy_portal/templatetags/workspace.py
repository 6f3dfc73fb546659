from django import template

from .. import workspace

register = template.Library()


@register.inclusion_tag("strategy_portal/workspace/_links.html", takes_context=True)
def workspace_links(context):
    """The apps' links on the workspace start page (see `strategy_portal.workspace`)."""
    request = context["request"]
    district = context["district"]
    return {"groups": workspace.groups_for(getattr(request, "user", None), district)}
