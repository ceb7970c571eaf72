"""Tests of the Cloudflare Zero Trust users/seats emulator.

Fidelity is checked against things written elsewhere: the official ``cloudflare`` Python SDK
drives the emulator, and every response it receives is validated against the published OpenAPI
slice (``shared/cloudflare-api/openapi-access-users-seats.json``) with ``openapi-schema-validator``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
import requests
from hypothesis import given, settings, strategies as st
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

import cloudflare
from cloudflare import Cloudflare

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cloudflare_emulator as ce  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT = ce.DEFAULT_ACCOUNT_ID
TOKEN = ce.DEFAULT_API_TOKEN
EMAIL = ce.DEFAULT_API_EMAIL
KEY = ce.DEFAULT_API_KEY
SPEC_NAME = "openapi-access-users-seats.json"
CF_ENV = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_USER_SERVICE_KEY",
          "CLOUDFLARE_BASE_URL", "CLOUDFLARE_CUSTOM_HEADERS")

SEVEN_USERS = [
    {"email": "alice@example.com", "name": "Alice Archer", "access_seat": True, "gateway_seat": True},
    {"email": "bob@example.com", "name": "Bob Baker", "access_seat": True, "gateway_seat": False},
    {"email": "carol@example.org", "name": "Carol Cooper"},
    {"email": "dave@example.com", "name": "Dave Dyer", "access_seat": True, "gateway_seat": False},
    {"email": "Erin@Example.com", "name": "Erin Evans", "access_seat": False, "gateway_seat": True},
    {"email": "frank@example.net", "name": "Frank Fisher"},
    {"email": "grace@example.com", "name": "Grace Green", "access_seat": True, "gateway_seat": True},
]


# --------------------------------------------------------------------------- helpers and fixtures
def _find_spec() -> Path:
    """The OpenAPI slice: CLOUDFLARE_API_SPEC, else the copy kept beside this file.

    The copy is the one in shared/cloudflare-api/ (test_spec_copy_matches_shared checks that
    where shared/ is beside the checkout), so a clone without shared/ still tests the emulator.
    """
    override = os.environ.get("CLOUDFLARE_API_SPEC")
    if override:
        return Path(override)
    return HERE / SPEC_NAME


#: Operations the kept copy adds to the shared slice (from Cloudflare's published spec, source C in its provenance).
ADDED_OPERATIONS = {("/accounts/{account_id}/access/organizations/revoke_user", "post")}


def test_spec_copy_matches_shared():
    """The kept copy is the shared slice plus ADDED_OPERATIONS: every shared operation unchanged, nothing else added."""
    shared = [parent / "shared" / "cloudflare-api" / SPEC_NAME for parent in HERE.parents]
    shared = [path for path in shared if path.is_file()]
    if not shared:
        pytest.skip("shared/cloudflare-api/ is not beside this checkout; the kept copy is used as it is")
    kept = json.loads((HERE / SPEC_NAME).read_text(encoding="utf-8"))
    original = json.loads(shared[0].read_text(encoding="utf-8"))
    kept_operations = {(path, method) for path, item in kept["paths"].items() for method in item}
    original_operations = {(path, method) for path, item in original["paths"].items() for method in item}
    assert kept_operations == original_operations | ADDED_OPERATIONS
    for path, method in original_operations:
        assert kept["paths"][path][method] == original["paths"][path][method], (method, path)
    assert {key: value for key, value in kept.items() if key not in ("paths", "info")} == \
        {key: value for key, value in original.items() if key not in ("paths", "info")}
    assert kept["info"]["x-provenance"].startswith(original["info"]["x-provenance"])


@pytest.fixture(name="spec", scope="session")
def fixture_spec() -> dict:
    """The OpenAPI slice, parsed."""
    with open(_find_spec(), encoding="utf-8") as handle:
        return json.load(handle)


class SpecChecker:
    """Validates captured responses against the OpenAPI slice (operation by method + path template)."""

    def __init__(self, document: dict):
        self.operations = []
        for template, item in document["paths"].items():
            regex = re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", template) + "$")
            for method, operation in item.items():
                self.operations.append((method.upper(), regex, template, operation))
        self.validated = []

    def operation(self, method: str, api_path: str):
        """Return (template, operation) for a request, or fail."""
        for op_method, regex, template, operation in self.operations:
            if op_method == method and regex.match(api_path):
                return template, operation
        raise AssertionError(f"no operation in the slice for {method} {api_path}")

    def check(self, method: str, api_path: str, status: int, body) -> None:
        """Validate one response body; 2xx against its status key, 4xx against '4XX'."""
        template, operation = self.operation(method, api_path)
        key = str(status) if 200 <= status < 300 else "4XX" if 400 <= status < 500 else None
        assert key is not None, f"{method} {api_path}: unexpected status {status}"
        # Cloudflare's spec writes the range "4xx" for some operations (revoke_user among them).
        responses = {name.upper(): response for name, response in operation["responses"].items()}
        assert key in responses, f"{method} {template}: status {status} not documented"
        schema = responses[key]["content"]["application/json"]["schema"]
        validator = OAS30ReadValidator(schema, format_checker=oas30_format_checker)
        errors = sorted(validator.iter_errors(body), key=lambda error: list(error.path))
        assert not errors, f"{method} {api_path} -> {status}: " + "; ".join(
            f"{list(error.path)}: {error.message}" for error in errors[:5])
        self.validated.append((method, template, status))


class Recorder:  # pylint: disable=too-few-public-methods
    """httpx response hook that keeps (method, api path, status, parsed JSON body) of every response."""

    def __init__(self):
        self.responses = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        path = response.request.url.path
        assert path.startswith(ce.API_PREFIX + "/"), path
        assert response.headers["content-type"].startswith("application/json")
        self.responses.append((response.request.method, path[len(ce.API_PREFIX):], response.status_code, response.json()))


@pytest.fixture(name="clean_env")
def fixture_clean_env(monkeypatch):
    """Keep the SDK from picking up credentials or a base URL from the environment."""
    for name in CF_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="server")
def fixture_server():
    """An in-process emulator holding the seven users, 2 users a page at most."""
    with ce.running_server(users=SEVEN_USERS, max_per_page=2) as srv:
        yield srv


@pytest.fixture(name="http")
def fixture_http():
    """A requests session (keep-alive)."""
    with requests.Session() as session:
        yield session


def url(server, path: str) -> str:
    """Absolute API URL of ``path`` (below /client/v4)."""
    return server.base_url + path


def users_path(suffix: str = "") -> str:
    """The users collection path of the default account."""
    return f"/accounts/{ACCOUNT}/access/users{suffix}"


SEATS_PATH = f"/accounts/{ACCOUNT}/access/seats"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def control(server, method: str, name: str, body=None):
    """Call the control API; return the parsed JSON."""
    response = requests.request(method, f"{server.root_url}/__emulator__/{name}", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def state_users(server) -> list:
    """The emulator's full user state."""
    return control(server, "GET", "users")["users"]


def by_email(server) -> dict:
    """The emulator's users keyed by lower-cased email."""
    return {user["email"].lower(): user for user in state_users(server)}


