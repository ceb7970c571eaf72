#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cloudflare_zt_user
short_description: Manage one Cloudflare Zero Trust Access user record
version_added: 1.0.0
author: cloudflare_ops maintainers (@cloudflare-ops)
description:
  - Create, rename or delete one user record of Cloudflare Zero Trust Access, declaratively.
  - The user is identified by O(user_id) or O(email), at least one.
  - With only O(email), the user is looked up with the list endpoint's C(email) filter, then matched on the client side
    after Unicode compatibility normalisation (NFKC) and case folding (an email not written in NFKC form is refused);
    more than one match fails.
  - A write whose answer is lost (a timeout after it was sent, a proxy's or Cloudflare's edge error page) fails the
    task with the write in RV(unknown); run the task again, it finds out whether the write was applied.
  - With O(user_id) and O(email), O(email) must be the user's current email, ignoring letter case
    (the email of an Access user cannot be changed); a different one fails and nothing is written.
  - To add or remove a user's seats, use M(cloudflare_ops.zero_trust.cloudflare_zt_seat).
extends_documentation_fragment:
  - cloudflare_ops.zero_trust.cloudflare
  - cloudflare_ops.zero_trust.cloudflare.actiongroup
  - cloudflare_ops.zero_trust.attributes
attributes:
  check_mode:
    support: full
    details:
      - No write is sent; C(changed) is what a real run would report, and RV(user) is the predicted record.
  diff_mode:
    support: full
    details:
      - The diff is a text, as in M(cloudflare_ops.zero_trust.cloudflare_zt_users), the user's line with its action
        (V(create), V(update) or V(delete)) and the fields that change, before (C(-)) and after (C(+)).
      - In 1.0.0 it was the whole record before and after, ids and timestamps included.
options:
  user_id:
    description:
      - The id (a UUID) of the user.
      - An id cannot be chosen on create, so with O(state=present) a user named by O(user_id) that does not exist
        is a failure; to create a user, give only O(email).
      - One of O(user_id) and O(email) is required.
    type: str
  email:
    description:
      - The email of the user.
      - Without O(user_id), it identifies the user and is the email of a user that is created.
      - With O(user_id), it must be the user's current email (compared without letter case), as a confirmation.
      - One of O(user_id) and O(email) is required.
    type: str
  name:
    description:
      - The wanted name of the user, compared exactly (letter case included). It must not be empty.
      - If not set, the name is not managed; a user that is created then gets no name from this module.
      - Cannot be used with O(state=absent).
    type: str
  state:
    description:
      - V(present) creates the user if it does not exist (with O(email) and O(name)), and sets O(name) if it differs.
      - V(absent) deletes the user record if it exists. Cloudflare also revokes the user's seats and tokens.
    type: str
    choices: [present, absent]
    default: present
notes:
  - "Token permissions (the table in C(SECURITY.md), from Cloudflare's API reference): C(Access: Audit Logs Read) to
    read users, C(Zero Trust: Seats Write) to rename a user. Cloudflare lists no permission for creating and deleting
    users."
  - The email of an existing user cannot be changed; the API does not allow it.
seealso:
  - module: cloudflare_ops.zero_trust.cloudflare_zt_user_info
  - module: cloudflare_ops.zero_trust.cloudflare_zt_seat
'''

EXAMPLES = r'''
- name: Manage Access users with the connection options set once
  module_defaults:
    group/cloudflare_ops.zero_trust.cloudflare:
      account_id: "{{ cloudflare_account_id }}"
      api_token: "{{ cloudflare_api_token }}"
  block:
    - name: Make sure Jane exists and has her name
      cloudflare_ops.zero_trust.cloudflare_zt_user:
        email: jdoe@example.com
        name: Jane Doe

    - name: Rename a user known by id, confirming its email
      cloudflare_ops.zero_trust.cloudflare_zt_user:
        user_id: f174e90a-fafe-4643-bbbc-4a0ed4fc8415
        email: jdoe@example.com
        name: Jane Roe

    - name: Delete a user record
      cloudflare_ops.zero_trust.cloudflare_zt_user:
        email: jdoe@example.com
        state: absent

- name: Preview a rename, with credentials from CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID
  cloudflare_ops.zero_trust.cloudflare_zt_user:
    email: jdoe@example.com
    name: Jane Doe
  check_mode: true
  diff: true
  register: preview
'''

RETURN = r'''
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
user:
  description:
    - The user record as it stands after the task, with the API's field names; fields the API did not send are left out.
    - V({}) when the user does not exist (any more), after O(state=absent).
    - In check mode, the predicted record. For a create it holds only RV(user.email), RV(user.name) (when O(name) is set),
      RV(user.access_seat) and RV(user.gateway_seat), and no RV(user.id), which the API chooses.
  returned: success
  type: dict
  contains:
    id:
      description: The id of the user (a UUID). Absent in check mode for a user that would be created.
      type: str
      returned: when the user exists
      sample: f174e90a-fafe-4643-bbbc-4a0ed4fc8415
    email:
      description: The email of the user.
      type: str
      returned: when the user exists
      sample: jdoe@example.com
    name:
      description: The name of the user.
      type: str
      returned: when the user exists and has a name
      sample: Jane Doe
    seat_uid:
      description: The id of the user's seat, as used by M(cloudflare_ops.zero_trust.cloudflare_zt_seat).
      type: str
      returned: when the user exists, not in check mode for a create
      sample: 2f9d2e1c-7a64-4a8b-9c1e-2b6a5d7c8e90
    access_seat:
      description: Whether the user holds an Access seat.
      type: bool
      returned: when the user exists
      sample: false
    gateway_seat:
      description: Whether the user holds a Gateway seat.
      type: bool
      returned: when the user exists
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
errors:
  description: When the options cannot work (every problem of them, before any request) or the account does not allow
    the task (an email shared by two users, an id that does not exist), every problem found. Nothing was written.
  returned: failure of the options or of the plan
  type: list
  elements: str
  sample: ["email 'jdoe@example.com': matches more than one user (ids 5f1a2b3c-..., 9c0d1e2f-...)"]
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
written:
  description: When the write failed after it was applied, the write (C(action), C(email), C(user_id)); else V([]).
  returned: failure after a write
  type: list
  elements: dict
not_written:
  description: When the API refused the write, the write (C(action) is V(create), V(rename) or V(delete)).
  returned: failure after a write
  type: list
  elements: dict
unknown:
  description:
    - When the write was sent but no usable answer came back (a timeout or a lost connection after it was sent, an
      error page of a proxy or of Cloudflare's edge, an answer that contradicts the request), the write.
    - Run the task again; it reads the user afresh, finds out whether the write was applied, and sends it only if
      it is still needed.
  returned: failure after a write
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._python import fail_on_old_python

try:
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import run_module
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import cloudflare_argument_spec
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.user import run_user
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
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_one_of=[('user_id', 'email')],
        supports_check_mode=True,
    )
    run_module(module, run_user)


if __name__ == '__main__':
    main()
