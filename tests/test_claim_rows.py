"""Plain claim rows: labels, the filter's semantics, sort order and ties, narrowing."""

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.core import claim_index as ci
from curator.core import claim_rows as cr
from curator.core.anchoring import Anchor
from curator.core.claim_rows import ClaimFilter, build_rows, filter_rows, sort_rows
from curator.core.codebook import load_codebook
from curator.core.paths import CODEBOOK
from curator.core.records import ClaimRecord, TermRef

NOW = dt.datetime(2026, 11, 30)


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


def record(claim_id, quote, doc=1, start=0, reviewer="Ada", terms=(), orphaned=False, **values):
    values.setdefault("status", "draft")
    return ClaimRecord(
        id=claim_id,
        document_id=doc,
        reviewer_id=1,
        reviewer_name=reviewer,
        anchor=Anchor(start, start + len(quote), quote, "", ""),
        document_sha256="0" * 64,
        values=values,
        terms=tuple(TermRef("condition", t) for t in terms),
        created_at=NOW,
        updated_at=NOW,
        anchor_status="orphaned" if orphaned else "",
    )


def ids(rows):
    return [r.id for r in rows]


def test_a_row_carries_labels_collapsed_quote_and_type_position(codebook):
    (row,) = build_rows(
        [
            record(
                7,
                "Gut  microbiota\n differ",
                doc=3,
                start=40,
                terms=("Multiple sclerosis", "Roseburia"),
                orphaned=True,
                claim_type="intervention_effect",
                direction="benefit",
                status="needs_discussion",
                statement="Fewer Roseburia",
            )
        ],
        codebook,
        {3: "The MS review"},
    )
    assert (row.id, row.document_id, row.document_title, row.start) == (7, 3, "The MS review", 40)
    assert row.quote == "Gut microbiota differ" and row.statement == "Fewer Roseburia"
    assert (row.claim_type_key, row.claim_type, row.type_index) == ("intervention_effect", "Intervention effect", 2)
    assert (row.direction, row.status_key, row.status) == ("Benefit", "needs_discussion", "Needs discussion")
    assert row.terms == "Multiple sclerosis; Roseburia" and row.reviewer == "Ada" and row.orphaned
    assert row.record.id == 7 and row.reading == ("the ms review", 3, 40, 7)
    # no type, and a key the codebook does not know: shown as itself, no colour
    (bare,) = build_rows([record(8, "x", claim_type="", status="retired_status")], codebook)
    assert (bare.type_index, bare.claim_type, bare.status) == (-1, "", "retired_status")


def test_text_filter_needs_every_word_in_any_case_and_column(codebook):
    rows = build_rows(
        [
            record(1, "Roseburia was lower in MS", statement="butyrate producers"),
            record(2, "Akkermansia was higher", terms=("Multiple Sclerosis",)),
            record(3, "ROSEBURIA and Akkermansia", statement=""),
            record(4, "nothing here", doc=2),
        ],
        codebook,
        {1: "Review of MS", 2: "Butyrate trial"},
    )
    assert ids(filter_rows(rows, ClaimFilter(text="roseburia"))) == [1, 3]
    assert ids(filter_rows(rows, ClaimFilter(text="  akkermansia   ROSE "))) == [3]  # all words, any order
    assert ids(filter_rows(rows, ClaimFilter(text="sclerosis"))) == [2]  # a term
    assert ids(filter_rows(rows, ClaimFilter(text="butyrate"))) == [4, 1]  # title; statement (reading order)
    assert ids(filter_rows(rows, ClaimFilter(text="lower butyrate"))) == [1]  # words from two columns
    assert ids(filter_rows(rows, ClaimFilter(text="ms butyrate"))) == [1]
    assert ids(filter_rows(rows, ClaimFilter(text="producersreview"))) == []  # never across two columns
    assert ids(filter_rows(rows, ClaimFilter(text="draft"))) == []  # status is its own filter, not text
    assert ids(filter_rows(rows, ClaimFilter(text="   "))) == [4, 1, 2, 3]


def test_exact_filters_status_type_reviewer_and_whole_term(codebook):
    rows = build_rows(
        [
            record(1, "a", status="confirmed", claim_type="mechanism", reviewer="Ada", terms=("Fatigue",)),
            record(2, "b", status="draft", claim_type="mechanism", reviewer="Ben", terms=("Chronic fatigue",)),
            record(3, "c", status="confirmed", claim_type="association", reviewer="Ada", terms=("fatigue", "Pain")),
        ],
        codebook,
    )
    assert ids(filter_rows(rows, ClaimFilter(status="confirmed"))) == [1, 3]
    assert ids(filter_rows(rows, ClaimFilter(claim_type="mechanism"))) == [1, 2]
    assert ids(filter_rows(rows, ClaimFilter(reviewer="Ada"))) == [1, 3]
    assert ids(filter_rows(rows, ClaimFilter(reviewer="ada"))) == []  # a name, exactly
    assert ids(filter_rows(rows, ClaimFilter(term="FATIGUE"))) == [1, 3]  # whole label: not "Chronic fatigue"
    assert ids(filter_rows(rows, ClaimFilter(status="confirmed", claim_type="mechanism"))) == [1]
    assert ids(filter_rows(rows, ClaimFilter(status="rejected"))) == []


