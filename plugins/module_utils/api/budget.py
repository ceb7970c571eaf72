# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# Cloudflare's rate limit as one task sees it. The budget is per user (1200 requests per 300 s), shared by
# every task, fork, job, machine and person that uses the credential; every answer says what is left
# (``Ratelimit: "default";r=<left>;t=<seconds to reset>``) and what the policy is
# (``Ratelimit-Policy: "default";q=<quota>;w=<window>``). From those and from what the task itself sends,
# Budget decides how long to wait before each request:
#
# * a share of the quota (the reserve, 10 % by default) is never spent by the collection: it is left to people
#   (the dashboard) and to the requests of tasks that start while the budget is low;
# * of the rest, half may go at once when a window opens; the other half is spread along a line that falls evenly
#   to the reserve at the reset. Every task sees the same ``r`` and the same line, so tasks below the line wait
#   together and one request each goes as it passes: N tasks share the pace about evenly;
# * requests of others show up as ``r`` falling faster than the task spends: their pace, measured between two
#   answers, counts the requests the last answer could not see, so that the reserve stays whole; when it would
#   not, the task waits for the reset;
# * without the headers (an older API, a proxy that strips them) the task paces itself on the documented
#   1200 requests per 300 s, counting only its own requests.
#
# Nothing here sends or sleeps: the client asks for the wait (``delay``), sleeps, says it sends (``sending``),
# and hands over the headers of the answer (``answered``). Clock injected, for the unit tests.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re
import time

# Cloudflare's documented limit per user; the pace when the answers carry no Ratelimit headers.
DOCUMENTED_QUOTA = 1200
DOCUMENTED_WINDOW = 300.0
DOCUMENTED_NAME = 'documented'
# The share of the quota left to people and to other clients, by default.
DEFAULT_RESERVE = 0.1
# The share of the quota above the reserve that may go at once when a window opens; the rest is spread along the
# line. Half: a small task never waits, and a large one leaves room for others through the window.
BURST_SHARE = 0.5
# Two answers whose resets differ by less than this are in the same window (t is in whole seconds).
SAME_WINDOW_SLACK = 1.5
# How fast the estimate of others' pace follows a new measure (0: never, 1: only the latest).
OTHERS_WEIGHT = 0.5
# Beyond the span it was measured over, others are taken to spend at most this share of the line's pace: a burst
# measured over a few milliseconds does not make a task wait for the reset.
OTHERS_CAP = 0.9
# While a task waits for the line, others are taken to spend at most this share of its pace: those that pace
# themselves wait for the same line (a simulation of 4 to 16 tasks found no refusal from 0.5 up, and lost time above).
WAIT_SHARE = 0.5
# The most limits one answer can name that the budget follows (Cloudflare names one).
MAX_LIMITS = 8
# Header values beyond this are nonsense (a reset in 30 years), not a budget.
MAX_NUMBER = 1e9

_TOKEN_RE = re.compile(r"^[A-Za-z*][A-Za-z0-9_\-.:%*/]*\Z")
_NUMBER_RE = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,3})?\Z")


# --- the headers -----------------------------------------------------------------------------------------------

def _split(text, separator):
    """``text`` split on ``separator`` outside double-quoted strings (a backslash escapes inside them)."""
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == '\\':
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append(''.join(current))
            current = []
            continue
        current.append(char)
    parts.append(''.join(current))
    return parts


def _number(text):
    """A structured-field integer or decimal as a float, or None."""
    text = text.strip()
    if not _NUMBER_RE.match(text):
        return None
    value = float(text)
    return value if abs(value) <= MAX_NUMBER else None


def parse_members(value):
    """The members of a structured-field list such as ``"default";r=50;t=30, "burst";r=9;t=1``.

    Returns ``[(name, {parameter: number})]``; a member without a readable name is left out, and so is a
    parameter whose value is not a number. A later parameter of the same name wins, as in RFC 8941.
    """
    if not isinstance(value, str):
        return []
    members = []
    for raw in _split(value, ','):
        parts = _split(raw, ';')
        name = parts[0].strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1]
        elif not _TOKEN_RE.match(name):
            continue
        params = {}
        for part in parts[1:]:
            key, equals, text = part.partition('=')
            number = _number(text) if equals else None
            if key.strip() and number is not None:
                params[key.strip().lower()] = number
        members.append((name, params))
    return members


def _header(headers, name):
    """The value of header ``name`` in any letter case, or None (several lines were joined with ``, ``)."""
    if headers is None:
        return None
    wanted = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted:
            return value
    return None


