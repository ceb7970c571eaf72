# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_seat end to end inside one process: the module's main() with the real client, over the
# shared fake API (emulated_api.py), which plays the users and seats endpoints and records every request.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import uuid

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.seat import LOOKUP_THRESHOLD
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_seat
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import (
    seat_summary,
    TOKEN,
    make_user,
    run_module,
)


def run(args, check_mode=False, diff=False):
    return run_module(cloudflare_zt_seat, args, check_mode=check_mode, diff=diff)


def bulk(users, start, stop, **flags):
    return [dict(email=u['email'], **flags) for u in users[start:stop]]


# --- single form ---------------------------------------------------------------------------


def test_release_one_leaver_by_email_costs_one_get_and_one_patch(api):
    api.users[:] = [make_user(i, True, True) for i in range(3000)]
    result = run({'email': 'USER0042@example.com', 'access_seat': False, 'gateway_seat': False})
    assert result['changed'] is True
    assert result['seats'] == [{'seat_uid': api.users[42]['seat_uid'], 'user_id': api.users[42]['id'],
                                'email': 'user0042@example.com', 'access_seat': False, 'gateway_seat': False}]
    assert result['summary'] == seat_summary(1, 1, 1, 0)
    assert (api.count('GET'), api.count('PATCH')) == (1, 1)
    assert api.requests('GET')[0].params['email'].lower() == 'user0042@example.com'
    assert api.patches() == [[{'seat_uid': api.users[42]['seat_uid'], 'access_seat': False, 'gateway_seat': False}]]
    assert api.log[0].headers['Authorization'] == 'Bearer ' + TOKEN


def test_email_filter_matching_substrings_does_not_pick_the_wrong_user(api):
    api.users[:] = [make_user(0, email='xbob@example.com'), make_user(1, email='bob@example.com')]
    result = run({'email': 'bob@example.com', 'access_seat': True})
    assert result['seats'][0]['user_id'] == api.users[1]['id']
    assert api.flags()['xbob@example.com'] == (False, False)
    assert api.flags()['bob@example.com'] == (True, False)