def test_narrowing_is_only_claimed_when_it_holds():
    old = ClaimFilter(text="micro", status="draft")
    assert ClaimFilter(text="microb", status="draft").narrows(old)
    assert ClaimFilter(text="micro b", status="draft").narrows(old)
    assert ClaimFilter(text="MICROBE", status="draft").narrows(old)
    assert not ClaimFilter(text="micr", status="draft").narrows(old)  # a deleted letter widens
    assert not ClaimFilter(text="microb", status="confirmed").narrows(old)
    assert not ClaimFilter(text="microb").narrows(old)
    assert ClaimFilter().is_empty and ClaimFilter(text="  ").is_empty
    assert not ClaimFilter(reviewer="").is_empty  # "" is a value (no reviewer), None is "any"


def test_narrowed_results_equal_a_fresh_filter(codebook):
    rng = random.Random(5)
    words = ["micro", "microbe", "microbiome", "bio", "gut", "brain", "ome"]
    rows = build_rows(
        [record(i, " ".join(rng.choice(words) for _ in range(4)), start=i) for i in range(1, 300)], codebook
    )
    shown, previous = rows, ClaimFilter()
    for text in ["m", "mi", "micro", "microb", "microbiome", "microbiome g", "microbiome gut"]:
        flt = ClaimFilter(text=text)
        assert flt.narrows(previous)
        shown, previous = filter_rows(shown, flt), flt
        assert shown == filter_rows(rows, flt)


def test_sort_orders_by_casefolded_text_numbers_as_numbers_and_ties_in_reading_order(codebook):
    rows = build_rows(
        [
            record(10, "beta", doc=2, start=5, status="confirmed"),
            record(9, "Alpha", doc=1, start=50, status="draft"),
            record(2, "alpha", doc=1, start=70, status="confirmed"),
            record(30, "Gamma", doc=1, start=10, status="draft"),
        ],
        codebook,
        {1: "B document", 2: "a document"},
    )
    # reading order: document title (case-folded), then start, then id
    assert ids(rows) == [10, 30, 9, 2]
    assert ids(sort_rows(rows, cr.ID)) == [2, 9, 10, 30]  # 9 before 10: numbers, not text
    assert ids(sort_rows(rows, cr.ID, descending=True)) == [30, 10, 9, 2]
    assert ids(sort_rows(rows, cr.QUOTE)) == [9, 2, 10, 30]  # Alpha = alpha: reading order decides
    assert ids(sort_rows(rows, cr.QUOTE, descending=True)) == [30, 10, 9, 2]  # ties still in reading order
    assert ids(sort_rows(rows, cr.STATUS)) == [10, 2, 30, 9]  # "confirmed" < "draft" (labels)
    assert ids(sort_rows(rows, cr.STATUS, descending=True)) == [30, 9, 10, 2]
    assert ids(sort_rows(rows, -1)) == ids(rows)


def test_ranks_and_insert_position_agree_with_a_plain_sort(codebook):
    rng = random.Random(11)
    records = [
        record(i, rng.choice(["a", "B", "c", "b"]), doc=rng.randint(1, 3), start=rng.randint(0, 50),
               status=rng.choice(["draft", "confirmed"]))
        for i in range(1, 200)
    ]  # fmt: skip
    rows = build_rows(records, codebook, {1: "x", 2: "Y", 3: "x"})
    for column in (cr.ID, cr.DOCUMENT, cr.QUOTE, cr.STATUS, cr.REVIEWER):
        for descending in (False, True):
            expected = sort_rows(rows, column, descending)
            assert sort_rows(rows, column, descending, cr.dense_ranks(rows, column)) == expected
            for k in (0, 57, 198):
                rest = [r for r in expected if r is not expected[k]]
                assert cr.insert_position(rest, expected[k], column, descending) == k
                assert cr.position_of(expected, expected[k], column, descending) == k


# -- the index a 100,000-row table filters and sorts through ----------------------------------------

WORDS = ["micro", "microbe", "Microbiome", "bio", "gut", "brain", "ome", "é", "ß", "mi;", "x.y"]
QUERIES = ["m", "mi", "mic", "micro", "ome", "OME", "bio gut", "ss", "é", "i;", ".", "x.y b", "zz", "b r"]


