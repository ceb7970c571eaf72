# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The transport's own failures word for word (api/transport.py): a redirect, an answer past the size cap, a TLS
certificate that is not verified, and the origin a redirect message names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import io
import itertools
import socket
import ssl
import zlib

import pytest
import requests
import urllib3

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import transport as _transport
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareLimitError,
    CloudflareRedirectError,
    CloudflareResponseError,
    CloudflareTransportError,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import Redactor
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    FakeResponse,
    connection_refused,
    make_client,
    tls_error,
)

REDIRECT = ('The Cloudflare API answered %s %s with HTTP %s, a redirect to %s: redirects are not followed, so that the '
            'credentials go nowhere but http://cf.test (check api_base_url)')


def test_a_redirect_fails_word_for_word_with_its_method_path_and_status():
    client, _session, _sleeps = make_client([FakeResponse(307, text='', headers={'Location': 'https://elsewhere.test/x'})])
    with pytest.raises(CloudflareRedirectError) as info:
        client.request('PUT', '/a/b')
    assert str(info.value) == REDIRECT % ('PUT', '/a/b', 307, 'https://elsewhere.test/x')
    assert (info.value.method, info.value.path, info.value.status) == ('PUT', '/a/b', 307)


def test_a_redirect_without_a_location_says_so():
    client, _session, _sleeps = make_client([FakeResponse(302, text='', headers={})])
    with pytest.raises(CloudflareRedirectError) as info:
        client.request('GET', '/a')
    assert str(info.value) == REDIRECT % ('GET', '/a', 302, '(no Location)')


@pytest.mark.parametrize('url, origin', [
    ('http://cf.test/client/v4', 'http://cf.test'),
    ('https://api.example.test:8443/a/b/c/d', 'https://api.example.test:8443'),
    ('https://api.example.test', 'https://api.example.test'),
])
def test_the_origin_is_scheme_host_and_port(url, origin):
    assert _transport._origin(url) == origin


def test_an_answer_announcing_more_than_the_cap_fails_word_for_word():
    too_large = FakeResponse(200, headers={'Content-Length': '33554433'}, chunks=iter(()))
    client, _session, _sleeps = make_client([too_large])
    with pytest.raises(CloudflareLimitError) as info:
        client.request('DELETE', '/a/b')
    assert str(info.value) == ('The Cloudflare API answered DELETE /a/b with HTTP 200 and a body that announces 33554433 '
                               'bytes, more than the 32 MiB one answer may have')
    assert (info.value.method, info.value.path, info.value.status) == ('DELETE', '/a/b', 200)


def test_a_certificate_error_is_told_by_its_type_whatever_its_text():
    error = tls_error(ssl.SSLCertVerificationError, 'self-signed certificate in certificate chain (_ssl.c:1000)')
    client, _session, _sleeps = make_client([error])
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert str(info.value).startswith('TLS certificate verification failed for http://cf.test/client/v4 (')


# --- what a failed exchange is called, and whether it may be retried ------------------------------------


def transport():
    return _transport.Transport('https://api.example.test/client/v4', {}, timeout=7, session=FakeSession(),
                                redactor=Redactor(()))


class FakeSession(object):
    def __init__(self):
        self.headers = {}


def after_connecting(text='Connection reset by peer'):
    return requests.exceptions.ConnectionError(ConnectionResetError(104, text))


@pytest.mark.parametrize('exc, method, described', [
    (requests.exceptions.ConnectTimeout('slow'), 'POST', ('Connection to https://api.example.test/client/v4 timed out after 7 s', True)),
    (after_connecting(), 'GET', ('Connection to https://api.example.test/client/v4 failed ([Errno 104] Connection reset by peer)', True)),
    (after_connecting(), 'POST', ('Connection to https://api.example.test/client/v4 failed ([Errno 104] Connection reset by peer)', False)),
    (connection_refused(), 'POST', ('Cannot connect to https://api.example.test/client/v4 (Failed to establish a new connection: '
                                    '[Errno 111] refused)', True)),
    (requests.exceptions.InvalidURL('no host'), 'GET', ('Request failed (no host)', False)),
])
def test_each_failure_of_an_exchange_is_named_and_retried_only_when_safe(exc, method, described):
    assert transport().describe(method, exc) == described


