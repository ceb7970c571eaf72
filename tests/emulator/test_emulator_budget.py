"""Tests of the emulator's rate limit (Cloudflare's per-user budget) and of its several accounts.

The model is the one Cloudflare documents (shared/cloudflare-api/README.md, "Rate limits"): a quota of
requests per fixed window per user, counted across every account and every credential of the user; the
request past it is refused with 429, and so is every request for the block that follows; every answer
carries ``Ratelimit`` and ``Ratelimit-Policy``. The official SDK drives the emulator where it can; the
emulator's clock is replaced so that windows and blocks pass without waiting.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import requests

import cloudflare
from cloudflare import Cloudflare

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cloudflare_emulator as ce  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT = ce.DEFAULT_ACCOUNT_ID
TOKEN = ce.DEFAULT_API_TOKEN
EMAIL = ce.DEFAULT_API_EMAIL
KEY = ce.DEFAULT_API_KEY
BEARER = {"Authorization": f"Bearer {TOKEN}"}
KEY_HEADERS = {"X-Auth-Email": EMAIL, "X-Auth-Key": KEY}
RATELIMIT_RE = re.compile(r'^"default";r=(\d+);t=(\d+)$')
POLICY_RE = re.compile(r'^"default";q=(\d+);w=(\d+)$')
CF_ENV = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_USER_SERVICE_KEY",
          "CLOUDFLARE_BASE_URL", "CLOUDFLARE_CUSTOM_HEADERS")


class FakeClock:  # pylint: disable=too-few-public-methods
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(name="clean_env", autouse=True)
def fixture_clean_env(monkeypatch):
    """Keep the SDK from picking up credentials or a base URL from the environment."""
    for name in CF_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="clock")
def fixture_clock():
    return FakeClock()


@pytest.fixture(name="server")
def fixture_server(clock):
    """Three accounts of four people each; 5 requests per 60 s window per user, a block of 120 s; a hand-moved clock."""
    with ce.running_server(generate=4, accounts=3, rate_limit=5, rate_window=60, rate_block=120) as srv:
        srv.rate_limit.clock = clock
        yield srv


def users_url(server, account: str = ACCOUNT) -> str:
    return f"{server.base_url}/accounts/{account}/access/users"


def control(server, method: str, name: str, body=None, status: int = 200):
    response = requests.request(method, f"{server.root_url}/__emulator__/{name}", json=body, timeout=10)
    assert response.status_code == status, response.text
    return response.json()


def budget_headers(response) -> tuple:
    """(left, reset, quota, window) from an answer's Ratelimit and Ratelimit-Policy headers."""
    left, reset = RATELIMIT_RE.match(response.headers["Ratelimit"]).groups()
    quota, window = POLICY_RE.match(response.headers["Ratelimit-Policy"]).groups()
    return int(left), int(reset), int(quota), int(window)


def sdk(server, **auth) -> Cloudflare:
    """The official SDK on the emulator, without its own retries (so that every 429 is seen)."""
    return Cloudflare(base_url=server.base_url, max_retries=0, http_client=httpx.Client(timeout=10), **auth)


# --------------------------------------------------------------------------- the budget
def test_off_by_default_no_headers_and_no_refusal():
    """Without --rate-limit nothing is counted or refused, and no Ratelimit header is sent (an older API)."""
    with ce.running_server(generate=2) as server, requests.Session() as http:
        for _request in range(30):
            response = http.get(users_url(server), headers=BEARER, timeout=5)
            assert response.status_code == 200
            assert "Ratelimit" not in response.headers and "Ratelimit-Policy" not in response.headers
        assert control(server, "GET", "budget") == {"quota": 0, "window": 300, "block": 300, "enabled": False, "users": {}}
        assert {entry["budget_left"] for entry in control(server, "GET", "requests")["requests"]} == {None}


def test_sdk_reads_the_headers_on_every_answer(server, clock):
    """Through the SDK's raw responses: r falls by one a request, t counts down to the reset, q and w are the policy."""
    users = sdk(server, api_token=TOKEN).zero_trust.access.users
    seen = []
    for step in range(3):
        raw = users.with_raw_response.list(account_id=ACCOUNT)
        assert raw.status_code == 200 and len(raw.parse().result) == 4
        seen.append(budget_headers(raw))
        clock.now += 10
    assert seen == [(4, 60, 5, 60), (3, 50, 5, 60), (2, 40, 5, 60)]
    assert step == 2  # pylint: disable=undefined-loop-variable


