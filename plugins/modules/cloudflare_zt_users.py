#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cloudflare_zt_users
short_description: The Access users of a Cloudflare Zero Trust account and their seats, as one declarative list
version_added: 1.0.0
author: cloudflare_ops maintainers (@cloudflare-ops)
description:
  - Brings the Access user records of an account and their seats to the state that O(users) declares, in one task
    (the list inline, or in a file with O(users_file)).
  - Each item names a user by O(users[].email) or O(users[].user_id) (or both, which must agree). A user that does not
    exist is created from its email and O(users[].name); a name that differs is changed; seat flags that differ are
    set; O(users[].state=absent) deletes the user. A field left out (or V(null)) is not managed.
  - With O(exclusive_seats=true), every user who holds a seat and is not in O(users) is released (both flags false).
  - With O(revoke_sessions=true), every user whose seat the task releases and every user it deletes has their Access
    sessions revoked in the same run.
  - "The task reads the account once (one C(GET) per 1000 users), plans every change and checks the whole plan before
    the first write: items that repeat a user, emails that match more than one record, records that lack the fields a
    change needs (an id, an email to rename, a C(seat_uid) for a seat), users to create without a name, a user_id that
    does not exist. Every offending item is named in RV(errors) and nothing is written."
  - "Problems the items show by themselves (a value of the wrong type, an email that is not one, a user listed twice, a
    name with O(users[].state=absent)) and problems of O(release_inactive) are all reported in one refusal, in item
    order, before any request; the problems that need the account are all reported in the refusal of the plan."
  - "It then writes in a fixed order: creates (their answers give the new users' ids and seats), renames, the seat
    changes of all users in C(PATCH) requests of O(seat_batch_size) seats (with O(revoke_sessions=true) each followed
    by the revocations of the users it released), deletes (each preceded by the user's revocation). Every request
    waits for Cloudflare's rate limit, shared with every other user of the credential (see O(rate_limit_reserve));
    writes go at most O(write_rate) per second."
  - If a write fails, the task stops there and fails with a message that says what was written, what was not, and
    what was sent without a usable answer (RV(written), RV(not_written), RV(unknown)). Run it again; it reads the
    account afresh and sends only what is still different.
  - Every write is confirmed by its answer. A C(PATCH) answer is compared seat by seat with the request; a seat it
    leaves out or answers with other flags fails the task, naming it (RV(unknown)). An answer without C(result),
    which the API allows, is taken as applied with a warning that says it is unconfirmed. RV(users) holds what the
    API confirmed.
  - The task does not act on a listing that contradicts itself (C(result_info) whose counts, pages and page sizes
    disagree with each other or with the pages), and fails before writing.
  - This module and M(cloudflare_ops.zero_trust.cloudflare_zt_user) and M(cloudflare_ops.zero_trust.cloudflare_zt_seat)
    share one planner, so they decide alike. The role C(cloudflare_ops.zero_trust.reconcile) is built on this module.
extends_documentation_fragment:
  - cloudflare_ops.zero_trust.cloudflare
  - cloudflare_ops.zero_trust.cloudflare.actiongroup
  - cloudflare_ops.zero_trust.cloudflare.seat_batch
  - cloudflare_ops.zero_trust.cloudflare.result_detail
  - cloudflare_ops.zero_trust.cloudflare.release_inactive
  - cloudflare_ops.zero_trust.cloudflare.revoke_sessions
  - cloudflare_ops.zero_trust.cloudflare.removal_guard
  - cloudflare_ops.zero_trust.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode reads the account like a real run, makes the same plan and refuses the same plans, and returns the
        same RV(users), RV(summary), RV(drift) and diff, but sends no write. A user to create has no RV(users[].user_id)
        yet.
  diff_mode:
    support: full
    details:
      - The diff is a text, one block per user that changes, sorted by email, with the fields before (C(-)) and after
        (C(+)) in the words of O(users). It is prepared by the module, so a diff of thousands of users costs no more
        than the task.
options:
  users:
    description:
      - The wanted users. Each user is listed at most once.
      - The items are checked by the module, whole, before any request; an item with a key not listed here fails.
      - Give O(users) or O(users_file).
    type: list
    elements: dict
    suboptions:
      email:
        description:
          - The email of the user, matched after Unicode compatibility normalisation (NFKC) and case folding. An email
            not written in NFKC form (fullwidth letters, ligatures) is refused. Needed to create a user.
        type: str
      user_id:
        description:
          - The id (a UUID) of the user. With O(users[].email), the email must be the user's (it cannot be changed).
          - A user named by id must exist (an id cannot be chosen on create).
        type: str
      name:
        description:
          - The name of the user, compared exactly (letter case included). Needed to create a user.
        type: str
      state:
        description:
          - V(present) creates the user if needed; V(absent) deletes it (and takes no name or seat).
        type: str
        choices: [present, absent]
        default: present
      access_seat:
        description:
          - Whether the user holds an Access seat. Left out, it is not managed (under O(exclusive_seats=true) the seat
            of a listed user is kept as it is).
        type: bool
      gateway_seat:
        description:
          - Whether the user holds a Gateway seat. Left out, it is not managed.
        type: bool
  users_file:
    description:
      - The wanted users in a file instead of the task - a JSON or YAML file holding the list that O(users) takes (the
        same items, checked the same way); mutually exclusive with O(users).
      - A path on the host the task runs on (usually C(localhost)). JSON is read fastest; YAML needs PyYAML on that host.
      - For long lists (thousands of users, an export of a directory) - the items then do not go through Jinja and the
        task's arguments, which ansible-core templates, serialises and copies several times (the larger part of such
        a task's time). Messages name an item as C(users_file[index]).
      - Only a regular file is read - a FIFO, a device, a socket or a directory is refused without being opened for
        reading or waited on, and so is a file of more than 64 MiB (about four times 100,000 users with every key, as
        JSON). A YAML file may not use aliases (C(*name), which can make a small file expand without bound) and holds at
        most 1,500,000 values (items, keys and what they hold; JSON has no such limit). A file that cannot be used fails
        before any request, with a message that names the line and column of the problem, never the file's text.
    type: path
    version_added: 1.1.0
  exclusive_seats:
    description:
      - With V(true), every user who holds a seat (Access or Gateway) and is not in O(users) is released (both flags
        false), in the same PATCH as the other seat changes. Users this task deletes are not released first.
    type: bool
    default: false
  allow_release_all:
    description:
      - Confirms that an empty O(users) with O(exclusive_seats=true) is meant to release every seat of the account.
      - Without it, that combination fails before any request.
    type: bool
    default: false
  write_rate:
    description:
      - The most write requests (C(POST), C(PUT), C(PATCH), C(DELETE)) the task sends per second, revocations included, an upper bound.
      - It is no longer what keeps the task under Cloudflare's rate limit. Every request also waits for the budget the
        API says is left (see O(rate_limit_reserve)), so several tasks, forks or jobs on one credential share it without
        a block. Alone on the budget, the default V(2) is the pace, and 1,000 renames take about eight minutes.
      - An HTTP 429 is still waited out after its C(Retry-After), within O(max_retry_wait).
      - From V(0.01) to V(1000); other values fail before any request.
    type: float
    default: 2
  report_dir:
    description:
      - A directory on the host that runs the module. When set, the module writes the drift report there,
        C(drift.json) (RV(report), with every drift entry) and C(drift.md) (the same as Markdown, for people), in check
        mode too and also when the task fails, then with what was and was not written. It is created if needed.
      - Each file is written beside its final name and renamed over it, so a reader never sees half a report. Writing
        the report is never a change. A path that exists and is not a directory is refused before any request; if the
        report cannot be written otherwise, the task fails and says so after its own outcome.
      - The reconcile role sets it from its C(reconcile_report_dir).
    type: path
    version_added: 1.1.0
notes:
  - "Requests: one C(GET) per 1000 users of the account, then one write per user to create, rename or delete, one
    C(PATCH) per O(seat_batch_size) seats that change, and with O(revoke_sessions=true) one C(POST) per user released
    or deleted. When nothing differs it sends no write."
  - "Token permissions (the table in C(SECURITY.md), from Cloudflare's API reference): C(Access: Audit Logs Read) to
    read the users, C(Zero Trust: Seats Write) to rename them and for the seats, and only with
    O(revoke_sessions=true) C(Access: Organizations, Identity Providers, and Groups Write) to revoke sessions.
    Cloudflare lists no permission for creating and deleting users."
  - "Two tasks that change one account at the same time do not see each other's writes: the last writer wins, and two
    overlapping O(exclusive_seats=true) runs can leave neither wanted state. Run one such job at a time per account
    (in AWX, do not allow concurrent jobs of the template; in playbooks, C(throttle: 1) or C(run_once))."
seealso:
  - module: cloudflare_ops.zero_trust.cloudflare_zt_user
  - module: cloudflare_ops.zero_trust.cloudflare_zt_seat
  - module: cloudflare_ops.zero_trust.cloudflare_zt_user_info
'''

EXAMPLES = r'''
- name: Manage the people of a Zero Trust account
  module_defaults:
    group/cloudflare_ops.zero_trust.cloudflare:
      api_token: "{{ cloudflare_api_token }}"
      account_id: "{{ cloudflare_account_id }}"
  block:
    - name: Declare the users and their seats
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users:
          - email: alice@example.com
            name: Alice Liddell
            access_seat: true
            gateway_seat: true
          - email: bob@example.com
            name: Bob Example
            access_seat: true
            gateway_seat: false
          - email: leaver@example.com
            state: absent

    - name: The whole staff from the directory export (thousands of people; a file keeps them out of Jinja)
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users_file: "{{ playbook_dir }}/files/staff.json"   # [{"email": ..., "name": ..., "access_seat": true}, ...]
        exclusive_seats: true
      delegate_to: localhost

    - name: Preview what keeping only these seat holders would change (check mode, nothing is written)
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users: "{{ staff }}"
        exclusive_seats: true
      check_mode: true
      diff: true
      register: preview

    - name: Show the drift, one line per field
      ansible.builtin.debug:
        msg: "{{ item.email }}: {{ item.action }} {{ item.field }} {{ item.before }} -> {{ item.after }}"
      loop: "{{ preview.drift }}"
      loop_control:
        label: "{{ item.email }}"

    - name: Nightly, in check mode, the people and the seats unused for 60 days that a real run would release
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users: "{{ staff }}"
        release_inactive:
          days: 60
          exempt: [breakglass@example.com]
      check_mode: true
      register: nightly

    - name: Rename a thousand users in one task, at three writes a second
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users: "{{ renamed_users }}"
        write_rate: 3

    - name: Offboard - only staff keep seats, the leaver goes, and everyone released or deleted is signed out
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users: "{{ staff + [{'email': 'leaver@example.com', 'state': 'absent'}] }}"
        exclusive_seats: true
        revoke_sessions: true
        revoke_devices: true

    - name: The drift of 10,000 people as files (drift.json, drift.md), the result holding only the counts
      cloudflare_ops.zero_trust.cloudflare_zt_users:
        users: "{{ lookup('ansible.builtin.file', 'people.json') | from_json }}"
        report_dir: /var/lib/zero-trust/drift
        result_detail: summary
      check_mode: true
      register: drift

    - name: Say how many users drift and where the report is
      ansible.builtin.debug:
        msg: "{{ drift.summary.changed_users }} users drift; see {{ drift.report_files.markdown }}"
'''

RETURN = r'''
removal_guard:
  description:
    - What the removal guard (O(max_removals)) found for the plan; on a refusal, the task failed before any write.
  returned: once the account was read
  type: dict
  contains:
    removals:
      description: The people the plan removes (takes a seat away from, or deletes), each counted once.
      type: int
      sample: 499
    seat_holders:
      description: The account's users who hold a seat, as listed (the base of a percentage).
      type: int
      sample: 500
    max_removals:
      description: The bound applied, in the option's words (V(10 and 10%) by default).
      type: str
      sample: 10 and 10%
    allow_mass_removal:
      description: Whether the bound was lifted (O(allow_mass_removal), or O(allow_release_all)).
      type: bool
      sample: false
    refused:
      description: Whether the guard refused the plan.
      type: bool
      sample: true
  version_added: 1.1.0
clock:
  description:
    - Which clock inactivity was judged on (O(release_inactive)) - C(source=cloudflare), the C(Date) of the API's
      answers, or C(source=controller) when no answer carried one - and C(skew_seconds), how far Cloudflare's clock is
      ahead of the controller's (negative - behind).
  returned: with O(release_inactive), once the account was read
  type: dict
  sample: {"source": "cloudflare", "skew_seconds": -31536000}
  version_added: 1.1.0
api_requests:
  description:
    - The requests the task sent, by HTTP method, every attempt of a retried request included.
  returned: always, once the options are valid
  type: dict
  sample: {"GET": 3, "PUT": 15}
rate_limit_wait:
  description:
    - The seconds the task waited for Cloudflare's rate limit before its requests (see O(rate_limit_reserve)), not
      counting the waits after an HTTP 429.
  returned: always, once the options are valid
  type: float
  sample: 4.2
users:
  description:
    - The users that change (that would change, in check mode), sorted by email, each with its fields after the task.
    - Users that were already right are not listed; RV(summary) counts them.
    - Empty when the result is a summary (RV(result_detail=summary), see O(result_detail)).
  returned: success
  type: list
  elements: dict
  contains:
    email:
      description: The email of the user.
      type: str
      sample: alice@example.com
    user_id:
      description: The id of the user; null in check mode for a user to create.
      type: str
      sample: 5f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8
    action:
      description:
        - V(create), V(update) (name or seats), V(release) (seats released by O(exclusive_seats)),
          V(release_inactive) (seats released by O(release_inactive)) or V(delete).
      type: str
      sample: update
    name:
      description: The name after the task, when it changes.
      type: str
      sample: Alice Liddell
    access_seat:
      description: The Access seat flag after the task, when it changes.
      type: bool
      sample: true
    gateway_seat:
      description: The Gateway seat flag after the task, when it changes.
      type: bool
      sample: false
    inactivity:
      description:
        - For a user whose seat O(release_inactive) releases (RV(users[].action=release_inactive)), the evidence
          C(last_successful_login), C(days_inactive), C(never_logged_in) and, for a user who never logged in,
          C(created_at).
      type: dict
      returned: for releases for inactivity
    sessions:
      description: V(revoked) when the user's Access sessions are revoked (O(revoke_sessions=true)).
      type: str
      returned: for users released or deleted with O(revoke_sessions=true)
      sample: revoked
      version_added: 1.1.0
    devices:
      description: V(revoked) when the user's devices are revoked with the sessions (O(revoke_devices=true)).
      type: str
      returned: for users released or deleted with O(revoke_devices=true)
      sample: revoked
      version_added: 1.1.0
summary:
  description: Counts for the task.
  returned: success
  type: dict
  contains:
    listed:
      description: Items in O(users).
      type: int
      sample: 3
    changed_users:
      description: Users that change (the length of RV(users)).
      type: int
      sample: 2
    created:
      description: Users created.
      type: int
      sample: 1
    renamed:
      description: Users renamed.
      type: int
      sample: 1
    deleted:
      description: Users deleted.
      type: int
      sample: 0
    seats_changed:
      description: Seats whose flags change, the seats of created users included.
      type: int
      sample: 2
    seats_released:
      description: Seats among those that end with both flags false.
      type: int
      sample: 1
    released_by_exclusive:
      description: Seats released because their users are not in O(users) (O(exclusive_seats=true)).
      type: int
      sample: 1
    released_inactive:
      description: Seats released by O(release_inactive).
      type: int
      sample: 0
    sessions_revoked:
      description: Users whose Access sessions are revoked (O(revoke_sessions=true)), released or deleted.
      type: int
      sample: 1
      version_added: 1.1.0
drift:
  description:
    - One entry per field that differs (that differed, after a real run), sorted by email then field; the rows of the
      reconcile role's drift report.
    - C(field) is C(name), C(access_seat), C(gateway_seat), C(state), C(sessions) or C(devices). C(before) is null for
      a user to create; a delete is the field C(state) from C(present) to C(absent); a revocation is the action
      C(revoke_sessions), the field C(sessions) (and C(devices)) from null to C(revoked).
    - An entry of the action C(release_inactive) also carries the evidence C(last_successful_login),
      C(days_inactive), C(never_logged_in) and, for a user who never logged in, C(created_at).
    - Empty when the result is a summary (RV(result_detail=summary)); RV(report) and, with O(report_dir), C(drift.json)
      still count and hold them.
  returned: success, and with a failure after a write
  type: list
  elements: dict
  contains:
    email:
      description: The email of the user.
      type: str
    action:
      description: As in RV(users[].action).
      type: str
    field:
      description: The field that differs.
      type: str
    before:
      description: The value before the task (null for a user to create).
      type: raw
    after:
      description: The value after the task.
      type: raw
  sample:
    - {"email": "grace@example.com", "action": "update", "field": "name", "before": "Grace Hoper", "after": "Grace Hopper"}
drift_table:
  description:
    - RV(drift) as the rows of a Markdown table (C(email), C(action), C(field), C(before), C(after), C(evidence)),
      built by the module in linear time. Empty when there is no drift, and when the result is a summary.
  returned: success, and with a failure after a write
  type: str
  sample: "| email | action | field | before | after | evidence |\n|---|---|---|---|---|---|\n"
result_detail:
  description:
    - How much the result lists, as O(result_detail) decided it. V(full), RV(users), RV(drift) and RV(drift_table) hold
      every user that changes; V(summary), they are empty and RV(summary) counts them.
  returned: always
  type: str
  sample: full
  version_added: 1.1.0
report:
  description:
    - The drift report, as C(drift.json) holds it (O(report_dir)), also when the task failed; the reconcile role keeps
      it as its fact C(reconcile_drift).
    - C(generated_at) (UTC, C(YYYY-MM-DDTHH:MM:SSZ)), C(check_mode), C(failed), C(summary) (RV(summary)), C(drift)
      (RV(drift); left out when the result is a summary), and when the task failed C(msg), C(errors), C(written) and
      C(not_written) (empty when the failure has none). Keys may be added in later releases.
  returned: always
  type: dict
  sample: {"generated_at": "2026-12-01T21:06:44Z", "check_mode": true, "failed": false,
           "summary": {"listed": 1, "changed_users": 0}, "drift": []}
  version_added: 1.1.0
report_files:
  description: Where O(report_dir) holds the report, C(json) (C(drift.json)) and C(markdown) (C(drift.md)).
  returned: when O(report_dir) is set and the report was written
  type: dict
  sample: {"json": "/runner/reports/drift.json", "markdown": "/runner/reports/drift.md"}
  version_added: 1.1.0
check_mode:
  description: Whether the task ran in check mode (whatever made it so), so that a report can say whether it wrote.
  returned: always
  type: bool
  sample: true
written:
  description:
    - When a write failed, the writes that succeeded before it, in the order sent. Each has C(action), in the words
      of RV(users[].action) (V(create), V(update), V(release), V(release_inactive), V(delete) or
      V(revoke_sessions); in 1.0.0 a rename was V(rename) and a seat change V(seat)), C(email), C(user_id),
      C(fields) (the fields the write set) and, for a seat change, C(seat_uid).
  returned: failure after a write
  type: list
  elements: dict
not_written:
  description:
    - When a write failed, that write (when the API refused it) and the ones that were not sent after it.
    - A write whose outcome is not known is in RV(unknown), not here.
  returned: failure after a write
  type: list
  elements: dict
unknown:
  description:
    - When a write was sent but no usable answer came back, the writes whose outcome is not known, in the order sent
      (the same form as RV(written)). That is a request that timed out or lost its connection after it was sent, an
      error page of a proxy or of Cloudflare's edge (HTTP 502 without Cloudflare's envelope, or 520 to 524) for a
      request that is not sent twice, an answer that contradicts the request, and the seats a C(PATCH) answer does
      not confirm (left out, with other flags, or replaced by other seats).
    - Run the task again; it reads the account afresh, finds out whether they were applied, and sends only what is
      still different.
  returned: failure after a write
  type: list
  elements: dict
