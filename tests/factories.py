"""Shared factories (users with roles, OPD, city). App factories live in tests/<app>/factories.py."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kotapintar.core.models import OPD, City, Profile

PASSWORD = "Rahasia-Uji-123"


class CityFactory(factory.django.DjangoModelFactory[City]):
    class Meta:
        model = City
        django_get_or_create = ("code",)

    code = "33.75"
    name = "Kota Pekalongan"
    province = "Jawa Tengah"
    min_lon = 109.642
    min_lat = -6.937
    max_lon = 109.714
    max_lat = -6.850


class OPDFactory(factory.django.DjangoModelFactory[OPD]):
    class Meta:
        model = OPD
        django_get_or_create = ("code",)

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"opd{n}")
    name = factory.LazyAttribute(lambda o: f"Dinas {o.code.upper()}")
    short_name = factory.LazyAttribute(lambda o: o.code.upper())
    kind = "dinas"


class UserFactory(factory.django.DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    email = factory.LazyAttribute(lambda u: f"{u.username}@pekalongankota.go.id")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(user: Any, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            for role in extracted:
                user.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def opd(user: Any, create: bool, extracted: OPD | None, **kwargs: Any) -> None:
        if create:
            Profile.objects.update_or_create(user=user, defaults={"opd": extracted})
            user.save()
