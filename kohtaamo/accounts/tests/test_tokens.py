from kohtaamo.accounts.actions import create_api_token
from kohtaamo.accounts.models import ApiToken
from kohtaamo.audit.models import AccessLogEntry


def test_token_page_creates_and_shows_the_token_once(as_user, alice):
    client = as_user(alice)

    created = client.post("/accounts/tokens/", {"name": "Mobiili"})
    again = client.get("/accounts/tokens/")

    token = ApiToken.objects.get(user=alice)
    body = created.content.decode()
    assert token.name == "Mobiili"
    plain = body.split('class="token">')[1].split("<")[0]
    assert plain.startswith("kht_") and plain not in again.content.decode()


def test_token_authenticates_api_calls_and_logs_api_reads(client, alice, person):
    _token, plain = create_api_token(alice, name="t")

    response = client.get(f"/api/v1/people/{person.code}", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 200
    assert response.json()["last_name"] == "Meikäläinen"
    assert response.json()["hetu_masked"].endswith("****")
    entry = AccessLogEntry.objects.get(person_code=person.code)
    assert (entry.action, entry.channel, entry.username) == ("api_read", "api", "alice")


def test_revoked_token_is_refused(as_user, client, alice):
    token, plain = create_api_token(alice, name="t")
    as_user(alice).post(f"/accounts/tokens/{token.code}/revoke/")
    client.logout()

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_someone_else_cannot_revoke_my_token(as_user, alice, charlie):
    token, _plain = create_api_token(alice, name="t")

    response = as_user(charlie).post(f"/accounts/tokens/{token.code}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 404 and token.revoked_at is None
