def test_unauthenticated_calls_get_401_in_the_error_shape(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail"}
    assert response.json()["error"] == "unauthorized"


def test_openapi_document_is_served_and_lists_operations(client, db):
    response = client.get("/api/v1/openapi.json")

    doc = response.json()
    assert response.status_code == 200
    assert doc["info"]["title"] == "Kohtaamo API"
    assert "/api/v1/people/{code}" in doc["paths"]


def test_a_malformed_code_gives_422_not_500(as_user, alice):
    response = as_user(alice).get("/api/v1/people/not-a-uuid")

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error" and body["detail"][0]["field"] == "path.code"


def test_an_unknown_path_is_404_json(as_user, alice):
    response = as_user(alice).get("/api/v1/nothing-here")

    assert response.status_code == 404


def test_me_describes_the_caller(as_user, alice):
    body = as_user(alice).get("/api/v1/me").json()

    assert body["username"] == "alice" and body["roles"] == ["social_counsellor"]


def test_another_organisation_gets_404_for_a_person(as_user, charlie, person):
    response = as_user(charlie).get(f"/api/v1/people/{person.code}")

    assert response.status_code == 404 and response.json()["error"] == "not_found"
