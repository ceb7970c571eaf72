# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The one planner (domain/plan.py) of cloudflare_zt_seat, cloudflare_zt_user and cloudflare_zt_users: pure, no HTTP.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

import pytest
from ansible.module_utils.parsing.convert_bool import BOOLEANS
from hypothesis import given, settings, strategies as st

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import seat_task, users_task
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.seat import LOOKUP_THRESHOLD, lookup_one_by_one
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import plan_seats, plan_users, resolve
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import drift_entries, prepared_diff, seat_diff, user_views
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.budget import examples
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user, seat_summary

FAST = settings(max_examples=examples(200), deadline=None)


def account(users):
    return Account([plan_record(u) for u in users])


def seat_plan(users, raw, exclusive=False, single=False):
    items, problems = parse_seat_items(raw, single=single)
    assert problems == []
    plan, problems = plan_seats(account(users), items, exclusive=exclusive, single=single)
    return plan, problems


def users_plan(users, raw, exclusive_seats=False):
    items, problems = parse_user_items(raw)
    assert problems == []
    return plan_users(account(users), items, exclusive_seats=exclusive_seats)


def body(plan):
    return [c.patch_item() for c in plan.changes]


# --- seat items: validation before any request -----------------------------------------------

def test_valid_seat_items_parse_with_their_flags():
    u = make_user(1)
    items, problems = parse_seat_items([{'email': u['email'], 'access_seat': True},
                                        {'user_id': u['id'].upper(), 'gateway_seat': 'no'},
                                        {'seat_uid': u['seat_uid']}])
    assert problems == []
    assert [(i.identifiers, i.access_seat, i.gateway_seat) for i in items] == [
        ([('email', u['email'])], True, None), ([('user_id', u['id'])], None, False), ([('seat_uid', u['seat_uid'])], None, None)]


def test_every_bad_seat_item_is_named_by_index_and_identifier():
    items, problems = parse_seat_items([
        {'email': 'ok@example.com', 'access_seat': True}, {'email': 'not-an-email'}, {'user_id': '1234'}, {},
        {'email': 'a@example.com', 'user_id': str(uuid.UUID(int=5))}, {'seat_uid': 'x' * 37}, {'seat_uid': ''}])
    assert len(items) == 1 and len(problems) == 6
    assert problems[0] == "seats[1]: email 'not-an-email' is not an e-mail address such as jdoe@example.com"
    assert problems[1].startswith("seats[2]: user_id '1234' is not a UUID")
    assert problems[2] == 'seats[3]: give exactly one of seat_uid, email or user_id, got none'
    assert problems[3].endswith('got email and user_id') and problems[3].startswith("seats[4] (email 'a@example.com'")
    assert problems[4].startswith('seats[5]') and problems[5].startswith('seats[6]')


def test_same_identifier_with_different_flags_is_a_conflict_before_any_request():
    _items, problems = parse_seat_items([{'email': 'A@example.com', 'access_seat': True},
                                         {'email': 'b@example.com', 'access_seat': True},
                                         {'email': 'a@example.com', 'access_seat': False, 'gateway_seat': True}])
    assert problems == ["seats[0] (email 'A@example.com'), seats[2] (email 'a@example.com') repeat the same identifier "
                        "but disagree on access_seat"]


def test_same_identifier_with_agreeing_flags_is_merged():
    u = make_user(0)
    plan, problems = seat_plan([u], [{'email': u['email'], 'access_seat': True}, {'email': u['email'], 'gateway_seat': False},
                                     {'email': u['email'], 'access_seat': True}])
    assert problems == [] and plan.summary() == seat_summary(1, 1, 0, 0)


def test_single_form_messages_do_not_mention_an_index():
    _items, problems = parse_seat_items([{'email': 'nope', 'access_seat': True}], single=True)
    assert problems == ["email 'nope' is not an e-mail address such as jdoe@example.com"]


