"""JSON parsed with the line of every value, so a descriptor's problems can say ``file:line``.

The standard library's decoder, with its pure-Python scanner, records where each value of
each object and array starts; nothing else changes (same values, same JSONDecodeError with
line and column for invalid text). Keys doubled in one object are refused: which one wins is
not defined by JSON, so a descriptor with doubled keys is ambiguous.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from bisect import bisect_right


def parse_json_with_lines(text: str) -> tuple[object, dict[tuple, int]]:
    """Parse JSON; return the value and {path: line} for every value in it (root: ``()``).

    Raises json.JSONDecodeError (which carries the line and column) on invalid JSON.
    """
    offsets: dict[int, dict] = {}   # id(container) -> {key or index: offset of the value}
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        starts: list[int] = []

        def scan(s, idx):
            starts.append(idx)
            return scan_once(s, idx)
        pairs, end = json.decoder.JSONObject(s_and_end, strict, scan, None, list, memo)
        keys = [k for k, _ in pairs]
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        if doubled:
            at = starts[keys.index(doubled[0], keys.index(doubled[0]) + 1)]
            raise json.JSONDecodeError(f"key {doubled[0]!r} appears twice in one object", s_and_end[0], at)
        value = dict(pairs)
        offsets[id(value)] = dict(zip(keys, starts, strict=True))
        return value, end

    def parse_array(s_and_end, scan_once):
        starts: list[int] = []

        def scan(s, idx):
            starts.append(idx)
            return scan_once(s, idx)
        value, end = json.decoder.JSONArray(s_and_end, scan)
        offsets[id(value)] = dict(enumerate(starts[:len(value)]))
        return value, end

    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    value = decoder.decode(text)
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    lines: dict[tuple, int] = {}

    def walk(node, path, offset):
        lines[path] = bisect_right(newlines, offset - 1) + 1
        for key, start in offsets.get(id(node), {}).items():
            walk(node[key], (*path, key), start)
    walk(value, (), len(text) - len(text.lstrip()))
    return value, lines
