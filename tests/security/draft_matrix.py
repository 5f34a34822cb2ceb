"""Merge the answers observed by the matrix test (MATRIX_DRAFT=folder) into draft CSV rows.

    MATRIX_DRAFT=/tmp/draft pytest tests/security/test_access_matrix.py -k as_the_matrix_says
    python -m tests.security.draft_matrix /tmp/draft > /tmp/draft.csv

The draft is what the app does, not what it should do: read every row against DESIGN.md §3
before it goes into access_matrix.csv.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.security.world import ROLES


def main(folder: str) -> None:
    observed = {role: json.loads(Path(folder, f"{role}.json").read_text()) for role in ROLES}
    keys = sorted(set().union(*observed.values()))
    print("endpoint,method,target," + ",".join(ROLES) + ",note")
    for key in keys:
        endpoint, method, target = key.split("|")
        answers = [observed[role].get(key, "?") for role in ROLES]
        print(f"{endpoint},{method},{target}," + ",".join(answers) + ",")


if __name__ == "__main__":
    main(sys.argv[1])
