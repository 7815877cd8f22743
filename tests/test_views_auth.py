"""The web archive through Flask's test client. Signing in, sessions, CSRF, security headers and languages."""

from __future__ import annotations

from tests.conftest import csrf_token, login, text_of


def test_pages_need_a_sign_in(client, photos) -> None:
    for url in ("/", "/events/exchange", f"/photos/{photos[0]}", "/search?q=x", "/upload"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.location.startswith("/login?next=")
    assert client.get("/api/v1/events").status_code == 401
    assert client.get("/api/v1/events").json == {"error": "请先登录。"}


def test_sign_in_cookie_flags_and_sign_out(client, users) -> None:
    token = csrf_token(client)
    wrong = client.post(
        "/login", data={"username": "admin", "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in text_of(wrong)
    answer = client.post(
        "/login",
        data={
            "username": "admin",
            "password": "password-admin",
            "csrf_token": token,
            "next": "/search",
        },
    )
    assert answer.status_code == 302 and answer.location == "/search"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").status_code == 200
    # Signing out is a POST with the CSRF token.
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert client.get("/").status_code == 302


def test_no_open_redirect_after_sign_in(client, users) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = client.post(
            "/login",
            data={
                "username": "viewer",
                "password": "password-viewer",
                "csrf_token": csrf_token(client),
                "next": target,
            },
        )
        assert answer.location == "/"


def test_sign_in_attempts_are_limited(client, users) -> None:
    token = csrf_token(client)
    for _ in range(5):
        data = {"username": "editor", "password": "wrong", "csrf_token": token}
        assert client.post("/login", data=data).status_code == 401
    data = {"username": "editor", "password": "password-editor", "csrf_token": token}
    answer = client.post("/login", data=data)
    assert answer.status_code == 429 and "尝试次数过多" in text_of(answer)


def test_every_route_checks_a_permission(app) -> None:
    """Only signing in, the language switch, static files, display and share links go without a role."""
    open_by_design = {"static", "auth.login", "auth.logout", "auth.language"}
    unguarded = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if not hasattr(view, "permission")
        and endpoint not in open_by_design
        and not endpoint.startswith(("display.", "share."))  # secret links, checked per request
    ]
    assert unguarded == []


def test_security_headers(client, users) -> None:
    login(client, "viewer")
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def test_language_switch(client, users) -> None:
    login(client, "viewer")
    assert "搜索" in text_of(client.get("/"))
    assert client.get("/lang/en?next=/").location == "/"
    page = text_of(client.get("/"))
    assert "Search" in page and "搜索" not in page and 'lang="en"' in page
    assert client.get("/lang/xx").status_code == 404


def test_forms_and_api_refuse_requests_without_the_csrf_token(client, photos) -> None:
    token = login(client, "editor")
    answer = client.post(f"/photos/{photos[0]}/edit", data={"caption": "forged"})
    assert answer.status_code == 400 and "表单已过期" in text_of(answer)
    answer = client.patch(f"/api/v1/photos/{photos[0]}", json={"caption": "forged"})
    assert answer.status_code == 400
    answer = client.patch(
        f"/api/v1/photos/{photos[0]}", json={"caption": "forged"}, headers={"X-CSRFToken": "bad"}
    )
    assert answer.status_code == 400
    assert client.get(f"/api/v1/photos/{photos[0]}").json["caption"] != "forged"
    answer = client.patch(
        f"/api/v1/photos/{photos[0]}", json={"caption": "真的"}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 200 and answer.json["caption"] == "真的"


def test_parallel_wrong_passwords_through_a_real_server_pass_the_limit_no_more(tmp_path) -> None:
    import http.client
    import re
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode

    from tests.procs import gallery, serve

    assert gallery(tmp_path, "user", "add", "editor", "--role", "editor").returncode == 0
    server, port = serve(tmp_path, threads=8)
    try:
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        first.request("GET", "/login")
        answer = first.getresponse()
        cookie = answer.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrf-token" content="([^"]+)"', answer.read().decode())[1]
        first.close()
        body = urlencode({"username": "editor", "password": "wrong", "csrf_token": token})

        def wrong_password(_: int) -> int:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
            connection.request("POST", "/login", body, headers)
            status = connection.getresponse().status
            connection.close()
            return status

        with ThreadPoolExecutor(40) as pool:
            statuses = list(pool.map(wrong_password, range(40)))
    finally:
        server.kill()
        server.wait()
    assert statuses.count(401) == 5 and statuses.count(429) == 35, statuses


def test_the_throttle_forgets_the_stalest_names_beyond_its_bound() -> None:
    from gallery.views.security import Throttle

    throttle = Throttle(max_keys=100)
    for n in range(10_000):  # invented user names, one attempt each
        assert throttle.attempt(f"1.2.3.4|user{n}", 5, 600)
    assert len(throttle) == 100
    for _ in range(5):
        assert throttle.attempt("1.2.3.4|editor", 5, 600)
    assert not throttle.attempt("1.2.3.4|editor", 5, 600)
    throttle.clear("1.2.3.4|editor")
    assert throttle.attempt("1.2.3.4|editor", 5, 600)
    # Outside the window, an attempt no longer counts.
    assert all(throttle.attempt("1.2.3.4|viewer", 1, 0.0) for _ in range(3))
