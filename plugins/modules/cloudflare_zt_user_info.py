#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cloudflare_zt_user_info
short_description: List Cloudflare Zero Trust Access users and their seats
version_added: 1.0.0
author: cloudflare_ops maintainers (@cloudflare-ops)
description:
  - Lists the user records of Cloudflare Zero Trust Access with their seats, for reports and inventories.
  - Follows the API's pagination to the end, asking for pages of 1000 users. When C(result_info) contradicts itself or
    the pages (counts, pages and page sizes that disagree), the task warns that the users returned may be incomplete;
    the modules that write fail instead.
  - Every filter that is set must match; without filters, every user of the account is returned.
extends_documentation_fragment:
  - cloudflare_ops.zero_trust.cloudflare
  - cloudflare_ops.zero_trust.cloudflare.actiongroup
  - cloudflare_ops.zero_trust.attributes.info_module
options:
  user_id:
    description:
      - Only the user with this id (a UUID). Read with one request; a user that does not exist gives an empty RV(users).
      - Mutually exclusive with O(search).
    type: str
  email:
    description:
      - Only the user with this email, matched after Unicode compatibility normalisation (NFKC) and case folding.
        An email not written in NFKC form (fullwidth letters, ligatures) is refused.
      - It is also sent to the API as a filter, to fetch less; the exact match is made by the module,
        because the API does not document whether its filter is exact.
    type: str
  name:
    description:
      - Only users with exactly this name, letter case included.
      - Sent to the API as a filter too, and matched exactly by the module.
    type: str
  search:
    description:
      - Passed to the API's C(search) query as it is; the API decides what matches.
      - Mutually exclusive with O(user_id).
    type: str
  inactive_days:
    description:
      - Only users inactive for this many days or more, by the rule of
        O(cloudflare_ops.zero_trust.cloudflare_zt_seat#module:release_inactive) - the last successful login, or the
        creation for a user who never logged in (see O(never_logged_in)), measured from the current UTC time.
      - From V(1) to V(3650). Users whose timestamps cannot be read are left out.
    type: int
  never_logged_in:
    description:
      - With O(inactive_days), V(created_at) measures users who never logged in from the record's creation; V(keep)
        leaves them out.
    type: str
    choices: [created_at, keep]
    default: created_at
  seat:
    description:
      - Only users that hold these seats, decided by the module from RV(users[].access_seat) and RV(users[].gateway_seat).
      - V(access) holds an Access seat; V(gateway) holds a Gateway seat; V(any) holds either; V(none) holds neither.
      - If not set, users are returned whatever their seats.
    type: str
    choices: [access, gateway, any, none]
notes:
  - "Token permissions (the table in C(SECURITY.md), from Cloudflare's API reference): C(Access: Audit Logs Read)."
seealso:
  - module: cloudflare_ops.zero_trust.cloudflare_zt_user
  - module: cloudflare_ops.zero_trust.cloudflare_zt_seat
'''

EXAMPLES = r'''
- name: Report on Access users with the connection options set once
  module_defaults:
    group/cloudflare_ops.zero_trust.cloudflare:
      account_id: "{{ cloudflare_account_id }}"
      api_token: "{{ cloudflare_api_token }}"
  block:
    - name: Read every user of the account
      cloudflare_ops.zero_trust.cloudflare_zt_user_info:
      register: all_users

    - name: Show the emails of users that hold no seat
      ansible.builtin.debug:
        msg: "{{ all_users.users | rejectattr('access_seat') | rejectattr('gateway_seat') | map(attribute='email') }}"

    - name: Read the users that hold a Gateway seat
      cloudflare_ops.zero_trust.cloudflare_zt_user_info:
        seat: gateway
      register: gateway_users

    - name: Read one user by email
      cloudflare_ops.zero_trust.cloudflare_zt_user_info:
        email: JDoe@Example.com
      register: jane

    - name: Read one user by id
      cloudflare_ops.zero_trust.cloudflare_zt_user_info:
        user_id: f174e90a-fafe-4643-bbbc-4a0ed4fc8415
      register: by_id

    - name: Seat holders who have not logged in for 90 days, for a report (no date arithmetic in Jinja)
      cloudflare_ops.zero_trust.cloudflare_zt_user_info:
        seat: any
        inactive_days: 90
      register: idle

    - name: List them with how long they have been away
      ansible.builtin.debug:
        msg: "{{ idle.users | map(attribute='email') | zip(idle.users | map(attribute='days_inactive')) | list }}"
'''

RETURN = r'''
clock:
  description:
    - Which clock RV(users[].days_inactive) and O(inactive_days) were judged on - C(source=cloudflare), the C(Date) of
      the API's answers, or C(source=controller) when no answer carried one - and C(skew_seconds), how far Cloudflare's
      clock is ahead of the controller's (negative - behind). A difference over five minutes is also a warning.
  returned: success
  type: dict
  sample: {"source": "cloudflare", "skew_seconds": 0}
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
    - The users that match every filter, in the order the API lists them, with the API's field names;
      fields the API did not send are left out.
    - The same in check mode, since the module only reads.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The id of the user (a UUID).
      type: str
      returned: always
      sample: f174e90a-fafe-4643-bbbc-4a0ed4fc8415
    email:
      description: The email of the user.
      type: str
      returned: always
      sample: jdoe@example.com
    name:
      description: The name of the user.
      type: str
      returned: when the user has a name
      sample: Jane Doe
    seat_uid:
      description: The id of the user's seat, as used by M(cloudflare_ops.zero_trust.cloudflare_zt_seat).
      type: str
      returned: when the API sends it
      sample: 2f9d2e1c-7a64-4a8b-9c1e-2b6a5d7c8e90
    access_seat:
      description: Whether the user holds an Access seat (V(false) when the API leaves the field out).
      type: bool
      returned: always
      sample: true
    gateway_seat:
      description: Whether the user holds a Gateway seat (V(false) when the API leaves the field out).
      type: bool
      returned: always
      sample: false
    active_device_count:
      description: The number of active devices registered to the user.
      type: float
      returned: when the API sends it
      sample: 2
    created_at:
      description: When the user record was created.
      type: str
      returned: when the API sends it
      sample: '2026-01-12T09:30:00Z'
    updated_at:
      description: When the user record was last changed.
      type: str
      returned: when the API sends it
      sample: '2026-01-12T09:30:00Z'
    last_successful_login:
      description: When the user last logged in successfully.
      type: str
      returned: when the API sends it
      sample: '2026-02-01T08:00:00Z'
    uid:
      description: Another identifier of the user, as the API reports it.
      type: str
      returned: when the API sends it
      sample: 8d6b3f2a-1c4e-4f7a-9b2d-5e6f7a8b9c0d
    days_inactive:
      description:
        - Whole days since the last successful login, or since the creation for a user who never logged in, at the
          current UTC time; null when the timestamp cannot be read. The measure of O(inactive_days) and of
          O(cloudflare_ops.zero_trust.cloudflare_zt_seat#module:release_inactive).
      type: int
      returned: always
      sample: 12
    never_logged_in:
      description: Whether the user never logged in (the API sends no C(last_successful_login)).
      type: bool
      returned: always
      sample: false
failure:
  description: When the API failed, the request and Cloudflare's answer. Never holds a credential.
  returned: failure of a request
  type: dict
  contains:
    method:
      description: The HTTP method of the request that failed.
      type: str
      sample: GET
    path:
      description: The path of the request, below O(api_base_url).
      type: str
      sample: /accounts/023e105f4ecef8ad9ca31a8372d0c353/access/users
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
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import cloudflare_argument_spec
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.user_info import run_user_info
except (ImportError, SyntaxError):
    # The collection's module_utils need Python 3.9+: on an older Python, say so instead of a raw MODULE FAILURE.
    if not fail_on_old_python():
        raise


def main():
    argument_spec = cloudflare_argument_spec()
    argument_spec.update(
        user_id=dict(type='str'),
        email=dict(type='str'),
        name=dict(type='str'),
        search=dict(type='str'),
        seat=dict(type='str', choices=['access', 'gateway', 'any', 'none']),
        inactive_days=dict(type='int'),
        never_logged_in=dict(type='str', choices=['created_at', 'keep'], default='created_at'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('user_id', 'search')],
        supports_check_mode=True,
    )
    run_module(module, run_user_info)


if __name__ == '__main__':
    main()
