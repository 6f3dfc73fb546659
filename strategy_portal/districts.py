"""District scoping for views: every page under `/<slug:district>/` goes through this module.

Class-based views mix in `DistrictMixin` (the district of the URL as `self.district`) or
`DistrictPermissionMixin` (the same, plus a `rules` permission checked against the district, or
against whatever `get_permission_object()` returns). Function views use the decorator:

    from strategy_portal.districts import district_view

    @require_POST
    @district_view("measures.support_measure", fn=lambda request, district, pk: get_object_or_404(
        Measure.objects.for_district(district), pk=pk))
    def support_add(request, district, pk): ...

In every case an unknown or unpublished district is a 404, `request.district` is set (the header,
footer and navigation are drawn from it), anonymous visitors without the permission are sent to
the login and signed-in users without it get the site's 403 page.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin

from .models import District


def district_from(request, slug: str) -> District:
    """The published district of the URL, kept on the request for the header and footer."""
    district = District.objects.get_by_slug_or_404(slug)
    request.district = district
    return district


class DistrictMixin:
    """Resolves the district from the URL (`<slug:district>`); 404 for unknown or unpublished."""

    def dispatch(self, request, *args, **kwargs):
        self.district = district_from(request, kwargs["district"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs["district"] = self.district  # replaces the slug from the URL
        return super().get_context_data(**kwargs)


class DistrictPermissionMixin(DistrictMixin, PermissionRequiredMixin):
    """Anonymous visitors are sent to login; signed-in users without the role get 403."""

    def get_permission_object(self):
        return self.district


def district_view(permission=None, *, fn=None):
    """Decorator for function views whose URL has `<slug:district>`.

    The view receives the `District` instance as its `district` argument (instead of the slug),
    and `request.district` is set. With `permission`, `request.user.has_perm(permission, obj)`
    must hold, where `obj` is `fn(request, district, **other_url_kwargs)` if `fn` is given, else
    the district; otherwise anonymous visitors go to the login and signed-in users get 403.
    `fn` may raise `Http404` for an object that is not in the district.
    Used bare (`@district_view`) it only resolves the district.
    """
    if callable(permission) and fn is None:
        return district_view()(permission)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, district, **kwargs):
            district = district_from(request, district)
            if permission is not None:
                obj = fn(request, district, **kwargs) if fn is not None else district
                if not request.user.has_perm(permission, obj):
                    if not request.user.is_authenticated:
                        return redirect_to_login(request.get_full_path())
                    raise PermissionDenied
            return view(request, *args, district=district, **kwargs)

        return wrapper

    return decorator