def test_past_the_quota_every_call_is_429_for_the_block(server, clock):
    """The request past the quota starts the block: the SDK gets RateLimitError with Retry-After, for every call."""
    client = sdk(server, api_token=TOKEN)
    for _request in range(5):
        client.zero_trust.access.users.list(account_id=ACCOUNT)
    with pytest.raises(cloudflare.RateLimitError) as refused:
        client.zero_trust.access.users.list(account_id=ACCOUNT)
    response = refused.value.response
    assert response.headers["Retry-After"] == "120"
    assert budget_headers(response)[:2] == (0, 120)
    body = response.json()
    assert body["success"] is False and body["errors"][0]["code"] == ce.CODE_RATE_LIMIT
    clock.now += 119
    with pytest.raises(cloudflare.RateLimitError) as still:
        client.zero_trust.seats.edit(account_id=ACCOUNT, body=[])
    assert still.value.response.headers["Retry-After"] == "1"
    clock.now += 1
    raw = client.zero_trust.access.users.with_raw_response.list(account_id=ACCOUNT)
    assert raw.status_code == 200 and budget_headers(raw)[:2] == (4, 60)  # a new window after the block
    status = control(server, "GET", "budget")["users"][EMAIL]
    assert status["served"] == 6 and status["refused"] == 2 and status["blocks"] == 1
    # The log says which window counted each request: the refusals belong to the first, the block's end opens the second.
    log = control(server, "GET", "requests")["requests"]
    assert [(entry["status"], entry["budget_window"]) for entry in log][-4:] == [(200, 1), (429, 1), (429, 1), (200, 2)]


def test_refused_requests_change_nothing(server):
    """A write refused by the rate limit is not applied."""
    http = requests.Session()
    for _request in range(5):
        assert http.get(users_url(server), headers=BEARER, timeout=5).status_code == 200
    before = control(server, "GET", "users")["users"]
    response = http.post(users_url(server), headers=BEARER, json={"email": "late@example.com"}, timeout=5)
    assert response.status_code == 429
    assert control(server, "GET", "users")["users"] == before


def test_one_budget_for_every_account_and_every_credential_of_the_user(server):
    """Token and email + key of one user, on three accounts, spend one budget; a wrong credential spends none of it."""
    accounts = control(server, "GET", "accounts")["accounts"]
    http = requests.Session()
    lefts = []
    for account, headers in zip(accounts + accounts[:2], [BEARER, KEY_HEADERS, BEARER, KEY_HEADERS, BEARER]):
        response = http.get(users_url(server, account), headers=headers, timeout=5)
        assert response.status_code == 200
        lefts.append(budget_headers(response)[0])
        wrong = http.get(users_url(server, account), headers={"Authorization": "Bearer wrong"}, timeout=5)
        assert wrong.status_code == 403 and "Ratelimit" in wrong.headers
    assert lefts == [4, 3, 2, 1, 0]
    response = http.get(users_url(server, accounts[2]), headers=KEY_HEADERS, timeout=5)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) == 120
    users = control(server, "GET", "budget")["users"]
    assert users[EMAIL]["served"] == 5 and users[ce.ANONYMOUS]["served"] == 5 and users[ce.ANONYMOUS]["refused"] == 0


def test_window_resets_without_a_block_when_the_quota_holds(server, clock):
    """Spending the whole quota is not past it: after the window, the quota is whole again."""
    http = requests.Session()
    for _request in range(5):
        response = http.get(users_url(server), headers=BEARER, timeout=5)
    assert budget_headers(response)[:2] == (0, 60)
    clock.now += 60
    response = http.get(users_url(server), headers=BEARER, timeout=5)
    assert response.status_code == 200 and budget_headers(response)[:2] == (4, 60)
    assert control(server, "GET", "budget")["users"][EMAIL]["blocks"] == 0


def test_block_of_zero_refuses_until_the_window_ends(clock):
    """--rate-block 0: the request past the quota is refused until its window ends, no longer."""
    with ce.running_server(generate=1, rate_limit=2, rate_window=10, rate_block=0) as server:
        server.rate_limit.clock = clock
        http = requests.Session()
        http.get(users_url(server), headers=BEARER, timeout=5)
        clock.now += 4
        http.get(users_url(server), headers=BEARER, timeout=5)
        refused = http.get(users_url(server), headers=BEARER, timeout=5)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "6"
        clock.now += 6
        assert http.get(users_url(server), headers=BEARER, timeout=5).status_code == 200


