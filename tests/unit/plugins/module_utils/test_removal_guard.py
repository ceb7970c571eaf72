# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The removal guard (max_removals, allow_mass_removal): who counts, the bound, the option, and the refusal.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import OptionsError, PlanError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import parse_policy, utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import (
    removal_guard_argument_spec,
    seat_task,
    users_task,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import EDIT_SEATS, Inactivity, plan_seats, plan_users, seat_steps
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.removals import (
    DEFAULT_LIMIT,
    RemovalCheck,
    RemovalLimit,
    check_removals,
    parse_max_removals,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import accept, judged_inactivity


def person(n, access=True, gateway=False, login='2026-12-01T00:00:00Z'):
    return {'id': '00000000-0000-4000-8000-%012d' % n, 'email': 'user%04d@example.com' % n, 'name': 'User %d' % n,
            'seat_uid': '10000000-0000-4000-8000-%012d' % n, 'access_seat': access, 'gateway_seat': gateway,
            'created_at': '2020-01-01T00:00:00Z', 'last_successful_login': login}


def account(people):
    return Account([plan_record(p) for p in people])


def users_plan(people, raw, **kwargs):
    items, problems = parse_user_items(raw)
    assert problems == []
    plan, problems = plan_users(account(people), items, **kwargs)
    assert problems == []
    return plan


def seat_plan(people, raw, **kwargs):
    items, problems = parse_seat_items(raw)
    assert problems == []
    plan, problems = plan_seats(account(people), items, **kwargs)
    assert problems == []
    return plan


class Module(object):
    check_mode = False

    def __init__(self):
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


# --- the bound -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('removals, holders, refused', [
    (10, 20, False),     # ten people: an ordinary offboarding, whatever the share
    (11, 500, False),    # more than ten, but 2 % of a large account
    (11, 100, True),     # more than ten and more than 10 %
    (50, 500, False),    # exactly 10 %: not more
    (51, 500, True),
    (11, 0, True),       # deleting people from an account where nobody holds a seat
    (0, 0, False),
])
def test_the_default_refuses_more_than_ten_people_and_more_than_ten_percent(removals, holders, refused):
    assert DEFAULT_LIMIT.exceeded(removals, holders) is refused


def test_a_count_or_a_percentage_alone_is_the_whole_bound():
    assert RemovalLimit(people=3).exceeded(4, 10000) and not RemovalLimit(people=3).exceeded(3, 1)
    assert RemovalLimit(people=0).exceeded(1, 10000) and not RemovalLimit(people=0).exceeded(0, 10)
    assert RemovalLimit(percent=20).exceeded(3, 10) and not RemovalLimit(percent=20).exceeded(2, 10)
    assert not RemovalLimit(percent=100).exceeded(10, 10)


@pytest.mark.parametrize('raw, people, percent', [
    (None, 10, 10), (25, 25, None), (0, 0, None), ('25', 25, None), (' 7 ', 7, None), ('20%', None, 20.0),
    ('2.5 %', None, 2.5), ('100%', None, 100.0), ('0%', None, 0.0),
])
def test_max_removals_is_a_count_or_a_percentage(raw, people, percent):
    limit, problem = parse_max_removals(raw)
    assert problem is None and (limit.people, limit.percent) == (people, percent)


@pytest.mark.parametrize('raw', [-1, True, False, 2.5, '101%', '-5%', 'ten', '', '10 people', [10], {'people': 10}])
def test_anything_else_is_refused_with_what_it_takes(raw):
    limit, problem = parse_max_removals(raw)
    assert limit is None
    assert problem.startswith('max_removals must be a number of people (such as 25) or a percentage of the users who '
                              'hold a seat (such as "20%", at most 100%), got ')


def test_a_quoted_value_is_shortened():
    _limit, problem = parse_max_removals('9' * 5000 + '%')
    assert len(problem) < 400


def test_the_option_is_refused_before_any_request_with_the_task_other_problems():
    with pytest.raises(OptionsError) as refused:
        users_task({'users': [{'email': 'a@example.com', 'state': 'gone'}], 'max_removals': 'lots',
                    'seat_batch_size': 1000, 'write_rate': 2.0})
    assert 'max_removals must be a number of people' in str(refused.value)
    assert len(refused.value.errors) == 2


def test_allow_release_all_lifts_the_guard_too():
    task = users_task({'users': [], 'exclusive_seats': True, 'allow_release_all': True, 'seat_batch_size': 1000,
                       'write_rate': 2.0})
    assert task.allow_mass_removal is True
    task = users_task({'users': [], 'seat_batch_size': 1000, 'write_rate': 2.0})
    assert task.allow_mass_removal is False and task.max_removals is DEFAULT_LIMIT


# --- who counts ------------------------------------------------------------------------------------------------------

