"""Settings shared by every environment. Secrets never live here: they come from the environment."""

from datetime import timedelta

# Development only; production refuses to start without a strong SECRET_KEY from the environment.
SECRET_KEY = "dev-only-insecure-key"  # noqa: S105

# SQLite file in the instance folder unless DATABASE_URL says otherwise (see webapp.config).
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# Cookies: HttpOnly and SameSite everywhere, Secure in production (config/production.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "trygg_session"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = False
REMEMBER_COOKIE_DURATION = timedelta(days=14)
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

# CSRF tokens live as long as the session: an outbox flushed hours later must still work.
WTF_CSRF_TIME_LIMIT = None
WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

# Requests larger than this get 413 (a downscaled phone photo is well below 2 MB).
MAX_CONTENT_LENGTH = 10 * 1024 * 1024
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
# Where photos are kept (webapp/core/blobs.py): "folder" (PHOTO_DIR, default instance/photos;
# one node) or "database" (the app's database; needed when several nodes serve the app).
PHOTO_BACKEND = "folder"

# Login throttling (webapp/auth/throttle.py). Failed attempts of one (user name, address) pair:
# the first LOGIN_FREE_FAILURES are free, then each one doubles the wait, starting at
# LOGIN_DELAY_SECONDS, at most LOGIN_MAX_DELAY_SECONDS. The owner's right password from another
# address is never held up by someone else's guessing.
LOGIN_FREE_FAILURES = 3
LOGIN_DELAY_SECONDS = 2
LOGIN_MAX_DELAY_SECONDS = 15 * 60
# All failed logins from one address (Flask-Limiter syntax; needs a shared store with several
# worker processes, see RATELIMIT_STORAGE_URI).
LOGIN_LIMIT_PER_IP = "20 per 5 minutes"
# The coordinator sees account names with this many failures (from any addresses) in the hours.
LOGIN_FLAG_FAILURES = 20
LOGIN_FLAG_HOURS = 24
# Refused logins written to the audit trail one by one per address and hour; the rest are
# counted in summary entries.
LOGIN_AUDIT_PER_ADDRESS = 10
# One-time codes for choosing a password (new accounts, resets) are valid this long.
ONE_TIME_CODE_HOURS = 72
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True

# Field app
GPS_ACCURACY_LIMIT_M = 50
# Most observations one POST /api/v1/observations/batch may carry (the outbox sends this many).
OBSERVATION_BATCH_MAX = 100
NOTE_MAX_LENGTH = 2000
MAP_CENTER = (59.8366, 13.1440)
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = "&copy; OpenStreetMap contributors"

# Review: observations of the same category this close in place and time are offered as
# possible duplicates on the review page of one of them.
DUPLICATE_RADIUS_M = 30
DUPLICATE_WINDOW_DAYS = 7
DUPLICATE_MAX_SUGGESTIONS = 10

# Promise activities
# A patrol still open after this many hours was forgotten: it is closed at the limit and flagged
# (`flask --app webapp close-stale-patrols`, and whenever patrols are listed).
PATROL_MAX_HOURS = 8
# Route points a phone may send for one patrol (one fix every few metres for hours).
PATROL_ROUTE_MAX_POINTS = 10_000
# The area whose polygon decides whether a business visit lies outside the town.
TATORT_AREA_CODE = "sunne-tatort"

BABEL_DEFAULT_LOCALE = "sv"
BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
LANGUAGES = ("sv", "en")

# HTTPS redirects are the reverse proxy's job; headers and CSP are ours.
FORCE_HTTPS = False
# How many reverse proxies stand in front of the app. Their X-Forwarded-For/-Proto/-Host are
# trusted only this deep: the per-address login limit and the audit trail need the client's
# address, not the proxy's. 0 = none (a forged header is then ignored).
PROXY_COUNT = 0

# Sessions end after this many minutes without a request (a last-seen time in the server-side
# session row, refreshed as requests come). Field officers get longer: a phone on patrol may sit
# in a pocket for hours and its outbox must still be able to flush. Keys are roles; "default"
# for the rest.
SESSION_IDLE_MINUTES = {"default": 60, "officer": 240}
# However busy, a login lasts at most this long (one shift); then the user logs in again.
SESSION_ABSOLUTE_HOURS = 12

# Retention in days per record type (None: kept until deleted by hand). Enforced by
# `flask --app webapp retention` (with --dry-run to see what it would do); see README, Operate.
RETENTION = {
    # Free text is blanked, the record (place, time, category) stays for the statistics.
    "observation_note": 365,
    "activity_note": 365,  # with its edit history and the text of done follow-ups
    "walk_note": 365,
    "walk_internal_note": 365,  # counted from the walk's start
    # Status-history comments; two years, so last year's council report still reads its reasons.
    "measure_comment": 730,
    # Citizen reports: contact details from when the report was handled (or came in, if never),
    # the resident's text and its published edit from when it came in.
    "citizen_contact": 90,
    "citizen_text": 365,
    # Records stay for the counts, but what ties them to one person goes: walk participants'
    # group, gender and age band are unlinked (from joining), survey answers from the same
    # person are unlinked and marked places rounded (from the survey's close).
    "walk_participants": 365,
    "survey_answers": 365,
    # Whole records and files are deleted.
    "observations": 730,
    "photos": 365,
    "walk_photos": 365,
    # Finished background jobs' queue rows, with the council report PDFs they made (asking
    # again makes the PDF anew).
    "jobs": 30,
    "audit": 1825,
}

# Backups (`flask --app webapp backup DEST_DIR`, `restore SRC_DIR`): the PostgreSQL tools to use,
# which must be of the server's major version or newer.
PG_DUMP = "pg_dump"
PG_RESTORE = "pg_restore"

# Background jobs (webapp/core/jobs.py, `flask --app webapp worker`). QUEUE_URL: "" = a SQLite
# queue file in the instance folder (one node, the embedded default); redis://... when several
# nodes share the work. A job whose worker stops renewing its lease (killed) is taken over after
# JOB_LEASE_SECONDS; each worker ticks every JOB_TICK_SECONDS (calendar jobs, stranded jobs).
QUEUE_URL = ""
QUEUE_NAME = "trygg"  # one installation per name on a shared Redis
JOB_LEASE_SECONDS = 300
JOB_TICK_SECONDS = 30
# The worker's daily retention run, local time of the server (set TZ=Europe/Stockholm).
# RETENTION_JOB = False leaves retention to the systemd timer instead (either, not both).
RETENTION_AT = (3, 15)
RETENTION_JOB = True
JOB_TEST_KINDS = False  # tests/ops only: a "test.sleep" job kind
# Council report PDFs of periods longer than this many days are made by the worker (a job).
REPORT_PDF_JOB_DAYS = 92
