"""An index over claim rows for tables of 100,000 claims, in pure Python.

At that size any Python loop over every row costs 15–150 ms on a 2-core machine, so the index answers
a filter with bitsets (one per distinct word, status, type, reviewer and term) and a sort with orders
kept sorted as rows come and go; only C loops (`itemgetter`, `compress`) touch every row.
`claim_rows.filter_rows` and `sort_rows` stay the reference semantics that tests hold this to.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, count, repeat
from operator import attrgetter, itemgetter

from curator.core.claim_rows import COLUMN_TITLES, ClaimFilter, ClaimRow, insert_position, position_of

# -- index for 100,000 rows ----------------------------------------------------------------------

_LANES = [bytes((b >> i) & 1 for i in range(8)) for b in range(256)]  # a byte of bits -> 8 bytes of 0/1
# Multiplying a 64-bit word of eight 0/1 bytes by this gathers them into its top byte without carries
# (every partial product lands on its own bit); even and odd words are multiplied apart so that one
# word's 128-bit product cannot reach the next word's top byte.
_GATHER = sum(1 << (56 - 7 * i) for i in range(8))
_consume = deque(maxlen=0).extend  # runs an iterator of C calls to its end


def lanes(bits: int, size: int) -> bytes:
    """A bitset as one byte (0 or 1) per slot: what `itertools.compress` and `itemgetter` can read in C."""
    return b"".join(map(_LANES.__getitem__, bits.to_bytes((size + 7) // 8, "little")))


def pack(slot_lanes: bytes | bytearray) -> int:
    """One byte (0 or 1) per slot -> a bitset (the inverse of `lanes`), in a few big-int operations."""
    words = (len(slot_lanes) + 7) // 8
    x = int.from_bytes(slot_lanes, "little")
    even = int.from_bytes((b"\xff" * 8 + b"\x00" * 8) * ((words + 1) // 2), "little")
    gathered = (x & even) * _GATHER + (x & ~even) * _GATHER
    return int.from_bytes(gathered.to_bytes(words * 8 + 16, "little")[7::8][:words], "little")


def _to_bits(slots: Iterable[int], size: int) -> int:
    slot_lanes = bytearray(size)
    _consume(map(slot_lanes.__setitem__, slots, repeat(1)))  # ~40 ns a slot; a Python loop takes ~120
    return pack(slot_lanes)


def _group(keys: Iterable[str], slots: Iterable[int], groups: defaultdict[str, list[int]]) -> None:
    """Append each slot to its key's list, in C (a Python loop over 3 million pairs takes ~1 s)."""
    _consume(map(list.append, map(groups.__getitem__, keys), slots))


def take(items: Sequence, positions: Sequence[int]) -> list:
    """`[items[p] for p in positions]`, in C (itemgetter with one argument returns no tuple)."""
    if len(positions) > 1:
        return list(itemgetter(*positions)(items))
    return [items[p] for p in positions]


class Postings(dict):
    """key -> the slots holding it: a bitset (an int, bit i = slot i) once common, an array while rare.

    A bitset costs size/8 bytes however few bits are set and an array 4 bytes a slot, so rare keys
    (most words of a real vocabulary) stay arrays and memory stays near 4 bytes per (row, key) pair.
    """

    def fill(self, groups: dict[str, list[int]], size: int) -> None:
        limit = _dense_limit(size)
        for key, slots in groups.items():
            self[key] = _to_bits(slots, size) if len(slots) > limit else array("i", slots)

    def add(self, key: str, slot: int, size: int) -> None:
        slots = self.get(key)
        if slots is None:
            self[key] = array("i", (slot,))
        elif type(slots) is int:
            self[key] = slots | 1 << slot
        else:
            slots.append(slot)
            if len(slots) > _dense_limit(size):
                self[key] = _to_bits(slots, size)

    def discard(self, key: str, slot: int) -> None:
        slots = self.get(key)
        if type(slots) is int:
            slots &= ~(1 << slot)
        elif slots is not None and slot in slots:
            slots.remove(slot)
        if not slots:
            self.pop(key, None)  # an empty key leaves the vocabulary a filter word is matched against
        elif type(slots) is int:
            self[key] = slots

    def union(self, keys: Iterable[str], size: int) -> int:
        """Bitset of the slots holding any of `keys`: common keys OR'ed as ints, rare ones set bit by bit."""
        bits, rare = 0, []
        for key in keys:
            slots = self.get(key)
            if type(slots) is int:
                bits |= slots
            elif slots is not None:
                rare.append(slots)
        return bits | _to_bits(chain.from_iterable(rare), size) if rare else bits


