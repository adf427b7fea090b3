"""Fixtures of the page tests."""

import pytest

from tests.support.jobs import clear
from ui import training_jobs as tj


@pytest.fixture
def free_board():
    """The process-wide board the Train page uses, free before and after the test."""
    b = tj.board()
    clear(b)
    yield b
    clear(b)
