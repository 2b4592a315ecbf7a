def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_it_logs_in_with_a_password(client, django_user_model):
    django_user_model.objects.create_user("alice", password="correct horse")

    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_logs_out_with_post(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("alice"))

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_is_csrf_protected(db, django_user_model):
    from django.test import Client

    django_user_model.objects.create_user("alice", password="correct horse")
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/accounts/login/", {"username": "alice", "password": "correct horse"})

    assert response.status_code == 403
