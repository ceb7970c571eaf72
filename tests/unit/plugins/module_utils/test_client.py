# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Decision logic of the shared client: retries, envelope, pagination, credentials.

HTTP itself is exercised by the integration targets against the emulator; here a scripted
session stands in for the network so that each decision can be pinned exactly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import resolve_credentials, validate_connection
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import client as _client
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import errors as _errors
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import listing as _listing
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import transport as _transport
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient, backoff_delay, parse_retry_after
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareAPIError,
    CloudflareError,
    CloudflareNotFoundError,
    CloudflareRateLimitError,
    CloudflareResponseError,
    CloudflareTransportError,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import OptionsError

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
TOKEN = 'secret-token-abcdefghijklmnopqrstuvwxyz'


class FakeResponse(object):
    """A streamed response: the client reads it through iter_content, as it reads requests' own."""

    def __init__(self, status=200, body=None, headers=None, text=None, chunks=None):
        self.status_code = status
        self.headers = headers or {}
        self.text = text if text is not None else json.dumps(body)
        self.chunks = chunks
        self.encoding = 'utf-8'
        self.closed = False

    def iter_content(self, chunk_size):
        if self.chunks is not None:
            yield from self.chunks
            return
        data = self.text.encode('utf-8')
        for start in range(0, len(data), chunk_size):
            yield data[start:start + chunk_size]

    def close(self):
        self.closed = True


def ok(result, **extra):
    body = {'success': True, 'errors': [], 'messages': [], 'result': result}
    body.update(extra)
    return FakeResponse(200, body)


def failure(status, code, message, **extra):
    body = {'success': False, 'errors': [{'code': code, 'message': message}], 'messages': [], 'result': None}
    body.update(extra)
    return FakeResponse(status, body)


