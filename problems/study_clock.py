"""The study loop's clock: now, in UTC, or the fixed time ``CHAINRULE_NOW`` names.

``CHAINRULE_NOW=2026-03-01T09:00:00`` (ISO 8601; no offset means UTC) makes every recorded
attempt, ``progress`` and ``review`` use that moment: tests and demonstrations of a study
history replay days of study in seconds.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from derive.errors import UserError

ENV = "CHAINRULE_NOW"
# The moments the study loop accepts (CHAINRULE_NOW, imported attempts): stored times sort as text
# only with four-digit years, and the review schedule adds intervals of up to 100 years to them.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def now() -> datetime:
    """The current time (timezone-aware UTC), or ``CHAINRULE_NOW``'s (UserError when unreadable)."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(text[:40])
    except ValueError:
        raise UserError(f"'{text[:40]}' is not an ISO 8601 time such as 2026-03-01T09:00:00", ENV) from None
    try:
        return in_range(moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc))
    except (ValueError, OverflowError):
        raise UserError(f"'{text[:40]}' is outside the years {EARLIEST.year} to {LATEST.year - 1}", ENV) from None


def in_range(moment: datetime) -> datetime:
    """``moment`` itself when it lies from EARLIEST up to LATEST (CHAINRULE_NOW, an imported
    attempt's time); ValueError otherwise."""
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"{moment} is outside the years {EARLIEST.year} to {LATEST.year - 1}")
    return moment


def iso(moment: datetime) -> str:
    """``moment`` as stored: UTC, ISO 8601 to the microsecond (sorts as text in time order)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    """A stored time back as a timezone-aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
