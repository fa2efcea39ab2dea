"""`curator suggest`: what the claim form would suggest for a passage, or which passages it would mark
(issue 13) — for evaluation and batch use. Read-only: nothing is stored."""

from __future__ import annotations

import json


def add_suggest_command(sub) -> None:
    suggest = sub.add_parser(
        "suggest",
        help="print the terms and field values suggested for a passage (--start/--end), or the passages (--passages)",
    )
    suggest.add_argument("document", metavar="DOCUMENT", help="its id, title or file name")
    suggest.add_argument("--start", type=int, help="where the passage starts (a character offset of the text)")
    suggest.add_argument("--end", type=int, help="where it ends (exclusive)")
    suggest.add_argument("--passages", action="store_true", help="the sentences likely to carry a claim instead")
    suggest.add_argument("--json", action="store_true", help="print JSON")


def run_suggest(args) -> int:
    from curator.cli import find_document, open_project
    from curator.core.errors import ValidationError

    if not args.passages and (args.start is None or args.end is None):
        raise ValidationError("give the passage with --start and --end (character offsets), or ask for --passages")
    session = open_project(args, reading=True)
    try:
        document = find_document(session, args.document)
        if args.passages:
            marks = session.suggestions.passages(document)
            rows = [{"start": m.start, "end": m.end, "reason": m.reason} for m in marks]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                text = session.documents.get(document).text
                for m in marks:
                    print(f"{m.start}–{m.end}  {_snippet(text[m.start : m.end])}\n    {m.reason}")
            return 0
        length = len(session.documents.get(document).text)
        if not 0 <= args.start < args.end <= length:
            raise ValidationError(f"--start and --end must satisfy 0 ≤ start < end ≤ {length} (the text's length)")
        found = session.suggestions.for_passage(document, args.start, args.end)
        if args.json:
            print(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
        else:
            print("\n".join(suggestion_lines(found, session.codebook)))
    finally:
        session.close()
    return 0


def suggestion_lines(found, codebook) -> list[str]:
    roles = {r.key: r.label for r in codebook.roles}
    lines = []
    for t in found.terms:
        where = " (from the document)" if t.source == "document" else ""
        ident = f" [{t.identifier}]" if t.identifier else ""
        lines.append(f"{roles.get(t.role, t.role)}: {t.label}{ident}{where} — {t.reason}")
    for v in found.values:
        field = codebook.field(v.field_key)
        shown = v.value
        if field is not None and field.kind == "choice":
            shown = next((c.label for c in field.choices if c.key == v.value), v.value)
        lines.append(f"{field.label if field else v.field_key}: {shown} — “{v.reason}”")
    return lines or ["nothing to suggest for this passage"]


def _snippet(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


SUGGEST_COMMANDS = {"suggest": run_suggest}
