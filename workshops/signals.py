"""Signals of the workshops floor; upper floors (the newsletter) listen to them.

`workshop_published(sender=Workshop, workshop=..., user=...)`: a facilitator published a workshop
(sent after the commit). Nothing is sent to anyone automatically: a listener may prepare a draft.
"""

from django.dispatch import Signal

workshop_published = Signal()
