"""Fixtures shared by the publishing tests."""

from tests.publishing.test_crash import network  # noqa: F401 - a fresh account on a chosen local server
