#!/usr/bin/env python3
"""Reads the Android build's version catalog and module build files for scripts/android-build,
so that the Gradle build and the build here share one list of dependencies and versions.

    android_catalog.py version KEY
        the version KEY in [versions] of android/gradle/libs.versions.toml
    android_catalog.py deps CONFIGURATION... [--bom-pom FILE]
        the Maven coordinates (group:name:version, AARs as they are) that the modules app, ui
        and core declare in those configurations (implementation, api, debugImplementation,
        testImplementation…) of their build.gradle.kts, one per line. Versionless libraries
        take their version from the BOM a module declares with platform(libs.…), read from
        FILE (its POM); without FILE the BOM's own coordinates are printed as `bom <coords>`.
    android_catalog.py manifest APPLICATION_ID [ACTIVITY...] < AndroidManifest.xml
        the app's manifest as AGP's merger leaves it (without the libraries' parts): the
        namespace as package, ${applicationId} replaced, elements marked tools:node="remove"
        dropped, every tools: attribute removed; ACTIVITY names are added (the tests').
    android_catalog.py conflicts < coursier's output
        for each conflict coursier reports ("g:a:1.4.2 or [1.4.3] wanted by"), the option
        forcing the highest version asked: `-V` and `g:a:version` on two lines.
"""

import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

ANDROID = Path(__file__).resolve().parent.parent / "android"
MODULES = ("core", "ui", "app")
DECLARATION = re.compile(r"^\s*([A-Za-z]+)\((.*)\)\s*$")


def catalog():
    with open(ANDROID / "gradle" / "libs.versions.toml", "rb") as f:
        return tomllib.load(f)


def accessor(key):
    """Gradle's accessor for a catalog key: `compose-ui-test` is `libs.compose.ui.test`."""
    return re.sub(r"[-_]", ".", key)


def library(cat, key):
    lib = cat["libraries"][key]
    if isinstance(lib, str):
        return lib
    module = lib.get("module") or f"{lib['group']}:{lib['name']}"
    version = lib.get("version")  # a string, {ref = "key"} (version.ref), or none (a BOM's)
    if isinstance(version, dict):
        version = cat["versions"][version["ref"]]
    return f"{module}:{version}" if version else module


def bom_versions(pom):
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(pom).getroot()
    found = {}
    for dep in root.findall(".//m:dependencyManagement/m:dependencies/m:dependency", ns):
        group = dep.findtext("m:groupId", namespaces=ns)
        name = dep.findtext("m:artifactId", namespaces=ns)
        found[f"{group}:{name}"] = dep.findtext("m:version", namespaces=ns)
    return found


def declarations(configurations):
    """(configuration, argument) of every dependency line of the modules, in file order."""
    for module in MODULES:
        in_dependencies = False
        for line in (ANDROID / module / "build.gradle.kts").read_text().splitlines():
            if line.startswith("dependencies {"):
                in_dependencies = True
            elif in_dependencies and line.startswith("}"):
                in_dependencies = False
            elif in_dependencies and (m := DECLARATION.match(line)) and m.group(1) in configurations:
                yield m.group(2).strip()


def deps(configurations, bom_pom):
    cat = catalog()
    by_accessor = {accessor(k): k for k in cat["libraries"]}
    boms, out = [], []
    for argument in declarations(configurations):
        if argument.startswith("project("):
            continue
        if m := re.fullmatch(r"platform\(libs\.([\w.]+)\)", argument):
            boms.append(library(cat, by_accessor[m.group(1)]))
        elif m := re.fullmatch(r"libs\.([\w.]+)", argument):
            out.append(library(cat, by_accessor[m.group(1)]))
        elif "libs.jna" in argument:
            # core's `"${libs.jna.get().module}:${libs.versions.jna.get()}@aar"`: the AAR.
            out.append(library(cat, "jna"))
        else:
            sys.exit(f"android_catalog.py: cannot read the dependency {argument!r}")
    if bom_pom is None:
        for bom in dict.fromkeys(boms):
            print(f"bom {bom}")
        return
    managed = bom_versions(bom_pom)
    for coords in dict.fromkeys(out):
        if coords.count(":") == 1:
            if coords not in managed:
                sys.exit(f"android_catalog.py: {coords} has no version and no BOM names it")
            coords = f"{coords}:{managed[coords]}"
        print(coords)


def version_key(version):
    return [int(p) if p.isdigit() else -1 for p in re.split(r"[.-]", version)]


def conflicts(text):
    for m in re.finditer(r"^([\w.-]+:[\w.-]+):(.+) wanted by$", text, re.M):
        versions = [v.strip().strip("[]") for v in m.group(2).split(" or ")]
        print("-V")
        print(f"{m.group(1)}:{max(versions, key=version_key)}")


def manifest(application_id, activities, text):
    android = "http://schemas.android.com/apk/res/android"
    tools = "http://schemas.android.com/tools"
    ET.register_namespace("android", android)
    root = ET.fromstring(text.replace("${applicationId}", application_id))
    root.set("package", application_id)
    for parent in root.iter():
        for child in list(parent):
            if child.get(f"{{{tools}}}node") == "remove":
                parent.remove(child)
    for element in root.iter():
        for attribute in [a for a in element.attrib if a.startswith(f"{{{tools}}}")]:
            del element.attrib[attribute]
    application = root.find("application")
    for name in activities:
        ET.SubElement(application, "activity", {f"{{{android}}}name": name, f"{{{android}}}exported": "false"})
    print(ET.tostring(root, encoding="unicode"))


def main(argv):
    if len(argv) == 2 and argv[0] == "version":
        print(catalog()["versions"][argv[1]])
    elif len(argv) >= 2 and argv[0] == "manifest":
        manifest(argv[1], argv[2:], sys.stdin.read())
    elif argv == ["conflicts"]:
        conflicts(re.sub(r"\x1b\[[0-9;]*m", "", sys.stdin.read()))
    elif len(argv) >= 2 and argv[0] == "deps":
        args, bom_pom = argv[1:], None
        if "--bom-pom" in args:
            i = args.index("--bom-pom")
            bom_pom = args[i + 1]
            args = args[:i] + args[i + 2 :]
        deps(set(args), bom_pom)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
