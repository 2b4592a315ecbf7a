def test_it_shows_the_home_page(client, django_user_model):
    user = django_user_model.objects.create_user("alice", password="x")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    assert b"Schema Designer" in response.content
    assert b'href="/admin/"' in response.content
    assert b"vendor/htmx.min.js" in response.content


def test_it_redirects_anonymous_users_to_login(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_page_renders(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_it_logs_in_with_a_password(client, django_user_model):
    django_user_model.objects.create_user("alice", password="correct horse")

    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse"})

    assert response.status_code == 302
    assert response["Location"] == "/"
