# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# Listings: reading a page/per_page list to its end, and the checks that keep a listing that contradicts
# itself, or that the rate limit cannot afford, from being acted on. The client (api/client.py) gets them as
# the Paginator it is built on.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    NOTHING_WRITTEN,
    CloudflareBudgetError,
    CloudflareError,
    CloudflareLimitError,
    CloudflareListingError,
    CloudflareResponseError,
)

LIST_PAGE_SIZE = 1000
# How many contradictions of a listing a message names (the failure's ``problems`` hold them all).
PROBLEMS_NAMED = 5
# A listing reads at most ceil(total_count / items on page 1) pages plus this slack (users added
# while it runs); without a total_count on page 1, at most MAX_PAGES_UNBOUNDED pages.
PAGE_SLACK_MIN = 2
PAGE_SLACK_RATIO = 0.1
MAX_PAGES_UNBOUNDED = 200


class Paginator(object):
    """What CloudflareClient knows of listings: ``paginate`` and its checks. It uses the client's ``request``,
    ``budget`` (under ``_lock``), ``redactor``, ``_error`` and ``list_concurrency`` (how many pages may be read at
    once)."""

    def paginate(self, path, params=None, keep=None, key=None, complete=True):
        """Every item of a ``page``/``per_page`` list, asking for pages of 1000.

        Page 1 is read first; once it says how many pages there are, pages 2 to that number are read up to
        ``list_concurrency`` at a time (see _PageReader), each request sent like any other (the budget, retries),
        and every page is checked and merged in page order, as if read one after the other. The result is in the API's
        order; a listing that contradicts itself fails with the same messages either way.

        Ends at an empty page, at ``result_info.total_count`` items, or, without a total_count, at a page shorter
        than ``per_page`` that ``total_pages`` calls the last (a full page is never taken for the last on the word of
        total_pages alone). A listing that goes on past the page bound (from page 1's ``total_count`` and item count,
        plus slack) fails. A failure on a later page says which page.

        Each page is checked against its result_info (page_problems). A listing that contradicts itself may be
        incomplete: with ``complete`` (for tasks that act on the listing) it fails with CloudflareListingError once
        read; else the items come back as a Listing whose ``problems`` say what contradicts itself. A listing that
        announces more pages than the rate limit lets the task read within max_retry_wait, or whose page holds fewer
        items than the page size it states while it announces more pages, fails at once, before the next page (see
        _check_listing).

        ``key(raw_item)`` names an item (default: its ``id`` when that is a non-empty string). Items
        seen twice (a record that moved from the end of one page to the start of the next while the
        account changed) are one item: the later copy, which is the fresher, at the first copy's
        position. Items whose key is None are all kept. ``keep`` may reduce each item (to hold less
        of a large account in memory); it sees the raw item, after ``key``.
        """
        key = _default_key if key is None else key
        items = Listing(path)
        position = {}
        page = 1
        first_keys = set()
        max_pages = None
        stated = {}       # the last total_count and total_pages a page stated
        reader = _PageReader(self, path, params, key, keep)
        try:
            while True:
                try:
                    result, result_info = reader.page(page)
                except CloudflareError as exc:
                    raise self._on_page(exc, page, len(items))
                if result is None:
                    raise self._error(
                        CloudflareResponseError,
                        'The Cloudflare API answered GET %s (page %d) with a "result" that is not a list' % (path, page),
                        method='GET', path=path)
                info, problems = result_info_numbers(result_info)
                if not result:
                    items.found(page, problems + page_problems(page, 0, info, len(items), stated))
                    break
                if max_pages is None:
                    first_total, first_size = info.get('total_count'), len(result)
                    max_pages = _page_bound(first_total, len(result))
                # A server that ignores ``page`` would return page 1 forever: stop that early.
                marker = result[0][0]
                if marker is not None:
                    if marker in first_keys:
                        raise self._error(
                            CloudflareResponseError,
                            'The Cloudflare API returned the same items for page %d of GET %s as for an earlier page: '
                            'pagination is not advancing' % (page, path),
                            method='GET', path=path)
                    first_keys.add(marker)
                for identity, item in result:
                    if identity is not None and identity in position:
                        items[position[identity]] = item
                        continue
                    if identity is not None:
                        position[identity] = len(items)
                    items.append(item)
                items.found(page, problems + page_problems(page, len(result), info, len(items), stated))
                stated.update((k, info[k]) for k in ('total_count', 'total_pages') if k in info)
                if last_page(page, len(result), info, len(items), stated):
                    break
                self._check_listing(path, page, len(result), info)
                if page >= max_pages:
                    raise self._error(
                        CloudflareLimitError,
                        'The Cloudflare API listing GET %s did not end after %d pages (%d items so far; page 1 held %d '
                        'of total_count=%s): the server keeps announcing more pages' % (
                            path, page, len(items), first_size, 'none' if first_total is None else first_total),
                        method='GET', path=path)
                if page == 1:
                    # Page 1 says how many pages there are: the rest are read several at a time (within the bound).
                    reader.read_ahead(min(_fewest_pages(info, first_size), max_pages))
                page += 1
        finally:
            reader.close()
        if complete and items.problems:
            shown = '; '.join(items.problems[:PROBLEMS_NAMED])
            if len(items.problems) > PROBLEMS_NAMED:
                shown += '; and %d more' % (len(items.problems) - PROBLEMS_NAMED)
            raise self._error(
                CloudflareListingError, 'The Cloudflare API listing GET %s contradicts itself, so the task does not act '
                'on it (%s): %s. Its pages may hold more or fewer users than it says; run the task again, and if the '
                'listing still contradicts itself, tell Cloudflare' % (path, NOTHING_WRITTEN, self.redactor.short(shown, 1000)),
                method='GET', path=path, status=200, problems=self.redactor.data(items.problems))
        return items

    def _on_page(self, exc, page, listed):
        """A failure of a listing's later page, saying which (the first page is the listing itself)."""
        if page > 1:
            exc.message = '%s (page %d of the listing, %d items read before it)' % (exc.message, page, listed)
            exc.args = (exc.message,)
        return exc

    def _check_listing(self, path, page, held, info):
        """Stop a listing at once, before the next page, when what it announces cannot be or contradicts itself.

        A page that holds fewer items than the ``per_page`` the server states, while more pages are announced,
        contradicts itself; a listing whose announced pages cost more requests than the budget lets the task send
        within max_retry_wait cannot be read. Either way the message says what reading it would cost.
        """
        announced = _announced_pages(info)
        if announced is None or announced <= page:
            return
        more = announced - page
        total, per_page = info.get('total_count'), info.get('per_page')
        cost = '%d more request%s (total_count=%s, total_pages=%s)' % (
            more, '' if more == 1 else 's', 'none' if total is None else total, announced)
        if per_page is not None and 0 <= held < per_page:
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API listing GET %s contradicts itself: page %d holds %d item%s where the server states '
                'per_page=%d, and it announces more pages; reading them would cost %s' % (
                    path, page, held, '' if held == 1 else 's', per_page, cost),
                method='GET', path=path)
        with self._lock:   # pages read ahead spend the budget meanwhile
            affordable = self.budget.affordable(self._budget_left())
            described = self.budget.describe()
        if more > affordable:
            raise self._error(
                CloudflareBudgetError,
                'The Cloudflare API listing GET %s announces %s: Cloudflare\'s rate limit lets this task send at most %d '
                'more within max_retry_wait=%s s (%.0f s waited already), so it stops after page %d. The budget: %s' % (
                    path, cost, affordable, self.max_retry_wait, self.waited, page, described),
                method='GET', path=path, waited=self.waited)


