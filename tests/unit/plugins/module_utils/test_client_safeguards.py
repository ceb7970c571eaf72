# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Safeguards of the client that no other unit test observed: a module's client sends the documented operations
only, a write whose answer cannot be read has an unknown outcome, and proxy passwords that hold one another are
redacted whole."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _module
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import transport as _transport
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareLimitError,
    CloudflareRedirectError,
    CloudflareRequestRefused,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    ACCOUNT,
    FakeResponse,
    ScriptedSession,
    make_client,
    ok,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_module import FakeModule

PROXY_VARIABLES = ('http_proxy', 'https_proxy', 'no_proxy', 'all_proxy',
                   'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY')


# --- a module's client sends the documented operations only ------------------------------------------------


def test_a_modules_client_refuses_an_undocumented_operation_before_sending_it():
    client = _module.client_for(FakeModule(), {})
    session = ScriptedSession([ok({})])
    client.transport.session = session
    with pytest.raises(CloudflareRequestRefused) as info:
        client.request('delete', '/accounts/%s/access/users' % ACCOUNT)
    assert str(info.value) == ('Refusing to send DELETE /accounts/%s/access/users: it is not one of the documented '
                               'operations this collection uses; nothing was sent' % ACCOUNT)
    assert info.value.method == 'DELETE'
    assert session.calls == []


def test_a_modules_client_sends_a_documented_operation():
    client = _module.client_for(FakeModule(), {})
    session = ScriptedSession([ok([])])
    client.transport.session = session
    assert client.request('GET', '/accounts/%s/access/users' % ACCOUNT)['result'] == []
    assert [call['method'] for call in session.calls] == ['GET']


# --- a write whose answer cannot be read ----------------------------------------------------------------


def too_large():
    answer = FakeResponse(200, headers={'Content-Length': str(_transport.MAX_ANSWER_BYTES + 1)}, chunks=iter(()))
    answer.iter_content = None  # reading would fail the test
    return answer


@pytest.mark.parametrize('method, unconfirmed', [('POST', True), ('PATCH', True), ('DELETE', True), ('GET', False)])
def test_a_write_whose_answer_is_too_large_to_read_has_an_unknown_outcome(method, unconfirmed):
    client, session, _sleeps = make_client([too_large()])
    with pytest.raises(CloudflareLimitError) as info:
        client.request(method, '/x')
    assert info.value.unconfirmed is unconfirmed
    assert len(session.calls) == 1


def test_a_redirected_write_was_not_done():
    # The redirect is the whole answer of the server the request reached: nothing was written there.
    client, _session, _sleeps = make_client([FakeResponse(307, text='', headers={'Location': 'https://elsewhere.test/'})])
    with pytest.raises(CloudflareRedirectError) as info:
        client.request('POST', '/x')
    assert info.value.unconfirmed is False


# --- proxy passwords that hold one another ----------------------------------------------------------------


def client_with_proxies(monkeypatch, **proxies):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, url in proxies.items():
        monkeypatch.setenv(name, url)
    return CloudflareClient(ACCOUNT, {}, base_url='https://api.example.test/client/v4')


def test_a_proxy_password_that_holds_another_is_redacted_whole(monkeypatch):
    # 'zz' is inside 'azzb', and sorts after it: removed first, it would leave 'a' and 'b' of the longer one.
    client = client_with_proxies(monkeypatch, HTTP_PROXY='http://u:zz@one.test:3128',
                                 HTTPS_PROXY='http://u:azzb@two.test:3128')
    assert client.redact('407 for azzb, then for zz') == '407 for ********, then for ********'
    basic = base64.b64encode(b'u:azzb').decode('ascii')
    assert client.redact('Basic ' + basic) == 'Basic ********'


def test_a_proxy_without_a_password_does_not_hide_the_next_ones(monkeypatch):
    client = client_with_proxies(monkeypatch, HTTP_PROXY='http://one.test:3128',
                                 HTTPS_PROXY='http://u:pa55word@two.test:3128')
    assert client.redact('pa55word') == '********'
    assert set(_transport._proxy_passwords({'http': 'http://one.test:3128', 'https': 'http://u:pa55word@two.test:3128',
                                            'ftp': 'http://v:w0rd@three.test:21'})) >= {'pa55word', 'w0rd'}


def test_every_form_of_a_password_with_a_slash_and_without_a_user_is_redacted():
    found = _transport._proxy_passwords({'https': 'http://:a%2Fb%C3%A9@proxy.test:3128'})
    assert set(found) == {
        'a%2Fb%C3%A9',                                        # as written
        'a/bé',                                              # percent-decoded
        base64.b64encode(':a/bé'.encode('latin-1')).decode('ascii'),
        base64.b64encode(':a/bé'.encode('utf-8')).decode('ascii'),
    }
    assert [len(secret) for secret in found] == sorted((len(secret) for secret in found), reverse=True)


def test_a_password_that_cannot_be_latin_1_is_redacted_in_its_utf_8_base64():
    found = _transport._proxy_passwords({'https': 'http://u:%E2%82%AC@proxy.test:3128'})
    assert set(found) == {'%E2%82%AC', '€', base64.b64encode('u:€'.encode('utf-8')).decode('ascii')}


# --- what every request carries, and where it goes ---------------------------------------------------------


def test_every_request_asks_for_json_at_the_base_url_without_its_trailing_slashes():
    session = ScriptedSession([ok({})])
    client = CloudflareClient(ACCOUNT, {'Authorization': 'Bearer t'}, base_url='https://api.example.test/client/vX//',
                              session=session, documented_only=False)
    client.request('GET', '/x')
    assert session.calls[0]['url'] == 'https://api.example.test/client/vX/x'
    assert session.headers['Accept'] == 'application/json'
