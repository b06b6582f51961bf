"""The worklist pauses the cyclic collector for its bulk work: it must always come back on,
or a long-running server would slowly fill with uncollected cycles."""
import gc

import pytest

from db.gc_pause import cycle_collector_paused


def test_collector_is_off_inside_and_on_again_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with cycle_collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("a query failed")
    assert gc.isenabled()


def test_nested_pause_leaves_it_to_the_outer_one():
    with cycle_collector_paused():
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
