"""What a Swift compiler would catch first in the iOS app's calls into the core, checked where
none runs (Linux, CI), with tree-sitter's Swift grammar:

  - every call on the core's objects (a variable, property or parameter declared as
    `CivicApp` or `OfficialApp`, or the types themselves, e.g. `CivicApp.open(...)`) names a
    method the generated bindings have, with its argument labels in order (a parameter with a
    default may be left out);
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
CORE_TYPES = {"CivicApp": "CivicAppProtocol", "OfficialApp": "OfficialAppProtocol"}


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
    statics = {name: {} for name in CORE_TYPES}
    functions = {}
    for node in tree.root_node.children:
        if node.type == "protocol_declaration":
            name = text(source, node.child_by_field_name("name") or node.children[2])
            if name in methods:
                body = next(c for c in node.children if c.type == "protocol_body")
                for f in body.children:
                    if f.type == "protocol_function_declaration":
                        methods[name].setdefault(name_of(source, f.child_by_field_name("name")), []).append(parameters(source, f))
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
    return methods, statics, functions


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
    methods, statics, functions = read_bindings(generated)
    problems = []
    parsed = []
    # Which names hold a core object: declared with the type anywhere in the app's sources.
    holders = {}
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
                if type_text in CORE_TYPES and name_node is not None:
                    holders.setdefault(text(source, name_node), set()).add(type_text)
            # The app's own `extension CivicApp { func … }` adds methods the calls may use.
            if node.type == "class_declaration" and any(c.type == "extension" for c in node.children):
                extended = next((c for c in node.children if c.type == "user_type"), None)
                body = next((c for c in node.children if c.type == "class_body"), None)
                if extended is not None and body is not None and text(source, extended) in CORE_TYPES:
                    known = methods[CORE_TYPES[text(source, extended)]]
                    for f in body.children:
                        if f.type == "function_declaration":
                            known.setdefault(name_of(source, f.child_by_field_name("name")), []).append(parameters(source, f))
    holders = {name: types.pop() for name, types in holders.items() if len(types) == 1}

    catalogs = {}
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
                # `self.app.x(...)` counts as `app.x(...)`.
                if target.type == "navigation_expression":
                    inner = target.child_by_field_name("suffix")
                    owner = text(source, inner.child_by_field_name("suffix")) if inner and inner.child_by_field_name("suffix") else None
                    if not (target.child_by_field_name("target") and target.child_by_field_name("target").type == "self_expression"):
                        owner = None
                else:
                    owner = text(source, target) if target.type == "simple_identifier" else None
                name = text(source, member)
                if owner in CORE_TYPES:
                    known = statics[owner]
                    if name not in known:
                        problems.append(f"{where}: {owner}.{name} is not in the bindings")
                    elif not fits(known[name], labels):
                        problems.append(f"{where}: {owner}.{name}({', '.join(l + ':' for l in labels)}) does not match {describe(known[name])}")
                elif owner in holders:
                    known = methods[CORE_TYPES[holders[owner]]]
                    if name in ("close", "destroy", "uniffiClonePointer"):
                        continue
                    if name not in known:
                        problems.append(f"{where}: {holders[owner]} has no method {name} ({owner}.{name})")
                    elif not fits(known[name], labels):
                        problems.append(f"{where}: {owner}.{name}({', '.join(l + ':' for l in labels)}) does not match {describe(known[name])}")
            elif callee.type == "simple_identifier":
                name = text(source, callee)
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
    print(f"check-swift: calls into the core and localized strings of {len(files)} files check out ({len(catalogs)} String Catalogs)")


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
