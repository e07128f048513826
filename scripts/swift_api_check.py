"""What a Swift compiler would catch first in the iOS app's calls into the core, checked where
none runs (Linux, CI), with tree-sitter's Swift grammar:

  - every call on the core's objects (a variable, property or parameter declared as
    `CivicApp`, one of the objects it hands out (`Reports`, `Warnings`, `Campaigns`,
    `Officials`) or `OfficialApp`; one such object's method returning another, e.g.
    `app.reports().send(...)`; or the types themselves, e.g. `CivicApp.open(...)`) names a
    method the generated bindings have, with its argument labels in order (a parameter with a
    default may be left out), with `await` when the method is `async`;
  - every call of one of the bindings' top-level functions (`loginOfficial(...)`,
    `statusLabel(...)`) likewise;
  - every localized literal (`Text("…", tableName: "T")`, `String(localized: "…", table: "T")`)
    is a key of the String Catalog `T.xcstrings` beside it, with an English translation, and
    every catalog's source language is Vietnamese.

Usage: python swift_api_check.py GENERATED_SWIFT APP_SWIFT...
"""

import json
import os
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

parser = Parser(Language(tree_sitter_swift.language()))
CORE_TYPES = {
    "CivicApp": "CivicAppProtocol",
    "Reports": "ReportsProtocol",
    "Warnings": "WarningsProtocol",
    "Campaigns": "CampaignsProtocol",
    "Officials": "OfficialsProtocol",
    "OfficialApp": "OfficialAppProtocol",
}
# What a protocol's method returns, when it is one of the core's objects: `reports()` → Reports.
RETURNS = re.compile(r"->\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


def text(source, node):
    return source[node.start_byte:node.end_byte].decode("utf-8")


def name_of(source, node):
    """A declaration's name, without the backticks of a keyword used as one (`open`)."""
    return text(source, node).strip("`")


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def parameters(source, function):
    """[(label, has_default)] of a function declaration: the external name, else the name."""
    found = []
    for child in function.children:
        if child.type != "parameter":
            continue
        external = child.child_by_field_name("external_name")
        name = child.child_by_field_name("name")
        label = text(source, external or name)
        # A default value follows the parameter as `= value` in the function's children.
        found.append([label, False])
    # Defaults: an `=` token right after a parameter.
    kids = function.children
    index = -1
    for i, child in enumerate(kids):
        if child.type == "parameter":
            index += 1
        elif child.type == "=" and index >= 0:
            found[index][1] = True
    return [tuple(p) for p in found]


def read_bindings(path):
    source = open(path, "rb").read()
    source = re.sub(rb"@_documentation\(visibility:\s*private\)", lambda m: b" " * len(m.group(0)), source)
    tree = parser.parse(source)
    methods = {protocol: {} for protocol in CORE_TYPES.values()}
    returns = {protocol: {} for protocol in CORE_TYPES.values()}
    asyncs = {protocol: set() for protocol in CORE_TYPES.values()}
    statics = {name: {} for name in CORE_TYPES}
    functions = {}
    for node in tree.root_node.children:
        if node.type == "protocol_declaration":
            name = text(source, node.child_by_field_name("name") or node.children[2])
            if name in methods:
                body = next(c for c in node.children if c.type == "protocol_body")
                for f in body.children:
                    if f.type == "protocol_function_declaration":
                        method = name_of(source, f.child_by_field_name("name"))
                        methods[name].setdefault(method, []).append(parameters(source, f))
                        if any(c.type == "async" for c in f.children):
                            asyncs[name].add(method)
                        returned = RETURNS.search(text(source, f))
                        if returned and returned.group(1) in CORE_TYPES:
                            returns[name][method] = returned.group(1)
        elif node.type == "class_declaration":
            name_node = next((c for c in node.children if c.type == "type_identifier"), None)
            name = text(source, name_node) if name_node else ""
            if name in statics:
                body = next(c for c in node.children if c.type == "class_body")
                for f in body.children:
                    if f.type == "function_declaration" and any("static" in text(source, m) for m in f.children if m.type == "modifiers"):
                        statics[name].setdefault(name_of(source, f.child_by_field_name("name")), []).append(parameters(source, f))
                    if f.type == "init_declaration":
                        statics[name].setdefault("init", []).append(parameters(source, f))
        elif node.type == "function_declaration":
            modifiers = " ".join(text(source, m) for m in node.children if m.type == "modifiers")
            if "public" in modifiers:
                functions.setdefault(name_of(source, node.child_by_field_name("name")), []).append(parameters(source, node))
    missing = [protocol for protocol, found in methods.items() if not found]
    if missing:
        sys.exit(f"swift_api_check: no {', '.join(missing)} in {path}: the bindings changed shape")
    return methods, returns, asyncs, statics, functions


def awaited(source, member):
    """Whether `await` comes before the method's name on its line: the grammar binds `await` to
    the innermost target (`try await app.reports().send(…)`), so the line says it best."""
    line_start = source.rfind(b"\n", 0, member.start_byte) + 1
    return re.search(rb"\bawait\b", source[line_start:member.start_byte]) is not None


def labels_of(source, call):
    suffix = next((c for c in call.children if c.type == "call_suffix"), None)
    arguments = next((c for c in suffix.children if c.type == "value_arguments"), None) if suffix else None
    if arguments is None:
        # A trailing closure only: no labelled arguments.
        return []
    labels = []
    for argument in arguments.children:
        if argument.type == "value_argument":
            label = argument.child_by_field_name("name")
            labels.append(text(source, label).rstrip(":").strip() if label else "_")
    return labels


def fits(signatures, labels):
    """The call's labels match one signature, parameters with defaults being optional."""
    for signature in signatures:
        i = 0
        ok = True
        for label, has_default in signature:
            if i < len(labels) and labels[i] == label:
                i += 1
            elif has_default:
                continue
            else:
                ok = False
                break
        if ok and i == len(labels):
            return True
    return False


def describe(signatures):
    return " | ".join("(" + ", ".join(f"{label}:" + ("=" if d else "") for label, d in s) + ")" for s in signatures)


def main():
    generated, files = sys.argv[1], sys.argv[2:]
    # Methods come from the generated protocols, and from the app's extensions (read below).
    methods, returns, asyncs, statics, functions = read_bindings(generated)
    problems = []
    parsed = []
    # The types each name is declared with (those written out), in each file and anywhere.
    declared = {}
    everywhere = {}
    for path in files:
        source = open(path, "rb").read()
        tree = parser.parse(source)
        parsed.append((path, source, tree))
        for node in walk(tree.root_node):
            if node.type in ("property_declaration", "parameter"):
                annotation = node.child_by_field_name("name") if node.type == "parameter" else None
                type_text = None
                if node.type == "parameter":
                    kids = [c for c in node.children if c.type in ("user_type", "optional_type")]
                    type_text = text(source, kids[0]).rstrip("?!") if kids else None
                    name_node = node.child_by_field_name("name")
                else:
                    ann = next((c for c in node.children if c.type == "type_annotation"), None)
                    type_text = text(source, ann).lstrip(":").strip().rstrip("?!") if ann else None
                    pattern = node.child_by_field_name("name")
                    name_node = pattern.child_by_field_name("bound_identifier") if pattern else None
                if type_text and name_node is not None:
                    declared.setdefault(path, {}).setdefault(text(source, name_node), set()).add(type_text)
                    everywhere.setdefault(text(source, name_node), set()).add(type_text)
            # The app's own `extension CivicApp { func … }` adds methods the calls may use.
            if node.type == "class_declaration" and any(c.type == "extension" for c in node.children):
                extended = next((c for c in node.children if c.type == "user_type"), None)
                body = next((c for c in node.children if c.type == "class_body"), None)
                if extended is not None and body is not None and text(source, extended) in CORE_TYPES:
                    known = methods[CORE_TYPES[text(source, extended)]]
                    for f in body.children:
                        if f.type == "function_declaration":
                            known.setdefault(name_of(source, f.child_by_field_name("name")), []).append(parameters(source, f))

    def holder(path, name):
        """The core type `name` holds in `path`: declared there, else anywhere in the app, with
        that one type only."""
        types = declared.get(path, {}).get(name) or everywhere.get(name) or set()
        return next(iter(types)) if len(types) == 1 and next(iter(types)) in CORE_TYPES else None

    def type_of(path, source, node):
        """The core type of an expression: a name holding one, `self.name`, or a call of a
        method that returns one (`app.reports()`). The grammar binds `try` and `await` to the
        target of `try await app.reports().send(…)`: they are looked through."""
        if node.type in ("try_expression", "await_expression") and node.children:
            return type_of(path, source, node.children[-1])
        if node.type == "simple_identifier":
            return holder(path, text(source, node))
        if node.type == "navigation_expression":
            target = node.child_by_field_name("target")
            suffix = node.child_by_field_name("suffix")
            member = suffix.child_by_field_name("suffix") if suffix else None
            if target is not None and target.type == "self_expression" and member is not None:
                return holder(path, text(source, member))
            return None
        if node.type == "call_expression" and node.children:
            callee = node.children[0]
            if callee.type != "navigation_expression":
                return None
            target = callee.child_by_field_name("target")
            suffix = callee.child_by_field_name("suffix")
            member = suffix.child_by_field_name("suffix") if suffix else None
            owner = type_of(path, source, target) if target is not None else None
            if owner is None or member is None:
                return None
            return returns[CORE_TYPES[owner]].get(text(source, member))
        return None

    catalogs = {}
    checked = 0
    for path, source, tree in parsed:
        for node in walk(tree.root_node):
            if node.type != "call_expression" or not node.children:
                continue
            callee = node.children[0]
            labels = labels_of(source, node)
            where = f"{path}:{node.start_point[0] + 1}"
            if callee.type == "navigation_expression":
                target = callee.child_by_field_name("target")
                suffix = callee.child_by_field_name("suffix")
                member = suffix.child_by_field_name("suffix") if suffix else None
                if target is None or member is None:
                    continue
                name = text(source, member)
                shown = text(source, target)
                if target.type == "simple_identifier" and shown in CORE_TYPES:
                    checked += 1
                    known = statics[shown]
                    if name not in known:
                        problems.append(f"{where}: {shown}.{name} is not in the bindings")
                    elif not fits(known[name], labels):
                        problems.append(f"{where}: {shown}.{name}({', '.join(l + ':' for l in labels)}) does not match {describe(known[name])}")
                    continue
                # `app.x(...)`, `self.app.x(...)`, `app.reports().x(...)`.
                owner = type_of(path, source, target)
                if owner is not None:
                    known = methods[CORE_TYPES[owner]]
                    if name in ("close", "destroy", "uniffiClonePointer"):
                        continue
                    checked += 1
                    if name not in known:
                        problems.append(f"{where}: {owner} has no method {name} ({shown}.{name})")
                    elif not fits(known[name], labels):
                        problems.append(f"{where}: {shown}.{name}({', '.join(l + ':' for l in labels)}) does not match {describe(known[name])}")
                    elif name in asyncs[CORE_TYPES[owner]] and not awaited(source, member):
                        problems.append(f"{where}: {shown}.{name}(…) is async: call it with `await`")
            elif callee.type == "simple_identifier":
                name = text(source, callee)
                if name in functions:
                    checked += 1
                if name in functions and not fits(functions[name], labels):
                    problems.append(f"{where}: {name}({', '.join(l + ':' for l in labels)}) does not match {describe(functions[name])}")
                if name in ("Text", "String"):
                    check_localized(path, source, node, name, catalogs, problems)
    for path, catalog in catalogs.items():
        if catalog and catalog.get("sourceLanguage") != "vi":
            problems.append(f"{path}: the source language must be vi (Vietnamese first)")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check-swift: {checked} calls into the core and the localized strings of {len(files)} files check out ({len(catalogs)} String Catalogs)")


PLACEHOLDER = re.compile(r"%(?:\d+\$)?(?:lld|ld|llu|lu|lf|u|d|@|f|i)")


def check_localized(path, source, call, name, catalogs, problems):
    suffix = next((c for c in call.children if c.type == "call_suffix"), None)
    arguments = next((c for c in suffix.children if c.type == "value_arguments"), None) if suffix else None
    if arguments is None:
        return
    args = [a for a in arguments.children if a.type == "value_argument"]
    table = None
    literal = None
    for a in args:
        label = a.child_by_field_name("name")
        value = a.child_by_field_name("value")
        label_text = text(source, label).rstrip(":").strip() if label else None
        if label_text in ("tableName", "table") and value is not None and value.type == "line_string_literal":
            table = text(source, value).strip('"')
        if ((name == "Text" and label_text is None) or (name == "String" and label_text == "localized")) and value is not None and value.type == "line_string_literal":
            literal = value
    if table is None or literal is None:
        return
    catalog_path = find_catalog(path, table)
    where = f"{path}:{call.start_point[0] + 1}"
    if catalog_path is None:
        problems.append(f"{where}: no String Catalog {table}.xcstrings under the app")
        return
    if catalog_path not in catalogs:
        try:
            catalogs[catalog_path] = json.load(open(catalog_path, encoding="utf-8"))
        except (OSError, ValueError) as e:
            problems.append(f"{catalog_path}: not a String Catalog: {e}")
            catalogs[catalog_path] = {}
    strings = catalogs[catalog_path].get("strings", {})
    # The key as Xcode extracts it: each interpolation becomes a format specifier.
    parts = []
    for child in literal.children:
        if child.type == "line_str_text":
            parts.append(re.escape(text(source, child)))
        elif child.type == "interpolated_expression":
            parts.append("%PLACEHOLDER%")
        elif child.type == "str_escaped_char":
            parts.append(re.escape(text(source, child).encode().decode("unicode_escape")))
    pattern = "".join(parts)
    matches = [k for k in strings if re.fullmatch(pattern.replace(re.escape("%PLACEHOLDER%"), "%PLACEHOLDER%").replace("%PLACEHOLDER%", PLACEHOLDER.pattern), k)]
    shown = text(source, literal)
    if not matches:
        problems.append(f"{where}: {shown} is not in {os.path.relpath(catalog_path)}")
        return
    english = strings[matches[0]].get("localizations", {}).get("en", {}).get("stringUnit", {}).get("value", "")
    if not english.strip():
        problems.append(f"{where}: {shown} has no English in {os.path.relpath(catalog_path)}")


def find_catalog(path, table):
    """`table`.xcstrings in the file's folder or any folder of the app above it."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(6):
        candidate = os.path.join(folder, f"{table}.xcstrings")
        if os.path.exists(candidate):
            return candidate
        for root, _dirs, names in os.walk(folder):
            if f"{table}.xcstrings" in names:
                return os.path.join(root, f"{table}.xcstrings")
        folder = os.path.dirname(folder)
    return None


main()