def read_headers(headers):
    """What an answer says of the budget: ``({name: (left, seconds to reset or None)}, {name: (quota, window)})``.

    Malformed members are left out; the first member of a name counts. ``r`` below 0 is 0, a reset in the past
    is 0 (what it says is for ``_believed_reset``); a policy needs a quota of at least 1 and a window above 0 (or
    none: unknown). Of more than MAX_LIMITS members, the MAX_LIMITS with the least left are kept.
    """
    remaining = {}
    for name, params in parse_members(_header(headers, 'Ratelimit')):
        left, reset = params.get('r'), params.get('t')
        if left is None or name in remaining:
            continue
        remaining[name] = (max(0, int(left)), None if reset is None else max(0.0, reset))
    policies = {}
    for name, params in parse_members(_header(headers, 'Ratelimit-Policy')):
        quota, window = params.get('q'), params.get('w')
        if quota is None or quota < 1 or (window is not None and window <= 0) or name in policies:
            continue
        policies[name] = (int(quota), window)
    if len(remaining) > MAX_LIMITS or len(policies) > MAX_LIMITS:
        # Thousands of members are no budget anyone runs: the tightest few decide, and messages stay short.
        kept = sorted(remaining, key=lambda name: remaining[name][0])[:MAX_LIMITS]
        remaining = dict((name, remaining[name]) for name in kept)
        policies = dict((name, policies[name]) for name in kept if name in policies)
    return remaining, policies


# --- one limit -------------------------------------------------------------------------------------------------

class Limit(object):
    """What the task knows of one limit of its credential's budget, as of its last answer.

    ``left`` requests were left when the answer came (``seen_at``), the window resets at ``reset_at``; ``mine``
    requests were sent since, and ``others_rate`` is the pace (requests per second) at which others spent it
    between the last two answers of the same window.
    """

    def __init__(self, name, quota, window, left, reset_at, seen_at, measured=True):  # pylint: disable=too-many-arguments
        self.name = name
        self.quota = quota
        self.window = window
        self.left = left
        self.reset_at = reset_at
        self.seen_at = seen_at
        self.measured = measured
        self.guessed = False      # the reset is the limit's own guess, not an answer's t (see _believed_reset)
        self.mine = 0
        self.rtt = 0.0
        self.others_rate = None   # None until an answer gave a measure of it
        self.others_span = 0.0    # the seconds that measure spans
        self.measures = 0         # how many measures between two answers of one window went into others_rate
        self.largest_left = left
        self.largest_reset = max(reset_at - seen_at, 0.0)

    # Where no policy names the quota or the window, the largest seen stands in for it.
    def q(self):
        return self.quota or max(self.largest_left + 1, 1)

    def w(self):
        return self.window or max(self.largest_reset, 1.0)

    def update(self, left, reset_at, quota, window, now, rtt):  # pylint: disable=too-many-arguments
        """A new answer: measure others' pace if it is the same window, then take its figures."""
        same_window = reset_at <= self.reset_at + SAME_WINDOW_SLACK and left <= self.left
        elapsed = now - self.seen_at
        if same_window and elapsed > 0:
            others = (self.left - left) - self.mine
            if others >= 0:
                rate = others / elapsed
                if self.measures == 0:
                    self.others_rate = rate    # the first answer's estimate (others_since_opened) gives way
                else:
                    self.others_rate += OTHERS_WEIGHT * (rate - self.others_rate)
                self.others_span = elapsed
                self.measures += 1
        self.quota = quota or self.quota
        self.window = window or self.window
        self.left, self.reset_at, self.seen_at, self.rtt, self.mine = left, reset_at, now, max(rtt, 0.0), 0
        self.largest_left = max(self.largest_left, left)
        self.largest_reset = max(self.largest_reset, reset_at - now)

    def others_since_opened(self, reset):
        """The first answer: what the window spent before this request was others', over the time it has been open.

        The window has been open ``w - t`` seconds, at least 1 (``t`` is whole seconds, rounded either way).
        """
        if self.quota is None or self.window is None:
            return
        opened = max(self.window - reset, self.rtt, 0.001)
        self.others_rate = max(0, self.quota - self.left - 1) / opened
        self.others_span = opened

    def roll(self, now):
        """Past the reset without a newer answer: a new window, whole, opened at the reset.

        Others' pace was measured in a window that is over: it is forgotten until an answer measures it again. Kept,
        it could hold a task that waits for the reset, learns nothing while it waits, and waits again, for ever.
        """
        while now >= self.reset_at:
            # A reset the answers' t did not give (guessed, see _believed_reset) may not be the server's: one request
            # more than the last answer left goes first, and its answer says whether the window is whole again.
            # Taken as whole, the requests of a listing read side by side could all go into the old window.
            probe = self.guessed and now < self.reset_at + self.w()
            self.left = min(self.q(), self.left - self.mine + 1) if probe else self.q()
            self.seen_at, self.mine, self.guessed = self.reset_at, 0, False
            self.reset_at += self.w()
            self.others_rate, self.others_span, self.measures = None, 0.0, 0


