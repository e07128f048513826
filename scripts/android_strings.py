#!/usr/bin/env python3
"""The Android app's screen text: Android string resources, read by translators' tools, and a
Kotlin accessor generated from them, so that the screens (android/ui, pure Compose, compiled
for the desktop too) need no android.* API and the language is the one chosen in the app, not
the phone's locale.

    scripts/android_strings.py           writes android/ui/src/main/kotlin/org/civic/app/ui/Strings.kt
    scripts/android_strings.py --check   fails, saying why, when Strings.kt is not what the two
                                         files give, a key is missing in one language, or a
                                         string's placeholders differ between the languages

The source of truth: android/ui/src/main/res/values/strings.xml (Vietnamese, the default) and
values-en/strings.xml (English). Keys are snake_case, prefixed by the screen's area
(`capture_send`). A placeholder is written as Android writes it, `%1$s` or `%1$d`, best inside
`<xliff:g id="name">…</xliff:g>`: the id names the Kotlin function's parameter (else p1, p2…).

Strings.kt holds `enum class Str` (one entry per string without placeholders, with its
Vietnamese and English text, as Android's `getString` returns them) and, on `Str`'s companion,
one function per string with placeholders (`Str.officialOverdue(text)`); both are `Words`,
read with `t(Str.CAPTURE_SEND)` in a composable or `language.pick(Str.CAPTURE_SEND)`.
"""

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RES = ROOT / "android/ui/src/main/res"
LANGUAGES = {"vi": RES / "values/strings.xml", "en": RES / "values-en/strings.xml"}
OUTPUT = ROOT / "android/ui/src/main/kotlin/org/civic/app/ui/Strings.kt"
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}g"
KEY = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]$")
PLACEHOLDER = re.compile(r"%(?:(\d+)\$([sd])|(%))")
ANY_PERCENT = re.compile(r"%")
MAX_LINE = 140  # .editorconfig's max_line_length for Kotlin: ktlint wraps longer entries
KOTLIN_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
KOTLIN_KEYWORDS = {"as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in", "interface",
                   "is", "null", "object", "package", "return", "super", "this", "throw", "true", "try", "typealias",
                   "typeof", "val", "var", "when", "while"}


class Problem(Exception):
    pass


def decode(raw: str, where: str) -> str:
    """The text Android's resource compiler (aapt2) makes of a string's XML text: escapes
    (\\n, \\t, \\', \\", \\\\, \\@, \\?, \\uXXXX) resolved; double quotes keep the white space
    between them and are dropped; elsewhere a run of white space is one space, and none at
    either end. An apostrophe outside double quotes must be escaped."""
    out = []  # (character, whether it is unquoted white space made one space)
    quoted = False
    i = 0
    while i < len(raw):
        c = raw[i]
        if not quoted and c.isspace():
            if not (out and out[-1][1]):
                out.append((" ", True))
            i += 1
            continue
        if c == "\\":
            if i + 1 >= len(raw):
                raise Problem(f"{where}: a lone backslash at the end")
            n = raw[i + 1]
            if n == "u":
                digits = raw[i + 2:i + 6]
                if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                    raise Problem(f"{where}: \\u needs four hex digits")
                out.append((chr(int(digits, 16)), False))
                i += 6
                continue
            out.append(({"n": "\n", "t": "\t"}.get(n, n), False))
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c == "'" and not quoted:
            raise Problem(f"{where}: an apostrophe must be escaped (\\') as Android requires")
        else:
            out.append((c, False))
        i += 1
    if quoted:
        raise Problem(f"{where}: a double quote is not closed (escape it as \\\" to show one)")
    while out and out[0][1]:
        out.pop(0)
    while out and out[-1][1]:
        out.pop()
    return "".join(c for c, _ in out)


