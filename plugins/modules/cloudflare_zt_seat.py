#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cloudflare_zt_seat
short_description: Assign and release Cloudflare Zero Trust seats, one or thousands in one task
version_added: 1.0.0
author: cloudflare_ops maintainers (@cloudflare-ops)
description:
  - Sets the C(access_seat) and C(gateway_seat) flags of Cloudflare Zero Trust seats, the way the dashboard's
    "remove from seat" does. Both flags false releases the seat; the user record stays.
  - The single form addresses one seat by exactly one of O(seat_uid), O(email) or O(user_id).
  - The bulk form, O(seats), addresses any number of seats in one task. With O(exclusive_seats=true) every seat holder
    not listed in O(seats) is released too, which keeps the seat assignments of an account as code.
  - The module reads the current state, plans, checks the whole plan, then sends the seats whose flags change in
    C(PATCH) requests of at most O(seat_batch_size) seats (one request for up to 1000 changes by default). When nothing
    changes it sends no write.
  - "A PATCH is sent again only within O(max_retry_wait), when the API answers HTTP 429, 500, 502, 503, 504 or 520 to
    524, or does not answer in time; it sets absolute values, so a repeat changes nothing more. If one fails, the task stops and
    fails with Cloudflare's error codes and messages (in RV(failure)), and lists the seats that were written by the
    PATCHes before it (RV(written)), those that were not (RV(not_written)) and those whose outcome is not known
    (RV(unknown)). Cloudflare does not document whether a failed PATCH can have applied part of its array: run the
    task again, it reads the state afresh and sends only what is still different."
  - Each C(PATCH) answer is compared seat by seat with the request. A seat the answer leaves out or answers with
    other flags fails the task, naming it (RV(unknown)); an answer without C(result), which the API allows, is taken
    as applied with a warning that says it is unconfirmed. RV(seats) holds what the API confirmed.
  - The seat_uid of a seat is sent exactly as the API listed it.
  - The task does not act on a listing that contradicts itself (C(result_info) whose counts, pages and page sizes
    disagree with each other or with the pages), and fails before writing.
  - To manage users and their seats together, as one list, use M(cloudflare_ops.zero_trust.cloudflare_zt_users); it
    plans seats with the same code.
  - With O(revoke_sessions=true), the Access sessions of every user whose seat the task releases are revoked right
    after the C(PATCH) that releases it, in the same run.
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
      - Check mode reads the current state like a real run and returns the same RV(seats), RV(summary) and diff,
        but sends no PATCH and no revocation.
  diff_mode:
    support: full
    details:
      - The diff is a text, one block per seat that changes, sorted by email, with the flags before (C(-)) and after
        (C(+)). It is prepared by the module, so a diff of thousands of seats costs no more than the task.
