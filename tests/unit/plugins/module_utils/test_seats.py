# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The planning logic of cloudflare_zt_seat: pure functions, no HTTP.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import ConfigError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._seats import (
    LOOKUP_THRESHOLD,
    SeatIndex,
    apply_plan,
    applied_flags,
    keep_seat_fields,
    lookup_one_by_one,
    make_plan,
    parse_items,
    plan_diff,
    result_seats,
    wanted_items,
)

FAST = settings(max_examples=200, deadline=None)


def make_user(n, access=False, gateway=False, email=None):
    return {
        'id': str(uuid.UUID(int=n + 1)),
        'seat_uid': str(uuid.UUID(int=(n + 1) << 64)),
        'email': email or 'user%03d@example.com' % n,
        'access_seat': access,
        'gateway_seat': gateway,
    }


def plan_for(users, raw_items, exclusive=False, single=False):
    items, errors = parse_items(raw_items, single=single)
    assert errors == []
    return make_plan(SeatIndex(users), items, exclusive=exclusive, single=single)


# --- parse_items: validation before any request ------------------------------------------


def test_valid_items_parse_with_their_flags():
    u = make_user(1)
    items, errors = parse_items([
        {'email': u['email'], 'access_seat': True},
        {'user_id': u['id'].upper(), 'gateway_seat': False},
        {'seat_uid': u['seat_uid']},
    ])
    assert errors == []
    assert [(i.kind, i.access_seat, i.gateway_seat) for i in items] == [
        ('email', True, None), ('user_id', None, False), ('seat_uid', None, None)]
    assert items[1].key == u['id']


def test_every_bad_item_is_named_by_index_and_identifier():
    items, errors = parse_items([
        {'email': 'ok@example.com', 'access_seat': True},
        {'email': 'not-an-email'},
        {'user_id': '1234'},
        {},
        {'email': 'a@example.com', 'user_id': str(uuid.uuid4())},
        {'seat_uid': 'x' * 37},
        {'seat_uid': ''},
    ])
    assert len(items) == 1
    assert len(errors) == 6
    assert "seats[1]: email 'not-an-email' is not an e-mail address" in errors
    assert "seats[2]: user_id '1234' is not a UUID (8-4-4-4-12 hexadecimal digits)" in errors
    assert 'seats[3]: give exactly one of seat_uid, email or user_id, got none' in errors
    assert any(e.startswith("seats[4] (email 'a@example.com', user_id ") and e.endswith('got email and user_id')
               for e in errors)
    assert any(e.startswith('seats[5]: seat_uid') for e in errors)
    assert any(e.startswith('seats[6]: seat_uid') for e in errors)


def test_same_identifier_with_different_flags_is_a_conflict_before_any_request():
    items, errors = parse_items([
        {'email': 'A@example.com', 'access_seat': True},
        {'email': 'b@example.com', 'access_seat': True},
        {'email': 'a@example.com', 'access_seat': False, 'gateway_seat': True},
    ])
    assert errors == ["seats[0] (email 'A@example.com'), seats[2] (email 'a@example.com') "
                      "repeat the same identifier but disagree on access_seat"]


def test_same_identifier_with_agreeing_flags_is_merged():
    _items, errors = parse_items([
        {'email': 'a@example.com', 'access_seat': True},
        {'email': 'a@example.com', 'gateway_seat': False},
        {'email': 'a@example.com', 'access_seat': True},
    ])
    assert errors == []


def test_single_form_messages_do_not_mention_an_index():
    _items, errors = parse_items([{'email': 'nope', 'access_seat': True}], single=True)
    assert errors == ["email 'nope' is not an e-mail address"]


def test_exclusive_with_empty_seats_needs_allow_release_all():
    with pytest.raises(ConfigError, match='allow_release_all'):
        wanted_items({'seats': [], 'exclusive': True, 'allow_release_all': False})
    assert wanted_items({'seats': [], 'exclusive': True, 'allow_release_all': True}) == ([], False, True)


def test_exclusive_needs_the_bulk_form():
    with pytest.raises(ConfigError, match='exclusive needs seats'):
        wanted_items({'email': 'a@example.com', 'access_seat': True, 'exclusive': True})


def test_single_form_needs_a_flag():
    with pytest.raises(ConfigError, match='access_seat and/or gateway_seat'):
        wanted_items({'email': 'a@example.com', 'exclusive': False})


# --- lookup or list ---------------------------------------------------------------------


def test_a_few_emails_and_ids_are_looked_up_one_by_one():
    items, _errors = parse_items([{'email': 'u%d@example.com' % i} for i in range(LOOKUP_THRESHOLD)])
    assert lookup_one_by_one(items, exclusive=False)