def test_one_flag_by_user_id_keeps_the_other(api):
    api.users[:] = [make_user(0, True, True)]
    result = run({'user_id': api.users[0]['id'].upper(), 'gateway_seat': False})
    assert api.patches() == [[{'seat_uid': api.users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': False}]]
    assert result['summary']['released'] == 0
    assert [(r.method, r.path.rsplit('/', 1)[1]) for r in api.log] == [('GET', api.users[0]['id']), ('PATCH', 'seats')]


def test_by_seat_uid_lists_the_account_with_one_get_per_1000_users(api):
    api.users[:] = [make_user(i) for i in range(2500)]
    result = run({'seat_uid': api.users[2400]['seat_uid'].upper(), 'access_seat': True})
    assert result['changed'] is True
    assert (api.count('GET'), api.count('PATCH')) == (3, 1)
    # Page 1 first; pages 2 and 3 are read side by side (list_concurrency), in either order.
    assert api.requests('GET')[0].params == {'page': 1, 'per_page': 1000}
    assert sorted((r.params for r in api.requests('GET')), key=lambda q: q['page']) == [
        {'page': p, 'per_page': 1000} for p in (1, 2, 3)]
    # Seat ids are sent in lower case.
    assert api.patches()[0][0]['seat_uid'] == api.users[2400]['seat_uid'].lower()


def test_single_form_unchanged_returns_the_seat_and_sends_no_patch(api):
    api.users[:] = [make_user(0, access=True)]
    result = run({'email': api.users[0]['email'], 'access_seat': True}, diff=True)
    assert result['changed'] is False
    assert result['seats'][0]['access_seat'] is True
    assert result['diff'] == {'prepared': ''}
    assert api.count('PATCH') == 0


def test_unknown_user_id_fails_without_writing(api):
    api.users[:] = [make_user(0)]
    result = run({'user_id': str(uuid.UUID(int=12345)), 'access_seat': True})
    assert result['failed'] is True
    assert 'no user has this id' in result['msg'] and 'nothing was written' in result['msg']
    assert result['errors'] == ["user_id '%s': no user has this id" % uuid.UUID(int=12345)]
    assert api.writes == []


def test_single_form_and_seats_are_mutually_exclusive(api):
    result = run({'email': 'a@example.com', 'access_seat': True, 'seats': [{'email': 'b@example.com'}]})
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    assert api.log == []


# --- bulk form ------------------------------------------------------------------------------


def test_bulk_lists_once_and_patches_only_the_seats_that_change(api):
    api.users[:] = [make_user(i, access=i < 1000) for i in range(2500)]
    result = run({'seats': bulk(api.users, 0, 1500, access_seat=True)})
    assert (api.count('GET'), api.count('PATCH')) == (3, 1)
    assert sorted(s['seat_uid'] for s in api.patches()[0]) == sorted(u['seat_uid'] for u in api.users[1000:1500])
    assert result['summary'] == seat_summary(1500, 500, 0, 0)
    assert len(result['seats']) == 500


def test_seats_file_is_the_same_task_as_seats(api, tmp_path):
    """The bulk list in a file (seats_file): the same reads, PATCH and result as the list in seats."""
    api.users[:] = [make_user(i, access=i < 1000) for i in range(2500)]
    wanted = bulk(api.users, 0, 1500, access_seat=True)
    path = tmp_path / 'seats.json'
    path.write_text(json.dumps(wanted), encoding='utf-8')
    checked = run({'seats_file': str(path)}, check_mode=True)
    inline = run({'seats': wanted}, check_mode=True)
    assert api.count('PATCH') == 0 and checked == inline
    result = run({'seats_file': str(path)})
    assert (api.count('GET'), api.count('PATCH')) == (9, 1)
    assert sorted(s['seat_uid'] for s in api.patches()[0]) == sorted(u['seat_uid'] for u in api.users[1000:1500])
    assert result['summary'] == seat_summary(1500, 500, 0, 0) and result['seats'] == checked['seats']
    assert run({'seats_file': str(path)})['changed'] is False


def test_seat_changes_are_patched_in_batches_of_seat_batch_size(api):
    api.users[:] = [make_user(i) for i in range(25)]
    result = run({'seats': bulk(api.users, 0, 25, gateway_seat=True), 'seat_batch_size': 10})
    assert [len(body) for body in api.patches()] == [10, 10, 5]
    # The batches follow the result's order (by email), each seat once.
    sent = [s['seat_uid'] for body in api.patches() for s in body]
    assert sent == [s['seat_uid'] for s in result['seats']]
    assert all(flags == (False, True) for flags in api.flags().values())


def test_a_failed_batch_says_which_seats_were_written_and_a_second_run_converges(api):
    api.users[:] = [make_user(i) for i in range(5)]
    args = {'seats': bulk(api.users, 0, 5, access_seat=True), 'seat_batch_size': 2, 'max_retry_wait': 0}
    api.fail('PATCH', nth=2, status=400, code=7003, message='seats refused')
    failed = run(args)
    assert failed['failed'] is True
    assert [e['email'] for e in failed['written']] == ['user0000@example.com', 'user0001@example.com']
    assert [e['email'] for e in failed['not_written']] == ['user0002@example.com', 'user0003@example.com',
                                                           'user0004@example.com']
    assert 'Written before it: 2 of 5' in failed['msg'] and 'seats refused' in failed['msg']
    assert failed['failure']['method'] == 'PATCH'
    api.log[:] = []
    again = run(args)
    assert again['summary']['changed'] == 3 and [len(body) for body in api.patches()] == [2, 1]
    assert all(flags == (True, False) for flags in api.flags().values())


def test_check_mode_predicts_the_real_result_and_sends_no_patch(api):
    api.users[:] = [make_user(i, access=i % 3 == 0, gateway=True) for i in range(30)]
    # 20 of 30 holders lose their Gateway seat: a mass removal, lifted here (the guard has tests of its own).
    args = {'seats': bulk(api.users, 0, 20, access_seat=True, gateway_seat=False), 'allow_mass_removal': True}
    predicted = run(args, check_mode=True, diff=True)
    assert api.writes == []
    real = run(args, diff=True)
    assert api.count('PATCH') == 1
    assert predicted == real
    emails = [line.split()[1] for line in real['diff']['prepared'].splitlines() if line.startswith('~')]
    assert emails == sorted(emails) and len(emails) == real['summary']['changed'] == 20


def test_a_patch_answer_with_other_flags_fails_naming_the_seat_as_unknown(api):
    from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import envelope
    api.users[:] = [make_user(0)]
    api.fail('PATCH', response=envelope([{'seat_uid': api.users[0]['seat_uid'], 'access_seat': False,
                                          'gateway_seat': False}, {'bogus': 1}]))
    result = run({'email': api.users[0]['email'], 'access_seat': True})
    assert result['failed'] is True and result['changed'] is True
    assert 'does not confirm 1 of 1 seats' in result['msg']
    assert 'answered access_seat=false, gateway_seat=false where access_seat=true, gateway_seat=false was sent' in result['msg']
    assert [u['email'] for u in result['unknown']] == [api.users[0]['email']]
    assert result['written'] == [] and result['not_written'] == []


def test_a_patch_answer_without_result_is_a_success_said_to_be_unconfirmed(api):
    from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import FakeResponse
    api.users[:] = [make_user(0)]
    api.fail('PATCH', response=FakeResponse(200, {'success': True, 'errors': [], 'messages': []}))
    result = run({'email': api.users[0]['email'], 'access_seat': True})
    assert result['changed'] is True and result['seats'][0]['access_seat'] is True
    assert [w['event']['msg'] if isinstance(w, dict) else w for w in result['warnings']] == [
        'The API answered a seat PATCH without a result: 1 seat is reported as sent, unconfirmed (the API makes the '
        'result optional; a read, or the task run again in check mode, shows what Cloudflare holds)']


def test_a_patch_answer_that_leaves_seats_out_confirms_only_those_it_holds(api):
    from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import envelope
    api.users[:] = [make_user(i) for i in range(3)]
    api.fail('PATCH', response=envelope([{'seat_uid': api.users[0]['seat_uid'], 'access_seat': True,
                                          'gateway_seat': False}]))
    result = run({'seats': bulk(api.users, 0, 3, access_seat=True)})
    assert 'does not confirm 2 of 3 seats' in result['msg'] and 'is not in the answer' in result['msg']
    assert [u['email'] for u in result['written']] == [api.users[0]['email']]
    assert [u['email'] for u in result['unknown']] == [api.users[1]['email'], api.users[2]['email']]
    assert 'Outcome unknown: 2 (' in result['msg'] and 'finds out what was applied' in result['msg']


def test_second_run_changes_nothing_and_sends_no_write(api):
    api.users[:] = [make_user(i) for i in range(12)]
    args = {'seats': bulk(api.users, 0, 12, gateway_seat=True)}
    assert run(args)['changed'] is True
    api.log[:] = []
    again = run(args, diff=True)
    assert again['changed'] is False and again['seats'] == []
    assert again['summary'] == seat_summary(12, 0, 0, 0)
    assert again['diff'] == {'prepared': ''}
    assert api.writes == []


def test_a_few_emails_are_looked_up_one_by_one(api):
    api.users[:] = [make_user(i) for i in range(5000)]
    run({'seats': bulk(api.users, 0, LOOKUP_THRESHOLD, access_seat=True)})
    assert api.count('GET') == LOOKUP_THRESHOLD
    assert all(r.params.get('email') for r in api.requests('GET'))


def test_unknown_email_in_a_bulk_list_fails_naming_it_and_writes_nothing(api):
    api.users[:] = [make_user(i) for i in range(10)]
    seats = bulk(api.users, 0, 10, access_seat=True)
    seats.insert(4, {'email': 'ghost@example.com', 'access_seat': True})
    result = run({'seats': seats})
    assert result['failed'] is True
    assert "seats[4] (email 'ghost@example.com'): no user has this email" in result['msg']
    assert result['errors'] == ["seats[4] (email 'ghost@example.com'): no user has this email"]
    assert api.writes == []
    assert all(flags == (False, False) for flags in api.flags().values())


def test_bad_items_fail_before_any_request(api):
    result = run({'seats': [{'email': 'ok@example.com'}, {'email': 'bad'}, {'user_id': 'nope'}, {}]})
    assert result['failed'] is True
    for label in ('seats[1]', 'seats[2]', 'seats[3]'):
        assert label in result['msg']
    assert 'seats[0]' not in result['msg']
    assert api.log == []


def test_exclusive_releases_the_unlisted_holders(api):
    api.users[:] = [make_user(i, access=True, gateway=i % 2 == 0) for i in range(8)]
    args = {'seats': [{'email': api.users[0]['email']}, {'email': api.users[1]['email'], 'access_seat': False}],
            'exclusive': True}
    predicted = run(args, check_mode=True)
    assert api.writes == []
    real = run(args)
    assert predicted == real
    assert real['summary'] == seat_summary(2, 7, 7, 0, released_by_exclusive=6)
    assert [e for e, f in sorted(api.flags().items()) if f != (False, False)] == [api.users[0]['email']]


def test_exclusive_with_empty_seats_is_refused_without_allow_release_all(api):
    api.users[:] = [make_user(0, True)]
    result = run({'seats': [], 'exclusive': True})
    assert result['failed'] is True and 'allow_release_all' in result['msg']
    assert api.log == []
    result = run({'seats': [], 'exclusive': True, 'allow_release_all': True})
    assert result['changed'] is True and result['summary']['released'] == 1


def test_empty_seats_without_exclusive_sends_nothing_and_has_an_empty_diff(api):
    result = run({'seats': []}, diff=True)
    assert result['changed'] is False and api.log == []
    assert result['diff'] == {'prepared': ''}
    assert result['seats'] == [] and result['summary'] == seat_summary(0, 0, 0, 0)


def test_a_failed_patch_says_nothing_was_written(api):
    api.users[:] = [make_user(0)]
    api.fail('PATCH', status=400)
    result = run({'email': api.users[0]['email'], 'access_seat': True, 'max_retry_wait': 0})
    assert result['failed'] is True
    assert 'Written before it: 0 of 1 (none)' in result['msg']
    assert '7003' in result['msg']
    assert result['failure']['method'] == 'PATCH' and result['failure']['status'] == 400
    assert result['written'] == [] and [e['email'] for e in result['not_written']] == [api.users[0]['email']]


def test_a_listed_record_that_is_not_an_object_is_refused_under_exclusive(api):
    api.users[:] = [make_user(0, True)]
    api.lists(api.users + ['garbage'])
    result = run({'seats': [{'email': api.users[0]['email']}], 'exclusive': True})
    assert result['failed'] is True and 'not objects' in result['msg']
    assert api.writes == []


def test_a_seat_holder_with_an_empty_seat_uid_is_named_as_having_none(api):
    # The listing is reduced by plan_record (paginate's keep=): an empty seat_uid is no seat_uid.
    api.users[:] = [make_user(0, True), make_user(1, True)]
    api.answers_with('GET', '/access/users', match={'id': api.users[1]['id']}, set_fields={'seat_uid': ''})
    result = run({'seats': [{'email': api.users[0]['email']}], 'exclusive': True})
    assert result['failed'] is True
    assert result['errors'] == ['user user0001@example.com (id %s) holds a seat but the user has no seat_uid, so '
                                'exclusive cannot release it' % api.users[1]['id']]


def test_a_seat_uid_longer_than_the_schema_allows_is_refused_before_the_patch(api):
    api.users[:] = [make_user(0)]
    api.answers_with('GET', '/access/users', match={'id': api.users[0]['id']}, set_fields={'seat_uid': 'x' * 37})
    result = run({'seats': [{'email': api.users[0]['email'], 'access_seat': True}]})
    assert result['failed'] is True and 'is not one the API accepts' in result['msg']
    assert api.writes == []


def test_a_credential_echoed_by_the_server_never_reaches_the_result(api):
    api.users[:] = [make_user(0)]
    api.fail('PATCH', status=403, message='token %s is not allowed' % TOKEN)
    result = run({'email': api.users[0]['email'], 'access_seat': True})
    assert result['failed'] is True and '********' in result['msg']


def test_above_the_limit_the_seats_are_counted_not_listed_and_full_lists_them(api):
    api.users[:] = [make_user(n) for n in range(1001)]
    seats = {'seats': [{'email': u['email'], 'access_seat': True} for u in api.users]}
    result = run(seats, check_mode=True)
    assert result['result_detail'] == 'summary' and result['seats'] == []
    assert result['changed'] is True and result['summary']['seats_changed'] == 1001
    full = run(dict(seats, result_detail='full'), check_mode=True)
    assert full['result_detail'] == 'full' and len(full['seats']) == 1001
    small = run({'seats': seats['seats'][:1000]}, check_mode=True)
    assert small['result_detail'] == 'full' and len(small['seats']) == 1000
    single = run({'email': api.users[0]['email'], 'access_seat': True, 'result_detail': 'summary'}, check_mode=True)
    assert single['result_detail'] == 'full' and len(single['seats']) == 1
    assert api.writes == []
