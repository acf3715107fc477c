"""Shared test set-up: Hypothesis settings profiles.

``PROJPUSH_HYPOTHESIS_PROFILE`` picks one: ``default`` (fast, for working),
``ci`` (more examples, derandomised so a CI run is reproducible) or
``thorough`` (many examples, for a deliberate hunt).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    print_blob=True,  # a failure found in CI can be replayed with @reproduce_failure
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("PROJPUSH_HYPOTHESIS_PROFILE", "default"))
