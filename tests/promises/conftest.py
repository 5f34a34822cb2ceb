"""The activity fixtures (English messages, a client per role), shared with tests/activities."""

from tests.activities.conftest import (  # noqa: F401
    coordinator_client,
    english_by_default,
    officer_client,
    staff_client,
    started_patrol,
)
