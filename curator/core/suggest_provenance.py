"""Which of a claim's values came from an accepted suggestion (issue 13), for its change log.

The form sends, with the claim, the suggestions the reviewer accepted (ClaimDraft.suggested: field or
role key, the value as text, the words that suggested it). Only those still holding when the claim is
written are recorded — a value accepted and then changed by hand is the reviewer's own — as change-log
rows with action "suggested": field = the key, new = the value, old = the reason. Nothing else about a
suggestion is ever stored.
"""

from __future__ import annotations

from typing import Any

from curator.core import changelog
from curator.core.records import ClaimDraft, TermRef

ACCEPTED = "suggested"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def still_held(draft: ClaimDraft, values: dict[str, Any], terms: tuple[TermRef, ...]) -> list[tuple[str, str, str]]:
    """(key, reason, value) of each accepted suggestion the written claim still holds."""
    labels = {(t.role, t.label.casefold()) for t in terms}
    held = []
    for key, value, reason in draft.suggested:
        if key in values:
            if _as_text(values[key]) in (value, _as_text(_number(value))):
                held.append((key, reason, value))
        elif (key, value.casefold()) in labels:
            held.append((key, reason, value))
    return held


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def record_accepted(claim_id: int, draft: ClaimDraft, values: dict, terms: tuple, reviewer_id: int | None) -> None:
    """Log the accepted suggestions the claim holds; call inside the transaction that wrote it."""
    if draft.suggested:
        changelog.record(ACCEPTED, "claim", claim_id, still_held(draft, values, terms), reviewer_id)
