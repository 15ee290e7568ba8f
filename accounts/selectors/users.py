from django.utils.translation import gettext_lazy as _

from accounts.models import User


def home_counters() -> list[dict]:
    return [
        {
            "label": _("job seekers registered"),
            "value": User.objects.filter(role=User.Role.SEEKER, is_active=True).count(),
        },
        {
            "label": _("employer accounts"),
            "value": User.objects.filter(role=User.Role.EMPLOYER, is_active=True).count(),
        },
    ]


def user_tokens(*, user: User) -> list[dict]:
    """The user's API token, described without its key (the key is shown once, when issued)."""
    from rest_framework.authtoken.models import Token

    return [{"created": t.created, "prefix": t.key[:4]} for t in Token.objects.filter(user=user)]