def assert_error(response, status: int, code: int | None = None) -> dict:
    """Assert a Cloudflare failure envelope with the given status (and first error code)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["result"] is None and body["messages"] == []
    assert body["errors"], body
    if code is not None:
        assert body["errors"][0]["code"] == code, body
    if 400 <= status < 500 and status != 429:
        assert all(error["code"] >= 1000 for error in body["errors"]), body
    return body


# --------------------------------------------------------------------------- the official SDK
def _sdk(server, recorder: Recorder, **auth) -> Cloudflare:
    http_client = httpx.Client(event_hooks={"response": [recorder]}, timeout=10)
    return Cloudflare(base_url=server.base_url, max_retries=0, http_client=http_client, **auth)


@pytest.mark.usefixtures("clean_env")
def test_sdk_token_full_cycle_validates_against_spec(server, spec):  # pylint: disable=too-many-locals,too-many-statements
    """The SDK lists across pages, gets, creates, updates, deletes and edits seats; all responses match the slice."""
    recorder = Recorder()
    client = _sdk(server, recorder, api_token=TOKEN)
    users = client.zero_trust.access.users

    first = users.list(account_id=ACCOUNT)
    assert first.result_info.per_page == 2 and first.result_info.total_count == 7 and first.result_info.total_pages == 4
    listed = list(users.list(account_id=ACCOUNT, per_page=1000))
    emails = [user.email for user in listed]
    assert sorted(emails) == sorted(user["email"] for user in SEVEN_USERS)
    assert len(set(user.id for user in listed)) == 7
    list_calls = [entry for entry in recorder.responses if entry[0] == "GET" and entry[1] == users_path()]
    assert len(list_calls) >= 5  # 4 full pages and the empty one that ends auto-pagination

    alice = next(user for user in listed if user.email == "alice@example.com")
    assert alice.uid == alice.id and alice.seat_uid != alice.id
    got = users.get(alice.id, account_id=ACCOUNT)
    assert got.email == "alice@example.com" and got.access_seat is True and got.gateway_seat is True

    created = users.create(account_id=ACCOUNT, email="heidi@example.com", name="Heidi Hall")
    assert created.email == "heidi@example.com" and created.access_seat is False and created.gateway_seat is False
    assert created.seat_uid and created.seat_uid != created.id
    with pytest.raises(cloudflare.ConflictError):
        users.create(account_id=ACCOUNT, email="HEIDI@example.com")

    updated = users.update(created.id, account_id=ACCOUNT, email="heidi@example.com", name="Heidi Renamed")
    assert updated.name == "Heidi Renamed" and updated.email == "heidi@example.com"
    with pytest.raises(cloudflare.BadRequestError):
        users.update(created.id, account_id=ACCOUNT, email="other@example.com", name="X")

    page = client.zero_trust.seats.edit(account_id=ACCOUNT, body=[
        {"seat_uid": alice.seat_uid, "access_seat": False, "gateway_seat": False},
        {"seat_uid": created.seat_uid, "access_seat": True, "gateway_seat": True},
    ])
    assert [(seat.seat_uid, seat.access_seat, seat.gateway_seat) for seat in page.result] == [
        (alice.seat_uid, False, False), (created.seat_uid, True, True)]
    with pytest.raises(cloudflare.BadRequestError):
        client.zero_trust.seats.edit(account_id=ACCOUNT, body=[{"seat_uid": "0" * 36, "access_seat": True, "gateway_seat": True}])
    after = users.get(alice.id, account_id=ACCOUNT)
    assert after.access_seat is False and after.gateway_seat is False and after.active_device_count == 0

    # Only the operations the collection calls are served: the others are unknown routes.
    with pytest.raises(cloudflare.NotFoundError):
        list(users.active_sessions.list(alice.id, account_id=ACCOUNT))

    assert client.zero_trust.organizations.revoke_users(account_id=ACCOUNT, email="heidi@example.com") is True
    assert users.delete(created.id, account_id=ACCOUNT) is None
    with pytest.raises(cloudflare.NotFoundError):
        users.get(created.id, account_id=ACCOUNT)
    with pytest.raises(cloudflare.NotFoundError):
        users.get("not-a-uuid", account_id=ACCOUNT)
    with pytest.raises(cloudflare.PermissionDeniedError):
        users.get(alice.id, account_id="f" * 32)
    bad_client = _sdk(server, recorder, api_token="wrong-token")
    with pytest.raises(cloudflare.PermissionDeniedError):
        bad_client.zero_trust.access.users.get(alice.id, account_id=ACCOUNT)
    with pytest.raises(cloudflare.BadRequestError):
        users.list(account_id=ACCOUNT, page=0)

    checker = SpecChecker(spec)
    for method, api_path, status, body in recorder.responses:
        checker.check(method, api_path, status, body)
    assert len(checker.validated) == len(recorder.responses) >= 21
    statuses = {entry[2] for entry in checker.validated}
    assert {200, 201, 202, 400, 403, 404, 409} <= statuses
    # Every operation the emulator serves (those the collection calls) was driven by the SDK.
    served = {(method, pattern.pattern) for _name, pattern, methods in ce._ROUTES for method in methods}
    driven = {(method, pattern.pattern) for _name, pattern, methods in ce._ROUTES for method in methods
              for entry_method, template, _status in checker.validated
              if entry_method == method and pattern.match(template.replace('{account_id}', ACCOUNT).replace('{user_id}', USER_ID_SAMPLE))}
    assert driven == served, served - driven


USER_ID_SAMPLE = "9b2a8f52-5c6e-4d3e-9d7c-0f7b6b1b2c3d"


def test_spec_checker_is_not_vacuous(spec):
    """The checker rejects bodies that break the slice (so a passing check means something)."""
    checker = SpecChecker(spec)
    bad_bodies = [
        ("GET", users_path(), 200, {"success": True, "errors": [], "messages": [], "result": [{"email": 5}]}),
        ("GET", users_path(), 200, {"success": True, "errors": [], "result": []}),
        ("GET", users_path(), 200, {"success": True, "errors": [], "messages": [], "result": [{"created_at": "yesterday"}]}),
        ("PATCH", SEATS_PATH, 400, {"success": False, "errors": [{"code": 971, "message": "slow down"}], "messages": [], "result": None}),
        ("DELETE", users_path("/x"), 400, {"success": False, "errors": [{"code": 7003, "message": "m"}], "messages": [], "result": {}}),
        ("POST", users_path(), 200, {"success": True, "errors": [], "messages": [], "result": {}}),
    ]
    for method, api_path, status, body in bad_bodies:
        with pytest.raises(AssertionError):
            checker.check(method, api_path, status, body)
    checker.check("DELETE", users_path("/x"), 400, {"success": False, "errors": [{"code": 7003, "message": "m"}], "messages": [], "result": None})


@pytest.mark.usefixtures("clean_env")
def test_sdk_api_key_scheme(server, spec):
    """The legacy X-Auth-Email + X-Auth-Key scheme works through the SDK; the log records 'key'."""
    recorder = Recorder()
    client = _sdk(server, recorder, api_email=EMAIL, api_key=KEY)
    listed = list(client.zero_trust.access.users.list(account_id=ACCOUNT))
    assert len(listed) == 7
    bob = next(user for user in listed if user.email == "bob@example.com")
    page = client.zero_trust.seats.edit(account_id=ACCOUNT, body=[{"seat_uid": bob.seat_uid, "access_seat": False, "gateway_seat": False}])
    assert page.result[0].seat_uid == bob.seat_uid
    bad = _sdk(server, recorder, api_email=EMAIL, api_key="wrong-key")
    with pytest.raises(cloudflare.PermissionDeniedError):
        bad.zero_trust.access.users.list(account_id=ACCOUNT).result  # pylint: disable=expression-not-assigned
    checker = SpecChecker(spec)
    for method, api_path, status, body in recorder.responses:
        checker.check(method, api_path, status, body)
    assert len(checker.validated) >= 6
    log = control(server, "GET", "requests")["requests"]
    assert {entry["auth"] for entry in log} == {"key"}
    assert by_email(server)["bob@example.com"]["access_seat"] is False


@pytest.mark.usefixtures("clean_env")
def test_the_clock_moves_the_date_of_every_answer_or_leaves_it_out(server, http):
    """The control API ``clock``: a Date a year behind the real time, then none, then back after a reset; the SDK
    reads the users whatever the Date says."""
    from email.utils import parsedate_to_datetime  # pylint: disable=import-outside-toplevel
    year = 365 * 86400
    assert control(server, "POST", "clock", {"offset": -year})["offset"] == -year
    answer = http.get(url(server, users_path()), headers=BEARER, timeout=10)
    assert answer.status_code == 200
    behind = time.time() - parsedate_to_datetime(answer.headers["Date"]).timestamp()
    assert year - 5 < behind < year + 5
    assert len(list(_sdk(server, Recorder(), api_token=TOKEN).zero_trust.access.users.list(account_id=ACCOUNT))) == 7
    control(server, "POST", "clock", {"date": False})
    answer = http.get(url(server, users_path()), headers=BEARER, timeout=10)
    assert answer.status_code == 200 and "Date" not in answer.headers
    for bad in ({"offset": "soon"}, {"offset": True}, {"date": "no"}):
        assert requests.post(f"{server.root_url}/__emulator__/clock", json=bad, timeout=10).status_code == 400
    control(server, "POST", "reset", {})
    assert control(server, "GET", "clock")["offset"] == 0 and control(server, "GET", "clock")["date"] is True
    answer = http.get(url(server, users_path()), headers=BEARER, timeout=10)
    assert abs(time.time() - parsedate_to_datetime(answer.headers["Date"]).timestamp()) < 5


@pytest.mark.usefixtures("clean_env")
def test_sdk_filters_are_substring_and_case_insensitive(server):
    """The email filter matches substrings, ignoring case, so exact matching is the client's job."""
    client = _sdk(server, Recorder(), api_token=TOKEN)
    found = list(client.zero_trust.access.users.list(account_id=ACCOUNT, email="ALICE@EXAMPLE"))
    assert [user.email for user in found] == ["alice@example.com"]
    found = list(client.zero_trust.access.users.list(account_id=ACCOUNT, email="@example.com"))
    assert len(found) == 5  # alice, bob, dave, Erin (mixed case) and grace; not carol (.org) nor frank (.net)


