"""Signed links that turn measure notifications off without logging in.

The token names the account; it does not expire, because an old mail's link must still work.
The view (GET shows a confirm button, POST acts; also RFC 8058 one-click POST) reads it with
`read_unsubscribe_token` and calls `services.notifications_off`.
"""

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "measures.notifications.off"
# The address of `measures_account:notifications_off`, for a configuration without it.
FALLBACK_PATH = "/konto/benachrichtigungen/aus/{token}/"


def _address_digest(email: str) -> str:
    # The link must stop working when the address changes, without showing the address in it.
    return salted_hmac(SALT, (email or "").lower()).hexdigest()[:16]


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": _address_digest(user.email)}, salt=SALT)


def read_unsubscribe_token(token: str):
    """The user a token was made for, or None if it is forged or the address changed."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or not constant_time_compare(
        _address_digest(user.email), str(data.get("e", ""))
    ):
        return None
    return user


def unsubscribe_url(user) -> str:
    token = unsubscribe_token(user)
    try:
        path = reverse("measures_account:notifications_off", kwargs={"token": token})
    except NoReverseMatch:
        path = FALLBACK_PATH.format(token=token)
    return f"{settings.SITE_URL}{path}"


def unsubscribe_headers(url: str) -> dict:
    """List-Unsubscribe headers (RFC 2369, RFC 8058 one-click)."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
