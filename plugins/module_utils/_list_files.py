# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The list files (users_file, seats_file), read as distrustfully as an answer from the wire: only a regular file of
# at most MAX_LIST_FILE_MIB is read (a FIFO, a device or a directory is refused without blocking); JSON, or YAML
# without aliases and with at most MAX_YAML_VALUES values; and a file that cannot be read is refused with its name,
# the line and the column, never with its text (a file named by mistake may hold secrets).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import stat

try:
    import yaml
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.resolver import Resolver
    from yaml.scanner import Scanner
    try:
        from yaml.cyaml import CParser
    except ImportError:  # pragma: no cover (PyYAML without libyaml)
        CParser = None
except ImportError:  # pragma: no cover (ansible-core needs PyYAML on the controller; a target may lack it)
    yaml = None

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import NOTHING_WRITTEN, OptionsError

# The largest list file read, documented with users_file and seats_file: 100,000 users with every key take some
# 15 MB of pretty-printed JSON. The limit stops a file named by mistake (a log, /dev/zero's like) before memory does.
MAX_LIST_FILE_MIB = 64
MAX_LIST_FILE_BYTES = MAX_LIST_FILE_MIB * 1024 * 1024
# The most values (items, keys and what they hold) a YAML list file may have: 100,000 users with every key have
# 1,300,001. PyYAML keeps some 350 bytes for each before it builds the list, so this bounds a YAML file's memory
# as the size bounds JSON's (64 MiB of "[a,a,...]" would take 11 GB).
MAX_YAML_VALUES = 1500000
# The deepest nesting of a YAML list file: an item's values are at depth 3 (the list, the item, the value).
MAX_YAML_DEPTH = 20

# PyYAML's context of an error, from which a message takes the kind of thing being read.
_CONTEXT_RE = re.compile(r'^while (?:parsing|scanning|constructing) an? ([a-z -]+)\Z')

# What a file that is not a regular file is, in a message.
_FILE_KINDS = ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO (named pipe)'), (stat.S_ISCHR, 'a character device'),
               (stat.S_ISBLK, 'a block device'), (stat.S_ISSOCK, 'a socket'))


def list_file(option, path):
    """The items of a ``*_file`` option (users_file, seats_file): a JSON or YAML file on the host the task runs on,
    holding the list its list option takes. OptionsError, before any request, when it cannot be read or is no list.

    A file keeps a long list out of Jinja and out of the task's arguments: ansible-core templates, serialises and
    deep-copies a list option's items several times (at 10,000 users, more than the module's own work; make bench (s)).
    """
    raw = _read_regular_file(option, path)
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        raise OptionsError('%s %s is not UTF-8 text (byte %d); %s' % (option, path, exc.start, NOTHING_WRITTEN))
    data = _parse(option, path, text)
    if not isinstance(data, list):
        raise OptionsError('%s %s must hold a list of items (as %s takes them), got %s; %s' % (
            option, path, option[:-len('_file')], 'nothing' if data is None else type(data).__name__, NOTHING_WRITTEN))
    return data


def _refused(option, path, why):
    return OptionsError('%s %s %s; %s' % (option, path, why, NOTHING_WRITTEN))


def _not_regular(mode):
    """What a file of this mode is (``a FIFO (named pipe)``...) when it is not a regular file; None for a regular one."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for is_kind, kind in _FILE_KINDS if is_kind(mode)), 'not a regular file')


def _read_regular_file(option, path):
    """The bytes of the regular file at ``path``, at most MAX_LIST_FILE_BYTES of them; OptionsError for anything else.

    Nothing blocks: the file is looked at before it is opened (opening a device may act on it), opened without
    waiting (a FIFO would wait for a writer), and what was opened is looked at again (the path may have changed in
    between). At most one byte more than the limit is read, so that a file that grows is stopped too.
    """
    too_large = 'is larger than %d MiB (%d bytes), the most a list file may hold' % (MAX_LIST_FILE_MIB, MAX_LIST_FILE_BYTES)
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind is None:
            fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_NOCTTY', 0))
            try:
                info = os.fstat(fd)
                kind = _not_regular(info.st_mode)
                if kind is None and info.st_size > MAX_LIST_FILE_BYTES:
                    raise _refused(option, path, too_large)
                raw = _read_at_most(fd, MAX_LIST_FILE_BYTES + 1) if kind is None else b''
            finally:
                os.close(fd)
    except OSError as exc:
        raise _refused(option, path, 'cannot be read (%s)' % (exc.strerror or exc))
    if kind is not None:
        raise _refused(option, path, 'is %s, not a regular file: only a regular file is read' % kind)
    if len(raw) > MAX_LIST_FILE_BYTES:
        raise _refused(option, path, too_large)
    return raw


def _read_at_most(fd, limit):
    """Up to ``limit`` bytes of an open file, fewer at its end."""
    chunks, left = [], limit
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b''.join(chunks)


def _parse(option, path, text):
    """The data of a list file's text, JSON or YAML; OptionsError naming the line and column of what is wrong."""
    try:
        return json.loads(text)
    except RecursionError:
        json_problem = 'values nested too deeply'
    except ValueError as exc:
        # json's messages are its own words, with the offending characters after ': ' in some of them (not in "Expecting
        # ':' delimiter").
        json_problem = '%s at line %d, column %d' % (exc.msg.split(': ')[0], exc.lineno, exc.colno) if hasattr(
            exc, 'lineno') else 'not JSON'
    if yaml is None:
        raise _refused(option, path, 'is not JSON (%s), and PyYAML, which reads YAML, is not installed for the Python '
                                     'that runs the module' % json_problem)
    try:
        return _load_yaml(text)
    except _Refused as exc:
        why = 'is YAML that a list file may not hold: %s' % exc.at()
    except yaml.YAMLError as exc:
        why = 'is neither JSON nor YAML: %s' % _yaml_problem(exc, text)
    raise _refused(option, path, why + " (the file's text is not shown)")