# --------------------------------------------------------------------------- authentication and routing
def test_wrong_token_is_403_10000(server, http):
    """A wrong bearer token is an authentication error."""
    assert_error(http.get(url(server, users_path()), headers={"Authorization": "Bearer nope"}), 403, 10000)


def test_missing_or_malformed_auth_is_400_6003(server, http):
    """No credentials or a malformed header is 6003 with the precise reason in error_chain."""
    body = assert_error(http.get(url(server, users_path())), 400, 6003)
    assert body["errors"][0]["error_chain"] == [{"code": 6111, "message": "Invalid format for Authorization header"}]
    for header in ("Token abc", "Bearer", "Bearer a b", "Basic Zm9vOmJhcg=="):
        body = assert_error(http.get(url(server, users_path()), headers={"Authorization": header}), 400, 6003)
        assert body["errors"][0]["error_chain"][0]["code"] == 6111
    body = assert_error(http.get(url(server, users_path()), headers={"X-Auth-Email": EMAIL}), 400, 6003)
    assert body["errors"][0]["error_chain"][0]["code"] == 6103
    body = assert_error(http.get(url(server, users_path()), headers={"X-Auth-Key": KEY}), 400, 6003)
    assert body["errors"][0]["error_chain"][0]["code"] == 6102
    assert_error(http.get(url(server, users_path()), headers={"X-Auth-Email": EMAIL, "X-Auth-Key": "bad"}), 403, 10000)
    assert_error(http.get(url(server, users_path()), headers={"X-Auth-Email": "x@example.com", "X-Auth-Key": KEY}), 403, 10000)
    assert http.get(url(server, users_path()), headers={"X-Auth-Email": EMAIL, "X-Auth-Key": KEY}).status_code == 200


def test_wrong_account_is_403_9109(server, http):
    """An account id other than the configured one is refused."""
    body = assert_error(http.get(url(server, f"/accounts/{'0' * 32}/access/users"), headers=BEARER), 403, 9109)
    assert body["errors"][0]["message"] == "Unauthorized to access requested resource"


def test_routing_errors(server, http):
    """Unknown URIs are 7000, unknown or malformed user ids are 7003, other methods 405."""
    assert_error(http.get(url(server, f"/accounts/{ACCOUNT}/access/groups"), headers=BEARER), 404, 7000)
    assert_error(http.get(f"{server.root_url}/elsewhere", headers=BEARER), 404, 7000)
    missing = "9b2a8f52-5c6e-4d3e-9d7c-0f7b6b1b2c3d"
    body = assert_error(http.get(url(server, users_path(f"/{missing}")), headers=BEARER), 404, 7003)
    assert body["errors"][0]["message"] == (
        f"Could not route to /accounts/{ACCOUNT}/access/users/{missing}, perhaps your object identifier is invalid?")
    assert_error(http.get(url(server, users_path("/not-a-uuid")), headers=BEARER), 404, 7003)
    assert_error(http.delete(url(server, users_path(f"/{missing}")), headers=BEARER), 404, 7003)
    assert_error(http.get(url(server, users_path(f"/{missing}/failed_logins")), headers=BEARER), 404, 7000)
    assert_error(http.post(url(server, SEATS_PATH), headers=BEARER, json=[]), 405, 7001)


def test_keep_alive_and_content_length(server):
    """Responses are HTTP/1.1 with Content-Length, so one connection serves many requests."""
    import http.client  # pylint: disable=import-outside-toplevel
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        sockets = set()
        for _attempt in range(3):
            connection.request("GET", ce.API_PREFIX + users_path(), headers=BEARER)
            response = connection.getresponse()
            payload = response.read()
            assert response.version == 11 and int(response.headers["Content-Length"]) == len(payload)
            assert json.loads(payload)["success"] is True
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


# --------------------------------------------------------------------------- users
def test_create_is_201_and_delete_is_202(server, http):
    """Create returns 201 and the new user; delete returns 202 with a null result."""
    response = http.post(url(server, users_path()), headers=BEARER, json={"email": "ivan@example.com", "name": "Ivan", "extra": 1})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True and body["errors"] == [] and body["messages"] == []
    user = body["result"]
    assert set(user) == set(ce.USER_FIELDS) - {"last_successful_login"}
    assert user["id"] == user["uid"] and user["seat_uid"] != user["id"]
    assert user["access_seat"] is False and user["gateway_seat"] is False and user["name"] == "Ivan"
    # A new user has not logged in yet: the API leaves last_successful_login out.
    assert user["created_at"].endswith("Z") and "last_successful_login" not in user
    response = http.delete(url(server, users_path(f"/{user['id']}")), headers=BEARER)
    assert response.status_code == 202 and response.json() == {"success": True, "errors": [], "messages": [], "result": None}
    assert "ivan@example.com" not in by_email(server)


