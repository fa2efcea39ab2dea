"""The team's commands: merge, assign, role, done, reviewers and agreement (issues 11 and 12)."""

from __future__ import annotations

import json
from pathlib import Path


def add_team_commands(sub) -> None:
    merge = sub.add_parser(
        "merge",
        help="bring in another reviewer's project (an SQLite file): shows what changes, then writes it as one step",
    )
    merge.add_argument("other", metavar="OTHER.sqlite3", type=Path)
    merge.add_argument("--dry-run", action="store_true", help="show the preview and write nothing")
    merge.add_argument(
        "--prefer",
        choices=("mine", "theirs"),
        help="settle claims changed on both sides: keep this project's version (mine) or take the other's (theirs)",
    )
    assign = sub.add_parser("assign", help="assign a document to reviewers to extract (the lead's job)")
    assign.add_argument("document", metavar="DOCUMENT", help="its id, title or file name")
    assign.add_argument("reviewers", metavar="REVIEWER", nargs="+", help="reviewer names (added as extractors if new)")
    role = sub.add_parser("role", help="give a reviewer a role (the lead's job)")
    role.add_argument("name", metavar="REVIEWER")
    role.add_argument("role", choices=("lead", "extractor", "adjudicator"))
    done = sub.add_parser("done", help="mark your extraction of a document done (with --reviewer NAME)")
    done.add_argument("document", metavar="DOCUMENT", help="its id, title or file name")
    done.add_argument("--undo", action="store_true", help="mark it not done again")
    sub.add_parser("reviewers", help="list the reviewers, their roles, assignments and progress")
    agreement = sub.add_parser(
        "agreement",
        help="agreement between reviewers: matched claims, percent, Cohen's κ and Krippendorff's α per field",
    )
    agreement.add_argument("--json", action="store_true", help="print the report as JSON")
    agreement.add_argument(
        "--all-documents",
        action="store_true",
        help="compare every document two reviewers have claims on, not only those assigned to two or more",
    )
    agreement.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="how much two quotes must overlap (shared / covered characters) to be one unit (default 0.5)",
    )


def open_project(args, reading: bool = False):
    from curator.cli import open_project as open_for  # the one way every command opens a project

    return open_for(args, reading)


def find_document(session, wanted: str) -> int:
    from curator.cli import find_document as find

    return find(session, wanted)


def run_merge(args) -> int:
    from curator.core.merge import plan_merge
    from curator.core.merge_apply import MergeProject
    from curator.io.project_reader import read_project

    session = open_project(args, reading=args.dry_run)
    try:
        plan = plan_merge(session, read_project(args.other), args.prefer)
        print("\n".join(plan.summary_lines()))
        if args.dry_run:
            print("dry run: nothing was written")
        elif plan.has_changes:
            MergeProject(session, plan).do()
            print(f"merged {plan.source}")
            if session.path is not None:  # an undo stack lives only as long as the window that holds it
                print("  to go back, restore the project's newest backup, taken as it opened (curator backups)")
        else:
            print("nothing to change")
    finally:
        session.close()
    return 0


def _reviewer_ids(session, names: list[str]) -> list[int]:
    """The named reviewers' ids; a name not yet known becomes an extractor, so the lead can assign
    work before each reviewer has opened the project."""
    from curator.core.errors import NotFoundError

    me, ids = session.reviewer, []
    for name in names:
        try:
            ids.append(session.team.reviewer_named(name).id)
        except NotFoundError:
            ids.append(session.use_reviewer(name).id)  # creates her; the lead stays the one acting
            session.use_reviewer_id(me.id)
            print(f"added reviewer {name} (extractor)")
    return ids


def _require_reviewer(session, command: str) -> None:
    from curator.core.errors import ValidationError

    if session.reviewer is None:
        raise ValidationError(f"say who you are: curator --reviewer NAME {command} …")