def test_request_log_notes_budget_left_and_agent(server):
    """The request log says what each request left of the budget, which window counted it, and which client sent it."""
    http = requests.Session()
    http.get(users_url(server), headers=dict(BEARER, **{"User-Agent": "person/1.0"}), timeout=5)
    http.get(users_url(server), headers=BEARER, timeout=5)
    log = control(server, "GET", "requests")["requests"]
    assert [(entry["agent"], entry["budget_left"], entry["budget_window"]) for entry in log] == [
        ("person/1.0", 4, 1), ("python-requests/" + requests.__version__, 3, 1)]


def test_control_api_sets_turns_off_and_resets_the_limit(server):
    """POST budget sets a limit and forgets what was spent; DELETE turns it off; reset restores the start-up limit."""
    http = requests.Session()
    http.get(users_url(server), headers=BEARER, timeout=5)
    assert control(server, "POST", "budget", {"quota": 2, "window": 10}) == {"quota": 2, "window": 10, "block": 10}
    assert control(server, "GET", "budget")["users"] == {}
    assert budget_headers(http.get(users_url(server), headers=BEARER, timeout=5)) == (1, 10, 2, 10)
    for bad in ({"quota": -1}, {"quota": 2, "window": 0}, {"quota": "2"}, {"quota": 2, "block": 1.5}, [1]):
        control(server, "POST", "budget", bad, status=400)
    assert control(server, "DELETE", "budget")["quota"] == 0
    assert "Ratelimit" not in http.get(users_url(server), headers=BEARER, timeout=5).headers
    control(server, "POST", "reset", {"generate": 2})
    assert control(server, "GET", "budget") == {"quota": 5, "window": 60, "block": 120, "enabled": True, "users": {}}


def test_budget_headers_fault_sets_the_headers_at_their_extremes(server):
    """A budget_headers fault puts its text in place of the limit's own headers, with the limit's figures filled in,
    or leaves a header out; a rule that is not text of those two headers is refused."""
    control(server, "POST", "faults", [
        {"method": "GET", "budget_headers": {"Ratelimit": '"default";r={left};t=0', "Ratelimit-Policy": None}},
        {"method": "GET", "budget_headers": {"Ratelimit-Policy": '"default";q=0;w=0'}},
    ])
    first = requests.get(users_url(server), headers=BEARER, timeout=5)
    assert first.status_code == 200
    assert first.headers["Ratelimit"] == '"default";r=4;t=0' and "Ratelimit-Policy" not in first.headers
    second = requests.get(users_url(server), headers=BEARER, timeout=5)
    assert second.headers["Ratelimit-Policy"] == '"default";q=0;w=0'
    assert RATELIMIT_RE.match(second.headers["Ratelimit"]).groups()[0] == "3"   # the limit's own, still counting
    for bad in ({"Retry-After": "1"}, {"Ratelimit": 5}, {"Ratelimit": "a\r\nb"}, {}, {"Ratelimit": "x" * 65001}):
        control(server, "POST", "faults", {"budget_headers": bad}, status=400)


def test_rate_limit_model_unit():
    """The model alone: a window opens with the first request, the block outlasts the window when longer."""
    clock = FakeClock(0.0)
    limit = ce.RateLimit(quota=2, window=10, block=30, clock=clock)
    assert [limit.admit("u")["left"] for _request in range(2)] == [1, 0]
    clock.now = 5.5
    verdict = limit.admit("u")
    assert verdict["refused"] and verdict["headers"]["Retry-After"] == "30"
    assert limit.admit("other")["left"] == 1  # another user has a budget of its own
    clock.now = 35.4
    assert limit.admit("u")["headers"]["Retry-After"] == "1"
    clock.now = 35.5
    assert limit.admit("u") == {"refused": False, "left": 1, "window": 3, "headers": {
        "Ratelimit": '"default";r=1;t=10', "Ratelimit-Policy": '"default";q=2;w=10'}}
    with pytest.raises(ValueError):
        ce.RateLimit(quota=True)


# --------------------------------------------------------------------------- several accounts
def test_accounts_each_have_their_own_users():
    """Every account serves the same people under ids of its own; a change in one leaves the others alone."""
    with ce.running_server(generate=4, accounts=3) as server:
        _check_accounts_apart(server)


