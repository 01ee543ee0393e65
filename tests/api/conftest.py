from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.public.helpers import open_period_for


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The rate-limit counters live in the (per-process) cache: one test's must not leak.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # The language middleware activates a language per request and leaves it active in
    # the thread; service calls made directly by a test must see the default, and a test
    # that asks for English must not leave it to the next one.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def open_period(unit):
    return open_period_for(unit)


@pytest.fixture
def form_url(unit):
    return f"/s/{unit.slug}/"
