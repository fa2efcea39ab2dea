"""Entity lists with identifiers inside a source, as in seed 002:

    ## Linked entities
    - **Chemicals:** butyrate (PubChem CID 104775), propionate (PubChem CID 104745)
    - **Genes:** NR1H4 (nuclear receptor …) [NCBI Gene 9971] {aka BAR, FXR}, …

Each item becomes (section, kind, label, identifier) with the identifier in the codebook's
spelling (MESH:…, NCBITaxon:…, PubChem:…, MONDO:…, NCBIGene:…), located in the text.
"""

from __future__ import annotations

import re

from curator.core.records import EntityMention

SECTION = re.compile(
    r"^#{1,6}[ \t]+((?:Linked|Full-text|Full text)[ \t]+entities)[ \t]*$", re.IGNORECASE | re.MULTILINE
)
KIND_LINE = re.compile(r"^[ \t]*[-*][ \t]+\*\*([^*:]+):\*\*[ \t]*(.*)$")
_ID_PATTERNS = (
    (re.compile(r"PubChem CID (\d+)", re.I), "PubChem:{}"),
    (re.compile(r"NCBI Gene (\d+)", re.I), "NCBIGene:{}"),
    (re.compile(r"\btaxon (\d+)", re.I), "NCBITaxon:{}"),
    (re.compile(r"\b(MESH|MONDO|HP|DOID|CHEBI|GO|UBERON|NCBITaxon):([A-Z]?\d+)", re.I), None),
)


def _split_items(body: str) -> list[tuple[int, str]]:
    """Comma-separated items, commas inside (), [] or {} kept; (offset in body, item)."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            items.append((start, body[start:i]))
            start = i + 1
    items.append((start, body[start:]))
    return [(offset + len(item) - len(item.lstrip()), item.strip()) for offset, item in items if item.strip()]


def _identifier(item: str) -> str:
    for pattern, template in _ID_PATTERNS:
        m = pattern.search(item)
        if m:
            if template:
                return template.format(m.group(1))
            prefix = {"mesh": "MESH", "mondo": "MONDO", "ncbitaxon": "NCBITaxon"}.get(
                m.group(1).lower(), m.group(1).upper()
            )
            return f"{prefix}:{m.group(2)}"
    return ""


def find_entities(text: str) -> list[EntityMention]:
    found: list[EntityMention] = []
    for section in SECTION.finditer(text):
        nxt = re.compile(r"^#{1,6}[ \t]", re.M).search(text, section.end())
        block_end = nxt.start() if nxt else len(text)
        pos = section.end() + 1
        for line in text[section.end() + 1 : block_end].split("\n"):
            m = KIND_LINE.match(line)
            if m:
                kind = m.group(1).strip()
                for offset, item in _split_items(m.group(2)):
                    label = re.split(r"\s[\[({]", item, maxsplit=1)[0].strip()
                    if not label or label == "-":
                        continue
                    start = pos + m.start(2) + offset
                    found.append(
                        EntityMention(section.group(1), kind, label, _identifier(item), start, start + len(label))
                    )
            pos += len(line) + 1
    return found