class _PageReader(object):
    """The pages of one listing, each as (its items as (key, kept item) pairs, or None when the answer's ``result`` is
    not a list; its result_info), reduced as it arrives: ``keep`` runs on each page as soon as it is read.

    A page is read when asked for, unless read_ahead(last) said how many there are: then pages 2 to ``last`` are read
    by up to ``client.list_concurrency`` threads, never more pages beyond the one asked for than that (so that no more
    pages are held at once), and handed over in page order whatever order they arrive in. Once a page failed, no
    further page is sent; those already sent are waited for (close) and dropped.
    """

    def __init__(self, client, path, params, key, keep):  # pylint: disable=too-many-arguments
        self._client = client
        self._path = path
        self._params = params
        self._key = key
        self._keep = keep
        self._pool = None
        self._ahead = {}        # page -> the Future of its reading
        self._next = 2          # the next page to send ahead
        self._last = 1          # the last page to read ahead
        self._failed = False

    def read_ahead(self, last):
        """Pages 2 to ``last`` may be read ahead, several at a time."""
        width = self._client.list_concurrency
        if width > 1 and last > 1:
            self._last = last
            self._pool = ThreadPoolExecutor(max_workers=min(width, last - 1))

    def page(self, number):
        """Page ``number`` (pages are asked for in order, from 1): (items, result_info); a failure of its request is
        raised here."""
        if self._pool is None or number > self._last:
            return self._read(number)
        width = self._client.list_concurrency
        while not self._failed and self._next <= self._last and self._next < number + width:
            self._ahead[self._next] = self._pool.submit(self._read_ahead, self._next)
            self._next += 1
        future = self._ahead.pop(number, None)
        return self._read(number) if future is None else future.result()

    def close(self):
        """Stop reading ahead: pages not sent yet never are; those under way are waited for, and dropped."""
        if self._pool is None:
            return
        for future in self._ahead.values():
            future.cancel()
        self._ahead = {}
        self._pool.shutdown(wait=True)
        self._pool = None

    def _read_ahead(self, number):
        try:
            return self._read(number)
        except BaseException:
            self._failed = True
            raise

    def _read(self, number):
        query = dict(self._params or {})
        query.update(page=number, per_page=LIST_PAGE_SIZE)
        envelope = self._client.request('GET', self._path, params=query)
        result = envelope.get('result')
        if not isinstance(result, list):
            return None, envelope.get('result_info')
        key, keep = self._key, self._keep
        return [(key(raw), raw if keep is None else keep(raw)) for raw in result], envelope.get('result_info')


