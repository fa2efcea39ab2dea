"""Editing the project's codebook: each command's do, exact undo and redo; checks; choices on open;
the v3 → v4 migration; the TOML export read back."""

import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curator.cli import main
from curator.core import db as dbmod
from curator.core.codebook import load_codebook
from curator.core.codebook_commands import (
    AddChoice,
    AddTerm,
    EditTerm,
    MergeChoices,
    MergeTerms,
    RenameChoice,
    RetireChoice,
    RetireTerm,
)
from curator.core.codebook_edit import split_synonyms
from curator.core.codebook_toml import dumps_codebook, export_codebook, project_codebook, toml_string
from curator.core.errors import ValidationError
from curator.core.migrations import LATEST_VERSION, MIGRATIONS, current_version, migrate
from curator.core.models import (
    CLAIM_FIELD_COLUMNS,
    ChangeLog,
    Claim,
    ClaimTerm,
    CodebookChoice,
    RetiredTerm,
    Term,
)
from curator.core.paths import CODEBOOK
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from curator.core.terms import normalize_identifier
from curator.io.flat_export import export_csv
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

FIXTURES = Path(__file__).parent / "fixtures"


def state() -> dict:
    """Every row a codebook edit may touch (the change log aside: undo adds to it; and claims' versions:
    an undo is a change too, so other clients holding the claim cannot write over it)."""
    return {
        "term": list(Term.select().order_by(Term.id).dicts()),
        "claim_term": list(ClaimTerm.select().order_by(ClaimTerm.id).dicts()),
        "retired": sorted(RetiredTerm.select(RetiredTerm.vocabulary_key, RetiredTerm.label).tuples()),
        "choice": list(CodebookChoice.select().order_by(CodebookChoice.id).dicts()),
        "claim": [
            {k: v for k, v in row.items() if k != "version"} for row in Claim.select().order_by(Claim.id).dicts()
        ],
    }


def term(session, label):
    return next(t for t in session.terms.all() if t.label == label)


def tag(session, role, label):
    t = term(session, label)
    return TermRef(role, t.label, t.identifier, t.id)


@pytest.fixture
def ms_doc(session):
    return doc_id_by_file(session, "002")


def claim(session, doc_id, quote, values=None, terms=()):
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    return session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values or {}, terms))[0]


def log_rows(entity: str) -> list[tuple]:
    query = ChangeLog.select(ChangeLog.action, ChangeLog.field, ChangeLog.old, ChangeLog.new)
    return list(query.where(ChangeLog.entity == entity).order_by(ChangeLog.id).tuples())


def assert_undo_redo(command, check_done) -> None:
    """do → check; undo → every row as before; redo → check again; undo again → as before."""
    before = state()
    command.do()
    check_done()
    done = state()
    command.undo()
    assert state() == before
    command.do()
    check_done()
    assert state() == done
    command.undo()
    assert state() == before


# -- identifiers and other checks ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("  ", ""),
        ("MESH:D000001", "MESH:D000001"),
        ("mesh:d000001", "MESH:D000001"),
        (" Mesh:C116580 ", "MESH:C116580"),
        ("ncbitaxon:1578", "NCBITaxon:1578"),
        ("PUBCHEM:5202", "PubChem:5202"),
        ("mondo:0005148", "MONDO:0005148"),
        ("ncbigene:7124", "NCBIGene:7124"),
        ("chebi:16236", "CHEBI:16236"),
    ],
)
def test_identifiers_are_normalised(typed, stored):
    assert normalize_identifier(typed) == stored


@pytest.mark.parametrize(
    "typed", ["D000001", "MESH:X000001", "MESH:D", "NCBITaxon:abc", "PubChem:CID5202", "MONDO:123", "HP:0001", "x"]
)
def test_identifiers_in_other_forms_are_refused_naming_the_field_and_forms(typed):
    with pytest.raises(ValidationError, match=r"^Identifier: .*MESH:D.*NCBITaxon:.*PubChem:"):
        normalize_identifier(typed)


