#!/usr/bin/env python
"""Local, stateful emulator of the Cloudflare Zero Trust Access users and seats API.

The API is served under ``/client/v4`` (base URL ``http://HOST:PORT/client/v4``) and follows the
OpenAPI slice in ``shared/cloudflare-api/openapi-access-users-seats.json``:

* ``GET|POST /accounts/{account_id}/access/users``
* ``GET|PUT|DELETE /accounts/{account_id}/access/users/{user_id}``
* ``PATCH /accounts/{account_id}/access/seats``
* ``POST /accounts/{account_id}/access/organizations/revoke_user`` (see :meth:`EmulatorState.revoke_user`)

A control API for tests lives under ``/__emulator__/`` (no authentication): ``requests`` (GET, DELETE),
``users`` (GET), ``revocations`` (GET, DELETE), ``reset`` (POST), ``faults`` (GET, POST, DELETE),
``health`` (GET), ``shutdown`` (POST), ``budget`` (GET, POST, DELETE), ``latency`` (GET, POST, DELETE),
``accounts`` (GET, POST), ``accounts/{account_id}/users`` (GET) and ``clock`` (GET, POST: the ``Date`` of the
answers, moved or left out). A failed revocation is a fault rule like any other, e.g.
``{"method": "POST", "path": "/revoke_user$", "status": 403}`` (what a token without the permission
"Access: Organizations, Identity Providers, and Groups Write" meets).

Latency (``--latency SECONDS --page-latency SECONDS``, or the control API ``latency``: GET, POST
``{"request": s, "page": s}``, DELETE): every API answer waits the request latency, and every page of the users
listing the page latency as well, as Cloudflare's answers take a noticeable fraction of a second. The server serves
each connection on a thread of its own, so a client that sends requests side by side sees them waited side by side.

Rate limit (``--rate-limit QUOTA --rate-window SECONDS --rate-block SECONDS``, or the control API
``budget``): Cloudflare's budget per user, across every account and both credentials of the user; past
the quota every call is 429 with ``Retry-After`` for the block; every answer carries ``Ratelimit`` and
``Ratelimit-Policy``. Off by default (no counting, no headers). ``--accounts N`` serves N accounts, each
with the same people under ids of its own (see :class:`RateLimit` and :class:`Accounts`).

With ``--contract-log FILE`` (default: the ``EMULATOR_CONTRACT_LOG`` environment variable) every API
exchange is appended to FILE as one JSON line, for ``tests/contract/validate.py`` to check against
the OpenAPI slice: method, path, raw query, request headers (credentials replaced by
``<redacted>``), request body, status, response headers, response body, and the behaviours of the
fault rule that shaped the answer (``fault``: empty when none did). Control API calls are not logged.

Error codes the emulator chooses itself, where Cloudflare documents none (all >= 1000, as the schema
requires): 1001 invalid request body or parameter, 1002 duplicate user (HTTP 409), 1003 email cannot
be changed, 1004 invalid pagination parameter, 1005 unknown seat_uid, 6007 malformed JSON,
7001 method not allowed (HTTP 405).  Codes taken from real responses: 10000, 6003 (+6102/6103/6111),
9109, 7000, 7003 and 971 (HTTP 429).

Standard library only; runnable as a script and importable (see :func:`make_server`,
:func:`start_server` and :func:`running_server`).
"""

from __future__ import annotations

# An HTTP emulator is a flat set of request handlers; pylint's size heuristics don't help it.
# pylint: disable=too-many-lines,too-many-arguments,too-many-locals
# pylint: disable=too-many-branches,too-many-return-statements,too-many-instance-attributes

import argparse
import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import signal
import ssl
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

#: Environment variable that gives --contract-log its default.
CONTRACT_LOG_ENV = "EMULATOR_CONTRACT_LOG"
#: Request headers whose values are credentials: logged as ``<redacted>`` (an auth scheme word kept).
CREDENTIAL_HEADERS = ("authorization", "x-auth-key", "x-auth-email", "x-auth-user-service-key", "cookie")
REDACTED = "<redacted>"

DEFAULT_ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353"
DEFAULT_API_TOKEN = "emulator-token-0123456789abcdefghijklmnopqrstuv"
DEFAULT_API_EMAIL = "admin@example.com"
DEFAULT_API_KEY = "emulator-global-key-0123456789abcdef"
DEFAULT_MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 1000

API_PREFIX = "/client/v4"
CONTROL_PREFIX = "/__emulator__"

#: Namespace of the deterministic (uuid5) identifiers of generated and file-loaded users.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cloudflare-ops:zero-trust-emulator:users")
#: Fixed base time of generated users, so that generated state is reproducible.
BASE_TIME = datetime(2024, 1, 1, 0, 0, 0, tzinfo=timezone.utc)

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BEARER_RE = re.compile(r"^[Bb]earer ([!-~]+)$")

CODE_INVALID = 1001
CODE_DUPLICATE = 1002
CODE_EMAIL_IMMUTABLE = 1003
CODE_PAGINATION = 1004
CODE_UNKNOWN_SEAT = 1005
CODE_MALFORMED_JSON = 6007
CODE_BAD_HEADERS = 6003
CODE_NO_ROUTE = 7000
CODE_METHOD = 7001
CODE_BAD_OBJECT = 7003
CODE_UNAUTHORIZED_RESOURCE = 9109
CODE_AUTH = 10000
CODE_RATE_LIMIT = 971

USER_FIELDS = ("id", "uid", "seat_uid", "email", "name", "access_seat", "gateway_seat", "active_device_count",
               "created_at", "updated_at", "last_successful_login")
MAX_LOG_ENTRIES = 200000

_ROUTES = (
    ("users", re.compile(r"^/accounts/([^/]+)/access/users$"), ("GET", "POST")),
    ("user", re.compile(r"^/accounts/([^/]+)/access/users/([^/]+)$"), ("GET", "PUT", "DELETE")),
    ("seats", re.compile(r"^/accounts/([^/]+)/access/seats$"), ("PATCH",)),
    ("revoke_user", re.compile(r"^/accounts/([^/]+)/access/organizations/revoke_user$"), ("POST",)),
)

_FAULT_BEHAVIOURS = ("status", "raw_body", "success_false", "drop_result_info", "result_info")


def format_time(moment: datetime) -> str:
    """Format a datetime as ISO 8601 UTC with microseconds and a ``Z`` suffix."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def utc_now() -> str:
    """Return the current UTC time, formatted like Cloudflare's timestamps."""
    return format_time(datetime.now(timezone.utc))


def user_id_for(email: str) -> str:
    """Return the deterministic user id the emulator gives ``email`` when none is supplied."""
    return str(uuid.uuid5(ID_NAMESPACE, "user:" + email.lower()))


def seat_uid_for(email: str) -> str:
    """Return the deterministic seat_uid the emulator gives ``email`` when none is supplied."""
    return str(uuid.uuid5(ID_NAMESPACE, "seat:" + email.lower()))


# The spread of logins of generated users (by index % 10): (days since creation, days since the last login or None
# for never). Half days keep every figure clear of a day boundary while a test runs.
LOGIN_SPREAD = {
    0: (3.5, None),        # a new hire who has not logged in yet
    5: (500.5, None),      # created long ago, never logged in
    1: (500.5, 1.5), 6: (500.5, 1.5),          # active
    2: (500.5, 20.5), 7: (500.5, 20.5),        # a few weeks
    3: (500.5, 95.5), 8: (500.5, 95.5),        # a quarter
    4: (500.5, 400.5), 9: (500.5, 400.5),      # over a year
}


def generate_user_specs(count: int, now: datetime | None = None) -> list:
    """Return ``count`` deterministic user records: ``user00001@example.com`` ... with spread seats and logins.

    User ``i`` (1-based) has an Access seat only when ``i % 3 == 1``, Access and Gateway seats when
    ``i % 3 == 2`` and no seat when ``i % 3 == 0``. Its ``created_at`` and ``last_successful_login`` are
    ``LOGIN_SPREAD[i % 10]`` days before ``now`` (default: the current time); "never" leaves the login out.
    """
    now = now or datetime.now(timezone.utc)
    users = []
    for index in range(1, count + 1):
        email = f"user{index:05d}@example.com"
        kind = index % 3
        created_days, login_days = LOGIN_SPREAD[index % 10]
        created = now - timedelta(days=created_days) + timedelta(seconds=index % 1000)
        users.append({
            "id": user_id_for(email),
            "seat_uid": seat_uid_for(email),
            "email": email,
            "name": f"User {index:05d}",
            "access_seat": kind in (1, 2),
            "gateway_seat": kind == 2,
            "active_device_count": 1 if kind == 2 else 0,
            "created_at": format_time(created),
            "updated_at": format_time(created + timedelta(hours=1)),
            "last_successful_login": None if login_days is None else format_time(now - timedelta(days=login_days)),
        })
    return users


