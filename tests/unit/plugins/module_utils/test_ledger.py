# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The host's ledger of a credential (_ledger.py): processes that share it never spend more than quota - reserve in a
window, a holder killed while holding it blocks no one, a ledger that cannot be read is started afresh with a warning,
a directory that cannot be used leaves the headers alone, and the file is 0600 without the credential in it.

The processes are real (multiprocessing, fork) and so is the file; the API is a fixed-window rate limit kept in a file
of its own (``FakeApi``), scaled down to QUOTA requests per WINDOW seconds, with a little latency per answer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fcntl
import json
import math
import multiprocessing
import os
import signal
import stat
import time

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.budget import Budget
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.ledger import (
    FIRST_ANSWER_POLL,
    Ledger,
    ledger_name,
    open_ledger,
)

TOKEN = 'ledger-secret-token-0123456789abcdefghijkl'
AUTH = {'Authorization': 'Bearer ' + TOKEN}
BASE = 'http://api.ledger.test/client/v4'
ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
QUOTA, WINDOW, LATENCY = 20, 1.0, 0.005
RESERVE = 2      # 10 % of QUOTA, rounded up
FORK = multiprocessing.get_context('fork')


class FakeApi(object):
    """Cloudflare's fixed window, kept in a file under its own lock so that every process spends the same one: a
    window opens with the first request after the last one closed; past QUOTA, 429 until the window ends."""

    def __init__(self, directory):
        self.path = os.path.join(str(directory), 'api.json')
        with open(self.path, 'w') as handle:
            json.dump({'opened': None, 'spent': 0, 'window': 0, 'log': []}, handle)

    def admit(self, who):
        with open(self.path, 'r+') as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            state = json.load(handle)
            now = time.monotonic()
            if state['opened'] is None or now >= state['opened'] + WINDOW:
                state['opened'], state['spent'], state['window'] = now, 0, state['window'] + 1
            refused = state['spent'] >= QUOTA
            state['spent'] += 0 if refused else 1
            state['log'].append({'who': who, 'window': state['window'], 'status': 429 if refused else 200})
            handle.seek(0)
            handle.truncate()
            json.dump(state, handle)
            reset = round(state['opened'] + WINDOW - now, 3)
        headers = {'Ratelimit': '"default";r=%d;t=%.3f' % (QUOTA - state['spent'], max(reset, 0.001)),
                   'Ratelimit-Policy': '"default";q=%d;w=%g' % (QUOTA, WINDOW), 'Content-Type': 'application/json'}
        if refused:
            headers['Retry-After'] = '1'
        return (429 if refused else 200), headers

    def log(self):
        with open(self.path) as handle:
            return json.load(handle)['log']


class Answer(object):
    def __init__(self, status, headers):
        self.status_code = status
        self.headers = headers
        self.text = json.dumps({'success': status == 200, 'errors': [], 'messages': [], 'result': {}})
        self.encoding = 'utf-8'

    def iter_content(self, _size):
        yield self.text.encode('utf-8')

    def close(self):
        pass


class Session(object):
    """requests.Session's stand-in: each request spends the fake API's budget, then the answer takes LATENCY."""

    def __init__(self, api, who):
        self.api, self.who, self.headers = api, who, {}

    def request(self, _method, _url, **_kwargs):
        status, headers = self.api.admit(self.who)
        time.sleep(LATENCY)
        return Answer(status, headers)


def client(api, who, directory):
    return CloudflareClient(ACCOUNT, AUTH, base_url=BASE, session=Session(api, who), secrets=(TOKEN,),
                            documented_only=False, max_retry_wait=60,
                            ledger=open_ledger(str(directory), AUTH, BASE, time.monotonic))


def task(api, who, directory, requests, done):
    """One process of the collection: ``requests`` GETs, each paced by the budget and the host's ledger."""
    sender = client(api, who, directory)
    for _request in range(requests):
        sender.request('GET', '/accounts/%s/access/users' % ACCOUNT)
    done.put((who, sender.spending()['api_requests'].get('GET', 0), sender.ledger.warnings))


def person(api, stop):
    """Someone in the dashboard: one request a window, no ledger, no budget."""
    while not stop.is_set():
        api.admit('person')
        stop.wait(WINDOW)


def run_together(tmp_path, processes, requests):
    """``processes`` tasks of ``requests`` requests each, side by side with a person; the fake API's log."""
    api = FakeApi(tmp_path)
    directory = tmp_path / 'ledger'
    done, stop = FORK.Queue(), FORK.Event()
    someone = FORK.Process(target=person, args=(api, stop))
    someone.start()
    tasks = [FORK.Process(target=task, args=(api, 'task%d' % n, directory, requests, done)) for n in range(processes)]
    for each in tasks:
        each.start()
    results = [done.get(timeout=120) for _each in tasks]
    for each in tasks:
        each.join(30)
    stop.set()
    someone.join(30)
    assert sorted(sent for _who, sent, _warnings in results) == [requests] * processes
    assert [warnings for _who, _sent, warnings in results] == [[]] * processes
    return api.log()