def test_refused_term_edits_change_nothing(session):
    ms = term(session, "Multiple sclerosis")
    before, logged = state(), ChangeLog.select().count()
    refusals = [
        (AddTerm(session, "conditions", "  "), "Label: a term needs a label"),
        (AddTerm(session, "conditions", "multiple SCLEROSIS"), "already a term in Conditions"),
        (AddTerm(session, "conditions", "Gout", "MeSH D006073"), "Identifier"),
        (AddTerm(session, "conditions", "Gout", synonyms=["podagra", " "]), "Synonyms"),
        (AddTerm(session, "conditions", "Gout", synonyms=["a; b"]), "Synonyms.*';'"),
        (EditTerm(session, ms.id, "Migraine", "", (), ""), "already a term"),
        (EditTerm(session, ms.id, "MS", "NCBITaxon:", (), ""), "Identifier"),
        (MergeTerms(session, ms.id, ms.id), "into itself"),
    ]
    for command, message in refusals:
        with pytest.raises(ValidationError, match=message):
            command.do()
    assert state() == before and ChangeLog.select().count() == logged


def test_synonyms_are_typed_one_per_line_or_semicolon_separated():
    assert split_synonyms("MS\n multiple sclerosis ; disseminated sclerosis\n\n") == (
        "MS",
        "multiple sclerosis",
        "disseminated sclerosis",
    )


# -- terms ---------------------------------------------------------------------------------------
def test_add_term_undo_and_redo_keep_its_id(session):
    command = AddTerm(session, "conditions", "Gout", "mesh:d006073", ["podagra"], "Crystal arthritis")

    def added():
        t = term(session, "Gout")
        assert (t.id, t.identifier, t.synonyms, t.description) == (
            command.term_id,
            "MESH:D006073",
            ("podagra",),
            "Crystal arthritis",
        )

    assert_undo_redo(command, added)
    assert [a for a, f, _, _ in log_rows("term") if f == "label"] == ["create", "delete", "create", "delete"]
    assert ("create", "label", None, "Gout") in log_rows("term") and ("delete", "label", "Gout", None) in log_rows(
        "term"
    )


def test_adding_back_a_retired_term_and_undoing_it_retires_it_again(session):
    RetireTerm(session, term(session, "Fatigue").id).do()
    assert ("outcomes", "fatigue") in state()["retired"]
    command = AddTerm(session, "outcomes", "Fatigue")
    assert_undo_redo(command, lambda: ("outcomes", "fatigue") not in state()["retired"])


def test_rename_updates_the_claims_snapshots_and_undo_puts_each_back(session, ms_doc):
    ms = term(session, "Multiple sclerosis")
    first = claim(session, ms_doc, "relapse rate", terms=(tag(session, "condition", "Multiple sclerosis"),))
    second = claim(session, ms_doc, "Pilot trials", terms=(tag(session, "condition", "Multiple sclerosis"),))
    # one claim holds an older snapshot: undo must give it back exactly, not the term's label
    ClaimTerm.update(label="MS (old label)").where(ClaimTerm.claim == second.id).execute()
    command = EditTerm(session, ms.id, "Multiple sclerosis (all forms)", "mesh:d009103", ["MS", "disseminated"], "")

    def renamed():
        assert [t.label for t in session.claims.get(first.id).terms] == ["Multiple sclerosis (all forms)"]
        assert [t.label for t in session.claims.get(second.id).terms] == ["Multiple sclerosis (all forms)"]
        assert term(session, "Multiple sclerosis (all forms)").synonyms == ("MS", "disseminated")

    assert_undo_redo(command, renamed)
    assert session.claims.get(second.id).terms[0].label == "MS (old label)"
    changes = command.do()
    assert changes.vocabulary and changes.claims == {first.id, second.id} and changes.documents == {ms_doc}
    assert ("update", "label", "Multiple sclerosis", "Multiple sclerosis (all forms)") in log_rows("term")