class ApiError(Exception):
    """An API failure: HTTP status plus Cloudflare error objects."""

    def __init__(self, status: int, code: int, message: str, error_chain: list | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        error = {"code": code, "message": message}
        if error_chain:
            error["error_chain"] = error_chain
        self.errors = [error]
        self.headers = headers or {}

    @classmethod
    def many(cls, status: int, errors: list) -> "ApiError":
        """Build an error that carries several error objects."""
        err = cls(status, errors[0]["code"], errors[0]["message"])
        err.errors = list(errors)
        return err


def success_envelope(result, result_info: dict | None = None) -> dict:
    """Return Cloudflare's success envelope around ``result``."""
    body = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info is not None:
        body["result_info"] = result_info
    return body


def failure_envelope(errors: list) -> dict:
    """Return Cloudflare's failure envelope carrying ``errors``."""
    return {"success": False, "errors": errors, "messages": [], "result": None}


def _no_route(api_path: str) -> ApiError:
    return ApiError(404, CODE_BAD_OBJECT, f"Could not route to {api_path}, perhaps your object identifier is invalid?")


# A time of a users file or reset body relative to when it is loaded ("now-7.5d"), so that its logins keep their age
# whatever the date (demo/users.json: a contractor active a week ago stays active).
RELATIVE_TIME = re.compile(r"now-(\d+(?:\.\d+)?)d\Z")


def relative_time(value):
    """``value``, or for ``now-<days>d`` the time that many days ago (to the second)."""
    relative = RELATIVE_TIME.match(value) if isinstance(value, str) else None
    if relative is None:
        return value
    return (datetime.now(timezone.utc) - timedelta(days=float(relative.group(1)))).strftime("%Y-%m-%dT%H:%M:%SZ")


def _validate_user_spec(spec, position: int) -> dict:
    """Turn one user object of a users file / reset body into a complete user record."""
    if not isinstance(spec, dict):
        raise ValueError(f"user #{position} is not a JSON object")
    email = spec.get("email")
    if not isinstance(email, str) or not EMAIL_RE.match(email):
        raise ValueError(f"user #{position}: 'email' must be an email address")
    name = spec.get("name", "")
    if not isinstance(name, str):
        raise ValueError(f"user #{position}: 'name' must be a string")
    record = {"email": email, "name": name}
    for flag in ("access_seat", "gateway_seat"):
        value = spec.get(flag, False)
        if not isinstance(value, bool):
            raise ValueError(f"user #{position}: {flag!r} must be a boolean")
        record[flag] = value
    user_id = spec.get("id") or spec.get("uid") or user_id_for(email)
    seat_uid = spec.get("seat_uid") or seat_uid_for(email)
    if not isinstance(user_id, str) or not UUID_RE.match(user_id):
        raise ValueError(f"user #{position}: 'id' must be a UUID")
    if _seat_uid_problem(seat_uid):
        raise ValueError(f"user #{position}: 'seat_uid' {_seat_uid_problem(seat_uid)}")
    devices = spec.get("active_device_count", 1 if record["gateway_seat"] else 0)
    if isinstance(devices, bool) or not isinstance(devices, int) or devices < 0:
        raise ValueError(f"user #{position}: 'active_device_count' must be a non-negative integer")
    created = spec.get("created_at", format_time(BASE_TIME))
    updated = spec.get("updated_at", created)
    # A null last_successful_login: the user never logged in (the API then leaves the field out).
    login = spec.get("last_successful_login", created)
    for label, value in (("created_at", created), ("updated_at", updated), ("last_successful_login", login)):
        if not isinstance(value, str) and not (label == "last_successful_login" and value is None):
            raise ValueError(f"user #{position}: {label!r} must be a string or, for a login, null")
    created, updated, login = (relative_time(value) for value in (created, updated, login))
    # seat_uid keeps its letter case: the PATCH matches it exactly, as the API documents no case rule for it.
    return _make_record(user_id.lower(), seat_uid, record, devices, created, updated, login)


def _make_record(user_id, seat_uid, base, devices, created, updated, login) -> dict:
    return {
        "id": user_id,
        "uid": user_id,
        "seat_uid": seat_uid,
        "email": base["email"],
        "name": base["name"],
        "access_seat": base["access_seat"],
        "gateway_seat": base["gateway_seat"],
        "active_device_count": devices,
        "created_at": created,
        "updated_at": updated,
        **({} if login is None else {"last_successful_login": login}),
    }


class EmulatorState:
    """All mutable state of the emulator: users, request log and fault rules, behind one lock."""

    def __init__(self, account_id: str = DEFAULT_ACCOUNT_ID, max_per_page: int = DEFAULT_MAX_PER_PAGE):
        self.account_id = account_id
        self.max_per_page = max_per_page
        self.initial_max_per_page = max_per_page
        self.lock = threading.RLock()
        self._users: dict = {}
        self._by_seat: dict = {}
        self._by_email: dict = {}
        self._order: list | None = None
        self.log: list = []
        self.faults: list = []
        self.revocations: list = []

    # ----------------------------------------------------------------- state loading
    def replace_users(self, specs: list) -> int:
        """Replace all users by the validated ``specs`` (raises ValueError, changing nothing)."""
        if not isinstance(specs, list):
            raise ValueError("users must be a JSON list")
        users, by_seat, by_email, emails = {}, {}, {}, set()
        for position, spec in enumerate(specs):
            record = _validate_user_spec(spec, position)
            if record["id"] in users:
                raise ValueError(f"user #{position}: duplicate id {record['id']}")
            if record["seat_uid"] in by_seat:
                raise ValueError(f"user #{position}: duplicate seat_uid {record['seat_uid']}")
            # Emails that differ only in letter case may both be held (an identity provider can make them; a create
            # refuses one, 409): by_email finds the first.
            if record["email"] in emails:
                raise ValueError(f"user #{position}: duplicate email {record['email']}")
            emails.add(record["email"])
            users[record["id"]] = record
            by_seat[record["seat_uid"]] = record["id"]
            by_email.setdefault(record["email"].lower(), record["id"])
        with self.lock:
            self._users, self._by_seat, self._by_email, self._order = users, by_seat, by_email, None
        return len(users)

    def generate(self, count: int) -> int:
        """Replace all users by ``count`` deterministic generated users."""
        users, by_seat, by_email = {}, {}, {}
        for spec in generate_user_specs(count):
            record = _make_record(spec["id"], spec["seat_uid"], spec, spec["active_device_count"], spec["created_at"],
                                  spec["updated_at"], spec["last_successful_login"])
            users[record["id"]] = record
            by_seat[record["seat_uid"]] = record["id"]
            by_email[record["email"]] = record["id"]
        with self.lock:
            self._users, self._by_seat, self._by_email, self._order = users, by_seat, by_email, None
        return len(users)

    def reset(self, body: dict) -> int:
        """Apply a ``/__emulator__/reset`` body: replace users, clear the log and the faults.

        ``max_per_page`` falls back to the server's start-up value when the body does not give it.
        """
        if not isinstance(body, dict):
            raise ValueError("reset body must be a JSON object")
        if "users" in body and "generate" in body:
            raise ValueError("give either 'users' or 'generate', not both")
        max_per_page = body.get("max_per_page", self.initial_max_per_page)
        if isinstance(max_per_page, bool) or not isinstance(max_per_page, int) or max_per_page < 1:
            raise ValueError("'max_per_page' must be a positive integer")
        generate = body.get("generate")
        if generate is not None and (isinstance(generate, bool) or not isinstance(generate, int) or generate < 0):
            raise ValueError("'generate' must be a non-negative integer")
        with self.lock:
            if generate is not None:
                count = self.generate(generate)
            else:
                count = self.replace_users(body.get("users", []))
            self.max_per_page = max_per_page
            self.log = []
            self.faults = []
            self.revocations = []
        return count

    def all_users(self) -> list:
        """Return a snapshot of every user record, in order."""
        with self.lock:
            return [dict(record) for record in self._users.values()]

    def seat_flags(self) -> dict:
        """seat_uid -> (access_seat, gateway_seat) of every user, as they stand."""
        with self.lock:
            return {record["seat_uid"]: (record["access_seat"], record["gateway_seat"]) for record in self._users.values()}

    def user_count(self) -> int:
        """Return how many users the emulator holds."""
        with self.lock:
            return len(self._users)

    # ----------------------------------------------------------------- helpers
    def _ordered_ids(self) -> list:
        if self._order is None:
            self._order = list(self._users)
        return self._order

    def _lookup(self, user_id: str, api_path: str) -> dict:
        if not UUID_RE.match(user_id):
            raise _no_route(api_path)
        record = self._users.get(user_id.lower())
        if record is None:
            raise _no_route(api_path)
        return record

    # ----------------------------------------------------------------- operations
    def list_users(self, query: dict) -> dict:
        """``GET /accounts/{a}/access/users``: filtered, paginated list with result_info."""
        page = _positive_int(query, "page", 1)
        per_page = min(_positive_int(query, "per_page", DEFAULT_PER_PAGE), self.max_per_page)
        email = (query.get("email") or "").lower()
        name = (query.get("name") or "").lower()
        search = (query.get("search") or "").lower()
        start = (page - 1) * per_page
        with self.lock:
            if not (email or name or search):
                ids = self._ordered_ids()
                total = len(ids)
                users = self._users
                records = [users[user_id] for user_id in ids[start:start + per_page]]
            else:
                matches = []
                for record in self._users.values():
                    rec_email = record["email"].lower()
                    rec_name = record["name"].lower()
                    if email and email not in rec_email:
                        continue
                    if name and name not in rec_name:
                        continue
                    if search and search not in rec_email and search not in rec_name:
                        continue
                    matches.append(record)
                total = len(matches)
                records = matches[start:start + per_page]
        info = {"count": len(records), "page": page, "per_page": per_page, "total_count": total,
                "total_pages": int(math.ceil(total / float(per_page)))}
        return success_envelope(records, info)

    def create_user(self, body) -> dict:
        """``POST /accounts/{a}/access/users``."""
        if not isinstance(body, dict):
            raise ApiError(400, CODE_INVALID, "Invalid request: the body must be a JSON object with 'email' and optional 'name'")
        email = body.get("email")
        if not isinstance(email, str) or not EMAIL_RE.match(email):
            raise ApiError(400, CODE_INVALID, "Invalid request: 'email' is required and must be a valid email address")
        name = body.get("name")
        if name is None:
            name = ""
        if not isinstance(name, str):
            raise ApiError(400, CODE_INVALID, "Invalid request: 'name' must be a string")
        now = utc_now()
        with self.lock:
            if email.lower() in self._by_email:
                raise ApiError(409, CODE_DUPLICATE, f"A user with email {email} already exists")
            user_id = str(uuid.uuid4())
            while user_id in self._users:
                user_id = str(uuid.uuid4())
            seat_uid = str(uuid.uuid4())
            while seat_uid in self._by_seat or seat_uid == user_id:
                seat_uid = str(uuid.uuid4())
            record = _make_record(user_id, seat_uid, {"email": email, "name": name, "access_seat": False, "gateway_seat": False},
                                  0, now, now, None)  # a new user has not logged in yet
            self._users[user_id] = record
            self._by_seat[seat_uid] = user_id
            self._by_email[email.lower()] = user_id
            self._order = None
        return success_envelope(record)

    def get_user(self, user_id: str, api_path: str) -> dict:
        """``GET /accounts/{a}/access/users/{id}``."""
        with self.lock:
            return success_envelope(self._lookup(user_id, api_path))

    def update_user(self, user_id: str, api_path: str, body) -> dict:
        """``PUT /accounts/{a}/access/users/{id}``: only the name changes; email must match as confirmation."""
        with self.lock:
            record = self._lookup(user_id, api_path)
            if not isinstance(body, dict):
                raise ApiError(400, CODE_INVALID, "Invalid request: the body must be a JSON object with 'email' and 'name'")
            email, name = body.get("email"), body.get("name")
            if not isinstance(email, str) or not email:
                raise ApiError(400, CODE_INVALID, "Invalid request: 'email' is required (the user's current email, as confirmation)")
            if not isinstance(name, str):
                raise ApiError(400, CODE_INVALID, "Invalid request: 'name' is required and must be a string")
            if email.lower() != record["email"].lower():
                raise ApiError(400, CODE_EMAIL_IMMUTABLE,
                               "Invalid request: email cannot be changed; 'email' must be the user's current email as confirmation")
            new = dict(record)
            new["name"] = name
            new["updated_at"] = utc_now()
            self._users[new["id"]] = new
        return success_envelope(new)

    def delete_user(self, user_id: str, api_path: str) -> dict:
        """``DELETE /accounts/{a}/access/users/{id}``: 202 with a null result."""
        with self.lock:
            record = self._lookup(user_id, api_path)
            del self._users[record["id"]]
            self._by_seat.pop(record["seat_uid"], None)
            if self._by_email.get(record["email"].lower()) == record["id"]:
                self._by_email.pop(record["email"].lower())
                same = [other["id"] for other in self._users.values() if other["email"].lower() == record["email"].lower()]
                if same:
                    self._by_email[record["email"].lower()] = same[0]
            self._order = None
        return success_envelope(None)

    def edit_seats(self, body) -> dict:
        """``PATCH /accounts/{a}/access/seats``: atomic; the whole array is validated before any change."""
        if not isinstance(body, list):
            raise ApiError(400, CODE_INVALID,
                           "Invalid request: the body must be a JSON array of {seat_uid, access_seat, gateway_seat} objects")
        errors = []
        with self.lock:
            for index, item in enumerate(body):
                problem = _seat_item_problem(item)
                if problem is None and item["seat_uid"] not in self._by_seat:
                    errors.append({"code": CODE_UNKNOWN_SEAT, "message": f"body[{index}]: unknown seat_uid {item['seat_uid']!r}"})
                elif problem is not None:
                    errors.append({"code": CODE_INVALID, "message": f"Invalid request: body[{index}]{_seat_label(item)}: {problem}"})
            if errors:
                raise ApiError.many(400, errors)
            now = utc_now()
            result = []
            for item in body:
                user_id = self._by_seat[item["seat_uid"]]
                new = dict(self._users[user_id])
                new["access_seat"] = item["access_seat"]
                new["gateway_seat"] = item["gateway_seat"]
                if not item["access_seat"] and not item["gateway_seat"]:
                    new["active_device_count"] = 0
                new["updated_at"] = now
                self._users[user_id] = new
                result.append({"access_seat": new["access_seat"], "created_at": new["created_at"],
                               "gateway_seat": new["gateway_seat"], "seat_uid": new["seat_uid"], "updated_at": now})
        info = {"count": len(result), "page": 1, "per_page": max(len(result), 1), "total_count": len(result), "total_pages": 1}
        return success_envelope(result, info)

    def revoke_user(self, query: dict, body) -> dict:
        """``POST /accounts/{a}/access/organizations/revoke_user``: record the revocation; ``result: true``.

        The emulator holds no sessions, so a revocation is a record in ``self.revocations`` (the control
        API's ``revocations``): the email as sent, the id of the user it names (None for an email no user
        has: Cloudflare documents no error for that, and revoking nobody's tokens changes nothing), whether
        devices were revoked too, and when. ``devices`` comes from the body or the query (the API takes
        both; the body wins); revoking devices sets the user's ``active_device_count`` to 0.
        """
        if not isinstance(body, dict):
            raise ApiError(400, CODE_INVALID, "Invalid request: the body must be a JSON object with 'email'")
        email = body.get("email")
        if not isinstance(email, str) or not EMAIL_RE.match(email):
            raise ApiError(400, CODE_INVALID, "Invalid request: 'email' is required and must be a valid email address")
        for flag in ("devices", "warp_session_reauth"):
            if flag in body and not isinstance(body[flag], bool):
                raise ApiError(400, CODE_INVALID, f"Invalid request: {flag!r} must be a boolean")
        if "user_uid" in body and not isinstance(body["user_uid"], str):
            raise ApiError(400, CODE_INVALID, "Invalid request: 'user_uid' must be a string")
        devices = body.get("devices")
        if devices is None:
            raw = query.get("devices")
            if raw not in (None, "true", "false"):
                raise ApiError(400, CODE_INVALID, "Invalid request: the 'devices' parameter must be true or false")
            devices = raw == "true"
        with self.lock:
            user_id = self._by_email.get(email.lower())
            if devices and user_id is not None:
                self._users[user_id] = dict(self._users[user_id], active_device_count=0)
            self.revocations.append({"email": email, "user_id": user_id, "devices": devices,
                                     "warp_session_reauth": body.get("warp_session_reauth", False), "at": time.time()})
        return success_envelope(True)

    def list_revocations(self) -> list:
        """Return the revocations received, oldest first."""
        with self.lock:
            return [dict(revocation) for revocation in self.revocations]

    # ----------------------------------------------------------------- log and faults
    def record(self, entry: dict) -> None:
        """Append one API request to the log."""
        with self.lock:
            if len(self.log) >= MAX_LOG_ENTRIES:
                del self.log[:len(self.log) // 2]
            self.log.append(entry)

    def add_faults(self, body) -> int:
        """Validate and append one rule or a list of rules; return how many rules are queued."""
        rules = body if isinstance(body, list) else [body]
        parsed = [_parse_fault(rule, index) for index, rule in enumerate(rules)]
        with self.lock:
            self.faults.extend(parsed)
            return len(self.faults)

    def list_faults(self) -> list:
        """Return the queued rules with their remaining times."""
        with self.lock:
            return [dict(rule) for rule, _pattern in self.faults]

    def take_fault(self, method: str, path: str, query: dict | None = None) -> dict | None:
        """Return (a copy of) the first rule matching this request, decrementing its times."""
        with self.lock:
            for position, (rule, pattern) in enumerate(self.faults):
                if rule.get("method") and rule["method"] != method:
                    continue
                if pattern is not None and not pattern.search(path):
                    continue
                if not _fault_query_matches(rule, query or {}):
                    continue
                chosen = dict(rule)
                if rule["times"] > 0:
                    rule["times"] -= 1
                    if rule["times"] == 0:
                        del self.faults[position]
                return chosen
        return None


def _seat_uid_problem(value) -> str | None:
    """Why ``value`` cannot be a seat_uid of the emulator (1 to 36 characters, no white space), or None."""
    if not isinstance(value, str) or not value or len(value) > 36 or any(c.isspace() for c in value):
        return "must be a string of 1 to 36 characters without white space"
    return None


def _seat_label(item) -> str:
    if isinstance(item, dict) and isinstance(item.get("seat_uid"), str):
        return f" (seat_uid {item['seat_uid']!r})"
    return ""


def _seat_item_problem(item) -> str | None:
    """Return why one PATCH seats item is invalid, or None."""
    if not isinstance(item, dict):
        return "each item must be an object with seat_uid, access_seat and gateway_seat"
    missing = [key for key in ("seat_uid", "access_seat", "gateway_seat") if key not in item]
    if missing:
        return f"missing required field(s) {', '.join(missing)}"
    if not isinstance(item["seat_uid"], str) or not item["seat_uid"]:
        return "'seat_uid' must be a non-empty string"
    if len(item["seat_uid"]) > 36:
        return "'seat_uid' must be at most 36 characters"
    for flag in ("access_seat", "gateway_seat"):
        if not isinstance(item[flag], bool):
            return f"{flag!r} must be a boolean"
    return None


def _positive_int(query: dict, key: str, default: int) -> int:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise ApiError(400, CODE_PAGINATION, f"Invalid request: {key!r} must be a positive integer") from None
    if value < 1:
        raise ApiError(400, CODE_PAGINATION, f"Invalid request: {key!r} must be a positive integer")
    return value


def _parse_fault(rule, index: int) -> tuple:
    """Validate one fault rule; return (normalised rule, compiled path pattern or None)."""
    if not isinstance(rule, dict):
        raise ValueError(f"fault #{index} is not a JSON object")
    out = dict(rule)
    method = out.get("method")
    if method is not None:
        if not isinstance(method, str):
            raise ValueError(f"fault #{index}: 'method' must be a string")
        out["method"] = method.upper()
    pattern = None
    if out.get("path") is not None:
        if not isinstance(out["path"], str):
            raise ValueError(f"fault #{index}: 'path' must be a regular expression string")
        try:
            pattern = re.compile(out["path"])
        except re.error as exc:
            raise ValueError(f"fault #{index}: bad 'path' regex: {exc}") from None
    times = out.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times == 0 or times < -1:
        raise ValueError(f"fault #{index}: 'times' must be a positive integer or -1")
    out["times"] = times
    behaviours = [key for key in _FAULT_BEHAVIOURS if key in out]
    if len(behaviours) > 1 and not (behaviours == ["status", "raw_body"]):
        raise ValueError(f"fault #{index}: give one behaviour of {', '.join(_FAULT_BEHAVIOURS)}")
    _parse_answer_fault(out, index)
    if not behaviours and "delay" not in out and not any(key in out for key in ANSWER_BEHAVIOURS):
        raise ValueError(f"fault #{index}: no behaviour (status, delay, raw_body, success_false, drop_result_info, result_info)")
    if "delay" in out and (isinstance(out["delay"], bool) or not isinstance(out["delay"], (int, float)) or out["delay"] < 0):
        raise ValueError(f"fault #{index}: 'delay' must be a non-negative number of seconds")
    if "status" in out and (isinstance(out["status"], bool) or not isinstance(out["status"], int) or not 100 <= out["status"] <= 599):
        raise ValueError(f"fault #{index}: 'status' must be an HTTP status code")
    if "retry_after" in out and (isinstance(out["retry_after"], bool) or not isinstance(out["retry_after"], (int, float))):
        raise ValueError(f"fault #{index}: 'retry_after' must be a number of seconds")
    if "errors" in out and not isinstance(out["errors"], list):
        raise ValueError(f"fault #{index}: 'errors' must be a list")
    if "raw_body" in out and not isinstance(out["raw_body"], str):
        raise ValueError(f"fault #{index}: 'raw_body' must be a string")
    if "result_info" in out and not isinstance(out["result_info"], dict):
        raise ValueError(f"fault #{index}: 'result_info' must be an object")
    return out, pattern


# --------------------------------------------------------------------------- answers that lie or break
# Fault behaviours that change the API's own answer, beside those of _FAULT_BEHAVIOURS (kept apart, so that the
# other rule kinds can grow without touching them). Used by the cloudflare_faults target and the contract check:
#   apply: true           run the request first, then answer with status/raw_body (or after delay): a write done
#                         whose answer is lost
#   query: {k: v}         match only requests whose query has these values (e.g. {page: "3"})
#   rewrite_records: [{match: {field: value}, set: {field: value}, unset: [field]}]
#                         records of the result (one or a list) that match get these fields, and lose those of
#                         unset (ids with path characters, control characters in names, a credential echoed in a
#                         field, a record without its email)
#   nonfinite: {field: "NaN" | "Infinity" | "-Infinity"}   that field of every record becomes the non-JSON number
#   seats_answer: half | empty | old_flags | other_seats   the PATCH is applied, its answer leaves out the second
#                         half of the seats, is [], holds the flags from before, or names other seat_uids
#   empty_result: true    the page holds no record (result_info as it was)
#   result_info_without: [keys]   those keys are left out of result_info
#   nested_depth: N       the body is N nested arrays (with status, default 200)
#   content_type: text    the Content-Type of a raw_body
# and the unusual answers the contract allows, which the contract check still validates:
#   omit_fields: [fields] those (optional) fields are left out of every record of the result
#   omit_result: true     the envelope has no "result" (optional in every success answer)
#   success_status: N     a success answered with this 2xx status instead of the documented one
# and budget headers at their extremes (the answer is the API's own):
#   budget_headers: {Ratelimit: text | null, Ratelimit-Policy: text | null}   those headers of the answer are this text
#                         (null: left out); {left}, {reset}, {quota} and {window} in it are the limit's own figures
ANSWER_BEHAVIOURS = ("apply", "rewrite_records", "nonfinite", "seats_answer", "empty_result", "result_info_without",
                     "nested_depth", "omit_fields", "omit_result", "success_status", "budget_headers")
#: The answer behaviours whose answers break the contract on purpose (tests/contract/validate.py skips them).
SHAPING_ANSWER_BEHAVIOURS = ("rewrite_records", "nonfinite", "seats_answer", "empty_result", "result_info_without",
                             "nested_depth", "budget_headers")
#: The headers budget_headers may set, and the longest text it takes (http.client reads header lines up to 64 KiB).
BUDGET_HEADERS = ("Ratelimit", "Ratelimit-Policy")
MAX_BUDGET_HEADER = 65000
SEATS_ANSWER_MODES = ("half", "empty", "old_flags", "other_seats")
NONFINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _fault_query_matches(rule: dict, query: dict) -> bool:
    """True when the rule has no ``query``, or the request's query has each of its values."""
    wanted = rule.get("query")
    return not wanted or all(query.get(key) == str(value) for key, value in wanted.items())


def _parse_answer_fault(rule: dict, index: int) -> None:
    """Validate the answer behaviours of one fault rule (ValueError naming the rule)."""
    def fail(text):
        raise ValueError(f"fault #{index}: {text}")
    if "query" in rule and not isinstance(rule["query"], dict):
        fail("'query' must be an object of query parameters")
    if "apply" in rule and not isinstance(rule["apply"], bool):
        fail("'apply' must be a boolean")
    if "rewrite_records" in rule:
        rewrites = rule["rewrite_records"]
        if not isinstance(rewrites, list) or not all(
                isinstance(r, dict) and isinstance(r.get("match", {}), dict) and isinstance(r.get("set", {}), dict)
                and isinstance(r.get("unset", []), list) and ("set" in r or "unset" in r) for r in rewrites):
            fail("'rewrite_records' must be a list of {match: {field: value}, set: {field: value}, unset: [field]}")
    if "nonfinite" in rule and (not isinstance(rule["nonfinite"], dict)
                                or not all(value in NONFINITE for value in rule["nonfinite"].values())):
        fail(f"'nonfinite' must map fields to one of {', '.join(NONFINITE)}")
    if "seats_answer" in rule and rule["seats_answer"] not in SEATS_ANSWER_MODES:
        fail(f"'seats_answer' must be one of {', '.join(SEATS_ANSWER_MODES)}")
    for key in ("result_info_without", "omit_fields"):
        if key in rule and (not isinstance(rule[key], list) or not all(isinstance(v, str) for v in rule[key])):
            fail(f"{key!r} must be a list of field names")
    if "nested_depth" in rule and (isinstance(rule["nested_depth"], bool) or not isinstance(rule["nested_depth"], int)
                                   or not 1 <= rule["nested_depth"] <= 10000000):
        fail("'nested_depth' must be an integer from 1 to 10000000")
    if "success_status" in rule and (isinstance(rule["success_status"], bool) or not isinstance(rule["success_status"], int)
                                     or not 200 <= rule["success_status"] <= 299):
        fail("'success_status' must be a 2xx status")
    if "content_type" in rule and not isinstance(rule["content_type"], str):
        fail("'content_type' must be a string")
    for key in ("empty_result", "omit_result"):
        if key in rule and not isinstance(rule[key], bool):
            fail(f"{key!r} must be a boolean")
    if "budget_headers" in rule:
        given = rule["budget_headers"]
        if not isinstance(given, dict) or not given or not all(
                name in BUDGET_HEADERS and (text is None or (isinstance(text, str) and len(text) <= MAX_BUDGET_HEADER
                                                             and text.isprintable()))
                for name, text in given.items()):
            fail(f"'budget_headers' must map {' or '.join(BUDGET_HEADERS)} to printable text of at most "
                 f"{MAX_BUDGET_HEADER} characters, or to null")


def _with_budget_headers(headers: dict, given: dict | None, verdict: dict, limit) -> dict:
    """``headers`` with the budget headers of a ``budget_headers`` fault in place of the limit's own."""
    if not given:
        return headers
    own = _budget_figures(headers.get("Ratelimit", ""))
    figures = {"{left}": str(verdict["left"] if verdict["left"] is not None else own.get("r", 0)),
               "{reset}": own.get("t", str(limit.window)), "{quota}": str(limit.quota), "{window}": str(limit.window)}
    out = dict(headers)
    for name, text in given.items():
        if text is None:
            out.pop(name, None)
            continue
        for token, value in figures.items():
            text = text.replace(token, value)
        out[name] = text
    return out


def _budget_figures(value: str) -> dict:
    """The parameters of the emulator's own ``Ratelimit`` value (``"default";r=5;t=9`` gives r and t)."""
    return dict(part.split("=", 1) for part in value.split(";")[1:] if "=" in part)


def _records_of(payload: dict) -> list:
    result = payload.get("result")
    if isinstance(result, dict):
        return [result]
    return [record for record in result if isinstance(record, dict)] if isinstance(result, list) else []


def reshape_answer(fault: dict, status: int, payload: dict, before: dict | None) -> tuple:
    """Apply a rule's answer behaviours to a successful answer; return (status, payload)."""
    payload = json.loads(json.dumps(payload))   # a copy: the records are the state's own
    mode = fault.get("seats_answer")
    if mode is not None and isinstance(payload.get("result"), list):
        seats = payload["result"]
        if mode == "half":
            payload["result"] = seats[:len(seats) // 2]
        elif mode == "empty":
            payload["result"] = []
        elif mode == "old_flags":
            for seat in seats:
                seat["access_seat"], seat["gateway_seat"] = (before or {}).get(seat["seat_uid"], (False, False))
        else:
            for seat in seats:
                seat["seat_uid"] = str(uuid.uuid5(ID_NAMESPACE, "other:" + seat["seat_uid"]))
    if fault.get("empty_result"):
        payload["result"] = []
    if fault.get("result_info_without") and isinstance(payload.get("result_info"), dict):
        for key in fault["result_info_without"]:
            payload["result_info"].pop(key, None)
    for record in _records_of(payload):
        for rewrite in fault.get("rewrite_records") or ():
            if all(record.get(key) == value for key, value in (rewrite.get("match") or {}).items()):
                record.update(rewrite.get("set") or {})
                for field in rewrite.get("unset") or ():
                    record.pop(field, None)
        for field, value in (fault.get("nonfinite") or {}).items():
            record[field] = NONFINITE[value]
        for field in fault.get("omit_fields") or ():
            record.pop(field, None)
    if fault.get("omit_result"):
        payload.pop("result", None)
    return fault.get("success_status", status), payload


def default_fault_errors(status: int, api_path: str) -> list:
    """Return plausible Cloudflare error objects for an injected HTTP ``status``."""
    if status == 429:
        return [{"code": CODE_RATE_LIMIT, "message": "Please wait and consider throttling your request speed"}]
    if status >= 500:
        return [{"code": 10002, "message": f"An unknown error has occurred (HTTP {status})"}]
    if status in (401, 403):
        return [{"code": CODE_AUTH, "message": "Authentication error"}]
    if status == 404:
        return [{"code": CODE_BAD_OBJECT, "message": f"Could not route to {api_path}, perhaps your object identifier is invalid?"}]
    if status == 409:
        return [{"code": CODE_DUPLICATE, "message": "Conflict"}]
    return [{"code": 1000, "message": f"Emulated failure (HTTP {status})"}]


# --------------------------------------------------------------------------- the rate limit and the accounts
#: Environment variables that give the rate-limit and accounts options their defaults (CLI flags win).
RATE_LIMIT_ENV = "EMULATOR_RATE_LIMIT"      # quota per window; 0 (the default) turns the limit off
RATE_WINDOW_ENV = "EMULATOR_RATE_WINDOW"    # seconds, default 300 (Cloudflare's five minutes)
RATE_BLOCK_ENV = "EMULATOR_RATE_BLOCK"      # seconds refused after the request past the quota, default: the window
ACCOUNTS_ENV = "EMULATOR_ACCOUNTS"          # how many accounts, default 1
#: Cloudflare's documented limit: 1200 requests per 300 seconds per user.
CLOUDFLARE_QUOTA = 1200
CLOUDFLARE_WINDOW = 300
#: The bucket of requests whose credentials name no user (wrong or missing): they are counted apart.
ANONYMOUS = "(no user)"


class Latency:
    """How long an API answer waits before it goes: ``request`` seconds every answer, ``page`` seconds more every page
    of the users listing. The start-up values come back with ``/__emulator__/reset``."""

    def __init__(self, request: float = 0.0, page: float = 0.0):
        self.initial = self._checked(request, page)
        self.request, self.page = self.initial

    @staticmethod
    def _checked(request, page) -> tuple:
        for name, value in (("request", request), ("page", page)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 60:
                raise ValueError(f"latency {name!r} must be a number of seconds from 0 to 60")
        return float(request), float(page)

    def configure(self, request: float = 0.0, page: float = 0.0) -> dict:
        self.request, self.page = self._checked(request, page)
        return self.settings()

    def restore(self) -> None:
        self.request, self.page = self.initial

    def settings(self) -> dict:
        return {"request": self.request, "page": self.page}

    def of(self, method: str, api_path: str) -> float:
        """The seconds this API request waits."""
        listing = method == "GET" and _ROUTES[0][1].match(api_path) is not None
        return self.request + (self.page if listing else 0.0)


class RateLimit:
    """Cloudflare's rate limit as its documentation describes it, for every credential of one user together.

    Each user (the emulator's token and its email + Global API key are one user) has ``quota`` requests per
    fixed window of ``window`` seconds, across all accounts. A window opens with the user's first request after
    the last one closed. The request past the quota is refused with 429, and so is every request of that user
    for ``block`` seconds (at least until the window ends); then a new window opens. When ``quota`` is 0 the
    limit is off: nothing is counted and no ``Ratelimit`` header is sent (an API that predates them).

    Every answer of an enforced limit carries ``Ratelimit: "default";r=<left>;t=<seconds to reset>`` and
    ``Ratelimit-Policy: "default";q=<quota>;w=<window>``, and a refusal ``Retry-After`` (seconds, rounded up).
    """

    def __init__(self, quota: int = 0, window: int = CLOUDFLARE_WINDOW, block: int | None = None, clock=time.monotonic):
        self.lock = threading.Lock()
        self.clock = clock
        self.quota, self.window, self.block = _rate_limit_config(quota, window, block)
        self.initial = (self.quota, self.window, self.block)
        self.users: dict = {}
        self.windows = 0   # windows opened so far, of every user

    @property
    def enabled(self) -> bool:
        """Whether requests are counted and refused past the quota."""
        return self.quota > 0

    def configure(self, quota: int, window: int = CLOUDFLARE_WINDOW, block: int | None = None) -> dict:
        """Set a new limit (ValueError for a bad one) and forget what was spent; return the settings."""
        settings = _rate_limit_config(quota, window, block)
        with self.lock:
            self.quota, self.window, self.block = settings
            self.users = {}
        return self.settings()

    def restore(self) -> None:
        """Back to the start-up limit, nothing spent (``/__emulator__/reset``)."""
        self.configure(*self.initial)

    def settings(self) -> dict:
        """The limit in force."""
        return {"quota": self.quota, "window": self.window, "block": self.block}

    def admit(self, user: str) -> dict:
        """Count one request of ``user``; return its verdict.

        The verdict: ``refused`` (bool), ``left`` (requests left in the window, None when the limit is off),
        ``window`` (which window counted it: windows are numbered from 1 as they open, whatever the user, and the numbers
        go on across ``configure``; None when the limit is off) and ``headers`` (the headers of the answer).
        """
        if not self.enabled:
            return {"refused": False, "left": None, "window": None, "headers": {}}
        with self.lock:
            now = self.clock()
            spent = self.users.setdefault(user, {"opened": None, "spent": 0, "blocked_until": None, "refused": 0,
                                                 "blocks": 0, "served": 0, "window": None})
            if spent["blocked_until"] is not None:
                if now < spent["blocked_until"]:
                    return self._refusal(spent, spent["blocked_until"] - now)
                spent["blocked_until"], spent["opened"] = None, None
            if spent["opened"] is None or now >= spent["opened"] + self.window:
                self.windows += 1
                spent["opened"], spent["spent"], spent["window"] = now, 0, self.windows
            window_end = spent["opened"] + self.window
            if spent["spent"] >= self.quota:
                spent["blocked_until"] = max(now + self.block, window_end)
                spent["blocks"] += 1
                return self._refusal(spent, spent["blocked_until"] - now)
            spent["spent"] += 1
            spent["served"] += 1
            left = self.quota - spent["spent"]
            return {"refused": False, "left": left, "window": spent["window"], "headers": self._headers(left, window_end - now)}

    def _refusal(self, spent: dict, seconds: float) -> dict:
        spent["refused"] += 1
        headers = self._headers(0, seconds)
        headers["Retry-After"] = str(max(1, int(math.ceil(seconds))))
        return {"refused": True, "left": 0, "window": spent["window"], "headers": headers}

    def _headers(self, left: int, reset_in: float) -> dict:
        return {"Ratelimit": f'"default";r={left};t={max(1, int(math.ceil(reset_in)))}',
                "Ratelimit-Policy": f'"default";q={self.quota};w={self.window}'}

    def status(self) -> dict:
        """The limit and, for each user, what the current window has left (for ``GET /__emulator__/budget``)."""
        with self.lock:
            now = self.clock()
            users = {}
            for user, spent in self.users.items():
                blocked = spent["blocked_until"] is not None and now < spent["blocked_until"]
                open_window = spent["opened"] is not None and now < spent["opened"] + self.window
                users[user] = {
                    "left": 0 if blocked else self.quota - spent["spent"] if open_window else self.quota,
                    "reset_in": round(spent["opened"] + self.window - now, 3) if open_window and not blocked else None,
                    "blocked_for": round(spent["blocked_until"] - now, 3) if blocked else None,
                    "served": spent["served"], "refused": spent["refused"], "blocks": spent["blocks"],
                }
            return dict(self.settings(), enabled=self.enabled, users=users)


def _rate_limit_config(quota, window, block) -> tuple:
    """Validate (quota, window, block); block None means the window. Raise ValueError naming the bad value."""
    for name, value, least in (("quota", quota, 0), ("window", window, 1), ("block", block, 0)):
        if name == "block" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"'{name}' must be an integer of at least {least}")
    return quota, window, window if block is None else block


def account_id_for(index: int, first: str = DEFAULT_ACCOUNT_ID) -> str:
    """The identifier of the emulator's account number ``index`` (1-based): the first is ``first``."""
    if index == 1:
        return first
    return hashlib.sha256(f"cloudflare-emulator:account:{index}".encode()).hexdigest()[:32]


def _account_users(specs: list, account_id: str) -> list:
    """``specs`` for another account: the same people, with ids and seat_uids of that account."""
    out = []
    for spec in specs:
        email = str(spec.get("email", "")).lower()
        out.append(dict(spec, id=str(uuid.uuid5(ID_NAMESPACE, f"user:{account_id}:{email}")),
                        uid=None, seat_uid=str(uuid.uuid5(ID_NAMESPACE, f"seat:{account_id}:{email}"))))
    return out


class Accounts:
    """The accounts the emulator serves: the first (the server's ``state``) and any others, each with its own users.

    Every account starts with the same people as the first (generated or from the users file), under identifiers
    of its own. The credentials, the request log, the fault rules and the rate limit are the server's, shared.
    """

    def __init__(self, first: EmulatorState, count: int = 1, generate: int | None = None, users: list | None = None):
        self.first = first
        self.lock = threading.Lock()
        self.others: dict = {}
        self.initial = (count, generate, users)
        self.populate(count, generate, users)

    def populate(self, count: int, generate: int | None = None, users: list | None = None) -> list:
        """Serve ``count`` accounts (the first keeps its users; ValueError changes nothing); return their ids."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError("'accounts' must be a positive integer")
        if generate is not None and (isinstance(generate, bool) or not isinstance(generate, int) or generate < 0):
            raise ValueError("'generate' must be a non-negative integer")
        specs = generate_user_specs(generate) if generate is not None else list(users or [])
        others = {}
        for index in range(2, count + 1):
            account_id = account_id_for(index, self.first.account_id)
            state = EmulatorState(account_id, self.first.max_per_page)
            state.replace_users(_account_users(specs, account_id))
            others[account_id] = state
        with self.lock:
            self.others = others
        return self.ids()

    def restore(self, body: dict) -> None:
        """After ``/__emulator__/reset``: the start-up number of accounts (or ``accounts``), with the first's new users."""
        self.populate(body.get("accounts", self.initial[0]), body.get("generate"), body.get("users", []))
        with self.lock:
            for state in self.others.values():
                state.max_per_page = self.first.max_per_page

    def ids(self) -> list:
        """Every account id, the first first."""
        with self.lock:
            return [self.first.account_id] + list(self.others)

    def state(self, account_id: str) -> EmulatorState | None:
        """The users of ``account_id``, or None for an account the emulator does not serve."""
        if account_id == self.first.account_id:
            return self.first
        with self.lock:
            return self.others.get(account_id)


class EmulatorServer(ThreadingHTTPServer):
    """Threading HTTP(S) server holding the emulator's configuration and state."""

    daemon_threads = True
    allow_reuse_address = True
    #: The server's clock (control API ``clock``): seconds added to the real time in every ``Date`` header, and
    #: whether answers carry a ``Date`` at all; what a collection must judge inactivity by, and may not find.
    clock_offset = 0.0
    send_date = True
    # Clients that read pages side by side open several connections at once.
    request_queue_size = 64

    def __init__(self, address, state: EmulatorState, credentials: dict, ssl_context: ssl.SSLContext | None = None,
                 verbose: bool = False, contract_log: str | None = None, rate_limit: RateLimit | None = None,
                 accounts: Accounts | None = None, latency: Latency | None = None):
        self.state = state
        self.latency = latency or Latency()
        self.rate_limit = rate_limit or RateLimit()
        self.accounts = accounts or Accounts(state)
        self.credentials = credentials
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.contract_log = contract_log
        super().__init__(address, EmulatorHandler)

    def record_exchange(self, exchange: dict) -> None:
        """Append one API exchange to the contract log (one JSON line), if there is one.

        One ``os.write`` on an ``O_APPEND`` descriptor per line, so that emulators started by tests
        themselves (they inherit ``EMULATOR_CONTRACT_LOG``) can share the file.
        """
        if not self.contract_log:
            return
        line = json.dumps(exchange, separators=(",", ":"), sort_keys=True).encode("utf-8") + b"\n"
        descriptor = os.open(self.contract_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = 0
            while written < len(line):
                written += os.write(descriptor, line[written:])
        finally:
            os.close(descriptor)

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        """The API base URL (``.../client/v4``)."""
        host = self.server_address[0]
        if ":" in host:
            host = f"[{host}]"
        return f"{'https' if self.ssl_context else 'http'}://{host}:{self.port}{API_PREFIX}"

    @property
    def root_url(self) -> str:
        """The server's root URL (control API lives at ``root_url + '/__emulator__/...'``)."""
        return self.base_url[:-len(API_PREFIX)]

    def finish_request(self, request, client_address):
        """Do the TLS handshake in the request thread (never in the accept loop)."""
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(30)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls.close()


class EmulatorHandler(BaseHTTPRequestHandler):
    """Request handler: the Cloudflare API under /client/v4 and the control API under /__emulator__."""

    protocol_version = "HTTP/1.1"
    server_version = "cloudflare-emulator/1.0"
    sys_version = ""
    timeout = 120
    disable_nagle_algorithm = True
    server: EmulatorServer
    #: Behaviours of the fault rule that shaped the current answer (for the contract log).
    _fault_behaviours: list = []

    def date_time_string(self, timestamp=None):
        """The ``Date`` header on the server's clock (``clock_offset`` from the real time)."""
        return super().date_time_string((time.time() if timestamp is None else timestamp) + self.server.clock_offset)

    def send_response(self, code, message=None):
        """As BaseHTTPRequestHandler's, without the ``Date`` header when the clock is set to send none."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())
        if self.server.send_date:
            self.send_header("Date", self.date_time_string())

    # pylint: disable=invalid-name
    def do_GET(self):
        """Serve GET."""
        self._dispatch()

    def do_POST(self):
        """Serve POST."""
        self._dispatch()

    def do_PUT(self):
        """Serve PUT."""
        self._dispatch()

    def do_PATCH(self):
        """Serve PATCH."""
        self._dispatch()

    def do_DELETE(self):
        """Serve DELETE."""
        self._dispatch()
    # pylint: enable=invalid-name

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Log to stderr only with --verbose (the request line never holds credentials)."""
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}\n")

    # ----------------------------------------------------------------- plumbing
    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json", headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, payload, headers: dict | None = None) -> None:
        self._send(status, json.dumps(payload, separators=(",", ":")).encode("utf-8"), headers=headers)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            raw = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send_json(400, failure_envelope([{"code": CODE_INVALID, "message": "Invalid request body framing"}]))
            return
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self._control(path[len(CONTROL_PREFIX):], raw)
            return
        self._api(path, query, raw)

    # ----------------------------------------------------------------- the API
    def _auth_scheme(self) -> str:
        if self.headers.get("Authorization") is not None:
            return "token"
        if self.headers.get("X-Auth-Email") is not None or self.headers.get("X-Auth-Key") is not None:
            return "key"
        return "none"

    def _authenticate(self, scheme: str) -> None:
        creds = self.server.credentials
        if scheme == "token":
            match = BEARER_RE.match(self.headers.get("Authorization", "").strip())
            if not match:
                raise ApiError(400, CODE_BAD_HEADERS, "Invalid request headers",
                               [{"code": 6111, "message": "Invalid format for Authorization header"}])
            if not hmac.compare_digest(match.group(1).encode(), creds["api_token"].encode()):
                raise ApiError(403, CODE_AUTH, "Authentication error")
            return
        if scheme == "key":
            email = (self.headers.get("X-Auth-Email") or "").strip()
            key = (self.headers.get("X-Auth-Key") or "").strip()
            if not email:
                raise ApiError(400, CODE_BAD_HEADERS, "Invalid request headers",
                               [{"code": 6102, "message": "Invalid format for X-Auth-Email header"}])
            if not key:
                raise ApiError(400, CODE_BAD_HEADERS, "Invalid request headers",
                               [{"code": 6103, "message": "Invalid format for X-Auth-Key header"}])
            email_ok = hmac.compare_digest(email.lower().encode(), creds["api_email"].lower().encode())
            key_ok = hmac.compare_digest(key.encode(), creds["api_key"].encode())
            if not (email_ok and key_ok):
                raise ApiError(403, CODE_AUTH, "Authentication error")
            return
        raise ApiError(400, CODE_BAD_HEADERS, "Invalid request headers",
                       [{"code": 6111, "message": "Invalid format for Authorization header"}])

    def _api(self, path: str, query: dict, raw: bytes) -> None:
        method = self.command
        scheme = self._auth_scheme()
        # "at": when the request arrived (seconds since the epoch), so tests can check how writes were paced.
        entry = {"method": method, "path": path, "query": query, "status": None, "auth": scheme, "body": _loggable_body(raw),
                 "at": time.time()}
        self._fault_behaviours = []
        self._budget_headers = None
        verdict = self._admit(entry)
        if verdict["refused"]:
            status, body, content_type, headers = _rate_limited()
        else:
            status, body, content_type, headers = self._api_response(method, path, query, raw, scheme, entry)
        headers = _with_budget_headers(dict(headers, **verdict["headers"]), self._budget_headers, verdict,
                                       self.server.rate_limit)
        entry["status"] = status
        wait = self.server.latency.of(method, path[len(API_PREFIX):] if path.startswith(API_PREFIX + "/") else path)
        if wait:
            time.sleep(wait)   # outside every lock: requests side by side wait side by side
        self.server.state.record(entry)
        if self.server.contract_log:
            self.server.record_exchange({
                "method": method,
                "path": path,
                "query": urlsplit(self.path).query,
                "request_headers": _redacted_headers(self.headers),
                "request_body": raw.decode("utf-8", "replace") if raw else None,
                "status": status,
                "response_headers": dict(headers, **{"Content-Type": content_type}),
                "response_body": body.decode("utf-8", "replace"),
                "fault": self._fault_behaviours,
            })
        self._send(status, body, content_type, headers)

    def _api_response(self, method, path, query, raw, scheme, entry) -> tuple:
        """Return (status, body bytes, content type, extra headers) for one API request."""
        state = self.server.state
        api_path = path[len(API_PREFIX):] if path.startswith(API_PREFIX + "/") else path
        fault = state.take_fault(method, path, query)
        self._budget_headers = None if fault is None else fault.get("budget_headers")
        if fault is not None:
            entry["fault"] = True
            self._fault_behaviours = sorted(key for key in _FAULT_BEHAVIOURS + ("delay", "retry_after") + ANSWER_BEHAVIOURS
                                            if key in fault)
            if fault.get("apply") or "nested_depth" in fault:
                return self._answer_fault_response(fault, method, path, api_path, query, raw, scheme)
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            headers = {}
            if "retry_after" in fault:
                retry = fault["retry_after"]
                headers["Retry-After"] = str(int(retry)) if float(retry).is_integer() else str(retry)
            if "raw_body" in fault:
                content_type = fault.get("content_type", "text/html; charset=utf-8")
                return fault.get("status", 200), fault["raw_body"].encode("utf-8"), content_type, headers
            if "status" in fault:
                errors = fault.get("errors") or default_fault_errors(fault["status"], api_path)
                return fault["status"], _dumps(failure_envelope(errors)), "application/json", headers
            if fault.get("success_false"):
                errors = fault.get("errors") or [{"code": 1000, "message": "Emulated failure reported with HTTP 200"}]
                return 200, _dumps(failure_envelope(errors)), "application/json", {}
        before = state.seat_flags() if fault is not None and fault.get("seats_answer") == "old_flags" else None
        try:
            status, payload = self._route(method, path, api_path, query, raw, scheme)
        except ApiError as exc:
            return exc.status, _dumps(failure_envelope(exc.errors)), "application/json", exc.headers
        if fault is not None and payload.get("success") is True:
            if fault.get("drop_result_info"):
                payload.pop("result_info", None)
            elif "result_info" in fault:
                payload["result_info"] = dict(payload.get("result_info") or {}, **fault["result_info"])
            status, payload = reshape_answer(fault, status, payload, before)
        return status, _dumps(payload), "application/json", {}

    def _answer_fault_response(self, fault, method, path, api_path, query, raw, scheme) -> tuple:
        """A fault whose answer is not the API's: ``apply`` runs the request first (the write is done, then its answer
        is lost: ``status``/``raw_body`` replace it, or ``delay`` outlasts the client); ``nested_depth`` answers
        ``[[[...]]]`` nested that deep (with ``status``, default 200)."""
        if fault.get("apply"):
            with contextlib.suppress(ApiError):
                real_status, payload = self._route(method, path, api_path, query, raw, scheme)
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if "raw_body" in fault:
                content_type = fault.get("content_type", "text/html; charset=utf-8")
                return fault.get("status", 200), fault["raw_body"].encode("utf-8"), content_type, {}
            if "status" in fault:
                errors = fault.get("errors") or default_fault_errors(fault["status"], api_path)
                return fault["status"], _dumps(failure_envelope(errors)), "application/json", {}
            return real_status, _dumps(payload), "application/json", {}
        depth = int(fault["nested_depth"])
        return fault.get("status", 200), b"[" * depth + b"]" * depth, "application/json", {}

    def _route(self, method, path, api_path, query, raw, scheme) -> tuple:
        """Route, authenticate and run one API request; return (status, payload) or raise ApiError."""
        if not path.startswith(API_PREFIX + "/"):
            raise ApiError(404, CODE_NO_ROUTE, "No route for that URI")
        name, match, methods = _match_route(api_path)
        if method not in methods:
            raise ApiError(405, CODE_METHOD, f"Method {method} not available for that URI")
        self._authenticate(scheme)
        groups = [unquote(group) for group in match.groups()]
        state = self.server.accounts.state(groups[0])
        if state is None:
            raise ApiError(403, CODE_UNAUTHORIZED_RESOURCE, "Unauthorized to access requested resource")
        if name == "users":
            if method == "GET":
                return 200, state.list_users(query)
            return 201, state.create_user(_parse_json(raw))
        if name == "seats":
            return 200, state.edit_seats(_parse_json(raw))
        if name == "revoke_user":
            return 200, state.revoke_user(query, _parse_json(raw))
        user_id = groups[1]
        user_path = f"/accounts/{groups[0]}/access/users/{user_id}"
        if name == "user":
            if method == "GET":
                return 200, state.get_user(user_id, user_path)
            if method == "PUT":
                return 200, state.update_user(user_id, user_path, _parse_json(raw))
            return 202, state.delete_user(user_id, user_path)
        raise _no_route(api_path)

    # ----------------------------------------------------------------- the rate limit
    def _user(self) -> str:
        """The user whose budget a request spends: the emulator's token and its email + key are one user."""
        creds = self.server.credentials
        match = BEARER_RE.match((self.headers.get("Authorization") or "").strip())
        if match and hmac.compare_digest(match.group(1).encode(), creds["api_token"].encode()):
            return creds["api_email"].lower()
        email = (self.headers.get("X-Auth-Email") or "").strip().lower()
        key = (self.headers.get("X-Auth-Key") or "").strip()
        if self.headers.get("Authorization") is None and email and key and \
                hmac.compare_digest(email.encode(), creds["api_email"].lower().encode()) and \
                hmac.compare_digest(key.encode(), creds["api_key"].encode()):
            return email
        return ANONYMOUS

    def _admit(self, entry: dict) -> dict:
        """Spend one request of the caller's budget; note in the log entry what was left and who asked."""
        verdict = self.server.rate_limit.admit(self._user())
        entry["budget_left"] = verdict["left"]
        entry["budget_window"] = verdict["window"]
        entry["agent"] = self.headers.get("User-Agent")
        return verdict

    def _control_budget(self, sub: str, raw: bytes) -> bool:
        """The control endpoints of the rate limit and the accounts; False when ``sub`` is not one of them.

        ``budget``: GET the limit and what each user has left; POST ``{quota, window, block}`` sets a limit and
        forgets what was spent (quota 0: off); DELETE turns it off. ``accounts``: GET the account ids; POST
        ``{accounts, generate | users}`` serves that many accounts, the others with those people (default: none).
        ``accounts/<id>/users``: GET the users of one account.
        """
        method, limit = self.command, self.server.rate_limit
        if sub == "/budget" and method == "GET":
            self._send_json(200, limit.status())
        elif sub == "/budget" and method == "POST":
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("budget body must be a JSON object")
            self._send_json(200, limit.configure(body.get("quota", CLOUDFLARE_QUOTA), body.get("window", CLOUDFLARE_WINDOW),
                                                 body.get("block")))
        elif sub == "/budget" and method == "DELETE":
            self._send_json(200, limit.configure(0, limit.window, limit.block))
        elif sub == "/accounts" and method == "GET":
            self._send_json(200, {"accounts": self.server.accounts.ids()})
        elif sub == "/accounts" and method == "POST":
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("accounts body must be a JSON object")
            accounts = self.server.accounts
            self._send_json(200, {"accounts": accounts.populate(body.get("accounts", 1), body.get("generate"), body.get("users"))})
        elif sub.startswith("/accounts/") and sub.endswith("/users") and method == "GET":
            state = self.server.accounts.state(sub[len("/accounts/"):-len("/users")])
            if state is None:
                self._send_json(404, {"error": f"the emulator serves no account {sub[len('/accounts/'):-len('/users')]}"})
            else:
                self._send_json(200, {"users": state.all_users()})
        else:
            return False
        return True

    # ----------------------------------------------------------------- the control API
    def _control(self, sub: str, raw: bytes) -> None:
        state = self.server.state
        method = self.command
        sub = sub.rstrip("/")
        try:
            if self._control_budget(sub, raw):
                return
            if sub == "/requests" and method == "GET":
                with state.lock:
                    log = list(state.log)
                self._send_json(200, {"requests": log})
            elif sub == "/requests" and method == "DELETE":
                with state.lock:
                    cleared = len(state.log)
                    state.log = []
                self._send_json(200, {"cleared": cleared})
            elif sub == "/users" and method == "GET":
                self._send_json(200, {"users": state.all_users()})
            elif sub == "/clock":
                self._control_clock(method, raw)
            elif sub == "/revocations":
                self._control_revocations(method)
            elif sub == "/reset" and method == "POST":
                body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
                count = state.reset(body)
                self.server.clock_offset, self.server.send_date = EmulatorServer.clock_offset, EmulatorServer.send_date
                self.server.accounts.restore(body)
                self.server.rate_limit.restore()
                self.server.latency.restore()
                self._send_json(200, {"users": count})
            elif sub == "/faults" and method == "GET":
                self._send_json(200, {"faults": state.list_faults()})
            elif sub == "/faults" and method == "POST":
                self._send_json(200, {"faults": state.add_faults(json.loads(raw.decode("utf-8")))})
            elif sub == "/faults" and method == "DELETE":
                with state.lock:
                    state.faults = []
                self._send_json(200, {"faults": 0})
            elif sub == "/latency":
                self._control_latency(method, raw)
            elif sub == "/health" and method == "GET":
                self._send_json(200, {"ok": True, "users": state.user_count(), "base_url": self.server.base_url})
            elif sub == "/shutdown" and method == "POST":
                self.close_connection = True
                self._send_json(200, {"shutdown": True})
                threading.Thread(target=self.server.shutdown, daemon=True).start()
            else:
                self._send_json(404, {"error": f"unknown control endpoint {method} {CONTROL_PREFIX}{sub}"})
        except (ValueError, UnicodeDecodeError) as exc:
            self._send_json(400, {"error": str(exc)})

    def _control_clock(self, method: str, raw: bytes) -> None:
        """``/__emulator__/clock``: GET says the server's clock; POST ``{"offset": seconds, "date": true|false}`` moves
        it from the real time (negative: behind) and says whether answers carry a ``Date``; ``reset`` restores both."""
        if method == "POST":
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            offset, date = body.get("offset", self.server.clock_offset), body.get("date", self.server.send_date)
            if isinstance(offset, bool) or not isinstance(offset, (int, float)) or not math.isfinite(offset):
                raise ValueError("clock: 'offset' must be a number of seconds")
            if not isinstance(date, bool):
                raise ValueError("clock: 'date' must be true or false")
            self.server.clock_offset, self.server.send_date = float(offset), date
        elif method != "GET":
            self._send_json(405, {"error": f"clock takes GET or POST, not {method}"})
            return
        self._send_json(200, {"offset": self.server.clock_offset, "date": self.server.send_date,
                              "now": self.date_time_string()})

    def _control_latency(self, method: str, raw: bytes) -> None:
        """``/__emulator__/latency``: GET the latency, POST ``{request, page}`` (seconds, each default 0) sets it,
        DELETE sets both to 0."""
        latency = self.server.latency
        if method == "GET":
            self._send_json(200, latency.settings())
        elif method == "POST":
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("latency body must be a JSON object")
            self._send_json(200, latency.configure(body.get("request", 0.0), body.get("page", 0.0)))
        elif method == "DELETE":
            self._send_json(200, latency.configure())
        else:
            self._send_json(404, {"error": f"unknown control endpoint {method} {CONTROL_PREFIX}/latency"})

    def _control_revocations(self, method: str) -> None:
        """``/__emulator__/revocations``: GET lists the revocations received, DELETE forgets them."""
        state = self.server.state
        if method == "GET":
            self._send_json(200, {"revocations": state.list_revocations()})
        elif method == "DELETE":
            with state.lock:
                cleared = len(state.revocations)
                state.revocations = []
            self._send_json(200, {"cleared": cleared})
        else:
            self._send_json(404, {"error": f"unknown control endpoint {method} {CONTROL_PREFIX}/revocations"})


def _rate_limited() -> tuple:
    """The answer to a request past the rate limit (its headers are added by the caller)."""
    errors = [{"code": CODE_RATE_LIMIT, "message": "Please wait and consider throttling your request speed"}]
    return 429, _dumps(failure_envelope(errors)), "application/json", {}


def _match_route(api_path: str) -> tuple:
    """Return (route name, regex match, allowed methods) for an API path, or raise 404 7000."""
    for name, pattern, methods in _ROUTES:
        match = pattern.match(api_path)
        if match:
            return name, match, methods
    raise ApiError(404, CODE_NO_ROUTE, "No route for that URI")


def _dumps(payload) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def _parse_json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, CODE_MALFORMED_JSON, "Malformed JSON in request body") from None


def _redacted_headers(headers) -> dict:
    """Return the request headers with every credential value replaced by ``<redacted>``.

    An ``Authorization`` value keeps its scheme word (``Bearer <redacted>``), so that a validator
    can still tell which security scheme the request used.
    """
    out = {}
    for key, value in headers.items():
        if key.lower() in CREDENTIAL_HEADERS:
            scheme, space, _rest = value.strip().partition(" ")
            value = f"{scheme} {REDACTED}" if key.lower() == "authorization" and space and scheme.isalpha() else REDACTED
        out[key] = value
    return out


def _loggable_body(raw: bytes):
    """Return the request body for the log: parsed JSON, the text if not JSON, or None if empty."""
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return raw.decode("utf-8", "replace")


def load_users_file(path: str) -> list:
    """Read a users file: a JSON list of user objects (or an object with a ``users`` list)."""
    with open(path, "r", encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, dict) and "users" in data:
        data = data["users"]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of user objects")
    return data


def make_server(host: str = "127.0.0.1", port: int = 0, *, account_id: str = DEFAULT_ACCOUNT_ID,
                api_token: str = DEFAULT_API_TOKEN, api_email: str = DEFAULT_API_EMAIL, api_key: str = DEFAULT_API_KEY,
                users: list | None = None, generate: int | None = None, max_per_page: int = DEFAULT_MAX_PER_PAGE,
                tls_cert: str | None = None, tls_key: str | None = None, verbose: bool = False,
                contract_log: str | None = None, rate_limit: int = 0, rate_window: int = CLOUDFLARE_WINDOW,
                rate_block: int | None = None, accounts: int = 1, latency: float = 0.0,
                page_latency: float = 0.0) -> EmulatorServer:
    """Create a listening (not yet serving) emulator server; call ``serve_forever`` on it.

    ``rate_limit`` requests per ``rate_window`` seconds per user, refused for ``rate_block`` seconds past it (see
    :class:`RateLimit`; 0, the default, is off); ``accounts`` accounts, each with the same people (:class:`Accounts`);
    ``latency`` seconds before every API answer, ``page_latency`` more before every page of the users listing
    (:class:`Latency`).
    """
    if max_per_page < 1:
        raise ValueError("max_per_page must be at least 1")
    state = EmulatorState(account_id, max_per_page)
    if users is not None and generate is not None:
        raise ValueError("give either users or generate, not both")
    if generate is not None:
        state.generate(generate)
    elif users is not None:
        state.replace_users(users)
    context = None
    if tls_cert or tls_key:
        if not (tls_cert and tls_key):
            raise ValueError("TLS needs both a certificate and a key")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_cert, tls_key)
    credentials = {"api_token": api_token, "api_email": api_email, "api_key": api_key}
    limit = RateLimit(rate_limit, rate_window, rate_block)
    served = Accounts(state, accounts, generate, users)
    return EmulatorServer((host, port), state, credentials, context, verbose, contract_log, limit, served,
                          Latency(latency, page_latency))


def start_server(**kwargs) -> tuple:
    """Create a server (see :func:`make_server`) and serve it on a daemon thread; return (server, thread)."""
    server = make_server(**kwargs)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="cloudflare-emulator", daemon=True)
    thread.start()
    return server, thread