def test_repeated_identifiers_count_once_towards_the_threshold():
    items, _errors = parse_items([{'email': 'u@example.com'}] * (LOOKUP_THRESHOLD + 3))
    assert lookup_one_by_one(items, exclusive=False)


def test_more_than_the_threshold_lists_the_account():
    items, _errors = parse_items([{'email': 'u%d@example.com' % i} for i in range(LOOKUP_THRESHOLD + 1)])
    assert not lookup_one_by_one(items, exclusive=False)


def test_seat_uid_or_exclusive_lists_the_account():
    items, _errors = parse_items([{'seat_uid': 'abc'}])
    assert not lookup_one_by_one(items, exclusive=False)
    items, _errors = parse_items([{'email': 'a@example.com'}])
    assert not lookup_one_by_one(items, exclusive=True)


# --- make_plan ---------------------------------------------------------------------------


def test_single_seat_release_patches_both_flags_false():
    users = [make_user(0, True, True), make_user(1, True, False)]
    plan = plan_for(users, [{'email': users[0]['email'], 'access_seat': False, 'gateway_seat': False}], single=True)
    assert plan.patch_body() == [{'seat_uid': users[0]['seat_uid'], 'access_seat': False, 'gateway_seat': False}]
    assert plan.summary() == {'addressed': 1, 'changed': 1, 'released': 1}


