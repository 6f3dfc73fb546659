"""Demo content of the measures app: online proposals with their discussion
(`participation_demo`) and the evaluation with the tiered projects of the Werra-Meißner-Kreis
(`evaluation_demo`). The workshop demo adds the measures of the Meißen expert workshop; the roof
(`strategy_portal/strategy/demo.py`) then assigns all of them to the strategy's missions and gives
the leading ones a Steckbrief, so that no measure is created twice."""

# The parts of the measures demo register their own loaders.
from . import evaluation_demo, participation_demo  # noqa: F401