def _dense_limit(size: int) -> int:
    # A bitset is ORed in ~5 µs at 100,000 slots, an array is set slot by slot at ~50 ns: from ~780 slots
    # (size/128) on, a bitset is faster to query, at most 4 times the memory of the array it replaces.
    return max(64, size // 128)


EXACT_STATUS, EXACT_TYPE, EXACT_REVIEWER, EXACT_TERM = range(4)  # RowIndex.exact, in ClaimFilter's order


def _exact_keys(row: ClaimRow) -> tuple[tuple[str, ...], ...]:
    """The values each exact criterion (status, type, reviewer, term) finds this row by."""
    return (row.status_key,), (row.claim_type_key,), (row.reviewer,), tuple(row.term_keys)


class RowIndex:
    """Rows by slot (a stable number), with each column's rows kept in ascending order and a bitset per word
    of the haystacks and per status, type, reviewer and term.

    A filter word matches a row when it is a substring of one of the row's white-space separated words
    (filter words hold no white space, so this is `word in haystack`); the words containing it are
    found in the vocabulary (about 1,400 here rather than 100,000 haystacks) and their bitsets OR'ed.
    """

    def __init__(self, rows: Sequence[ClaimRow]):
        """`rows` in reading order: slot i is the i-th, so every column sorts stably from reading order."""
        size = len(rows)
        self.rows: list[ClaimRow | None] = list(rows)  # by slot; None for a free slot
        self._slot = {r.id: i for i, r in enumerate(rows)}
        self._free: list[int] = []
        self._reading_keys = [r.reading for r in rows]
        keys_of = [r.keys for r in rows]
        self._keys = [list(map(itemgetter(column), keys_of)) for column in range(len(COLUMN_TITLES))]
        self._reading = array("i", range(size))
        # ~50 ms each for the long text columns: paid here once, so no header click pays it
        self._ascending = [array("i", sorted(range(size), key=k.__getitem__)) for k in self._keys]
        words: defaultdict[str, list[int]] = defaultdict(list)
        for slot, found in enumerate(map(set, map(str.split, map(attrgetter("haystack"), rows)))):
            _group(found, repeat(slot, len(found)), words)
        self.words = Postings()
        self.words.fill(words, size)
        self.exact = (Postings(), Postings(), Postings(), Postings())  # status, claim type, reviewer, term
        for postings, name in zip(self.exact, ("status_key", "claim_type_key", "reviewer")):
            groups: defaultdict[str, list[int]] = defaultdict(list)
            _group(map(attrgetter(name), rows), count(), groups)
            postings.fill(groups, size)
        terms = [r.term_keys for r in rows]
        groups = defaultdict(list)
        _group(chain.from_iterable(terms), chain.from_iterable(map(repeat, count(), map(len, terms))), groups)
        self.exact[EXACT_TERM].fill(groups, size)
        self._match: tuple[ClaimFilter, int | None] | None = None  # the last filter asked for, until a change

    @property
    def size(self) -> int:
        """Slots in use or free: every bitset fits in this many bits."""
        return len(self.rows)

    def __len__(self) -> int:
        return len(self._slot)

    def get(self, claim_id: int) -> ClaimRow | None:
        slot = self._slot.get(claim_id)
        return None if slot is None else self.rows[slot]

    def reading_rows(self) -> list[ClaimRow]:
        return take(self.rows, self._reading)

    def order(self, column: int, descending: bool = False) -> array:
        """Slots in the order sort_rows gives (a new array; column < 0 is reading order)."""
        if column < 0:
            return array("i", self._reading)
        if not descending:
            return array("i", self._ascending[column])
        # ascending has ties in reading order and Python's sort is stable with reverse=True too; runs of
        # already ordered slots make this ~10 ms, not the ~50 ms of sorting long strings from scratch
        return array("i", sorted(self._ascending[column], key=self._keys[column].__getitem__, reverse=True))

    def match(self, flt: ClaimFilter) -> int | None:
        """Bitset of the slots `flt` keeps; None when it keeps every row."""
        if self._match is not None and self._match[0] == flt:
            return self._match[1]
        bits = None
        if not flt.is_empty:
            size = self.size
            term = flt.term.strip().casefold() if flt.term is not None else None
            for postings, value in zip(self.exact, (flt.status, flt.claim_type, flt.reviewer, term)):
                if value is not None:
                    found = postings.union((value,), size)
                    bits = found if bits is None else bits & found
            for word in flt.words:
                if bits == 0:
                    break
                found = self.words.union([w for w in self.words if word in w], size)
                bits = found if bits is None else bits & found
        self._match = (flt, bits)
        return bits

    def add(self, row: ClaimRow) -> int:
        """Index a row whose claim is not indexed yet; returns its slot."""
        slot = self._free.pop() if self._free else len(self.rows)
        if slot == len(self.rows):
            self.rows.append(row)
            self._reading_keys.append(row.reading)
            for keys, key in zip(self._keys, row.keys):
                keys.append(key)
        else:
            self.rows[slot] = row
            self._reading_keys[slot] = row.reading
            for keys, key in zip(self._keys, row.keys):
                keys[slot] = key
        self._slot[row.id] = slot
        insort(self._reading, slot, key=self._reading_keys.__getitem__)
        for column, ascending in enumerate(self._ascending):
            insort(ascending, slot, key=self._sort_key(column))
        size = self.size
        for word in set(row.haystack.split()):
            self.words.add(word, slot, size)
        for postings, keys in zip(self.exact, _exact_keys(row)):
            for key in keys:
                postings.add(key, slot, size)
        self._match = None
        return slot

    def remove(self, row: ClaimRow) -> int:
        """Forget a row (the very object indexed); returns the slot it had."""
        slot = self._slot.pop(row.id)
        _delete(self._reading, slot, self._reading_keys.__getitem__)
        for column, ascending in enumerate(self._ascending):
            _delete(ascending, slot, self._sort_key(column))
        for word in set(row.haystack.split()):
            self.words.discard(word, slot)
        for postings, keys in zip(self.exact, _exact_keys(row)):
            for key in keys:
                postings.discard(key, slot)
        self.rows[slot] = None  # the slot keeps its place in the key lists until reused
        self._free.append(slot)
        self._match = None
        return slot

    def _sort_key(self, column: int) -> Callable[[int], tuple]:
        keys, reading = self._keys[column], self._reading_keys
        return lambda slot: (keys[slot], reading[slot])


def _delete(ordered: array, slot: int, key: Callable[[int], object]) -> None:
    at = bisect_left(ordered, key(slot), key=key)
    if at < len(ordered) and ordered[at] == slot:
        del ordered[at]


class ShownOrder:
    """Every row of an index in one display order, as slots and rows side by side, and the rows a
    filter's bitset keeps in that order (C loops only: ~5 ms for 100,000 rows)."""

    def __init__(self, index: RowIndex, column: int = -1, descending: bool = False):
        self.column, self.descending = column, descending
        self.slots = index.order(column, descending)
        self.rows = take(index.rows, self.slots)
        self._pick: Callable[[bytes], Iterable[int]] | None = None  # slot lanes -> display-order lanes

    def place(self, row: ClaimRow, slot: int) -> None:
        at = insert_position(self.rows, row, self.column, self.descending)
        self.rows.insert(at, row)
        self.slots.insert(at, slot)
        self._pick = None

    def drop(self, row: ClaimRow) -> None:
        at = position_of(self.rows, row, self.column, self.descending)
        if at >= 0:
            del self.rows[at], self.slots[at]
            self._pick = None

    def select(self, bits: int | None, size: int) -> list[ClaimRow]:
        """The rows whose slot is set in `bits` (every row for None), in this order."""
        if bits is None:
            return list(self.rows)
        if not bits:
            return []
        if self._pick is None:
            slots = self.slots
            self._pick = itemgetter(*slots) if len(slots) > 1 else lambda lanes: [lanes[s] for s in slots]
        return list(compress(self.rows, self._pick(lanes(bits, size))))
