from __future__ import annotations

from typing import Any

import pytest

from anbiao.core.tests.world import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    """Two of each kind of unit and one user per persona (``anbiao.core.tests.world``)."""
    return build_world()
