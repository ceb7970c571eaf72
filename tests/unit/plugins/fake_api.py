# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one fake of the Cloudflare API for every unit test of the collection.

``FakeCloudflare`` stands behind ``requests.Session`` (the real client, its retries, envelope and
pagination all run): it plays the Access users and seats endpoints statefully, as the emulator does
(the ``email``/``name``/``search`` list filters match substrings without letter case, pages honour
``page`` and ``per_page``), checks request bodies against the API's schemas, records every request
(method, path, query, body, headers) and can be told to answer a given request with a failure.
``FakeClock`` replaces the client's retry sleep and the writers' pacing clock, so that no test
sleeps and every wait can be asserted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import copy
import io
import json
import uuid

import pytest

from ansible.module_utils.testing import patch_module_args

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
BASE = 'https://api.example.test/client/v4'
TOKEN = 'unit-secret-token-0123456789abcdefghijklmnop'
USERS_PATH = '/accounts/%s/access/users' % ACCOUNT
SEATS_PATH = '/accounts/%s/access/seats' % ACCOUNT
REVOKE_PATH = '/accounts/%s/access/organizations/revoke_user' % ACCOUNT


def make_user(n, access=False, gateway=False, email=None, name=None):
    """A user record as the API lists it; ``n`` makes its ids and email."""
    return {
        'id': str(uuid.UUID(int=n + 1)),
        'uid': str(uuid.UUID(int=n + 7)),
        'seat_uid': str(uuid.UUID(int=(n + 1) << 64)),
        'email': email or 'user%04d@example.com' % n,
        'name': 'User %d' % n if name is None else name,
        'access_seat': access,
        'gateway_seat': gateway,
        'active_device_count': 0,
        'created_at': '2026-01-12T09:30:00Z',
        'updated_at': '2026-01-12T09:30:00Z',
        'last_successful_login': '2026-02-01T08:00:00Z',
    }


class FakeResponse(object):
    def __init__(self, status, body, headers=None, text=None):
        self.status_code = status
        self.headers = {'Content-Type': 'application/json'}
        self.headers.update(headers or {})
        self.text = json.dumps(body) if text is None else text

    def json(self):
        return json.loads(self.text)

    def iter_content(self, chunk_size):
        data = self.text.encode('utf-8')
        for start in range(0, len(data), chunk_size):
            yield data[start:start + chunk_size]

    def close(self):
        pass


def envelope(result, status=200, result_info=None, errors=None, headers=None):
    if errors is None:
        errors = [] if status < 400 else [{'code': 7003, 'message': 'refused by the fake'}]
    body = {'success': status < 400, 'errors': errors, 'messages': [], 'result': result}
    if result_info is not None:
        body['result_info'] = result_info
    return FakeResponse(status, body, headers=headers)


class Request(object):
    """One request as the fake received it."""

    def __init__(self, method, path, params, body, headers):
        self.method = method
        self.path = path
        self.params = params
        self.body = body
        self.headers = headers

    @property
    def write(self):
        return self.method != 'GET'

    def __repr__(self):
        return 'Request(%s %s %r)' % (self.method, self.path, self.params or self.body)


