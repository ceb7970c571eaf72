# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The write log of the runners (_runners/writes.py) and its entries (_report.write_entry), word for word: what a
# failure says was written, not written, unknown, and which revocations a new run will not send.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import writes
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import WriteLog
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareAPIError, SeatsNotConfirmed
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import match_key
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import (
    CREATE,
    DELETE,
    RELEASE,
    NewSeat,
    Revocation,
    SeatChange,
    UserWrite,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import Item
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import write_entry

AGAIN = ' Run the task again: it reads the account afresh and sends only what is still different.'
AGAIN_UNKNOWN = (' Run the task again: it reads the account afresh, finds out what was applied, and sends only what is '
                 'still different.')


def holder(n, email=True):
    record = {'id': '00000000-0000-0000-0000-%012d' % n, 'seat_uid': '10000000-0000-0000-0000-%012d' % n,
              'access_seat': True, 'gateway_seat': False}
    if email:
        record['email'] = 'user%02d@example.com' % n
    return record


def release(n, email=True):
    return SeatChange(holder(n, email), False, False, action=RELEASE)


class Log(WriteLog):
    """A WriteLog that sends nothing: ``fail(exc)`` makes the next request raise."""

    def __init__(self, entries):
        super(Log, self).__init__([('any', entries)], pacer=writes.Pacer(None, clock=lambda: 0.0, sleep=None))

    def ok(self, batch, answer=None):
        """Send ``batch``, answered with ``answer``, kept as send_plan keeps a create's record."""
        if self.send(batch, lambda: answer) is not None:
            self.answers.update((id(write), answer) for write in batch)

    def fail(self, batch, exc):
        def request():
            raise exc
        try:
            self.send(batch, request)
        except Exception as failure:  # pylint: disable=broad-except
            return failure
        raise AssertionError('no failure')


def test_entries_without_an_email_are_named_by_seat_then_user_id():
    assert writes._named([{'action': 'release', 'seat_uid': 'S', 'user_id': 'U'}, {'action': 'delete', 'user_id': 'U'},
                          {'action': 'update', 'email': 'e@example.com', 'seat_uid': 'S'}]) == \
        'release S, delete U, update e@example.com'


def test_ten_entries_are_named_and_the_rest_counted():
    entries = [{'action': 'delete', 'email': 'u%d' % n} for n in range(12)]
    assert writes._named(entries[:10]) == ', '.join('delete u%d' % n for n in range(10))
    assert writes._named(entries[:11]) == ', '.join('delete u%d' % n for n in range(10)) + ' and 1 more'
    assert writes._named(entries) == ', '.join('delete u%d' % n for n in range(10)) + ' and 2 more'
    assert writes._named([]) == 'none'


def test_a_failure_says_what_was_written_and_what_not_word_for_word():
    changes = [release(1), release(2), release(3)]
    log = Log(changes)
    log.ok(changes[:1])
    failure = log.fail(changes[1:2], CloudflareAPIError('Cloudflare API error on PATCH /x: HTTP 400.'))
    assert str(failure) == ('Cloudflare API error on PATCH /x: HTTP 400. Written before it: 1 of 3 (release user01@example.com). '
                            'Not written: 2 (release user02@example.com, release user03@example.com).' + AGAIN)
    assert failure.unknown == []


def test_a_failure_without_an_answer_says_what_is_unknown():
    changes = [release(1), release(2)]
    log = Log(changes)
    failure = log.fail(changes[:1], CloudflareAPIError('HTTP 502..', unconfirmed=True))
    assert str(failure) == ('HTTP 502. Written before it: 0 of 2 (none). Not written: 1 (release user02@example.com). '
                            'Outcome unknown: 1 (release user01@example.com): sent, but no usable answer says whether it was '
                            'applied.' + AGAIN_UNKNOWN)


def test_a_seat_patch_that_confirms_part_of_a_batch_of_new_seats():
    creates = [UserWrite(CREATE, Item(email='new%d@example.com' % n, name='New %d' % n)) for n in range(2)]
    seats = [NewSeat(create, True, False) for create in creates]
    log = Log(creates + seats)
    log.ok(creates[:1], {'id': 'ID0', 'seat_uid': 'SEAT0'})
    log.ok(creates[1:], {'id': 'ID1', 'seat_uid': 'SEAT1'})
    assert seats[1].seat_uid(log.answers) == 'SEAT1'
    cause = SeatsNotConfirmed('The seats were not confirmed', confirmed=[match_key('SEAT0')])
    failure = log.fail(seats, cause)
    assert failure.cause is cause
    assert [e['seat_uid'] for e in failure.written[2:]] == ['SEAT0']
    assert failure.unknown == [{'action': 'update', 'email': 'new1@example.com', 'user_id': 'ID1', 'seat_uid': 'SEAT1',
                                'fields': ['access_seat']}]
    assert failure.not_written == []


def test_a_new_seat_whose_create_has_no_answer_has_no_seat_uid():
    create = UserWrite(CREATE, Item(email='new@example.com'))
    seat = NewSeat(create, False, True)
    assert seat.seat_uid({}) is None
    assert write_entry(seat, {}) == {'action': 'update', 'email': 'new@example.com', 'user_id': None, 'seat_uid': None,
                                     'fields': ['gateway_seat']}
    assert write_entry(create, {}) == {'action': CREATE, 'email': 'new@example.com', 'user_id': None, 'fields': []}


def test_a_seat_change_entry_names_the_user_the_seat_and_the_flags_it_changes():
    change = SeatChange(dict(holder(4), gateway_seat=True), True, False)
    assert write_entry(change, {}) == {'action': 'update', 'email': 'user04@example.com',
                                       'user_id': '00000000-0000-0000-0000-000000000004',
                                       'seat_uid': '10000000-0000-0000-0000-000000000004', 'fields': ['gateway_seat']}


def test_a_failed_revocation_says_the_sessions_are_still_live_and_nothing_of_theirs_was_released():
    changes = [release(n) for n in range(3)]
    revocations = [Revocation(c.record, False, c) for c in changes]
    log = Log(revocations + changes)
    log.ok(revocations[:1])
    failure = log.fail(revocations[1:2], CloudflareAPIError('refused'))
    assert str(failure).endswith(
        AGAIN + ' The sessions of user01@example.com are still live: the revocation failed, so the task stopped before '
        'releasing their seat or deleting their record. Run the task again once the cause is fixed: it revokes them, '
        'then releases or deletes them; or revoke their sessions in the Zero Trust dashboard now.')
    assert [w['action'] for w in failure.not_written] == ['revoke_sessions'] * 2 + ['release'] * 3


def test_a_revocation_whose_outcome_is_unknown_is_not_said_to_be_live():
    changes = [release(0)]
    revocations = [Revocation(changes[0].record, True, changes[0])]
    failure = Log(revocations + changes).fail(revocations, CloudflareAPIError('refused', unconfirmed=True))
    assert 'still live' not in str(failure) and str(failure).endswith(AGAIN_UNKNOWN)
    assert failure.unknown == [{'action': 'revoke_sessions', 'email': 'user00@example.com',
                                'user_id': '00000000-0000-0000-0000-000000000000', 'fields': ['sessions', 'devices']}]


def test_a_failed_patch_names_its_leavers_revoked_but_still_seated_ten_at_most():
    changes = [release(n) for n in range(12)]
    revocations = [Revocation(c.record, False, c) for c in changes]
    log = Log(revocations + changes)
    for revocation in revocations:
        log.ok([revocation])
    failure = log.fail(changes, CloudflareAPIError('refused'))
    assert str(failure).endswith(
        AGAIN + ' Sessions revoked, seat not released or record not deleted: %s and 2 more. A new run releases or '
        'deletes them (and revokes their sessions again, which is harmless).' % (
            ', '.join('user%02d@example.com' % n for n in range(10))))


def test_no_leaver_is_named_when_the_failure_is_not_theirs():
    changes = [release(1)]
    revocations = [Revocation(changes[0].record, False, changes[0])]
    log = Log(revocations + changes)
    log.ok(revocations)
    log.ok(changes)
    other = release(2)
    log.writes.append(other)
    failure = log.fail([other], CloudflareAPIError('refused'))
    assert 'Sessions revoked' not in str(failure) and 'still live' not in str(failure)
    assert str(failure).endswith(AGAIN)


def test_a_delete_entry_sets_the_state():
    delete = UserWrite(DELETE, Item(email='gone@example.com'), {'id': 'ID9', 'email': 'Gone@example.com'})
    assert write_entry(delete, {}) == {'action': DELETE, 'email': 'Gone@example.com', 'user_id': 'ID9', 'fields': ['state']}


def test_a_message_keeps_its_last_letter_and_loses_its_final_dots():
    changes = [release(1)]
    failure = Log(changes).fail(changes, CloudflareAPIError('Refused by the proxy, code X...'))
    assert str(failure).startswith('Refused by the proxy, code X. Written before it: 0 of 1 (none).')


def test_a_leaver_without_an_email_is_named_by_user_id_in_the_failure():
    changes = [release(3, email=False)]
    revocations = [Revocation(changes[0].record, False, changes[0])]
    failure = Log(revocations + changes).fail(revocations, CloudflareAPIError('refused'))
    assert ' The sessions of (id 00000000-0000-0000-0000-000000000003) are still live: the revocation failed' in str(failure)


def _revoked_then_patch_failed(count):
    changes = [release(n) for n in range(count)]
    revocations = [Revocation(c.record, False, c) for c in changes]
    log = Log(revocations + changes)
    for revocation in revocations:
        log.ok([revocation])
    return str(log.fail(changes, CloudflareAPIError('refused')))


def test_ten_leavers_revoked_but_still_seated_are_all_named_and_the_eleventh_counted():
    named = ', '.join('user%02d@example.com' % n for n in range(10))
    assert ('not deleted: %s. A new run' % named) in _revoked_then_patch_failed(10)
    assert ('not deleted: %s and 1 more. A new run' % named) in _revoked_then_patch_failed(11)


def test_a_seat_patch_confirming_part_of_its_batch_names_the_leavers_revoked_but_not_released():
    changes = [release(n) for n in range(2)]
    revocations = [Revocation(c.record, False, c) for c in changes]
    log = Log(revocations + changes)
    log.ok(revocations)
    cause = SeatsNotConfirmed('The seats were not confirmed', confirmed=[match_key(changes[0].record['seat_uid'])])
    assert ' Sessions revoked, seat not released or record not deleted: user00@example.com, user01@example.com.' in \
        str(log.fail(changes, cause))