def test_a_certificate_failure_says_what_to_do_word_for_word():
    error = tls_error(ssl.SSLCertVerificationError, 'certificate verify failed: unable to get local issuer certificate')
    assert transport().describe('GET', error) == (
        'TLS certificate verification failed for https://api.example.test/client/v4 (certificate verify failed: '
        'unable to get local issuer certificate); set validate_certs=false or point REQUESTS_CA_BUNDLE at the CA that '
        'signed the server certificate', False)


def test_only_a_refused_or_unresolved_connection_is_refused():
    assert _transport.refused_or_unresolved(connection_refused()) is True
    assert _transport.refused_or_unresolved(after_connecting()) is False
    assert _transport.refused_or_unresolved(requests.exceptions.ReadTimeout('slow')) is False


def test_the_causes_of_an_exception_follow_cause_and_context_and_stop_at_a_cycle():
    outer, inner = ValueError('outer'), OSError('inner')
    outer.__cause__ = inner
    assert list(itertools.islice(_transport._causes(outer), 5)) == [outer, inner]
    first, second = ValueError('first'), ValueError('second')
    first.__context__, second.__context__ = second, first
    assert list(itertools.islice(_transport._causes(first), 5)) == [first, second]


def test_the_innermost_text_is_the_deepest_cause_that_has_one():
    outer = ValueError('outer')
    outer.__cause__ = ValueError('')
    assert _transport._innermost(outer) == 'outer'
    assert _transport._innermost(ValueError()) == ''


# --- the deadline socket and adapter ---------------------------------------------------------------------


class FakeSocket(object):
    def __init__(self, timeout):
        self.timeouts = [timeout]
        self._io_refs = 0

    def gettimeout(self):
        return self.timeouts[-1]

    def settimeout(self, value):
        self.timeouts.append(value)

    def recv(self, size):
        return b'x' * size


class Clock(object):
    def __init__(self, left):
        self._left = left

    def left(self):
        return self._left


@pytest.mark.parametrize('own, left, armed', [(30, None, 30), (30, 5.0, 5.0), (30, 0.5, 0.5), (3, 5.0, 3), (None, 5.0, 5.0),
                                              (None, None, None)])
def test_each_read_waits_no_longer_than_the_deadline_or_the_sockets_own_timeout(own, left, armed):
    sock = FakeSocket(own)
    wrapped = _transport._DeadlineSocket(sock, Clock(left))
    assert wrapped.gettimeout() == own
    assert wrapped.recv(2) == b'xx'
    assert sock.timeouts[-1] == armed


def test_a_read_at_the_deadline_is_a_timeout_with_its_reason():
    wrapped = _transport._DeadlineSocket(FakeSocket(30), Clock(0.0))
    with pytest.raises(socket.timeout) as info:
        wrapped.recv(1)
    assert str(info.value) == 'the deadline of the request passed'


def test_a_timeout_set_on_the_deadline_socket_is_its_own():
    sock = FakeSocket(30)
    wrapped = _transport._DeadlineSocket(sock, Clock(None))
    wrapped.settimeout(4)
    assert (wrapped.gettimeout(), sock.timeouts[-1]) == (4, 4)


@pytest.mark.parametrize('buffering, size', [(-1, io.DEFAULT_BUFFER_SIZE), (None, io.DEFAULT_BUFFER_SIZE), (0, io.DEFAULT_BUFFER_SIZE),
                                             (1, 1), (512, 512)])
def test_the_file_of_a_deadline_socket_keeps_the_socket_open(buffering, size, monkeypatch):
    made = []
    monkeypatch.setattr(_transport.io, 'BufferedReader', lambda raw, size: made.append((raw.mode, size)) or raw)
    sock = FakeSocket(30)
    wrapped = _transport._DeadlineSocket(sock, Clock(None))
    wrapped.makefile(buffering=buffering)
    wrapped.makefile('rb', buffering)
    assert made == [('rb', size), ('rb', size)] and sock._io_refs == 2