class FakeClock(object):
    """Time that passes only when something sleeps (or a request takes ``request_time``)."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeCloudflare(object):
    """The users and seats of one account, played over ``requests.Session``."""

    def __init__(self, users=()):
        self.users = [copy.deepcopy(u) for u in users]
        self.log = []
        self.rules = []
        # The revoke_user bodies accepted, in order.
        self.revocations = []
        self.created = 0
        self.clock = FakeClock()
        # Time one request takes (advances the fake clock), to test that pacing counts it.
        self.request_time = 0.0
        # What a create answers as the new user's seat_uid (a test may make it one the PATCH schema refuses).
        self.new_seat_uid = lambda n: str(uuid.UUID(int=(0xabc000 + n) << 64))

    # --- what a test tells the fake ---------------------------------------------------------

    def fail(self, method, path=None, nth=1, times=1, status=400, code=7003, message='refused by the fake',
             headers=None, response=None, exception=None):
        """Answer the ``nth`` request (from now on) of ``method`` (whose path contains ``path``) with a failure,
        ``times`` times in a row; ``response`` or ``exception`` instead of an error envelope."""
        self.rules.append({'method': method, 'path': path, 'skip': nth - 1, 'times': times,
                           'answer': exception or response or envelope(
                               None, status=status, errors=[{'code': code, 'message': message}], headers=headers)})

    # --- what a test reads -------------------------------------------------------------------

    def requests(self, method=None):
        return [r for r in self.log if method is None or r.method == method]

    def count(self, method):
        return len(self.requests(method))

    @property
    def writes(self):
        return [r for r in self.log if r.write]

    def patches(self):
        return [r.body for r in self.requests('PATCH')]

    def by_email(self, email):
        found = [u for u in self.users if isinstance(u.get('email'), str) and u['email'].lower() == email.lower()]
        assert len(found) <= 1, found
        return found[0] if found else None

    def flags(self):
        return dict((u.get('email'), (u.get('access_seat') is True, u.get('gateway_seat') is True)) for u in self.users)

    def state(self):
        """email -> (name, access_seat, gateway_seat): what a users task manages."""
        return dict((u['email'].lower(), (u.get('name'), u.get('access_seat') is True, u.get('gateway_seat') is True))
                    for u in self.users)

    # --- the endpoints -----------------------------------------------------------------------

    def handle(self, method, url, params=None, json=None, headers=None):
        assert url.startswith(BASE + '/'), url
        path = url[len(BASE):]
        self.log.append(Request(method, path, dict(params or {}), copy.deepcopy(json), dict(headers or {})))
        self.clock.now += self.request_time
        for rule in self.rules:
            if rule['times'] and rule['method'] == method and (rule['path'] is None or rule['path'] in path):
                if rule['skip']:
                    rule['skip'] -= 1
                    continue
                rule['times'] -= 1
                if isinstance(rule['answer'], Exception):
                    raise rule['answer']
                return rule['answer']
        if path == USERS_PATH:
            if method == 'GET':
                return self._list(params or {})
            if method == 'POST':
                return self._create(json)
        elif path.startswith(USERS_PATH + '/'):
            user_id = path[len(USERS_PATH) + 1:]
            user = self._find_id(user_id)
            if user is None:
                return envelope(None, status=404, errors=[{'code': 1001, 'message': 'user not found'}])
            if method == 'GET':
                return envelope(copy.deepcopy(user))
            if method == 'PUT':
                return self._rename(user, json)
            if method == 'DELETE':
                self.users.remove(user)
                return envelope({'id': user['id']})
        elif path == SEATS_PATH and method == 'PATCH':
            return self._patch(json)
        elif path == REVOKE_PATH and method == 'POST':
            return self._revoke(json)
        raise AssertionError('unexpected request %s %s' % (method, path))

    def _find_id(self, user_id):
        for user in self.users:
            if user.get('id') == user_id:
                return user
        return None

    def _list(self, params):
        found = self.users
        for key in ('email', 'name'):
            if params.get(key) is not None:
                found = [u for u in found if params[key].lower() in str(u.get(key) or '').lower()]
        if params.get('search') is not None:
            found = [u for u in found if any(params['search'].lower() in str(u.get(k) or '').lower() for k in ('email', 'name'))]
        page, per_page = int(params.get('page', 1)), int(params.get('per_page', 25))
        assert 1 <= per_page <= 1000, per_page
        chunk = found[(page - 1) * per_page:page * per_page]
        pages = max(1, -(-len(found) // per_page))
        return envelope(copy.deepcopy(chunk), result_info={'page': page, 'per_page': per_page, 'count': len(chunk),
                                                           'total_count': len(found), 'total_pages': pages})

    def _create(self, body):
        if not isinstance(body, dict) or not isinstance(body.get('email'), str) or '@' not in body['email']:
            return envelope(None, status=400, errors=[{'code': 10001, 'message': 'email is required'}])
        if 'name' in body and not isinstance(body['name'], str):
            return envelope(None, status=400, errors=[{'code': 10001, 'message': 'name must be a string'}])
        if self.by_email(body['email']) is not None:
            return envelope(None, status=409, errors=[{'code': 10002, 'message': 'a user with this email exists'}])
        self.created += 1
        user = {'id': str(uuid.UUID(int=0xabc000 + self.created)), 'uid': str(uuid.uuid4()),
                'seat_uid': self.new_seat_uid(self.created), 'email': body['email'], 'name': body.get('name', ''),
                'access_seat': False, 'gateway_seat': False, 'active_device_count': 0,
                'created_at': 'now', 'updated_at': 'now'}
        self.users.append(user)
        return envelope(copy.deepcopy(user))

    def _rename(self, user, body):
        if not isinstance(body, dict) or not isinstance(body.get('email'), str) or not isinstance(body.get('name'), str):
            return envelope(None, status=400, errors=[{'code': 10001, 'message': 'email and name are required strings'}])
        if body['email'].lower() != str(user.get('email')).lower():
            return envelope(None, status=400, errors=[{'code': 10003, 'message': 'email cannot be changed'}])
        user['name'] = body['name']
        user['updated_at'] = 'later'
        return envelope(copy.deepcopy(user))

    def _patch(self, body):
        if not isinstance(body, list):
            return envelope(None, status=400, errors=[{'code': 10001, 'message': 'a list of seats is required'}])
        for seat in body:
            if not (isinstance(seat, dict) and isinstance(seat.get('seat_uid'), str) and 0 < len(seat['seat_uid']) <= 36
                    and isinstance(seat.get('access_seat'), bool) and isinstance(seat.get('gateway_seat'), bool)):
                return envelope(None, status=400, errors=[{'code': 10001, 'message': 'invalid seat %r' % (seat,)}])
        by_seat = dict((str(u.get('seat_uid')).lower(), u) for u in self.users if u.get('seat_uid'))
        missing = [s['seat_uid'] for s in body if s['seat_uid'].lower() not in by_seat]
        if missing:
            return envelope(None, status=404, errors=[{'code': 1001, 'message': 'no seat %s' % ', '.join(missing)}])
        for seat in body:
            user = by_seat[seat['seat_uid'].lower()]
            user['access_seat'] = seat['access_seat']
            user['gateway_seat'] = seat['gateway_seat']
        return envelope([dict(seat) for seat in body])

    def _revoke(self, body):
        # The published schema: email required, devices and warp_session_reauth booleans, user_uid a string.
        if not isinstance(body, dict) or not isinstance(body.get('email'), str) or '@' not in body['email'] \
                or set(body) - set(('email', 'devices', 'user_uid', 'warp_session_reauth')) \
                or not isinstance(body.get('devices', False), bool):
            return envelope(None, status=400, errors=[{'code': 10001, 'message': 'invalid revocation %r' % (body,)}])
        self.revocations.append(copy.deepcopy(body))
        return envelope(True)


def session_class(fake):
    """A stand-in for requests.Session whose requests go to ``fake``, with the headers the client set."""

    class FakeSession(object):
        def __init__(self):
            self.headers = {}

        def request(self, method, url, params=None, json=None, timeout=None, verify=None, proxies=None,
                    allow_redirects=True, stream=False):
            # The client must never follow a redirect, and reads every body itself (deadline, size cap).
            assert allow_redirects is False and stream is True and isinstance(proxies, dict)
            assert timeout is not None
            return fake.handle(method, url, params=params, json=json, headers=self.headers)

    return FakeSession


# The fake API install() put in place (run_module checks api_requests against what it received).
INSTALLED = {}


def install(monkeypatch, fake):
    """Put ``fake`` behind requests.Session, and its clock behind the client's sleep and the writers' pacing."""
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _module, _transport
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import seat as seat_runner
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import users as users_runner
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import writes

    monkeypatch.setattr(_transport.requests, 'Session', session_class(fake))
    real_client = _module.CloudflareClient

    def client(*args, **kwargs):
        kwargs.setdefault('sleep', fake.clock.sleep)
        kwargs.setdefault('clock', fake.clock.monotonic)
        return real_client(*args, **kwargs)

    monkeypatch.setattr(_module, 'CloudflareClient', client)
    real_pacer = writes.Pacer

    def pacer(rate=None):
        return real_pacer(rate, clock=fake.clock.monotonic, sleep=fake.clock.sleep)

    monkeypatch.setattr(users_runner, 'Pacer', pacer)
    monkeypatch.setattr(seat_runner, 'Pacer', pacer)
    monkeypatch.setitem(INSTALLED, 'fake', fake)
    return fake


def run_module(module, args, check_mode=False, diff=False, secrets=(TOKEN,)):
    """Run ``module.main()`` as Ansible would; return its result. No output may hold a credential."""
    full = dict(api_token=TOKEN, account_id=ACCOUNT, api_base_url=BASE)
    full.update(args)
    full = dict((key, value) for key, value in full.items() if value is not None)
    full.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    out, err = io.StringIO(), io.StringIO()
    fake = INSTALLED.get('fake')
    sent_before = len(fake.log) if fake is not None else 0
    with patch_module_args(full):
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            with pytest.raises(SystemExit):
                module.main()
    for secret in secrets:
        assert secret not in out.getvalue() and secret not in err.getvalue(), 'a credential reached the output'
    return _checked_spending(json.loads(out.getvalue()), fake, sent_before)


def _checked_spending(result, fake, sent_before):
    """The result without ``api_requests`` and ``rate_limit_wait``, once they are checked against what the fake API
    received during the run (every result that got as far as a client carries them; they differ between check mode
    and a real run by design, so comparisons of whole results leave them out)."""
    if 'api_requests' not in result:
        return result
    spent, waited = result.pop('api_requests'), result.pop('rate_limit_wait')
    assert isinstance(waited, float) and waited >= 0
    if isinstance(result.get('report'), dict):
        # The drift report of cloudflare_zt_users says the same as the result.
        report = dict(result['report'])
        assert (report.pop('api_requests'), report.pop('rate_limit_wait')) == (spent, waited)
        result['report'] = report
    if fake is not None:
        received = {}
        for request in fake.log[sent_before:]:
            received[request.method] = received.get(request.method, 0) + 1
        assert spent == received, 'api_requests %r, the fake API received %r' % (spent, received)
    return result


def seat_summary(addressed, changed, released, released_inactive, released_by_exclusive=0, sessions_revoked=0):
    """cloudflare_zt_seat's summary: the counts in the words of cloudflare_zt_users, and 1.0.0's deprecated names."""
    return {'addressed': addressed, 'seats_changed': changed, 'seats_released': released,
            'released_by_exclusive': released_by_exclusive, 'released_inactive': released_inactive,
            'sessions_revoked': sessions_revoked, 'changed': changed, 'released': released}