def per_window(log, who):
    counts = {}
    for entry in log:
        if who(entry['who']):
            counts[entry['window']] = counts.get(entry['window'], 0) + 1
    return counts


@pytest.mark.parametrize('processes, requests', [(2, 30), (12, 5)])
def test_processes_sharing_a_ledger_never_spend_the_reserve(tmp_path, processes, requests):
    log = run_together(tmp_path, processes, requests)
    assert [entry for entry in log if entry['status'] == 429] == []
    tasks = per_window(log, lambda who: who.startswith('task'))
    assert max(tasks.values()) <= QUOTA - RESERVE
    # The tasks' requests took about the least number of windows the budget allows (one more for the rounding).
    assert len(tasks) <= int(math.ceil(processes * requests / float(QUOTA - RESERVE))) + 2


def test_tasks_starting_together_wait_for_the_first_answer_of_the_host(tmp_path):
    clock = [100.0]
    first, second = (Ledger(str(tmp_path / ledger_name(AUTH, BASE)), lambda: clock[0]) for _n in range(2))
    delay, now = first.reserve(Budget(clock=lambda: clock[0]), 0.001)
    assert (delay, now) == (0.0, 100.0)
    # No answer has said what the budget is: the second task waits for the first's answer, polling.
    assert second.reserve(Budget(clock=lambda: clock[0]), 0.001)[0] == FIRST_ANSWER_POLL
    headers = {'Ratelimit': '"default";r=3;t=9', 'Ratelimit-Policy': '"default";q=40;w=10'}
    clock[0] = 100.2
    assert first.answered(Budget(clock=lambda: clock[0]), headers, 100.0)
    # r=3 is below the reserve of 4: the second task, which has never had an answer, waits for the reset.
    budget = Budget(clock=lambda: clock[0])
    assert second.reserve(budget, 0.001)[0] == pytest.approx(9.0 + 0.2)
    assert budget.limits['default'].left == 3


def test_requests_of_the_host_in_flight_count_as_spent_by_every_task(tmp_path):
    clock = [100.0]
    ledgers = [Ledger(str(tmp_path / 'l.json'), lambda: clock[0]) for _n in range(2)]
    budgets = [Budget(clock=lambda: clock[0]) for _n in range(2)]
    headers = {'Ratelimit': '"default";r=30;t=10', 'Ratelimit-Policy': '"default";q=40;w=10'}
    assert ledgers[0].reserve(budgets[0], 0.001)[0] == 0.0
    ledgers[0].answered(budgets[0], headers, 100.0)
    for _n in range(5):
        clock[0] += 0.1
        assert ledgers[0].reserve(budgets[0], 0.001)[0] == 0.0
        budgets[0].sending(clock[0])
    # The other task has had no answer; it counts the five requests of the first that no answer counted yet, and its
    # own that goes now.
    assert ledgers[1].reserve(budgets[1], 0.001)[0] == 0.0
    assert budgets[1].limits['default'].left == 30 and budgets[1].limits['default'].mine == 5
    assert ledgers[0].reserve(budgets[0], 0.001)[0] == 0.0 and budgets[0].limits['default'].mine == 6


def test_a_429_holds_every_task_of_the_host(tmp_path):
    clock = [100.0]
    ledgers = [Ledger(str(tmp_path / 'l.json'), lambda: clock[0]) for _n in range(2)]
    ledgers[0].reserve(Budget(clock=lambda: clock[0]), 0.001)
    ledgers[0].answered(Budget(clock=lambda: clock[0]), {}, 100.0, refused_for=30.0)
    assert ledgers[1].reserve(Budget(clock=lambda: clock[0]), 0.001)[0] == pytest.approx(30.0)


def test_the_hold_of_a_429_is_named_in_the_message_of_the_task_it_stops(tmp_path):
    clock = [100.0]
    ledgers = [Ledger(str(tmp_path / 'l.json'), lambda: clock[0]) for _n in range(2)]
    ledgers[0].answered(Budget(clock=lambda: clock[0]), {}, 100.0, refused_for=30.0)
    assert ledgers[1].hold_note() == ''   # nothing read yet
    ledgers[1].reserve(Budget(clock=lambda: clock[0]), 0.001)
    assert 'answered HTTP 429' in ledgers[1].hold_note() and '(30 s more;' in ledgers[1].hold_note()
    clock[0] = 131.0
    assert ledgers[1].hold_note() == ''


def test_a_request_that_failed_without_an_answer_is_waited_for_no_longer(tmp_path):
    clock = [100.0]
    first, second = (Ledger(str(tmp_path / 'l.json'), lambda: clock[0]) for _n in range(2))
    assert first.reserve(Budget(clock=lambda: clock[0]), 0.001)[0] == 0.0
    assert second.reserve(Budget(clock=lambda: clock[0]), 0.001)[0] > 0.001   # the first answer is awaited
    first.answered(Budget(clock=lambda: clock[0]), {}, 100.0)               # what the client says of no answer
    assert second.reserve(Budget(clock=lambda: clock[0]), 0.001)[0] == 0.0