def test_create_validation(server, http):
    """Duplicates (any case) are 409; a bad email, a non-object or malformed JSON are 400."""
    body = assert_error(http.post(url(server, users_path()), headers=BEARER, json={"email": "ALICE@example.com"}), 409)
    assert "already exists" in body["errors"][0]["message"]
    assert_error(http.post(url(server, users_path()), headers=BEARER, json={"email": "not-an-email"}), 400)
    assert_error(http.post(url(server, users_path()), headers=BEARER, json={"name": "No Email"}), 400)
    assert_error(http.post(url(server, users_path()), headers=BEARER, json=["x@example.com"]), 400)
    assert_error(http.post(url(server, users_path()), headers=BEARER, json={"email": "x@example.com", "name": 5}), 400)
    assert_error(http.post(url(server, users_path()), headers={**BEARER, "Content-Type": "application/json"}, data="{"), 400, 6007)
    assert len(state_users(server)) == 7


def test_put_requires_current_email(server, http):
    """PUT changes only the name; a different email is refused and changes nothing."""
    bob = by_email(server)["bob@example.com"]
    body = assert_error(http.put(url(server, users_path(f"/{bob['id']}")), headers=BEARER,
                                 json={"email": "robert@example.com", "name": "Robert"}), 400)
    assert "cannot be changed" in body["errors"][0]["message"]
    assert by_email(server)["bob@example.com"]["name"] == "Bob Baker"
    assert_error(http.put(url(server, users_path(f"/{bob['id']}")), headers=BEARER, json={"name": "Robert"}), 400)
    assert_error(http.put(url(server, users_path(f"/{bob['id']}")), headers=BEARER, json={"email": "bob@example.com"}), 400)
    response = http.put(url(server, users_path(f"/{bob['id']}")), headers=BEARER, json={"email": "BOB@example.com", "name": "Robert"})
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["name"] == "Robert" and result["email"] == "bob@example.com" and result["updated_at"] != bob["updated_at"]
    assert by_email(server)["bob@example.com"]["name"] == "Robert"


def test_list_pagination_and_result_info(server, http):
    """per_page is capped; past-the-end pages are empty with correct result_info; bad numbers are 400."""
    response = http.get(url(server, users_path()), headers=BEARER, params={"per_page": 1000, "page": 4})
    body = response.json()
    assert [user["email"] for user in body["result"]] == ["grace@example.com"]
    assert body["result_info"] == {"count": 1, "page": 4, "per_page": 2, "total_count": 7, "total_pages": 4}
    body = http.get(url(server, users_path()), headers=BEARER, params={"page": 9}).json()
    assert body["result"] == [] and body["result_info"] == {"count": 0, "page": 9, "per_page": 2, "total_count": 7, "total_pages": 4}
    for params in ({"page": 0}, {"page": "x"}, {"per_page": 0}, {"per_page": -3}, {"per_page": "1.5"}):
        assert_error(http.get(url(server, users_path()), headers=BEARER, params=params), 400)


def test_list_filters(server, http):
    """email and name are case-insensitive substrings; search covers email and name."""
    def emails(**params):
        collected, page = [], 1
        while True:
            body = http.get(url(server, users_path()), headers=BEARER, params={**params, "page": page}).json()
            collected += [user["email"] for user in body["result"]]
            if page >= body["result_info"]["total_pages"]:
                return collected
            page += 1

    assert emails(email="erin@example.COM") == ["Erin@Example.com"]
    assert emails(email="a") == ["alice@example.com", "bob@example.com", "carol@example.org", "dave@example.com",
                                 "Erin@Example.com", "frank@example.net", "grace@example.com"]
    assert emails(email=".org") == ["carol@example.org"]
    assert emails(name="ER") == ["alice@example.com", "bob@example.com", "carol@example.org", "dave@example.com", "Erin@Example.com",
                                 "frank@example.net"]
    assert emails(search="GREEN") == ["grace@example.com"]
    assert emails(search="example.net") == ["frank@example.net"]
    assert emails(email="example", name="bak") == ["bob@example.com"]
    assert not emails(email="nobody")


# --------------------------------------------------------------------------- seats
def test_patch_seats_updates_in_request_order(server, http):
    """PATCH sets both flags on each seat's user and returns Seat objects in request order."""
    users = by_email(server)
    items = [{"seat_uid": users["grace@example.com"]["seat_uid"], "access_seat": False, "gateway_seat": False},
             {"seat_uid": users["carol@example.org"]["seat_uid"], "access_seat": True, "gateway_seat": False}]
    response = http.patch(url(server, SEATS_PATH), headers=BEARER, json=items)
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert [(seat["seat_uid"], seat["access_seat"], seat["gateway_seat"]) for seat in result] == [
        (item["seat_uid"], item["access_seat"], item["gateway_seat"]) for item in items]
    assert all(set(seat) == {"access_seat", "created_at", "gateway_seat", "seat_uid", "updated_at"} for seat in result)
    after = by_email(server)
    assert after["grace@example.com"]["access_seat"] is False and after["grace@example.com"]["active_device_count"] == 0
    assert after["carol@example.org"]["access_seat"] is True
    assert after["carol@example.org"]["updated_at"] != users["carol@example.org"]["updated_at"]
    assert after["bob@example.com"] == users["bob@example.com"]


@pytest.mark.parametrize("bad_item, words", [
    ({"access_seat": True, "gateway_seat": False}, "seat_uid"),
    ({"seat_uid": "SEAT", "access_seat": "true", "gateway_seat": False}, "access_seat"),
    ({"seat_uid": "SEAT", "access_seat": True, "gateway_seat": 0}, "gateway_seat"),
    ({"seat_uid": "x" * 37, "access_seat": True, "gateway_seat": True}, "36"),
    ({"seat_uid": "00000000-0000-4000-8000-000000000000", "access_seat": True, "gateway_seat": True}, "unknown seat_uid"),
    ("not an object", "object"),
])
def test_patch_seats_is_atomic(server, http, bad_item, words):
    """One bad item rejects the whole array with 400 naming the item, and nothing changes."""
    before = state_users(server)
    users = {user["email"]: user for user in before}
    if isinstance(bad_item, dict) and bad_item.get("seat_uid") == "SEAT":
        bad_item = dict(bad_item, seat_uid=users["dave@example.com"]["seat_uid"])
    items = [{"seat_uid": users["alice@example.com"]["seat_uid"], "access_seat": False, "gateway_seat": False}, bad_item]
    body = assert_error(http.patch(url(server, SEATS_PATH), headers=BEARER, json=items), 400)
    message = body["errors"][0]["message"]
    assert "[1]" in message and words in message, message
    assert state_users(server) == before


def test_patch_seats_body_must_be_an_array(server, http):
    """An object (even one shaped like a seat) is not a valid PATCH body."""
    before = state_users(server)
    seat = {"seat_uid": before[0]["seat_uid"], "access_seat": False, "gateway_seat": False}
    assert_error(http.patch(url(server, SEATS_PATH), headers=BEARER, json=seat), 400)
    assert_error(http.patch(url(server, SEATS_PATH), headers=BEARER, json={"body": [seat]}), 400)
    assert_error(http.patch(url(server, SEATS_PATH), headers=BEARER, data=b"[{"), 400, 6007)
    assert state_users(server) == before


