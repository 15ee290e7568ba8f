"""Settings for the Electronic Labor Exchange.

Every value comes from the environment (see README.md, "Configuration"). With nothing set the
development defaults work: an embedded PostgreSQL, Celery's filesystem broker and a file cache,
all under ``var/``. ``DJANGO_ENV=production`` turns on the production hardening and refuses to
start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from exchange import embedded

BASE_DIR = Path(__file__).resolve().parent.parent

# platformdirs (used by pgserver) warns on every start when XDG_RUNTIME_DIR is unset.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

env = environ.Env()


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.str(name, default=default)
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(allowed)}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


# pytest (8.2+) sets PYTEST_VERSION for the whole run: tests get their own queue and cache
# keys, so a `make run` on the same machine never picks up their tasks, and a fast hasher.
TESTING = "PYTEST_VERSION" in os.environ

DJANGO_ENV = _choice("DJANGO_ENV", ("development", "production"), "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = _bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production-0123456789"  # noqa: S105
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    # Our apps come before allauth so our templates override its defaults.
    "exchange",
    "catalog",
    "accounts",
    "notifications",
    "vacancies",
    "fairs",
    "stats",
    "allauth",
    "allauth.account",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "exchange.urls"
WSGI_APPLICATION = "exchange.wsgi.application"
ASGI_APPLICATION = "exchange.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exchange.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
EMBEDDED_DATABASE = not DATABASE_URL
if EMBEDDED_DATABASE:
    DATABASE_URL = embedded.postgres_url()
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r} must be a PostgreSQL URL (postgres://user:password@host:port/name)"
    )
try:
    _db = environ.Env.db_url_config(DATABASE_URL)
except Exception as exc:  # django-environ raises several types for malformed URLs
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
_db["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0)
_db["CONN_HEALTH_CHECKS"] = True
_db.setdefault("OPTIONS", {})["connect_timeout"] = _int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="exchange-test" if TESTING else "exchange"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # A file cache is shared by the web server, worker and beat on one machine, which the
    # worker heartbeat shown by /healthz relies on.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(embedded.var_dir() / ("cache-test" if TESTING else "cache")),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded.broker_folders()

# --- Celery ---------------------------------------------------------------------------------
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = _int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = _int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# Our tasks are written to be idempotent (STYLE.md rule 5), so a task is acknowledged only
# after it ran: a worker killed mid-task leaves it for another worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="exchange-test" if TESTING else "exchange")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Asia/Almaty"
# Seconds between worker heartbeats written for /healthz; a worker is "up" when the last one
# is newer than WORKER_HEARTBEAT_MAX_AGE seconds.
WORKER_HEARTBEAT_INTERVAL = 15
WORKER_HEARTBEAT_MAX_AGE = 60

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="" if PRODUCTION else "consolemail://")
if not EMAIL_URL:
    raise ImproperlyConfigured("EMAIL_URL must be set when DJANGO_ENV=production (e.g. smtp+tls://user:pass@host:587)")
try:
    globals().update(environ.Env.email_url_config(EMAIL_URL))
except Exception as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {exc}") from None
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Electronic Labor Exchange <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address of the site, for links in e-mails sent outside a request (Celery tasks).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username+IP is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-allauth: e-mail is the login; sign-up asks for e-mail and password only, the role
# ("I am looking for work" / "I am hiring") is chosen on the same form.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = _choice("ACCOUNT_EMAIL_VERIFICATION", ("mandatory", "optional", "none"), "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.auth.SignupRoleForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's own rate limits stay on; axes handles the lockout by username and IP.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# django-axes: lock the (username, IP) pair after AXES_FAILURE_LIMIT failures, so an attacker
# at one address cannot lock the real user out everywhere.
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.adapters.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.adapters.axes_lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
if not PRODUCTION:
    # WhiteNoise warns on every start when the folder is missing; in development the files
    # are served from the apps (WHITENOISE_USE_FINDERS follows DEBUG) and it stays empty.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(embedded.var_dir() / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "exchange.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "exchange.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Electronic Labor Exchange API",
    "DESCRIPTION": (
        "Vacancies, job seekers, employers and monthly online job fairs. Every error answers "
        'with one body: {"error": {"code": ..., "message": ..., "fields": {...}}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "role" or "status" field; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "accounts.models.User.Role",
        "MembershipRoleEnum": "accounts.models.Membership.Role",
        "OrganizationStatusEnum": "accounts.models.Organization.Status",
        "VacancyStatusEnum": "vacancies.models.Vacancy.Status",
        "ApplicationStatusEnum": "vacancies.models.Application.Status",
        "InvitationStatusEnum": "vacancies.models.Invitation.Status",
        "ImportJobStatusEnum": "vacancies.models.ImportJob.Status",
        "VacancyReportStatusEnum": "vacancies.models.VacancyReport.Status",
        "ReferralOutcomeEnum": "vacancies.models.Referral.Outcome",
        "NotificationFrequencyEnum": "notifications.models.Frequency",
        "FairStatusEnum": "fairs.models.Fair.Status",
        "FairKindEnum": "fairs.models.Fair.Kind",
        "NotificationKindEnum": "notifications.models.Kind",
        "ParticipationStatusEnum": "fairs.models.Participation.Status",
        "SlotBookingStatusEnum": "fairs.models.SlotBooking.Status",
        "StatsRefreshStatusEnum": "stats.models.StatRefresh.Status",
        "StatsRefreshTriggerEnum": "stats.models.StatRefresh.Trigger",
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz is probed over plain HTTP by load balancers and compose.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_identity_numbers": {"()": "exchange.logging.RedactIdentityNumbers"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_identity_numbers"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())

# Selectors that return the live counts on the home page: callables returning
# [{"label": ..., "value": ...}]. Each app adds its own.
HOME_COUNTERS = [
    "catalog.selectors.home_counters",
    "accounts.selectors.users.home_counters",
    "vacancies.selectors.lifecycle.home_counters",
    "fairs.selectors.results.home_counters",
    "stats.selectors.home_counters",
]

# Called in this order by `seeddemo` after the demo users; each takes no arguments, is idempotent
# and returns the lines the command prints. The statistics come last: they count the others' data.
DEMO_SEEDERS = [
    "accounts.services.demo.demo_accounts_seed",
    "vacancies.services.demo.demo_vacancies_seed",
    "fairs.services.demo.demo_fairs_seed",
    "stats.demo.demo_stats_seed",
]

# Called with user=... before a job seeker's account is deleted, so each app can anonymise what
# it keeps about them for statistics (see accounts.services.privacy).
PERSONAL_DATA_ERASERS = [
    "vacancies.services.applications.applications_anonymise",
]

# The role menus: shown in the header (``nav``: the few most used) and on the dashboard (all).
# (label, URL name) pairs; exchange.context_processors.navigation resolves them per request.
NAVIGATION = {
    "seeker": {
        "nav": [(_("My CV"), "accounts:profile"), (_("My applications"), "vacancies:my-applications")],
        "dashboard": [
            (_("My CV"), "accounts:profile"),
            (_("Vacancies for you"), "vacancies:for-you"),
            (_("My applications"), "vacancies:my-applications"),
            (_("Invitations from employers"), "vacancies:invitations"),
            (_("Saved searches"), "vacancies:saved-searches"),
            (_("Job fairs"), "fairs:list"),
            (_("My fairs"), "fairs:my"),
            (_("My personal data"), "accounts:data-export"),
        ],
    },
    "employer": {
        "nav": [(_("My vacancies"), "vacancies:my-vacancies"), (_("Organization"), "accounts:organization")],
        "dashboard": [
            (_("My vacancies"), "vacancies:my-vacancies"),
            (_("Post a vacancy"), "vacancies:create"),
            (_("Import vacancies from a file"), "vacancies:import-new"),
            (_("Past imports"), "vacancies:imports"),
            (_("Find candidates"), "vacancies:cv-search"),
            (_("Invitations sent"), "vacancies:invitations"),
            (_("Job fairs"), "fairs:list"),
            (_("Our job fairs"), "fairs:my-participations"),
            (_("Organization"), "accounts:organization"),
            (_("Members"), "accounts:organization-members"),
        ],
    },
    "centre_staff": {
        "nav": [
            (_("Verification"), "accounts:staff-organizations"),
            (_("Moderation"), "vacancies:moderation"),
            (_("Referrals"), "vacancies:referrals"),
        ],
        "dashboard": [
            (_("Employer verification"), "accounts:staff-organizations"),
            (_("Vacancy moderation"), "vacancies:moderation"),
            (_("Reported vacancies"), "vacancies:reports"),
            (_("Refer a job seeker"), "vacancies:referral-new"),
            (_("Referrals"), "vacancies:referrals"),
            (_("Referral limits"), "vacancies:referral-quotas"),
            (_("Vacancy imports"), "vacancies:imports"),
            (_("Staff of my region"), "accounts:staff-people"),
            (_("Job fairs"), "fairs:list"),
            (_("Organize a regional fair"), "fairs:create"),
            (_("Employers waiting for approval"), "fairs:participants-pending"),
        ],
    },
    "admin": {
        "nav": [(_("Moderation"), "vacancies:moderation"), (_("Admin"), "admin:index")],
        "dashboard": [
            (_("Admin site"), "admin:index"),
            (_("Employer verification"), "accounts:staff-organizations"),
            (_("Vacancy moderation"), "vacancies:moderation"),
            (_("Reported vacancies"), "vacancies:reports"),
            (_("Referral limits"), "vacancies:referral-quotas"),
            (_("Staff and employment centres"), "accounts:staff-people"),
            (_("National projects"), "vacancies:projects"),
            (_("Job creation map"), "vacancies:job-creation-map"),
            (_("Job fairs"), "fairs:list"),
            (_("Schedule a fair"), "fairs:create"),
            (_("Employers waiting for approval"), "fairs:participants-pending"),
            (_("Fairs month by month"), "fairs:history"),
            (_("Monthly fair template"), "admin:fairs_fairtemplate_changelist"),
            (_("Statistics"), "stats:overview"),
        ],
    },
}

# Sections higher apps add to the public employer page: callables(organization=, user=) returning
# {"template": ..., "context": {...}}.
EMPLOYER_PAGE_SECTIONS = [
    "vacancies.selectors.lifecycle.employer_page_section",
    "fairs.selectors.results.employer_page_section",
]
