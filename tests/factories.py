import factory
from allauth.account.models import EmailAddress

from strategy_portal.models import ActionField, District, Membership, ParticipantKind, Role, User

PASSWORD = "Sicheres-Passwort-2026"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Landkreis Beispiel {n}")
    slug = factory.Sequence(lambda n: f"landkreis-beispiel-{n}")
    kind = "landkreis"
    state = "Sachsen"
    contact_email = factory.LazyAttribute(lambda d: f"kontakt@{d.slug}.example")


class ActionFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionField

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    slug = factory.Sequence(lambda n: f"handlungsfeld-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A participant with a verified primary e-mail address, able to log in."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    kind = ParticipantKind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        if extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CompanyFactory(UserFactory):
    kind = ParticipantKind.COMPANY
    organisation_name = factory.Sequence(lambda n: f"Beispiel GmbH {n}")
    sector = "it"
    company_size = "small"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    role = Role.FACILITATOR


# --- Measures -------------------------------------------------------------------------------------


class MeasureFactory(factory.django.DjangoModelFactory):
    """A measure proposed online by a citizen. Counters start at zero: add supports, comments and
    follows through `measures.services` so that they stay right."""

    class Meta:
        model = "measures.Measure"

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Coworking-Raum im Dorfgemeinschaftshaus {n}")
    description = "Ein Arbeitsplatz mit schnellem Internet für Pendler*innen, nah am Wohnort."
    added_value = "Weniger Pendeln, mehr Leben im Ort."
    feasibility = "Räume der Gemeinde nutzen; Ausstattung über ein Förderprogramm."
    origin = "online"
    author = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.Comment"

    measure = factory.SubFactory(MeasureFactory)
    author = factory.SubFactory(UserFactory)
    body = "Gute Idee – das würde ich nutzen."
    depth = 0


class AnswerTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.AnswerTemplate"

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Vorlage {n}")
    body = "Vielen Dank für Ihren Vorschlag. Wir prüfen ihn im Rahmen der Bewertung."