def read(language: str, path: Path):
    """{key: (text, [(index, type, id)], translatable)} in the file's order."""
    if not path.is_file():
        raise Problem(f"{path.relative_to(ROOT)} is missing")
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        raise Problem(f"{path.relative_to(ROOT)}: not well-formed XML: {e}")
    strings = {}
    for element in tree.getroot():
        where = f"{path.relative_to(ROOT)}: {element.get('name')!r}"
        if element.tag is ET.Comment:
            continue
        if element.tag != "string":
            raise Problem(f"{where}: <{element.tag}> is not supported here, only <string>")
        name = element.get("name") or ""
        if not KEY.match(name):
            raise Problem(f"{where}: a key is snake_case and starts with its area (capture_send)")
        if name in strings:
            raise Problem(f"{where}: defined twice")
        raw = element.text or ""
        ids = {}
        for child in element:
            if child.tag != XLIFF:
                raise Problem(f"{where}: only <xliff:g> may be inside a string")
            inner = child.text or ""
            found = PLACEHOLDER.findall(inner)
            if len(found) != 1 or not found[0][0]:
                raise Problem(f"{where}: an <xliff:g> holds one placeholder (%1$s)")
            ids[int(found[0][0])] = child.get("id")
            raw += inner + (child.tail or "")
        text = decode(raw, where)
        placeholders = []
        for match in PLACEHOLDER.finditer(text):
            if match.group(3):
                continue
            placeholders.append((int(match.group(1)), match.group(2), ids.get(int(match.group(1)))))
        formatted = element.get("formatted") != "false" and placeholders
        if formatted:
            stray = len(ANY_PERCENT.findall(text)) - sum(2 if m.group(3) else 1 for m in PLACEHOLDER.finditer(text))
            if stray:
                raise Problem(f"{where}: a % that is no placeholder (%1$s, %1$d) must be written %%")
            indexes = sorted({p[0] for p in placeholders})
            if indexes != list(range(1, len(indexes) + 1)):
                raise Problem(f"{where}: placeholders are numbered from %1$ on, without gaps")
            kinds = {}
            for index, kind, _ in placeholders:
                if kinds.setdefault(index, kind) != kind:
                    raise Problem(f"{where}: %{index}$ is used as both %s and %d")
        strings[name] = (text, placeholders if formatted else [], element.get("translatable") != "false")
    return strings


def signature(placeholders):
    """One (index, type) per placeholder, each once, in order."""
    return sorted({(i, k) for i, k, _ in placeholders})


def check_languages(vi, en):
    problems = []
    for key, (_, placeholders, translatable) in vi.items():
        if not translatable:
            if key in en:
                problems.append(f"{key}: translatable=\"false\" but values-en/strings.xml has it too")
            continue
        if key not in en:
            problems.append(f"{key}: missing in values-en/strings.xml (English)")
            continue
        if signature(placeholders) != signature(en[key][1]):
            problems.append(f"{key}: the placeholders differ: Vietnamese {fmt(placeholders)}, English {fmt(en[key][1])}")
        vi_ids = {i: name for i, _, name in placeholders if name}
        en_ids = {i: name for i, _, name in en[key][1] if name}
        if vi_ids and en_ids and vi_ids != en_ids:
            problems.append(f"{key}: the placeholders' xliff:g ids differ between the languages")
    for key in en:
        if key not in vi:
            problems.append(f"{key}: missing in values/strings.xml (Vietnamese, the default)")
    return problems


def fmt(placeholders):
    return ", ".join(f"%{i}${k}" for i, k in signature(placeholders)) or "none"


