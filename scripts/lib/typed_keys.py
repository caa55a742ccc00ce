#!/usr/bin/env python3
"""One-off rewrite (issue 16): catalog keys written as string literals in src/
become `key!("…")`, and direct `X.t(lang, key!("…"), &[arg("a", v), …])` calls
become `t!(X, lang, "…", a = v, …)`. Run from the repository's root; the compiler
then names what is left to type by hand."""

import os
import re
import sys

LOCALES = "config/locales"


def catalog_ids():
    ids = set()
    for lang in ("fr", "en"):
        d = os.path.join(LOCALES, lang)
        for f in os.listdir(d):
            if f.endswith(".ftl"):
                for line in open(os.path.join(d, f), encoding="utf-8"):
                    m = re.match(r"^([a-z][a-z0-9-]*)\s*=", line)
                    if m:
                        ids.add(m.group(1))
    return ids


def matching(s, i, open_ch, close_ch):
    """Index of the bracket closing the one at s[i], skipping strings."""
    depth = 0
    j = i
    while j < len(s):
        c = s[j]
        if c == '"':
            j += 1
            while s[j] != '"':
                if s[j] == "\\":
                    j += 1
                j += 1
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise ValueError("unbalanced")


def split_top(s):
    parts, depth, cur, j = [], 0, "", 0
    while j < len(s):
        c = s[j]
        if c == '"':
            k = j + 1
            while s[k] != '"':
                if s[k] == "\\":
                    k += 1
                k += 1
            cur += s[j : k + 1]
            j = k + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
        j += 1
    if cur.strip():
        parts.append(cur.strip())
    return parts


def receiver_start(s, dot):
    """Start of the expression before `.t(` at s[dot]."""
    j = dot - 1
    while j >= 0:
        c = s[j]
        if c == ")":
            depth = 0
            while True:
                if s[j] == ")":
                    depth += 1
                elif s[j] == "(":
                    depth -= 1
                    if depth == 0:
                        break
                j -= 1
            j -= 1
            continue
        if c.isalnum() or c in "_.:&":
            j -= 1
            continue
        break
    return j + 1


def quote_keys(src, ids):
    def repl(m):
        key = m.group(1)
        start = m.start()
        before = src[max(0, start - 6) : start]
        if before.endswith("key!("):
            return m.group(0)
        return f'key!("{key}")' if key in ids else m.group(0)

    return re.sub(r'"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"', repl, src)


def macro_calls(src):
    out, i = "", 0
    pattern = re.compile(r"\.t\(")
    while True:
        m = pattern.search(src, i)
        if not m:
            out += src[i:]
            return out
        dot = m.start()
        open_paren = m.end() - 1
        close = matching(src, open_paren, "(", ")")
        args = split_top(src[open_paren + 1 : close])
        start = receiver_start(src, dot)
        receiver = src[start:dot]
        # `X.t(language, key!(…), &[…])`, or `X.t(key!(…), &[…])` for helpers
        # that know the language.
        lead = args[:-2] if len(args) in (2, 3) else None
        ok = (
            lead is not None
            and re.fullmatch(r'key!\("[a-z0-9-]+"\)', args[-2])
            and args[-1].startswith("&[")
            and args[-1].endswith("]")
            and receiver
            and start >= i
        )
        named = []
        if ok:
            for a in split_top(args[-1][2:-1]):
                am = re.fullmatch(r'(?:crate::i18n::)?arg\(\s*"(\w+)",\s*(.*)\)', a, re.S)
                if not am:
                    ok = False
                    break
                named.append(f"{am.group(1)} = {am.group(2).strip().rstrip(',').strip()}")
        if not ok:
            out += src[i : close + 1]
            i = close + 1
            continue
        key = args[-2][len('key!("') : -2]
        call = ", ".join([receiver] + lead + [f'"{key}"'] + named)
        out += src[i:start] + f"t!({call})"
        i = close + 1


def main():
    ids = catalog_ids()
    for root, _, files in os.walk("src"):
        for f in files:
            if not f.endswith(".rs") or f == "i18n.rs":
                continue
            p = os.path.join(root, f)
            src = open(p, encoding="utf-8").read()
            # Once keys are quoted, `--calls` only turns calls into `t!`.
            quoted = src if "--calls" in sys.argv else quote_keys(src, ids)
            new = macro_calls(quoted)
            if new != src:
                if "key!(" in new and not re.search(r"use crate::key;|crate::key!", new):
                    pass
                open(p, "w", encoding="utf-8").write(new)
                print(p, file=sys.stderr)


if __name__ == "__main__":
    main()
