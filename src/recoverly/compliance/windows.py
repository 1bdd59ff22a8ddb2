"""When a closed contact window opens next, for a contact that arrived too early or late."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from recoverly.compliance.packs import packs
from recoverly.domain.events import Channel

SEARCH_DAYS = 400  # closed days (weekends, holidays) are stepped over; a year is plenty


def next_opening(pack: str, channel: str, timezone: str, after: datetime) -> datetime | None:
    """The first instant at or after ``after`` (UTC) at which the pack's hours allow the
    channel: ``after`` itself when they do, else the next local day's opening, stepping
    over closed days (weekends, holidays) and over openings lost to a DST gap."""
    rules = packs()[pack]
    wanted = Channel(channel)
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        hours = rules.hours(wanted, day)
        if hours is None:
            continue  # closed that day
        start, end = hours
        if offset == 0:
            now = local.time()
            if now >= start and (end is None or now < end):
                return after
            if now >= start:
                continue  # today's window has closed
        opening = _instant(day, start, zone)
        if opening is not None and opening >= after:
            return opening
    return None


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None in a spring-forward gap."""
    candidate = datetime.combine(day, at, tzinfo=zone)
    if candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != datetime.combine(day, at):
        return None
    return candidate.astimezone(UTC)