def test_a_one_person_list_with_exclusive_seats_is_refused_and_names_the_numbers():
    people = [person(n) for n in range(500)]
    plan = users_plan(people, [{'email': 'user0000@example.com'}], exclusive_seats=True)
    assert plan.removals.refused
    assert plan.removals.result() == {'removals': 499, 'seat_holders': 500, 'max_removals': '10 and 10%',
                                      'allow_mass_removal': False, 'refused': True}
    message = plan.removals.message('The plan')
    assert message.startswith('The plan would remove 499 people (take their seats away or delete their records), more '
                              'than max_removals allows: 10 people and 10 % of the 500 users who hold a seat. Among '
                              'them: user0001@example.com, user0002@example.com, user0003@example.com, '
                              'user0004@example.com, user0005@example.com and 494 more. If this is a deliberate mass '
                              'change, set allow_mass_removal=true, or raise max_removals')


def test_deletes_releases_and_a_seat_taken_away_each_count_once_per_person():
    people = [person(n, gateway=True) for n in range(30)]
    raw = ([{'email': 'user%04d@example.com' % n, 'gateway_seat': False} for n in range(5)] +      # a seat taken away
           [{'email': 'user%04d@example.com' % n, 'state': 'absent'} for n in range(5, 10)] +       # deleted
           [{'email': 'user%04d@example.com' % n, 'access_seat': False, 'gateway_seat': False}        # released
            for n in range(10, 12)] +
           [{'email': 'user%04d@example.com' % n, 'name': 'Renamed'} for n in range(12, 30)])       # not a removal
    plan = users_plan(people, raw)
    assert [r['email'] for r in plan.removals.people] == ['user%04d@example.com' % n for n in range(12)]
    assert plan.removals.refused                   # 12 > 10 and 12 > 3 (10 % of 30)


def test_granting_a_seat_is_no_removal():
    people = [person(n, access=False) for n in range(40)]
    plan = users_plan(people, [{'email': 'user%04d@example.com' % n, 'access_seat': True} for n in range(40)])
    assert plan.removals.people == [] and not plan.removals.refused


def test_release_inactive_counts_and_is_refused_like_a_list():
    people = [person(n, login='2020-01-01T00:00:00Z') for n in range(50)]
    policy, _problems = parse_policy({'days': 90})
    plan = seat_plan(people, [], inactivity=Inactivity(policy, utc_now()))
    assert len(plan.changes) == 50 and plan.removals.refused
    plan = seat_plan(people, [], inactivity=Inactivity(policy, utc_now()), allow_mass_removal=True)
    assert plan.removals.result()['refused'] is False and plan.removals.result()['allow_mass_removal'] is True


def test_a_raised_bound_lets_the_same_plan_through():
    people = [person(n) for n in range(500)]
    plan = users_plan(people, [{'email': 'user0000@example.com'}], exclusive_seats=True,
                      max_removals=parse_max_removals(499)[0])
    assert not plan.removals.refused
    plan = users_plan(people, [{'email': 'user0000@example.com'}], exclusive_seats=True,
                      max_removals=parse_max_removals('99%')[0])
    assert plan.removals.refused                   # 499 of 500 is 99.8 %


# --- the refusal -----------------------------------------------------------------------------------------------------

def test_accept_refuses_the_plan_with_its_report_in_check_mode_as_in_a_real_run():
    people = [person(n) for n in range(100)]
    plan = users_plan(people, [{'email': 'user0000@example.com'}], exclusive_seats=True)
    for check_mode in (False, True):
        module = Module()
        module.check_mode = check_mode
        with pytest.raises(PlanError) as refused:
            accept(module, 'Cannot reconcile the users of account A', plan, [], report=lambda: {'summary': {'x': 1}})
        assert str(refused.value).startswith('Cannot reconcile the users of account A, nothing was written: The plan '
                                             'would remove 99 people')
        assert refused.value.extra == {'summary': {'x': 1}, 'removal_guard': plan.removals.result()}


def test_accept_lets_an_ordinary_leaver_through():
    people = [person(n) for n in range(3)]
    plan = users_plan(people, [{'email': 'user0000@example.com', 'state': 'absent'}])
    accept(Module(), 'what', plan, [])
    assert plan.removals.result()['removals'] == 1


def _removed(count):
    return [{'id': 'id-%d' % n, 'email': 'p%d@example.com' % n} for n in range(count)]


def test_the_refusal_names_five_people_a_person_without_an_email_by_id_and_counts_the_rest_word_for_word():
    people = [{'id': 'id-0', 'email': None}] + _removed(6)[1:]
    message = RemovalCheck(people, 1, RemovalLimit(people=1, percent=10), False).message('The plan')
    assert message == (
        'The plan would remove 6 people (take their seats away or delete their records), more than max_removals '
        'allows: 1 person and 10 % of the 1 user who hold a seat. Among them: (id id-0), p1@example.com, '
        'p2@example.com, p3@example.com, p4@example.com and 1 more. If this is a deliberate mass change, set '
        'allow_mass_removal=true, or raise max_removals (in the reconcile role: reconcile_allow_mass_removal, '
        'reconcile_max_removals); check mode shows the whole plan')


