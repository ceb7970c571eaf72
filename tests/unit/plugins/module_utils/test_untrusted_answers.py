# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the client does with what a server names (issue 18): only the documented requests are sent, edge errors
are retried, a write without a usable answer is unconfirmed, a failing page is named, every form of a proxy
password is redacted, and content codings are undone within the cap over a real socket."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import gzip
import json
import threading

from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareAPIError,
    CloudflareError,
    CloudflareLimitError,
    CloudflareRequestRefused,
    CloudflareResponseError,
    CloudflareTransportError,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import escape_controls, quoted, shorten
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    ACCOUNT,
    TOKEN,
    FakeResponse,
    connection_refused,
    failure,
    make_client,
    ok,
)

USERS = '/accounts/%s/access/users' % ACCOUNT
USER = USERS + '/6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'
SEATS = '/accounts/%s/access/seats' % ACCOUNT


def gated(script, max_retry_wait=330):
    return make_client(script, max_retry_wait=max_retry_wait, documented_only=True)


# --- only the documented operations --------------------------------------------------------------------


@pytest.mark.parametrize('method, path', [
    ('DELETE', '/accounts/zones'),
    ('DELETE', '/user/tokens/abc'),
    ('DELETE', USER + '/mfa_authenticators/6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'),
    ('GET', USERS + '/../../zones'),
    ('DELETE', USERS + '/not-a-uuid'),
    ('PATCH', USERS),
    ('POST', SEATS),
    ('GET', '/accounts/%s/access/users' % ('0' * 31)),
])
def test_a_request_outside_the_documented_operations_is_not_sent(method, path):
    client, session, _sleeps = gated([ok({})])
    with pytest.raises(CloudflareRequestRefused) as info:
        client.request(method, path)
    assert session.calls == [] and 'not one of the documented operations' in str(info.value)


@pytest.mark.parametrize('method, path', [('GET', USERS), ('POST', USERS), ('GET', USER), ('PUT', USER), ('DELETE', USER),
                                          ('PATCH', SEATS)])
def test_the_documented_operations_are_sent(method, path):
    client, session, _sleeps = gated([ok({})])
    client.request(method, path)
    assert (session.calls[0]['method'], session.calls[0]['url']) == (method, 'http://cf.test/client/v4' + path)


# --- edge errors and writes without a usable answer -----------------------------------------------------


@pytest.mark.parametrize('status', [520, 521, 522, 523, 524])
@pytest.mark.parametrize('method', ['GET', 'PUT', 'PATCH', 'DELETE'])
def test_cloudflare_edge_errors_are_retried_for_reads_and_idempotent_writes(status, method):
    client, session, sleeps = make_client([FakeResponse(status, text='<html>Error %d</html>' % status), ok({})])
    assert client.request(method, '/x') == {'success': True, 'errors': [], 'messages': [], 'result': {}}
    assert len(session.calls) == 2 and len(sleeps) == 1


@pytest.mark.parametrize('status', [520, 524])
def test_an_edge_error_on_a_post_is_not_sent_again_and_its_outcome_is_unknown(status):
    client, session, _sleeps = make_client([FakeResponse(status, text='<html>Error</html>'), ok({})])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('POST', '/x')
    assert len(session.calls) == 1 and info.value.unconfirmed is True


@pytest.mark.parametrize('answer, unconfirmed', [
    (FakeResponse(502, text='<html>502 Bad Gateway</html>'), True),        # a proxy's page: the origin may have done it
    (FakeResponse(500, text='{"success": false, "errors": [{"code": 10002, "message": "x"}], "messages": []}'), False),
    (FakeResponse(400, text='{"success": false, "errors": [{"code": 1001, "message": "x"}], "messages": []}'), False),
    (FakeResponse(429, text='{"success": false, "errors": [{"code": 971, "message": "x"}], "messages": []}'), False),
    (FakeResponse(201, text='<html>created?</html>'), True),
    (FakeResponse(201, text='[' * 100 + ']' * 100), True),
])
def test_a_write_is_unconfirmed_when_no_usable_answer_says_what_happened(answer, unconfirmed):
    client, _session, _sleeps = make_client([answer], max_retry_wait=0)
    with pytest.raises(CloudflareError) as info:
        client.request('POST', '/x')
    assert info.value.unconfirmed is unconfirmed