SEAT_DEFAULTS = {'seat_batch_size': 1000}
USERS_DEFAULTS = {'seat_batch_size': 1000, 'write_rate': 2}


def test_exclusive_with_empty_seats_needs_allow_release_all():
    with pytest.raises(OptionsError, match='allow_release_all'):
        seat_task(dict(SEAT_DEFAULTS, seats=[], exclusive_seats=True, allow_release_all=False))
    task = seat_task(dict(SEAT_DEFAULTS, seats=[], exclusive_seats=True, allow_release_all=True))
    assert (task.items, task.single, task.exclusive_seats) == ([], False, True)


def test_exclusive_needs_the_bulk_form_and_the_single_form_needs_a_flag():
    with pytest.raises(OptionsError, match='exclusive_seats needs seats'):
        seat_task(dict(SEAT_DEFAULTS, email='a@example.com', access_seat=True, exclusive_seats=True))
    with pytest.raises(OptionsError, match='access_seat and/or gateway_seat'):
        seat_task(dict(SEAT_DEFAULTS, email='a@example.com', exclusive_seats=False))


# --- lookup or list ---------------------------------------------------------------------------

def test_a_few_emails_are_looked_up_and_more_list_the_account():
    items, _p = parse_seat_items([{'email': 'u%d@example.com' % i} for i in range(LOOKUP_THRESHOLD)])
    assert lookup_one_by_one(items, whole_account=False)
    items, _p = parse_seat_items([{'email': 'u@example.com'}] * (LOOKUP_THRESHOLD + 3))
    assert lookup_one_by_one(items, whole_account=False)
    items, _p = parse_seat_items([{'email': 'u%d@example.com' % i} for i in range(LOOKUP_THRESHOLD + 1)])
    assert not lookup_one_by_one(items, whole_account=False)
    items, _p = parse_seat_items([{'seat_uid': 'abc'}])
    assert not lookup_one_by_one(items, whole_account=False)
    items, _p = parse_seat_items([{'email': 'a@example.com'}])
    assert not lookup_one_by_one(items, whole_account=True)


# --- seat plans -------------------------------------------------------------------------------

def test_single_seat_release_patches_both_flags_false():
    users = [make_user(0, True, True), make_user(1, True, False)]
    plan, _p = seat_plan(users, [{'email': users[0]['email'], 'access_seat': False, 'gateway_seat': False}], single=True)
    assert body(plan) == [{'seat_uid': users[0]['seat_uid'], 'access_seat': False, 'gateway_seat': False}]
    assert plan.summary() == seat_summary(1, 1, 1, 0)


