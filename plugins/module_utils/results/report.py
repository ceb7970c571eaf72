# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# What the modules report, in the user's words: records and seats as results, the users that change
# (views), the drift entries of the reconcile role's report and its Markdown table, and the diffs, all projections
# of the plan's change records (domain/changes.py, whose actions are the results' words); and the drift report document
# (drift.json) and text (drift.md).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import escape_controls
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import FLAGS, email_order
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import CREATE, DELETE, REVOCATION_FIELDS, REVOKE
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.markdown import markdown_text

# The user fields the modules report, in the API's own names.
RECORD_FIELDS = ('id', 'email', 'name', 'seat_uid', 'access_seat', 'gateway_seat', 'active_device_count',
                 'created_at', 'updated_at', 'last_successful_login', 'uid')


def user_record(user):
    """The user as the modules report it: the API's fields, missing ones left out, keys sorted."""
    return dict((key, user[key]) for key in sorted(RECORD_FIELDS) if key in user)


def seat_view(record, access_seat, gateway_seat, revocation=None, evidence=None):
    """A seat in the result's words: with the fields its ``revocation`` sets, and the ``evidence`` of a release for
    inactivity."""
    seat = {'seat_uid': record.get('seat_uid'), 'user_id': record.get('id'), 'email': record.get('email'),
            'access_seat': access_seat, 'gateway_seat': gateway_seat}
    if revocation is not None:
        seat.update((field, after) for field, _before, after in revocation.fields())
    if evidence is not None:
        seat['inactivity'] = dict(evidence)
    return seat


# The order of a user's fields in drift entries and diffs.
CHANGE_FIELDS = ('state', 'name') + FLAGS + REVOCATION_FIELDS


def write_entry(write, answers):
    """One change record as ``written``/``not_written``/``unknown`` list it, in the words of ``users`` and the drift
    report: the action, the user (email, user_id, seat_uid for a seat) and the fields it sets. ``answers`` maps
    id(write) to the record the API answered, where a create's id comes from."""
    entry = {'action': write.action, 'email': write.email, 'user_id': write.user_id(answers)}
    if hasattr(write, 'seat_uid'):
        entry['seat_uid'] = write.seat_uid(answers)
    entry['fields'] = [field for field, _before, _after in write.fields()]
    return entry


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
    """The users that change, sorted by email: each the change records of one user, merged. The view takes the action
    of its user's first record (a revocation follows the release or delete that causes it), or of a release for
    inactivity, which brings its evidence. A created user shows the flags it is created with (the NewSeat that sets
    them is its seat write). ``answers`` maps id(create) to the record the API answered (its id)."""
    answers = answers or {}
    views = {}
    for write in plan.creates + plan.renames + plan.seats + plan.deletes + plan.revocations:
        key = ('new', write.email) if write.record is None else ('record', id(write.record))
        view = views.get(key)
        if view is None:
            view = views[key] = UserView(write.email, write.user_id(answers), write.action)
        if write.evidence is not None:
            view.action, view.evidence = write.action, write.evidence
        for field, before, after in write.fields():
            view.set(field, before, after)
        if write.action == CREATE:
            for flag in FLAGS:
                if write.item.flag(flag) is not None:
                    view.set(flag, None, bool(write.item.flag(flag)))
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
        why = '; released for inactivity: ' + evidence_text(change.evidence) if change.evidence is not None else ''
        lines.append('~ %s (seat %s%s)' % (_shown(change.email or '(no email)'), _shown(change.record.get('seat_uid')),
                                           _shown(why)))
        for flag, before, after in change.fields():
            lines.append('-   %s: %s' % (flag, _shown(before)))
            lines.append('+   %s: %s' % (flag, _shown(after)))
        if id(change) in revoking:
            lines.extend('+   %s: %s' % (field, after) for field, _before, after in revoking[id(change)].fields())
    return '\n'.join(lines) + '\n' if lines else ''


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


# The files of the drift report in report_dir, by the key of report_files.
REPORT_FILES = (('json', 'drift.json'), ('markdown', 'drift.md'))


def write_report(directory, report):
    """Write drift.json and drift.md of ``report`` into ``directory`` (created if needed); return their paths.

    Each file is written beside its final name and renamed over it, so that a reader (a person, AWX, the next task)
    finds the previous report or this one, never half of one.
    """
    directory = os.path.abspath(os.path.expanduser(directory))
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    texts = {'json': report_json(report), 'markdown': drift_markdown(report)}
    paths = {}
    for key, name in REPORT_FILES:
        path = os.path.join(directory, name)
        handle, temporary = tempfile.mkstemp(prefix='.%s.' % name, dir=directory)
        try:
            with os.fdopen(handle, 'w', encoding='utf-8') as out:
                out.write(texts[key])
            os.chmod(temporary, 0o644)
            os.rename(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        paths[key] = path
    return paths


def report_json(report):
    """drift.json's text: one key of the report per line, and one line per entry of its lists (the drift, what was
    written), so that a person or grep reads it entry by entry; each value is encoded by json's C encoder, which an
    indented dump of the whole document would not use (ten times slower over 10,000 entries)."""
    lines = []
    for key, value in report.items():
        if isinstance(value, list) and value:
            text = '[\n    %s\n  ]' % ',\n    '.join(json.dumps(entry) for entry in value)
        else:
            text = json.dumps(value)
        lines.append('  %s: %s' % (json.dumps(key), text))
    return '{\n%s\n}\n' % ',\n'.join(lines)