def run_assign(args) -> int:
    session = open_project(args)
    try:
        _require_reviewer(session, "assign")
        document = find_document(session, args.document)
        session.team.assign(document, _reviewer_ids(session, args.reviewers))
        state = session.team.states().get(document)
        title = session.documents.get(document).title
        print(f"“{title}” is assigned to {', '.join(state.extractors)}" + (" (blind)" if state.blind else ""))
    finally:
        session.close()
    return 0


def run_role(args) -> int:
    session = open_project(args)
    try:
        _require_reviewer(session, "role")
        _reviewer_ids(session, [args.name])  # a name not yet known is added first, as `assign` does
        who = session.team.reviewer_named(args.name)
        session.team.set_role(who.id, args.role)
        print(f"{who.name} is now {args.role}")
    finally:
        session.close()
    return 0


def run_done(args) -> int:
    session = open_project(args)
    try:
        _require_reviewer(session, "done")
        document = find_document(session, args.document)
        session.team.set_done(document, not args.undo)
        title = session.documents.get(document).title
        state = session.team.states().get(document)
        print(f"“{title}”: {'not done' if args.undo else 'done'} ({state.label if state else 'not assigned'})")
    finally:
        session.close()
    return 0


def run_reviewers(args) -> int:
    from curator.core.models import ROLES

    session = open_project(args, reading=True)
    try:
        titles = {d.id: d.title for d in session.documents.summaries()}
        assignments = session.team.assignments()
        for r in session.team.reviewers():
            mine = [a for a in assignments if a.reviewer_id == r.id]
            done = sum(a.done for a in mine)
            print(
                f"{r.name} ({r.initials}), {ROLES.get(r.role, r.role)}: {done} of {len(mine)} assigned document(s) done"
            )
            for a in mine:
                print(f"    {'done' if a.done else 'to do':<6} {titles.get(a.document_id, a.document_id)}")
    finally:
        session.close()
    return 0


def run_agreement(args) -> int:
    from curator.core.agreement import dual_documents, measure

    session = open_project(args, reading=True)
    try:
        dual = dual_documents(session)  # the dual-extracted documents; without assignments, all
        report = measure(session, args.threshold, documents=(dual or None) if not args.all_documents else None)
        titles = {d.id: d.title for d in session.documents.summaries()}
        if args.json:
            print(json.dumps(report.as_json(titles), ensure_ascii=False, indent=2))
        else:
            print("\n".join(agreement_lines(report, session.codebook)))
    finally:
        session.close()
    return 0


def agreement_lines(report, codebook) -> list[str]:
    if len(report.reviewers) < 2:
        return ["no document has claims by two or more reviewers yet: nothing to compare"]
    lines = [
        f"reviewers: {', '.join(report.reviewers)}; units matched at overlap ≥ {report.threshold:g}: {report.matched}",
        "claims in no unit: " + ", ".join(f"{name} {n}" for name, n in report.unmatched.items()),
    ]
    for (a, b), spans in report.spans.items():
        f1 = f"{spans.f1:.2f}" if spans.f1 is not None else "—"
        lines.append(f"span agreement {a} × {b}: {spans.matched} matched, F1 {f1}")
    labels = {f.key: f.label for f in codebook.fields} | {r.key: r.label for r in codebook.roles}
    lines.append(f"{'field':<28} {'n':>5} {'agree':>7} {'κ':>7} {'α':>7}")
    for key, c in report.fields.items():
        lines.append(
            f"{labels.get(key, key)[:28]:<28} {c.n:>5} {_number(c.percent, percent=True):>7} "
            f"{_number(c.kappa):>7} {_number(c.alpha):>7}"
        )
    notes = sorted({note for c in report.fields.values() for note in (c.kappa_note, c.alpha_note) if note})
    lines += [f"—: {note}" for note in notes]
    return lines


def _number(value, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if percent else f"{value:.3f}"


TEAM_COMMANDS = {
    "merge": run_merge,
    "assign": run_assign,
    "role": run_role,
    "done": run_done,
    "reviewers": run_reviewers,
    "agreement": run_agreement,
}
