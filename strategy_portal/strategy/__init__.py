"""The roof: the strategy document (public strategy pages, statistics, the strategy PDF).

It reads every floor below; nothing imports it but the URL configuration (see the import-linter
contracts in pyproject.toml).
"""
