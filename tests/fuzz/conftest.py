"""Hypothesis profiles of the fuzz suites (tests/fuzz).

``ci`` (the default, run by ``make test``): derandomized, a fixed example budget per test, no example database, so
every run tries the same inputs and takes the same few seconds. ``long`` (``make fuzz-long``): random, many more
examples, for release time. ``HYPOTHESIS_PROFILE`` picks one; ``FUZZ_EXAMPLES`` overrides the budget of either.
"""
from __future__ import annotations

import os
import pathlib
import sys

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(pathlib.Path(__file__).parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "unit"))

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
_BUDGET = os.environ.get("FUZZ_EXAMPLES")

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          max_examples=int(_BUDGET or 150), suppress_health_check=_SLOW)
settings.register_profile("long", derandomize=False, database=None, deadline=None, print_blob=True,
                          max_examples=int(_BUDGET or 5000), suppress_health_check=_SLOW)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
