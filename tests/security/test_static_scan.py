"""A static security scan (bandit) of webapp/ with no unexplained findings.

A finding is explained when its line says why it is safe (`# noqa: S...` for ruff's port of the
same check, or `# nosec`), or when it is one of the checks the project turns off as a whole in
pyproject.toml ([tool.ruff.lint] ignore): asserts (B101/S101, used only to narrow types after
validation) and the `random` module (B311/S311, used only for the deterministic demo data).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_WIDE = {"B101", "B311"}
EXPLAINED = re.compile(r"#\s*(noqa:\s*S\d+|nosec)")


def test_bandit_finds_nothing_unexplained_in_the_application_code():
    pytest.importorskip("bandit")
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "webapp", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["errors"] == []
    unexplained = []
    for finding in report["results"]:
        if finding["test_id"] in PROJECT_WIDE:
            continue
        lines = (ROOT / finding["filename"]).read_text(encoding="utf-8").splitlines()
        # The explanation sits on the reported line or on the first line of its statement.
        first, last = min(finding["line_range"]), max(finding["line_range"])
        window = lines[max(first - 1, 0) : last]
        if not any(EXPLAINED.search(line) for line in window):
            unexplained.append(
                f"{finding['filename']}:{finding['line_number']} {finding['test_id']} "
                f"{finding['issue_text']}"
            )
    assert unexplained == [], "\n".join(unexplained)
