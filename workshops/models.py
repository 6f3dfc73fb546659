"""Workshops and the measures their groups produced.

Only what the measure-table import needs: a workshop of a district, its groups, and the link from
a group to the measures created from its table. (`measures` knows nothing of workshops: the
provenance of a measure is recorded here, in `GroupMeasure`.)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from strategy_portal.models import DistrictOwned, TimeStampedModel


class Workshop(DistrictOwned):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="workshop_district_slug")
        ]

    def __str__(self):
        return self.title


class WorkshopGroup(TimeStampedModel):
    """A working group of a workshop („Gruppe 1“) with its topic."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("workshop group")
        verbose_name_plural = _("workshop groups")
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="workshopgroup_number")
        ]

    def __str__(self):
        return _("Group %(number)d") % {"number": self.number}

    @property
    def district(self):
        return self.workshop.district


class GroupMeasure(TimeStampedModel):
    """A measure from a group's table, in the table's order; `source_key` identifies its row
    (see `workshops.tables.source_key`) so that a second import of the table adds nothing."""

    group = models.ForeignKey(
        WorkshopGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="measures"
    )
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="workshop_groups",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source_key = models.CharField(_("row key"), max_length=64)

    class Meta:
        verbose_name = _("measure of a group")
        verbose_name_plural = _("measures of groups")
        ordering = ["group", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "source_key"], name="groupmeasure_source_key")
        ]
