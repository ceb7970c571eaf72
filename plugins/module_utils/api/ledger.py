# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# One ledger per credential on each host: what every process of the collection on this machine (forks of a job, jobs
# side by side, ad-hoc runs) has sent with one credential, and the freshest Ratelimit headers any of them read. The
# headers count what other machines and people spend; the ledger counts what this host has in flight that no answer
# has counted yet. Before each request the client (_client.py) asks ``reserve``: under an advisory lock (flock) the
# ledger is read, the task's Budget (_budget.py) learns the freshest answer of the host and how many of the host's
# requests it has not counted, the Budget decides the wait, and a request that may go is written down. The lock is
# held for that decision only, never across a request or a sleep, and is released with the process that holds it.
#
# The file holds times (the client's monotonic clock, the same for every process of one boot), Ratelimit header
# values and nothing else; its name is a hash of the credential and of the API's origin, never the credential. A
# ledger that cannot be read or is from another boot is started afresh, with a warning; without a usable directory
# the task paces itself on the headers alone, with a warning.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import hashlib
import json
import os
import stat
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover  (not a POSIX host)
    HAS_FCNTL = False

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.budget import read_headers

ENV_LEDGER = 'CLOUDFLARE_OPS_RATE_LIMIT_LEDGER'
DEFAULT_DIRECTORY = '~/.ansible/tmp/cloudflare_ops'
# The hash of a credential names its ledger; the prefix keeps it from being the hash of the credential alone.
KEY_PREFIX = b'cloudflare_ops.zero_trust rate-limit ledger 1\n'
FORMAT = 1
# Header values longer than this are not shared (a header of thousands of members): the task still reads them itself.
MAX_HEADER = 4096
# While no answer of the host has carried the headers, a request sent this recently is awaited before another goes:
# tasks that start together would otherwise all send their first request into a budget none of them has seen.
FIRST_ANSWER_WAIT = 5.0
FIRST_ANSWER_POLL = 0.05
# Requests older than this (seconds) are forgotten unless a window of the budget is longer; and at most this many.
KEPT_SECONDS = 300.0
MAX_SENDS = 20000
# A time this far ahead of the clock was written by another boot (the monotonic clock started again); and a 429's hold
# this far ahead too (Cloudflare's block lasts five minutes).
FUTURE_SLACK = 5.0
MAX_HOLD = 3600.0


def ledger_name(auth_headers, base_url):
    """The file name of a credential's ledger: a hash of the authentication headers and of the API's base URL (the
    emulator and Cloudflare do not share a budget), never the credential itself."""
    digest = hashlib.sha256(KEY_PREFIX)
    digest.update(base_url.rstrip('/').encode('utf-8') + b'\n')
    for name, value in sorted(auth_headers.items()):
        digest.update(('%s: %s\n' % (name.lower(), value)).encode('utf-8'))
    return 'ratelimit-%s.json' % digest.hexdigest()


def open_ledger(directory, auth_headers, base_url, clock=time.monotonic):
    """The Ledger of this credential, or None when ``directory`` is '' (the ledger turned off). None is the default,
    private per-user directory. Without a usable directory the Ledger is not ``usable`` and its warning says so."""
    if directory == '':
        return None
    directory = os.path.expanduser(DEFAULT_DIRECTORY if directory is None else directory)
    ledger = Ledger(os.path.join(directory, ledger_name(auth_headers, base_url)), clock)
    problem = _directory_problem(directory) if HAS_FCNTL else 'this host has no fcntl'
    if problem:
        ledger.usable = False
        ledger.warnings.append(
            'The rate-limit ledger cannot be kept in %s (%s): this task paces itself on Cloudflare\'s Ratelimit headers '
            'alone, and cannot count what other tasks on this host have in flight. Set rate_limit_ledger to a private '
            'directory, or to an empty string to turn the ledger off' % (directory, problem))
    return ledger


def _directory_problem(directory):
    """Why ``directory`` cannot hold ledgers (made 0700 when missing), or None."""
    try:
        if not os.path.lexists(directory):
            try:
                os.makedirs(directory, 0o700)
            except OSError as exc:
                if exc.errno != errno.EEXIST:   # forks that start together make it side by side
                    raise
        info = os.stat(directory)
    except OSError as exc:
        return exc.strerror or str(exc)
    if not stat.S_ISDIR(info.st_mode):
        return 'not a directory'
    if info.st_uid != os.geteuid():
        return 'owned by another user'
    if info.st_mode & 0o022:
        return 'writable by others'
    if not os.access(directory, os.W_OK | os.X_OK):
        return 'not writable'
    return None