def stop_server(server: EmulatorServer, thread: threading.Thread | None = None) -> None:
    """Stop a server started by :func:`start_server` and release its socket."""
    server.shutdown()
    server.server_close()
    if thread is not None:
        thread.join(5)


@contextlib.contextmanager
def running_server(**kwargs):
    """Context manager: a served emulator on a thread, stopped on exit."""
    server, thread = start_server(**kwargs)
    try:
        yield server
    finally:
        stop_server(server, thread)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(description="Local emulator of the Cloudflare Zero Trust Access users/seats API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: pick a free port)")
    parser.add_argument("--port-file", help="write the chosen port number to this file once listening")
    parser.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID)
    parser.add_argument("--api-token", default=DEFAULT_API_TOKEN)
    parser.add_argument("--api-email", default=DEFAULT_API_EMAIL)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--users-file", help="JSON list of user objects to start with")
    source.add_argument("--generate", type=int, metavar="N", help="start with N deterministic users user00001@example.com ...")
    parser.add_argument("--max-per-page", type=int, default=DEFAULT_MAX_PER_PAGE, help="largest page served (default 1000)")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--verbose", action="store_true", help="log every request line to stderr")
    parser.add_argument("--contract-log", default=os.environ.get(CONTRACT_LOG_ENV) or None, metavar="FILE",
                        help=f"append every API exchange to FILE as a JSON line (default: ${CONTRACT_LOG_ENV})")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long before every API answer (default 0)")
    parser.add_argument("--page-latency", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long more before every page of the users listing (default 0)")
    _add_budget_arguments(parser)
    return parser


def _env_int(name: str, default: int | None) -> int | None:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the rate limit and the accounts (their environment variables give the defaults)."""
    parser.add_argument("--rate-limit", type=int, default=_env_int(RATE_LIMIT_ENV, 0), metavar="QUOTA",
                        help=f"requests per window per user, then 429 (default ${RATE_LIMIT_ENV} or 0: off, no Ratelimit "
                             f"headers; Cloudflare's is {CLOUDFLARE_QUOTA})")
    parser.add_argument("--rate-window", type=int, default=_env_int(RATE_WINDOW_ENV, CLOUDFLARE_WINDOW), metavar="SECONDS",
                        help=f"the window of --rate-limit (default ${RATE_WINDOW_ENV} or {CLOUDFLARE_WINDOW})")
    parser.add_argument("--rate-block", type=int, default=_env_int(RATE_BLOCK_ENV, None), metavar="SECONDS",
                        help=f"how long every request is refused past the quota (default ${RATE_BLOCK_ENV} or the window)")
    parser.add_argument("--accounts", type=int, default=_env_int(ACCOUNTS_ENV, 1), metavar="N",
                        help=f"serve N accounts, each with the same people under its own ids (default ${ACCOUNTS_ENV} or 1)")


def _raise_exit(_signum, _frame):
    raise SystemExit(0)


def main(argv: list | None = None) -> int:
    """Command-line entry point."""
    args = build_parser().parse_args(argv)
    if args.max_per_page < 1:
        build_parser().error("--max-per-page must be at least 1")
    if args.generate is not None and args.generate < 0:
        build_parser().error("--generate must be non-negative")
    if bool(args.tls_cert) != bool(args.tls_key):
        build_parser().error("--tls-cert and --tls-key go together")
    users = load_users_file(args.users_file) if args.users_file else None
    try:
        server = make_server(args.host, args.port, account_id=args.account_id, api_token=args.api_token, api_email=args.api_email,
                             api_key=args.api_key, users=users, generate=args.generate, max_per_page=args.max_per_page,
                             tls_cert=args.tls_cert, tls_key=args.tls_key, verbose=args.verbose, contract_log=args.contract_log,
                             rate_limit=args.rate_limit, rate_window=args.rate_window, rate_block=args.rate_block,
                             accounts=args.accounts, latency=args.latency, page_latency=args.page_latency)
    except ValueError as exc:
        build_parser().error(str(exc))
    signal.signal(signal.SIGTERM, _raise_exit)
    if args.port_file:
        temporary = args.port_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{server.port}\n")
        os.replace(temporary, args.port_file)
    sys.stdout.write(f"cloudflare emulator: {server.state.user_count()} users, listening on {server.base_url}\n")
    if len(server.accounts.ids()) > 1 or server.rate_limit.enabled:
        sys.stdout.write(f"cloudflare emulator: accounts {' '.join(server.accounts.ids())}; rate limit "
                         f"{server.rate_limit.settings() if server.rate_limit.enabled else 'off'}\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
