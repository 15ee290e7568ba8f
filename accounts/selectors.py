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
