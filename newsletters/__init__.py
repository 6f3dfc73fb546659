"""Newsletters: subscriptions with double opt-in, issues, deliveries, unsubscribe."""
