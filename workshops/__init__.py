"""Workshops: documentation, events calendar, measure-table import, workshop PDF."""