def _check_accounts_apart(server):
    accounts = control(server, "GET", "accounts")["accounts"]
    assert accounts[0] == ACCOUNT and len(accounts) == len(set(accounts)) == 3
    assert all(re.match(r"^[0-9a-f]{32}$", account) for account in accounts)
    client = sdk(server, api_token=TOKEN)
    listed = {account: list(client.zero_trust.access.users.list(account_id=account)) for account in accounts}
    assert {account: [user.email for user in users] for account, users in listed.items()} == {
        account: [f"user0000{index}@example.com" for index in range(1, 5)] for account in accounts}
    ids = [user.id for users in listed.values() for user in users]
    assert len(set(ids)) == 12
    second = listed[accounts[1]][0]
    client.zero_trust.access.users.update(second.id, account_id=accounts[1], email=second.email, name="Renamed")
    assert control(server, "GET", f"accounts/{accounts[1]}/users")["users"][0]["name"] == "Renamed"
    assert control(server, "GET", f"accounts/{accounts[2]}/users")["users"][0]["name"] == "User 00001"
    assert control(server, "GET", "users")["users"][0]["name"] == "User 00001"
    with pytest.raises(cloudflare.NotFoundError):
        client.zero_trust.access.users.get(second.id, account_id=accounts[2])
    control(server, "GET", f"accounts/{'0' * 32}/users", status=404)


def test_accounts_from_the_control_api_and_reset():
    """POST accounts serves N accounts with the given people; reset goes back to the start-up number."""
    with ce.running_server(users=[{"email": "solo@example.com"}], accounts=2) as server:
        http = requests.Session()
        accounts = control(server, "POST", "accounts", {"accounts": 4, "users": [{"email": "x@example.com", "access_seat": True}]})["accounts"]
        assert len(accounts) == 4 and accounts[:2] == control(server, "GET", "accounts")["accounts"][:2]
        body = http.get(users_url(server, accounts[3]), headers=BEARER, timeout=5).json()
        assert [(user["email"], user["access_seat"]) for user in body["result"]] == [("x@example.com", True)]
        assert [user["email"] for user in control(server, "GET", "users")["users"]] == ["solo@example.com"]
        control(server, "POST", "accounts", {"accounts": 0}, status=400)
        control(server, "POST", "reset", {"generate": 3, "max_per_page": 2})
        accounts = control(server, "GET", "accounts")["accounts"]
        assert len(accounts) == 2
        body = http.get(users_url(server, accounts[1]), headers=BEARER, timeout=5).json()
        assert body["result_info"] == {"count": 2, "page": 1, "per_page": 2, "total_count": 3, "total_pages": 2}
        assert http.get(users_url(server, "f" * 32), headers=BEARER, timeout=5).status_code == 403


def test_cli_flags_and_environment(tmp_path):
    """--rate-limit/--rate-window/--accounts on the command line, EMULATOR_RATE_BLOCK from the environment."""
    port_file = tmp_path / "port"
    env = dict(os.environ, EMULATOR_RATE_BLOCK="7")
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, str(HERE / "cloudflare_emulator.py"), "--port-file", str(port_file), "--generate", "2",
         "--rate-limit", "3", "--rate-window", "20", "--accounts", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        for _attempt in range(300):
            if port_file.exists() and port_file.read_text(encoding="utf-8").strip():
                break
            assert process.poll() is None, process.communicate()
            subprocess.run(["sleep", "0.02"], check=True)
        root = f"http://127.0.0.1:{int(port_file.read_text(encoding='utf-8'))}"
        budget = requests.get(f"{root}/__emulator__/budget", timeout=5).json()
        assert (budget["quota"], budget["window"], budget["block"]) == (3, 20, 7)
        accounts = requests.get(f"{root}/__emulator__/accounts", timeout=5).json()["accounts"]
        response = requests.get(f"{root}/client/v4/accounts/{accounts[1]}/access/users", headers=BEARER, timeout=5)
        assert response.status_code == 200 and response.headers["Ratelimit-Policy"] == '"default";q=3;w=20'
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        out, err = process.communicate()
    assert f"accounts {' '.join(accounts)}".encode() in out and b"Traceback" not in err
    bad = subprocess.run([sys.executable, str(HERE / "cloudflare_emulator.py"), "--rate-window", "0"],
                         capture_output=True, check=False, timeout=30)
    assert bad.returncode == 2 and b"'window' must be an integer of at least 1" in bad.stderr


def test_contract_log_keeps_the_headers(tmp_path):
    """The contract log records the budget headers of every answer (the OpenAPI slice documents none)."""
    log = tmp_path / "contract.jsonl"
    with ce.running_server(generate=1, rate_limit=1, rate_window=30, contract_log=str(log)) as server:
        http = requests.Session()
        http.get(users_url(server), headers=BEARER, timeout=5)
        http.get(users_url(server), headers=BEARER, timeout=5)
    exchanges = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [exchange["status"] for exchange in exchanges] == [200, 429]
    assert exchanges[0]["response_headers"]["Ratelimit"] == '"default";r=0;t=30'
    assert exchanges[1]["response_headers"]["Retry-After"] == "30" and exchanges[1]["fault"] == []