def _load_yaml(text):
    loader = YAML_LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _place(line, column):
    """A place in the file, in words; ``line`` and ``column`` count from 0, as PyYAML's marks do."""
    return 'line %d, column %d' % (line + 1, column + 1)


def _yaml_problem(exc, text):
    """What is wrong with a YAML text, in words that never quote it: the kind of error and where it is. PyYAML's own
    messages quote the file (a tag, a character, the offending line with the pure-Python loader)."""
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    if isinstance(exc, yaml.reader.ReaderError):
        character = chr(exc.character) if isinstance(exc.character, int) else exc.character
        found = text.find(character)
        where = _place(text.count('\n', 0, found), found - text.rfind('\n', 0, found) - 1) if found >= 0 else 'the file'
        return 'a character YAML does not accept (U+%04X) at %s' % (ord(character), where)
    if isinstance(exc, yaml.constructor.ConstructorError):
        what = 'a tag or a key YAML cannot read safely'
    elif isinstance(exc, yaml.composer.ComposerError):
        what = 'more than one document, or an anchor used twice'
    else:
        what = 'a YAML syntax error'
    if mark is None:
        return what
    where = '%s at %s' % (what, _place(mark.line, mark.column))
    # PyYAML's context is its own words ("while parsing a flow sequence"), said only in that form: lowercase words.
    context = _CONTEXT_RE.match(getattr(exc, 'context', None) or '')
    context_mark = getattr(exc, 'context_mark', None)
    if context and context_mark is not None and context_mark is not mark:
        where += ', in the %s that starts at %s' % (context.group(1), _place(context_mark.line, context_mark.column))
    return where


class _Refused(Exception):
    """A YAML list file refused by the collection's own rules (an alias, too many values): what, the mark where,
    and why it is refused."""

    def __init__(self, what, mark, why=''):
        super(_Refused, self).__init__(what)
        self.what = what
        self.mark = mark
        self.why = why

    def at(self):
        return '%s at %s%s' % (self.what, _place(self.mark.line, self.mark.column), self.why)


if yaml is not None:
    class _ListFileComposer(Composer):
        """PyYAML's composer (in Python, over libyaml's events where it is installed), refusing aliases and bounding
        the number of values and their depth while the document is composed: before the memory is spent."""

        def __init__(self):
            Composer.__init__(self)
            self.values = 0
            self.depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                # An alias repeats what its anchor holds: nine aliases of nine aliases... grow a small file to GBs
                # once anything turns the list into text.
                raise _Refused('an alias', event.start_mark,
                               ': a list file may not hold aliases, which can make a small file expand without bound')
            self.values += 1
            if self.values > MAX_YAML_VALUES:
                raise _Refused('value %d' % self.values, event.start_mark,
                               ': a YAML list file holds at most %d values (items, keys and what they hold; a JSON '
                               'file has no such limit)' % MAX_YAML_VALUES)
            if self.depth >= MAX_YAML_DEPTH:
                raise _Refused('a value nested more than %d deep' % MAX_YAML_DEPTH, event.start_mark)
            self.depth += 1
            try:
                return Composer.compose_node(self, parent, index)
            finally:
                self.depth -= 1

    class _ListFileConstructor(SafeConstructor):
        """PyYAML's safe constructor (no tag builds an object), with the values Python cannot hold (a date that does
        not exist, an integer of more than 4,300 digits) refused at their place."""

        def construct_object(self, node, deep=False):
            try:
                return SafeConstructor.construct_object(self, node, deep=deep)
            except (ValueError, OverflowError):
                raise _Refused('a value that cannot be read (a date that does not exist, or a number too long)',
                               node.start_mark)

    class _PythonLoader(_ListFileComposer, Reader, Scanner, Parser, _ListFileConstructor, Resolver):
        """The list files' YAML loader in pure Python."""

        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            _ListFileComposer.__init__(self)
            _ListFileConstructor.__init__(self)
            Resolver.__init__(self)

    if CParser is not None:
        class _LibyamlLoader(_ListFileComposer, CParser, _ListFileConstructor, Resolver):
            """The list files' YAML loader over libyaml's parser (the composer before CParser in the order of the
            bases: the composing is in Python, so that it can refuse aliases; 25% slower than CSafeLoader)."""

            def __init__(self, stream):
                CParser.__init__(self, stream)
                _ListFileComposer.__init__(self)
                _ListFileConstructor.__init__(self)
                Resolver.__init__(self)

        YAML_LOADER = _LibyamlLoader
    else:  # pragma: no cover (PyYAML without libyaml)
        YAML_LOADER = _PythonLoader