def test_an_edited_codebook_term_stays_as_edited_when_the_project_reopens(session, db_target):
    ms = term(session, "Multiple sclerosis")
    EditTerm(session, ms.id, "MS", "MESH:D009103", ["multiple sclerosis"], "edited").do()
    anxiety = term(session, "Anxiety")
    EditTerm(session, anxiety.id, "Anxiety", "", (), "no identifier on purpose").do()
    session.close()
    again = open_session(db_target)
    labels = {t.label for t in again.terms.all()}
    assert "MS" in labels and "Multiple sclerosis" not in labels  # the template does not bring it back
    assert term(again, "Anxiety").identifier == ""  # nor overwrite the project's edit
    again.close()


@pytest.mark.parametrize("how", ["merge", "retire"])
def test_merge_and_retire_undo_put_the_term_and_exactly_its_claim_terms_back(session, ms_doc, how):
    source, target = term(session, "Fatigue"), term(session, "Quality of life")
    first = claim(session, ms_doc, "relapse rate", terms=(tag(session, "outcome", "Fatigue"),))
    second = claim(
        session,
        ms_doc,
        "Pilot trials",
        terms=(tag(session, "outcome", "Quality of life"), tag(session, "outcome", "Fatigue")),
    )
    ClaimTerm.update(label="Tiredness").where(ClaimTerm.claim == second.id, ClaimTerm.term == source.id).execute()
    if how == "merge":
        command = MergeTerms(session, source.id, target.id)
        expected = [[("Quality of life", target.id)], [("Quality of life", target.id), ("Quality of life", target.id)]]
    else:
        command = RetireTerm(session, source.id)
        expected = [[("Fatigue", None)], [("Quality of life", target.id), ("Tiredness", None)]]

    def done():
        assert "Fatigue" not in {t.label for t in session.terms.all()}
        assert ("outcomes", "fatigue") in state()["retired"]
        shown = [[(t.label, t.term_id) for t in session.claims.get(c.id).terms] for c in (first, second)]
        assert shown == expected

    assert_undo_redo(command, done)
    assert term(session, "Fatigue").id == source.id
    changes = command.do()
    assert changes.vocabulary and changes.claims == {first.id, second.id} and changes.documents == {ms_doc}
    command.undo()
    assert log_rows("term")[-1][0] == "create"  # the undo is in the change log too


# -- choices -------------------------------------------------------------------------------------
def test_add_rename_and_retire_a_choice_undo_and_redo(session):
    add = AddChoice(session, "claim_type", "Case report (n = 1)")

    def added():
        f = session.codebook.field("claim_type")
        assert f.choices[-1].key == "case_report_n_1" and f.choices[-1].label == "Case report (n = 1)"

    assert_undo_redo(add, added)
    assert add.do().codebook
    rename = RenameChoice(session, "claim_type", "case_report_n_1", "Case report")
    assert_undo_redo(
        rename, lambda: session.codebook.field("claim_type").choice_label("case_report_n_1") == "Case report"
    )
    retire = RetireChoice(session, "claim_type", "background")

    def retired():
        f = session.codebook.field("claim_type")
        assert "background" not in [c.key for c in f.active_choices]
        assert f.choice_label("background") == "Background" and "background" in f.choice_keys

    assert_undo_redo(retire, retired)
    retire.do()
    restore = RetireChoice(session, "claim_type", "background", retired=False)
    assert_undo_redo(
        restore, lambda: "background" in [c.key for c in session.codebook.field("claim_type").active_choices]
    )
    actions = [(a, f) for a, f, _, _ in log_rows("choice")]
    assert ("create", "label") in actions and ("update", "retired") in actions and ("delete", "label") in actions


def test_refused_choice_edits_change_nothing(session):
    before, logged = state(), ChangeLog.select().count()
    for command, message in [
        (AddChoice(session, "claim_type", " "), "Claim type: a choice needs a label"),
        (AddChoice(session, "claim_type", "association"), "already a choice"),
        (RenameChoice(session, "claim_type", "mechanism", "ASSOCIATION"), "already a choice"),
        (RetireChoice(session, "status", "draft"), "new claims start with"),
        (MergeChoices(session, "claim_type", "mechanism", "mechanism"), "into itself"),
        (AddChoice(session, "statement", "x"), "not a choice field"),
    ]:
        with pytest.raises(ValidationError, match=message):
            command.do()
    assert state() == before and ChangeLog.select().count() == logged