def test_the_deadline_adapter_keeps_its_pools_for_proxies_and_pool_options():
    adapter = _transport._deadline_adapter(_transport._Deadline())
    pools = adapter.poolmanager.pool_classes_by_scheme
    assert (pools['http'].__name__, pools['https'].__name__) == ('DeadlineHTTPConnectionPool', 'DeadlineHTTPSConnectionPool')
    manager = adapter.proxy_manager_for('http://proxy.test:3128')
    assert manager.proxy.host == 'proxy.test' and manager.pool_classes_by_scheme is pools
    adapter.init_poolmanager(3, 4, block=True)
    assert adapter.poolmanager.connection_pool_kw['block'] is True
    assert adapter.poolmanager.pool_classes_by_scheme['https'].ConnectionCls.__name__ == 'DeadlineConnection'


# --- the answer's body: the cap on the wire and decoded, its codings and its charset --------------------------

CAP = _transport.MAX_ANSWER_BYTES
TOO_LARGE = ('The Cloudflare API answered %s %s with HTTP %s and %s, more than the 32 MiB one answer may have')


def body(text, encoding='utf-8', headers=None, status=200):
    answer = FakeResponse(status, headers=headers, chunks=[text])
    answer.encoding = encoding
    return answer


def envelope_bytes(result_bytes):
    return b'{"success": true, "errors": [], "messages": [], "result": "' + result_bytes + b'"}'


def test_an_answer_announcing_exactly_the_cap_is_read():
    client, _session, _sleeps = make_client([body(envelope_bytes(b'ok'), headers={'Content-Length': str(CAP)})])
    assert client.result('GET', '/x', expect=(str,)) == 'ok'


def test_an_endless_answer_fails_word_for_word_with_its_method_path_and_status():
    chunk = b' ' * (1024 * 1024)
    client, _session, _sleeps = make_client([FakeResponse(201, chunks=itertools.repeat(chunk, 40))])
    with pytest.raises(CloudflareLimitError) as info:
        client.request('POST', '/a/b')
    assert str(info.value) == TOO_LARGE % ('POST', '/a/b', 201, 'a body that goes on past %d bytes' % CAP)
    assert (info.value.method, info.value.path, info.value.status) == ('POST', '/a/b', 201)


def test_the_cap_counts_the_bytes_on_the_wire_too():
    # Stored (uncompressed) deflate blocks: under the cap once decoded, over it on the wire.
    coded = zlib.compress(b'\0' * (CAP - 1024), 0)
    assert len(coded) > CAP
    pieces = [coded[start:start + 4 * 1024 * 1024] for start in range(0, len(coded), 4 * 1024 * 1024)]
    client, _session, _sleeps = make_client([FakeResponse(200, headers={'Content-Encoding': 'deflate'}, chunks=pieces)])
    with pytest.raises(CloudflareLimitError) as info:
        client.request('GET', '/a')
    assert str(info.value) == TOO_LARGE % ('GET', '/a', 200, 'a body that goes on past %d bytes' % CAP)


def test_an_answer_too_large_once_decoded_fails_word_for_word_with_its_method_path_and_status():
    coded = gzip.compress(b' ' * (CAP + 1))
    client, _session, _sleeps = make_client([FakeResponse(202, headers={'Content-Encoding': 'gzip'}, chunks=[coded])])
    with pytest.raises(CloudflareLimitError) as info:
        client.request('PATCH', '/a/b')
    assert str(info.value) == TOO_LARGE % ('PATCH', '/a/b', 202, 'a body that decodes (gzip) to more than %d bytes' % CAP)
    assert (info.value.method, info.value.path, info.value.status) == ('PATCH', '/a/b', 202)


def test_an_answer_in_a_coding_the_client_does_not_decode_fails_word_for_word():
    client, _session, _sleeps = make_client([FakeResponse(200, headers={'Content-Encoding': 'br'}, chunks=[b'x'])])
    with pytest.raises(CloudflareResponseError) as info:
        client.request('DELETE', '/a/b')
    assert str(info.value) == ('The Cloudflare API answered DELETE /a/b with HTTP 200 and a body in a content coding the '
                               'client does not decode (br)')
    assert (info.value.method, info.value.path, info.value.status) == ('DELETE', '/a/b', 200)


