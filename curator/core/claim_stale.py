"""The refusal of a stale edit: who changed (or deleted) the claim and when, from the change log or the
claim's tombstone, and the claim as stored now (no lost update, issue 11)."""

from __future__ import annotations

from curator.core import changelog
from curator.core.errors import StaleClaimError
from curator.core.models import ClaimTombstone
from curator.core.records import ClaimRecord


def stale_error(current: ClaimRecord | None, deleted_uuid: str = "") -> StaleClaimError:
    """Who wrote the claim last and when ("changed by NAME at TIME"), from its change log; for a claim
    deleted meanwhile (current None), who deleted it and when, from its tombstone."""
    if current is None:
        tomb = ClaimTombstone.get_or_none(ClaimTombstone.uuid == deleted_uuid) if deleted_uuid else None
        by = f" by {tomb.reviewer_name}" if tomb is not None and tomb.reviewer_name else " by another reviewer"
        at = f" at {tomb.deleted_at:%Y-%m-%d %H:%M} UTC" if tomb is not None else ""
        return StaleClaimError(
            f"This claim was deleted{by}{at} after you opened it. Your input is still in the form: "
            "save it as a new claim or discard it.",
            None,
        )
    who, when = changelog.last_change("claim", current.id)
    by = f" by {who}" if who else ""
    at = f" at {when:%Y-%m-%d %H:%M} UTC" if when else ""
    return StaleClaimError(
        f"This claim was changed{by}{at} after you opened it (it is now version {current.version}). "
        "Nothing was overwritten; your input is still in the form.",
        current,
    )
