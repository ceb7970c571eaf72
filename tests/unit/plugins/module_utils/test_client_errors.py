# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each way an answer is refused, with its whole message and the structured part a task reports as ``failure``
(method, path, status): what a user reads to tell what went wrong."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareLimitError, CloudflareResponseError
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    ACCOUNT,
    FakeResponse,
    make_client,
    ok,
)

USERS = '/accounts/%s/access/users' % ACCOUNT


def failure_of(script, call, cls=CloudflareResponseError):
    client, _session, _sleeps = make_client(script)
    with pytest.raises(cls) as info:
        call(client)
    return info.value


def listing(items, **info):
    return ok(items, result_info=dict(dict(page=1, per_page=1000, count=len(items)), **info))


@pytest.mark.parametrize('answer, what', [
    (FakeResponse(200, text='oops', headers={'Content-Type': 'text/plain'}),
     'a body that is not JSON (content-type text/plain): oops'),
    (FakeResponse(200, text=''), 'a body that is not JSON (content-type unknown): (empty)'),
    (FakeResponse(200, body={'result': 1}),
     'JSON that is not the Cloudflare envelope (no boolean "success"): {"result": 1}'),
])
def test_an_answer_that_is_not_the_envelope_is_refused_with_status_method_and_path(answer, what):
    error = failure_of([answer], lambda c: c.request('GET', USERS))
    assert str(error) == 'The Cloudflare API answered GET %s with HTTP 200 and %s' % (USERS, what)
    assert (error.method, error.path, error.status) == ('GET', USERS, 200)


@pytest.mark.parametrize('answer', [FakeResponse(502, text='bad gateway'), FakeResponse(500, body={'detail': 'x'}),
                                    FakeResponse(400, body={'success': True, 'errors': [], 'result': None})])
def test_an_error_status_is_an_api_failure_whatever_the_body(answer):
    error = failure_of([answer], lambda c: c.request('POST', USERS, body={}), cls=Exception)
    assert not isinstance(error, CloudflareResponseError) or error.status == answer.status_code
    assert (error.method, error.path, error.status) == ('POST', USERS, answer.status_code)
    assert 'HTTP %d' % answer.status_code in str(error)


def test_a_result_of_the_wrong_type_names_both_types():
    error = failure_of([ok([1])], lambda c: c.result('PUT', USERS, body={}, expect=(dict, type(None))))
    assert str(error) == ('The Cloudflare API answered PUT %s with a "result" of type list where an object or null '
                          'was expected' % USERS)
    assert (error.method, error.path) == ('PUT', USERS)


def test_a_listing_whose_result_is_not_a_list_is_refused_naming_the_page():
    error = failure_of([listing([{'id': 'a'}], total_count=3), ok({'id': 'b'})], lambda c: c.paginate(USERS))
    assert str(error) == 'The Cloudflare API answered GET %s (page 2) with a "result" that is not a list' % USERS
    assert (error.method, error.path) == ('GET', USERS)


def test_a_listing_that_repeats_page_1_is_refused():
    page = [{'id': 'a'}, {'id': 'b'}]
    error = failure_of([listing(page, total_count=5), listing(page, total_count=5)], lambda c: c.paginate(USERS))
    assert str(error) == ('The Cloudflare API returned the same items for page 2 of GET %s as for an earlier page: '
                          'pagination is not advancing' % USERS)
    assert (error.method, error.path) == ('GET', USERS)


def test_a_listing_past_its_page_bound_is_refused_with_what_it_read():
    # Page 1 holds 2 of 10: 5 pages, with a slack of 2, so page 7 is the last one read; each later page adds one
    # new user and repeats one, so total_count is never reached.
    pages = [listing([{'id': 'a'}, {'id': 'b'}], total_count=10)]
    pages += [listing([{'id': 'u%d' % n}, {'id': 'a'}], total_count=10) for n in range(2, 9)]
    client, session, _sleeps = make_client(pages)
    with pytest.raises(CloudflareLimitError) as info:
        client.paginate(USERS)
    assert str(info.value) == ('The Cloudflare API listing GET %s did not end after 7 pages (8 items so far; page 1 '
                               'held 2 of total_count=10): the server keeps announcing more pages' % USERS)
    assert (info.value.method, info.value.path, len(session.calls)) == ('GET', USERS, 7)


def test_a_listing_without_total_count_names_it_none_when_it_does_not_end():
    pages = [listing([{'id': 'u%d' % n}]) for n in range(201)]
    client, session, _sleeps = make_client(pages)
    with pytest.raises(CloudflareLimitError) as info:
        client.paginate(USERS)
    assert str(info.value).endswith('(200 items so far; page 1 held 1 of total_count=none): the server keeps '
                                    'announcing more pages')
    assert len(session.calls) == 200
