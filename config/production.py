"""Production: behind a TLS-terminating reverse proxy. SECRET_KEY and DATABASE_URL come from the
environment; webapp.config.check_production refuses to start with unsafe values."""

DEBUG = False
TESTING = False
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_SECURE = True
PREFERRED_URL_SCHEME = "https"
# One TLS-terminating proxy in front; TRYGG_PROXY_COUNT=0 if the app faces clients directly.
PROXY_COUNT = 1
# Several workers must share one limiter store, e.g. TRYGG_RATELIMIT_STORAGE_URI=redis://...
