# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Zero Trust calls' requests and refusals word for word (api/operations.py), and the texts of the failures they
raise (api/errors.py, api/redact.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import operations as zt
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareError,
    CloudflareListingError,
    CloudflareRequestRefused,
    CloudflareResponseError,
    PartialWriteError,
    PlanError,
    SeatsNotConfirmed,
    format_api_errors,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import Redactor, shorten
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import ACCOUNT, make_client, ok

SEATS = '/accounts/%s/access/seats' % ACCOUNT
REVOKE = '/accounts/%s/access/organizations/revoke_user' % ACCOUNT


def uid(n):
    return '00000000-0000-0000-0000-%012d' % n


def sent(n, access=True, gateway=False):
    return {'seat_uid': uid(n), 'access_seat': access, 'gateway_seat': gateway}


def confirm(answer, seats):
    client, _session, _sleeps = make_client([])
    return zt.confirm_seats(client, 'PATCH', SEATS, seats, answer)


def not_confirmed(answer, seats):
    with pytest.raises(SeatsNotConfirmed) as info:
        confirm(answer, seats)
    assert (info.value.method, info.value.path, info.value.status) == ('PATCH', SEATS, 200)
    return info.value


def test_a_seat_answered_without_both_flags_as_booleans_is_not_in_the_answer():
    error = not_confirmed([{'seat_uid': uid(1), 'access_seat': True, 'gateway_seat': 'no'}], [sent(1)])
    assert str(error) == ("The API's answer to PATCH %s does not confirm 1 of 1 seats: seat_uid '%s' is not in the answer" % (
        SEATS, uid(1)))
    assert error.confirmed == frozenset()


def test_ten_problems_are_named_and_the_rest_counted():
    seats = [sent(n) for n in range(12)]
    error = not_confirmed([sent(0), sent(1, access=False, gateway=True), sent(90), sent(91)], seats)
    problems = ["seat_uid '%s' answered access_seat=false, gateway_seat=true where access_seat=true, gateway_seat=false was sent"
                % uid(1)] + ["seat_uid '%s' is not in the answer" % uid(n) for n in range(2, 12)]
    problems.append("the answer names seats that were not sent: '%s', '%s'" % (uid(90), uid(91)))
    assert str(error) == "The API's answer to PATCH %s does not confirm 11 of 12 seats: %s; and 2 more" % (
        SEATS, '; '.join(problems[:10]))
    assert error.confirmed == frozenset([uid(0)])


def test_exactly_ten_problems_are_all_named():
    seats = [sent(n) for n in range(10)]
    error = not_confirmed([], seats)
    assert str(error) == "The API's answer to PATCH %s does not confirm 10 of 10 seats: %s" % (
        SEATS, '; '.join("seat_uid '%s' is not in the answer" % uid(n) for n in range(10)))


def test_a_delete_answered_with_a_null_result_is_done():
    client, session, _sleeps = make_client([ok(None)])
    assert zt.delete_user(client, uid(5)) is None
    assert session.calls[0]['method'] == 'DELETE'


def test_a_revocation_sends_devices_only_when_asked():
    client, session, _sleeps = make_client([ok(True), ok(None)])
    zt.revoke_user(client, 'ada@example.com')
    zt.revoke_user(client, 'ada@example.com', devices=True)
    assert [call['json'] for call in session.calls] == [{'email': 'ada@example.com'}, {'email': 'ada@example.com', 'devices': True}]


def test_a_revocation_answered_false_is_not_done_word_for_word():
    client, _session, _sleeps = make_client([ok(False)])
    with pytest.raises(CloudflareResponseError) as info:
        zt.revoke_user(client, 'ada@example.com')
    assert str(info.value) == ('The Cloudflare API answered POST %s with result false: the sessions of ada@example.com were '
                               'not revoked' % REVOKE)
    assert (info.value.method, info.value.path, info.value.unconfirmed) == ('POST', REVOKE, False)


def test_an_id_that_is_not_a_string_is_refused_as_it_is():
    client, session, _sleeps = make_client([])
    with pytest.raises(CloudflareRequestRefused) as info:
        zt.get_user(client, 12)
    assert str(info.value) == ('Refusing to send a request: user_id 12 is not a UUID, so it cannot be put in the path of '
                               'GET /accounts/{account_id}/access/users/{user_id}; nothing was sent')
    assert session.calls == []


# --- the texts of the failures ---------------------------------------------------------------------------


def test_api_errors_with_and_without_code_or_message_and_of_other_types():
    assert format_api_errors([{'code': 1000}, {'message': 'no code'}, 'plain', 7, {'code': 0, 'message': 'zero'}]) == \
        '1000: ; no code; plain; 7; 0: zero'


def test_a_failure_keeps_its_message_and_parts():
    error = CloudflareError('boom', method='GET', path='/x', status=500, waited=2.5)
    assert (error.args, str(error), error.waited) == (('boom',), 'boom', 2.5)
    assert error.as_dict() == {'method': 'GET', 'path': '/x', 'status': 500, 'errors': [], 'error_chain': [],
                               'waited_seconds': 2.5}
    listing = CloudflareListingError('contradicts', problems=['p'], method='GET', path='/l', status=200)
    assert (listing.problems, listing.method, listing.path, listing.status) == (['p'], 'GET', '/l', 200)
    partial = PartialWriteError('half', [1], [2])
    assert (partial.args, partial.unknown, partial.extra, partial.cause) == (('half',), [], {}, None)
    assert str(PlanError('The plan', ['a', 'b'])) == 'The plan, nothing was written: a; b'


def test_a_text_is_shortened_past_its_limit_only():
    assert shorten('x' * 200) == 'x' * 200
    assert shorten('x' * 201) == 'x' * 200 + '...'
    assert shorten('abcd', 3) == 'abc...'
    assert Redactor(()).short('y' * 201) == 'y' * 200 + '...'
    assert Redactor(('secret',)).short('a secret ' + 'z' * 300, 12) == 'a ******** z...'


def test_a_record_is_described_by_what_it_has():
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, describe
    assert describe({'email': 'a@example.com'}) == 'user a@example.com (id (no id))'
    assert describe({'id': uid(1)}) == 'user (no email) (id %s)' % uid(1)
    twins = [{'id': uid(1), 'email': 'twin@example.com'}, {'id': uid(2), 'email': 'TWIN@example.com'}]
    assert Account(twins).find_all('email', 'Twin@example.com') == twins


def test_seats_answered_that_were_not_sent_are_named():
    error = not_confirmed([sent(90), sent(91)], [sent(1)])
    assert str(error) == ("The API's answer to PATCH %s does not confirm 1 of 1 seats: seat_uid '%s' is not in the answer; "
                          "the answer names seats that were not sent: '%s', '%s'" % (SEATS, uid(1), uid(90), uid(91)))


def test_a_record_is_the_same_user_by_id_else_by_seat_else_by_itself():
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import email_order, record_key
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import match_key
    ident = '6A8D6BA4-7B66-4B29-8A4A-0E6A2A1D1C11'
    assert record_key({'id': ident, 'seat_uid': 'S'}) == match_key(ident) == ident.lower()
    assert record_key({'id': '', 'seat_uid': 'S'}) == ('seat', 'S')
    bare = {'id': None, 'seat_uid': ''}
    assert record_key(bare) == ('record', id(bare))
    assert (email_order('B@Example.com'), email_order(None, 'T'), email_order(5), email_order('a@x', None)) == (
        ('b@example.com', ''), ('', 'T'), ('', ''), ('a@x', ''))