class Listing(list):
    """The items of a listing (paginate), with ``problems``: what its pages contradict (empty for a sound one), each
    phrase once with the pages it was found on ("pages 1, 2: ...")."""

    def __init__(self, path):
        super(Listing, self).__init__()
        self.path = path
        self._pages = {}

    def found(self, page, problems):
        for problem in problems:
            self._pages.setdefault(problem, []).append(page)

    @property
    def problems(self):
        return ['page%s %s: %s' % ('s' if len(pages) > 1 else '', ', '.join(str(p) for p in pages), problem)
                for problem, pages in self._pages.items()]


# The numbers of result_info (all optional in the API).
RESULT_INFO_COUNTS = ('count', 'page', 'per_page', 'total_count', 'total_pages')


def result_info_numbers(result_info):
    """(the counts of a page's result_info that are present, as ints; what is wrong with the others). A count that
    is not a whole number from 0 up is a problem, not a count; null or absent is absent."""
    numbers, problems = {}, []
    if not isinstance(result_info, dict):
        return numbers, ([] if result_info is None else ['result_info is not an object'])
    for name in RESULT_INFO_COUNTS:
        value = result_info.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or value < 0 or value != int(value):
            problems.append('result_info.%s is not a count (got %s)' % (name, json.dumps(value)[:40]))
            continue
        numbers[name] = int(value)
    return numbers, problems