def test_merge_choices_moves_the_claims_and_undo_gives_each_its_old_value(session, ms_doc):
    held = [
        claim(session, ms_doc, "relapse rate", {"population": "adults"}),
        claim(session, ms_doc, "Pilot trials", {"population": "mixed"}),
        claim(session, ms_doc, "modest reductions", {"population": "adults"}),
    ]
    command = MergeChoices(session, "population", "adults", "mixed")

    def merged():
        assert [session.claims.get(c.id).values["population"] for c in held] == ["mixed"] * 3
        assert "adults" not in [c.key for c in session.codebook.field("population").active_choices]

    assert_undo_redo(command, merged)
    changes = command.do()
    assert changes.codebook and changes.claims == {held[0].id, held[2].id} and changes.documents == {ms_doc}
    assert ("update", "population", "adults", "mixed") in log_rows("claim")


def test_a_retired_choice_stays_retired_on_reopen_and_claims_holding_it_export_its_label(
    session, ms_doc, db_target, tmp_path
):
    held = claim(session, ms_doc, "relapse rate", {"claim_type": "background"})
    RenameChoice(session, "claim_type", "background", "Context").do()
    RetireChoice(session, "claim_type", "background").do()
    session.close()
    again = open_session(db_target)
    f = again.codebook.field("claim_type")
    assert next(c for c in f.choices if c.key == "background").retired
    assert f.choice_label("background") == "Context"
    draft = again.claims.get(held.id).as_draft()
    again.claims.update(held.id, draft)  # a claim holding a retired choice can still be saved
    export_csv(again, tmp_path / "claims.csv")
    assert "Context" in (tmp_path / "claims.csv").read_text(encoding="utf-8")
    again.close()


def test_a_choice_added_to_the_template_appears_in_an_existing_project(session, db_target, tmp_path):
    RetireChoice(session, "direction", "unclear").do()
    session.close()
    template = tmp_path / "codebook.toml"
    text = CODEBOOK.read_text(encoding="utf-8").replace(
        '{ key = "unclear", label = "Unclear" },',
        '{ key = "unclear", label = "Unclear" },\n  { key = "u_shaped", label = "U-shaped" },',
    )
    assert "u_shaped" in text  # the template still lists 'unclear' as this test expects
    template.write_text(text, encoding="utf-8")
    again = open_session(db_target, template)
    f = again.codebook.field("direction")
    assert (f.choices[-1].key, f.choices[-1].label) == ("u_shaped", "U-shaped")
    assert [c.key for c in f.choices if c.retired] == ["unclear"]  # the template does not bring it back
    again.close()


# -- migration -----------------------------------------------------------------------------------
def test_a_schema_3_project_gains_the_choice_table_filled_from_the_template(tmp_path):
    # the committed v1 fixture, brought to v3 by the shipped steps: a project as v3 left it
    path = tmp_path / "v3.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    database = dbmod.bind(dbmod.make_database(path))
    database.connect()
    assert migrate(database, {k: v for k, v in MIGRATIONS.items() if k <= 3}) == [2, 3]
    assert not database.table_exists("codebook_choice")
    claims = Claim.select().count()
    database.close()

    session = open_session(path)
    assert current_version(session.database) == LATEST_VERSION
    assert session.claims.count() == claims == 4
    rows = list(CodebookChoice.select().where(CodebookChoice.field_key == "status").order_by(CodebookChoice.position))
    assert [(r.choice_key, r.position, r.retired) for r in rows] == [
        ("draft", 0, False),
        ("confirmed", 1, False),
        ("rejected", 2, False),
        ("needs_discussion", 3, False),
    ]
    assert session.codebook == load_codebook(CODEBOOK, set(CLAIM_FIELD_COLUMNS))
    session.close()


# -- TOML ----------------------------------------------------------------------------------------
def test_toml_strings_escape_what_toml_requires():
    hostile = 'quote " backslash \\ tab \t newline \n bell \x07 del \x7f é'
    assert tomllib.loads(f"x = {toml_string(hostile)}")["x"] == hostile


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_any_text_survives_toml_string(text):
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


