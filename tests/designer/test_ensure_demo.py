from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError


def run(**options) -> str:
    out = StringIO()
    call_command("ensure_demo", stdout=out, **options)
    return out.getvalue()


def test_it_creates_the_demo_superuser(db, settings):
    settings.DEBUG = True

    output = run()

    user = authenticate(username="demo", password="demo-password")
    assert user is not None and user.is_superuser and user.is_staff
    assert "Log in at http://127.0.0.1:8000/ as demo / demo-password" in output


def test_it_is_idempotent_and_repairs_the_password(db, settings, django_user_model):
    settings.DEBUG = True
    run()
    user = django_user_model.objects.get(username="demo")
    user.set_password("changed")
    user.is_superuser = False
    user.save()

    run(port="8123")

    assert django_user_model.objects.filter(username="demo").count() == 1
    user = authenticate(username="demo", password="demo-password")
    assert user is not None and user.is_superuser


def test_it_names_the_port(db, settings):
    settings.DEBUG = True

    assert "http://127.0.0.1:8123/" in run(port="8123")


def test_it_refuses_without_debug(db, settings, django_user_model):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=1"):
        run()
    assert not django_user_model.objects.filter(username="demo").exists()


def test_it_creates_a_plain_reviewer_to_try_reviews_with(db, settings):
    settings.DEBUG = True

    output = run()

    reviewer = authenticate(username="reviewer", password="demo-password")
    assert reviewer is not None and not reviewer.is_superuser and not reviewer.is_staff
    assert "log in (another browser) as reviewer / demo-password" in output


def test_the_demo_users_have_addresses_so_notifications_show_on_the_console(db, settings, django_user_model):
    settings.DEBUG = True

    run()

    assert django_user_model.objects.get(username="demo").email == "demo@example.com"
    assert django_user_model.objects.get(username="reviewer").email == "reviewer@example.com"
