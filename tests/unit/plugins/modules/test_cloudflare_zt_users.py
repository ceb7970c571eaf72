# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_users through main() with the real client, over the shared fake API (emulated_api.py):
# check -> real -> idempotent for each operation, request counts, write order, failures, pacing.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.budget import examples
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import (
    TOKEN,
    EmulatedApi,
    install,
    make_user,
    run_module,
)


def run(args, check_mode=False, diff=False):
    result = run_module(cloudflare_zt_users, args, check_mode=check_mode, diff=diff)
    result.pop('invocation', None)
    return result


def without_new_ids(result):
    """A result with the ids of created users blanked (check mode cannot know them), and its report's time."""
    result = dict(result)
    result['users'] = [dict(u, user_id=None) if u['action'] == 'create' else u for u in result['users']]
    result['report'] = dict(result['report'], generated_at=None)
    return result


def as_real(checked):
    """What a check-mode result predicts of the real run: the same, but for check_mode (its report's too)."""
    return without_new_ids(dict(checked, check_mode=False, report=dict(checked['report'], check_mode=False)))


def check_real_idempotent(api, args):
    """The rhythm of every operation: check mode writes nothing and predicts the real run; a second run is empty."""
    before = api.state()
    checked = run(args, check_mode=True, diff=True)
    assert api.writes == [] and api.state() == before
    assert checked['check_mode'] is True and checked['changed'] is True
    real = run(args, diff=True)
    assert real['check_mode'] is False
    assert without_new_ids(real) == as_real(checked)
    api.log[:] = []
    again = run(args, diff=True)
    assert again['changed'] is False and again['users'] == [] and again['drift'] == []
    assert again['diff'] == {'prepared': ''}
    assert api.writes == [] and api.count('GET') == max(1, -(-len(api.users) // 1000))
    return checked, real


# --- each operation: check -> real -> idempotent ----------------------------------------------

def test_create_with_seats_in_check_mode_sends_nothing_then_creates_then_is_idempotent(api):
    args = {'users': [{'email': 'new@example.com', 'name': 'New One', 'access_seat': True}]}
    checked, real = check_real_idempotent(api, args)
    assert checked['users'] == [{'email': 'new@example.com', 'user_id': None, 'action': 'create', 'name': 'New One',
                                 'access_seat': True}]
    assert real['users'][0]['user_id'] == api.users[0]['id']
    assert api.state() == {'new@example.com': ('New One', True, False)}
    assert checked['summary'] == {'listed': 1, 'changed_users': 1, 'created': 1, 'renamed': 0, 'deleted': 0,
                                  'seats_changed': 1, 'seats_released': 0, 'released_by_exclusive': 0, 'released_inactive': 0,
                                  'sessions_revoked': 0}


def test_rename_in_check_mode_sends_nothing_then_renames_then_is_idempotent(api):
    api.users[:] = [make_user(0)]
    checked, _real = check_real_idempotent(api, {'users': [{'email': 'USER0000@example.com', 'name': 'Renamed'}]})
    assert checked['drift'] == [{'email': 'user0000@example.com', 'action': 'update', 'field': 'name',
                                 'before': 'User 0', 'after': 'Renamed'}]
    assert api.users[0]['name'] == 'Renamed'


def test_delete_in_check_mode_sends_nothing_then_deletes_then_is_idempotent(api):
    api.users[:] = [make_user(0), make_user(1)]
    checked, _real = check_real_idempotent(api, {'users': [{'user_id': api.users[1]['id'], 'state': 'absent'}]})
    assert checked['drift'] == [{'email': 'user0001@example.com', 'action': 'delete', 'field': 'state',
                                 'before': 'present', 'after': 'absent'}]
    assert [u['email'] for u in api.users] == ['user0000@example.com']


def test_seat_change_in_check_mode_sends_nothing_then_patches_then_is_idempotent(api):
    api.users[:] = [make_user(0, access=True)]
    checked, _real = check_real_idempotent(api, {'users': [{'email': 'user0000@example.com', 'access_seat': False,
                                                            'gateway_seat': True}]})
    assert [(d['field'], d['before'], d['after']) for d in checked['drift']] == [
        ('access_seat', True, False), ('gateway_seat', False, True)]
    assert api.flags()['user0000@example.com'] == (False, True)


def test_exclusive_seats_releases_unlisted_holders_then_is_idempotent(api):
    api.users[:] = [make_user(i, access=True) for i in range(4)]
    checked, _real = check_real_idempotent(api, {'users': [{'email': 'user0000@example.com'}], 'exclusive_seats': True})
    assert [(u['email'], u['action']) for u in checked['users']] == [
        ('user0001@example.com', 'release'), ('user0002@example.com', 'release'), ('user0003@example.com', 'release')]
    assert checked['summary']['released_by_exclusive'] == 3
    assert [e for e, f in sorted(api.flags().items()) if f != (False, False)] == ['user0000@example.com']


@pytest.mark.parametrize('form', ['json', 'yaml'])
def test_users_file_is_the_same_task_as_users(api, tmp_path, form):
    """The list in a JSON or YAML file (users_file) plans, writes and reports what the same list in users does."""
    api.users[:] = [make_user(i, access=True) for i in range(3)]
    wanted = [{'email': 'user0000@example.com', 'gateway_seat': True}, {'email': 'user0001@example.com', 'name': 'Renamed'},
              {'email': 'new@example.com', 'name': 'New One', 'access_seat': True}]
    path = tmp_path / ('people.' + form)
    if form == 'json':
        path.write_text(json.dumps(wanted), encoding='utf-8')
    else:
        path.write_text(''.join('- ' + json.dumps(item) + '\n' for item in wanted), encoding='utf-8')
    inline = run({'users': wanted, 'exclusive_seats': True}, check_mode=True, diff=True)
    checked, _real = check_real_idempotent(api, {'users_file': str(path), 'exclusive_seats': True})
    assert without_new_ids(checked) == without_new_ids(inline)
    assert [(u['email'], u['action']) for u in checked['users']] == [
        ('new@example.com', 'create'), ('user0000@example.com', 'update'), ('user0001@example.com', 'update'),
        ('user0002@example.com', 'release')]
    assert api.state()['new@example.com'] == ('New One', True, False)


# --- request counts and order -------------------------------------------------------------------

def test_one_get_per_1000_users_one_write_per_user_and_one_patch_per_batch(api):
    api.users[:] = [make_user(i, access=i < 30) for i in range(2500)]
    users = [{'email': 'new%d@example.com' % i, 'name': 'New %d' % i} for i in range(3)]
    users += [{'email': u['email'], 'name': 'Renamed %d' % n} for n, u in enumerate(api.users[:4])]
    users += [{'email': u['email'], 'access_seat': True} for u in api.users[30:55]]
    users += [{'email': u['email'], 'state': 'absent'} for u in api.users[100:102]]
    result = run({'users': users, 'seat_batch_size': 10, 'write_rate': 1000})
    # Page 1 first; pages 2 and 3 are read side by side (list_concurrency), in either order.
    assert api.requests('GET')[0].params == {'page': 1, 'per_page': 1000}
    assert sorted((r.params for r in api.requests('GET')), key=lambda q: q['page']) == [
        {'page': p, 'per_page': 1000} for p in (1, 2, 3)]
    assert (api.count('POST'), api.count('PUT'), api.count('DELETE')) == (3, 4, 2)
    assert [len(body) for body in api.patches()] == [10, 10, 5]
    # The fixed order: creates, renames, the PATCHes, deletes.
    assert [r.method for r in api.writes] == ['POST'] * 3 + ['PUT'] * 4 + ['PATCH'] * 3 + ['DELETE'] * 2
    assert result['summary'] == {'listed': 34, 'changed_users': 34, 'created': 3, 'renamed': 4, 'deleted': 2,
                                 'seats_changed': 25, 'seats_released': 0, 'released_by_exclusive': 0, 'released_inactive': 0,
                                 'sessions_revoked': 0}


def test_seats_of_created_users_go_in_the_patch_after_the_creates_answered(api):
    api.users[:] = [make_user(0)]
    result = run({'users': [{'email': 'b@example.com', 'name': 'B', 'gateway_seat': True},
                            {'email': 'user0000@example.com', 'access_seat': True},
                            {'email': 'a@example.com', 'name': 'A', 'access_seat': False}]})
    assert [r.method for r in api.writes] == ['POST', 'POST', 'PATCH']
    assert [r.body['email'] for r in api.requests('POST')] == ['a@example.com', 'b@example.com']
    created_b = api.by_email('b@example.com')
    assert api.patches() == [[{'seat_uid': api.users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': False},
                              {'seat_uid': created_b['seat_uid'], 'access_seat': False, 'gateway_seat': True}]]
    assert [u['email'] for u in result['users']] == ['a@example.com', 'b@example.com', 'user0000@example.com']


def test_nothing_to_change_sends_one_get_and_no_write(api):
    api.users[:] = [make_user(i) for i in range(5)]
    result = run({'users': [{'email': u['email'], 'name': u['name']} for u in api.users]}, diff=True)
    assert result['changed'] is False and api.writes == [] and api.count('GET') == 1
    assert result['diff'] == {'prepared': ''} and result['drift'] == [] and result['check_mode'] is False


def test_diff_and_drift_are_sorted_by_email_in_the_users_words(api):
    api.users[:] = [make_user(0, email='zed@example.com'), make_user(1, email='Amy@example.com', access=True)]
    result = run({'users': [{'email': 'zed@example.com', 'name': 'Zed'}, {'email': 'amy@example.com', 'access_seat': False},
                            {'email': 'bob@example.com', 'name': 'Bob'}]}, check_mode=True, diff=True)
    assert result['diff']['prepared'] == (
        '~ Amy@example.com (update)\n-   access_seat: true\n+   access_seat: false\n'
        '+ bob@example.com (create)\n+   name: Bob\n'
        '~ zed@example.com (update)\n-   name: User 0\n+   name: Zed\n')
    assert [d['email'] for d in result['drift']] == ['Amy@example.com', 'bob@example.com', 'zed@example.com']


# --- a refused plan writes nothing --------------------------------------------------------------

def test_every_offending_item_is_named_and_nothing_is_written(api):
    api.users[:] = [make_user(0), make_user(1, email='dup@example.com'), make_user(2, email='DUP@example.com')]
    result = run({'users': [{'email': 'user0000@example.com', 'name': 'Fine'},
                            {'email': 'nobody@example.com'},
                            {'email': 'dup@example.com', 'name': 'X'},
                            {'user_id': make_user(50)['id'], 'name': 'Ghost'}]})
    assert result['failed'] is True and result['check_mode'] is False
    assert [e.split(' ')[0] for e in result['errors']] == ['users[1]', 'users[2]', 'users[3]']
    assert 'nothing was written' in result['msg']
    assert api.writes == []


def test_bad_items_are_refused_before_any_request_with_check_mode_in_the_result(api):
    result = run({'users': [{'email': 'bad'}, {'email': 'a@example.com', 'name': 'A', 'colour': 'red'}]}, check_mode=True)
    assert result['failed'] is True and result['check_mode'] is True
    assert 'users[0]' in result['msg'] and 'colour' in result['msg']
    assert api.log == []


# --- a failed write -----------------------------------------------------------------------------

def test_a_failed_write_in_the_middle_says_what_was_written_and_a_second_run_converges(api):
    api.users[:] = [make_user(i, access=True) for i in range(3)]
    args = {'users': [{'email': 'new@example.com', 'name': 'New'},
                      {'email': 'user0000@example.com', 'name': 'Zero'},
                      {'email': 'user0001@example.com', 'name': 'One'},
                      {'email': 'user0002@example.com', 'access_seat': False}],
            'max_retry_wait': 0}
    api.fail('PUT', nth=2, status=403, code=10000, message='not allowed')
    failed = run(args)
    assert failed['failed'] is True and failed['check_mode'] is False
    assert failed['written'] == [{'action': 'create', 'email': 'new@example.com', 'user_id': api.by_email('new@example.com')['id'],
                                  'fields': ['name']},
                                 {'action': 'update', 'email': 'user0000@example.com', 'user_id': api.users[0]['id'],
                                  'fields': ['name']}]
    assert [(e['action'], e['email'], e['fields']) for e in failed['not_written']] == [
        ('update', 'user0001@example.com', ['name']), ('update', 'user0002@example.com', ['access_seat'])]
    assert 'not allowed' in failed['msg']
    assert 'Written before it: 2 of 4 (create new@example.com, update user0000@example.com)' in failed['msg']
    assert 'Not written: 2 (update user0001@example.com, update user0002@example.com)' in failed['msg']
    assert failed['failure']['method'] == 'PUT' and failed['failure']['status'] == 403
    # The report goes with the failure: the created user's id is known.
    assert [u['user_id'] for u in failed['users'] if u['action'] == 'create'] == [api.by_email('new@example.com')['id']]
    assert len(failed['drift']) == 4
    assert [r.method for r in api.writes] == ['POST', 'PUT', 'PUT']
    api.log[:] = []
    again = run(args)
    assert again['changed'] is True and [r.method for r in api.writes] == ['PUT', 'PATCH']
    assert again['summary']['renamed'] == 1 and again['summary']['seats_changed'] == 1
    api.log[:] = []
    assert run(args)['changed'] is False and api.writes == []


def test_a_failed_patch_lists_every_seat_of_its_batch_as_not_written(api):
    api.users[:] = [make_user(i) for i in range(5)]
    api.fail('PATCH', nth=2)
    failed = run({'users': [{'email': u['email'], 'access_seat': True} for u in api.users], 'seat_batch_size': 2,
                  'max_retry_wait': 0})
    assert [e['email'] for e in failed['written']] == ['user0000@example.com', 'user0001@example.com']
    assert [e['seat_uid'] for e in failed['not_written']] == [u['seat_uid'] for u in api.users[2:]]


def test_a_create_answer_without_a_seat_uid_stops_before_the_patch(api):
    api.answers_with('POST', '/access/users$', set_fields={'seat_uid': None})
    failed = run({'users': [{'email': 'new@example.com', 'name': 'New', 'access_seat': True}]})
    assert failed['failed'] is True and 'but the user has no seat_uid, so its seats cannot be set' in failed['msg']
    assert [r.method for r in api.writes] == ['POST']
    assert failed['written'] == [{'action': 'create', 'email': 'new@example.com', 'user_id': api.by_email('new@example.com')['id'],
                                  'fields': ['name']}]


def test_a_credential_echoed_in_a_failed_write_is_redacted_everywhere(api):
    api.users[:] = [make_user(0)]
    api.fail('PUT', status=400, message='bad token %s' % TOKEN)
    failed = run({'users': [{'email': 'user0000@example.com', 'name': 'X'}], 'max_retry_wait': 0})
    assert '********' in failed['msg'] and failed['failure']['errors'][0]['message'] == 'bad token ********'


def test_a_credential_inside_an_item_is_redacted_from_the_refusal(api):
    # run_module redacts every message: a token pasted into the wrong option does not leak back.
    result = run({'users': [{'email': TOKEN}]})
    assert result['failed'] is True and "email '********'" in result['msg']
    secret_email = TOKEN + '@example.com'
    result = run({'users': [{'email': secret_email}]})
    assert result['failed'] is True and "********@example.com" in result['msg']
    assert all(TOKEN not in e for e in result['errors'])


# --- pacing ---------------------------------------------------------------------------------------

def test_writes_are_paced_at_write_rate_counting_the_time_requests_take(api):
    api.users[:] = [make_user(i) for i in range(4)]
    api.request_time = 0.1
    run({'users': [{'email': u['email'], 'name': 'Renamed'} for u in api.users], 'write_rate': 2})
    assert api.count('PUT') == 4
    assert api.clock.sleeps == pytest.approx([0.4, 0.4, 0.4])


def test_reads_are_not_paced_and_one_write_does_not_wait(api):
    api.users[:] = [make_user(i) for i in range(2500)]
    run({'users': [{'email': 'user0000@example.com', 'name': 'Renamed'}], 'write_rate': 0.5})
    assert api.count('GET') == 3 and api.clock.sleeps == []


def test_a_429_is_waited_out_after_its_retry_after_and_pacing_goes_on(api):
    api.users[:] = [make_user(i) for i in range(2)]
    api.fail('PUT', status=429, code=971, message='rate limited', headers={'Retry-After': '7'})
    result = run({'users': [{'email': u['email'], 'name': 'Renamed'} for u in api.users], 'write_rate': 1})
    assert result['changed'] is True and api.count('PUT') == 3
    assert 7.0 in api.clock.sleeps
    assert all(u['name'] == 'Renamed' for u in api.users)


# --- properties through the module -----------------------------------------------------------

EMAILS = ['u%d@example.com' % i for i in range(6)]


@st.composite
def accounts_and_lists(draw):
    """An account (some of EMAILS, maybe case variants that collide) and a users list over EMAILS."""
    users = []
    for n, email in enumerate(EMAILS):
        if draw(st.booleans()):
            users.append(make_user(n, draw(st.booleans()), draw(st.booleans()), email=email,
                                   name=draw(st.sampled_from(['A', 'B']))))
            if draw(st.integers(0, 9)) == 0:
                users.append(make_user(n + 50, email=email.upper()))
    items = []
    for n in draw(st.lists(st.integers(0, len(EMAILS) - 1), max_size=8)):
        item = {'email': draw(st.sampled_from([EMAILS[n], EMAILS[n].upper()]))}
        if draw(st.integers(0, 4)) == 0:
            item['state'] = 'absent'
        else:
            for key, values in (('name', ['A', 'B']), ('access_seat', [True, False]), ('gateway_seat', [True, False])):
                if draw(st.booleans()):
                    item[key] = draw(st.sampled_from(values))
        items.append(item)
    return users, items, draw(st.booleans())


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(accounts_and_lists())
def test_property_a_refused_plan_writes_nothing_and_an_accepted_one_converges(monkeypatch, case):
    users, items, exclusive = case
    api = install(monkeypatch, EmulatedApi(users))
    try:
        args = {'users': items, 'exclusive_seats': exclusive, 'allow_release_all': exclusive and not items or None}
        checked = run(args, check_mode=True)
        assert api.writes == []
        result = run(args)
        if result.get('failed'):
            assert api.writes == [], result['msg']
            assert checked.get('failed') and checked['msg'] == result['msg'] and checked.get('errors') == result.get('errors')
            return
        assert without_new_ids(result) == as_real(checked)
        api.log[:] = []
        again = run(args)
        assert again['changed'] is False and api.writes == [], again
    finally:
        api.stop()


# --- result_detail and the drift report (report_dir) ----------------------------------------

def test_above_the_limit_the_result_is_a_summary_and_the_report_counts_every_change(api):
    api.users[:] = [make_user(n) for n in range(1002)]
    renamed = {'users': [{'email': u['email'], 'name': 'Renamed %s' % u['email']} for u in api.users[:1001]]}
    result = run(renamed, check_mode=True)
    assert result['result_detail'] == 'summary'
    assert result['users'] == [] and result['drift'] == [] and result['drift_table'] == ''
    assert result['summary']['renamed'] == 1001 and result['summary']['changed_users'] == 1001
    assert 'drift' not in result['report'] and result['report']['summary'] == result['summary']
    small = run(dict(renamed, users=renamed['users'][:1000]), check_mode=True)
    assert small['result_detail'] == 'full' and len(small['users']) == 1000 and len(small['drift']) == 1000
    assert small['report']['drift'] == small['drift']
    full = run(dict(renamed, result_detail='full'), check_mode=True)
    assert full['result_detail'] == 'full' and len(full['users']) == 1001
    assert api.writes == []


def test_report_dir_holds_the_whole_drift_written_whole_also_in_check_mode(api, tmp_path):
    api.users[:] = [make_user(0), make_user(1, access=True)]
    args = {'users': [{'email': 'user0000@example.com', 'name': 'Renamed'}], 'exclusive_seats': True,
            'report_dir': str(tmp_path / 'reports'), 'result_detail': 'summary'}
    result = run(args, check_mode=True)
    assert result['changed'] is True and api.writes == []
    assert result['report_files'] == {'json': str(tmp_path / 'reports' / 'drift.json'),
                                      'markdown': str(tmp_path / 'reports' / 'drift.md')}
    written = json.loads((tmp_path / 'reports' / 'drift.json').read_text())
    assert written['api_requests'] == {'GET': 1} and written['rate_limit_wait'] >= 0
    assert written == dict(result['report'], drift=written['drift'], api_requests=written['api_requests'],
                           rate_limit_wait=written['rate_limit_wait'])
    assert [(e['email'], e['action'], e['field']) for e in written['drift']] == [
        ('user0000@example.com', 'update', 'name'), ('user0001@example.com', 'release', 'access_seat')]
    assert written['check_mode'] is True and written['failed'] is False
    markdown = (tmp_path / 'reports' / 'drift.md').read_text()
    assert '| user0001@example.com | release | access_seat | true | false |  |' in markdown
    assert sorted(p.name for p in (tmp_path / 'reports').iterdir()) == ['drift.json', 'drift.md']
    assert oct((tmp_path / 'reports' / 'drift.json').stat().st_mode & 0o777) == '0o644'


def test_a_refused_plan_and_refused_options_still_write_the_report(api, tmp_path):
    api.users[:] = [make_user(0)]
    result = run({'users': [{'email': 'nobody@example.com'}], 'report_dir': str(tmp_path)})
    assert result['failed'] is True and api.writes == []
    written = json.loads((tmp_path / 'drift.json').read_text())
    assert written['failed'] is True and written['msg'] == result['msg'] and written['errors'] == result['errors']
    assert written['written'] == [] and written['not_written'] == [] and written['drift'] == []
    result = run({'users': [], 'account_id': 'not-an-account', 'report_dir': str(tmp_path)}, check_mode=True)
    assert result['failed'] is True and result['check_mode'] is True and api.count('GET') == 1
    written = json.loads((tmp_path / 'drift.json').read_text())
    assert written['check_mode'] is True and 'account_id' in written['msg'] and written == result['report']


def test_a_failed_write_is_reported_with_what_was_and_was_not_written(api, tmp_path):
    api.users[:] = [make_user(0)]
    api.fail('PATCH', status=403)
    result = run({'users': [{'email': 'new@example.com', 'name': 'New'},
                            {'email': 'user0000@example.com', 'access_seat': True}],
                  'max_retry_wait': 0, 'report_dir': str(tmp_path)})
    assert result['failed'] is True and result['changed'] is True
    written = json.loads((tmp_path / 'drift.json').read_text())
    assert [w['action'] for w in written['written']] == ['create']
    assert [w['action'] for w in written['not_written']] == ['update']
    assert len(written['drift']) == 2 and written['summary']['created'] == 1
    assert 'Written before the failure: 1; not written: 1.' in (tmp_path / 'drift.md').read_text()


def test_a_report_that_cannot_be_written_fails_the_task_after_its_outcome(api, tmp_path):
    api.users[:] = [make_user(0)]
    (tmp_path / 'file').write_text('not a directory')
    below_a_file = str(tmp_path / 'file' / 'reports')
    result = run({'users': [{'email': 'user0000@example.com', 'name': 'Renamed'}], 'report_dir': below_a_file})
    assert result['failed'] is True and result['changed'] is True and api.users[0]['name'] == 'Renamed'
    assert result['msg'].startswith('The drift report could not be written to %s' % below_a_file)
    assert 'report_files' not in result and result['report']['failed'] is False


def test_a_report_dir_that_is_a_file_is_refused_before_any_request(api, tmp_path):
    (tmp_path / 'file').write_text('not a directory')
    result = run({'users': [{'email': 'user0000@example.com', 'name': 'Renamed'}], 'report_dir': str(tmp_path / 'file')})
    assert result['failed'] is True and api.log == []
    assert result['msg'].startswith('report_dir %s is not a directory' % (tmp_path / 'file'))
    assert (tmp_path / 'file').read_text() == 'not a directory'