def test_a_flag_left_out_sends_the_current_value():
    users = [make_user(0, access=True, gateway=True)]
    plan, _p = seat_plan(users, [{'user_id': users[0]['id'], 'gateway_seat': False}], single=True)
    assert body(plan) == [{'seat_uid': users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': False}]
    assert plan.summary()['released'] == 0


def test_single_form_returns_the_addressed_seat_even_when_unchanged():
    users = [make_user(0, access=True)]
    plan, _p = seat_plan(users, [{'seat_uid': users[0]['seat_uid'].upper(), 'access_seat': True}], single=True)
    assert plan.changes == [] and plan.single == (account(users).records[0], True, False)


def test_bulk_patch_holds_only_the_seats_that_change_sorted_by_email():
    users = [make_user(i, access=i % 2 == 0) for i in range(6)][::-1]
    plan, _p = seat_plan(users, [{'email': u['email'], 'access_seat': True} for u in users])
    assert [c.email for c in plan.changes] == ['user0001@example.com', 'user0003@example.com', 'user0005@example.com']
    assert plan.summary() == seat_summary(6, 3, 0, 0)


def test_unknown_identifiers_are_all_named():
    users = [make_user(0)]
    _plan, problems = seat_plan(users, [{'email': users[0]['email'], 'access_seat': True},
                                        {'email': 'ghost@example.com', 'access_seat': True},
                                        {'user_id': str(uuid.UUID(int=999)), 'access_seat': True},
                                        {'seat_uid': 'missing', 'access_seat': True}])
    assert problems == ["seats[1] (email 'ghost@example.com'): no user has this email",
                        "seats[2] (user_id '%s'): no user has this id" % uuid.UUID(int=999),
                        "seats[3] (seat_uid 'missing'): no user has this seat_uid"]


def test_different_identifiers_for_one_seat_must_agree_and_are_merged():
    users = [make_user(0)]
    _plan, problems = seat_plan(users, [{'email': users[0]['email'], 'access_seat': True},
                                        {'user_id': users[0]['id'], 'access_seat': False}])
    assert len(problems) == 1 and problems[0].endswith('address the same seat but disagree on access_seat')
    plan, problems = seat_plan(users, [{'email': users[0]['email'], 'access_seat': True},
                                       {'seat_uid': users[0]['seat_uid'], 'gateway_seat': True}])
    assert problems == [] and body(plan) == [{'seat_uid': users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': True}]


def test_an_email_shared_by_two_records_in_other_letter_case_is_refused_naming_both_ids():
    users = [make_user(0, email='dup@example.com'), make_user(1, email='DUP@example.com')]
    _plan, problems = seat_plan(users, [{'email': 'dup@example.com', 'access_seat': True}])
    assert problems == ["seats[0] (email 'dup@example.com'): matches more than one user (ids %s, %s)" % (
        users[0]['id'], users[1]['id'])]


def test_exclusive_releases_every_other_holder_and_keeps_listed_items_without_flags():
    users = [make_user(0, True, True), make_user(1, True, False), make_user(2, False, True), make_user(3)]
    plan, _p = seat_plan(users, [{'email': users[0]['email']}], exclusive=True)
    assert [c.email for c in plan.changes] == [users[1]['email'], users[2]['email']]
    assert all(c.released and c.action == 'release' for c in plan.changes)
    assert plan.summary() == seat_summary(1, 2, 2, 0, released_by_exclusive=2)


def test_a_seat_change_needs_a_seat_uid_the_schema_accepts():
    users = [make_user(0), make_user(1)]
    users[0]['seat_uid'] = None
    users[1]['seat_uid'] = 'x' * 37
    _plan, problems = seat_plan(users, [{'user_id': u['id'], 'access_seat': True} for u in users])
    assert 'the user has no seat_uid, so its seat cannot be changed' in problems[0]
    assert "its seat_uid '%s' is not one the API accepts" % ('x' * 37) in problems[1]


def test_seat_diff_lists_only_changes_sorted_by_email_and_is_empty_without_changes():
    users = [make_user(0, email='zed@example.com'), make_user(1, email='amy@example.com'), make_user(2, True)]
    plan, _p = seat_plan(users, [{'email': u['email'], 'access_seat': True} for u in users])
    assert seat_diff(plan.changes) == (
        '~ amy@example.com (seat %s)\n-   access_seat: false\n+   access_seat: true\n'
        '~ zed@example.com (seat %s)\n-   access_seat: false\n+   access_seat: true\n' % (users[1]['seat_uid'], users[0]['seat_uid']))
    assert seat_diff([]) == '' and prepared_diff([]) == ''


def test_plan_record_keeps_only_plan_fields_of_the_right_type():
    full = dict(make_user(0, True), name='A', email=42, seat_uid='', access_seat='true', extra=1)
    assert plan_record(full) == {'id': full['id'], 'email': None, 'name': 'A', 'seat_uid': None,
                                 'access_seat': False, 'gateway_seat': False, 'created_at': full.get('created_at'),
                                 'last_successful_login': full.get('last_successful_login')}
    assert plan_record('garbage') is None


# --- user items -------------------------------------------------------------------------------

def test_user_items_repeating_an_email_in_other_letter_case_or_a_user_id_are_refused_naming_all():
    uid = str(uuid.UUID(int=9))
    _items, problems = parse_user_items([{'email': 'a@example.com'}, {'email': 'b@example.com'}, {'email': 'A@Example.com'},
                                         {'user_id': uid}, {'user_id': uid.upper(), 'state': 'absent'}])
    assert problems == ["users[0] (email 'a@example.com'), users[2] (email 'A@Example.com') name the same email: list each user once",
                        "users[3] (user_id '%s'), users[4] (user_id '%s') name the same user_id: list each user once" % (uid, uid)]


def test_state_absent_takes_no_name_or_seat_and_an_item_needs_an_identifier():
    _items, problems = parse_user_items([{'email': 'a@example.com', 'state': 'absent', 'name': 'A', 'access_seat': False},
                                         {'name': 'Nobody'}, {'email': 'b@example.com', 'state': 'gone'}])
    assert problems == ["users[0] (email 'a@example.com'): name and access_seat cannot be used with state=absent: a user "
                        "that is deleted has no name or seat to manage",
                        'users[1]: give email or user_id (or both), got none',
                        "users[2] (email 'b@example.com'): state must be present or absent, got 'gone'"]


def test_users_options_guard_an_empty_exclusive_list():
    with pytest.raises(OptionsError, match='users is empty and exclusive_seats is true'):
        users_task(dict(USERS_DEFAULTS, users=[], exclusive_seats=True))
    with pytest.raises(OptionsError, match='allow_release_all only applies with exclusive_seats=true'):
        users_task(dict(USERS_DEFAULTS, users=[], allow_release_all=True))
    task = users_task(dict(USERS_DEFAULTS, users=[], exclusive_seats=True, allow_release_all=True))
    assert (task.items, task.exclusive_seats) == ([], True)


# --- user plans -------------------------------------------------------------------------------

def test_create_rename_delete_and_seat_change_decisions():
    users = [make_user(0), make_user(1, access=True), make_user(2)]
    plan, problems = users_plan(users, [{'email': 'new@example.com', 'name': 'New'},
                                        {'email': users[0]['email'], 'name': 'Renamed'},
                                        {'email': users[1]['email'], 'name': users[1]['name'], 'access_seat': False},
                                        {'user_id': users[2]['id'], 'state': 'absent'},
                                        {'email': 'gone@example.com', 'state': 'absent'}])
    assert problems == []
    assert [w.email for w in plan.creates] == ['new@example.com'] and plan.new_seats == []
    assert [(w.email, w.item.name) for w in plan.renames] == [(users[0]['email'], 'Renamed')]
    assert [(c.email, c.access_seat, c.gateway_seat) for c in plan.seats] == [(users[1]['email'], False, False)]
    assert [w.record['id'] for w in plan.deletes] == [users[2]['id']]
    assert plan.changed and plan.summary()['listed'] == 5


def test_an_item_naming_the_wanted_state_is_no_change():
    users = [make_user(0, access=True)]
    plan, problems = users_plan(users, [{'email': users[0]['email'].upper(), 'name': 'User 0', 'access_seat': True}])
    assert problems == [] and not plan.changed


def test_creates_with_flags_produce_new_seats_only_for_flags_set_true():
    plan, _p = users_plan([], [{'email': 'b@example.com', 'name': 'B', 'gateway_seat': True},
                               {'email': 'a@example.com', 'name': 'A', 'access_seat': False}])
    assert [w.email for w in plan.creates] == ['a@example.com', 'b@example.com']
    assert [(n.create.email, n.access_seat, n.gateway_seat) for n in plan.new_seats] == [('b@example.com', False, True)]


def test_users_to_create_without_a_name_or_by_an_unknown_user_id_are_refused():
    plan, problems = users_plan([make_user(0)], [{'email': 'new@example.com', 'access_seat': True},
                                                 {'user_id': str(uuid.UUID(int=77)), 'name': 'Ghost'},
                                                 {'user_id': str(uuid.UUID(int=78)), 'state': 'absent'}])
    assert problems == ["users[0] (email 'new@example.com'): the user does not exist and has no name, so it cannot be created",
                        "users[1] (user_id '%s'): no user has this id, and an id cannot be chosen on create: give the "
                        "email without user_id to create the user" % uuid.UUID(int=77)]


def test_the_same_user_named_by_email_and_by_id_is_refused():
    users = [make_user(0)]
    _plan, problems = users_plan(users, [{'email': users[0]['email'], 'name': 'A'}, {'user_id': users[0]['id'], 'name': 'A'}])
    assert problems == ["users[0] (email 'user0000@example.com') and users[1] (user_id '%s') name the same user user "
                        "user0000@example.com (id %s): list each user once" % (users[0]['id'], users[0]['id'])]


def test_an_email_matching_several_records_is_refused_and_an_id_with_another_email_too():
    users = [make_user(0, email='dup@example.com'), make_user(1, email='Dup@Example.com'), make_user(2)]
    _plan, problems = users_plan(users, [{'email': 'dup@example.com', 'state': 'absent'},
                                         {'user_id': users[2]['id'], 'email': 'other@example.com', 'name': 'X'}])
    assert problems[0].startswith("users[0] (email 'dup@example.com'): matches more than one user (ids ")
    assert problems[1].startswith("users[1] (email 'other@example.com', user_id '%s'): email other@example.com does "
                                  "not match" % users[2]['id'])


def test_each_change_that_needs_a_missing_field_is_refused_naming_the_item():
    no_email, no_id, no_seat = make_user(0), make_user(1), make_user(2)
    del no_email['email']
    del no_id['id']
    del no_seat['seat_uid']
    _plan, problems = users_plan([no_email, no_id, no_seat], [
        {'user_id': no_email['id'], 'name': 'Renamed'},
        {'email': no_id['email'], 'state': 'absent'},
        {'email': no_seat['email'], 'access_seat': True}])
    assert problems == [
        "users[0] (user_id '%s'): the record has no email, which a rename must send, so it cannot be renamed" % no_email['id'],
        "users[1] (email 'user0001@example.com'): the record has no id, so it cannot be deleted",
        "users[2] (email 'user0002@example.com'): the user has no seat_uid, so its seat cannot be changed"]


def test_a_server_seat_uid_longer_than_36_characters_is_refused():
    user = make_user(0)
    user['seat_uid'] = 'a' * 37
    _plan, problems = users_plan([user], [{'email': user['email'], 'gateway_seat': True}])
    assert problems == ["users[0] (email 'user0000@example.com'): its seat_uid '%s' is not one the API accepts in a "
                        "seat change, so its seat cannot be changed" % ('a' * 37)]


def test_exclusive_seats_releases_unlisted_holders_but_not_users_being_deleted():
    users = [make_user(0, True), make_user(1, True), make_user(2, False, True), make_user(3)]
    plan, problems = users_plan(users, [{'email': users[0]['email']}, {'email': users[1]['email'], 'state': 'absent'}],
                                exclusive_seats=True)
    assert problems == []
    assert [(c.email, c.action) for c in plan.seats] == [(users[2]['email'], 'release')]
    assert [w.email for w in plan.deletes] == [users[1]['email']]
    assert plan.summary()['released_by_exclusive'] == 1


def test_exclusive_seats_cannot_release_a_holder_without_a_seat_uid():
    holder = make_user(1, True)
    holder['seat_uid'] = None
    _plan, problems = users_plan([make_user(0), holder], [{'email': 'user0000@example.com'}], exclusive_seats=True)
    assert problems == ['user user0001@example.com (id %s) holds a seat but the user has no seat_uid, so exclusive '
                        'cannot release it' % holder['id']]


def test_resolve_prefers_the_user_id_and_checks_the_email():
    users = [make_user(0)]
    items, _p = parse_user_items([{'user_id': users[0]['id'].upper(), 'email': 'USER0000@example.com'}])
    record, why = resolve(account(users), items[0])
    assert why is None and record['id'] == users[0]['id']


def test_drift_entries_and_prepared_diff_are_sorted_by_email_then_field():
    users = [make_user(0, email='zed@example.com', access=True), make_user(1, email='Bob@example.com'),
             make_user(2, email='amy@example.com', gateway=True)]
    plan, _p = users_plan(users, [{'email': 'zed@example.com', 'name': 'Zed', 'access_seat': False, 'gateway_seat': True},
                                  {'email': 'carl@example.com', 'name': 'Carl', 'access_seat': True},
                                  {'email': 'bob@example.com', 'state': 'absent'}], exclusive_seats=True)
    views = user_views(plan)
    assert [(v.email, v.action) for v in views] == [('amy@example.com', 'release'), ('Bob@example.com', 'delete'),
                                                    ('carl@example.com', 'create'), ('zed@example.com', 'update')]
    assert [(d['email'], d['field'], d['before'], d['after']) for d in drift_entries(views)] == [
        ('amy@example.com', 'gateway_seat', True, False), ('Bob@example.com', 'state', 'present', 'absent'),
        ('carl@example.com', 'name', None, 'Carl'), ('carl@example.com', 'access_seat', None, True),
        ('zed@example.com', 'name', 'User 0', 'Zed'), ('zed@example.com', 'access_seat', True, False),
        ('zed@example.com', 'gateway_seat', False, True)]
    assert prepared_diff(views) == (
        '~ amy@example.com (release)\n-   gateway_seat: true\n+   gateway_seat: false\n'
        '- Bob@example.com (delete)\n-   state: present\n+   state: absent\n'
        '+ carl@example.com (create)\n+   name: Carl\n+   access_seat: true\n'
        '~ zed@example.com (update)\n-   name: User 0\n+   name: Zed\n-   access_seat: true\n+   access_seat: false\n'
        '-   gateway_seat: false\n+   gateway_seat: true\n')


# --- properties ---------------------------------------------------------------------------------

FLAG = st.one_of(st.none(), st.booleans())
EMAILS = ['p%d@example.com' % i for i in range(8)]


@st.composite
def users_cases(draw):
    """An account over some of EMAILS, and a valid list naming each of EMAILS at most once, by email or id."""
    users = [make_user(n, draw(st.booleans()), draw(st.booleans()), email=e, name=draw(st.sampled_from(['A', 'B'])))
             for n, e in enumerate(EMAILS) if draw(st.booleans())]
    by_email = dict((u['email'], u) for u in users)
    items = []
    for email in draw(st.lists(st.sampled_from(EMAILS), unique=True)):
        user = by_email.get(email)
        if user is not None and draw(st.integers(0, 4)) == 0:
            items.append({'user_id': user['id'], 'state': 'absent'} if draw(st.booleans()) else {'email': email.upper(), 'state': 'absent'})
            continue
        item = {'email': email.upper()} if user is None or draw(st.booleans()) else {'user_id': user['id']}
        if user is None or draw(st.booleans()):
            item['name'] = draw(st.sampled_from(['A', 'B']))
        for flag in ('access_seat', 'gateway_seat'):
            value = draw(FLAG)
            if value is not None:
                item[flag] = value
        items.append(item)
    return users, items, draw(st.booleans())


def apply_users_plan(users, plan):
    """The account after the plan, as the API would hold it."""
    after = dict((u['id'], dict(u)) for u in users)
    for n, write in enumerate(plan.creates):
        new = make_user(1000 + n, email=write.item.email, name=write.item.name)
        after[new['id']] = new
        for seats in plan.new_seats:
            if seats.create is write:
                new['access_seat'], new['gateway_seat'] = seats.access_seat, seats.gateway_seat
    for write in plan.renames:
        after[write.record['id']]['name'] = write.item.name
    for change in plan.seats:
        after[change.record['id']].update(access_seat=change.access_seat, gateway_seat=change.gateway_seat)
    for write in plan.deletes:
        del after[write.record['id']]
    return list(after.values())


def wanted_state(users, items, exclusive):
    by_key = {}
    for u in users:
        by_key[u['email'].lower()] = u
        by_key[u['id']] = u
    state = dict((u['email'].lower(), (u['name'], u['access_seat'], u['gateway_seat'])) for u in users)
    listed = set()
    for item in items:
        user = by_key.get((item.get('email') or '').lower()) or by_key.get(item.get('user_id'))
        email = user['email'].lower() if user else item['email'].lower()
        listed.add(email)
        if item.get('state') == 'absent':
            state.pop(email, None)
            continue
        name, access, gateway = state.get(email, (None, False, False))
        state[email] = (item.get('name', name), item.get('access_seat', access), item.get('gateway_seat', gateway))
    if exclusive:
        for email in state:
            if email not in listed:
                state[email] = (state[email][0], False, False)
    return state


@FAST
@given(users_cases())
def test_property_applying_a_users_plan_gives_the_wanted_state_and_the_next_plan_is_empty(case):
    users, items, exclusive = case
    plan, problems = users_plan(users, items, exclusive_seats=exclusive)
    assert problems == []
    after = apply_users_plan(users, plan)
    assert dict((u['email'].lower(), (u['name'], u['access_seat'], u['gateway_seat'])) for u in after) == \
        wanted_state(users, items, exclusive)
    again, problems = users_plan(after, items, exclusive_seats=exclusive)
    assert problems == [] and not again.changed
    views = user_views(plan)
    assert len(views) == plan.summary()['created'] + len(set(
        [id(w.record) for w in plan.renames + plan.deletes] + [id(c.record) for c in plan.seats]))
    keys = [(v.email.lower(), v.user_id or '') for v in views]
    assert keys == sorted(keys)


@st.composite
def seat_cases(draw):
    n = draw(st.integers(min_value=0, max_value=25))
    users = [make_user(i, draw(st.booleans()), draw(st.booleans())) for i in range(n)]
    items, wanted = [], {}
    for i in (draw(st.lists(st.integers(min_value=0, max_value=n - 1), max_size=2 * n)) if users else []):
        if i not in wanted:
            wanted[i] = (draw(FLAG), draw(FLAG))
        kind = draw(st.sampled_from(['seat_uid', 'email', 'user_id']))
        value = {'seat_uid': users[i]['seat_uid'], 'email': users[i]['email'], 'user_id': users[i]['id']}[kind]
        item = {kind: value.upper() if draw(st.booleans()) else value}
        for flag, want in zip(('access_seat', 'gateway_seat'), wanted[i]):
            if want is not None and draw(st.booleans()):
                item[flag] = want
        items.append((i, item))
    return users, items, draw(st.booleans())


@FAST
@given(seat_cases())
def test_property_a_seat_plan_holds_each_changing_seat_once_and_the_next_plan_is_empty(case):
    users, indexed, exclusive = case
    items = [item for _i, item in indexed]
    plan, problems = seat_plan(users, items, exclusive=exclusive)
    assert problems == []
    seats = [c.patch_item()['seat_uid'] for c in plan.changes]
    assert len(set(seats)) == len(seats)
    after = [dict(u) for u in users]
    by_seat = dict((u['seat_uid'], u) for u in after)
    for change in plan.changes:
        user = by_seat[change.record['seat_uid']]
        assert (user['access_seat'], user['gateway_seat']) != (change.access_seat, change.gateway_seat)
        user.update(access_seat=change.access_seat, gateway_seat=change.gateway_seat)
    listed = set(i for i, _item in indexed)
    for n, user in enumerate(after):
        if exclusive and n not in listed:
            assert not user['access_seat'] and not user['gateway_seat']
    again, problems = seat_plan(after, items, exclusive=exclusive)
    assert problems == [] and again.changes == []
    assert plan.summary()['released'] == sum(1 for c in plan.changes if c.released)


BAD_ITEM = st.one_of(
    st.just({}), st.just({'name': 'X'}), st.just({'email': 'a@example.com', 'colour': 1}),
    st.builds(lambda e: {'email': e}, st.text(max_size=12).filter(lambda s: '@' not in s)),
    st.builds(lambda u: {'user_id': u}, st.text(max_size=40).filter(lambda s: len(s) != 36)),
    st.builds(lambda e: {'email': e, 'state': 'absent', 'name': 'X'}, st.just('b@example.com')),
    # Not one of ansible-core's spellings of a boolean ('0 ' is one: it strips and lowers strings).
    st.builds(lambda v: {'email': 'c@example.com', 'access_seat': v}, st.text(min_size=2).filter(
        lambda s: s.strip().lower() not in [str(b) for b in BOOLEANS])),
)


@FAST
@given(st.lists(st.tuples(st.booleans(), BAD_ITEM), min_size=1, max_size=12))
def test_property_validation_names_every_bad_user_item_and_only_those(picks):
    raw = [bad if is_bad else {'user_id': str(uuid.UUID(int=n + 1)), 'name': 'Good'} for n, (is_bad, bad) in enumerate(picks)]
    items, problems = parse_user_items(raw)
    bad = [n for n, (is_bad, _b) in enumerate(picks) if is_bad]
    # One item may have several problems, and items repeating an email are named together.
    named = set(int(p.split('[')[1].split(']')[0]) for p in problems)
    assert named == set(bad) or (named >= set(bad) and any('list each user once' in p for p in problems))
    assert all(i.index not in bad for i in items)


# --- the drift table of the reconcile role ------------------------------------------------------

def test_the_drift_table_has_one_row_per_entry_with_cells_escaped_and_evidence():
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import drift_table
    rows = drift_table([
        {'email': 'a@example.com', 'action': 'create', 'field': 'name', 'before': None, 'after': 'A | B\nC \\ D'},
        {'email': None, 'action': 'release', 'field': 'access_seat', 'before': True, 'after': False},
        {'email': 'c@example.com', 'action': 'release_inactive', 'field': 'gateway_seat', 'before': True,
         'after': False, 'days_inactive': 400, 'never_logged_in': False, 'last_successful_login': '2025-10-27T09:00:00Z'},
        {'email': 'd@example.com', 'action': 'release_inactive', 'field': 'access_seat', 'before': True,
         'after': False, 'days_inactive': 500, 'never_logged_in': True, 'last_successful_login': None,
         'created_at': '2025-07-19T09:00:00Z'},
    ]).splitlines()
    assert rows == [
        '| email | action | field | before | after | evidence |',
        '|---|---|---|---|---|---|',
        '| a@example.com | create | name | \u2013 | A \\| B C \\\\ D |  |',
        '| \u2013 | release | access_seat | true | false |  |',
        '| c@example.com | release_inactive | gateway_seat | true | false | last login 2025-10-27T09:00:00Z (400 days ago) |',
        '| d@example.com | release_inactive | access_seat | true | false | never logged in, created 2025-07-19T09:00:00Z (500 days ago) |',
    ]
    assert drift_table([]) == ''


@pytest.mark.parametrize('junk, words', [(['junk'], '1 record that is'), (['junk', 7], '2 records that are')])
def test_exclusive_over_a_listing_with_unreadable_records_is_refused_counting_them(junk, words):
    users = [make_user(0, True, False), make_user(1)]
    items, problems = parse_seat_items([{'email': users[1]['email'], 'access_seat': True}])
    _plan, problems = plan_seats(Account([plan_record(u) for u in users] + junk), items, exclusive=True)
    assert problems == ['the listing holds %s not objects, so exclusive cannot tell who holds a seat' % words]
    _plan, problems = plan_seats(Account([plan_record(u) for u in users] + junk), items)
    assert problems == []
