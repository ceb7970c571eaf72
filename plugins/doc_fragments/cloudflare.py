# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: documents the options of plugins/module_utils/_module.py.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options shared by every module of the collection.
    DOCUMENTATION = r'''
options:
  api_token:
    description:
      - "Cloudflare API token, sent as C(Authorization: Bearer)."
      - If no authentication option is given to the task, the environment variable E(CLOUDFLARE_API_TOKEN) is used.
      - Mutually exclusive with O(api_email) and O(api_key).
      - The least permissions each module needs are listed in its notes.
    type: str
  api_email:
    description:
      - E-mail address of the Cloudflare account, sent as C(X-Auth-Email) with O(api_key) (the legacy Global API key scheme).
      - If no authentication option is given to the task, the environment variable E(CLOUDFLARE_EMAIL) is used.
    type: str
  api_key:
    description:
      - Cloudflare Global API key, sent as C(X-Auth-Key). Requires O(api_email).
      - If no authentication option is given to the task, the environment variable E(CLOUDFLARE_API_KEY) is used.
    type: str
  account_id:
    description:
      - Identifier of the Cloudflare account, 32 hexadecimal characters.
      - If not set, the environment variable E(CLOUDFLARE_ACCOUNT_ID) is used. One of the two is required.
    type: str
  api_base_url:
    description:
      - Base URL of the Cloudflare API v4.
      - If not set, the environment variable E(CLOUDFLARE_BASE_URL) is used, then the default.
      - Point it at a local emulator or a proxy for testing.
      - It must not contain a user name or password, since messages quote it.
    type: str
    default: https://api.cloudflare.com/client/v4
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - To trust a private CA instead of turning verification off, set the environment variable E(REQUESTS_CA_BUNDLE) to its file.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for a connection and for each answer from the API.
      - Greater than V(0), at most V(86400) (one day).
    type: float
    default: 30
  max_retry_wait:
    description:
      - The most seconds one task may spend waiting, in total, between retries and for the rate limit's budget (see
        O(rate_limit_reserve)).
      - An HTTP 429 is retried after its C(Retry-After) whatever the method (the API refused the call without acting on it),
        and after at least one second.
      - HTTP 500, 502, 503 and 504, timeouts and broken connections are retried with exponential backoff and jitter for
        C(GET), C(PUT), C(PATCH) and C(DELETE); a C(POST) only when the connection was never established.
      - The default rides out one reset of Cloudflare's five-minute window (1200 requests per five minutes per user), and
        the five-minute block past it. V(0) disables retries and any wait for the budget.
      - When it runs out, the task fails and says what it got and how long it waited. Before its first write, a task
        whose planned writes the budget cannot carry within it fails (nothing written; in check mode, a warning), and so
        does a listing, after its first page, whose announced pages the budget cannot carry within it.
      - From V(0) to V(86400) (one day).
    type: float
    default: 330
  rate_limit_reserve:
    description:
      - "The share of Cloudflare's rate limit, in percent of its quota, that the task never spends: it is left to people
        (the dashboard) and to other clients that do not pace themselves. Cloudflare's budget (1200 requests per five
        minutes) is per user: every task, fork, job, machine and person using the credential spends the same one."
      - Every request (reads, writes, retries) first waits until the budget allows it. Every answer says what is left
        (C(Ratelimit) header) and the policy (C(Ratelimit-Policy)); other spenders show up as the budget falling faster
        than the task spends, and the task leaves them their share. Half of what is above the reserve may go at once when
        a window opens; the rest is spread evenly to the reserve at the window's reset. When nothing is left above the
        reserve, the task waits for the reset.
      - Without those headers (an older API, a proxy that strips them), the task paces itself on the documented 1200
        requests per five minutes, counting its own requests and those the other tasks of the host sent since it
        started (see O(rate_limit_ledger); only its own when the ledger is off).
      - The seconds waited are returned as RV(rate_limit_wait), the requests sent as RV(api_requests).
      - From V(0) to V(50).
    type: float
    default: 10
  list_concurrency:
    description:
      - How many pages of a listing of users (1000 users a page) the task reads at once. Page 1 is read first; once it
        says how many pages there are, the others are read up to this many at a time, which saves the API's latency on
        large accounts (100,000 people are 100 pages).
      - Every page is a request like any other - it waits for the rate limit's budget (see O(rate_limit_reserve)) and is
        retried within O(max_retry_wait) - and every page is checked and merged in page order, as when they are read one
        after the other; a listing that contradicts itself fails the same way. Writes are always sent one after the other.
      - V(1) reads one page after the other. From V(1) to V(16).
    type: int
    default: 4
    version_added: 1.1.0
  rate_limit_ledger:
    description:
      - The directory of the rate-limit ledgers this host's tasks share. Every task of the collection on one machine
        (the forks of a job, jobs side by side in one execution environment, ad-hoc runs) writes down each request in
        the ledger of its credential before sending it, and reads there the freshest C(Ratelimit) headers any of them
        received. Tasks that start together do not all spend the same budget, and the reserve (O(rate_limit_reserve))
        stays whole. Cloudflare's headers still count what other machines and people spend.
      - One file per credential and API base URL, named by a hash of them (never the credential), created with mode
        C(0600); it holds the times of recent requests and the last budget headers. The directory is created C(0700)
        when missing, and must belong to the user and not be writable by others.
      - A holder that dies never blocks the others (the lock goes with the process); a ledger that cannot be read is
        started afresh, with a warning. When the directory cannot be used, the task paces itself on the headers alone
        and says so in a warning.
      - If not set, the environment variable E(CLOUDFLARE_OPS_RATE_LIMIT_LEDGER) is used, then C(~/.ansible/tmp/cloudflare_ops).
        An empty string turns the ledger off (each task paces itself on the headers alone, as before 1.1.0).
    type: path
    version_added: 1.1.0
requirements:
  - requests
notes:
  - Every task uses one HTTP session, so its requests share connections; the pages of a listing read side by side
    (O(list_concurrency)) each use a session of their thread.
  - "To set the connection options once for all modules of the collection, use
    C(module_defaults) with the action group C(group/cloudflare_ops.zero_trust.cloudflare)."
'''

    # Membership of the action group (meta/runtime.yml).
    ACTIONGROUP = r'''
attributes:
  action_group:
    description: Use C(group/cloudflare_ops.zero_trust.cloudflare) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - cloudflare_ops.zero_trust.cloudflare
'''

    # The seat PATCH of cloudflare_zt_seat and cloudflare_zt_users.
    SEAT_BATCH = r'''
options:
  seat_batch_size:
    description:
      - The most seats one C(PATCH) request carries. More changes are sent in several requests, one after the other.
      - Cloudflare documents no maximum; the default sends up to 1000 changes in one request.
      - At least V(1).
    type: int
    default: 1000
'''

    # result_detail of cloudflare_zt_seat and cloudflare_zt_users (one rule: _options.applied_detail).
    RESULT_DETAIL = r'''
options:
  result_detail:
    description:
      - How much the result says about each item that changes. A result is not free at scale - the module scrubs every
        value for secrets before it leaves, Ansible sends it to the controller and keeps it with the host's variables -
        so thousands of entries can cost more than the task's own work.
      - V(full) lists every item that changes (the per-item lists of release 1.0.0).
      - V(summary) returns those lists empty and keeps the counts of RV(summary), which say what changed and how much;
        C(changed), the diff (with C(--diff)) and, on a failure, C(written) and C(not_written) are never shortened.
      - V(auto) is V(full) up to 1000 items that change and V(summary) above; RV(result_detail) says which one the task
        applied.
    type: str
    choices: [auto, full, summary]
    default: auto
    version_added: 1.1.0
'''

    # The release_inactive policy of cloudflare_zt_seat and cloudflare_zt_users (one rule: domain/inactivity.py).
    RELEASE_INACTIVE = r'''
options:
  release_inactive:
    description:
      - Release the seats of people who stopped using them. A seat holder whose last successful login
        (C(last_successful_login)) is O(release_inactive.days) days ago or longer loses both seats; a holder who never
        logged in is measured from the record's C(created_at) (see O(release_inactive.never_logged_in)).
      - Releasing always sets both flags false, as the API requires, whatever O(release_inactive.seats) counts.
      - "One rule for lists: a user listed in the task with a seat flag V(true) is never released for inactivity."
      - '"Now" is Cloudflare''s time, as the C(Date) of the API''s answers tells it, not the clock of the host that runs
        the module - a controller whose clock is wrong does not release anyone by it. When the two clocks differ by
        more than five minutes the task says so in a warning; RV(clock) says which clock was used and by how much they
        differ. Without a C(Date) in the answers, the host''s clock is used and RV(clock) says so. Timestamps are read
        whatever their fractional seconds or offset; a record whose timestamps cannot be read, or whose login lies in
        the future, is named in a warning and never released on a guess.'
      - The whole plan is made from one read of the account and checked before the first write, like every other
        change; check mode shows exactly what a real run releases, each release with its evidence.
    type: dict
    suboptions:
      days:
        description:
          - The inactivity window in days, from V(1) to V(3650). A login exactly this many days ago counts as inactive.
        type: int
        required: true
      seats:
        description:
          - Which seat holders count. V(any) holds an Access or a Gateway seat, V(access) an Access seat, V(gateway) a
            Gateway seat, V(both) both seats.
        type: str
        choices: [any, access, gateway, both]
        default: any
      never_logged_in:
        description:
          - For a holder without C(last_successful_login), V(created_at) measures the window from the record's
            creation; V(keep) never releases such a holder.
        type: str
        choices: [created_at, keep]
        default: created_at
      exempt:
        description:
          - Emails or user ids that are never released for inactivity (break-glass accounts, service owners).
          - Each must match a user of the account; an exemption that matches nobody fails the task before any write.
        type: list
        elements: str
        default: []
'''

    # The removal guard of cloudflare_zt_seat and cloudflare_zt_users (one rule: domain/removals.py).
    REMOVAL_GUARD = r'''
options:
  max_removals:
    description:
      - The most people one task may remove - take a seat away from (a flag from V(true) to V(false), by the items,
        O(exclusive_seats) or O(release_inactive)) or delete - before it refuses the whole plan, in check mode as in a
        real run, before the first write. The message names the numbers, the options that lift the bound and a few of
        the people; RV(removal_guard) holds the figures, and the drift report shows the refused plan.
      - A number of people (V(25)), or a percentage of the account's users who hold a seat (V(20%)).
      - By default a task is refused when it removes more than 10 people B(and) more than 10 % of the users who hold a
        seat, so an ordinary leaver, and any change in a small account, is never stopped, while a list truncated by a
        bad merge and given with O(exclusive_seats) is.
      - Releasing a seat also removes the person's device registrations (see Cloudflare's seat documentation) - a mass
        release is data loss, not only a billing change.
    type: raw
    version_added: 1.1.0
  allow_mass_removal:
    description:
      - Lift O(max_removals) for a deliberate mass change (an offboarding of a whole team, the first run of
        O(release_inactive) on an old account). Run it in check mode first.
      - O(allow_release_all=true) lifts it too.
    type: bool
    default: false
    version_added: 1.1.0
'''

    # Revoking the Access sessions of the users a task releases or deletes (cloudflare_zt_seat, cloudflare_zt_users).
    REVOKE_SESSIONS = r'''
options:
  revoke_sessions:
    description:
      - Revoke the Access sessions of every user whose seat the task releases (both flags false, whether the user's
        flags, O(exclusive_seats) or O(release_inactive) release it) and of every user it deletes, in the same run,
        with one C(POST /accounts/{account_id}/access/organizations/revoke_user) per user that names the user's email.
      - Releasing a seat does not end the sessions a user already holds (Cloudflare documents no revocation on release).
        Until they expire, a leaver can still reach the applications, and their next login takes a seat again.
      - A leaver's sessions are revoked B(before) their seat is released or their record deleted (each batch's
        revocations right before its C(PATCH); a user to delete right before the delete). A seat write that fails
        therefore leaves no leaver of its batch with live sessions; a revocation that fails stops the task before that
        user's release or delete, and the message says that their sessions are still live.
      - A run after any partial failure converges - whoever is still a leaver with a seat or a record is revoked and
        released or deleted again. A revocation is idempotent; each costs one request per user, also when it is sent
        again.
      - Only the users this run releases or deletes are revoked, so a second run revokes nothing.
      - Each revocation is a write like the others, predicted in check mode, shown in the diff, the result and the drift
        (field C(sessions), action V(revoke_sessions)), and listed in RV(written) and RV(not_written) (action
        V(revoke_sessions)).
    type: bool
    default: false
    version_added: 1.1.0
  revoke_devices:
    description:
      - Revoke every device of those users too, in the same request (C(devices=true)).
      - Needs O(revoke_sessions=true).
    type: bool
    default: false
    version_added: 1.1.0
'''
