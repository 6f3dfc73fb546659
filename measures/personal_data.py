"""The measures app's part of the data export and account deletion.

On deletion, contributions stay (measures, comments, supports, flags) and lose their author:
they are shown as by „gelöschtes Konto“, and a support keeps counting, with the kind it was given
as. Follows, notification settings and waiting digest entries are personal and go.
"""

from django.db.models import F

from strategy_portal import personal_data


@personal_data.register
class MeasuresSection:
    key = "measures"

    def export(self, user):
        from .models import (
            Comment,
            Flag,
            Follow,
            Measure,
            NotificationSettings,
            Support,
        )

        return {
            "measures_proposed": [
                {
                    "title": m.title,
                    "district": m.district.name,
                    "url": m.get_full_url(),
                    "status": m.status,
                    "created": m.created.isoformat(),
                    "description": m.description,
                    "added_value": m.added_value,
                    "feasibility": m.feasibility,
                    "withdrawn_reason": m.withdrawn_reason,
                }
                for m in Measure.objects.filter(author=user).select_related("district")
            ],
            "measures_recorded": [
                {"title": m.title, "on_behalf_of": m.on_behalf_of, "created": m.created.isoformat()}
                for m in Measure.objects.filter(recorded_by=user)
            ],
            "comments": [
                {
                    "measure": c.measure.title,
                    "body": c.body,
                    "deleted": c.is_deleted,
                    "created": c.created.isoformat(),
                }
                for c in Comment.objects.filter(author=user).select_related("measure")
            ],
            "supports": [
                {"measure": s.measure.title, "kind": s.kind, "created": s.created.isoformat()}
                for s in Support.objects.filter(user=user).select_related("measure")
            ],
            "follows": [
                {"measure": f.measure.title, "created": f.created.isoformat()}
                for f in Follow.objects.filter(user=user).select_related("measure")
            ],
            "flags": [
                {"reason": f.reason, "created": f.created.isoformat()}
                for f in Flag.objects.filter(user=user)
            ],
            "notifications": NotificationSettings.frequency_of(user),
        }

    def erase(self, user):
        from .models import (
            Comment,
            Flag,
            Follow,
            Measure,
            NotificationSettings,
            PendingNotification,
            Support,
        )

        Measure.objects.filter(author=user).update(author=None)
        Measure.objects.filter(recorded_by=user).update(recorded_by=None)
        Comment.objects.filter(author=user).update(author=None)
        Support.objects.filter(user=user).update(user=None)
        Flag.objects.filter(user=user).update(user=None)
        followed = list(Follow.objects.filter(user=user).values_list("measure_id", flat=True))
        Follow.objects.filter(user=user).delete()
        Measure.objects.filter(pk__in=followed).update(follower_count=F("follower_count") - 1)
        PendingNotification.objects.filter(user=user).delete()
        NotificationSettings.objects.filter(user=user).delete()


@personal_data.register
class EvaluationSection:
    """Scores given as an evaluator. On deletion they keep counting, without a name; who set a
    tier by hand is forgotten, the reason stays."""

    key = "measure_evaluation"

    def export(self, user):
        from .models import Measure, Score

        return {
            "scores": [
                {
                    "measure": s.measure.title,
                    "criterion": s.criterion.title,
                    "score": s.value,
                    "comment": s.comment,
                    "modified": s.modified.isoformat(),
                }
                for s in Score.objects.filter(evaluator=user).select_related("measure", "criterion")
            ],
            "tiers_set": [
                {"measure": m.title, "tier": m.tier, "reason": m.tier_reason}
                for m in Measure.objects.filter(tier_overridden_by=user)
            ],
        }

    def erase(self, user):
        from .models import Measure, Score

        Score.objects.filter(evaluator=user).update(evaluator=None)
        Measure.objects.filter(tier_overridden_by=user).update(tier_overridden_by=None)