options:
  seat_uid:
    description:
      - The seat to change, by its seat identifier (the C(seat_uid) of the user record).
      - Single form. Exactly one of O(seat_uid), O(email) and O(user_id); mutually exclusive with O(seats).
      - The API cannot filter users by seat, so this option always lists the whole account.
    type: str
  email:
    description:
      - The seat to change, by the email of its user. Matched exactly, ignoring letter case.
      - Single form. Exactly one of O(seat_uid), O(email) and O(user_id); mutually exclusive with O(seats).
    type: str
  user_id:
    description:
      - The seat to change, by the identifier (a UUID) of its user.
      - Single form. Exactly one of O(seat_uid), O(email) and O(user_id); mutually exclusive with O(seats).
    type: str
  access_seat:
    description:
      - Whether the user holds an Access seat.
      - Single form; give O(access_seat), O(gateway_seat) or both. A flag left out keeps its current value.
      - Both false releases the seat.
    type: bool
  gateway_seat:
    description:
      - Whether the user holds a Gateway seat.
      - Single form; give O(access_seat), O(gateway_seat) or both. A flag left out keeps its current value.
    type: bool
  seats:
    description:
      - The bulk form, a list of seats; mutually exclusive with the single form's options.
      - Each item names its seat by exactly one of O(seats[].seat_uid), O(seats[].email) and O(seats[].user_id).
      - Every item is resolved and checked before anything is written. If an identifier matches no user or more than
        one, if an item has no identifier or two, or if two items for the same seat disagree on a flag, the task fails,
        names every offending item by its index and identifier, and writes nothing.
      - Items that name the same seat and agree are merged.
    type: list
    elements: dict
    suboptions:
      seat_uid:
        description: The seat, by its seat identifier.
        type: str
      email:
        description: The seat, by the email of its user (exact match, ignoring letter case).
        type: str
      user_id:
        description: The seat, by the identifier (a UUID) of its user.
        type: str
      access_seat:
        description:
          - Whether the user holds an Access seat. Left out, it keeps its current value.
        type: bool
      gateway_seat:
        description:
          - Whether the user holds a Gateway seat. Left out, it keeps its current value.
          - An item with neither flag changes nothing; under O(exclusive_seats=true) its seat counts as listed and is kept.
        type: bool
  seats_file:
    description:
      - The bulk form with the list in a file instead of the task - a JSON or YAML file holding the list that O(seats)
        takes (the same items, checked the same way); mutually exclusive with O(seats) and the single form's options.
      - A path on the host the task runs on (usually C(localhost)). JSON is read fastest; YAML needs PyYAML on that host.
      - For long lists (thousands of seats) - the items then do not go through Jinja and the task's arguments, which
        ansible-core templates, serialises and copies several times (the larger part of such a task's time). Messages
        name an item as C(seats_file[index]).
      - Only a regular file is read - a FIFO, a device, a socket or a directory is refused without being opened for
        reading or waited on, and so is a file of more than 64 MiB (about four times 100,000 users with every key, as
        JSON). A YAML file may not use aliases (C(*name), which can make a small file expand without bound) and holds at
        most 1,500,000 values (items, keys and what they hold; JSON has no such limit). A file that cannot be used fails
        before any request, with a message that names the line and column of the problem, never the file's text.
    type: path
    version_added: 1.1.0
  exclusive_seats:
    description:
      - With V(true), every user who holds a seat (Access or Gateway) and is not named in O(seats) (or O(seats_file)) is
        released (both flags set to false) in the same PATCH.
      - Requires O(seats) or O(seats_file). Run it in check mode first and read RV(summary) and RV(seats).
      - The same option as O(cloudflare_ops.zero_trust.cloudflare_zt_users#module:exclusive_seats); its 1.0.0 name
        O(exclusive_seats) stays an alias.
    type: bool
    default: false
    aliases: [exclusive]
  allow_release_all:
    description:
      - Confirms that an empty O(seats) with O(exclusive_seats=true) is meant to release every seat of the account.
      - Without it, that combination fails before any request.
    type: bool
    default: false
notes:
  - "Requests: a task lists the account's users once (one C(GET) per 1000 users), then sends one C(PATCH) per
    O(seat_batch_size) changed seats (none when nothing changes).
    When the task names users by at most 5 distinct emails and user ids and nothing else (single form, or O(seats)
    without O(exclusive_seats) and without O(seats[].seat_uid)), it looks them up one by one instead: one C(GET) per user
    id, one C(GET) per email (two if the API leaves out pagination details), whatever the size of the account."
  - Cloudflare allows 1200 requests per five minutes; a task over 10,000 seats costs about 11 requests.
  - "With O(revoke_sessions=true), each user released costs one C(POST) more, and the writes are paced at 2 per
    second (the default C(write_rate) of M(cloudflare_ops.zero_trust.cloudflare_zt_users))."
  - "Two tasks that change the seats of one account at the same time do not see each other's writes: the last
    writer wins, and two overlapping O(exclusive_seats=true) runs can leave neither wanted state. Run one such job at a time
    per account (in AWX, do not allow concurrent jobs of the template; in playbooks, C(throttle: 1) or C(run_once))."
  - "Token permissions (the table in C(SECURITY.md), from Cloudflare's API reference): C(Access: Audit Logs Read) to
    read the users, C(Zero Trust: Seats Write) for the C(PATCH), and only with O(revoke_sessions=true)
    C(Access: Organizations, Identity Providers, and Groups Write) to revoke sessions."
  - Releasing a seat also removes the user's device registrations (Cloudflare's behaviour). The user takes a seat
    again the next time they authenticate.
seealso:
  - module: cloudflare_ops.zero_trust.cloudflare_zt_user_info
  - name: Update a user seat (Cloudflare API)
    description: The PATCH endpoint this module uses.
    link: https://developers.cloudflare.com/api/resources/zero_trust/subresources/seats/methods/edit/
'''

EXAMPLES = r'''
- name: Manage Zero Trust seats
  module_defaults:
    group/cloudflare_ops.zero_trust.cloudflare:
      api_token: "{{ cloudflare_api_token }}"
      account_id: "{{ cloudflare_account_id }}"
  block:
    - name: Release the seat of a leaver
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        email: leaver@example.com
        access_seat: false
        gateway_seat: false

    - name: Take the Gateway seat of one user, keep the Access seat as it is
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        user_id: 5f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8
        gateway_seat: false

    - name: Set many seats from a variable in one task (one list, one PATCH)
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        seats: "{{ seat_assignments }}"
      vars:
        seat_assignments:
          - email: alice@example.com
            access_seat: true
            gateway_seat: true
          - email: bob@example.com
            access_seat: true
            gateway_seat: false
          - seat_uid: f174e90a-fafe-4643-bbbc-4a0ed4fc8415
            access_seat: false
            gateway_seat: false

    - name: Set the seats of the whole staff from a file (thousands of items; a file keeps them out of Jinja)
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        seats_file: "{{ playbook_dir }}/files/seats.json"   # [{"email": ..., "access_seat": true, ...}, ...]
      delegate_to: localhost

    - name: See who exclusive_seats would release (check mode, nothing is written)
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        seats: "{{ staff_seats }}"
        exclusive_seats: true
      check_mode: true
      diff: true
      register: seat_plan
      vars:
        # Items with no flag keep their seat as it is: under exclusive, they only count as listed.
        staff_seats:
          - email: alice@example.com
          - email: bob@example.com

    - name: Show the plan
      ansible.builtin.debug:
        msg: "{{ seat_plan.summary.seats_released }} seats would be released: {{ seat_plan.seats | map(attribute='email') | list }}"

    - name: Nightly report of the seats that have not been used for 90 days (check mode, nothing is released)
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        release_inactive:
          days: 90
          exempt: [breakglass@example.com]
      check_mode: true
      register: reclaim

    - name: Show who would lose a seat, and why
      ansible.builtin.debug:
        msg: "{{ item.email }}: {{ item.inactivity.days_inactive }} days inactive"
      loop: "{{ reclaim.seats }}"
      loop_control:
        label: "{{ item.email }}"

    - name: Release both seats of the Gateway seat holders inactive for 180 days, keeping those who never logged in
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        release_inactive:
          days: 180
          seats: gateway
          never_logged_in: keep

    - name: Release every seat holder who is not staff
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        seats:
          - email: alice@example.com
          - email: bob@example.com
        exclusive_seats: true

    - name: Offboard a leaver - release the seat, then end their Access sessions and revoke their devices
      cloudflare_ops.zero_trust.cloudflare_zt_seat:
        email: leaver@example.com
        access_seat: false
        gateway_seat: false
        revoke_sessions: true
        revoke_devices: true
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
result_detail:
  description:
    - How much the result lists, as O(result_detail) decided it. V(full), RV(seats) lists every seat that changes;
      V(summary), RV(seats) is empty and RV(summary) counts them.
  returned: success
  type: str
  sample: full
  version_added: 1.1.0
seats:
  description:
    - The seats that changed (that would change, in check mode), each with its flags after the run, sorted by email.
    - In the single form, the addressed seat, changed or not.
    - Seats that were already right are not listed (a 10,000-seat list would weigh on the controller); RV(summary)
      counts them.
    - Empty when the result is a summary (RV(result_detail=summary), see O(result_detail)); the single form always
      lists its seat.
  returned: success
  type: list
  elements: dict
  contains:
    seat_uid:
      description: The seat identifier.
      type: str
      sample: f174e90a-fafe-4643-bbbc-4a0ed4fc8415
    user_id:
      description: The identifier of the seat's user.
      type: str
      sample: 5f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8
    email:
      description: The email of the seat's user.
      type: str
      sample: leaver@example.com
    access_seat:
      description: Whether the user holds an Access seat after the run.
      type: bool
      sample: false
    gateway_seat:
      description: Whether the user holds a Gateway seat after the run.
      type: bool
      sample: false
    inactivity:
      description: For a seat released by O(release_inactive), the evidence.
      type: dict
      returned: for releases for inactivity
      contains:
        last_successful_login:
          description: The user's last successful login, as the API gave it; null when the user never logged in.
          type: str
          sample: '2025-09-01T08:00:00Z'
        days_inactive:
          description: Whole days since that login (or since the creation, for a user who never logged in).
          type: int
          sample: 456
        never_logged_in:
          description: Whether the user never logged in.
          type: bool
          sample: false
        created_at:
          description: When the record was created, for a user who never logged in.
          type: str
          returned: when RV(seats[].inactivity.never_logged_in) is true
          sample: '2025-01-12T09:30:00Z'
    sessions:
      description: V(revoked) when the user's Access sessions are revoked with the release, right before it (O(revoke_sessions=true)).
      type: str
      returned: for seats released with O(revoke_sessions=true)
      sample: revoked
      version_added: 1.1.0
    devices:
      description: V(revoked) when the user's devices are revoked with the sessions (O(revoke_devices=true)).
      type: str
      returned: for seats released with O(revoke_devices=true)
      sample: revoked
      version_added: 1.1.0
summary:
  description: Counts of seats for the task.
  returned: success
  type: dict
  contains:
    addressed:
      description: Distinct seats named by the task (items naming the same seat count once).
      type: int
      sample: 3
    seats_changed:
      description: Seats whose flags changed (would change, in check mode), the length of the PATCH.
      type: int
      sample: 2
      version_added: 1.1.0
    seats_released:
      description: Seats among those changed that end with both flags false, including those released by O(exclusive_seats).
      type: int
      sample: 1
      version_added: 1.1.0
    released_by_exclusive:
      description: Seats among those released because their users are not in O(seats) (O(exclusive_seats=true)).
      type: int
      sample: 1
      version_added: 1.1.0
    released_inactive:
      description: Seats among those released that O(release_inactive) released (not counted apart from RV(summary.seats_released)).
      type: int
      sample: 1
    sessions_revoked:
      description: Users whose Access sessions were revoked (would be, in check mode) after their seats were released.
      type: int
      sample: 1
      version_added: 1.1.0
    changed:
      description:
        - The same as RV(summary.seats_changed), its 1.0.0 name, kept for compatibility.
        - Deprecated, will be removed in 2.0.0. Use RV(summary.seats_changed).
      type: int
      sample: 2
    released:
      description:
        - The same as RV(summary.seats_released), its 1.0.0 name, kept for compatibility.
        - Deprecated, will be removed in 2.0.0. Use RV(summary.seats_released).
      type: int
      sample: 1
written:
  description:
    - When a write failed, the seats (and revocations) that the writes before it wrote, in the order sent. C(action) is V(update),
      V(release) or V(release_inactive) as in the drift report of M(cloudflare_ops.zero_trust.cloudflare_zt_users)
      (V(seat) in 1.0.0), and C(fields) names the flags the write set. A revocation is the action V(revoke_sessions)
      with C(email), C(user_id) and C(fields) V(sessions) (and V(devices)).
  returned: failure after a write
  type: list
  elements: dict
  sample: [{"action": "update", "fields": ["access_seat"], "email": "alice@example.com", "user_id": "5f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
            "seat_uid": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"}]
not_written:
  description:
    - When a write failed, the seats and revocations that it (when the API refused it) and the writes after it would
      have written.
    - Seats whose outcome is not known are in RV(unknown), not here.
  returned: failure after a write
  type: list
  elements: dict
unknown:
  description:
    - The seats of a C(PATCH) that was sent but whose answer does not tell what Cloudflare holds, in the order sent
      (the same form as RV(written)) - a C(PATCH) that timed out or lost its connection after it was sent, and the
      seats its answer leaves out, answers with other flags than were sent, or replaces by other seats.
    - Run the task again; it reads the account afresh, finds out, and sends only what is still different.
  returned: failure after a write
  type: list
  elements: dict
errors:
  description:
    - When the task is refused, every problem found; nothing was written. Refused items of O(seats) (and
      O(release_inactive)) all at once in item order, before any request; or, after the read, every item the account
      does not allow.
  returned: failure of the items or of the plan
  type: list
  elements: str
  sample: ["seats[2] (email 'nobody@example.com'): no user has this email"]
failure:
  description: When the API failed, the request and Cloudflare's answer. Never holds a credential.
  returned: failure of a request
  type: dict
  contains:
    method:
      description: The HTTP method of the request that failed.
      type: str
      sample: PATCH
    path:
      description: The path of the request, below O(api_base_url).
      type: str
      sample: /accounts/023e105f4ecef8ad9ca31a8372d0c353/access/seats
    status:
      description: The HTTP status of the last answer, null when none came.
      type: int
      sample: 403
    errors:
      description: Cloudflare's C(errors), each with C(code) and C(message).
      type: list
      elements: dict
      sample: [{"code": 10000, "message": "Authentication error"}]
    error_chain:
      description: Cloudflare's C(error_chain), when the answer has one.
      type: list
      elements: dict
    waited_seconds:
      description: Seconds the task waited between retries before it gave up.
      type: float
      sample: 0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._python import fail_on_old_python

try:
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import run_module
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import (
        cloudflare_argument_spec,
        result_detail_argument_spec,
        removal_guard_argument_spec,
        revoke_argument_spec,
        seat_batch_argument_spec,
    )
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.seat import run_seat
except (ImportError, SyntaxError):
    # The collection's module_utils need Python 3.9+: on an older Python, say so instead of a raw MODULE FAILURE.
    if not fail_on_old_python():
        raise

SINGLE_FORM = ('seat_uid', 'email', 'user_id', 'access_seat', 'gateway_seat')


def main():
    argument_spec = cloudflare_argument_spec()
    argument_spec.update(seat_batch_argument_spec())
    argument_spec.update(result_detail_argument_spec())
    argument_spec.update(revoke_argument_spec())
    argument_spec.update(removal_guard_argument_spec())
    argument_spec.update(
        seat_uid=dict(type='str'),
        email=dict(type='str'),
        user_id=dict(type='str'),
        access_seat=dict(type='bool'),
        gateway_seat=dict(type='bool'),
        # No suboption specs: the items are checked by the module (items.read_item), in one pass over tens of
        # thousands of items instead of two.
        seats=dict(type='list', elements='dict'),
        seats_file=dict(type='path'),
        # Checked by the module (inactivity.parse_policy), with the range of days and the exemptions.
        release_inactive=dict(type='dict'),
        exclusive_seats=dict(type='bool', default=False, aliases=['exclusive']),
        allow_release_all=dict(type='bool', default=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('seat_uid', 'email', 'user_id'), ('seats', 'seats_file')]
        + [(bulk, option) for bulk in ('seats', 'seats_file') for option in SINGLE_FORM]
        + [('release_inactive', option) for option in SINGLE_FORM],
        required_one_of=[('seats', 'seats_file', 'seat_uid', 'email', 'user_id', 'release_inactive')],
        supports_check_mode=True,
    )
    run_module(module, run_seat)


if __name__ == '__main__':
    main()