def _fresh():
    return {'format': FORMAT, 'sends': [], 'seen': None, 'plain_at': None, 'blocked_until': None}


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _state_problem(state, now):
    """Why ``state`` (decoded JSON) is not a ledger of this boot, or None."""
    if not isinstance(state, dict) or state.get('format') != FORMAT:
        return 'not a ledger of this format'
    sends, seen = state.get('sends'), state.get('seen')
    if not isinstance(sends, list) or not all(_number(t) for t in sends):
        return 'its requests are unreadable'
    times = list(sends)
    if seen is not None:
        if not (isinstance(seen, dict) and _number(seen.get('sent_at')) and _number(seen.get('seen_at'))
                and isinstance(seen.get('ratelimit'), str) and isinstance(seen.get('policy'), str)):
            return 'its last answer is unreadable'
        times += [seen['sent_at'], seen['seen_at']]
    for key in ('plain_at', 'blocked_until'):
        if state.get(key) is not None and not _number(state[key]):
            return 'its %s is unreadable' % key
    if state.get('plain_at') is not None:
        times.append(state['plain_at'])
    if any(t > now + FUTURE_SLACK for t in times) or (state.get('blocked_until') or 0) > now + MAX_HOLD:
        return 'it was written before the clock started again (another boot)'
    return None


