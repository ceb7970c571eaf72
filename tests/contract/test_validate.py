# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of the contract check: the emulator's contract log and tests/contract/validate.py.

Run with the contract venv (``make contract-tests``): openapi-core and pytest, nothing else; the
emulator is standard library only and is driven here with urllib.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

import cloudflare_emulator as ce  # noqa: E402  pylint: disable=wrong-import-position
import validate  # noqa: E402  pylint: disable=wrong-import-position
from normalise_spec import DEFAULT_SLICE, normalise  # noqa: E402  pylint: disable=wrong-import-position

ACCOUNT = ce.DEFAULT_ACCOUNT_ID
USERS_PATH = f"/client/v4/accounts/{ACCOUNT}/access/users"
SEATS_PATH = f"/client/v4/accounts/{ACCOUNT}/access/seats"
REVOKE_PATH = f"/client/v4/accounts/{ACCOUNT}/access/organizations/revoke_user"


def call(server, method, path, body=None, headers=None, token=ce.DEFAULT_API_TOKEN):
    """One HTTP request to the emulator; returns (status, parsed body)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(server.root_url + path, data=data, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def read_log(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(name="recorded")
def fixture_recorded(tmp_path):
    """An emulator with 3 users that logs its exchanges to tmp_path/contract.jsonl."""
    log = tmp_path / "contract.jsonl"
    with ce.running_server(generate=3, contract_log=str(log)) as server:
        yield server, log


def checker(rules=None) -> validate.ContractChecker:
    return validate.ContractChecker(DEFAULT_SLICE, validate.Expectations(rules or []))


def good_exchange() -> dict:
    """A correct GET of one page of users, as the emulator logs it."""
    user = {"id": "94d7b2ec-5dca-5f8d-8c08-71bf67a409aa", "email": "user00001@example.com", "name": "User 00001",
            "access_seat": True, "gateway_seat": False, "seat_uid": "b5efe87f-25d2-561e-9e2e-cea6b7708a01"}
    body = {"success": True, "errors": [], "messages": [], "result": [user],
            "result_info": {"count": 1, "page": 1, "per_page": 1000, "total_count": 1, "total_pages": 1}}
    return {"method": "GET", "path": USERS_PATH, "query": "page=1&per_page=1000",
            "request_headers": {"Authorization": "Bearer <redacted>", "Accept": "*/*"}, "request_body": None,
            "status": 200, "response_headers": {"Content-Type": "application/json"},
            "response_body": json.dumps(body), "fault": []}


# --------------------------------------------------------------------------- the emulator's log
def test_log_holds_every_api_exchange_and_no_control_call(recorded):
    server, log = recorded
    status, listing = call(server, "GET", USERS_PATH + "?per_page=2")
    assert status == 200
    user = listing["result"][0]
    assert call(server, "PATCH", SEATS_PATH, [{"seat_uid": user["seat_uid"], "access_seat": True, "gateway_seat": True}])[0] == 200
    assert call(server, "GET", "/__emulator__/requests", token=None)[0] == 200
    entries = read_log(log)
    assert [(entry["method"], entry["path"], entry["status"]) for entry in entries] == [
        ("GET", USERS_PATH, 200), ("PATCH", SEATS_PATH, 200)]
    assert entries[0]["query"] == "per_page=2"
    assert json.loads(entries[1]["request_body"])[0]["seat_uid"] == user["seat_uid"]
    assert json.loads(entries[0]["response_body"])["result_info"]["per_page"] == 2
    assert entries[0]["response_headers"]["Content-Type"] == "application/json"


def test_log_never_holds_a_credential(recorded):
    server, log = recorded
    call(server, "GET", USERS_PATH)
    call(server, "GET", USERS_PATH, token=None, headers={"X-Auth-Email": ce.DEFAULT_API_EMAIL, "X-Auth-Key": ce.DEFAULT_API_KEY})
    call(server, "GET", USERS_PATH, token=None, headers={"Authorization": ce.DEFAULT_API_TOKEN})
    text = log.read_text(encoding="utf-8")
    for secret in (ce.DEFAULT_API_TOKEN, ce.DEFAULT_API_KEY, ce.DEFAULT_API_EMAIL):
        assert secret not in text
    headers = [entry["request_headers"] for entry in read_log(log)]
    assert headers[0]["Authorization"] == "Bearer <redacted>"
    assert headers[1]["X-Auth-Key"] == "<redacted>" and headers[1]["X-Auth-Email"] == "<redacted>"
    assert headers[2]["Authorization"] == "<redacted>"   # no scheme word: nothing of it is kept


def test_log_names_the_fault_behaviours_that_shaped_the_answer(recorded):
    server, log = recorded
    call(server, "POST", "/__emulator__/faults", [{"method": "GET", "status": 503}, {"method": "GET", "delay": 0.01}], token=None)
    assert call(server, "GET", USERS_PATH)[0] == 503
    assert call(server, "GET", USERS_PATH)[0] == 200
    assert call(server, "GET", USERS_PATH)[0] == 200
    assert [entry["fault"] for entry in read_log(log)] == [["status"], ["delay"], []]


# --------------------------------------------------------------------------- the validator
def test_real_exchanges_of_the_emulator_pass(recorded):
    server, log = recorded
    _status, listing = call(server, "GET", USERS_PATH + "?page=1&per_page=1000")
    user = listing["result"][0]
    call(server, "GET", f"{USERS_PATH}/{user['id']}")
    call(server, "PUT", f"{USERS_PATH}/{user['id']}", {"email": user["email"], "name": "Renamed"})
    call(server, "POST", USERS_PATH, {"email": "new.person@example.com", "name": "New Person"})
    call(server, "PATCH", SEATS_PATH, [{"seat_uid": user["seat_uid"], "access_seat": False, "gateway_seat": False}])
    call(server, "GET", USERS_PATH, token="wrong-token")                      # 403, a documented 4XX envelope
    call(server, "POST", REVOKE_PATH, {"email": user["email"], "devices": True})
    call(server, "POST", REVOKE_PATH + "?devices=true", {"email": user["email"]})
    call(server, "POST", REVOKE_PATH, {"email": user["email"]}, token="wrong-token")   # 403 under the published "4xx"
    call(server, "DELETE", f"{USERS_PATH}/{user['id']}")
    check = checker()
    check.check_log(log)
    assert check.violations == []
    assert check.counts["requests"] == check.counts["responses"] == 10


def test_rate_limited_exchanges_pass_with_the_kept_expectations(tmp_path):
    """The emulator's rate limit: its headers on every answer, its 429 (code 971, as Cloudflare's) an expected violation."""
    log = tmp_path / "contract.jsonl"
    with ce.running_server(generate=1, rate_limit=2, rate_window=60, contract_log=str(log)) as server:
        statuses = [call(server, "GET", USERS_PATH)[0] for _request in range(3)]
    assert statuses == [200, 200, 429]
    assert all("Ratelimit" in entry["response_headers"] for entry in read_log(log))
    check = checker()
    check.check_log(log)
    assert len(check.violations) == 1 and "971 is less than the minimum of 1000" in "\n".join(check.violations[0][2])
    check = validate.ContractChecker(DEFAULT_SLICE, validate.Expectations.load(validate.DEFAULT_EXPECTED))
    check.check_log(log)
    assert check.violations == [] and check.counts["expected"] == 1


def test_deliberately_wrong_response_is_a_violation_and_fails_the_run(tmp_path):
    """The proof that a violation fails `make test`: one wrong exchange, exit status 1."""
    wrong = good_exchange()
    body = json.loads(wrong["response_body"])
    body["result"][0]["access_seat"] = "yes"      # a string where the slice says boolean
    del body["success"]                           # and a required envelope key missing
    wrong["response_body"] = json.dumps(body)
    log = tmp_path / "contract.jsonl"
    log.write_text(json.dumps(good_exchange()) + "\n" + json.dumps(wrong) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(HERE / "validate.py"), str(log)], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{log}:2: response of GET {USERS_PATH}?page=1&per_page=1000 -> 200" in result.stderr
    assert f"{log}:1:" not in result.stderr
    assert "1 violations" in result.stdout


def test_good_log_passes_the_command_line(tmp_path):
    log = tmp_path / "contract.jsonl"
    log.write_text(json.dumps(good_exchange()) + "\n", encoding="utf-8")
    assert validate.main([str(log), "--min-exchanges", "1"]) == 0
    assert validate.main([str(log), "--min-exchanges", "2"]) == 1


def test_wrong_request_body_is_a_violation():
    exchange = good_exchange()
    exchange.update(method="PATCH", path=SEATS_PATH, query="", status=400,
                    request_headers={"Authorization": "Bearer <redacted>", "Content-Type": "application/json"},
                    request_body=json.dumps([{"seat_uid": "b5efe87f-25d2-561e-9e2e-cea6b7708a01", "access_seat": True}]),
                    response_body=json.dumps({"success": False, "errors": [{"code": 1001, "message": "missing"}],
                                              "messages": [], "result": None}))
    check = checker()
    check.check(exchange)
    assert [what for _where, what, _messages in check.violations] == [f"request of PATCH {SEATS_PATH} -> 400"]
    assert "gateway_seat" in "\n".join(check.violations[0][2])


def test_request_without_credentials_breaks_the_security_requirement():
    exchange = good_exchange()
    exchange["request_headers"] = {"Accept": "*/*"}
    check = checker()
    check.check(exchange)
    assert len(check.violations) == 1 and check.violations[0][1].startswith("request of GET")


def test_unknown_path_and_undocumented_status_are_violations():
    unknown = good_exchange()
    unknown["path"] = f"/client/v4/accounts/{ACCOUNT}/access/people"
    undocumented = good_exchange()
    undocumented["status"] = 500
    check = checker()
    check.check(unknown)
    check.check(undocumented)
    parts = [what.split(" of ")[0] for _where, what, _messages in check.violations]
    assert parts[0] == "request" and "response" in parts[1:]


def test_answer_shaped_by_a_fault_is_not_validated_but_its_request_is():
    exchange = good_exchange()
    exchange.update(status=502, response_body="<html>bad gateway</html>", fault=["raw_body", "status"],
                    response_headers={"Content-Type": "text/html; charset=utf-8"})
    check = checker()
    check.check(exchange)
    assert check.violations == [] and check.counts["faulted_responses"] == 1
    exchange["query"] = "per_page=many"                      # the request still counts
    check.check(exchange)
    assert len(check.violations) == 1 and check.violations[0][1].startswith("request of GET")


def test_a_delay_fault_leaves_the_answer_validated():
    exchange = good_exchange()
    exchange.update(fault=["delay"], response_body=json.dumps({"success": True}))
    check = checker()
    check.check(exchange)
    assert check.counts["responses"] == 1 and len(check.violations) == 1


def test_expected_violation_is_reported_as_expected_not_failed():
    exchange = good_exchange()
    exchange["query"] = "per_page=all"
    rule = {"part": "request", "method": "GET", "path": "/access/users$", "message": "per_page", "reason": "a test sends it on purpose"}
    check = checker([rule])
    check.check(exchange)
    assert check.violations == [] and check.counts["expected"] == 1
    other = checker([dict(rule, part="response")])
    other.check(exchange)
    assert len(other.violations) == 1


def test_expectation_without_reason_is_refused():
    with pytest.raises(ValueError):
        validate.Expectations([{"part": "request", "path": "."}])


# --------------------------------------------------------------------------- unusual answers the contract allows
UNUSUAL_USERS = [{"email": "ada@example.com", "seat_uid": "SEAT-Ada-" + "0" * 27, "access_seat": True},
                 {"email": "max@example.com", "seat_uid": "f" * 36, "gateway_seat": True}]


def test_unusual_but_valid_answers_pass_the_contract(tmp_path):
    """Optional fields absent, no result in a PATCH answer, seat_uids at their 36-character limit: all validated and
    valid; a PATCH answered 202 where 200 is documented is the one expected violation (expected-violations.yml)."""
    log = tmp_path / "contract.jsonl"
    with ce.running_server(users=UNUSUAL_USERS, contract_log=str(log)) as server:
        call(server, "POST", "/__emulator__/faults", [
            {"method": "GET", "path": "users$", "omit_fields": ["name", "uid", "created_at", "updated_at",
                                                                "last_successful_login", "active_device_count"]},
            {"method": "PATCH", "path": "seats$", "omit_result": True},
            {"method": "PATCH", "path": "seats$", "success_status": 202}], token=None)
        status, listed = call(server, "GET", USERS_PATH)
        assert status == 200 and all("name" not in user for user in listed["result"])
        assert {len(user["seat_uid"]) for user in listed["result"]} == {36}
        seats = [{"seat_uid": user["seat_uid"], "access_seat": False, "gateway_seat": False} for user in listed["result"]]
        status, answer = call(server, "PATCH", SEATS_PATH, seats)
        assert status == 200 and answer["success"] is True and "result" not in answer
        status, answer = call(server, "PATCH", SEATS_PATH, seats)
        assert status == 202 and answer["success"] is True
    check = validate.ContractChecker(DEFAULT_SLICE, validate.Expectations.load(validate.DEFAULT_EXPECTED))
    check.check_log(log)
    exchanges = read_log(log)
    assert [e["fault"] for e in exchanges] == [["omit_fields"], ["omit_result"], ["success_status"]]
    assert check.counts["responses"] == 3 and check.counts["faulted_responses"] == 0
    assert check.violations == [] and check.counts["expected"] == 1


def test_a_record_with_a_path_in_its_id_is_shaped_by_a_fault_and_not_held_against_the_contract(tmp_path):
    log = tmp_path / "contract.jsonl"
    with ce.running_server(users=UNUSUAL_USERS, contract_log=str(log)) as server:
        call(server, "POST", "/__emulator__/faults", {"method": "GET", "path": "users$", "rewrite_records": [
            {"match": {"email": "ada@example.com"}, "set": {"id": "../../../zones"}}]}, token=None)
        assert call(server, "GET", USERS_PATH)[1]["result"][0]["id"] == "../../../zones"
    check = checker()
    check.check_log(log)
    assert check.violations == [] and check.counts["faulted_responses"] == 1


# --------------------------------------------------------------------------- the normalised slice
def test_normalisation_keeps_only_null_for_failure_results_and_admits_user_ids():
    with open(DEFAULT_SLICE, encoding="utf-8") as handle:
        shipped = json.load(handle)
    normalised, changed = normalise(shipped)
    result = normalised["paths"]["/accounts/{account_id}/access/users"]["get"]["responses"]["4XX"]["content"][
        "application/json"]["schema"]["properties"]["result"]
    assert result == {"type": "object", "nullable": True, "not": {"type": "object"}}
    assert any(pointer.endswith("/parameters/0/schema/readOnly") for pointer in changed)
    assert shipped["paths"]["/accounts/{account_id}/access/users"]["get"]["responses"]["4XX"]["content"][
        "application/json"]["schema"]["properties"]["result"]["enum"] == [None]      # the input is left as it was
    failure = good_exchange()
    failure.update(status=403, response_body=json.dumps({"success": False, "errors": [{"code": 10000, "message": "Authentication error"}],
                                                         "messages": [], "result": None}))
    check = checker()
    check.check(failure)
    assert check.violations == []
    failure["response_body"] = json.dumps({"success": False, "errors": [{"code": 10000, "message": "x"}], "messages": [], "result": {}})
    check.check(failure)
    assert len(check.violations) == 1


# --------------------------------------------------------------------------- the hook in .ci/with-emulator
def _with_emulator(tmp_path, script: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CONTRACT_PYTHON=sys.executable, EMULATOR_PYTHON=sys.executable, CONTRACT_LOG_DIR=str(tmp_path / "logs"))
    client = tmp_path / "client.py"
    client.write_text(script, encoding="utf-8")
    return subprocess.run([str(ROOT / ".ci" / "with-emulator"), "--", sys.executable, str(client)],
                          capture_output=True, text=True, env=env, check=False, timeout=120)


CLIENT = '''
import json, os, urllib.request, urllib.error
url = os.environ["CLOUDFLARE_BASE_URL"] + "/accounts/" + os.environ["CLOUDFLARE_ACCOUNT_ID"] + "/access/seats"
request = urllib.request.Request(url, data=json.dumps(BODY).encode(), method="PATCH",
                                 headers={"Authorization": "Bearer " + os.environ["EMULATOR_API_TOKEN"], "Content-Type": "application/json"})
try:
    urllib.request.urlopen(request)
except urllib.error.HTTPError:
    pass
'''


@pytest.mark.skipif(not (ROOT / ".ci" / "with-emulator").is_file(), reason="the .ci scripts are not part of the built collection")
def test_with_emulator_fails_a_passing_command_whose_exchanges_break_the_contract(tmp_path):
    bad = _with_emulator(tmp_path, "BODY = [{'seat_uid': 'x'}]" + CLIENT)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "break the OpenAPI contract" in bad.stderr
    assert len(list((tmp_path / "logs").glob("contract-*.jsonl"))) == 1
    good = _with_emulator(tmp_path, "BODY = []" + CLIENT)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "1 exchanges, 1 requests and 1 responses validated" in good.stdout


def revoke_exchange(request_body: dict, response_body: dict, status: int = 200) -> dict:
    """A POST revoke_user exchange as the emulator logs it."""
    return {"method": "POST", "path": REVOKE_PATH, "query": "",
            "request_headers": {"Authorization": "Bearer <redacted>", "Content-Type": "application/json"},
            "request_body": json.dumps(request_body), "status": status,
            "response_headers": {"Content-Type": "application/json"}, "response_body": json.dumps(response_body), "fault": []}


def test_revoke_user_is_checked_against_the_published_operation():
    """The added operation holds requests and answers to Cloudflare's schema: email required, result boolean."""
    check = checker()
    check.check(revoke_exchange({"email": "user00001@example.com", "devices": True},
                                {"success": True, "errors": [], "messages": [], "result": True}))
    assert check.violations == []
    check.check(revoke_exchange({"devices": True}, {"success": True, "errors": [], "messages": [], "result": True}))
    check.check(revoke_exchange({"email": "user00001@example.com"}, {"success": True, "errors": [], "messages": [], "result": "yes"}))
    assert [what.split(" of ")[0] for _where, what, _messages in check.violations] == ["request", "response"]


def test_normalisation_upper_cases_a_lower_case_response_range():
    with open(DEFAULT_SLICE, encoding="utf-8") as handle:
        shipped = json.load(handle)
    operation = "/accounts/{account_id}/access/organizations/revoke_user"
    assert "4xx" in shipped["paths"][operation]["post"]["responses"]             # as Cloudflare publishes it
    normalised, changed = normalise(shipped)
    assert sorted(normalised["paths"][operation]["post"]["responses"]) == ["200", "4XX"]
    assert "/paths/~1accounts~1{account_id}~1access~1organizations~1revoke_user/post/responses/4xx" in changed
    failure = revoke_exchange({"email": "user00001@example.com"},
                              {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": [],
                               "result": None}, status=403)
    check = checker()
    check.check(failure)
    assert check.violations == []
