"""District scoping of views: the mixins and the `district_view` decorator for function views."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory

from strategy_portal import views
from strategy_portal.districts import district_view
from strategy_portal.models import Membership

from ..factories import DistrictFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _request(user=None, path="/landkreis-meissen/etwas/"):
    request = RequestFactory().post(path)
    request.user = user or AnonymousUser()
    return request


@district_view
def _open_view(request, district):
    return HttpResponse(f"{district.name}|{request.district.pk}")


@district_view("strategy_portal.manage_team")
def _team_view(request, district):
    return HttpResponse("team")


@district_view(
    "strategy_portal.view_workspace",
    fn=lambda request, district, pk: get_object_or_404(
        Membership.objects.for_district(district), pk=pk
    ),
)
def _membership_view(request, district, pk):
    return HttpResponse(f"membership {pk} in {district.slug}")


def test_district_view_hands_the_view_the_district_instead_of_its_slug(district):
    response = _open_view(_request(), district="landkreis-meissen")
    assert response.content.decode() == f"Landkreis Meißen|{district.pk}"


def test_district_view_answers_404_for_unknown_and_unpublished_districts(db):
    DistrictFactory(slug="geheimkreis", is_active=False)
    for slug in ("geheimkreis", "gibt-es-nicht"):
        with pytest.raises(Http404):
            _open_view(_request(), district=slug)


def test_district_view_sends_anonymous_visitors_to_the_login(district):
    response = _team_view(_request(), district="landkreis-meissen")
    assert response.status_code == 302
    assert response["Location"] == "/konto/anmelden/?next=/landkreis-meissen/etwas/"


def test_district_view_refuses_signed_in_users_without_the_permission(district, facilitator):
    with pytest.raises(PermissionDenied):
        _team_view(_request(facilitator), district="landkreis-meissen")


def test_district_view_lets_the_permitted_role_in(district, district_admin):
    assert _team_view(_request(district_admin), district="landkreis-meissen").content == b"team"


def test_district_view_checks_the_permission_on_the_object_fn_returns(
    district, other_district, facilitator, other_district_facilitator
):
    own = Membership.objects.get(user=facilitator)
    foreign = Membership.objects.get(user=other_district_facilitator)

    response = _membership_view(_request(facilitator), district="landkreis-meissen", pk=own.pk)
    assert response.content.decode() == f"membership {own.pk} in landkreis-meissen"
    # Another district's object through this district's address does not exist here.
    with pytest.raises(Http404):
        _membership_view(_request(facilitator), district="landkreis-meissen", pk=foreign.pk)
    # This district's object as a facilitator of another district: no permission.
    with pytest.raises(PermissionDenied):
        _membership_view(
            _request(other_district_facilitator), district="landkreis-meissen", pk=own.pk
        )


def test_a_refused_function_view_shows_the_sites_403_page(client, district, facilitator):
    client.force_login(facilitator)
    membership = Membership.objects.get(user=facilitator)
    response = client.post(f"/landkreis-meissen/verwaltung/team/{membership.pk}/entfernen/")
    assert response.status_code == 403
    assert "Landkreis Meißen" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_memberships_are_read_per_district_like_every_district_owned_model(
    district, other_district, facilitator, other_district_facilitator
):
    MembershipFactory(district=other_district)
    assert list(Membership.objects.for_district(district)) == [
        Membership.objects.get(user=facilitator)
    ]
    assert Membership.objects.for_district(other_district).count() == 2


def test_district_scoping_lives_in_its_own_module_only():
    assert not hasattr(views, "district_from")


def _district_owned_models():
    from django.apps import apps

    from strategy_portal.models import DistrictOwned

    return [model for model in apps.get_models() if issubclass(model, DistrictOwned)]


def test_reverse_names_of_district_owned_models_carry_their_app_label():
    """Two apps may both have a model of the same name; their reverse names must not clash."""
    models = _district_owned_models()
    assert models
    for model in models:
        field = model._meta.get_field("district")
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        assert field.remote_field.get_accessor_name() == f"{label}_set", model
        assert field.related_query_name() == label, model


def test_district_reaches_its_action_fields_through_the_app_qualified_name(district):
    from strategy_portal.models import ActionField

    field = ActionField.objects.create(district=district, title="Mobilität", slug="mobilitaet")
    assert list(district.strategy_portal_actionfield_set.all()) == [field]
    assert district.__class__.objects.filter(strategy_portal_actionfield__slug="mobilitaet").get()