class Pace(object):
    """The numbers of one decision for one limit: reserve, burst, the line, what the last answer left.

    ``others`` False leaves other spenders out (for forecasts: what the task could do alone).
    """

    def __init__(self, limit, reserve_share, now, others=True):
        limit.roll(now)
        quota, window = limit.q(), limit.w()
        # Never the whole quota: a quota of one (or a stand-in of one, when every answer said r=0 and no policy) would
        # otherwise leave the task waiting one reset after another until max_retry_wait runs out.
        self.reserve = min(int(math.ceil(reserve_share * quota)), max(quota - 1, 0))
        self.usable = max(quota - self.reserve, 1)
        self.burst = BURST_SHARE * self.usable
        self.fall = self.usable / window       # requests per second the line gives
        self.window = window
        self.to_reset = limit.reset_at - now
        self.margin = min(1.0, window / 50.0)  # t is whole seconds: wake after the reset, never before
        self.left = limit.left - limit.mine    # by the last answer, less what the task sent since
        self._limit = limit
        self._now = now
        self._others = others

    def line(self, to_reset):
        """The least the task leaves above the reserve, ``to_reset`` seconds before the reset."""
        return self.fall * to_reset - self.burst

    def in_flight(self, wait):
        """Others' requests the last answer did not count, by the time a request sent after ``wait`` s arrives.

        Until now (and the request's way there): at the pace measured between the last two answers, but no more than
        others sent in the span it was measured over, or OTHERS_CAP of the line's pace. While the task waits: at most
        WAIT_SHARE of the line's pace, as others that pace themselves wait for the same line.
        """
        limit = self._limit
        if not self._others or limit.others_rate is None:
            return 0.0
        since = max(0.0, self._now - limit.seen_at) + limit.rtt
        sustained = OTHERS_CAP * self.fall
        seen = min(limit.others_rate * since, max(limit.others_rate * limit.others_span, sustained * since))
        return seen + min(limit.others_rate, WAIT_SHARE * self.fall) * wait

    def wait(self):
        """Seconds before one more request: when the line has fallen to what the request leaves above the reserve,
        provided others' requests in flight by then leave the reserve whole; else after the reset.

        Every task sees the same ``r`` and the same line, so tasks below the line wait together, and one request each
        goes when it passes: each of N tasks gets about 1/N of the line's pace.
        """
        after = self.left - 1 - self.reserve       # what the request leaves above the reserve, by the last answer
        wait = 0.0
        if after < max(0.0, self.line(self.to_reset)):
            wait = (self.line(self.to_reset) - after) / self.fall if after >= 0 else self.to_reset
        if wait < self.to_reset and after - self.in_flight(wait) >= 0:
            return wait
        # The reserve would be touched before the line allows the request: only the reset gives requests back.
        return self.to_reset + self.margin

    def time_for(self, count):
        """Least seconds before the ``count``-th request from now may go, others left out (use Pace(others=False))."""
        if count <= 0:
            return 0.0
        in_window = max(0, int(math.floor(self.left)) - self.reserve)
        if count <= in_window:
            # The count-th request goes when the line is down to what it leaves above the reserve.
            at = (self.left - self.reserve - count + self.burst) / self.fall
            return max(0.0, self.to_reset - at)
        rest = count - in_window
        windows = int(math.ceil(float(rest) / self.usable))
        last = rest - (windows - 1) * self.usable
        return (self.to_reset + self.margin + (windows - 1) * (self.window + self.margin)
                + max(0.0, (last - self.burst) / self.fall))


def _believed_reset(reset, left, window, limit, now):
    """(seconds to the reset of one limit, whether they are a guess): as far as an answer's ``t`` can be believed.

    ``t`` is whole seconds: 0 with nothing left is a reset within the next second, so that answers that always say
    ``r=0;t=0`` pace the task instead of holding it until max_retry_wait. A window resets within itself: a ``t`` of 0
    (or below, read as 0) while requests are left, or one beyond the policy's window, says nothing of the reset, and
    the limit keeps the reset it knew while that is ahead, else takes one window from now (the documented one
    without a policy). Believed, a ``t`` of 0 beside a falling ``r`` would have the task spend past the quota, and a
    stuck ``t`` beyond the window would slide the reset ahead at every answer. A block (nothing left) may outlast the
    window; a missing ``t`` is one window.
    """
    if reset is not None and reset <= 0 and left == 0:
        return 1.0, False
    if reset is not None and reset > 0 and (window is None or reset <= window or left == 0):
        return reset, False
    window = window or DOCUMENTED_WINDOW
    if reset is not None and limit is not None and limit.reset_at > now:
        return min(limit.reset_at - now, window), True
    return window, reset is not None


# --- the budget ------------------------------------------------------------------------------------------------

