"""One "worker process" for test_rate_limit_store: failed logins against its own app instance.

    python -m tests.ops.limiter_worker STORAGE_URI KEY_PREFIX DB_URL ATTEMPTS

Prints the status of each attempt, space-separated. Every attempt uses a new user name, so only
the per-address limit (here 3 per 5 minutes) can refuse one.
"""

from __future__ import annotations

import re
import sys

from webapp import create_app
from webapp.extensions import db


def main(storage: str, prefix: str, url: str, attempts: int) -> None:
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": prefix,
            "LOGIN_LIMIT_PER_IP": "3 per 5 minutes",
        },
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = []
    for n in range(attempts):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login",
            data={"csrf_token": token, "username": f"guess-{prefix}-{n}", "password": "wrong"},
        )
        statuses.append(str(response.status_code))
    print(" ".join(statuses))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
