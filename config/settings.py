"""Settings for anbiao, read from the environment (see README, "配置")."""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ANBIAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def trusted_proxies(value: str) -> list[str]:
    """TRUSTED_PROXIES: comma-separated addresses or networks (CIDR) of our reverse proxies."""
    import ipaddress

    entries = [item.strip() for item in value.split(",") if item.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"环境变量 TRUSTED_PROXIES 中的“{entry}”不是 IP 地址或网段（例如 127.0.0.1、10.0.0.0/8）。"
            ) from None
    return entries


DEBUG = env_bool("DEBUG", False)
# Developers who want Django's technical pages with DEBUG on (the URL list on a 404, the
# traceback page on a 500) ask for them; by default DEBUG shows the product's own pages.
DEBUG_TECHNICAL_404 = DEBUG and env_bool("DEBUG_TECHNICAL_404", False)
DEBUG_TECHNICAL_500 = DEBUG and env_bool("DEBUG_TECHNICAL_500", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG and not env_bool("ANBIAO_DEV_SECRET", False):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("生产环境必须通过环境变量 SECRET_KEY 设置密钥。")
    # Development only: a random key kept under var/, never in the repository.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_hmac_keys() -> tuple[dict[str, str], str]:
    """The audit chain's keys, ``AUDIT_HMAC_KEYS=id:secret,id:secret`` (kept outside the
    database), and the id of the one that signs new entries (``AUDIT_HMAC_KEY_ID``, by default
    the first listed). Retired keys stay listed so that the entries they signed still verify.
    """
    import hashlib
    import hmac
    import re

    from django.core.exceptions import ImproperlyConfigured

    raw = os.environ.get("AUDIT_HMAC_KEYS", "").strip()
    if not raw:
        if not DEBUG and not env_bool("ANBIAO_DEV_SECRET", False):
            raise ImproperlyConfigured(
                "生产环境必须通过环境变量 AUDIT_HMAC_KEYS 设置审计日志密钥（格式：编号:密钥）。"
            )
        # Development only: derived from the development SECRET_KEY, never stored anywhere.
        dev = hmac.new(SECRET_KEY.encode(), b"anbiao.audit.dev-key", hashlib.sha256).hexdigest()
        return {"dev": dev}, "dev"
    keys: dict[str, str] = {}
    for item in raw.split(","):
        key_id, _, secret = item.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", key_id) or len(secret) < 32:
            raise ImproperlyConfigured(
                "AUDIT_HMAC_KEYS 格式错误：每项为“编号:密钥”，编号为 1–32 位字母、数字或 _.-，"
                "密钥至少 32 个字符，多项以逗号分隔。"
            )
        keys[key_id] = secret
    current = os.environ.get("AUDIT_HMAC_KEY_ID", "").strip() or next(iter(keys))
    if current not in keys:
        raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_ID={current} 不在 AUDIT_HMAC_KEYS 中。")
    return keys, current


AUDIT_HMAC_KEYS, AUDIT_HMAC_KEY_ID = _audit_hmac_keys()
# Entries numbered up to this id were written before the chain was keyed (plain SHA-256);
# any other entry without a key is a forgery. 0: none.
AUDIT_UNKEYED_UNTIL = int(os.environ.get("AUDIT_UNKEYED_UNTIL", "0") or 0)
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "ninja",
    "anbiao.core",
    "anbiao.accounts",
    "anbiao.orgs",
    "anbiao.campaigns",
    "anbiao.checklists",
    "anbiao.rectification",
    "anbiao.reports",
    "anbiao.inspections",
    "anbiao.records",
    "anbiao.enforcement",
    "anbiao.notices",
    "anbiao.stats",
    "anbiao.notifications",
    "anbiao.dashboards",
    "anbiao.tasks_reporting",
    "anbiao.obligations",
    "anbiao.worklog",
    "anbiao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # the request's IP and browser for every audit entry written while it is served
    "anbiao.core.audit_context.AuditContextMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # our Chinese 404/500 pages with DEBUG on too (DEBUG_TECHNICAL_404/500=1 for Django's)
    "anbiao.core.error_pages.DebugErrorPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anbiao.core.middleware.OrganizationMiddleware",
    "anbiao.accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "anbiao.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'anbiao.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ANBIAO_SQLITE_TEST_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "anbiao.accounts.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "anbiao.accounts.password_policy.CharacterClassValidator"},
    {"NAME": "anbiao.accounts.password_policy.NotContainingUsernameValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle timeout 30 minutes (refreshed on every request), absolute lifetime enforced by
# anbiao.core.middleware (12 hours).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"


# The client address is read from X-Forwarded-For only when the peer is one of these
# (anbiao.core.client_ip); empty: REMOTE_ADDR is the client. Behind Nginx: 127.0.0.1.
TRUSTED_PROXIES = trusted_proxies(os.environ.get("TRUSTED_PROXIES", ""))

# Login lockout (anbiao.accounts.lockout; docs/guide/security.md). django-axes records the
# failures under the account's own username, whichever alias (username or mobile) was typed,
# and with the client address from anbiao.core.client_ip. Locked for 30 minutes:
# - the account from one address after 5 failures there;
# - the account everywhere after 5 failures in all; a correct password together with the
#   account's TOTP code, typed from an address that is not locked itself, lifts this lock;
# - an address after LOGIN_IP_FAILURE_LIMIT failures for any accounts.
AXES_FAILURE_LIMIT = 5
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_HANDLER = "anbiao.accounts.lockout.AccountLockHandler"
AXES_USERNAME_CALLABLE = "anbiao.accounts.lockout.account_username"
AXES_CLIENT_IP_CALLABLE = "anbiao.core.client_ip.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
# Not axes' reset: with the address among the parameters it would delete every failure from
# the address, other accounts' too. anbiao.accounts.lockout clears the account's own failures
# once the login is complete (after the second factor where there is one).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded evidence lives outside any web root and is served only through scoped views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
ANBIAO_MAX_UPLOAD_BYTES = int(os.environ.get("ANBIAO_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "anbiao"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail (Django 6.1 MAILERS): console in development; SMTP when EMAIL_HOST is set or in production.
if os.environ.get("EMAIL_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "anbiao@localhost")

# Security headers. No inline scripts anywhere: every script is a static file we serve.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_FAILURE_VIEW = "anbiao.core.error_pages.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not from the cookie

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

ANBIAO_CITY_NAME = os.environ.get("ANBIAO_CITY_NAME", "南安市")

# Covering indexes (``Index(include=…)``, ADR 0014) are a PostgreSQL feature; SQLite, the
# embedded default, builds the same index without the included columns and says so (W040).
# The day tally's key treats a null unit as one key (``nulls_distinct=False``, PostgreSQL 15);
# SQLite has no such constraint and says so (W047): there, writes are serialized and the
# triggers find the key row before they add to it (ADR 0015).
SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]
