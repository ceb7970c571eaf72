# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Cloudflare API of the unit tests: the emulator (tests/emulator/cloudflare_emulator.py), served in this
process on a thread and a free port, behind the real client.

``EmulatedApi`` is one emulator for one test. ``users`` is the account as the test sets it and reads it back: a list
the test changed is loaded into the emulator before the next request, and read back from it after each one, so the
emulator's state is the only model of the API (list filters, pages, creates, renames, deletes, seats,
revocations). ``session_class`` is the thin stand-in for ``requests.Session`` between the client and the emulator: it
records each request as the client made it (method, path, params, body, headers), sends it to the emulator under the
base URL the tests name (``BASE``), and answers instead with a canned response or exception where a test asked for one
(``fail``): the transport-level cases no server state makes. ``FakeClock`` replaces the client's retry sleep and the
writers' pacing clock, so that no test sleeps and every wait can be asserted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import copy
import io
import json
import threading
import uuid

import pytest
import requests

from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloudflare_ops.zero_trust.tests.emulator import cloudflare_emulator as emulator

ACCOUNT = emulator.DEFAULT_ACCOUNT_ID
BASE = 'https://api.example.test/client/v4'
TOKEN = 'unit-secret-token-0123456789abcdefghijklmnop'
USERS_PATH = '/accounts/%s/access/users' % ACCOUNT
SEATS_PATH = '/accounts/%s/access/seats' % ACCOUNT
REVOKE_PATH = '/accounts/%s/access/organizations/revoke_user' % ACCOUNT


def make_user(n, access=False, gateway=False, email=None, name=None):
    """A user record as the API lists it; ``n`` makes its ids and email (uid is the id, as the emulator has it)."""
    return {
        'id': str(uuid.UUID(int=n + 1)),
        'uid': str(uuid.UUID(int=n + 1)),
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
    """A canned answer (see ``EmulatedApi.fail``): what no state of the emulator answers."""

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
        errors = [] if status < 400 else [{'code': 7003, 'message': 'refused by the test'}]
    body = {'success': status < 400, 'errors': errors, 'messages': [], 'result': result}
    if result_info is not None:
        body['result_info'] = result_info
    return FakeResponse(status, body, headers=headers)


class Request(object):
    """One request as the client made it."""

    def __init__(self, method, path, params, body, headers):
        self.method = method
        self.path = path
        self.params = params
        self.body = body
        self.headers = headers
        # The status it was answered with (None: an exception instead).
        self.status = None

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


class EmulatedApi(object):
    """The emulator, served for one test, and what a test tells it and reads of it."""

    def __init__(self, users=()):
        self.server = emulator.make_server(api_token=TOKEN)
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.01},
                                        name='cloudflare-emulator', daemon=True)
        self._thread.start()
        self.emulator_state = self.server.state
        self.users = [copy.deepcopy(u) for u in users]
        self._loaded = []
        self.log = []
        self.rules = []
        self.clock = FakeClock()
        # Time one request takes (advances the fake clock), to test that pacing counts it.
        self.request_time = 0.0

    def stop(self):
        emulator.stop_server(self.server, self._thread)

    # --- what a test tells the API -----------------------------------------------------------

    def fail(self, method, path=None, nth=1, times=1, status=400, code=7003, message='refused by the test',
             headers=None, response=None, exception=None):
        """Answer the ``nth`` request (from now on) of ``method`` (whose path contains ``path``) with a failure,
        ``times`` times in a row; ``response`` or ``exception`` instead of an error envelope. The request does not
        reach the emulator."""
        self.rules.append({'method': method, 'path': path, 'skip': nth - 1, 'times': times,
                           'answer': exception or response or envelope(
                               None, status=status, errors=[{'code': code, 'message': message}], headers=headers)})

    def answers_with(self, method, path, match=None, set_fields=None, unset=()):
        """The emulator's answers to ``method`` on the paths that ``path`` (a regular expression) finds carry the
        records that have the fields of ``match`` changed: ``set_fields`` set, ``unset`` left out. What a server that
        breaks its contract answers; the emulator's state keeps the records as they are (its rewrite_records rule)."""
        self.emulator_state.add_faults({'method': method, 'path': path, 'times': -1, 'rewrite_records': [
            {'match': match or {}, 'set': set_fields or {}, 'unset': list(unset)}]})

    def lists(self, records):
        """The next read of the users is answered with ``records`` as they are, on one page: entries that no state of
        the emulator holds (not objects, unknown fields, no timestamps, no flags)."""
        self.fail('GET', USERS_PATH, response=envelope(records, result_info={
            'page': 1, 'per_page': 1000, 'count': len(records), 'total_count': len(records), 'total_pages': 1}))

    # --- what a test reads -------------------------------------------------------------------

    def requests(self, method=None):
        return [r for r in self.log if method is None or r.method == method]

    def count(self, method):
        return len(self.requests(method))

    @property
    def writes(self):
        return [r for r in self.log if r.write]

    @property
    def revocations(self):
        """The revoke_user bodies the emulator accepted, in order."""
        return [r.body for r in self.log if r.path == REVOKE_PATH and r.method == 'POST' and r.status == 200]

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

    # --- between the client and the emulator ---------------------------------------------------

    def canned(self, method, path):
        """The canned answer of a rule of ``fail`` for this request, or None."""
        for rule in self.rules:
            if rule['times'] and rule['method'] == method and (rule['path'] is None or rule['path'] in path):
                if rule['skip']:
                    rule['skip'] -= 1
                    continue
                rule['times'] -= 1
                return rule['answer']
        return None

    def load(self):
        """Load ``users`` into the emulator when the test changed them since the last request."""
        if self.users != self._loaded:
            try:
                self.emulator_state.replace_users(copy.deepcopy(self.users))
            except ValueError as exc:
                raise AssertionError('the emulator cannot hold the users of the test: %s' % exc)
            self.read_back()

    def read_back(self):
        self.users[:] = self.emulator_state.all_users()
        self._loaded = copy.deepcopy(self.users)