@given(st.sampled_from(["mesh:d", "MESH:C", "ncbitaxon:", "PubChem:", "chebi:", "NCBIGENE:"]), st.integers(0, 10**9))
def test_a_normalised_identifier_normalises_to_itself(prefix, number):
    once = normalize_identifier(f"{prefix}{number}")
    assert normalize_identifier(once) == once and once.split(":")[1].lstrip("DC") == str(number)


def test_the_project_codebook_written_as_toml_reads_back_equal(session, tmp_path):
    AddTerm(session, "conditions", 'Gout "podagra"', "MESH:D006073", ["a \\ b"], "Line one\nline two").do()
    EditTerm(session, term(session, "Anxiety").id, "Anxiety (state)", "MESH:D001007", ["worry"], "").do()
    RetireTerm(session, term(session, "Obesity").id).do()
    AddChoice(session, "claim_type", "Case report").do()
    RenameChoice(session, "status", "needs_discussion", "To discuss").do()
    RetireChoice(session, "population", "not_reported").do()
    out = tmp_path / "shared"
    out.mkdir()
    report = export_codebook(session, out / "team.toml")
    assert (report.fields, report.vocabularies) == (len(session.codebook.fields), 5)
    read = load_codebook(out / "team.toml", set(CLAIM_FIELD_COLUMNS))
    assert read == project_codebook(session)
    assert read.field("population").choices[-1].retired
    assert dumps_codebook(read) == dumps_codebook(project_codebook(session))
    assert list(out.iterdir()) == [out / "team.toml"]  # no temporary file left


def test_cli_codebook_export_round_trips_and_starts_a_new_project(tmp_path, capsys):
    db, out = tmp_path / "p.sqlite3", tmp_path / "codebook.toml"
    assert main(["--db", str(db), "codebook-export", str(out)]) == 0
    assert "Wrote the codebook (" in capsys.readouterr().out
    session = open_session(db)
    assert load_codebook(out, set(CLAIM_FIELD_COLUMNS)) == project_codebook(session)
    session.close()
    fresh = open_session(tmp_path / "new.sqlite3", out)
    assert len(fresh.terms.all()) == sum(len(v.terms) for v in load_codebook(out).vocabularies)
    fresh.close()
    assert main(["--db", str(db), "codebook-export", str(tmp_path / "codebook.txt")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ending in .toml" in err


def test_every_codebook_edit_undoes_exactly_on_postgresql(postgres_url, tmp_path):
    from curator.core.paths import SEEDS
    from curator.io.seeds import seed_new_project

    assert main(["--db", postgres_url, "migrate"]) == 0
    session = open_session(postgres_url)
    try:
        seed_new_project(session, SEEDS)
        session.use_reviewer("PG Reviewer")
        doc = next(d.id for d in session.documents.summaries() if d.source_kind == "peer_reviewed")
        text = session.documents.get(doc).text
        start = text.index("relapse rate")
        session.claims.create(
            ClaimDraft(doc, start, start + 12, {"population": "adults"}, (tag(session, "outcome", "Fatigue"),))
        )
        fatigue, quality = term(session, "Fatigue"), term(session, "Quality of life")
        for command in (
            AddTerm(session, "conditions", "Gout", "mesh:d006073"),
            EditTerm(session, fatigue.id, "Tiredness", "MESH:D005221", ["fatigue"], ""),
            MergeTerms(session, fatigue.id, quality.id),
            RetireTerm(session, fatigue.id),
            AddChoice(session, "population", "Older adults"),
            RenameChoice(session, "population", "adults", "Adults (18+)"),
            RetireChoice(session, "population", "adults"),
            MergeChoices(session, "population", "adults", "mixed"),
        ):
            assert_undo_redo(command, lambda: None)
        out = tmp_path / "pg.toml"
        export_codebook(session, out)
        assert load_codebook(out, set(CLAIM_FIELD_COLUMNS)) == project_codebook(session)
    finally:
        session.close()