class Budget(object):
    """The task's view of its credential's rate limit: how long to wait before each request, and what it can afford.

    ``reserve`` is the share of the quota never spent (0 to 0.9). ``clock`` is a monotonic clock in seconds.
    """

    def __init__(self, reserve=DEFAULT_RESERVE, clock=time.monotonic):
        self.reserve = reserve
        self._clock = clock
        self.limits = {}

    def _now(self, now):
        return self._clock() if now is None else now

    def delay(self, now=None):
        """Seconds to wait before the next request (0: send now). Every limit must allow it."""
        now = self._now(now)
        return max([Pace(limit, self.reserve, now).wait() for limit in self.limits.values()] or [0.0])

    def sending(self, now=None):
        """Note one request going out; return the time it was sent (for ``answered``).

        The first request of a task without any answer yet opens the documented limit, whole: until an answer
        carries the headers, the task paces itself on 1200 requests per 300 s of its own.
        """
        now = self._now(now)
        if not self.limits:
            self.limits[DOCUMENTED_NAME] = Limit(DOCUMENTED_NAME, DOCUMENTED_QUOTA, DOCUMENTED_WINDOW, DOCUMENTED_QUOTA,
                                                 now + DOCUMENTED_WINDOW, now, measured=False)
        for limit in self.limits.values():
            limit.roll(now)
            limit.mine += 1
        return now

    def answered(self, headers, sent_at, now=None):
        """Learn from the headers of an answer to the request sent at ``sent_at``; True if they said anything."""
        now = self._now(now)
        remaining, policies = read_headers(headers)
        if not remaining:
            return False
        if any(not limit.measured for limit in self.limits.values()):
            self.limits = {}   # the documented stand-in gives way to what the server says
        for name, (left, reset) in remaining.items():
            quota, window = policies.get(name, (None, None))
            if quota is not None:
                left = min(left, quota)
            limit = self.limits.get(name)
            believed, guessed = _believed_reset(reset, left, window, limit, now)
            if limit is None:
                self.limits[name] = limit = Limit(name, quota, window, left, now + believed, now)
                limit.rtt = max(now - sent_at, 0.0)
                limit.others_since_opened(believed)
            else:
                limit.update(left, now + believed, quota, window, now, now - sent_at)
            limit.guessed = guessed
        return True

    def wait_for(self, count, own_interval=0.0, now=None):
        """Least seconds the budget adds to sending ``count`` more requests, beyond the task's own spacing.

        ``own_interval`` is the task's own least spacing of those requests (1 / write_rate for writes). Others are
        left out: a task that cannot finish alone cannot finish with others.
        """
        now = self._now(now)
        if count <= 0:
            return 0.0
        own = (count - 1) * own_interval
        worst = max([Pace(limit, self.reserve, now, others=False).time_for(count)
                     for limit in self.limits.values()] or [0.0])
        if not self.limits:
            worst = self._documented(now, self.reserve).time_for(count)
        return max(0.0, worst - own)

    def affordable(self, seconds, now=None):
        """The most requests the budget lets the task send within ``seconds`` (others left out)."""
        now = self._now(now)
        paces = [Pace(limit, self.reserve, now, others=False) for limit in self.limits.values()] or [self._documented(now, self.reserve)]
        low, high = 0, 1
        while all(pace.time_for(high) <= seconds for pace in paces):
            low, high = high, high * 2
            if high > MAX_NUMBER:
                return int(MAX_NUMBER)
        while high - low > 1:
            middle = (low + high) // 2
            if all(pace.time_for(middle) <= seconds for pace in paces):
                low = middle
            else:
                high = middle
        return low

    @staticmethod
    def _documented(now, reserve):
        return Pace(Limit(DOCUMENTED_NAME, DOCUMENTED_QUOTA, DOCUMENTED_WINDOW, DOCUMENTED_QUOTA,
                          now + DOCUMENTED_WINDOW, now, measured=False), reserve, now, others=False)

    def describe(self, now=None):
        """The budget in words, for messages: ``1200 requests per 300 s (950 left, reset in 120 s, 120 kept in reserve)``."""
        now = self._now(now)
        if not self.limits:
            return '%d requests per %d s (the documented limit: no answer said more), %d kept in reserve' % (
                DOCUMENTED_QUOTA, DOCUMENTED_WINDOW, int(math.ceil(self.reserve * DOCUMENTED_QUOTA)))
        texts = []
        for limit in self.limits.values():
            pace = Pace(limit, self.reserve, now, others=False)
            source = '' if limit.measured else ', the documented limit: no answer carried Ratelimit headers'
            texts.append('%d requests per %d s (%d left, reset in %d s, %d kept in reserve%s)' % (
                limit.q(), limit.w(), max(0, int(pace.left)), int(math.ceil(pace.to_reset)), pace.reserve, source))
        return '; '.join(texts)
