"""The codebook documents every variable and is up to date with its two inputs."""

import analysis
from analysis import paths
from analysis.data.codebook import NOTE_KEYS, load_codebook_notes, render_codebook, resolve_codes


def test_committed_codebook_is_up_to_date():
    committed = paths.CODEBOOK.read_text(encoding="utf-8")
    assert committed == render_codebook(), (
        "docs/codebook.md is stale: run `beyond-protocol codebook` (make codebook) and commit it")


def test_every_variable_has_coding_caveats_and_source():
    package = analysis.load_package()
    notes = load_codebook_notes()
    missing = []
    for resource in package.resources:
        for field in resource.fields:
            note = notes.get(resource.name, {}).get(field.name)
            if note is None:
                missing.append(f"{resource.name}.{field.name}: no notes")
                continue
            missing += [f"{resource.name}.{field.name}: no {key}" for key in NOTE_KEYS
                        if not str(note.get(key, "")).strip()]
    assert missing == []


def test_every_enum_code_has_a_meaning():
    package = analysis.load_package()
    notes = load_codebook_notes()
    undocumented = []
    for resource in package.resources:
        for field in resource.fields:
            if field.enum:
                codes = resolve_codes(notes[resource.name][field.name], notes)
                undocumented += [f"{resource.name}.{field.name}={code}" for code in field.enum if code not in codes]
    assert undocumented == []


def test_notes_name_only_fields_that_exist():
    package = analysis.load_package()
    notes = load_codebook_notes()
    stray = []
    for table, fields in notes.items():
        if table.startswith("_"):
            continue
        names = set(package.resource(table).field_names)
        stray += [f"{table}.{name}" for name in fields if not name.startswith("_") and name not in names]
    assert stray == []


def test_codebook_lists_each_table_and_variable():
    text = render_codebook()
    assert "## Table `engagements`: Engagements" in text
    assert "#### `russia_state`" in text
    assert "- `virtual_conference`: remote participation in a multilateral conference" in text
    assert "dataset version 0.6.0" in text
