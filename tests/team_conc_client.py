"""One Curator client in a process of its own, driven a line at a time by tests/test_team_concurrency.py.

    python -m tests.team_conc_client TARGET REVIEWER

The database handle is a process-global peewee proxy, so two clients of one project are two processes.
Each line on stdin is a JSON command; each answer is one JSON line on stdout, flushed at once:

    {"op": "load", "claim": ID}                     the form loads the claim (its draft, with its version)
    {"op": "edit", "statement": S}                  the form's statement becomes S; save it (claims.update)
    {"op": "delete"}                                delete the form's claim at the form's version (and UUID)
    {"op": "save-as-new"}                           create a claim from what the form holds
    {"op": "edit-command", "statement": S}          as "edit", through the undoable EditClaim command
    {"op": "undo"}                                  undo that command
    {"op": "get", "claim": ID}                      the claim as stored (or {"missing": true})
    {"op": "create", "doc": ID, "quote": Q, "statement": S}
    {"op": "assign", "doc": ID, "reviewers": [NAME, ...]}
    {"op": "done", "doc": ID}
    {"op": "sees", "doc": ID, "query": Q, "xlsx": PATH}   which statements each read path shows on doc
    {"op": "pause", "at": WHERE}                    the next save stops at WHERE, answers {"paused": WHERE}
                                                    and goes on when the line "go" arrives:
        before-write      update() has read the claim and checked the version; no transaction yet
        in-transaction    the claim row is written, the transaction still open (before its change log)
        after-terms-gone  the claim's terms are deleted inside the transaction, nothing else yet
        after-save        claims.update() has committed and returned, nothing else done yet

A save refused as stale answers {"stale": message, "current": the stored claim or None, "form": what the
form still holds}; any other error {"error": "Type: message"}.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from curator.core import changelog, claims
from curator.core.commands import EditClaim
from curator.core.errors import StaleClaimError
from curator.core.models import ClaimTerm
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session


def say(obj) -> None:
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def wait_for_go() -> None:
    line = sys.stdin.readline()
    if line.strip() != "go":
        raise SystemExit(f"expected 'go', got {line!r}")


def record_json(record) -> dict | None:
    if record is None:
        return None
    return {
        "id": record.id,
        "version": record.version,
        "statement": record.values.get("statement"),
        "reviewer": record.reviewer_name,
        "terms": [t.label for t in record.terms],
    }


def form_json(draft: ClaimDraft | None) -> dict | None:
    if draft is None:
        return None
    return {
        "version": draft.version,
        "statement": draft.values.get("statement"),
        "terms": [t.label for t in draft.terms],
    }


class Client:
    def __init__(self, target: str, reviewer: str):
        self.session = open_session(target, backup_on_open=False)
        self.session.use_reviewer(reviewer)
        self.claim_id: int | None = None
        self.form: ClaimDraft | None = None
        self.pause_at: str | None = None
        self.command: EditClaim | None = None
        self._install_pause_points()

    # -- pause points: each stops once, where armed -------------------------------------------------
    def _stop(self, where: str) -> None:
        if self.pause_at == where:
            self.pause_at = None
            say({"paused": where})
            wait_for_go()

    def _install_pause_points(self) -> None:
        real_transaction = claims.write_transaction
        real_record = changelog.record
        database = self.session.database
        real_execute = database.execute_sql
        delete_terms = f'DELETE FROM "{ClaimTerm._meta.table_name}"'.upper()

        def write_transaction():
            self._stop("before-write")
            return real_transaction()

        def record(*args, **kwargs):
            self._stop("in-transaction")
            return real_record(*args, **kwargs)

        def execute_sql(sql, params=None, *args, **kwargs):
            cursor = real_execute(sql, params, *args, **kwargs)
            if sql.lstrip().upper().startswith(delete_terms):
                self._stop("after-terms-gone")
            return cursor

        real_update = self.session.claims.update_versioned  # update() and EditClaim both write through it

        def update_versioned(*args, **kwargs):
            written = real_update(*args, **kwargs)
            self._stop("after-save")
            return written

        self.session.claims.update_versioned = update_versioned
        claims.write_transaction = write_transaction
        changelog.record = record
        database.execute_sql = execute_sql

    # -- commands ---------------------------------------------------------------------------------
    def op_load(self, claim: int) -> dict:
        record = self.session.claims.get(claim)
        self.claim_id, self.form = claim, record.as_draft()
        return {"form": form_json(self.form)}

    def op_edit(self, statement: str, terms: list[str] | None = None) -> dict:
        values = dict(self.form.values, statement=statement)
        new_terms = self.form.terms if terms is None else tuple(TermRef("condition", t) for t in terms)
        self.form = dataclasses.replace(self.form, values=values, terms=new_terms)
        self.session.claims.update(self.claim_id, self.form)
        return {"ok": True, "stored": record_json(self.session.claims.get(self.claim_id))}

    def op_edit_command(self, statement: str) -> dict:
        self.form = dataclasses.replace(self.form, values=dict(self.form.values, statement=statement))
        self.command = EditClaim(self.session.claims, self.claim_id, self.form)
        self.command.do()
        return {"ok": True, "stored": record_json(self.session.claims.get(self.claim_id))}

    def op_undo(self) -> dict:
        self.command.undo()
        return {"ok": True, "stored": record_json(self.session.claims.get(self.claim_id))}

    def op_delete(self) -> dict:
        self.session.claims.delete(self.claim_id, version=self.form.version, uuid=self.form.uuid)
        return {"ok": True}

    def op_save_as_new(self) -> dict:
        record, _ = self.session.claims.create(dataclasses.replace(self.form, version=None))
        return {"ok": True, "stored": record_json(record)}

    def op_get(self, claim: int) -> dict:
        found = self.session.claims.get_many([claim])
        return {"stored": record_json(found[0])} if found else {"missing": True}

    def op_create(self, doc: int, quote: str, statement: str) -> dict:
        text = self.session.documents.get(doc).text
        start = text.index(quote)
        record, _ = self.session.claims.create(ClaimDraft(doc, start, start + len(quote), {"statement": statement}))
        return {"ok": True, "stored": record_json(record)}

    def op_assign(self, doc: int, reviewers: list[str]) -> dict:
        ids = [self.session.team.reviewer_named(name).id for name in reviewers]
        self.session.team.assign(doc, ids)
        return {"ok": True}

    def op_done(self, doc: int) -> dict:
        self.session.team.set_done(doc)
        return {"ok": True}

    def op_sees(self, doc: int, query: str, xlsx: str) -> dict:
        """The statements of the claims on `doc` that each way of reading claims shows this reviewer."""
        from curator.io.xlsx_export import export_xlsx

        on_doc = {c.id: c.values.get("statement") for c in self.session.claims.all() if c.document_id == doc}
        every = {c.id: c.values.get("statement") for c in self.session.claims.all()}
        hits = [h.claim_id for h in self.session.search.search(query) if h.kind == "claim" and h.document_id == doc]
        export_xlsx(self.session, xlsx)
        import openpyxl

        book = openpyxl.load_workbook(xlsx, read_only=True)
        cells = {str(v) for row in book["Claims"].iter_rows(values_only=True) for v in row if v is not None}
        book.close()
        return {
            "for_document": sorted(c.values.get("statement") for c in self.session.claims.for_document(doc)),
            "all": sorted(on_doc.values()),
            "search": sorted(every.get(h, f"hidden claim {h}") for h in hits),
            "export_cells": sorted(cells),
            "count": self.session.claims.count(),
        }

    def serve(self) -> None:
        say({"ready": os.getpid()})
        for line in sys.stdin:
            command = json.loads(line)
            op = command.pop("op")
            if op == "quit":
                break
            if op == "pause":
                self.pause_at = command["at"]
                say({"ok": True})
                continue
            try:
                say(getattr(self, "op_" + op.replace("-", "_"))(**command))
            except StaleClaimError as exc:
                say({"stale": str(exc), "current": record_json(exc.current), "form": form_json(self.form)})
            except Exception as exc:  # noqa: BLE001 - every error goes back to the test, named
                say({"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})
        self.session.close()


if __name__ == "__main__":
    Client(sys.argv[1], sys.argv[2]).serve()