def test_a_timeout_after_sending_is_unconfirmed_and_a_connection_never_made_is_not():
    client, _session, _sleeps = make_client([requests.exceptions.ReadTimeout('read timed out')], max_retry_wait=0)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('POST', '/x')
    assert info.value.unconfirmed is True
    client, _session, _sleeps = make_client([connection_refused()], max_retry_wait=0)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('POST', '/x')
    assert info.value.unconfirmed is False


def test_a_read_is_never_unconfirmed():
    client, _session, _sleeps = make_client([FakeResponse(502, text='<html>502</html>')], max_retry_wait=0)
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert info.value.unconfirmed is False


def test_a_deep_body_of_a_500_is_retried_and_named_without_recursion():
    deep = FakeResponse(500, text='[' * 100000 + ']' * 100000)
    client, session, _sleeps = make_client([deep, ok({'id': 'a'})])
    assert client.result('GET', '/x') == {'id': 'a'} and len(session.calls) == 2
    client, _session, _sleeps = make_client([FakeResponse(500, text='[' * 100000 + ']' * 100000)], max_retry_wait=0)
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert str(info.value).startswith('Cloudflare API error on GET /x: HTTP 500, a body that cannot be used: JSON nested '
                                      'deeper than 32 levels; gave up after 0 retries')


def test_an_answer_without_result_is_what_the_caller_says_when_it_allows_it():
    client, _session, _sleeps = make_client([ok(None), FakeResponse(200, {'success': True, 'errors': [], 'messages': []})])
    with pytest.raises(CloudflareResponseError):
        client.result('PATCH', '/x', expect=(list,), absent='none')
    assert client.result('PATCH', '/x', expect=(list,), absent='none') == 'none'


# --- a listing that fails on a later page ---------------------------------------------------------------


def test_a_listing_that_fails_on_page_3_says_which_page():
    def page(n):
        return ok([{'id': 'u%d' % (2 * n - 1)}, {'id': 'u%d' % (2 * n)}],
                  result_info={'page': n, 'per_page': 2, 'count': 2, 'total_count': 6, 'total_pages': 3})
    client, _session, _sleeps = make_client([page(1), page(2), failure(400, 1004, 'Invalid page')])
    with pytest.raises(CloudflareAPIError) as info:
        client.paginate('/users')
    assert str(info.value) == ('Cloudflare API error on GET /users: HTTP 400, 1004: Invalid page (page 3 of the listing, '
                               '4 items read before it)')


def test_a_listing_that_fails_on_page_1_is_the_listing_failing():
    client, _session, _sleeps = make_client([failure(403, 10000, 'Authentication error')])
    with pytest.raises(CloudflareAPIError) as info:
        client.paginate('/users')
    assert str(info.value) == 'Cloudflare API error on GET /users: HTTP 403, 10000: Authentication error'


# --- redaction of every form of a proxy password --------------------------------------------------------


def test_every_form_of_a_proxy_password_is_redacted(monkeypatch):
    for name in ('NO_PROXY', 'no_proxy', 'HTTPS_PROXY', 'https_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy%20user:s3cr%40t%20pass%3Ax@proxy.test:3128')
    client = CloudflareClient(ACCOUNT, {}, base_url='https://api.example.test/client/v4')
    basic = base64.b64encode(b'proxy user:s3cr@t pass:x').decode('ascii')
    page = ('407: Proxy-Authorization Basic %s refused for proxy user, password s3cr@t pass:x (s3cr%%40t%%20pass%%3Ax in '
            'the URL, s3cr%%40t%%20pass%%3Ax encoded)' % basic)
    shown = client.redact(page)
    for secret in (basic, 's3cr@t pass:x', 's3cr%40t%20pass%3Ax'):
        assert secret not in shown
    assert shown.count('********') == 4