def test_a_refusal_of_exactly_five_people_names_them_all_and_no_more():
    message = RemovalCheck(_removed(5), 2, RemovalLimit(people=2, percent=2.5), False).message('The plan')
    assert ('allows: 2 people and 2.5 % of the 2 users who hold a seat. Among them: p0@example.com, p1@example.com, '
            'p2@example.com, p3@example.com, p4@example.com. If this is') in message


def test_a_bad_max_removals_is_named_in_the_refusal_of_each_module():
    params = {'max_removals': 'lots', 'seat_batch_size': 1000, 'write_rate': 2.0}
    with pytest.raises(OptionsError) as refused:
        users_task(dict(params, users=[]))
    assert str(refused.value).startswith('Invalid max_removals, nothing was written and no request was sent: ')
    with pytest.raises(OptionsError) as refused:
        seat_task(dict(params, seats=[]))
    assert str(refused.value).startswith('Invalid max_removals, nothing was written and no request was sent: ')


def test_the_single_seat_form_and_release_inactive_alone_keep_the_bound_given():
    params = {'max_removals': '25', 'allow_mass_removal': True, 'seat_batch_size': 1000}
    single = seat_task(dict(params, email='ada@example.com', access_seat=False))
    alone = seat_task(dict(params, release_inactive={'days': 90}))
    for task in (single, alone):
        assert (task.max_removals.people, task.allow_mass_removal) == (25, True)


@pytest.mark.parametrize('limit, text', [
    (RemovalLimit(people=25), '25'), (RemovalLimit(percent=20), '20%'), (RemovalLimit(percent=2.5), '2.5%'),
    (RemovalLimit(people=0, percent=0), '0 and 0%'),
])
def test_the_result_names_the_bound_in_the_option_own_words(limit, text):
    assert limit.text() == text


def test_the_guard_is_on_unless_the_task_lifts_it():
    assert removal_guard_argument_spec() == {'max_removals': {'type': 'raw'},
                                             'allow_mass_removal': {'type': 'bool', 'default': False}}


def test_a_refused_value_is_quoted_in_the_refusal():
    assert parse_max_removals('ten')[1].endswith(', got \'ten\'')


def test_granting_a_holder_the_other_seat_is_no_removal():
    people = [person(n, access=True, gateway=False) for n in range(20)] + \
        [person(n, access=False, gateway=True) for n in range(20, 40)]
    plan = seat_plan(people, [{'email': 'user%04d@example.com' % n, 'access_seat': True, 'gateway_seat': True}
                              for n in range(40)])
    assert len(plan.changes) == 40 and plan.removals.people == []


class _Change(object):
    def __init__(self, record):
        self.record, self.access_seat, self.gateway_seat = record, False, False


class _Account(object):
    def seat_holders(self):
        return []


def test_the_people_removed_are_in_email_order_and_those_without_one_first_by_id():
    records = [{'id': 'c', 'email': 'Ann@example.com', 'access_seat': True},
               {'id': 'a', 'email': 'bob@example.com', 'access_seat': True},
               {'id': 'z', 'access_seat': True}, {'id': 'y', 'access_seat': True}]
    check = check_removals(_Account(), [_Change(r) for r in records], (), DEFAULT_LIMIT, False)
    assert [r['id'] for r in check.people] == ['y', 'z', 'c', 'a']


def test_a_refusal_without_a_report_carries_only_the_guard():
    people = [person(n) for n in range(100)]
    plan = users_plan(people, [{'email': 'user0000@example.com'}], exclusive_seats=True)
    with pytest.raises(PlanError) as refused:
        accept(Module(), 'what', plan, [])
    assert refused.value.extra == {'removal_guard': plan.removals.result()}


def test_seat_writes_without_a_batch_size_go_in_one_request():
    writes = [object(), object()]
    assert seat_steps(writes, {}, None) == [(EDIT_SEATS, writes)]


class _Clock(object):
    offset = 400.0


class _Client(object):
    server_clock = _Clock()


def test_inactivity_is_judged_on_cloudflare_clock_and_the_result_names_it():
    policy, _problems = parse_policy({'days': 90})
    module = Module()
    before = utc_now()
    inactivity, result = judged_inactivity(module, _Client(), policy)
    assert result == {'clock': {'source': 'cloudflare', 'skew_seconds': 400}}
    assert 399 <= (inactivity.now - before).total_seconds() < 460
    assert module.warnings == ["The controller's clock is 6 min 40 s behind Cloudflare's (the Date of its answers): "
                               "inactivity is judged on Cloudflare's clock. Set the controller's clock right (NTP)"]
    assert judged_inactivity(module, _Client(), None) == (None, {})
