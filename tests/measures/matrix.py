"""The measures app's rows of the permission matrix (the contract is in tests/matrix.py)."""

from ..matrix import TO_ADMIN_LOGIN, roles

EXPECTED = {
    # Logs of the measures app are read-only in the admin; blocks are lifted by an action.
    **{
        f"admin:measures_{model}_{view}": roles(TO_ADMIN_LOGIN, site_admin=403)
        for model in (
            "moderationaction",
            "measuremerge",
            "notificationevent",
            "digestrun",
            "userblock",
        )
        for view in ("add", "delete")
    },
}