def kotlin_string(text: str) -> str:
    out = []
    for c in text:
        if c in '"\\$':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def entry(key: str, text: str, english: str):
    """An enum entry, on one line or, when longer than ktlint allows, wrapped as ktlint wraps it."""
    line = f"    {key.upper()}({kotlin_string(text)}, {kotlin_string(english)}),"
    if len(line) <= MAX_LINE:
        return [line]
    return [f"    {key.upper()}(", f"        {kotlin_string(text)},", f"        {kotlin_string(english)},", "    ),"]


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def generate(vi, en) -> str:
    plain = []
    formatted = []
    for key, (text, placeholders, translatable) in vi.items():
        english = en[key][0] if translatable else text
        (formatted if placeholders else plain).append((key, text, english, placeholders))
    lines = [
        "// Generated by scripts/android_strings.py from android/ui/src/main/res/values/strings.xml",
        "// (Vietnamese) and values-en/strings.xml (English): edit those and run the script again.",
        '@file:Suppress("ktlint:standard:max-line-length")',
        "",
        "package org.civic.app.ui",
        "",
        "import java.util.Locale",
        "",
        "/** A screen text in both languages; `t(...)` or `AppLanguage.pick(...)` chooses one. */",
        "interface Words {",
        "    val vi: String",
        "    val en: String",
        "}",
        "",
        "/**",
        " * The screen texts without placeholders, named by their key in upper case; texts with",
        " * placeholders are functions of their values on the companion (`Str.officialOverdue(text)`).",
        " */",
        "enum class Str(override val vi: String, override val en: String) : Words {",
    ]
    for key, text, english, _ in plain:
        lines += entry(key, text, english)
    lines += ["    ;", "", "    /** Its name in strings.xml. */", "    val key: String get() = name.lowercase()", ""]
    lines.append("    companion object {")
    for key, _, _, placeholders in formatted:
        params = []
        used = set()
        for index, kind in signature(placeholders):
            name = next((n for i, _, n in placeholders if i == index and n), None)
            if not name or not KOTLIN_NAME.match(name) or name in KOTLIN_KEYWORDS or name in used:
                name = f"p{index}"
            used.add(name)
            params.append((name, "Int" if kind == "d" else "Any"))
        args = ", ".join(n for n, _ in params)
        declared = ", ".join(f"{n}: {t}" for n, t in params)
        head = f"        fun {camel(key)}({declared}): Words ="
        body = f"StrFormat.{key.upper()}.with({args})"
        if len(head) + 1 + len(body) <= MAX_LINE:
            lines.append(f"{head} {body}")
        else:
            lines += [head, f"            {body}"]
    lines += ["    }", "}", ""]
    lines += [
        "/** The texts with placeholders (%1\\$s, %1\\$d) as strings.xml writes them; [Str]'s functions fill them in. */",
        "enum class StrFormat(val vi: String, val en: String) {",
    ]
    for key, text, english, _ in formatted:
        lines += entry(key, text, english)
    lines += [
        "    ;",
        "",
        "    /** Its name in strings.xml. */",
        "    val key: String get() = name.lowercase()",
        "",
        "    /** The text with [values] in its placeholders, in each language, as Android's `getString(id, values)`. */",
        "    fun with(vararg values: Any): Words = Filled(this, values)",
        "",
        "    private class Filled(val format: StrFormat, val values: Array<out Any>) : Words {",
        "        override val vi: String get() = String.format(Locale.ROOT, format.vi, *values)",
        "        override val en: String get() = String.format(Locale.ROOT, format.en, *values)",
        "",
        "        override fun equals(other: Any?) = other is Filled && other.format == format && other.values.contentEquals(values)",
        "",
        "        override fun hashCode() = 31 * format.hashCode() + values.contentHashCode()",
        "",
        "        override fun toString() = vi",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


def main(argv):
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        vi = read("vi", LANGUAGES["vi"])
        en = read("en", LANGUAGES["en"])
    except Problem as e:
        print(f"android_strings: {e}", file=sys.stderr)
        return 1
    problems = check_languages(vi, en)
    if problems:
        for p in problems:
            print(f"android_strings: {p}", file=sys.stderr)
        return 1
    text = generate(vi, en)
    relative = OUTPUT.relative_to(ROOT)
    if check:
        if not OUTPUT.is_file() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"android_strings: {relative} is not what the strings.xml files give: run scripts/android_strings.py",
                  file=sys.stderr)
            return 1
        print(f"android_strings: {len(vi)} strings, in both languages, and {relative} up to date", file=sys.stderr)
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"android_strings: wrote {relative} ({len(vi)} strings)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