# --- messages ---------------------------------------------------------------------------------------------


def test_control_characters_are_escaped_and_long_values_shortened_in_messages():
    assert escape_controls('\x1b[31mAda\x07\r') == '\\u001b[31mAda\\u0007\\u000d'
    assert shorten('a\x1bb\nc') == 'a\\u001bb c'
    assert quoted('a' * 10240) == repr('a' * 59)[:60] + "... (10240 characters)"
    assert quoted('short') == "'short'"


# --- content codings over a real socket -------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    bodies = {}

    def log_message(self, *_args):
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        if self.path.endswith('/stall'):
            # Half a body, then nothing: the read of the raw body must end at the deadline, as a timeout.
            self.send_response(200)
            self.send_header('Content-Length', '100')
            self.end_headers()
            self.wfile.write(b'{"success": true')
            self.wfile.flush()
            self.server.stalled.wait(5)
            return
        encoding, data = self.bodies[self.path.split('?')[0].rsplit('/', 1)[-1]]
        self.server.seen_accept_encoding = self.headers.get('Accept-Encoding')
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        if encoding:
            self.send_header('Content-Encoding', encoding)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(name='server')
def fixture_server():
    page = json.dumps({'success': True, 'errors': [], 'messages': [], 'result': {'id': 'a'}}).encode('utf-8')
    _Handler.bodies = {
        'twice': ('gzip, gzip', gzip.compress(gzip.compress(page))),
        'bomb': ('gzip, gzip', gzip.compress(gzip.compress(b' ' * (40 * 1024 * 1024)))),
        'brotli': ('br', b'\x00'),
    }
    httpd = HTTPServer(('127.0.0.1', 0), _Handler)
    httpd.stalled = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={'poll_interval': 0.05})
    thread.daemon = True
    thread.start()
    yield httpd
    httpd.stalled.set()
    httpd.shutdown()
    httpd.server_close()


def real_client(server, timeout=30):
    return CloudflareClient(ACCOUNT, {'Authorization': 'Bearer ' + TOKEN}, base_url='http://127.0.0.1:%d' % server.server_port,
                            max_retry_wait=0, documented_only=False, timeout=timeout)


def test_a_body_that_stalls_over_a_real_socket_is_a_timeout(server):
    with pytest.raises(CloudflareTransportError) as info:
        real_client(server, timeout=0.5).request('GET', '/stall')
    assert str(info.value) == 'No answer within timeout=0.5 s on GET /stall'


def test_a_page_encoded_twice_is_decoded_over_a_real_socket(server):
    assert real_client(server).result('GET', '/twice') == {'id': 'a'}
    assert server.seen_accept_encoding == 'gzip, deflate'


def test_a_gzip_bomb_stops_at_the_cap_over_a_real_socket(server):
    with pytest.raises(CloudflareLimitError) as info:
        real_client(server).request('GET', '/bomb')
    assert 'a body that decodes (gzip) to more than 33554432 bytes' in str(info.value)


def test_a_coding_the_client_does_not_decode_is_refused(server):
    with pytest.raises(CloudflareResponseError) as info:
        real_client(server).request('GET', '/brotli')
    assert 'a body in a content coding the client does not decode (br)' in str(info.value)


# --- text from the API in the Markdown report ---------------------------------------------------------------


def test_control_characters_from_the_api_are_escaped_in_the_drift_table():
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import drift_table
    table = drift_table([{'email': 'ada@example.com\x07', 'action': 'update', 'field': 'name',
                          'before': '\x1b[31mAda|\\u001b', 'after': 'Ada'}])
    row = table.splitlines()[2]
    assert '\x1b' not in table and '\x07' not in table
    # the control character is \u001b; a text that was "\u001b" keeps its backslash escaped, so the two differ
    assert row == '| ada@example.com\\u0007 | update | name | \\u001b\\[31mAda\\|\\\\u001b | Ada |  |'