# --------------------------------------------------------------------------- faults
def test_fault_status_429_with_retry_after_changes_nothing(server, http):
    """A 429 fault carries Retry-After and code 971, is logged, and the faulted POST creates nothing."""
    control(server, "POST", "faults", {"method": "POST", "path": "/access/users$", "status": 429, "retry_after": 7})
    response = http.post(url(server, users_path()), headers=BEARER, json={"email": "judy@example.com"})
    body = assert_error(response, 429, 971)
    assert response.headers["Retry-After"] == "7"
    assert body["errors"][0]["message"] == "Please wait and consider throttling your request speed"
    assert "judy@example.com" not in by_email(server)
    assert control(server, "GET", "faults")["faults"] == []
    assert http.post(url(server, users_path()), headers=BEARER, json={"email": "judy@example.com"}).status_code == 201
    log = control(server, "GET", "requests")["requests"]
    assert [entry["status"] for entry in log if entry["method"] == "POST"] == [429, 201]


def test_fault_5xx_times_and_matching(server, http):
    """times counts down, -1 lasts until cleared, method/path select requests, custom errors are served."""
    control(server, "POST", "faults", [
        {"method": "PATCH", "status": 503, "times": 2},
        {"path": r"/users/[0-9a-f-]{36}$", "status": 500, "times": -1, "errors": [{"code": 1234, "message": "custom"}]},
    ])
    remaining = control(server, "GET", "faults")["faults"]
    assert [rule["times"] for rule in remaining] == [2, -1]
    assert http.get(url(server, users_path()), headers=BEARER).status_code == 200
    for _attempt in range(2):
        body = assert_error(http.patch(url(server, SEATS_PATH), headers=BEARER, json=[]), 503)
        assert body["errors"][0]["code"] >= 1000
    assert http.patch(url(server, SEATS_PATH), headers=BEARER, json=[]).status_code == 200
    alice = by_email(server)["alice@example.com"]
    for _attempt in range(3):
        body = assert_error(http.get(url(server, users_path(f"/{alice['id']}")), headers=BEARER), 500)
        assert body["errors"] == [{"code": 1234, "message": "custom"}]
    assert_error(http.delete(url(server, users_path(f"/{alice['id']}")), headers=BEARER), 500)
    assert "alice@example.com" in by_email(server)
    assert len(control(server, "GET", "faults")["faults"]) == 1
    control(server, "DELETE", "faults")
    assert http.get(url(server, users_path(f"/{alice['id']}")), headers=BEARER).status_code == 200


def test_fault_delay_triggers_client_timeout(server, http):
    """A delay fault sleeps and then serves the real response."""
    control(server, "POST", "faults", {"path": "access/users$", "delay": 0.6})
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(url(server, users_path()), headers=BEARER, timeout=0.2)
    started = time.monotonic()
    assert http.get(url(server, users_path()), headers=BEARER, timeout=5).status_code == 200
    assert time.monotonic() - started < 0.5
    control(server, "POST", "faults", {"path": "access/users$", "delay": 0.2})
    started = time.monotonic()
    response = requests.get(url(server, users_path()), headers=BEARER, timeout=5)
    assert response.status_code == 200 and response.json()["result_info"]["total_count"] == 7
    assert time.monotonic() - started >= 0.2