def hold(path, held):
    ledger = Ledger(path, time.monotonic)
    with ledger._locked():
        held.set()
        time.sleep(600)


def test_a_holder_killed_while_holding_the_lock_blocks_no_one(tmp_path):
    path = str(tmp_path / ledger_name(AUTH, BASE))
    held = FORK.Event()
    holder = FORK.Process(target=hold, args=(path, held))
    holder.start()
    assert held.wait(30)
    with open(path) as handle:
        with pytest.raises(BlockingIOError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(30)
    ledger = Ledger(path, time.monotonic)
    assert ledger.reserve(Budget(), 0.001)[0] == 0.0
    assert ledger.usable and ledger.warnings == []


@pytest.mark.parametrize('content, why', [
    (b'{"format": 1, "sends": [1.0, 2', 'it is not readable JSON'),
    (b'[1, 2, 3]', 'not a ledger of this format'),
    (b'{"format": 1, "sends": ["x"], "seen": null}', 'its requests are unreadable'),
    (b'{"format": 1, "sends": [99999999.0], "seen": null}', 'written before the clock started again'),
    (b'{"format": 1, "sends": [], "seen": null, "plain_at": null, "blocked_until": 99999999.0}', 'another boot'),
])
def test_a_corrupt_or_stale_ledger_is_started_afresh_with_a_warning(tmp_path, content, why):
    path = tmp_path / 'l.json'
    path.write_bytes(content)
    path.chmod(0o600)
    ledger = Ledger(str(path), lambda: 100.0)
    assert ledger.reserve(Budget(clock=lambda: 100.0), 0.001)[0] == 0.0
    assert len(ledger.warnings) == 1 and why in ledger.warnings[0] and 'started afresh' in ledger.warnings[0]
    assert json.loads(path.read_text())['sends'] == [100.0]


def test_without_a_usable_directory_the_task_paces_on_the_headers_alone_and_says_so(tmp_path):
    (tmp_path / 'file').write_text('not a directory')
    ledger = open_ledger(str(tmp_path / 'file' / 'ledgers'), AUTH, BASE, time.monotonic)
    assert not ledger.usable and 'paces itself on Cloudflare\'s Ratelimit headers alone' in ledger.warnings[0]
    sender = CloudflareClient(ACCOUNT, AUTH, base_url=BASE, session=Session(FakeApi(tmp_path), 'task'),
                              documented_only=False, ledger=ledger)
    sender.request('GET', '/x')
    assert sender.budget.limits['default'].left == QUOTA - 1
    shared = tmp_path / 'shared'
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    assert 'writable by others' in open_ledger(str(shared), AUTH, BASE, time.monotonic).warnings[0]
    assert open_ledger('', AUTH, BASE, time.monotonic) is None


def test_a_symlink_in_place_of_the_ledger_is_refused_and_the_task_goes_on(tmp_path):
    directory = tmp_path / 'ledgers'
    directory.mkdir(mode=0o700)
    target = tmp_path / 'elsewhere'
    target.write_text('')
    (directory / ledger_name(AUTH, BASE)).symlink_to(target)
    sender = client(FakeApi(tmp_path), 'task', directory)
    sender.request('GET', '/x')
    assert not sender.ledger.usable and 'cannot be used' in sender.ledger.warnings[0]
    assert target.read_text() == '' and sender.budget.limits['default'].left == QUOTA - 1


def test_the_ledger_is_0600_in_a_0700_directory_and_holds_no_credential(tmp_path):
    directory = tmp_path / 'private' / 'ledgers'
    sender = client(FakeApi(tmp_path), 'task', directory)
    sender.request('GET', '/x')
    sender.request('GET', '/x')
    assert stat.S_IMODE(os.stat(str(directory)).st_mode) == 0o700
    (path,) = directory.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert TOKEN not in path.name and TOKEN not in path.read_text()
    assert path.name == ledger_name(AUTH, BASE) and path.name != ledger_name(AUTH, 'http://other.test/client/v4')
    state = json.loads(path.read_text())
    assert len(state['sends']) == 2 and state['seen']['ratelimit'].startswith('"default";r=')


def test_headers_too_long_to_share_are_learnt_by_the_task_alone(tmp_path):
    sender = client(FakeApi(tmp_path), 'task', tmp_path / 'ledgers')
    members = ', '.join('"m%d";r=5;t=9' % n for n in range(400))
    sender._answered({'Ratelimit': '"default";r=2;t=9, ' + members}, sender.budget.sending())
    assert sender.budget.limits['default'].left == 2
    (path,) = (tmp_path / 'ledgers').iterdir()
    assert json.loads(path.read_text())['seen'] is None
