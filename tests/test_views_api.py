"""The web archive through Flask's test client. The JSON API for scripts: tokens and documented shapes."""

from __future__ import annotations

import json

from tests.conftest import login


def test_api_tokens_for_scripts(app, runner, archive, photos) -> None:
    result = runner.invoke(args=["token", "create", "editor", "--name", "backup"])
    assert result.exit_code == 0
    token = result.output.strip()
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    events = client.get("/api/v1/events", headers=bearer)
    assert events.status_code == 200 and events.json["events"][0]["slug"] == "exchange"
    # A script needs no CSRF token: the bearer token cannot be sent by another site's page.
    edit = client.patch(f"/api/v1/photos/{photos[0]}", json={"caption": "脚本"}, headers=bearer)
    assert edit.status_code == 200 and edit.json["caption"] == "脚本"
    assert client.get("/api/v1/events", headers={"Authorization": "Bearer nope"}).status_code == 401
    found = client.get("/api/v1/search?q=脚本", headers=bearer).json
    assert found["total"] == 1 and found["hits"][0]["photo"]["thumb"].startswith("/media/thumb/")


def test_api_event_json_is_documented_shape(client, photos) -> None:
    login(client, "viewer")
    data = client.get("/api/v1/events/exchange").json
    assert {"slug", "title", "credits", "photos"} <= set(data)
    assert set(data["photos"][0]) >= {"id", "caption", "url", "thumb", "display", "width", "height"}
    assert json.dumps(data)  # serialisable as it is
