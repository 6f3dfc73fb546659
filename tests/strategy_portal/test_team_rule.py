"""The "at least one administrator" rule, held by one service for every way into a team: the
team page and the profile (tested with them), the Django admin's district inline and membership
pages (here), and account deletion, the one path allowed to take the last administrator."""

import pytest
from django import forms
from django.urls import reverse

from strategy_portal import services
from strategy_portal.models import District, Membership, Role

from ..factories import DistrictFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the admin's change page would submit unchanged: its form and its inline formsets."""
    data = {}

    def add(form):
        for field in form:
            if isinstance(field.field, forms.FileField):
                continue  # nothing uploaded: the stored file stays
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[field.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def inline_prefix(data, membership) -> str:
    for key, value in data.items():
        if key.endswith("-id") and str(value) == str(membership.pk):
            return key.removesuffix("-id")
    raise AssertionError(f"membership {membership.pk} not in the form")


@pytest.fixture
def admin_client(login, site_admin):
    return login(site_admin)


def district_change(admin_client, district, change):
    url = reverse("admin:strategy_portal_district_change", args=[district.pk])
    data = form_data(admin_client.get(url))
    change(data)
    return admin_client.post(url, data)


# --- The rule itself ------------------------------------------------------------------------------


def test_rule_refuses_to_take_the_last_admin(district, district_admin):
    own = Membership.objects.get(user=district_admin)

    with pytest.raises(services.LastAdminError) as refused:
        services.membership_remove(membership=own)

    assert refused.value.district == district
    assert Membership.objects.filter(pk=own.pk).exists()


def test_rule_lets_a_new_admin_replace_the_last_one(district, district_admin):
    own = Membership.objects.get(user=district_admin)

    assert services.leaves_without_admin(district=district, leaving=[own.pk])
    assert not services.leaves_without_admin(district=district, leaving=[own.pk], joining=1)


def test_a_district_without_admin_may_be_changed_freely(district, facilitator):
    membership = Membership.objects.get(user=facilitator)

    services.membership_remove(membership=membership)

    assert not Membership.objects.filter(district=district).exists()


def test_removing_several_is_all_or_nothing(district, district_admin, facilitator):
    memberships = list(Membership.objects.filter(district=district))

    with pytest.raises(services.LastAdminError):
        services.memberships_remove(memberships=memberships)

    assert Membership.objects.filter(district=district).count() == 2


# --- The district's team inline -------------------------------------------------------------------


def test_admin_inline_refuses_to_delete_the_last_admin(admin_client, district, district_admin):
    own = Membership.objects.get(user=district_admin)

    def delete_admin(data):
        data[f"{inline_prefix(data, own)}-DELETE"] = "on"

    response = district_change(admin_client, district, delete_admin)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Landkreis Meißen" in html
    errors = [str(e) for formset in response.context["inline_admin_formsets"]
              for e in formset.formset.non_form_errors()]  # fmt: skip
    assert len(errors) == 1 and "Landkreis Meißen" in errors[0]
    assert errors[0] in html
    assert Membership.objects.filter(pk=own.pk).exists()


def test_admin_inline_refuses_to_demote_the_last_admin(admin_client, district, district_admin):
    own = Membership.objects.get(user=district_admin)

    def demote(data):
        data[f"{inline_prefix(data, own)}-role"] = Role.FACILITATOR

    response = district_change(admin_client, district, demote)

    assert response.status_code == 200
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_admin_inline_hands_over_to_a_new_admin_in_one_save(
    admin_client, district, district_admin, facilitator
):
    own = Membership.objects.get(user=district_admin)
    other = Membership.objects.get(user=facilitator)

    def hand_over(data):
        data[f"{inline_prefix(data, own)}-DELETE"] = "on"
        data[f"{inline_prefix(data, other)}-role"] = Role.ADMIN

    response = district_change(admin_client, district, hand_over)

    assert response.status_code == 302
    assert list(Membership.objects.filter(district=district).values_list("user", "role")) == [
        (facilitator.pk, Role.ADMIN)
    ]


def test_admin_inline_removes_one_of_two_admins(admin_client, district, district_admin):
    second = MembershipFactory(district=district, role=Role.ADMIN)

    def delete_second(data):
        data[f"{inline_prefix(data, second)}-DELETE"] = "on"

    response = district_change(admin_client, district, delete_second)

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=second.pk).exists()


def test_a_new_district_is_created_without_admin(admin_client):
    url = reverse("admin:strategy_portal_district_add")
    data = form_data(admin_client.get(url))
    data.update(name="Landkreis Görlitz", slug="landkreis-goerlitz")

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert District.objects.filter(slug="landkreis-goerlitz").exists()


# --- The membership pages -------------------------------------------------------------------------


def test_membership_page_refuses_to_demote_the_last_admin(admin_client, district, district_admin):
    own = Membership.objects.get(user=district_admin)
    url = reverse("admin:strategy_portal_membership_change", args=[own.pk])
    data = form_data(admin_client.get(url))
    data["role"] = Role.FACILITATOR

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Landkreis Meißen" in str(response.context["adminform"].form.non_field_errors())
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_membership_page_refuses_to_move_the_last_admin_away(
    admin_client, district, other_district, district_admin
):
    own = Membership.objects.get(user=district_admin)
    url = reverse("admin:strategy_portal_membership_change", args=[own.pk])
    data = form_data(admin_client.get(url))
    data["district"] = other_district.pk

    admin_client.post(url, data)

    own.refresh_from_db()
    assert own.district == district


def test_membership_page_demotes_one_of_two_admins(admin_client, district, district_admin):
    second = MembershipFactory(district=district, role=Role.ADMIN)
    url = reverse("admin:strategy_portal_membership_change", args=[second.pk])
    data = form_data(admin_client.get(url))
    data["role"] = Role.FACILITATOR

    response = admin_client.post(url, data)

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.role == Role.FACILITATOR


def test_membership_delete_page_refuses_the_last_admin(admin_client, district, district_admin):
    own = Membership.objects.get(user=district_admin)
    url = reverse("admin:strategy_portal_membership_delete", args=[own.pk])

    page = admin_client.get(url, follow=True)
    response = admin_client.post(url, {"post": "yes"}, follow=True)

    for answer in (page, response):
        messages = [str(m) for m in answer.context["messages"]]
        assert len(messages) == 1 and "Landkreis Meißen" in messages[0]
    assert Membership.objects.filter(pk=own.pk).exists()


def test_bulk_delete_refuses_when_a_last_admin_is_among_them(
    admin_client, district, district_admin, facilitator
):
    response = admin_client.post(
        reverse("admin:strategy_portal_membership_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(Membership.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "Landkreis Meißen" in messages[0]
    assert Membership.objects.filter(district=district).count() == 2


def test_bulk_delete_removes_memberships_that_leave_an_admin(
    admin_client, district, district_admin, facilitator
):
    other = DistrictFactory()
    foreign = MembershipFactory(district=other, role=Role.FACILITATOR)
    selected = [Membership.objects.get(user=facilitator).pk, foreign.pk]

    response = admin_client.post(
        reverse("admin:strategy_portal_membership_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )

    assert response.status_code == 302
    assert list(Membership.objects.values_list("user", flat=True)) == [district_admin.pk]
