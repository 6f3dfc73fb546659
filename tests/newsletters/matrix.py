"""The newsletter's rows of the permission matrix (the contract is in tests/matrix.py)."""

from newsletters.models import Subscription

from ..matrix import PUBLIC, SIGNED_IN, TO_ADMIN_LOGIN, PostCase, everyone, roles

# Links from mails carry a token; the matrix requests forged ones.
EXPECTED = {
    "newsletters:subscribe": PUBLIC,
    "newsletters:requested": PUBLIC,
    "newsletters:confirm": everyone(404),
    "newsletters:manage": everyone(404),
    "newsletters:mine": SIGNED_IN,
    # Subscriptions come from the double opt-in only.
    "admin:newsletters_subscription_add": roles(TO_ADMIN_LOGIN, site_admin=403),
}


def kwarg_value(name, endpoint, world):
    if name == "token" and endpoint.key.startswith("newsletters:"):
        return "erfundenes-token"
    return None


def _subscriptions(world):
    return list(Subscription.objects.values_list("email", "status"))


POST = {
    # An empty form answers with its errors and stores nothing.
    "newsletters:subscribe": PostCase(expected=PUBLIC, state=_subscriptions),
    "newsletters:confirm": PostCase(expected=everyone(404), state=_subscriptions),
    "newsletters:manage": PostCase(expected=everyone(404), state=_subscriptions),
}
