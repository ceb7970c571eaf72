# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One identity rule (_identifiers.match_key): emails match as a reader sees them (NFKC and case folding), emails
not in NFKC form are refused, and a seat_uid is sent exactly as the API listed it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import identifier_problem, match_key, same_email
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import SeatChange, plan_users, unaddressable

FULLWIDTH_ADA = '\uff41\uff44\uff41@example.com'


@pytest.mark.parametrize('left, right', [
    ('ada@example.com', 'ADA@Example.COM'),
    (FULLWIDTH_ADA, 'ada@example.com'),
    ('\ufb01nn@example.com', 'finn@example.com'),          # the ligature fi
    ('stra\u00dfe@example.com', 'STRASSE@example.com'),     # sharp s folds to ss
    ('6A8D6BA4-7B66-4B29-8A4A-0E6A2A1D1C11', '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'),
])
def test_what_a_reader_sees_as_the_same_is_the_same(left, right):
    assert match_key(left) == match_key(right) and same_email(left, right)


@pytest.mark.parametrize('left, right', [('ada@example.com', 'adam@example.com'), ('a\u0301@example.com', 'a@example.com')])
def test_what_differs_stays_different(left, right):
    assert match_key(left) != match_key(right)


def test_an_email_not_in_nfkc_form_is_refused_naming_the_form_to_write():
    problem = identifier_problem('email', FULLWIDTH_ADA)
    assert problem == "email '%s' is not in Unicode normal form NFKC: write it as 'ada@example.com'" % FULLWIDTH_ADA
    assert identifier_problem('email', 'ada@example.com') is None


@pytest.mark.parametrize('kind, value, problem', [
    ('email', 42, 'email must be a string, got int'),
    ('user_id', None, 'user_id must be a string, got NoneType'),
    ('seat_uid', ['SEAT-1'], 'seat_uid must be a string, got list'),
    ('seat_uid', 'SEAT 1', "seat_uid 'SEAT 1' is not a seat identifier (1 to 36 characters, no spaces)"),
    ('seat_uid', 'S' * 37, "seat_uid '%s' is not a seat identifier (1 to 36 characters, no spaces)" % ('S' * 37)),
    ('user_id', 'ada', "user_id 'ada' is not a UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415"),
])
def test_each_kind_of_identifier_is_refused_word_for_word(kind, value, problem):
    assert identifier_problem(kind, value) == problem


def test_an_identifier_of_an_unknown_kind_is_a_bug_named_as_such():
    with pytest.raises(ValueError) as info:
        identifier_problem('colour', 'blue')
    assert str(info.value) == "unknown identifier kind 'colour'"


def test_a_listed_email_in_fullwidth_letters_is_the_user_named_in_plain_letters():
    record = plan_record({'id': '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11', 'email': FULLWIDTH_ADA, 'name': 'Ada',
                          'seat_uid': 'SEAT-Ada'})
    items, problems = parse_user_items([{'email': 'ada@example.com', 'name': 'Ada'}])
    plan, problems = plan_users(Account([record]), items)
    assert problems == [] and not plan.changed


def test_a_seat_is_sent_with_its_seat_uid_as_listed():
    record = plan_record({'id': '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11', 'email': 'a@example.com', 'seat_uid': 'SEAT-Ada-0001'})
    assert SeatChange(record, True, False).patch_item() == {'seat_uid': 'SEAT-Ada-0001', 'access_seat': True,
                                                            'gateway_seat': False}
    assert Account([record]).find('seat_uid', 'seat-ada-0001')[0] is record


@pytest.mark.parametrize('user_id', ['../../zones', 'x?y', 'x#y', 'a/b', 'not-a-uuid'])
def test_a_listed_id_that_is_no_uuid_cannot_be_renamed_or_deleted(user_id):
    record = plan_record({'id': user_id, 'email': 'a@example.com', 'name': 'A'})
    assert 'which is not a UUID' in unaddressable(record)
    for raw in ({'email': 'a@example.com', 'name': 'B'}, {'email': 'a@example.com', 'state': 'absent'}):
        items, _problems = parse_user_items([raw])
        plan, problems = plan_users(Account([record]), items)
        assert not plan.changed and len(problems) == 1
        assert 'the API lists this user with the id %r, which is not a UUID, so it cannot be' % user_id in problems[0]