def page_problems(page, size, info, listed, stated):
    """What page ``page`` of a listing contradicts, as phrases: the one place where a page is checked against its
    result_info (``info``, see result_info_numbers), the distinct users listed up to and with it (``listed``) and what
    the pages before it stated (``stated``: total_count, total_pages). A page of ``size`` items."""
    problems = []
    per_page = info.get('per_page')
    total_count = info.get('total_count', stated.get('total_count'))
    total_pages = info.get('total_pages', stated.get('total_pages'))
    if 'count' in info and info['count'] != size:
        problems.append('result_info.count=%d, but the page holds %d' % (info['count'], size))
    if 'page' in info and info['page'] != page:
        problems.append('result_info.page=%d' % info['page'])
    if per_page is not None and size > per_page:
        problems.append('the page holds %d, more than per_page=%d' % (size, per_page))
    if per_page and 'total_count' in info and 'total_pages' in info:
        expected = int(math.ceil(float(info['total_count']) / per_page))
        if info['total_pages'] != expected and not (info['total_count'] == 0 and info['total_pages'] <= 1):
            problems.append('total_pages=%d does not match total_count=%d at per_page=%d' % (
                info['total_pages'], info['total_count'], per_page))
    if size and per_page is not None and size < per_page and total_pages is not None and page < total_pages:
        problems.append('the page holds %d, fewer than per_page=%d, while total_pages=%d announces more pages' % (
            size, per_page, total_pages))
    if size and total_pages is not None and page > total_pages:
        problems.append('holds users although total_pages=%d' % total_pages)
    if total_count is not None and listed > total_count:
        problems.append('more users than total_count=%d (%d listed so far)' % (total_count, listed))
    if not size and total_count is not None and listed < total_count:
        problems.append('empty while total_count=%d says %d more' % (total_count, total_count - listed))
    elif not size and total_count is None and total_pages is not None and page <= total_pages:
        problems.append('empty while total_pages=%d' % total_pages)
    return problems


def last_page(page, size, info, listed, stated):
    """Whether a listing ends after this page (of ``size`` items, ``listed`` in all): at total_count, or without
    one, at a page shorter than per_page that total_pages calls the last. A full page is never the last on the word
    of total_pages alone: the next page, empty or not, says."""
    total_count = info.get('total_count', stated.get('total_count'))
    if total_count is not None:
        return listed >= total_count
    per_page = info.get('per_page')
    total_pages = info.get('total_pages', stated.get('total_pages'))
    return total_pages is not None and page >= total_pages and per_page is not None and size < per_page


def _announced_pages(info):
    """How many pages a listing announces (``info``: see result_info_numbers): ``total_pages``, else ``total_count``
    over ``per_page``; None if neither."""
    if info.get('total_pages') is not None:
        return info['total_pages']
    total_count, per_page = info.get('total_count'), info.get('per_page')
    if total_count is None or not per_page:
        return None
    return int(math.ceil(float(total_count) / per_page))


def _fewest_pages(info, first_size):
    """The fewest pages a listing can take by what page 1 (of ``first_size`` items) states, as last_page decides its
    end: total_count items at page 1's size, else total_pages; 1 if it states neither. Reading ahead up to there sends
    no request that reading one page after the other would not."""
    if info.get('total_count') is not None:
        return int(math.ceil(float(info['total_count']) / max(first_size, 1)))
    return info.get('total_pages') or 1


def _default_key(item):
    """Cloudflare names every object it lists by ``id``."""
    if isinstance(item, dict):
        identity = item.get('id')
        return identity if isinstance(identity, str) and identity else None
    return None


def _page_bound(total_count, first_page_size):
    """The most pages a listing may take, from what page 1 said."""
    if total_count is None:
        return MAX_PAGES_UNBOUNDED
    pages = int(math.ceil(float(max(total_count, 1)) / max(first_page_size, 1)))
    return pages + max(PAGE_SLACK_MIN, int(math.ceil(pages * PAGE_SLACK_RATIO)))
