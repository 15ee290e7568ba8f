"""Turning a notification's ``kind`` + ``data`` into words, and notifications into e-mails.

Nothing here is stored: the inbox renders in the language of the page being shown, e-mail in
the recipient's own language (``User.language``), so a Russian user gets Russian mail whatever
language the person who caused the event was using.

Templates, per kind, under ``notifications/email/``: ``<kind>_subject.txt`` (one line: the
e-mail's subject and the inbox title) and ``<kind>_body.txt`` (a few sentences: the inbox text
and the heart of the e-mail); kinds without their own use ``default_*``. The e-mail around them
is ``instant_body.txt``/``.html`` and ``digest_*``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from notifications.models import Frequency, Notification
from notifications.tokens import unsubscribe_token_make

# A digest lists this many notifications; the rest wait in the inbox, which the e-mail links to.
DIGEST_MAX_ITEMS = 50


@dataclass(frozen=True)
class Rendered:
    title: str
    text: str


def site_url() -> str:
    # Read at call time (STYLE rule 6): links in mail sent by a worker, outside any request.
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    if not path or urlsplit(path).scheme:
        return path
    return site_url() + (path if path.startswith("/") else "/" + path)


def user_language(user) -> str:
    languages = dict(settings.LANGUAGES)
    return user.language if user.language in languages else settings.LANGUAGE_CODE


def _facts(data: dict) -> dict:
    """``data`` with its ISO dates turned back into dates, for the templates' date filters.

    The naming rule the callers follow: ``*_at`` holds a date and time, ``*_date`` and
    ``*_deadline`` a date. ``reason_lines`` is added for the matching kinds, and
    ``organization``/``search_name`` are read as ``organization_name``/``saved_search_name``.
    """
    facts = dict(data)
    for key, value in data.items():
        if not isinstance(value, str):
            continue
        if key.endswith("_at") and (moment := parse_datetime(value)):
            facts[key] = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        elif key.endswith(("_date", "_deadline")) and (day := parse_date(value)):
            facts[key] = day
    facts["reason_lines"] = _reason_lines(data)
    # The names the matching fan-out uses for the same facts.
    facts.setdefault("organization_name", data.get("organization", ""))
    facts.setdefault("saved_search_name", data.get("search_name", ""))
    return facts


def _reason_lines(data: dict) -> list[str]:
    """Why a vacancy matched, as lines of text: ``reasons_text`` when the caller rendered them in
    the recipient's language, else ``reasons`` given as phrases (translated if the catalogue
    knows them) or as ``{"text": ...}``; reasons given only as codes are left out."""
    if data.get("reasons_text"):
        return [str(line) for line in data["reasons_text"]]
    lines = []
    for reason in data.get("reasons") or []:
        if isinstance(reason, str):
            lines.append(gettext(reason))
        elif isinstance(reason, dict) and reason.get("text"):
            lines.append(str(reason["text"]))
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def render_notification(notification: Notification) -> Rendered:
    """Title and text of ``notification`` in the active language."""
    context = {"data": _facts(notification.data or {}), "kind": notification.kind}
    subject = select_template(
        [f"notifications/email/{notification.kind}_subject.txt", "notifications/email/default_subject.txt"]
    )
    body = select_template(
        [f"notifications/email/{notification.kind}_body.txt", "notifications/email/default_body.txt"]
    )
    return Rendered(title=_one_line(subject.render(context)), text=_paragraphs(body.render(context)))


def instant_message_id(dedupe_key: str) -> str:
    """The Message-ID of a notification's e-mail: the same on every attempt, so a receiving
    server that already has the message can drop a rare duplicate (see docs/notifications.md)."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<n.{digest}@{_mail_domain()}>"


def digest_message_id(*, user_id: int, frequency: str, period: str) -> str:
    return f"<digest.{frequency}.{period}.{user_id}@{_mail_domain()}>"


def _mail_domain() -> str:
    return urlsplit(site_url()).hostname or "localhost"


def _headers(*, message_id: str, language: str, unsubscribe_url: str) -> dict[str, str]:
    return {
        "Message-ID": message_id,
        "Content-Language": language,
        "Auto-Submitted": "auto-generated",
        # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", and may POST to it.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_url(*, user_id: int, kinds: Sequence[str]) -> str:
    token = unsubscribe_token_make(user_id=user_id, kinds=kinds)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def build_instant_email(notification: Notification, *, user) -> EmailMultiAlternatives:
    """The e-mail for one notification, in ``user``'s language."""
    language = user_language(user)
    with translation.override(language):
        rendered = render_notification(notification)
        link = unsubscribe_url(user_id=user.pk, kinds=[notification.kind])
        context = {
            "user": user,
            "notification": notification,
            "title": rendered.title,
            "text": rendered.text,
            "url": absolute_url(notification.url),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "unsubscribe_url": link,
            "kind_label": notification.get_kind_display(),
        }
        body = render_to_string("notifications/email/instant_body.txt", context)
        html = render_to_string("notifications/email/instant_body.html", context)
    message = EmailMultiAlternatives(
        subject=rendered.title,
        body=_paragraphs(body) + "\n",
        to=[user.email],
        headers=_headers(
            message_id=instant_message_id(notification.dedupe_key), language=language, unsubscribe_url=link
        ),
    )
    message.attach_alternative(html, "text/html")
    return message


def build_digest_email(
    *, user, notifications: Sequence[Notification], frequency: str, message_id: str
) -> EmailMultiAlternatives:
    """One e-mail listing ``notifications`` (oldest first), in ``user``'s language."""
    language = user_language(user)
    kinds = sorted({n.kind for n in notifications})
    shown = list(notifications)[:DIGEST_MAX_ITEMS]
    with translation.override(language):
        items = [{"notification": n, "rendered": render_notification(n), "url": absolute_url(n.url)} for n in shown]
        link = unsubscribe_url(user_id=user.pk, kinds=kinds)
        context = {
            "user": user,
            "items": items,
            "count": len(notifications),
            "more": len(notifications) - len(shown),
            "weekly": frequency == Frequency.WEEKLY,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "inbox_url": absolute_url(reverse("notifications:inbox")),
            "unsubscribe_url": link,
        }
        subject = _one_line(render_to_string("notifications/email/digest_subject.txt", context))
        body = render_to_string("notifications/email/digest_body.txt", context)
        html = render_to_string("notifications/email/digest_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=_paragraphs(body) + "\n",
        to=[user.email],
        headers=_headers(message_id=message_id, language=language, unsubscribe_url=link),
    )
    message.attach_alternative(html, "text/html")
    return message
