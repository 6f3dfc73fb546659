"""The measures app's links on the workspace start page (see `strategy_portal.workspace`)."""

from django.utils.translation import gettext_lazy as _

from strategy_portal.workspace import WorkspaceEntry, register

GROUP = _("Measures")

register(
    WorkspaceEntry(
        key="measures_list",
        label=_("All measures of the district"),
        url_name="measures:workspace_list",
        description=_("Edit, change the status of several at once, answer, merge duplicates."),
        group=GROUP,
        position=20,
        permission="measures.change_status",
    )
)
register(
    WorkspaceEntry(
        key="measures_record",
        label=_("Record a measure on someone's behalf"),
        url_name="measures:workspace_record",
        description=_("Ideas collected by phone, on paper or in an expert interview."),
        group=GROUP,
        position=21,
        permission="measures.record_measure",
    )
)
register(
    WorkspaceEntry(
        key="measures_moderation",
        label=_("Moderation queue"),
        url_name="measures:workspace_moderation",
        description=_("Flagged measures and comments, most flagged first, and the moderation log."),
        group=GROUP,
        position=22,
        permission="measures.moderate",
    )
)
register(
    WorkspaceEntry(
        key="measures_answer_templates",
        label=_("Answer templates"),
        url_name="measures:workspace_answer_templates",
        description=_("Reusable texts for official answers and status reasons."),
        group=GROUP,
        position=23,
        permission="measures.manage_answer_templates",
    )
)
register(
    WorkspaceEntry(
        key="measures_evaluation",
        label=_("Evaluation and ranking"),
        url_name="measures:evaluation_ranking",
        description=_(
            "Score the measures against the district's criteria and see them ranked, with their "
            "tiers."
        ),
        group=_("Evaluation"),
        position=25,
        permission="measures.view_evaluation",
    )
)
