"""The company's date is Beijing's, whatever zone the server was set up in: a worklist opened at
07:00 in Shenzhen belongs to that day even on a server that still thinks it is yesterday (UTC)."""
import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from core.clock import local_now, local_today


@pytest.fixture
def server_far_west():
    """A server clock twenty hours behind Beijing (UTC-12)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Etc/GMT+12"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_today_is_the_date_in_china_not_on_the_server(server_far_west):
    before = (datetime.now(timezone.utc) + timedelta(hours=8)).date()
    today = local_today()
    after = (datetime.now(timezone.utc) + timedelta(hours=8)).date()
    assert today in (before, after)
    assert local_now().utcoffset() == timedelta(hours=8)
