"""The facilitators' workspace pages of measures (record on behalf, status changes, answers,
bulk changes, merges, moderation queue, answer templates).

Their addresses start with "verwaltung/" and are mounted by `measures/urls.py` in the same
`measures` namespace as the public pages, e.g. `measures:moderation` at
`/<district>/verwaltung/moderation/`.
"""

workspace_urlpatterns: list = []
