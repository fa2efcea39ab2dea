"""Synthetic claim rows for the benchmarks (claims_io, merge, agreement): one shape, one source.

Each row is a dict of Claim's columns (quote, context and timestamps filled as the app would) and each
term link one of ClaimTerm's; the callers insert them with peewee's SQL and executemany.
"""

from __future__ import annotations

import datetime as dt
import random

T0 = dt.datetime(2026, 1, 1)


def vocabulary(session) -> tuple[dict[str, list], list[str], dict[str, list[str]]]:
    """The seeded terms by role, the roles in order, and each choice field's keys in order."""
    by_role: dict[str, list] = {}
    for t in session.terms.all():
        for role in t.roles:
            by_role.setdefault(role, []).append(t)
    choices = {f.key: sorted(f.choice_keys) for f in session.codebook.value_fields if f.kind == "choice"}
    return by_role, sorted(by_role), choices


def claim_row(
    claim_id: int,
    document_id: int,
    text: str,
    sha256: str,
    reviewer: int,
    start: int,
    end: int,
    values: dict,
    created: dt.datetime,
    updated: dt.datetime,
    statement: str,
    notes: str = "",
    anchor_status: str = "",
) -> dict:
    """A claim on `text` quoting start–end (with 32 characters of context each side)."""
    from curator.core.models import new_uuid

    return {
        "id": claim_id,
        "document": document_id,
        "reviewer": reviewer,
        "start": start,
        "end": end,
        "exact": text[start:end],
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[end : end + 32],
        "document_sha256": sha256,
        "anchor_status": anchor_status,
        "statement": statement,
        **values,
        "notes": notes,
        "created_at": created,
        "updated_at": updated,
        "uuid": new_uuid(),
        "version": 1,
    }


def term_link(claim_id: int, term, role: str, position: int) -> dict:
    return {
        "claim": claim_id,
        "term": term.id,
        "role": role,
        "label": term.label,
        "identifier": term.identifier,
        "position": position,
    }


def spread_claims(session, count: int, seed: int = 7, reviewers=("Ann", "Bo", "Bench")) -> tuple[list, list]:
    """`count` valid claims (quotes where their Start says, codebook choices, 1–3 terms of the claim's
    roles) spread over the seed documents, 2 % orphaned, the reviewers in turn, distinct timestamps:
    (claim rows, term links)."""
    rnd = random.Random(seed)
    docs = [session.documents.get(d.id) for d in session.documents.summaries()]
    reviewer_ids = [session.use_reviewer(name).id for name in reviewers]
    by_role, roles, choices = vocabulary(session)
    claims, links = [], []
    for i in range(1, count + 1):
        doc = docs[i % len(docs)]
        length = rnd.randint(30, 120)
        start = rnd.randrange(0, len(doc.text) - length)
        stamp = T0 + dt.timedelta(seconds=7 * i)
        values = {
            **{key: keys[i % len(keys)] for key, keys in choices.items()},
            "effect_value": None if i % 4 == 0 else round(0.5 + i % 7 / 10, 2),
            "n_participants": None if i % 5 == 0 else 20 + i % 300,
        }
        claims.append(
            claim_row(
                i,
                doc.id,
                doc.text,
                doc.sha256,
                reviewer_ids[i % len(reviewer_ids)],
                start,
                start + length,
                values,
                stamp,
                stamp + dt.timedelta(seconds=i % 60),
                f"Synthetic statement {i} about the gut–brain axis.",
                "" if i % 3 else f"note {i}\nsecond line",
                "orphaned" if i % 50 == 0 else "",
            )
        )
        for position in range(1 + i % 3 if i % 7 else 2):
            role = roles[(i + position) % len(roles)]
            links.append(term_link(i, by_role[role][(i * 3 + position) % len(by_role[role])], role, position))
    return claims, links