def random_record(rng, claim_id):
    return record(
        claim_id,
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6))),
        doc=rng.randint(1, 3),
        start=rng.randint(0, 30),
        reviewer=rng.choice(["Ada", "Ben", ""]),
        terms=rng.sample(["Gut", "Multiple sclerosis", "ome"], rng.randint(0, 2)),
        status=rng.choice(["draft", "confirmed"]),
        claim_type=rng.choice(["mechanism", "association", ""]),
        statement=rng.choice(["", "Gut microbe", "brain ome"]),
    )


def filters(rng):
    yield ClaimFilter()
    for text in QUERIES:
        yield ClaimFilter(text=text)
    for _ in range(12):
        yield ClaimFilter(
            text=rng.choice(QUERIES + [""]),
            status=rng.choice([None, "draft", "confirmed", "rejected"]),
            claim_type=rng.choice([None, "mechanism", ""]),
            reviewer=rng.choice([None, "Ada", ""]),
            term=rng.choice([None, "gut", " OME ", "sclerosis"]),
        )


def check_index(index, rows, rng):
    """Every filter and sort through the index equals the brute-force one over the same rows."""
    rows = sorted(rows, key=cr.reading_key)
    assert index.reading_rows() == rows and len(index) == len(rows)
    for column in (-1, cr.ID, cr.DOCUMENT, cr.QUOTE, cr.STATEMENT, cr.STATUS, cr.REVIEWER, cr.TERMS):
        for descending in (False, True):
            order = ci.ShownOrder(index, column, descending)
            expected = sort_rows(rows, column, descending and column >= 0)
            assert order.rows == expected
            for flt in filters(rng):
                assert order.select(index.match(flt), index.size) == filter_rows(expected, flt), flt


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(0, 60))
def test_the_index_filters_and_sorts_as_brute_force_also_after_upserts_and_removals(codebook, seed, size):
    rng = random.Random(seed)
    build = cr.RowBuilder(codebook)
    rows = [build(random_record(rng, i)) for i in range(1, size + 1)]
    index = ci.RowIndex(sorted(rows, key=cr.reading_key))
    check_index(index, rows, rng)
    by_id = {r.id: r for r in rows}
    for _ in range(rng.randint(1, 12)):
        claim_id = rng.randint(1, size + 5)
        old = by_id.pop(claim_id, None)
        if old is not None:
            index.remove(old)
        if old is None or rng.random() < 0.6:  # add a claim, or change one (its slot may be reused)
            by_id[claim_id] = build(random_record(rng, claim_id))
            index.add(by_id[claim_id])
    check_index(index, list(by_id.values()), rng)


def test_a_shown_order_keeps_its_place_through_changes(codebook):
    rng = random.Random(3)
    build = cr.RowBuilder(codebook)
    rows = sorted((build(random_record(rng, i)) for i in range(1, 200)), key=cr.reading_key)
    index = ci.RowIndex(rows)
    order = ci.ShownOrder(index, cr.QUOTE, descending=True)
    for claim_id in (5, 50, 150, 250):
        old = index.get(claim_id)
        if old is not None:
            order.drop(old)
            index.remove(old)
        new = build(random_record(rng, claim_id))
        order.place(new, index.add(new))
    fresh = ci.ShownOrder(index, cr.QUOTE, descending=True)
    assert order.rows == fresh.rows and list(order.slots) == list(fresh.slots)
    flt = ClaimFilter(text="mi", status="draft")
    assert order.select(index.match(flt), index.size) == fresh.select(index.match(flt), index.size)


@given(st.lists(st.booleans(), max_size=300))
def test_pack_and_lanes_are_inverse(bits):
    slot_lanes = bytes(bits)
    packed = ci.pack(slot_lanes)
    assert packed == sum(1 << i for i, b in enumerate(bits) if b)
    assert ci.lanes(packed, len(bits))[: len(bits)] == slot_lanes


def test_common_and_rare_keys_both_answer_and_forget(codebook):
    postings = ci.Postings()
    postings.fill({"common": list(range(0, 200, 2)), "rare": [3, 7]}, 200)
    assert type(postings["common"]) is int and type(postings["rare"]) is not int
    postings.add("rare", 9, 200)
    postings.discard("common", 4)
    assert postings.union(["common", "rare", "absent"], 200) == sum(
        1 << s for s in [*range(0, 200, 2), 3, 7, 9] if s != 4
    )
    for slot in (3, 7, 9):
        postings.discard("rare", slot)
    assert "rare" not in postings  # an empty key leaves the vocabulary
