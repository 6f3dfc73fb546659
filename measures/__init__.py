"""Measures (Maßnahmen): proposals, comments, supports, follows, evaluation, tiers, moderation."""
