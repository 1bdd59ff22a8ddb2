"""When a closed contact window opens next, for a contact that arrived too early or late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from recoverly.compliance.packs import packs
from recoverly.domain.events import Channel


def next_opening(pack: str, channel: str, timezone: str, after: datetime) -> datetime | None:
    """The first instant at or after ``after`` at which the pack's window for the channel
    is open (UTC); ``after`` itself when no window applies. Searches a week ahead, so a
    window that is closed on some days (or a DST gap at its opening) is stepped over."""
    window = packs()[pack].window_for(Channel(channel))
    if window is None:
        return after
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    start, end = window.local
    if start <= local.time() < end:
        return after
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    for offset in range(8):
        candidate = datetime.combine(day + timedelta(days=offset), start, tzinfo=zone)
        # A wall-clock time in a spring-forward gap does not survive the round trip.
        if candidate.astimezone(UTC).astimezone(zone).time() == start:
            return candidate.astimezone(UTC)
    return None
