# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The transport's own failures word for word (_transport.py): a redirect, an answer past the size cap, a TLS
certificate that is not verified, and the origin a redirect message names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ssl

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _transport
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import (
    CloudflareLimitError,
    CloudflareRedirectError,
    CloudflareTransportError,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import FakeResponse, make_client, tls_error

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
