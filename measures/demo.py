"""Demo content of the measures app; each part registers its loader with
`strategy_portal.demo.register` from its own module."""

from . import evaluation_demo  # noqa: F401 (registers the evaluation's loader)