def session_class(api):
    """The stand-in for requests.Session: the client's requests, recorded, go to the emulator of ``api`` (or get a
    canned answer), over HTTP, through the adapters the client mounted."""

    class EmulatorSession(requests.Session):
        def request(self, method, url, params=None, json=None, timeout=None, verify=None, proxies=None,
                    allow_redirects=True, stream=False, **kwargs):
            # The client must never follow a redirect, and reads every body itself (deadline, size cap).
            assert allow_redirects is False and stream is True and isinstance(proxies, dict) and not kwargs
            assert timeout is not None
            assert url.startswith(BASE + '/'), url
            path = url[len(BASE):]
            request = Request(method, path, dict(params or {}), copy.deepcopy(json), dict(self.headers))
            api.log.append(request)
            api.clock.now += api.request_time
            answer = api.canned(method, path)
            if isinstance(answer, Exception):
                raise answer
            if answer is None:
                api.load()
                # No proxy between the test and its emulator, whatever the environment names for api.example.test.
                answer = super(EmulatorSession, self).request(
                    method, api.server.base_url + path, params=params, json=json, timeout=timeout, verify=verify,
                    proxies={'http': None, 'https': None}, allow_redirects=False, stream=True)
                if answer.status_code < 400 or method != 'GET':
                    api.read_back()
            request.status = answer.status_code
            return answer

    return EmulatorSession


# The API install() put in place (run_module checks api_requests against what it received).
INSTALLED = {}


def install(monkeypatch, api):
    """Put ``api`` behind requests.Session, and its clock behind the client's sleep and the writers' pacing."""
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _module
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import transport as _transport
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import seat as seat_runner
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import users as users_runner
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import writes

    monkeypatch.setattr(_transport.requests, 'Session', session_class(api))
    real_client = _module.CloudflareClient

    def client(*args, **kwargs):
        kwargs.setdefault('sleep', api.clock.sleep)
        kwargs.setdefault('clock', api.clock.monotonic)
        return real_client(*args, **kwargs)

    monkeypatch.setattr(_module, 'CloudflareClient', client)
    real_pacer = writes.Pacer

    def pacer(rate=None):
        return real_pacer(rate, clock=api.clock.monotonic, sleep=api.clock.sleep)

    monkeypatch.setattr(users_runner, 'Pacer', pacer)
    monkeypatch.setattr(seat_runner, 'Pacer', pacer)
    monkeypatch.setitem(INSTALLED, 'api', api)
    return api


def run_module(module, args, check_mode=False, diff=False, secrets=(TOKEN,)):
    """Run ``module.main()`` as Ansible would; return its result. No output may hold a credential."""
    full = dict(api_token=TOKEN, account_id=ACCOUNT, api_base_url=BASE)
    full.update(args)
    full = dict((key, value) for key, value in full.items() if value is not None)
    full.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    out, err = io.StringIO(), io.StringIO()
    api = INSTALLED.get('api')
    sent_before = len(api.log) if api is not None else 0
    with patch_module_args(full):
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            with pytest.raises(SystemExit):
                module.main()
    for secret in secrets:
        assert secret not in out.getvalue() and secret not in err.getvalue(), 'a credential reached the output'
    return _checked_spending(json.loads(out.getvalue()), api, sent_before)


def _checked_spending(result, api, sent_before):
    """The result without ``api_requests`` and ``rate_limit_wait``, once they are checked against what the API
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
    if api is not None:
        received = {}
        for request in api.log[sent_before:]:
            received[request.method] = received.get(request.method, 0) + 1
        assert spent == received, 'api_requests %r, the API received %r' % (spent, received)
    return result


def seat_summary(addressed, changed, released, released_inactive, released_by_exclusive=0, sessions_revoked=0):
    """cloudflare_zt_seat's summary: the counts in the words of cloudflare_zt_users, and 1.0.0's deprecated names."""
    return {'addressed': addressed, 'seats_changed': changed, 'seats_released': released,
            'released_by_exclusive': released_by_exclusive, 'released_inactive': released_inactive,
            'sessions_revoked': sessions_revoked, 'changed': changed, 'released': released}