class ScriptedSession(object):
    """Answers requests from a list of responses or exceptions, and records what was asked."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []
        self.headers = {}

    def request(self, method, url, params=None, json=None, **kwargs):
        self.calls.append(dict(kwargs, method=method, url=url, params=params, json=json))
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_client(script, max_retry_wait=330, sleeps=None, documented_only=False):
    sleeps = [] if sleeps is None else sleeps
    session = ScriptedSession(script)
    # documented_only=False: these tests exercise the client's mechanics on any path (test_operations.py and
    # test_a_request_outside_the_documented_operations_is_not_sent cover the gate).
    client = CloudflareClient(ACCOUNT, {'Authorization': 'Bearer ' + TOKEN}, base_url='http://cf.test/client/v4',
                              max_retry_wait=max_retry_wait, session=session, sleep=sleeps.append, secrets=(TOKEN,),
                              documented_only=documented_only)
    return client, session, sleeps


def connection_refused():
    inner = type('NewConnectionError', (Exception,), {})('Failed to establish a new connection: [Errno 111] refused')
    return requests.exceptions.ConnectionError(inner)


# --- envelope -------------------------------------------------------------------------------

def test_success_envelope_returns_it():
    client, _session, _sleeps = make_client([ok({'id': 'x'})])
    assert client.result('GET', '/accounts/%s/access/users/x' % ACCOUNT) == {'id': 'x'}


def test_http_200_with_success_false_is_a_failure_with_codes():
    client, _session, _sleeps = make_client([failure(200, 1001, 'something went wrong')])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert 'HTTP 200' in str(info.value)
    assert '1001: something went wrong' in str(info.value)
    assert info.value.errors == [{'code': 1001, 'message': 'something went wrong'}]


def test_error_message_names_status_method_path_codes_and_error_chain():
    response = failure(400, 6003, 'Invalid request headers', error_chain=[{'code': 6111, 'message': 'Invalid format for Authorization header'}])
    client, _session, _sleeps = make_client([response])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/accounts/%s/access/users' % ACCOUNT)
    message = str(info.value)
    assert message.startswith('Cloudflare API error on GET /accounts/%s/access/users: HTTP 400' % ACCOUNT)
    assert '6003: Invalid request headers' in message
    assert '6111: Invalid format for Authorization header' in message


def test_404_is_a_not_found_error():
    client, _session, _sleeps = make_client([failure(404, 7003, 'Could not route')])
    with pytest.raises(CloudflareNotFoundError):
        client.request('GET', '/x')


def test_body_that_is_not_json_fails_clearly():
    client, _session, _sleeps = make_client([FakeResponse(200, text='<html>oops</html>', headers={'Content-Type': 'text/html'})])
    with pytest.raises(CloudflareResponseError) as info:
        client.request('GET', '/x')
    assert 'not JSON' in str(info.value) and 'text/html' in str(info.value) and '<html>oops</html>' in str(info.value)


def test_json_without_envelope_fails_clearly():
    client, _session, _sleeps = make_client([FakeResponse(200, [1, 2, 3])])
    with pytest.raises(CloudflareResponseError) as info:
        client.request('GET', '/x')
    assert 'not the Cloudflare envelope' in str(info.value)


def test_result_of_unexpected_type_fails_clearly():
    client, _session, _sleeps = make_client([ok('a string')])
    with pytest.raises(CloudflareResponseError) as info:
        client.result('GET', '/x')
    assert 'of type str where an object was expected' in str(info.value)


def test_a_credential_echoed_by_the_server_is_redacted():
    client, _session, _sleeps = make_client([failure(403, 10000, 'Authentication error for ' + TOKEN)])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert TOKEN not in str(info.value)
    assert '********' in str(info.value)


# --- retries --------------------------------------------------------------------------------

def test_429_waits_for_retry_after_then_succeeds():
    client, session, sleeps = make_client([failure(429, 971, 'Please wait', headers=None), ok([])])
    session.script[0].headers = {'Retry-After': '7'}
    client.request('GET', '/x')
    assert sleeps == [7.0]
    assert len(session.calls) == 2


@pytest.mark.parametrize('retry_after', ['0', '-5', 'Wed, 21 Oct 2015 07:28:00 GMT'])
def test_429_with_a_zero_or_past_retry_after_still_spends_the_budget(retry_after):
    responses = []
    for dummy in range(20):
        response = failure(429, 971, 'Please wait')
        response.headers = {'Retry-After': retry_after}
        responses.append(response)
    client, session, sleeps = make_client(responses, max_retry_wait=3)
    with pytest.raises(CloudflareRateLimitError):
        client.request('GET', '/x')
    assert sleeps == [1.0, 1.0, 1.0]
    assert len(session.calls) == 4


def test_429_is_retried_even_for_post():
    first = failure(429, 971, 'Please wait')
    first.headers = {'Retry-After': '1'}
    client, session, _sleeps = make_client([first, FakeResponse(201, {'success': True, 'errors': [], 'messages': [], 'result': {}})])
    client.result('POST', '/x', body={'email': 'a@example.com'})
    assert [c['method'] for c in session.calls] == ['POST', 'POST']


def test_429_beyond_the_budget_fails_and_says_how_long_it_waited():
    responses = []
    for dummy in range(3):
        response = failure(429, 971, 'Please wait and consider throttling your request speed')
        response.headers = {'Retry-After': '2'}
        responses.append(response)
    client, session, sleeps = make_client(responses, max_retry_wait=5)
    with pytest.raises(CloudflareRateLimitError) as info:
        client.request('GET', '/x')
    message = str(info.value)
    assert sleeps == [2.0, 2.0]
    assert 'Rate limited' in message and 'HTTP 429' in message and '971' in message
    assert 'after 2 retries and 4.0 s of waiting' in message
    assert 'max_retry_wait=5' in message
    assert len(session.calls) == 3


@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_transient_status_is_retried_for_get(status):
    client, session, sleeps = make_client([failure(status, 1000, 'bad gateway'), ok([])])
    client.request('GET', '/x')
    assert len(session.calls) == 2
    assert len(sleeps) == 1


def test_transient_status_is_not_retried_for_post():
    client, session, _sleeps = make_client([failure(502, 1000, 'bad gateway')])
    with pytest.raises(CloudflareAPIError) as info:
        client.result('POST', '/x', body={})
    assert len(session.calls) == 1
    assert 'HTTP 502' in str(info.value)


def test_persistent_500_fails_within_the_budget_with_the_status():
    client, session, sleeps = make_client([failure(500, 1000, 'internal')] * 50, max_retry_wait=10)
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert sum(sleeps) <= 10
    assert 'HTTP 500' in str(info.value)
    assert 'gave up after' in str(info.value)
    assert len(session.calls) == len(sleeps) + 1


def test_connection_never_established_is_retried_for_post():
    client, session, _sleeps = make_client([connection_refused(), FakeResponse(201, {'success': True, 'errors': [], 'messages': [], 'result': {}})])
    client.result('POST', '/x', body={})
    assert len(session.calls) == 2


def test_read_timeout_is_not_retried_for_post():
    client, session, _sleeps = make_client([requests.exceptions.ReadTimeout('read timed out')])
    with pytest.raises(CloudflareTransportError) as info:
        client.result('POST', '/x', body={})
    assert len(session.calls) == 1
    assert 'No answer within timeout' in str(info.value)


def test_read_timeout_is_retried_for_patch():
    client, session, _sleeps = make_client([requests.exceptions.ReadTimeout('read timed out'), ok([])])
    client.result('PATCH', '/x', body=[], expect=(list,))
    assert len(session.calls) == 2


def test_unreachable_server_fails_after_budget_naming_the_url():
    client, session, _sleeps = make_client([connection_refused()] * 20, max_retry_wait=3)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert 'Cannot connect to http://cf.test/client/v4' in str(info.value)
    assert len(session.calls) >= 2


def test_tls_failure_is_not_retried_and_explains_what_to_do():
    client, session, _sleeps = make_client([requests.exceptions.SSLError('certificate verify failed')])
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert len(session.calls) == 1
    assert 'validate_certs' in str(info.value) and 'REQUESTS_CA_BUNDLE' in str(info.value)


def test_zero_budget_disables_retries():
    client, session, _sleeps = make_client([failure(503, 1000, 'unavailable')], max_retry_wait=0)
    with pytest.raises(CloudflareAPIError):
        client.request('GET', '/x')
    assert len(session.calls) == 1


def test_backoff_grows_and_is_capped():
    assert backoff_delay(0, rand=lambda: 1.0) == 1.0
    assert backoff_delay(3, rand=lambda: 1.0) == 8.0
    assert backoff_delay(3, rand=lambda: 0.0) == 4.0
    assert backoff_delay(30, rand=lambda: 1.0) == 60.0


def test_retry_after_as_seconds_and_as_http_date():
    assert parse_retry_after('12') == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after('soon') is None
    assert parse_retry_after('Thu, 01 Jan 2026 00:01:00 GMT', now=1767225600.0) == 60.0


# --- pagination -----------------------------------------------------------------------------

def page(items, page_number, total_pages, per_page=1000):
    return ok(items, result_info={'page': page_number, 'per_page': per_page, 'count': len(items), 'total_pages': total_pages})


def test_pagination_stops_at_a_short_page_that_total_pages_calls_the_last_without_an_extra_request():
    client, session, _sleeps = make_client([page([{'id': 'a'}, {'id': 'b'}], 1, 3, 2), page([{'id': 'c'}, {'id': 'd'}], 2, 3, 2),
                                            page([{'id': 'e'}], 3, 3, 2)])
    assert [u['id'] for u in client.paginate('/users')] == ['a', 'b', 'c', 'd', 'e']
    assert [c['params']['page'] for c in session.calls] == [1, 2, 3]
    assert all(c['params']['per_page'] == 1000 for c in session.calls)


def test_a_full_page_is_not_the_last_on_the_word_of_total_pages_alone():
    # total_pages 1 on a full page without a count: the next page says whether more users exist.
    client, session, _sleeps = make_client([page([{'id': 'a'}, {'id': 'b'}], 1, 1, 2), page([{'id': 'c'}], 2, 1, 2)])
    listing = client.paginate('/users', complete=False)
    assert [u['id'] for u in listing] == ['a', 'b', 'c'] and len(session.calls) == 2
    assert listing.problems == ['page 2: holds users although total_pages=1']
    client, session, _sleeps = make_client([page([{'id': 'a'}, {'id': 'b'}], 1, 1, 2), page([], 2, 1, 2)])
    assert client.paginate('/users').problems == [] and len(session.calls) == 2


def test_pagination_without_result_info_stops_at_the_empty_page():
    client, session, _sleeps = make_client([ok([{'id': 'a'}]), ok([{'id': 'b'}]), ok([])])
    assert [u['id'] for u in client.paginate('/users')] == ['a', 'b']
    assert len(session.calls) == 3


def test_pagination_stops_at_an_empty_page_before_total_pages_and_calls_it_a_contradiction():
    client, session, _sleeps = make_client([page([{'id': 'a'}], 1, 5, 1), page([], 2, 5, 1)])
    listing = client.paginate('/users', complete=False)
    assert [u['id'] for u in listing] == ['a'] and len(session.calls) == 2
    assert listing.problems == ['page 2: empty while total_pages=5']


def test_pagination_that_repeats_a_page_fails_instead_of_looping():
    client, _session, _sleeps = make_client([ok([{'id': 'a'}]), ok([{'id': 'a'}])])
    with pytest.raises(CloudflareResponseError) as info:
        client.paginate('/users')
    assert 'not advancing' in str(info.value)


def test_pagination_keeps_filters_and_applies_keep():
    client, session, _sleeps = make_client([page([{'id': 'a', 'name': 'A'}], 1, 1)])
    assert client.paginate('/users', params={'email': 'a@example.com'}, keep=lambda u: u['id']) == ['a']
    assert session.calls[0]['params']['email'] == 'a@example.com'


# --- options and credentials ---------------------------------------------------------------

def test_token_from_options_wins_over_environment_key_pair():
    headers, secrets = resolve_credentials({'api_token': 't'}, {'CLOUDFLARE_EMAIL': 'e@x.io', 'CLOUDFLARE_API_KEY': 'k'})
    assert headers == {'Authorization': 'Bearer t'} and secrets == ('t',)


def test_key_pair_from_options_wins_over_environment_token():
    headers, _secrets = resolve_credentials({'api_email': 'e@x.io', 'api_key': 'k'}, {'CLOUDFLARE_API_TOKEN': 't'})
    assert headers == {'X-Auth-Email': 'e@x.io', 'X-Auth-Key': 'k'}


def test_both_schemes_in_options_is_an_error():
    with pytest.raises(OptionsError, match='mutually exclusive'):
        resolve_credentials({'api_token': 't', 'api_key': 'k'}, {})


def test_credentials_from_environment_only():
    headers, _secrets = resolve_credentials({}, {'CLOUDFLARE_API_TOKEN': 't'})
    assert headers == {'Authorization': 'Bearer t'}
    headers, _secrets = resolve_credentials({}, {'CLOUDFLARE_EMAIL': 'e@x.io', 'CLOUDFLARE_API_KEY': 'k'})
    assert headers == {'X-Auth-Email': 'e@x.io', 'X-Auth-Key': 'k'}


def test_no_credentials_says_what_to_set():
    with pytest.raises(OptionsError) as info:
        resolve_credentials({}, {})
    assert 'api_token' in str(info.value) and 'CLOUDFLARE_API_TOKEN' in str(info.value) and 'CLOUDFLARE_EMAIL' in str(info.value)


@pytest.mark.parametrize('params,missing', [({'api_email': 'e@x.io'}, 'api_key'), ({'api_key': 'k'}, 'api_email')])
def test_half_a_pair_says_what_is_missing(params, missing):
    with pytest.raises(OptionsError) as info:
        resolve_credentials(params, {})
    assert 'set %s' % missing in str(info.value)


def test_half_a_pair_is_completed_from_the_environment():
    headers, _secrets = resolve_credentials({'api_key': 'k'}, {'CLOUDFLARE_EMAIL': 'e@x.io'})
    assert headers == {'X-Auth-Email': 'e@x.io', 'X-Auth-Key': 'k'}


@pytest.mark.parametrize('account_id', [None, '', 'abc', '023e105f4ecef8ad9ca31a8372d0c35', '023e105f4ecef8ad9ca31a8372d0c353x', 'g' * 32])
def test_bad_account_id_is_refused(account_id):
    with pytest.raises(OptionsError, match='account_id'):
        validate_connection({'account_id': account_id, 'api_base_url': 'https://x'})


@pytest.mark.parametrize('url', ['', 'ftp://x', 'api.cloudflare.com/client/v4', 'http://'])
def test_bad_base_url_is_refused(url):
    with pytest.raises(OptionsError, match='api_base_url'):
        validate_connection({'account_id': ACCOUNT, 'api_base_url': url})


def test_user_agent_names_the_collection_and_version():
    client, _session, _sleeps = make_client([])
    assert client.transport.session.headers['User-Agent'] == 'cloudflare_ops.zero_trust/%s' % COLLECTION_VERSION


def test_version_matches_galaxy_yml():
    import os
    galaxy = os.path.join(os.path.dirname(_client.__file__), '..', '..', '..', 'galaxy.yml')
    with open(galaxy) as handle:
        versions = [line.split(':', 1)[1].strip() for line in handle if line.startswith('version:')]
    assert versions == [COLLECTION_VERSION]


# --- hardening (issue 7): each test pins a fix in api/client.py or _module.py -------------------------

def test_a_credential_echoed_in_the_error_objects_is_redacted_in_the_structured_failure_too():
    response = failure(403, 10000, 'Authentication error for ' + TOKEN,
                       error_chain=[{'code': 6111, 'message': 'header was Bearer ' + TOKEN}])
    client, _session, _sleeps = make_client([response])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert TOKEN not in json.dumps(info.value.as_dict())
    assert info.value.errors == [{'code': 10000, 'message': 'Authentication error for ********'}]
    assert info.value.error_chain == [{'code': 6111, 'message': 'header was Bearer ********'}]


def test_a_credential_cut_in_two_by_the_length_limit_is_still_redacted():
    # The body is shortened to 200 characters for the message: redaction must come first.
    body = 'x' * 190 + TOKEN
    client, _session, _sleeps = make_client([FakeResponse(200, text=body, headers={'Content-Type': 'text/plain'})])
    with pytest.raises(CloudflareResponseError) as info:
        client.request('GET', '/x')
    assert TOKEN[:10] not in str(info.value)


def test_a_credential_in_a_requests_exception_is_redacted_before_shortening():
    error = requests.exceptions.InvalidHeader('y' * 185 + ' ' + TOKEN)
    client, _session, _sleeps = make_client([error])
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert TOKEN[:8] not in str(info.value)


def real_connection_refused():
    """The exception chain requests really raises when nothing listens on the port."""
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    try:
        try:
            raise ConnectionRefusedError(111, 'Connection refused')
        except ConnectionRefusedError as refused:
            raise NewConnectionError(None, 'Failed to establish a new connection: [Errno 111] Connection refused') from refused
    except NewConnectionError as inner:
        long_url = '/client/v4/accounts/%s/access/users?page=1&per_page=1000' % ACCOUNT
        return requests.exceptions.ConnectionError(MaxRetryError(None, long_url, inner))


def test_connection_refused_names_the_reason_which_the_length_limit_used_to_cut():
    client, _session, _sleeps = make_client([real_connection_refused()], max_retry_wait=0)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'Cannot connect to http://cf.test/client/v4 ([Errno 111] Connection refused) on GET /x'


def tls_error(reason_class, text):
    """The exception chain requests raises for a failed TLS handshake (reason_class: an ssl error class)."""
    from urllib3.exceptions import MaxRetryError, SSLError as Urllib3SSLError
    return requests.exceptions.SSLError(MaxRetryError(None, '/client/v4/accounts/%s/access/users' % ACCOUNT,
                                                      Urllib3SSLError(reason_class(1, text))))


def test_tls_certificate_verification_failure_says_so_with_the_reason():
    import ssl
    error = tls_error(ssl.SSLCertVerificationError,
                      '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1000)')
    client, session, _sleeps = make_client([error])
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    message = str(info.value)
    assert message.startswith('TLS certificate verification failed for http://cf.test/client/v4 (')
    assert 'self-signed certificate' in message and 'REQUESTS_CA_BUNDLE' in message
    assert len(session.calls) == 1


def test_tls_failure_that_is_not_about_the_certificate_is_not_called_a_verification_failure():
    import ssl
    error = tls_error(ssl.SSLError, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)')
    client, session, _sleeps = make_client([error])
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert str(info.value).startswith('TLS connection to http://cf.test/client/v4 failed ([SSL: WRONG_VERSION_NUMBER]')
    assert 'verification' not in str(info.value)
    assert len(session.calls) == 1


def lying(items, number):
    return ok(items, result_info={'page': number, 'per_page': 1, 'count': len(items), 'total_count': 3, 'total_pages': 1})


def test_pagination_whose_total_pages_contradicts_total_count_reads_on_and_says_so():
    client, session, _sleeps = make_client([lying([{'id': 'a'}], 1), lying([{'id': 'b'}], 2), lying([{'id': 'c'}], 3)])
    listing = client.paginate('/users', complete=False)
    assert [u['id'] for u in listing] == ['a', 'b', 'c']
    assert len(session.calls) == 3
    assert listing.problems == ['pages 1, 2, 3: total_pages=1 does not match total_count=3 at per_page=1',
                                'pages 2, 3: holds users although total_pages=1']


def test_a_listing_that_contradicts_itself_fails_a_task_that_acts_on_it_naming_the_contradictions():
    client, _session, _sleeps = make_client([lying([{'id': 'a'}], 1), lying([{'id': 'b'}], 2), lying([{'id': 'c'}], 3)])
    with pytest.raises(_errors.CloudflareListingError) as info:
        client.paginate('/users')
    message = str(info.value)
    assert message.startswith('The Cloudflare API listing GET /users contradicts itself, so the task does not act on '
                              'it (nothing was written): pages 1, 2, 3: total_pages=1 does not match total_count=3 at '
                              'per_page=1; pages 2, 3: holds users although total_pages=1. Its pages may hold')
    assert len(info.value.problems) == 2


def test_pagination_with_a_total_count_too_large_stops_at_the_empty_page_and_says_so():
    client, session, _sleeps = make_client([
        ok([{'id': 'a'}], result_info={'page': 1, 'total_count': 99, 'total_pages': 1}),
        ok([], result_info={'page': 2, 'total_count': 99, 'total_pages': 1}),
    ])
    listing = client.paginate('/users', complete=False)
    assert [u['id'] for u in listing] == ['a']
    assert len(session.calls) == 2
    assert listing.problems == ['page 2: empty while total_count=99 says 98 more']


@pytest.mark.parametrize('garbage', ['3', True, -1, 2.5, [3]])
def test_pagination_reads_on_past_result_info_numbers_that_are_not_counts_and_says_so(garbage):
    client, session, _sleeps = make_client([
        ok([{'id': 'a'}], result_info={'total_pages': garbage, 'total_count': garbage}),
        ok([], result_info={'total_pages': garbage, 'total_count': garbage}),
    ])
    listing = client.paginate('/users', complete=False)
    assert [u['id'] for u in listing] == ['a']
    assert len(session.calls) == 2
    assert listing.problems[0].startswith('pages 1, 2: result_info.total_count is not a count (got ')


def test_pagination_takes_null_result_info_numbers_for_absent():
    client, session, _sleeps = make_client([ok([{'id': 'a'}], result_info={'total_pages': None, 'total_count': None}),
                                            ok([], result_info={'total_pages': None, 'total_count': None})])
    assert client.paginate('/users') == [{'id': 'a'}] and len(session.calls) == 2


@pytest.mark.parametrize('number', ['NaN', 'Infinity', '-Infinity', '1e999'])
def test_a_page_holding_a_non_finite_number_is_refused_as_a_body(number):
    text = '{"success": true, "errors": [], "messages": [], "result": [{"id": "a", "active_device_count": %s}]}' % number
    client, _session, _sleeps = make_client([FakeResponse(200, text=text)])
    with pytest.raises(CloudflareResponseError) as info:
        client.paginate('/users')
    assert str(info.value).startswith('The Cloudflare API answered GET /users with HTTP 200 and a body that cannot be '
                                      'used: JSON with the number %s' % number)


@pytest.mark.parametrize('account_id', [ACCOUNT + '\n'])
def test_account_id_with_a_final_newline_is_refused(account_id):
    # '$' in a regular expression matches before a final newline: the patterns use '\Z'.
    with pytest.raises(OptionsError, match='account_id'):
        validate_connection({'account_id': account_id, 'api_base_url': 'https://x.test'})


def test_identifier_patterns_refuse_a_final_newline():
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import EMAIL_RE, UUID_RE
    assert UUID_RE.match('f174e90a-fafe-4643-bbbc-4a0ed4fc8415')
    assert not UUID_RE.match('f174e90a-fafe-4643-bbbc-4a0ed4fc8415\n')
    assert EMAIL_RE.match('jdoe@example.com')
    assert not EMAIL_RE.match('jdoe@example.com\n')


@pytest.mark.parametrize('option,value', [
    ('timeout', 0), ('timeout', -1), ('timeout', float('nan')), ('timeout', float('inf')), ('timeout', 1e300),
    ('max_retry_wait', -0.5), ('max_retry_wait', float('nan')), ('max_retry_wait', float('inf')), ('max_retry_wait', 1e12),
])
def test_timeouts_that_would_break_the_socket_or_the_sleep_are_refused(option, value):
    # nan and huge timeouts used to raise ValueError/OverflowError inside requests: "Unexpected error".
    params = {'account_id': ACCOUNT, 'api_base_url': 'https://x.test', option: value}
    with pytest.raises(OptionsError, match=option):
        validate_connection(params)


@pytest.mark.parametrize('url', [
    'http://exa mple.com/client/v4',      # used to pass: only the start of the URL was checked
    'http://127.0.0.1:99999/client/v4',  # used to fail inside requests, after the client was built
    'http://[::1/client/v4',
    'https://api.example.test/client/v4?x=1',
    'https://api.example.test/client/v4#top',
    'https://api.exämple.test/client/v4',
    'https://api.example.test/client/v4\n',
    'http://:80/client/v4',
])
def test_base_urls_that_requests_would_refuse_are_refused_first(url):
    with pytest.raises(OptionsError, match='api_base_url'):
        validate_connection({'account_id': ACCOUNT, 'api_base_url': url})


@pytest.mark.parametrize('url', ['https://user:s3cret@api.example.test/client/v4', 'https://user:s3cret word@api.example.test',
                                 'https://user:s3cret@api.example.test:99999'])
def test_base_url_with_credentials_is_refused_without_showing_them(url):
    with pytest.raises(OptionsError) as info:
        validate_connection({'account_id': ACCOUNT, 'api_base_url': url})
    assert 's3cret' not in str(info.value) and 'api_base_url' in str(info.value)


@pytest.mark.parametrize('url', ['https://api.cloudflare.com/client/v4', 'http://127.0.0.1:8080/client/v4/',
                                 'https://[::1]:8443/client/v4', 'HTTPS://API.EXAMPLE.TEST'])
def test_good_base_urls_pass(url):
    validate_connection({'account_id': ACCOUNT, 'api_base_url': url, 'timeout': 30.0, 'max_retry_wait': 0.0})


@pytest.mark.parametrize('params', [
    {'api_token': 'tok en'}, {'api_token': 'tok\nen'}, {'api_token': 'tok\u20acen'}, {'api_token': 'tok\x00en'},
    {'api_email': 'e@x.io', 'api_key': 'key\nwith newline'}, {'api_email': 'e@x.io', 'api_key': ' key'},
    {'api_email': 'e@x.io', 'api_key': 'k\u00e9y'},
])
def test_credentials_that_cannot_be_headers_are_refused_without_showing_them(params):
    # A key with a newline used to reach requests, whose InvalidHeader text quotes it with repr():
    # the redaction, which looks for the key as it is, missed that form.
    with pytest.raises(OptionsError) as info:
        resolve_credentials(params, {})
    secret = params.get('api_token') or params.get('api_key')
    assert secret not in str(info.value) and repr(secret)[1:-1] not in str(info.value)
    assert 'the value is not shown' in str(info.value)


@pytest.mark.parametrize('email', ['not-an-address', 'e@x.io\n', 'j\u20ac@example.com', 'a b@example.com'])
def test_api_email_that_cannot_be_a_header_is_refused(email):
    with pytest.raises(OptionsError, match='api_email'):
        resolve_credentials({'api_email': email, 'api_key': 'k'}, {})


def test_bad_credentials_from_the_environment_name_the_variable():
    with pytest.raises(OptionsError, match='CLOUDFLARE_API_TOKEN'):
        resolve_credentials({}, {'CLOUDFLARE_API_TOKEN': 'two words'})


@pytest.mark.parametrize('text, is_address', [
    ('jdoe@example.com', True), ("o'brien@example.com", True), ('first.last+tag@sub.example.co.uk', True),
    ("['jdoe@example.com']", False),  # what Ansible makes of a list given to a str option; used to pass
    ('jdoe,bob@example.com', False), ('<jdoe@example.com>', False), ('"j doe"@example.com', False),
])
def test_email_pattern_refuses_the_text_of_a_list(text, is_address):
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import EMAIL_RE
    assert bool(EMAIL_RE.match(text)) is is_address


def test_error_chain_inside_an_error_object_is_in_the_message():
    # Cloudflare (and the emulator) nest error_chain in each error object; only a top-level chain used to show.
    body = {'success': False, 'result': None, 'messages': [], 'errors': [
        {'code': 6003, 'message': 'Invalid request headers',
         'error_chain': [{'code': 6111, 'message': 'Invalid format for Authorization header'}]}]}
    client, _session, _sleeps = make_client([FakeResponse(400, body)])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert 'HTTP 400, 6003: Invalid request headers (6111: Invalid format for Authorization header)' in str(info.value)


# --- what comes back over the wire is not trusted ----------------------------------------------

def redirect(status, location):
    return FakeResponse(status, text='', headers={'Location': location})


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_fails_naming_status_and_location(status):
    client, session, _sleeps = make_client([redirect(status, 'https://elsewhere.test/client/v4/x')])
    with pytest.raises(_errors.CloudflareRedirectError) as info:
        client.request('DELETE', '/x')
    message = str(info.value)
    assert 'HTTP %d' % status in message and 'https://elsewhere.test/client/v4/x' in message
    assert 'go nowhere but http://cf.test' in message
    assert len(session.calls) == 1 and session.calls[0]['allow_redirects'] is False
    assert info.value.status == status


def test_a_redirect_location_that_quotes_the_credential_is_redacted():
    client, _session, _sleeps = make_client([redirect(302, 'https://elsewhere.test/?t=' + TOKEN)])
    with pytest.raises(_errors.CloudflareRedirectError) as info:
        client.request('GET', '/x')
    assert TOKEN not in str(info.value) and 't=********' in str(info.value)


def test_every_request_is_streamed_without_redirects_through_the_computed_proxies():
    client, session, _sleeps = make_client([ok([])])
    client.transport.proxies = {'https': 'http://proxy.test:3128'}
    client.request('GET', '/x')
    call = session.calls[0]
    assert call['allow_redirects'] is False and call['stream'] is True
    assert call['proxies'] == {'https': 'http://proxy.test:3128'}
    assert call['timeout'] == 30


def test_the_session_does_not_read_netrc():
    # trust_env is what makes requests replace the Authorization header with a netrc entry.
    client = CloudflareClient(ACCOUNT, {'Authorization': 'Bearer ' + TOKEN})
    assert client.transport.session.trust_env is False
    assert client.transport.session.headers['Authorization'] == 'Bearer ' + TOKEN


def test_proxies_come_from_the_environment_and_no_proxy_is_honoured(monkeypatch):
    for name in ('http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.test:3128')
    client = CloudflareClient(ACCOUNT, {}, base_url='https://api.example.test/client/v4')
    assert client.transport.proxies.get('https') == 'http://proxy.test:3128'
    monkeypatch.setenv('NO_PROXY', 'example.test')
    assert CloudflareClient(ACCOUNT, {}, base_url='https://api.example.test/client/v4').transport.proxies == {}


def test_a_proxy_password_is_redacted(monkeypatch):
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    monkeypatch.setenv('HTTPS_PROXY', 'http://user:pr0xy-pass@proxy.test:3128')
    client = CloudflareClient(ACCOUNT, {}, base_url='https://api.example.test/client/v4')
    assert client.redact('via http://user:pr0xy-pass@proxy.test:3128') == 'via http://user:********@proxy.test:3128'


@pytest.mark.parametrize('environ,validate_certs,expected', [
    ({}, True, True),
    ({'REQUESTS_CA_BUNDLE': '/ca/requests.pem'}, True, '/ca/requests.pem'),
    ({'CURL_CA_BUNDLE': '/ca/curl.pem'}, True, '/ca/curl.pem'),
    ({'REQUESTS_CA_BUNDLE': '/ca/requests.pem', 'CURL_CA_BUNDLE': '/ca/curl.pem'}, True, '/ca/requests.pem'),
    ({'REQUESTS_CA_BUNDLE': '/ca/requests.pem'}, False, False),
])
def test_the_ca_bundle_variables_still_apply(monkeypatch, environ, validate_certs, expected):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    client, session, _sleeps = make_client([ok([])])
    client.transport.validate_certs = validate_certs
    client.request('GET', '/x')
    assert session.calls[0]['verify'] == expected


def test_an_answer_announcing_more_than_the_cap_is_not_read():
    endless = FakeResponse(200, headers={'Content-Length': str(_transport.MAX_ANSWER_BYTES + 1)}, chunks=iter(()))
    endless.iter_content = None  # reading would fail the test
    client, _session, _sleeps = make_client([endless])
    with pytest.raises(_errors.CloudflareLimitError) as info:
        client.request('GET', '/x')
    assert 'announces %d bytes' % (_transport.MAX_ANSWER_BYTES + 1) in str(info.value) and '32 MiB' in str(info.value)


def test_an_endless_answer_is_read_no_further_than_the_cap():
    chunk = b' ' * (1024 * 1024)
    consumed = []

    def endless():
        while len(consumed) < 1000:  # bounded, in case the cap is broken
            consumed.append(1)
            yield chunk
    client, _session, _sleeps = make_client([FakeResponse(200, chunks=endless())])
    with pytest.raises(_errors.CloudflareLimitError) as info:
        client.request('GET', '/x')
    assert 'goes on past %d bytes' % _transport.MAX_ANSWER_BYTES in str(info.value)
    assert len(consumed) == _transport.MAX_ANSWER_BYTES // len(chunk) + 1


def test_an_answer_of_a_1000_user_page_is_far_below_the_cap():
    page_of_users = json.dumps({'success': True, 'result': [{
        'id': 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415', 'seat_uid': 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415',
        'email': 'first.last.%04d@a-long-company-domain.example.com' % n, 'name': 'First Last %d' % n,
        'access_seat': True, 'gateway_seat': True, 'active_device_count': 2, 'created_at': '2026-01-01T00:00:00Z',
        'updated_at': '2026-01-01T00:00:00Z', 'last_successful_login': '2026-01-01T00:00:00Z'} for n in range(1000)]})
    assert len(page_of_users) * 20 < _transport.MAX_ANSWER_BYTES


def test_a_body_that_outlasts_the_deadline_fails_as_a_timeout(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(_transport.time, 'monotonic', lambda: now[0])

    def slow():
        for dummy in range(100):
            now[0] += 1.0  # each chunk arrives a second later: within any read timeout, not the deadline
            yield b' '
    client, session, _sleeps = make_client([FakeResponse(200, chunks=slow())], max_retry_wait=0)
    client.transport.timeout = 3
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'No answer within timeout=3 s on GET /x'
    assert now[0] == 1003.0
    assert len(session.calls) == 1


def test_a_body_that_outlasts_the_deadline_is_retried_for_get_when_the_budget_allows(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(_transport.time, 'monotonic', lambda: now[0])

    def slow():
        for dummy in range(100):
            now[0] += 10.0
            yield b' '
    client, session, _sleeps = make_client([FakeResponse(200, chunks=slow()), ok([])])
    client.request('GET', '/x')
    assert len(session.calls) == 2


def test_the_deadline_socket_refuses_to_wait_past_the_deadline():
    import socket
    import time
    clock = _transport._Deadline()
    ours, theirs = socket.socketpair()
    try:
        wrapped = _transport._DeadlineSocket(ours, clock)
        wrapped.settimeout(30)
        theirs.sendall(b'ab')
        assert wrapped.makefile('rb').read(1) == b'a'  # no deadline: the socket's own timeout
        clock.start(0.2)
        started = time.monotonic()
        with pytest.raises(socket.timeout):
            wrapped.recv(10)  # b'b' was buffered by the file, nothing more comes
        assert time.monotonic() - started < 10  # bounded by the deadline, not by the 30 s read timeout
        clock.start(-1)
        with pytest.raises(socket.timeout):
            wrapped.recv_into(bytearray(1))
        assert wrapped.gettimeout() == 30
    finally:
        ours.close()
        theirs.close()


def test_the_default_session_reads_through_deadline_sockets():
    client = CloudflareClient(ACCOUNT, {}, base_url='https://api.example.test/client/v4')
    adapter = client.transport.session.get_adapter('https://api.example.test/client/v4')
    pool = adapter.poolmanager.pool_classes_by_scheme['https']
    assert pool.ConnectionCls.__name__ == 'DeadlineConnection'
    assert adapter.poolmanager.pool_classes_by_scheme['http'].ConnectionCls.__name__ == 'DeadlineConnection'


def name_not_resolved():
    inner = type('NameResolutionError', (Exception,), {})('Failed to resolve api.example.invalid')
    return requests.exceptions.ConnectionError(inner)


@pytest.mark.parametrize('error', [connection_refused, name_not_resolved])
def test_a_connection_never_made_has_a_short_budget_of_its_own(error):
    client, session, sleeps = make_client([error() for dummy in range(50)], max_retry_wait=330)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert 0 < sum(sleeps) <= _client.CONNECT_RETRY_WAIT == 10.0
    assert 'retried for at most 10 s' in str(info.value)
    assert len(session.calls) == len(sleeps) + 1


def test_429_keeps_the_long_budget_after_a_refused_connection():
    limited = []
    for dummy in range(6):
        response = failure(429, 971, 'Please wait')
        response.headers = {'Retry-After': '5'}
        limited.append(response)
    client, session, sleeps = make_client([connection_refused()] + limited + [ok([])], max_retry_wait=330)
    client.request('GET', '/x')
    assert sum(sleeps[1:]) == 30.0 and len(session.calls) == 8


def test_a_connect_timeout_keeps_the_long_budget():
    client, session, sleeps = make_client([requests.exceptions.ConnectTimeout('timed out') for dummy in range(50)],
                                          max_retry_wait=60)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert _client.CONNECT_RETRY_WAIT < sum(sleeps) <= 60
    assert 'at most 10 s' not in str(info.value)


def test_redact_data_covers_keys_and_values():
    client, _session, _sleeps = make_client([])
    data = {TOKEN: [{'x' + TOKEN: 'a ' + TOKEN}], 'n': 3, 'nested': {'list': (TOKEN,)}}
    assert client.redact_data(data) == {'********': [{'x********': 'a ********'}], 'n': 3, 'nested': {'list': ['********']}}


def test_an_error_object_whose_key_is_the_credential_is_redacted_in_failure():
    body = {'success': False, 'result': None, 'messages': [],
            'errors': [{'code': 10000, 'message': 'Authentication error', TOKEN: 'not allowed'}],
            'error_chain': [{TOKEN: 1}]}
    client, _session, _sleeps = make_client([FakeResponse(403, body)])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    failure_dict = info.value.as_dict()
    assert TOKEN not in json.dumps(failure_dict) and TOKEN not in str(info.value)
    assert failure_dict['errors'] == [{'code': 10000, 'message': 'Authentication error', '********': 'not allowed'}]
    assert failure_dict['error_chain'] == [{'********': 1}]


def test_a_problem_json_error_keeps_its_detail_redacted_and_shortened():
    body = {'type': 'about:blank', 'title': 'Request blocked', 'status': 422,
            'detail': 'token %s refused by the egress proxy; ' % TOKEN + 'x' * 500}
    response = FakeResponse(422, body, headers={'Content-Type': 'application/problem+json'})
    client, _session, _sleeps = make_client([response])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    message = str(info.value)
    assert message.startswith('Cloudflare API error on GET /x: HTTP 422, Request blocked: token ******** refused by the egress proxy')
    assert '(application/problem+json)' in message and TOKEN not in message
    assert len(message) < 400


def test_a_json_error_body_without_known_fields_is_shown_as_json():
    client, _session, _sleeps = make_client([FakeResponse(400, ['bad', TOKEN], headers={'Content-Type': 'application/json'})])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert 'HTTP 400, ["bad", "********"] (application/json)' in str(info.value)


# --- pagination bounds and merging ----------------------------------------------------------

def counted(items, number, total_count, total_pages=None, per_page=1000):
    info = {'page': number, 'per_page': per_page, 'count': len(items), 'total_count': total_count}
    if total_pages is not None:
        info['total_pages'] = total_pages
    return ok(items, result_info=info)


def test_pagination_stops_when_total_count_is_reached_whatever_total_pages_says():
    client, session, _sleeps = make_client([counted([{'id': 'a'}, {'id': 'b'}], 1, 3, 99, per_page=2),
                                            counted([{'id': 'c'}], 2, 3, 99, per_page=2)])
    listing = client.paginate('/users', complete=False)
    assert [u['id'] for u in listing] == ['a', 'b', 'c']
    assert len(session.calls) == 2
    assert listing.problems[0] == 'pages 1, 2: total_pages=99 does not match total_count=3 at per_page=2'


def test_pagination_that_never_ends_is_left_at_the_page_bound():
    # One user more on every page, one a page: page 1's total_count 5 bounds the listing at 5 pages plus the slack
    # of 2. (Announcing a billion pages would stop it at page 1: see test_client_budget.py.)
    script = [counted([{'id': 'u%d' % n}], n, 4 + n, per_page=1) for n in range(1, 50)]
    client, session, _sleeps = make_client(script)
    with pytest.raises(_errors.CloudflareLimitError) as info:
        client.paginate('/users')
    assert len(session.calls) == 7
    assert 'did not end after 7 pages' in str(info.value) and 'page 1 held 1 of total_count=5' in str(info.value)


def test_pagination_without_total_count_has_a_fixed_page_bound():
    script = [ok([{'id': 'u%d' % n}]) for n in range(_listing.MAX_PAGES_UNBOUNDED + 5)]
    client, session, _sleeps = make_client(script)
    with pytest.raises(_errors.CloudflareLimitError):
        client.paginate('/users')
    assert len(session.calls) == _listing.MAX_PAGES_UNBOUNDED


def test_the_page_bound_leaves_room_for_a_growing_account():
    assert _listing._page_bound(50000, 1000) == 55
    assert _listing._page_bound(5, 2) == 5
    assert _listing._page_bound(0, 1) == 3
    assert _listing._page_bound(None, 1000) == _listing.MAX_PAGES_UNBOUNDED


def test_a_record_on_two_pages_is_one_item_the_later_copy_at_the_first_place():
    client, session, _sleeps = make_client([
        counted([{'id': 'a', 'v': 1}, {'id': 'b', 'v': 1}], 1, 3, 2, per_page=2),
        counted([{'id': 'b', 'v': 2}, {'id': 'c', 'v': 2}], 2, 3, 2, per_page=2),
    ])
    assert client.paginate('/users') == [{'id': 'a', 'v': 1}, {'id': 'b', 'v': 2}, {'id': 'c', 'v': 2}]
    assert len(session.calls) == 2


def test_merging_uses_the_key_function_and_keep_reduces_the_kept_copy():
    seen = []

    def keep(item):
        seen.append(item)
        return (item['uid'], item['v'])
    client, _session, _sleeps = make_client([
        counted([{'uid': 'a', 'v': 1}, {'uid': 'b', 'v': 1}], 1, 3, 2, per_page=2),
        counted([{'uid': 'b', 'v': 2}, {'uid': 'c', 'v': 2}], 2, 3, 2, per_page=2),
    ])
    assert client.paginate('/users', key=lambda item: item['uid'], keep=keep) == [('a', 1), ('b', 2), ('c', 2)]
    assert seen[2] == {'uid': 'b', 'v': 2}  # keep saw the raw record


def test_items_without_a_key_are_all_kept():
    client, _session, _sleeps = make_client([counted([{'name': 'x'}, {'name': 'x'}, {'id': ''}], 1, 3, 1)])
    assert client.paginate('/users') == [{'name': 'x'}, {'name': 'x'}, {'id': ''}]


def test_a_key_function_that_returns_none_turns_merging_off():
    client, _session, _sleeps = make_client([counted([{'id': 'a'}], 1, 2, 2, per_page=1),
                                             counted([{'id': 'b'}, {'id': 'a'}], 2, 3, 2, per_page=1)])
    assert [u['id'] for u in client.paginate('/users', key=lambda item: None, complete=False)] == ['a', 'b', 'a']


# --- a 403 names what the request needs (SECURITY.md's table, _operations.PERMISSIONS) -------------------------

def test_a_403_names_the_permission_the_request_needs_and_where_the_table_is():
    client, _session, _sleeps = make_client([failure(403, 10000, 'Authentication error')], documented_only=True)
    with pytest.raises(CloudflareAPIError) as info:
        client.request('PATCH', '/accounts/%s/access/seats' % ACCOUNT, body=[])
    assert str(info.value) == (
        'Cloudflare API error on PATCH /accounts/%s/access/seats: HTTP 403, 10000: Authentication error. '
        'PATCH /accounts/{account_id}/access/seats needs a token with Zero Trust: Seats Write; a credential that is '
        'revoked, expired or not for this account is refused the same way (see "The least token permissions" in the '
        'collection\'s SECURITY.md)' % ACCOUNT)
    assert info.value.status == 403 and info.value.errors == [{'code': 10000, 'message': 'Authentication error'}]


def test_a_403_on_a_request_cloudflare_lists_no_permission_for_says_so():
    client, _session, _sleeps = make_client([failure(403, 10000, 'Authentication error')], documented_only=True)
    with pytest.raises(CloudflareAPIError) as info:
        client.request('POST', '/accounts/%s/access/users' % ACCOUNT, body={'email': 'a@example.com', 'name': 'A'})
    assert str(info.value).endswith(
        'HTTP 403, 10000: Authentication error. Cloudflare documents no permission for POST '
        '/accounts/{account_id}/access/users: the token may lack an undocumented one; a credential that is revoked, '
        'expired or not for this account is refused the same way (see "The least token permissions" in the '
        'collection\'s SECURITY.md)')


@pytest.mark.parametrize('status', [400, 401, 404, 409, 500])
def test_only_a_403_names_a_permission(status):
    client, _session, _sleeps = make_client([failure(status, 1000, 'No')], documented_only=True, max_retry_wait=0)
    with pytest.raises(CloudflareError) as info:
        client.request('GET', '/accounts/%s/access/users' % ACCOUNT)
    assert 'SECURITY.md' not in str(info.value) and 'needs a token' not in str(info.value)
