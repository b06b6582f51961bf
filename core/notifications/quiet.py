"""Quiet hours in China time: a message for a person in their quiet hours waits until they end,
except urgent ones (red lines, safety) which go at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.clock import CHINA
from core.errors import ValidationError


@dataclass(frozen=True)
class QuietHours:
    start: time | None = None     # None: no quiet hours
    end: time | None = None

    @property
    def on(self) -> bool:
        return self.start is not None and self.end is not None and self.start != self.end

    def contains(self, moment: datetime) -> bool:
        if not self.on:
            return False
        t = moment.astimezone(CHINA).time()
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end        # over midnight: 22:00-07:30

    def release(self, moment: datetime) -> datetime:
        """When a message raised at `moment` may go: at once, or when the quiet hours end."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(CHINA)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)


# Group robots post nothing from 22:00 to 08:00 China time unless urgent: held, and sent at 08:00.
ROBOT_QUIET = QuietHours(time(22, 0), time(8, 0))
# Owners get no SMS from 21:00 to 08:00 China time (none of their messages is urgent).
OWNER_QUIET = QuietHours(time(21, 0), time(8, 0))


def deliver_at(now: datetime, quiet: QuietHours, urgent: bool) -> datetime:
    return now if urgent else quiet.release(now)


def parse_quiet(text: str) -> QuietHours:
    """'22:00-07:30' or '' (none)."""
    text = (text or "").strip()
    if not text:
        return QuietHours()
    try:
        a, b = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(a), time.fromisoformat(b)
    except ValueError:
        raise ValidationError("err.quiet_format", field="quiet_hours", value=text) from None
    if start == end:
        raise ValidationError("err.quiet_format", field="quiet_hours", value=text)
    return QuietHours(start, end)


def format_quiet(q: QuietHours) -> str:
    return f"{q.start:%H:%M}-{q.end:%H:%M}" if q.on else ""