errors:
  description:
    - When the task is refused, every problem found, in item order; nothing was written. Refused items (and
      O(release_inactive)) before any request, or the plan after the one read, one problem per offending item.
  returned: failure of the items or of the plan
  type: list
  elements: str
  sample: ["users[3] (email 'new@example.com'): the user does not exist and has no name, so it cannot be created"]
failure:
  description: When the API failed, the request and Cloudflare's answer. Never holds a credential.
  returned: failure of a request
  type: dict
  contains:
    method:
      description: The HTTP method of the request that failed.
      type: str
      sample: PUT
    path:
      description: The path of the request, below O(api_base_url).
      type: str
    status:
      description: The HTTP status of the last answer, null when none came.
      type: int
      sample: 403
    errors:
      description: Cloudflare's C(errors), each with C(code) and C(message).
      type: list
      elements: dict
    error_chain:
      description: Cloudflare's C(error_chain), when the answer has one.
      type: list
      elements: dict
    waited_seconds:
      description: Seconds the task waited between retries before it gave up.
      type: float
'''

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._python import fail_on_old_python

try:
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import run_module
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import (
        DEFAULT_WRITE_RATE,
        cloudflare_argument_spec,
        result_detail_argument_spec,
        removal_guard_argument_spec,
        revoke_argument_spec,
        seat_batch_argument_spec,
    )
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.users import UsersModule, finish_users, run_users
except (ImportError, SyntaxError):
    # The collection's module_utils need Python 3.9+: on an older Python, say so instead of a raw MODULE FAILURE.
    if not fail_on_old_python():
        raise


def main():
    argument_spec = cloudflare_argument_spec()
    argument_spec.update(seat_batch_argument_spec())
    argument_spec.update(result_detail_argument_spec())
    argument_spec.update(revoke_argument_spec())
    argument_spec.update(removal_guard_argument_spec())
    argument_spec.update(
        # No suboption specs: the items are checked by the module (items.read_item), in one pass over tens of
        # thousands of items instead of two.
        users=dict(type='list', elements='dict'),
        users_file=dict(type='path'),
        exclusive_seats=dict(type='bool', default=False),
        allow_release_all=dict(type='bool', default=False),
        write_rate=dict(type='float', default=DEFAULT_WRITE_RATE),
        # Checked by the module (inactivity.parse_policy), with the range of days and the exemptions.
        release_inactive=dict(type='dict'),
        report_dir=dict(type='path'),
    )
    # UsersModule: a failure of the options themselves is reported (RV(report), O(report_dir)) as every other one.
    module = UsersModule(argument_spec=argument_spec, mutually_exclusive=[('users', 'users_file')],
                         required_one_of=[('users', 'users_file')], supports_check_mode=True)
    run_module(module, run_users, report_check_mode=True, finish=finish_users)


if __name__ == '__main__':
    main()