def test_a_flag_left_out_sends_the_current_value():
    users = [make_user(0, access=True, gateway=True)]
    plan = plan_for(users, [{'user_id': users[0]['id'], 'gateway_seat': False}], single=True)
    assert plan.patch_body() == [{'seat_uid': users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': False}]
    assert plan.summary()['released'] == 0


def test_single_form_returns_the_addressed_seat_even_when_unchanged():
    users = [make_user(0, access=True)]
    plan = plan_for(users, [{'seat_uid': users[0]['seat_uid'], 'access_seat': True}], single=True)
    assert not plan.changed
    assert plan.patch_body() == []
    assert result_seats(plan) == [{'seat_uid': users[0]['seat_uid'], 'user_id': users[0]['id'],
                                   'email': users[0]['email'], 'access_seat': True, 'gateway_seat': False}]


def test_bulk_patch_holds_only_the_seats_that_change():
    users = [make_user(i, access=i % 2 == 0) for i in range(6)]
    plan = plan_for(users, [{'email': u['email'], 'access_seat': True} for u in users])
    assert sorted(s['seat_uid'] for s in plan.patch_body()) == sorted(u['seat_uid'] for u in users if not u['access_seat'])
    assert plan.summary() == {'addressed': 6, 'changed': 3, 'released': 0}
    assert [s['email'] for s in result_seats(plan)] == [users[1]['email'], users[3]['email'], users[5]['email']]


def test_email_match_ignores_case():
    users = [make_user(0, email='Alice@Example.com')]
    plan = plan_for(users, [{'email': 'alice@EXAMPLE.com', 'access_seat': True}])
    assert plan.summary()['changed'] == 1


def test_unknown_identifiers_are_all_named():
    users = [make_user(0)]
    items, _errors = parse_items([
        {'email': users[0]['email'], 'access_seat': True},
        {'email': 'ghost@example.com', 'access_seat': True},
        {'user_id': str(uuid.UUID(int=999)), 'access_seat': True},
        {'seat_uid': 'missing', 'access_seat': True},
    ])
    plan = make_plan(SeatIndex(users), items)
    assert plan.errors == [
        "seats[1] (email 'ghost@example.com'): no user has this email",
        "seats[2] (user_id '%s'): no user has this id" % uuid.UUID(int=999),
        "seats[3] (seat_uid 'missing'): no user has this seat_uid",
    ]


def test_different_identifiers_for_one_seat_that_disagree_are_a_conflict():
    users = [make_user(0)]
    items, errors = parse_items([
        {'email': users[0]['email'], 'access_seat': True},
        {'user_id': users[0]['id'], 'access_seat': False},
    ])
    assert errors == []
    plan = make_plan(SeatIndex(users), items)
    assert len(plan.errors) == 1
    assert plan.errors[0].startswith("seats[0] (email 'user000@example.com'), seats[1] (user_id ")
    assert plan.errors[0].endswith('address the same seat but disagree on access_seat')


def test_different_identifiers_for_one_seat_that_agree_are_merged():
    users = [make_user(0)]
    plan = plan_for(users, [{'email': users[0]['email'], 'access_seat': True},
                            {'seat_uid': users[0]['seat_uid'], 'gateway_seat': True}])
    assert plan.errors == []
    assert plan.patch_body() == [{'seat_uid': users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': True}]
    assert plan.summary()['addressed'] == 1


def test_an_email_shared_by_two_users_is_refused():
    users = [make_user(0, email='dup@example.com'), make_user(1, email='DUP@example.com')]
    items, _errors = parse_items([{'email': 'dup@example.com', 'access_seat': True}])
    assert make_plan(SeatIndex(users), items).errors == ["seats[0] (email 'dup@example.com'): matches more than one user"]


def test_exclusive_releases_every_other_holder_and_keeps_listed_items_without_flags():
    users = [make_user(0, True, True), make_user(1, True, False), make_user(2, False, True), make_user(3)]
    plan = plan_for(users, [{'email': users[0]['email']}], exclusive=True)
    assert sorted(s['seat_uid'] for s in plan.patch_body()) == sorted([users[1]['seat_uid'], users[2]['seat_uid']])
    assert all(not s['access_seat'] and not s['gateway_seat'] for s in plan.patch_body())
    assert plan.summary() == {'addressed': 1, 'changed': 2, 'released': 2}


def test_exclusive_with_nothing_listed_releases_everything():
    users = [make_user(0, True, True), make_user(1), make_user(2, False, True)]
    plan = make_plan(SeatIndex(users), [], exclusive=True)
    assert plan.summary() == {'addressed': 0, 'changed': 2, 'released': 2}


def test_diff_lists_only_changes_sorted_by_email_in_the_seat_vocabulary():
    users = [make_user(0, email='zed@example.com'), make_user(1, email='amy@example.com'), make_user(2, True)]
    plan = plan_for(users, [{'email': u['email'], 'access_seat': True} for u in users])
    diff = plan_diff(plan)
    assert [s['email'] for s in diff['before']['seats']] == ['amy@example.com', 'zed@example.com']
    assert [s['access_seat'] for s in diff['before']['seats']] == [False, False]
    assert [s['access_seat'] for s in diff['after']['seats']] == [True, True]
    assert set(diff['after']['seats'][0]) == set(['seat_uid', 'user_id', 'email', 'access_seat', 'gateway_seat'])


def test_the_patch_answer_wins_over_the_plan_in_the_result():
    users = [make_user(0)]
    plan = plan_for(users, [{'email': users[0]['email'], 'access_seat': True}])
    answer = [{'seat_uid': users[0]['seat_uid'], 'access_seat': False, 'gateway_seat': False}, {'bogus': 1}]
    assert result_seats(plan, applied_flags(answer))[0]['access_seat'] is False


def test_a_user_without_seat_uid_cannot_be_changed():
    user = make_user(0)
    user['seat_uid'] = None
    items, _errors = parse_items([{'user_id': user['id'], 'access_seat': True}])
    plan = make_plan(SeatIndex([user]), items)
    assert plan.errors and 'has no seat_uid' in plan.errors[0]


def test_keep_seat_fields_drops_everything_else():
    full = dict(make_user(0, True), name='A', uid='x', active_device_count=3, created_at='t')
    assert keep_seat_fields(full) == make_user(0, True)


# --- properties --------------------------------------------------------------------------

FLAG = st.one_of(st.none(), st.booleans())


@st.composite
def states_and_wishes(draw):
    """A random account, and wanted items naming some of its users by a random identifier each."""
    n = draw(st.integers(min_value=0, max_value=25))
    users = [make_user(i, draw(st.booleans()), draw(st.booleans())) for i in range(n)]
    items, wanted = [], {}
    if users:
        for i in draw(st.lists(st.integers(min_value=0, max_value=n - 1), max_size=2 * n)):
            user = users[i]
            # Keep duplicates consistent: a user's flags are drawn once.
            if i not in wanted:
                wanted[i] = (draw(FLAG), draw(FLAG))
            access, gateway = wanted[i]
            kind = draw(st.sampled_from(['seat_uid', 'email', 'user_id']))
            value = {'seat_uid': user['seat_uid'], 'email': user['email'], 'user_id': user['id']}[kind]
            if draw(st.booleans()):
                value = value.upper()
            item = {kind: value}
            # Duplicate items may leave a flag out: that does not disagree.
            if access is not None and draw(st.booleans()):
                item['access_seat'] = access
            if gateway is not None and draw(st.booleans()):
                item['gateway_seat'] = gateway
            items.append(item)
    return users, items, draw(st.booleans())


def expected_state(users, items, exclusive):
    by_any = {}
    for user in users:
        for key in ('seat_uid', 'email', 'id'):
            by_any[user[key].lower()] = user['id']
    wants = {}
    for item in items:
        (kind, value), = [(k, v) for k, v in item.items() if k in ('seat_uid', 'email', 'user_id')]
        uid = by_any[value.lower()]
        entry = wants.setdefault(uid, {})
        for flag in ('access_seat', 'gateway_seat'):
            if flag in item:
                entry[flag] = item[flag]
    result = {}
    for user in users:
        if user['id'] in wants:
            flags = (wants[user['id']].get('access_seat', user['access_seat']),
                     wants[user['id']].get('gateway_seat', user['gateway_seat']))
        elif exclusive:
            flags = (False, False)
        else:
            flags = (user['access_seat'], user['gateway_seat'])
        result[user['id']] = flags
    return result


@FAST
@given(states_and_wishes())
def test_property_applying_the_plan_gives_the_wanted_state(case):
    users, items, exclusive = case
    plan = plan_for(users, items, exclusive=exclusive)
    assert plan.errors == []
    after = apply_plan(users, plan)
    assert dict((u['id'], (u['access_seat'], u['gateway_seat'])) for u in after) == expected_state(users, items, exclusive)


@FAST
@given(states_and_wishes())
def test_property_a_second_plan_is_empty(case):
    users, items, exclusive = case
    after = apply_plan(users, plan_for(users, items, exclusive=exclusive))
    again = plan_for(after, items, exclusive=exclusive)
    assert again.patch_body() == []
    assert not again.changed


@FAST
@given(states_and_wishes())
def test_property_the_patch_holds_only_changing_seats_once_each(case):
    users, items, exclusive = case
    plan = plan_for(users, items, exclusive=exclusive)
    current = dict((u['seat_uid'], (u['access_seat'], u['gateway_seat'])) for u in users)
    body = plan.patch_body()
    assert len(set(s['seat_uid'] for s in body)) == len(body)
    for seat in body:
        assert current[seat['seat_uid']] != (seat['access_seat'], seat['gateway_seat'])
    assert plan.summary()['changed'] == len(body) == len(result_seats(plan))
    assert plan.summary()['released'] == sum(1 for s in body if not s['access_seat'] and not s['gateway_seat'])
    assert [s['email'] for s in plan_diff(plan)['after']['seats']] == sorted(s['email'] for s in plan_diff(plan)['after']['seats'])


@FAST
@given(states_and_wishes())
def test_property_exclusive_leaves_only_listed_holders_with_seats(case):
    users, items, _exclusive = case
    plan = plan_for(users, items, exclusive=True)
    listed = set()
    for item in items:
        for user in users:
            if any(item.get(k, '').lower() == user[f].lower() for k, f in
                   (('seat_uid', 'seat_uid'), ('email', 'email'), ('user_id', 'id'))):
                listed.add(user['id'])
    for user in apply_plan(users, plan):
        if user['access_seat'] or user['gateway_seat']:
            assert user['id'] in listed


BAD_ITEM = st.one_of(
    st.just({}),
    st.just({'access_seat': True}),
    st.builds(lambda e: {'email': e}, st.text(max_size=12).filter(lambda s: '@' not in s)),
    st.builds(lambda u: {'user_id': u}, st.text(max_size=40).filter(lambda s: len(s) != 36)),
    st.builds(lambda e, u: {'email': e, 'user_id': u}, st.emails(), st.uuids().map(str)),
    st.builds(lambda s, e: {'seat_uid': s, 'email': e}, st.uuids().map(str), st.emails()),
    st.builds(lambda s: {'seat_uid': s}, st.text(min_size=37, max_size=50)),
)
GOOD_ITEM = st.one_of(
    st.builds(lambda u, a: {'user_id': u, 'access_seat': a}, st.uuids().map(str), st.booleans()),
    st.builds(lambda s, g: {'seat_uid': s, 'gateway_seat': g}, st.uuids().map(str), st.booleans()),
)


@FAST
@given(st.lists(st.tuples(st.booleans(), GOOD_ITEM, BAD_ITEM), min_size=1, max_size=12))
def test_property_validation_names_every_bad_item_and_only_those(picks):
    raw = []
    for n, (is_bad, good, bad) in enumerate(picks):
        if is_bad:
            raw.append(bad)
        else:
            # Distinct good items, so that no accidental duplicate conflicts.
            kind = 'user_id' if 'user_id' in good else 'seat_uid'
            raw.append(dict(good, **{kind: str(uuid.UUID(int=n + 1))}))
    items, errors = parse_items(raw)
    bad_indexes = [n for n, (is_bad, _g, _b) in enumerate(picks) if is_bad]
    assert len(errors) == len(bad_indexes)
    for n, error in zip(bad_indexes, errors):
        assert error.startswith('seats[%d]' % n)
    assert [i.index for i in items] == [n for n in range(len(picks)) if n not in bad_indexes]