def test_latency_is_waited_by_every_answer_and_more_by_every_page_of_the_listing(server, http):
    """The control API sets the latency; every API answer waits it, a page of the users listing the page latency too;
    reset brings back the start-up latency (none)."""
    assert control(server, "GET", "latency") == {"request": 0.0, "page": 0.0}
    assert control(server, "POST", "latency", {"request": 0.2, "page": 0.3}) == {"request": 0.2, "page": 0.3}
    alice = by_email(server)["alice@example.com"]
    started = time.monotonic()
    assert http.get(url(server, users_path(f"/{alice['id']}")), headers=BEARER, timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    assert http.get(url(server, users_path()), headers=BEARER, params={"page": 2}, timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.5
    control(server, "POST", "reset", {"users": SEVEN_USERS, "max_per_page": 2})
    assert control(server, "GET", "latency") == {"request": 0.0, "page": 0.0}
    control(server, "POST", "latency", {"page": 1})
    assert control(server, "DELETE", "latency") == {"request": 0.0, "page": 0.0}
    for body in ({"request": -1}, {"page": "slow"}, {"request": True}, [0.1]):
        response = requests.post(f"{server.root_url}/__emulator__/latency", json=body, timeout=5)
        assert response.status_code == 400 and "latency" in response.json()["error"]


def test_requests_side_by_side_are_served_side_by_side(server):
    """With a latency of 1 s, four pages asked for at once all arrive before the first answer goes: the emulator
    waits the latency of each request on its own thread."""
    control(server, "POST", "latency", {"page": 1.0})
    answered = []

    def read(page):
        with requests.Session() as session:
            response = session.get(url(server, users_path()), headers=BEARER, params={"page": page}, timeout=10)
            answered.append(time.time())
            assert response.status_code == 200

    threads = [threading.Thread(target=read, args=(page,)) for page in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    arrived = [entry["at"] for entry in control(server, "GET", "requests")["requests"]]
    assert len(arrived) == 4 and len(answered) == 4
    assert max(arrived) < min(answered)


def test_fault_raw_body_and_success_false(server, http):
    """raw_body serves HTML; success_false is HTTP 200 with a failure envelope; neither changes state."""
    control(server, "POST", "faults", [{"path": "seats", "raw_body": "<html>bad gateway</html>", "status": 502},
                                       {"path": "seats", "raw_body": "<html>oops</html>"},
                                       {"path": "seats", "success_false": True}])
    seat = {"seat_uid": by_email(server)["alice@example.com"]["seat_uid"], "access_seat": False, "gateway_seat": False}
    response = http.patch(url(server, SEATS_PATH), headers=BEARER, json=[seat])
    assert response.status_code == 502 and response.text == "<html>bad gateway</html>"
    assert response.headers["Content-Type"].startswith("text/html")
    response = http.patch(url(server, SEATS_PATH), headers=BEARER, json=[seat])
    assert response.status_code == 200 and response.text == "<html>oops</html>"
    response = http.patch(url(server, SEATS_PATH), headers=BEARER, json=[seat])
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False and body["result"] is None and body["errors"][0]["code"] >= 1000
    assert by_email(server)["alice@example.com"]["access_seat"] is True
    assert http.patch(url(server, SEATS_PATH), headers=BEARER, json=[seat]).json()["success"] is True
    assert by_email(server)["alice@example.com"]["access_seat"] is False


def test_fault_result_info_drop_and_override(server, http):
    """drop_result_info removes result_info; result_info overrides fields; both serve the real result."""
    control(server, "POST", "faults", [{"method": "GET", "path": "users$", "drop_result_info": True},
                                       {"method": "GET", "path": "users$", "result_info": {"total_pages": 1, "total_count": 99}}])
    body = http.get(url(server, users_path()), headers=BEARER).json()
    assert "result_info" not in body and len(body["result"]) == 2
    body = http.get(url(server, users_path()), headers=BEARER).json()
    assert body["result_info"] == {"count": 2, "page": 1, "per_page": 2, "total_count": 99, "total_pages": 1}
    log = control(server, "GET", "requests")["requests"]
    assert [entry["status"] for entry in log] == [200, 200]


def test_fault_rules_are_validated(server):
    """A malformed rule is refused with 400 and nothing is queued."""
    for rule in ({"status": "x"}, {"path": "(", "status": 500}, {"times": 0, "status": 500}, {"method": "GET"},
                 {"status": 500, "success_false": True}, [{"status": 500}, 7]):
        response = requests.post(f"{server.root_url}/__emulator__/faults", json=rule, timeout=5)
        assert response.status_code == 400, rule
    assert control(server, "GET", "faults")["faults"] == []


# --------------------------------------------------------------------------- answers that lie or break
def test_fault_apply_does_the_write_then_loses_its_answer(server, http):
    """apply with raw_body: the user is created, the client gets the 502 page; apply with delay: done, then late."""
    control(server, "POST", "faults", [
        {"method": "POST", "path": "users$", "apply": True, "status": 502, "raw_body": "<html>502 Bad Gateway</html>"},
        {"method": "POST", "path": "users$", "apply": True, "delay": 0.6}])
    response = http.post(url(server, users_path()), headers=BEARER, json={"email": "lost@example.com", "name": "Lost"})
    assert response.status_code == 502 and "Bad Gateway" in response.text
    assert "lost@example.com" in by_email(server)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.post(url(server, users_path()), headers=BEARER, json={"email": "late@example.com"}, timeout=0.2)
    assert "late@example.com" in by_email(server)


def test_fault_query_matches_one_page_only(server, http):
    """A rule with query {page: 3} leaves pages 1 and 2 alone."""
    control(server, "POST", "faults", {"method": "GET", "path": "users$", "query": {"page": 3}, "status": 400})
    assert http.get(url(server, users_path()), headers=BEARER, params={"page": 2}).status_code == 200
    assert_error(http.get(url(server, users_path()), headers=BEARER, params={"page": 3}), 400)


def test_fault_rewrite_records_and_nonfinite_numbers(server, http):
    """rewrite_records changes matching records of the answer only; nonfinite puts NaN in the JSON text."""
    alice = by_email(server)["alice@example.com"]
    control(server, "POST", "faults", [
        {"method": "GET", "path": "users$", "rewrite_records": [
            {"match": {"email": "alice@example.com"}, "set": {"id": "../../zones", "name": "\u001b[31mA\u0007"}}]},
        {"method": "GET", "path": "users$", "nonfinite": {"active_device_count": "NaN"}}])
    result = http.get(url(server, users_path()), headers=BEARER).json()["result"]
    assert result[0]["id"] == "../../zones" and result[0]["name"] == "\u001b[31mA\u0007"
    assert by_email(server)["alice@example.com"]["id"] == alice["id"]
    text = http.get(url(server, users_path()), headers=BEARER).text
    assert '"active_device_count":NaN' in text


@pytest.mark.parametrize("mode, check", [
    ("half", lambda sent, got: [s["seat_uid"] for s in got] == [sent[0]["seat_uid"]]),
    ("empty", lambda sent, got: got == []),
    ("old_flags", lambda sent, got: [(s["access_seat"], s["gateway_seat"]) for s in got] == [(True, True), (True, False)]),
    ("other_seats", lambda sent, got: not {s["seat_uid"] for s in got} & {s["seat_uid"] for s in sent}),
])
def test_fault_seats_answer_lies_after_the_write(server, http, mode, check):
    """seats_answer: the PATCH is applied, and its answer leaves seats out, is empty, holds old flags or other seats."""
    users = by_email(server)
    sent = [{"seat_uid": users[email]["seat_uid"], "access_seat": False, "gateway_seat": False}
            for email in ("alice@example.com", "bob@example.com")]
    control(server, "POST", "faults", {"method": "PATCH", "path": "seats$", "seats_answer": mode})
    body = http.patch(url(server, SEATS_PATH), headers=BEARER, json=sent).json()
    assert body["success"] is True and check(sent, body["result"]), body["result"]
    after = by_email(server)
    assert not after["alice@example.com"]["access_seat"] and not after["bob@example.com"]["access_seat"]


def test_fault_listings_that_lie_and_unusual_answers(server, http):
    """empty_result, result_info_without, omit_fields, omit_result and success_status reshape a real answer."""
    control(server, "POST", "faults", [
        {"method": "GET", "path": "users$", "empty_result": True},
        {"method": "GET", "path": "users$", "result_info": {"total_pages": 1}, "result_info_without": ["total_count"]},
        {"method": "GET", "path": "users$", "omit_fields": ["name", "seat_uid"]},
        {"method": "PATCH", "path": "seats$", "omit_result": True, "success_status": 202}])
    body = http.get(url(server, users_path()), headers=BEARER).json()
    assert body["result"] == [] and body["result_info"]["total_count"] == 7
    body = http.get(url(server, users_path()), headers=BEARER).json()
    assert body["result_info"] == {"count": 2, "page": 1, "per_page": 2, "total_pages": 1}
    body = http.get(url(server, users_path()), headers=BEARER).json()
    assert all("name" not in user and "seat_uid" not in user and "email" in user for user in body["result"])
    seat = {"seat_uid": by_email(server)["alice@example.com"]["seat_uid"], "access_seat": False, "gateway_seat": False}
    response = http.patch(url(server, SEATS_PATH), headers=BEARER, json=[seat])
    assert response.status_code == 202 and "result" not in response.json() and response.json()["success"] is True
    assert by_email(server)["alice@example.com"]["access_seat"] is False


def test_fault_nested_depth_answers_deep_arrays(server, http):
    """nested_depth answers that many nested arrays, with the status given."""
    control(server, "POST", "faults", {"method": "GET", "path": "users$", "nested_depth": 100000, "status": 500})
    response = http.get(url(server, users_path()), headers=BEARER)
    assert response.status_code == 500 and response.content == b"[" * 100000 + b"]" * 100000


def test_seat_uids_are_matched_exactly_and_may_be_any_short_identifier(http):
    """A seat_uid of the users file keeps its letter case; the PATCH must send it as listed."""
    users = [{"email": "ada@example.com", "seat_uid": "SEAT-Ada-0001", "access_seat": True},
             {"email": "max@example.com", "seat_uid": "S" * 36}]
    with ce.running_server(users=users) as srv:
        listed = {u["email"]: u for u in http.get(url(srv, users_path()), headers=BEARER).json()["result"]}
        assert listed["ada@example.com"]["seat_uid"] == "SEAT-Ada-0001"
        lowered = [{"seat_uid": "seat-ada-0001", "access_seat": False, "gateway_seat": False}]
        assert_error(http.patch(url(srv, SEATS_PATH), headers=BEARER, json=lowered), 400, ce.CODE_UNKNOWN_SEAT)
        exact = [{"seat_uid": "SEAT-Ada-0001", "access_seat": False, "gateway_seat": False},
                 {"seat_uid": "S" * 36, "access_seat": True, "gateway_seat": False}]
        assert http.patch(url(srv, SEATS_PATH), headers=BEARER, json=exact).json()["success"] is True
    with pytest.raises(ValueError, match="seat_uid"):
        ce.make_server(users=[{"email": "x@example.com", "seat_uid": "S" * 37}])


def test_answer_fault_rules_are_validated(server):
    """Malformed answer behaviours are refused with 400."""
    for rule in ({"seats_answer": "most"}, {"nonfinite": {"name": "nan"}}, {"rewrite_records": [{"match": {}}]},
                 {"nested_depth": 0}, {"success_status": 404}, {"query": "page=3", "status": 500},
                 {"omit_fields": "name"}, {"apply": "yes", "status": 502}):
        response = requests.post(f"{server.root_url}/__emulator__/faults", json=rule, timeout=5)
        assert response.status_code == 400, rule
    assert control(server, "GET", "faults")["faults"] == []


# --------------------------------------------------------------------------- control API
def test_request_log_shape_and_no_credentials(server, http):
    """Every API request is logged in order with method, path, query, status and auth scheme; never a credential."""
    http.get(url(server, users_path()), headers=BEARER, params={"email": "ali", "per_page": "5"})
    http.get(url(server, users_path()), headers={"X-Auth-Email": EMAIL, "X-Auth-Key": KEY})
    http.get(url(server, users_path()))
    http.get(url(server, users_path()), headers={"Authorization": "Bearer wrong-secret"})
    control(server, "GET", "users")
    log = control(server, "GET", "requests")["requests"]
    assert [(entry["method"], entry["path"], entry["status"], entry["auth"]) for entry in log] == [
        ("GET", ce.API_PREFIX + users_path(), 200, "token"),
        ("GET", ce.API_PREFIX + users_path(), 200, "key"),
        ("GET", ce.API_PREFIX + users_path(), 400, "none"),
        ("GET", ce.API_PREFIX + users_path(), 403, "token"),
    ]
    assert log[0]["query"] == {"email": "ali", "per_page": "5"}
    dumped = json.dumps(log)
    for secret in (TOKEN, KEY, EMAIL, "wrong-secret"):
        assert secret not in dumped
    assert control(server, "DELETE", "requests")["cleared"] == 4
    assert control(server, "GET", "requests")["requests"] == []


def test_reset_replaces_state(server, http):
    """reset replaces users, clears the log and faults, and can change max_per_page."""
    http.get(url(server, users_path()), headers=BEARER)
    control(server, "POST", "faults", {"status": 500, "times": -1})
    assert control(server, "POST", "reset", {"generate": 12, "max_per_page": 5}) == {"users": 12}
    assert control(server, "GET", "requests")["requests"] == []
    assert control(server, "GET", "faults")["faults"] == []
    body = http.get(url(server, users_path()), headers=BEARER).json()
    assert body["result_info"] == {"count": 5, "page": 1, "per_page": 5, "total_count": 12, "total_pages": 3}
    assert control(server, "POST", "reset", {"users": [{"email": "solo@example.com", "access_seat": True}]}) == {"users": 1}
    (solo,) = state_users(server)
    assert http.get(url(server, users_path()), headers=BEARER).json()["result_info"]["per_page"] == 2  # back to the start-up value
    assert solo["id"] == ce.user_id_for("solo@example.com") and solo["seat_uid"] == ce.seat_uid_for("solo@example.com")
    response = requests.post(f"{server.root_url}/__emulator__/reset", json={"users": [{"email": "bad"}]}, timeout=5)
    assert response.status_code == 400
    assert len(state_users(server)) == 1


TIMES = ("created_at", "updated_at", "last_successful_login")


def test_generate_is_deterministic():
    """Same N gives the same users (ids, seat_uids; timestamps relative to the start) and a three-way seat spread."""
    with ce.running_server(generate=9) as first, ce.running_server(generate=9) as second:
        one, two = state_users(first), state_users(second)
    assert [dict((k, v) for k, v in u.items() if k not in TIMES) for u in one] == \
        [dict((k, v) for k, v in u.items() if k not in TIMES) for u in two]
    assert [user["email"] for user in one[:2]] == ["user00001@example.com", "user00002@example.com"]
    assert one[0]["name"] == "User 00001" and one[0]["id"] == ce.user_id_for("user00001@example.com")
    spread = [(user["access_seat"], user["gateway_seat"]) for user in one]
    assert spread.count((True, False)) == spread.count((True, True)) == spread.count((False, False)) == 3
    assert len({user["id"] for user in one} | {user["seat_uid"] for user in one}) == 18


@settings(max_examples=30, deadline=None, database=None)
@given(count=st.integers(0, 40), max_per_page=st.integers(1, 9), per_page=st.integers(1, 12),
       needle=st.sampled_from(["", "user0000", "USER0001", "3@", "User 0002", "zzz"]))
def test_pages_partition_the_filtered_list(count, max_per_page, per_page, needle):
    """Walking pages 1..total_pages returns each matching user exactly once, in order."""
    state = ce.EmulatorState(max_per_page=max_per_page)
    state.generate(count)
    expected = [user["email"] for user in state.all_users()
                if needle.lower() in user["email"].lower() or needle.lower() in user["name"].lower()]
    collected, page = [], 1
    while True:
        body = state.list_users({"search": needle, "per_page": str(per_page), "page": str(page)})
        info = body["result_info"]
        assert info["per_page"] == min(per_page, max_per_page) and info["count"] == len(body["result"])
        assert info["total_count"] == len(expected)
        collected += [user["email"] for user in body["result"]]
        if page >= info["total_pages"]:
            break
        page += 1
    assert collected == expected


# --------------------------------------------------------------------------- CLI and TLS
def _wait_for_port_file(path: Path, process: subprocess.Popen) -> int:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").strip():
            return int(path.read_text(encoding="utf-8"))
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("the emulator did not write its port file")


def test_cli_subprocess_generate_and_shutdown(tmp_path):
    """The CLI writes --port-file, serves --generate users with --max-per-page and --latency/--page-latency, and stops
    on /shutdown."""
    port_file = tmp_path / "port"
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, str(HERE / "cloudflare_emulator.py"), "--port-file", str(port_file), "--generate", "25",
         "--max-per-page", "10", "--account-id", "a" * 32, "--api-token", "cli-token", "--latency", "0.05",
         "--page-latency", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = _wait_for_port_file(port_file, process)
        base = f"http://127.0.0.1:{port}/client/v4/accounts/{'a' * 32}/access/users"
        body = requests.get(base, headers={"Authorization": "Bearer cli-token"}, params={"page": 3}, timeout=5).json()
        assert body["result_info"] == {"count": 5, "page": 3, "per_page": 10, "total_count": 25, "total_pages": 3}
        assert body["result"][-1]["email"] == "user00025@example.com"
        assert requests.get(base, headers=BEARER, timeout=5).status_code == 403
        latency = requests.get(f"http://127.0.0.1:{port}/__emulator__/latency", timeout=5).json()
        assert latency == {"request": 0.05, "page": 0.1}
        assert requests.post(f"http://127.0.0.1:{port}/__emulator__/shutdown", timeout=5).json() == {"shutdown": True}
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        out, err = process.communicate()
    assert b"listening on http://127.0.0.1:" in out
    assert b"Traceback" not in err


def test_cli_users_file(tmp_path):
    """--users-file loads users, generating missing ids deterministically and keeping given ones."""
    users_file = tmp_path / "users.json"
    given_id = "11111111-2222-4333-8444-555555555555"
    users_file.write_text(json.dumps([{"email": "file@example.com", "name": "From File", "gateway_seat": True},
                                      {"email": "fixed@example.com", "id": given_id}]), encoding="utf-8")
    port_file = tmp_path / "port"
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, str(HERE / "cloudflare_emulator.py"), "--port-file", str(port_file), "--users-file", str(users_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port = _wait_for_port_file(port_file, process)
        users = requests.get(f"http://127.0.0.1:{port}/__emulator__/users", timeout=5).json()["users"]
        assert [(user["email"], user["gateway_seat"]) for user in users] == [("file@example.com", True), ("fixed@example.com", False)]
        assert users[0]["id"] == ce.user_id_for("file@example.com") and users[1]["id"] == given_id
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _self_signed(tmp_path: Path) -> tuple:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    openssl = shutil.which("openssl")
    if openssl:
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-addext", "basicConstraints=critical,CA:TRUE"],
                       check=True, capture_output=True)
        return cert, key
    # pylint: disable=import-outside-toplevel
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                               x509.DNSName("localhost")]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(private, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert, key


def test_tls_mode(tmp_path):
    """With --tls-cert/--tls-key the API is HTTPS: verification fails without the CA and succeeds with it."""
    cert, key = _self_signed(tmp_path)
    with ce.running_server(generate=3, tls_cert=str(cert), tls_key=str(key)) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(url(server, users_path()), headers=BEARER, timeout=5)
        response = requests.get(url(server, users_path()), headers=BEARER, timeout=5, verify=str(cert))
        assert response.status_code == 200 and response.json()["result_info"]["total_count"] == 3
        # A client that connects and never handshakes must not block other clients.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5):
            response = requests.get(url(server, users_path()), headers=BEARER, timeout=5, verify=str(cert))
            assert response.status_code == 200


def test_generated_logins_spread_over_recent_old_and_never():
    """Generated users carry realistic logins: recent, weeks, a quarter, over a year, and never (the field left out)."""
    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
    users = ce.generate_user_specs(10, now=now)
    days = []
    for user in users:
        login = user["last_successful_login"]
        days.append(None if login is None else (now - datetime.fromisoformat(login.replace("Z", "+00:00"))).days)
    assert days == [1, 20, 95, 400, None, 1, 20, 95, 400, None]
    created = [(now - datetime.fromisoformat(u["created_at"].replace("Z", "+00:00"))).days for u in users]
    assert created[9] == 3 and created[4] == 500
    with ce.running_server(generate=10) as server:
        listed = state_users(server)
    assert ["last_successful_login" in u for u in listed] == [True, True, True, True, False] * 2


# --------------------------------------------------------------------------- revoking a user's sessions
REVOKE_PATH = f"/accounts/{ACCOUNT}/access/organizations/revoke_user"


@pytest.mark.usefixtures("clean_env")
def test_sdk_revoke_users_is_recorded_and_matches_the_slice(server, spec):
    """revoke_users answers result true, is recorded with its devices flag, and every answer matches the slice."""
    recorder = Recorder()
    client = _sdk(server, recorder, api_token=TOKEN)
    organizations = client.zero_trust.organizations
    alice_before = by_email(server)["alice@example.com"]
    assert alice_before["active_device_count"] == 1

    assert organizations.revoke_users(account_id=ACCOUNT, email="bob@example.com") is True
    assert organizations.revoke_users(account_id=ACCOUNT, email="alice@example.com", body_devices=True) is True
    assert organizations.revoke_users(account_id=ACCOUNT, email="grace@example.com", query_devices=True) is True
    assert organizations.revoke_users(account_id=ACCOUNT, email="nobody@example.com") is True
    with pytest.raises(cloudflare.BadRequestError):
        organizations.revoke_users(account_id=ACCOUNT, email="not-an-email")
    with pytest.raises(cloudflare.PermissionDeniedError):
        organizations.revoke_users(account_id="f" * 32, email="bob@example.com")

    revocations = control(server, "GET", "revocations")["revocations"]
    users = by_email(server)
    assert [(entry["email"], entry["user_id"], entry["devices"]) for entry in revocations] == [
        ("bob@example.com", users["bob@example.com"]["id"], False),
        ("alice@example.com", users["alice@example.com"]["id"], True),
        ("grace@example.com", users["grace@example.com"]["id"], True),
        ("nobody@example.com", None, False),
    ]
    assert users["alice@example.com"]["active_device_count"] == 0      # devices revoked with the sessions
    assert users["alice@example.com"]["access_seat"] is True            # a revocation leaves the seat alone
    log = control(server, "GET", "requests")["requests"]
    posted = [entry for entry in log if entry["path"].endswith("/access/organizations/revoke_user")]
    assert [entry["status"] for entry in posted] == [200, 200, 200, 200, 400, 403]
    assert posted[1]["body"] == {"email": "alice@example.com", "devices": True}
    assert posted[2]["query"] == {"devices": "true"}

    checker = SpecChecker(spec)
    for method, api_path, status, body in recorder.responses:
        checker.check(method, api_path, status, body)
    assert {entry[2] for entry in checker.validated} == {200, 400, 403}


def test_revoke_user_validates_its_body(server, http):
    """email is required; devices, warp_session_reauth and user_uid keep their types; nothing is recorded for a refusal."""
    for body in ({}, {"email": 5}, {"email": "bob@example.com", "devices": "yes"},
                 {"email": "bob@example.com", "warp_session_reauth": 1}, {"email": "bob@example.com", "user_uid": 7}, []):
        assert_error(http.post(url(server, REVOKE_PATH), headers=BEARER, json=body), 400, 1001)
    assert_error(http.post(url(server, REVOKE_PATH) + "?devices=maybe", headers=BEARER, json={"email": "bob@example.com"}), 400, 1001)
    assert_error(http.post(url(server, REVOKE_PATH), headers=BEARER, data=b"{"), 400, 6007)
    assert_error(http.get(url(server, REVOKE_PATH), headers=BEARER), 405, 7001)
    assert_error(http.post(url(server, REVOKE_PATH), json={"email": "bob@example.com"}), 400, 6003)
    assert control(server, "GET", "revocations")["revocations"] == []


def test_failed_revocation_fault_records_nothing(server, http):
    """A fault rule on revoke_user fails it (403 10000, as for a token without the permission) and records nothing."""
    control(server, "POST", "faults", {"method": "POST", "path": "/revoke_user$", "status": 403})
    assert_error(http.post(url(server, REVOKE_PATH), headers=BEARER, json={"email": "bob@example.com", "devices": True}), 403, 10000)
    assert control(server, "GET", "revocations")["revocations"] == []
    assert by_email(server)["alice@example.com"]["active_device_count"] == 1
    assert http.post(url(server, REVOKE_PATH), headers=BEARER, json={"email": "bob@example.com"}).json()["result"] is True
    assert len(control(server, "GET", "revocations")["revocations"]) == 1


def test_revocations_are_cleared_by_delete_and_by_reset(server, http):
    """The control API forgets revocations on DELETE and on reset, like the request log."""
    for email in ("bob@example.com", "dave@example.com"):
        http.post(url(server, REVOKE_PATH), headers=BEARER, json={"email": email})
    assert control(server, "DELETE", "revocations") == {"cleared": 2}
    assert control(server, "GET", "revocations")["revocations"] == []
    http.post(url(server, REVOKE_PATH), headers=BEARER, json={"email": "bob@example.com"})
    control(server, "POST", "reset", {"users": SEVEN_USERS})
    assert control(server, "GET", "revocations")["revocations"] == []


def test_a_reset_body_may_give_times_relative_to_now(server, http):
    """"now-<days>d" in a users file or reset body is that many days before the load (demo/users.json keeps its ages)."""
    before = datetime.now(timezone.utc)
    control(server, "POST", "reset", {"users": [
        {"email": "week@example.com", "created_at": "now-30d", "last_successful_login": "now-7.5d"},
        {"email": "fixed@example.com", "last_successful_login": "2025-01-10T09:00:00Z"}]})
    users = {user["email"]: user for user in control(server, "GET", "users")["users"]}
    login = datetime.strptime(users["week@example.com"]["last_successful_login"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    created = datetime.strptime(users["week@example.com"]["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert 7.49 <= (before - login).total_seconds() / 86400 <= 7.51
    assert 29.99 <= (before - created).total_seconds() / 86400 <= 30.01
    assert users["fixed@example.com"]["last_successful_login"] == "2025-01-10T09:00:00Z"
