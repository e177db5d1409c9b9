from __future__ import annotations

import pytest

from contracts.findings import Finding
from contracts.playbook import PlaybookError, default_playbook, load_playbook
from contracts.taxonomy import UnknownCategoryError, canonical, categories, risk_categories


def test_taxonomy_is_cuads_41_categories():
    names = [c.name for c in categories()]
    assert len(names) == 41 and len(set(names)) == 41
    assert len(risk_categories()) == 33
    assert "Uncapped Liability" in risk_categories()
    assert "Governing Law" not in risk_categories()
    assert all(c.description for c in categories())


def test_category_names_are_canonicalised():
    assert canonical("uncapped liability") == "Uncapped Liability"
    assert canonical("ROFR/ROFO/ROFN") == "Rofr/Rofo/Rofn"
    with pytest.raises(UnknownCategoryError):
        canonical("Force Majeure")
    with pytest.raises(ValueError):
        Finding(category="Force Majeure", severity="high", quote="x", start=0, end=1, page=1, score=0.5,
                explanation="")


def test_default_playbook_covers_every_category():
    playbook = default_playbook()
    assert set(playbook.categories) == {c.name for c in categories()}


def test_rules_raise_and_lower_severity():
    playbook = default_playbook()
    assert playbook.assess("Cap on Liability", "the Supplier's liability shall be unlimited for fraud")[0] == "high"
    assert playbook.assess("Cap on Liability", "In no event shall liability exceed the fees paid.")[0] == "low"
    assert playbook.assess("Cap on Liability", "Liability is limited as set out in Schedule 3.")[0] == "medium"
    assert playbook.assess("Renewal Term", "This Agreement shall automatically renew for successive terms.")[0] == "high"
    assert playbook.assess("Anti-Assignment", "consent, which shall not be unreasonably withheld")[0] == "low"


def test_user_playbook_overrides_per_category(tmp_path):
    override = tmp_path / "firm.yaml"
    override.write_text("categories:\n  Audit Rights: {severity: high, reason: Our clients resist audits.}\n")
    playbook = load_playbook(override)
    assert playbook.assess("Audit Rights", "may audit the books") == ("high", "Our clients resist audits.")
    assert playbook.assess("Insurance", "shall maintain insurance") == default_playbook().assess(
        "Insurance", "shall maintain insurance")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("categories:\n  Force Majeure: {severity: high, reason: x}\n", "unknown categories: Force Majeure"),
        ("categories:\n  Insurance: {severity: severe, reason: x}\n", "categories.Insurance.severity"),
        ("categories:\n  Insurance: {severity: high, reason: x, rules: [{pattern: '(', severity: low, reason: y}]}\n",
         "not a valid regular expression"),
        # PyYAML's message, with its caret under the text, is several lines: ours is one, saying where
        ("categories: [unclosed\n", "not valid YAML (line 2, column 1: expected ',' or ']'"),
        # a misspelt key is named, not silently dropped (a comma in an unquoted flow-mapping reason made one)
        ("categories:\n  Insurance: {severity: high, reson: x}\n", "categories.Insurance.reson: not a playbook field"),
        # a version this code does not know was read as if it were 1
        ("version: 99\ncategories: {}\n", "version: 99 is not a playbook version this lexrisk reads"),
        ("version: true\n", "version: True is not a playbook version"),
        ("version: one\n", "version: 'one' is not a playbook version"),
    ],
)
def test_bad_user_playbook_names_the_problem(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(PlaybookError, match=message.replace("(", r"\(")) as info:
        load_playbook(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_missing_playbook_file(tmp_path):
    with pytest.raises(PlaybookError, match="cannot read playbook"):
        load_playbook(tmp_path / "missing.yaml")


def test_an_unknown_version_is_named_alone_with_the_versions_supported(tmp_path):
    """The rest of a file of another version is in a shape this code does not know: its complaints mean nothing."""
    path = tmp_path / "v2.yaml"
    path.write_text("version: 2\ncategories:\n  Insurance: {severity: severe, reason: x}\n")
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert str(info.value) == f"{path}: version: 2 is not a playbook version this lexrisk reads (supported: 1)"


@pytest.mark.parametrize("version", ["1", "'1'", "1.0"])
def test_version_one_however_written_is_read(tmp_path, version):
    path = tmp_path / "v1.yaml"
    path.write_text(f"version: {version}\ncategories:\n  Audit Rights: {{severity: high, reason: x}}\n")
    assert load_playbook(path).version == 1


def test_the_cli_refuses_an_unknown_playbook_version_in_one_line(tmp_path, capsys):
    from lexrisk.cli import main

    path = tmp_path / "firm.yaml"
    path.write_text("version: 99\ncategories: {}\n")
    text = tmp_path / "c.txt"
    text.write_text("This Agreement is governed by the laws of New York.")
    assert main(["analyze", str(text), "--playbook", str(path)]) == 2
    assert capsys.readouterr().err == (f"lexrisk: error: {path}: version: 99 is not a playbook version this lexrisk "
                                       "reads (supported: 1)\n")
