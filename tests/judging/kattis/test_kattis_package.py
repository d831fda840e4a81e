"""Loading Kattis problem packages: both specs, test order, limits, validator args."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.errors import EvalkitError
from evalkit.judging.kattis.package import load_problem

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "benchmarks" / "icpc_sample" / "problems"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_bundled_packages_of_both_specs():
    guess = load_problem(SAMPLE / "guess")  # 2023-07-draft, type: interactive
    assert guess.format_version == "2023-07-draft" and guess.interactive
    assert guess.validator is not None and guess.validator.language == "cpp"
    # data/sample holds only .interaction transcripts: not test cases.
    assert [t.name for t in guess.tests][:2] == ["secret/01", "secret/02"]
    boolfind = load_problem(SAMPLE / "boolfind")  # legacy, validation: custom interactive
    assert boolfind.interactive and boolfind.time_limit == 5.0
    assert boolfind.time_limit_source == ".timelimit"
    fltcmp = load_problem(SAMPLE / "fltcmp")
    assert fltcmp.validator is None and fltcmp.validator_args == ("float_tolerance", "1E-6")
    hello = load_problem(SAMPLE / "hello")
    assert hello.memory_mib == 512 and hello.time_limit is None and hello.output_mib == 8


def test_samples_first_then_secret_groups_in_lexicographic_order(tmp_path):
    root = write(tmp_path / "p", {
        "problem.yaml": "name: P\n",
        "data/sample/2.in": "", "data/sample/2.ans": "",
        "data/sample/1.in": "", "data/sample/1.ans": "",
        "data/secret/b.in": "", "data/secret/b.ans": "",
        "data/secret/a/10.in": "", "data/secret/a/10.ans": "",
        "data/secret/a/9.in": "", "data/secret/a/9.ans": "",
        "data/secret/c.ans": "",  # an answer without input is not a test
        "data/secret/c.interaction": "",
    })
    names = [t.name for t in load_problem(root).tests]
    # Names sort as strings ("10" < "9"), groups interleave with files by name.
    assert names == ["sample/1", "sample/2", "secret/a/10", "secret/a/9", "secret/b"]


def test_group_validator_args_are_inherited_from_the_closest_directory(tmp_path):
    root = write(tmp_path / "p", {
        "problem.yaml": "problem_format_version: 2025-09\nname: P\nlimits:\n  time_limit: 2.5\n",
        "data/testdata.yaml": "output_validator_args: [case_sensitive]\n",
        "data/secret/g1/test_group.yaml": "output_validator_args: float_tolerance 1e-3\n",
        "data/secret/g1/1.in": "", "data/secret/g1/1.ans": "",
        "data/secret/g2/1.in": "", "data/secret/g2/1.ans": "",
    })
    p = load_problem(root)
    assert p.time_limit == 2.5 and p.time_limit_source == "problem.yaml limits.time_limit"
    assert {t.name: t.validator_args for t in p.tests} == {
        "secret/g1/1": ("float_tolerance", "1e-3"), "secret/g2/1": ("case_sensitive",)}


def test_a_2025_09_test_case_yaml_replaces_its_groups_validator_args(tmp_path):
    # problemtools (2025-09): the case's value, falling back to the group's; not appended.
    files = {
        "problem.yaml": "problem_format_version: 2025-09\nname: P\n",
        "data/secret/test_group.yaml": "output_validator_args: [float_tolerance, '1e-3']\n",
        "data/secret/1.in": "", "data/secret/1.ans": "",
        "data/secret/1.yaml": "output_validator_args: [case_sensitive]\n",
        "data/secret/2.in": "", "data/secret/2.ans": "",
        "data/secret/2.yaml": "hint: no arguments of its own\n",
        "data/secret/3.in": "", "data/secret/3.ans": "",
        "data/secret/3.yaml": "output_validator_args: []\n",
    }
    p = load_problem(write(tmp_path / "new", files))
    assert {t.name: t.validator_args for t in p.tests} == {
        "secret/1": ("case_sensitive",), "secret/2": ("float_tolerance", "1e-3"),
        "secret/3": ()}
    # Before 2025-09 a file beside a test is not its configuration.
    files["problem.yaml"] = "problem_format_version: 2023-07-draft\nname: P\n"
    old = load_problem(write(tmp_path / "old", files))
    assert {t.validator_args for t in old.tests} == {("float_tolerance", "1e-3")}


@pytest.mark.parametrize("where", ["data/secret/test_group.yaml", "data/secret/1.yaml"])
def test_submission_arguments_are_refused_not_ignored(tmp_path, where):
    root = write(tmp_path / "p", {
        "problem.yaml": "problem_format_version: 2025-09\nname: P\n",
        "data/secret/1.in": "", "data/secret/1.ans": "", where: "args: [--fast]\n"})
    with pytest.raises(EvalkitError, match=r"1?\.?yaml: field 'args'"):
        load_problem(root)


def test_an_unknown_legacy_key_is_a_warning_not_an_error(tmp_path):
    # Legacy packages extend the format in the wild (DOMjudge's own keys).
    root = write(tmp_path / "p", {
        "problem.yaml": "name: P\nlimits:\n  validation_passes: 3\ndomjudge_color: red\n",
        "data/secret/1.in": "", "data/secret/1.ans": ""})
    p = load_problem(root)
    assert len(p.warnings) == 1 and "unknown field 'domjudge_color' ignored" in p.warnings[0]


def test_sample_data_only_is_judged_on_the_samples_and_says_so(tmp_path):
    root = write(tmp_path / "p", {"problem.yaml": "name: P\n",
                                  "data/sample/1.in": "", "data/sample/1.ans": ""})
    p = load_problem(root)
    assert p.samples_only and [t.name for t in p.tests] == ["sample/1"]


@pytest.mark.parametrize("yaml_text, multiplier, slowest, limit", [
    ("name: P\n", 5.0, 0.31, 2.0),  # legacy: 5 x 0.31 = 1.55 -> 2
    ("name: P\nlimits:\n  time_multiplier: 3\n", 3.0, 0.1, 1.0),  # at least 1
    ("problem_format_version: 2023-07\nname: P\n", 2.0, 1.2, 3.0),  # 2 x 1.2 = 2.4 -> 3
    ("problem_format_version: 2023-07\nname: P\nlimits:\n  time_resolution: 0.5\n",
     2.0, 1.2, 2.5),
])
def test_time_limit_derivation_follows_problemtools(tmp_path, yaml_text, multiplier, slowest,
                                                    limit):
    from evalkit.judging.kattis.package import derived_time_limit

    p = load_problem(write(tmp_path / "p", {"problem.yaml": yaml_text, "data/secret/1.in": "",
                                            "data/secret/1.ans": ""}))
    assert p.time_limit is None and p.time_multiplier == multiplier
    assert derived_time_limit(slowest, p.time_multiplier, p.time_resolution) == limit


def test_time_multipliers_do_not_set_a_time_limit(tmp_path):
    root = write(tmp_path / "p", {
        "problem.yaml": "name: P\nlimits:\n  time_multiplier: 5\n  time_safety_margin: 2\n",
        "data/secret/1.in": "", "data/secret/1.ans": ""})
    assert load_problem(root).time_limit is None


@pytest.mark.parametrize("files, message", [
    ({}, "no problem.yaml"),
    ({"problem.yaml": "name: [\n"}, "not valid YAML"),
    ({"problem.yaml": "name: P\n", "data/secret/1.in": ""}, "without answer file"),
    ({"problem.yaml": "name: P\n"}, "no test cases in data/secret or data/sample"),
    ({"problem.yaml": "name: P\nvalidation: custom\n", "data/secret/1.in": "",
      "data/secret/1.ans": ""}, "no output_validator"),
    ({"problem.yaml": "name: P\ntype: scoring\n"}, "scoring problem .*ICPC is pass-fail"),
    ({"problem.yaml": "problem_format_version: 2023-07\nname: P\ntype: scoring\n"},
     "scoring problem"),
    ({"problem.yaml": "name: P\nvalidation: custom multi-pass\n"}, "no output_validator"),
    ({"problem.yaml": "problem_format_version: 2023-07\nname: P\ntype: multi-pass\n"},
     "no output_validator"),
    # Typos (issue 12): one line naming the file, the field and the near miss.
    ({"problem.yaml": "name: P\ntme_limit: 2\n"},
     r"problem.yaml: unknown field 'tme_limit' \(did you mean 'limits.time_limit'\?\)"),
    ({"problem.yaml": "name: P\nlimits:\n  tiem_limit: 2\n"},
     r"unknown field 'limits.tiem_limit' \(did you mean 'limits.time_limit'\?\)"),
    ({"problem.yaml": "name: P\nlimits:\n  mmory: 512\n"},
     r"unknown field 'limits.mmory' \(did you mean 'limits.memory'\?\)"),
    ({"problem.yaml": "name: P\nvalidaton: custom\n"},
     r"unknown field 'validaton' \(did you mean 'validation'\?\)"),
    ({"problem.yaml": "problem_format_version: 2025-09\nname: P\nshoe_size: 3\n"},
     r"unknown field 'shoe_size' \(the format treats unknown keys as an error\)"),
    # Package checks at load: the default validator's arguments must parse.
    ({"problem.yaml": "name: P\nvalidator_flags: float_tolerance abc\n",
      "data/secret/1.in": "", "data/secret/1.ans": ""},
     r"problem.yaml: field 'validator_flags': float_tolerance needs a number"),
    ({"problem.yaml": "name: P\n", "data/secret/testdata.yaml":
      "output_validator_flags: float_tolerance abc\n",
      "data/secret/1.in": "", "data/secret/1.ans": ""},
     r"testdata.yaml: field 'output_validator_flags': float_tolerance needs a number"),
    ({"problem.yaml": "name: P\n", "data/secret/9-99.in": ""},
     r"9-99.in: test input without answer file 9-99.ans"),
    ({"problem.yaml": "name: P\nlimits:\n  memory: -3\n", "data/secret/1.in": "",
      "data/secret/1.ans": ""}, "limits.memory"),
])
def test_bad_packages_name_the_file_and_field(tmp_path, files, message):
    root = write(tmp_path / "p", files)
    root.mkdir(exist_ok=True)
    with pytest.raises(EvalkitError, match=message):
        load_problem(root)
