# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The planner (domain/plan.py): the single form's seat after the task when nothing changes, its defaults, and a
# problem of one item that leaves the others planned; the problems word for word.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import plan_seats, plan_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user


def account(users):
    return Account([plan_record(u) for u in users])


def single(user, **flags):
    items, problems = parse_seat_items([dict(email=user['email'], **flags)], single=True)
    assert problems == []
    plan, problems = plan_seats(account([user]), items, single=True)
    assert problems == []
    return plan


def test_the_single_form_reports_the_flag_it_leaves_as_the_record_holds_it():
    holder = make_user(1, access=True, gateway=True)
    assert single(holder, access_seat=True).single[1:] == (True, True)
    assert single(holder, gateway_seat=True).single[1:] == (True, True)
    nobody = make_user(2)
    assert single(nobody, access_seat=False).single[1:] == (False, False)
    assert single(nobody, gateway_seat=False).single[1:] == (False, False)
    assert single(holder, access_seat=True).changes == []


def test_a_list_is_not_the_single_form_and_revokes_no_devices_unless_asked():
    holder = make_user(1, access=True)
    items, _problems = parse_seat_items([{'email': holder['email'], 'access_seat': False}])
    plan, problems = plan_seats(account([holder]), items, revoke_sessions=True)
    assert (plan.single, problems) == (None, [])
    assert [(r.email, r.devices) for r in plan.revocations] == [(holder['email'], False)]
    user_items, _problems = parse_user_items([{'email': holder['email'], 'access_seat': False}])
    users, problems = plan_users(account([holder]), user_items, revoke_sessions=True)
    assert [(r.email, r.devices) for r in users.revocations] == [(holder['email'], False)]


def test_a_problem_of_one_item_leaves_the_next_ones_planned():
    twins = [make_user(1, email='twin@example.com'), make_user(2, email='TWIN@example.com')]
    strange = dict(make_user(3), id='../zones')
    known = make_user(4)
    users = twins + [strange, known]
    items, problems = parse_user_items([
        {'email': 'twin@example.com', 'name': 'Twin'},                         # ambiguous
        {'email': known['email'], 'name': 'Known'},
        {'user_id': known['id'], 'name': 'Known'},                             # the same user again
        {'email': strange['email'], 'state': 'absent'},                        # an id that cannot be in a path
        {'email': 'new@example.com', 'name': 'New'},
    ])
    assert problems == []
    plan, problems = plan_users(account(users), items)
    assert [w.email for w in plan.creates] == ['new@example.com']
    assert [w.email for w in plan.renames] == [known['email']]
    assert problems[1:] == [
        "users[1] (email '%s') and users[2] (user_id '%s') name the same user user %s (id %s): list each user once" % (
            known['email'], known['id'], known['email'], known['id']),
        "users[3] (email '%s'): the API lists this user with the id '../zones', which is not a UUID, so it cannot be "
        "deleted" % strange['email']]


def test_a_rename_of_a_record_without_id_and_email_names_both():
    record = {'seat_uid': '10000000-0000-0000-0000-000000000001', 'name': 'Old'}
    items, _problems = parse_seat_items([{'seat_uid': record['seat_uid']}])
    items[0].name = 'New'
    plan, problems = plan_users(Account([record]), items)
    assert problems == ["seats[0] (seat_uid '%s'): the record has no id and no email, which a rename must send, so it "
                        "cannot be renamed" % record['seat_uid']]
    assert plan.renames == []
