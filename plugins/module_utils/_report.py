# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# What the modules report, in the user's words: records and seats as results, the users that change
# (views), the drift entries of the reconcile role's report and its Markdown table, and the diffs; how much a
# result lists (result_detail), and the drift report document (drift.json) and text (drift.md).
# The words are the same everywhere: an action is create, update, release, release_inactive, delete or
# revoke_sessions (the fields sessions and devices, after: revoked).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._account import FLAGS, email_order
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._plan import (
    CREATE,
    DELETE,
    EXCLUSIVE,
    INACTIVE,
    RENAME,
    REVOKE,
    WANTED,
    NewSeat,
    SeatChange,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._markdown import markdown_text
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._redact import escape_controls
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._revocations import Revocation

# The user fields the modules report, in the API's own names.
RECORD_FIELDS = ('id', 'email', 'name', 'seat_uid', 'access_seat', 'gateway_seat', 'active_device_count',
                 'created_at', 'updated_at', 'last_successful_login', 'uid')


def user_record(user):
    """The user as the modules report it: the API's fields, missing ones left out, keys sorted."""
    return dict((key, user[key]) for key in sorted(RECORD_FIELDS) if key in user)


def seat_view(record, access_seat, gateway_seat):
    """A seat in the result's words."""
    return {'seat_uid': record.get('seat_uid'), 'user_id': record.get('id'), 'email': record.get('email'),
            'access_seat': access_seat, 'gateway_seat': gateway_seat}


# What a revocation sets, in drift entries, diffs and results: the field sessions (devices too, with
# revoke_devices) goes from unknown (the sessions are not read) to REVOKED.
REVOKED = 'revoked'
REVOCATION_FIELDS = ('sessions', 'devices')


def revoked_fields(revocation):
    """The fields a Revocation sets: sessions, and devices with revoke_devices."""
    return REVOCATION_FIELDS if revocation.devices else REVOCATION_FIELDS[:1]


# The order of a user's fields in drift entries and diffs.
CHANGE_FIELDS = ('state', 'name') + FLAGS + REVOCATION_FIELDS
RELEASE = 'release'
RELEASE_INACTIVE = 'release_inactive'
UPDATE = 'update'
ACTION_OF = {WANTED: UPDATE, EXCLUSIVE: RELEASE, INACTIVE: RELEASE_INACTIVE}


def _changed_flags(record, access_seat, gateway_seat):
    return [flag for flag, after in zip(FLAGS, (access_seat, gateway_seat)) if (record.get(flag) is True) != after]


def write_entry(write, answers):
    """One write as ``written``/``not_written`` list it, in the words of ``users`` and the drift report: the action,
    the user (email, user_id, seat_uid for a seat) and the fields it sets. ``answers`` maps id(write) to the API's
    answer, where a create's id comes from."""
    if isinstance(write, SeatChange):
        return {'action': ACTION_OF[write.reason], 'email': write.email, 'user_id': write.record.get('id'),
                'seat_uid': write.record.get('seat_uid'),
                'fields': _changed_flags(write.record, write.access_seat, write.gateway_seat)}
    if isinstance(write, Revocation):
        return {'action': REVOKE, 'email': write.email, 'user_id': write.record.get('id'),
                'fields': list(revoked_fields(write))}
    if isinstance(write, NewSeat):
        created = answers.get(id(write.create)) or {}
        return {'action': UPDATE, 'email': write.email, 'user_id': created.get('id'), 'seat_uid': created.get('seat_uid'),
                'fields': [flag for flag, wanted in zip(FLAGS, (write.access_seat, write.gateway_seat)) if wanted]}
    if write.record is not None:
        user_id = write.record.get('id')
    else:
        user_id = (answers.get(id(write)) or {}).get('id')
    fields = {CREATE: ['name'] if write.item.name is not None else [], RENAME: ['name'], DELETE: ['state']}[write.action]
    return {'action': UPDATE if write.action == RENAME else write.action, 'email': write.email, 'user_id': user_id,
            'fields': fields}


class UserView(object):
    """One user that changes, in the user's words: email, id, action, and each changing field before/after."""

    __slots__ = ('email', 'user_id', 'action', 'fields', 'evidence')

    def __init__(self, email, user_id, action):
        self.email = email
        self.user_id = user_id
        self.action = action
        self.fields = {}
        self.evidence = None

    def set(self, field, before, after):
        self.fields[field] = (before, after)

    def field_action(self, field):
        """The action of one field's drift entry: a revocation is an action of its own, beside the release or delete
        that caused it."""
        return REVOKE if field in REVOCATION_FIELDS else self.action

    def after(self):
        entry = {'email': self.email, 'user_id': self.user_id, 'action': self.action}
        for field in CHANGE_FIELDS[1:]:
            if field in self.fields:
                entry[field] = self.fields[field][1]
        if self.evidence is not None:
            entry['inactivity'] = dict(self.evidence)
        return entry


def user_views(plan, answers=None):
    """The users that change, sorted by email. ``answers`` maps id(create) to the record the API answered (its id)."""
    created = answers or {}
    views = {}

    def view(record, email, action):
        key = ('record', id(record)) if record is not None else ('new', email)
        if key not in views:
            views[key] = UserView(email, record.get('id') if record is not None else None, action)
        return views[key]

    for write in plan.creates:
        answer = created.get(id(write))
        v = view(None, write.email, CREATE)
        v.user_id = answer.get('id') if isinstance(answer, dict) else None
        v.set('name', None, write.item.name)
        for flag in FLAGS:
            if write.item.flag(flag) is not None:
                v.set(flag, None, bool(write.item.flag(flag)))
    for write in plan.renames:
        view(write.record, write.email, UPDATE).set('name', write.record.get('name'), write.item.name)
    for change in plan.seats:
        v = view(change.record, change.email, ACTION_OF[change.reason])
        if change.reason == INACTIVE:
            v.action, v.evidence = RELEASE_INACTIVE, change.evidence
        for flag in FLAGS:
            before, after = change.record.get(flag) is True, getattr(change, flag)
            if before != after:
                v.set(flag, before, after)
    for write in plan.deletes:
        view(write.record, write.email, DELETE).set('state', 'present', 'absent')
    for revocation in plan.revocations:
        # Every revocation follows a release or a delete, so its user has a view already.
        v = view(revocation.record, revocation.email, REVOKE)
        for field in revoked_fields(revocation):
            v.set(field, None, REVOKED)
    return sorted(views.values(), key=lambda v: email_order(v.email, v.user_id))


def drift_entries(views):
    """One entry per changing field (the rows of the reconcile role's report), sorted by email then field."""
    entries = []
    for v in views:
        for field in CHANGE_FIELDS:
            if field in v.fields:
                before, after = v.fields[field]
                action = v.field_action(field)
                entry = {'email': v.email, 'action': action, 'field': field, 'before': before, 'after': after}
                if v.evidence is not None and action == v.action:
                    entry.update(v.evidence)
                entries.append(entry)
    return entries


def _shown(value):
    if value is None:
        return '(none)'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    # Text from the API: no line break, and no control character (ESC, BEL) reaches the terminal that shows the diff.
    return escape_controls(str(value).replace('\n', ' '))


def evidence_text(found):
    """The evidence of a release for inactivity in words: the last login and how long ago, or never."""
    if found.get('never_logged_in'):
        return 'never logged in, created %s (%s days ago)' % (found.get('created_at'), found.get('days_inactive'))
    return 'last login %s (%s days ago)' % (found.get('last_successful_login'), found.get('days_inactive'))


def _cell(value):
    """A value in a Markdown table cell: '–' for none, true/false, and text from the API or the task as Markdown
    shows it (markdown_text: | escaped, on one line, no HTML or link)."""
    if value is None:
        return '\u2013'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return markdown_text(value)


def _evidence_cell(entry):
    """The evidence of a drift entry in a table cell: the collection's words, with the API's times escaped."""
    if 'days_inactive' not in entry:
        return ''
    return evidence_text(dict((key, markdown_text(value) if isinstance(value, str) else value)
                              for key, value in entry.items()))


def drift_table(entries):
    """The drift entries as the rows of a Markdown table (the reconcile role's drift.md), built in linear time."""
    if not entries:
        return ''
    lines = ['| email | action | field | before | after | evidence |', '|---|---|---|---|---|---|']
    for e in entries:
        lines.append('| %s | %s | %s | %s | %s | %s |' % (
            _cell(e['email']), e['action'], e['field'], _cell(e['before']), _cell(e['after']), _evidence_cell(e)))
    return '\n'.join(lines) + '\n'


def prepared_diff(views):
    """The diff as text, one block per user in the user's words: built once, in linear time.

    Ansible renders a before/after diff with difflib, whose cost grows with the square of the changes (14 s for
    3,333 seats); a prepared text is printed as it is.
    """
    lines = []
    for v in views:
        lines.append('%s %s (%s%s)' % ('+' if v.action == CREATE else '-' if v.action == DELETE else '~',
                                       _shown(v.email or '(no email, id %s)' % v.user_id), v.action,
                                       ': ' + _shown(evidence_text(v.evidence)) if v.evidence is not None else ''))
        for field in CHANGE_FIELDS:
            if field in v.fields:
                before, after = v.fields[field]
                if before is not None:
                    lines.append('-   %s: %s' % (field, _shown(before)))
                if after is not None:
                    lines.append('+   %s: %s' % (field, _shown(after)))
    return '\n'.join(lines) + '\n' if lines else ''


def seat_diff(changes, revocations=()):
    """cloudflare_zt_seat's diff: the seats that change, sorted by email, and the revocations that follow, as text
    (see prepared_diff)."""
    revoking = dict((id(r.cause), r) for r in revocations)
    lines = []
    for change in changes:
        why = '; released for inactivity: ' + evidence_text(change.evidence) if change.reason == INACTIVE else ''
        lines.append('~ %s (seat %s%s)' % (_shown(change.email or '(no email)'), _shown(change.record.get('seat_uid')),
                                           _shown(why)))
        for flag in FLAGS:
            before = change.record.get(flag) is True
            after = getattr(change, flag)
            if before != after:
                lines.append('-   %s: %s' % (flag, _shown(before)))
                lines.append('+   %s: %s' % (flag, _shown(after)))
        if id(change) in revoking:
            lines.extend('+   %s: %s' % (field, REVOKED) for field in revoked_fields(revoking[id(change)]))
    return '\n'.join(lines) + '\n' if lines else ''


# --- how much a result lists (result_detail) -----------------------------------------------------------------------

FULL = 'full'
SUMMARY = 'summary'
AUTO = 'auto'
RESULT_DETAILS = (AUTO, FULL, SUMMARY)
# Up to this many items that change, result_detail=auto lists every one (full); above, the counts only (summary).
# Documented in the cloudflare.result_detail doc fragment: keep the two in step.
RESULT_DETAIL_LIMIT = 1000


def applied_detail(asked, changing):
    """The detail a result gets (full or summary): what result_detail ``asked`` for, auto deciding by the number of
    items that change. A result of 10,000 entries costs more than the task (the module scrubs it for secrets, the
    controller decodes and keeps it): above the limit, the counts say what a playbook acts on."""
    if asked in (None, AUTO):
        return FULL if changing <= RESULT_DETAIL_LIMIT else SUMMARY
    return asked


# --- the drift report: drift.json and drift.md ---------------------------------------------------------------------

# drift.md's table of counts: the keys of ``summary`` it names, in this order, with their column titles. A count not
# named here follows under its own key, so that a count added to the summary shows without a change here.
SUMMARY_COLUMNS = (
    ('listed', 'users listed'), ('changed_users', 'users changing'), ('created', 'to create'), ('renamed', 'to rename'),
    ('deleted', 'to delete'), ('seats_changed', 'users whose seats change'), ('seats_released', 'seats released'),
    ('released_by_exclusive', 'released by exclusive'), ('released_inactive', 'released for inactivity'),
    ('sessions_revoked', 'sessions revoked'),
)
# The lists a failed task adds to the report, after its message (unknown: writes whose outcome is not known).
FAILURE_LISTS = ('errors', 'written', 'not_written', 'unknown')


def drift_report(generated_at, check_mode, summary, drift, failure=None, api_requests=None, rate_limit_wait=0.0):
    """The document of drift.json: when, whether in check mode, whether the task failed, its counts and drift entries,
    what it spent of the rate limit, and for a failed task its message, the problems of a refused plan and what was
    and was not written.

    ``failure`` holds the failed result (msg, errors, written, not_written; what it lacks is empty); None for a task
    that succeeded. Keys are added at the end, so that a reader that knows some of them keeps working.
    """
    report = {'generated_at': generated_at, 'check_mode': bool(check_mode), 'failed': failure is not None,
              'summary': summary or {}, 'drift': drift or [], 'api_requests': dict(api_requests or {}),
              'rate_limit_wait': rate_limit_wait or 0.0}
    if failure is not None:
        report['msg'] = failure.get('msg') or ''
        for key in FAILURE_LISTS:
            report[key] = failure.get(key) or []
    return report


def drift_markdown(report):
    """drift.md: a ``drift_report`` for a person to read (the failure, check mode or not, the counts, one row per
    changed field), built in linear time."""
    lines = ['# Cloudflare Zero Trust drift', '']
    if report['failed']:
        lines += ['**The run failed**: %s' % markdown_text(report['msg']), '']
        if report['errors']:
            lines += ['Refused, nothing was written:', '']
            lines += ['- %s' % markdown_text(error) for error in report['errors']] + ['']
        if report['written'] or report['not_written'] or report['unknown']:
            unknown = '; outcome unknown: %d' % len(report['unknown']) if report['unknown'] else ''
            lines += ['Written before the failure: %d; not written: %d%s.' % (
                len(report['written']), len(report['not_written']), unknown), '']
    lines.append('Check mode: what a real run would change. Nothing was changed.' if report['check_mode']
                 else 'Real run: the drift found before this run changed it.')
    lines.append('Generated at %s.' % report['generated_at'])
    requests = ', '.join('%s %s' % (method, count) for method, count in sorted(report['api_requests'].items()))
    lines += ['Requests sent to the API: %s; waited %s s for the rate limit.' % (requests or 'none', report['rate_limit_wait']),
              '']
    summary = report['summary']
    if summary:
        titles = dict(SUMMARY_COLUMNS)
        keys = [key for key, _title in SUMMARY_COLUMNS if key in summary] + sorted(k for k in summary if k not in titles)
        lines += ['| %s |' % ' | '.join(titles.get(key, key) for key in keys),
                  '|%s|' % '|'.join('---:' for _key in keys),
                  '| %s |' % ' | '.join(_cell(summary[key]) for key in keys), '']
    if report['drift']:
        lines.append(drift_table(report['drift']))
    elif not report['failed']:
        lines += ['No drift: the account matches the wanted users.', '']
    return '\n'.join(lines)
