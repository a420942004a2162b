"""The README opens with the two commands, and CI runs the README's test command verbatim."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands():
    text = (ROOT / "README.md").read_text()
    blocks = text.split("```")
    return [b.strip().splitlines()[-1] for b in blocks[1:4:2]]


def test_readme_starts_with_demo_and_test_commands():
    demo, tests = _commands()
    assert "examples/quickstart.py" in demo
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command():
    _, tests = _commands()
    ci = (ROOT / ".ci" / "run").read_text()
    assert tests in ci.splitlines()