@pytest.mark.parametrize('encoding, raw, text', [
    ('latin-1', b'caf\xe9', 'caf\xe9'),                      # the charset the answer declares
    (None, b'caf\xc3\xa9', 'caf\xe9'),                        # none declared: UTF-8
    ('utf-8', b'caf\xff', 'caf\ufffd'),                      # bytes that cannot be decoded are replaced
    ('cp1252', b'caf\xe9\x81', 'caf\xe9\ufffd'),             # ... in the declared charset
    ('x-no-such-charset', b'caf\xc3\xa9\xff', 'caf\xe9\ufffd'),  # a charset Python does not know: UTF-8
])
def test_the_answer_is_read_in_its_declared_charset(encoding, raw, text):
    client, _session, _sleeps = make_client([body(envelope_bytes(raw), encoding=encoding)])
    assert client.result('GET', '/x', expect=(str,)) == text


# --- the exchange: HTTP 300, the response closed, urllib3's stream -----------------------------------------------


def test_http_300_is_a_redirect_too():
    client, _session, _sleeps = make_client([FakeResponse(300, text='', headers={'Location': 'https://elsewhere.test/x'})])
    with pytest.raises(CloudflareRedirectError) as info:
        client.request('GET', '/a')
    assert str(info.value) == REDIRECT % ('GET', '/a', 300, 'https://elsewhere.test/x')


@pytest.mark.parametrize('make', [
    lambda: FakeResponse(200, {'success': True, 'errors': [], 'messages': [], 'result': {}}),
    lambda: FakeResponse(302, text='', headers={'Location': 'https://elsewhere.test/x'}),
    lambda: FakeResponse(200, headers={'Content-Encoding': 'br'}, chunks=[b'x']),
], ids=['read', 'redirect', 'unreadable'])
def test_every_response_is_closed_whatever_its_answer(make):
    answer = make()     # made here: a response closed by an earlier run of the test would tell nothing
    client, _session, _sleeps = make_client([answer])
    try:
        client.request('GET', '/a')
    except Exception:  # pylint: disable=broad-exception-caught
        pass
    assert answer.closed is True


class RawStream(object):
    """urllib3's response as requests holds it (``response.raw``): read through ``stream``."""

    def __init__(self, chunks=(), failure=None):
        self.chunks = chunks
        self.failure = failure
        self.calls = []

    def stream(self, amount, decode_content=None):
        self.calls.append((amount, decode_content))
        yield from self.chunks
        if self.failure is not None:
            raise self.failure


def streamed(raw, headers=None):
    answer = FakeResponse(200, headers=headers, chunks=[])
    answer.iter_content = None  # urllib3's stream is read, never requests' own decoding
    answer.raw = raw
    return answer


def test_urllib3s_stream_is_read_in_chunks_with_the_codings_left_to_the_client():
    raw = RawStream([gzip.compress(envelope_bytes(b'ok'))])
    client, _session, _sleeps = make_client([streamed(raw, headers={'Content-Encoding': 'gzip'})])
    assert client.result('GET', '/x', expect=(str,)) == 'ok'
    assert raw.calls == [(_transport.READ_CHUNK, False)]


@pytest.mark.parametrize('failure, message', [
    (lambda: urllib3.exceptions.ProtocolError('Connection broken: IncompleteRead(3 bytes read)'),
     'Request failed (Connection broken: IncompleteRead(3 bytes read)) on GET /x'),
    (lambda: urllib3.exceptions.ReadTimeoutError(None, '/x', 'Read timed out.'),
     'No answer within timeout=30 s'),
    (lambda: urllib3.exceptions.SSLError('record layer failure'),
     'TLS connection to http://cf.test/client/v4 failed (record layer failure)'),
])
def test_a_failure_inside_urllib3s_stream_is_named_as_requests_names_it(failure, message):
    client, _session, _sleeps = make_client([streamed(RawStream([b'{"succ'], failure()))], max_retry_wait=0)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert str(info.value).startswith(message)


def test_the_deadline_adapter_serves_http_and_https_and_only_the_codings_decoded_are_asked_for():
    plain = _transport.Transport('http://cf.test/client/v4', {}, redactor=Redactor(()))
    assert plain.session.get_adapter('http://cf.test/') is plain.session.get_adapter('https://cf.test/')
    assert transport().session.headers['Accept-Encoding'] == 'gzip, deflate'