class Ledger(object):
    """The ledger file of one credential; every method runs under its lock and is given the task's Budget. ``clock`` is
    the budget's (the client sets its own). ``warnings`` collects what the task must say (a ledger started afresh, a
    ledger given up)."""

    def __init__(self, path, clock=time.monotonic):
        self.path = path
        self.clock = clock
        self.usable = True
        self.warnings = []
        self._learnt_sent_at = None   # when the request of the last answer the budget learnt from was sent
        self._blocked_until = None    # the host's 429 hold as last read

    # --- the file --------------------------------------------------------------------

    def _open(self):
        """A descriptor of the ledger, created 0600 when missing; a symlink, or a file that is not the user's own or
        that others may read, is refused (OSError)."""
        flags = os.O_RDWR | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
        try:
            fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
            fd = os.open(self.path, flags)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            os.close(fd)
            raise OSError(errno.EPERM, 'not a regular file of this user with mode 0600')
        return fd

    @contextlib.contextmanager
    def _locked(self):
        """(the state, a function that writes it) under the file's lock; released on leaving, or with the process."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self._read(fd), lambda state: self._write(fd, state)
        finally:
            os.close(fd)   # closing releases the lock

    def _read(self, fd):
        raw = b''
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            raw += chunk
        if not raw:
            return _fresh()
        now = self.clock()
        try:
            state = json.loads(raw.decode('utf-8'))
        except ValueError:
            state, problem = None, 'it is not readable JSON'
        else:
            problem = _state_problem(state, now)
        if problem:
            self.warnings.append('The rate-limit ledger %s was started afresh: %s. What other tasks on this host had in '
                                 'flight was not counted for a moment' % (self.path, problem))
            return _fresh()
        return state

    @staticmethod
    def _write(fd, state):
        data = json.dumps(state, separators=(',', ':'), sort_keys=True).encode('utf-8')
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        while data:
            data = data[os.write(fd, data):]

    def _give_up(self, exc):
        self.usable = False
        self.warnings.append('The rate-limit ledger %s cannot be used (%s): the rest of this task paces itself on '
                             'Cloudflare\'s Ratelimit headers alone' % (self.path, exc.strerror or exc))

    # --- what the client asks --------------------------------------------------------

    def reserve(self, budget, floor):
        """(seconds to wait, now): the wait before one more request, the host's ledger and answers counted; a request
        that may go (a wait of at most ``floor``) is written down before the lock is released."""
        try:
            with self._locked() as (state, write):
                now = self.clock()
                self._learn(budget, state, now)
                delay = max(budget.delay(now), self._host_wait(budget, state, now))
                if delay <= floor:
                    state['sends'] = _kept(state['sends'], budget, now) + [round(now, 6)]
                    write(state)
                return delay, now
        except OSError as exc:
            self._give_up(exc)
            now = self.clock()
            return budget.delay(now), now

    def answered(self, budget, headers, sent_at, refused_for=None):
        """Note the answer to the request sent at ``sent_at`` for every task of the host (the freshest-sent answer
        counts), and let the budget learn from the freshest. ``refused_for``: the seconds of a 429's Retry-After, which
        hold every task of the host. False if the ledger cannot be used (the client falls back on the budget alone)."""
        try:
            with self._locked() as (state, write):
                now = self.clock()
                seen = _shared(headers, sent_at, now)
                latest = state['seen']
                if seen is not None and (latest is None or sent_at > latest['sent_at']):
                    state['seen'] = seen
                elif seen is None and not read_headers(headers)[0]:
                    state['plain_at'] = round(now, 6)
                if refused_for is not None:
                    state['blocked_until'] = max(state['blocked_until'] or 0.0, round(now + refused_for, 6))
                write(state)
                if seen is None and read_headers(headers)[0]:
                    # Headers too long to share: the task learns them alone (False), and no older shared answer after.
                    self._learnt_sent_at = max(self._learnt_sent_at or sent_at, sent_at)
                    return False
                self._learn(budget, state, now)
                return True
        except OSError as exc:
            self._give_up(exc)
            return False

    # --- the decision ----------------------------------------------------------------

    def _learn(self, budget, state, now):
        """Bring the budget up to the host's freshest answer, and count as the task's own (``mine``) every request of
        the host that answer did not count: the budget then sees others (other machines, people) alone."""
        seen, sends = state['seen'], state['sends']
        if seen is not None and (self._learnt_sent_at is None or seen['sent_at'] > self._learnt_sent_at):
            since = -1.0 if self._learnt_sent_at is None else self._learnt_sent_at
            between = sum(1 for t in sends if since < t <= seen['sent_at'])
            for limit in budget.limits.values():
                limit.mine = between    # the host's requests between the two answers are not others'
            headers = {'Ratelimit': seen['ratelimit'], 'Ratelimit-Policy': seen['policy']}
            budget.answered(headers, seen['sent_at'], now=max(seen['seen_at'], seen['sent_at']))
            self._learnt_sent_at = seen['sent_at']
        for limit in budget.limits.values():
            seen_at = limit.seen_at
            limit.roll(now)
            if limit.seen_at != seen_at or not limit.measured or self._learnt_sent_at is None:
                # A window that opened since the last answer (or the documented stand-in): what the host sent in it.
                limit.mine = sum(1 for t in sends if t >= limit.seen_at)
            else:
                limit.mine = sum(1 for t in sends if t > self._learnt_sent_at)

    def hold_note(self):
        """For a message: the 429 of a task of this host that holds every task of the credential, or ''."""
        held = (self._blocked_until or 0.0) - self.clock()
        if held <= 0:
            return ''
        return ('; a task of this host was answered HTTP 429, and every task of this credential on the host waits out '
                'its Retry-After (%.0f s more; the rate-limit ledger %s)' % (held, self.path))

    def _host_wait(self, budget, state, now):
        """What the ledger adds to the budget's wait: a 429 another task of the host was given, and, before any answer
        of the host carried the headers, the first answer of a request in flight (a request that failed without an
        answer counts as answered: nothing more will come of it)."""
        self._blocked_until = state['blocked_until']
        wait = max(0.0, (state['blocked_until'] or 0.0) - now)
        measured = any(limit.measured for limit in budget.limits.values())
        if not measured and state['seen'] is None and state['plain_at'] is None:
            if any(now - FIRST_ANSWER_WAIT < t <= now for t in state['sends']):
                wait = max(wait, FIRST_ANSWER_POLL)
        return wait


def _shared(headers, sent_at, now):
    """What an answer's budget headers say, as the ledger keeps it, or None (no Ratelimit header, or one too long)."""
    if not read_headers(headers)[0]:
        return None
    values = dict((key.lower(), value) for key, value in headers.items() if isinstance(key, str))
    ratelimit, policy = values.get('ratelimit'), values.get('ratelimit-policy') or ''
    if not isinstance(ratelimit, str) or not isinstance(policy, str) or max(len(ratelimit), len(policy)) > MAX_HEADER:
        return None
    return {'sent_at': round(sent_at, 6), 'seen_at': round(now, 6), 'ratelimit': ratelimit, 'policy': policy}


def _kept(sends, budget, now):
    """The requests still worth counting: those of the longest window the budget knows (at least KEPT_SECONDS)."""
    span = max([KEPT_SECONDS] + [limit.w() for limit in budget.limits.values()])
    return [t for t in sends if t > now - span][-MAX_SENDS:]
