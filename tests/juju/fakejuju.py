# fakejuju.py: the on-disk model behind the stand-ins for Juju's hook tools
# (relation-get, relation-set, relation-ids, relation-list) in this folder.
#
# SPDX-License-Identifier: GPL-2.0-or-later
#
# $GP_FAKE_JUJU_DIR holds the model:
#   relation-ids            one relation id per line ("server:0")
#   <relation id>/<unit>.json
#                           a unit's data bag, a JSON object, "/" in the unit
#                           name written as "-" ("glusterfs-1.json"); the
#                           remote units are the bags other than
#                           $JUJU_UNIT_NAME's; removing a bag removes the unit
#   fail-<tool>             if present, <tool> prints its content on stderr
#                           and exits 1 (a failing hook tool)
#   calls.log               every call is appended, one JSON argv a line
# The flags, defaults, output and error messages follow Juju's own tools.
import json
import os
import sys


def die(message, status=1):
    sys.stderr.write("ERROR %s\n" % message)
    sys.exit(status)


def model_dir(tool):
    path = os.environ.get("GP_FAKE_JUJU_DIR")
    if not path:
        die("GP_FAKE_JUJU_DIR is not set: the stand-in %s has no model" % tool, 2)
    with open(os.path.join(path, "calls.log"), "a") as log:
        log.write(json.dumps([tool] + sys.argv[1:]) + "\n")
    failure = os.path.join(path, "fail-" + tool)
    if os.path.exists(failure):
        with open(failure) as f:
            sys.stderr.write(f.read() or "ERROR %s failed\n" % tool)
        sys.exit(1)
    return path


def relation_ids(path):
    try:
        with open(os.path.join(path, "relation-ids")) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def resolve_relation(path, value):
    """-r takes "name:N" or just "N"; default $JUJU_RELATION_ID."""
    if value is None:
        value = os.environ.get("JUJU_RELATION_ID", "")
        if not value:
            die("no relation id specified", 2)
    for rid in relation_ids(path):
        if rid == value or rid.split(":")[-1] == value:
            return rid
    die('invalid value "%s" for option -r: relation not found' % value, 2)


def bag_path(path, rid, unit):
    return os.path.join(path, rid, unit.replace("/", "-") + ".json")


def read_bag(path, rid, unit):
    try:
        with open(bag_path(path, rid, unit)) as f:
            return json.load(f)
    except FileNotFoundError:
        die('cannot read settings for unit "%s" in relation "%s": unit "%s": '
            "settings not found" % (unit, rid, unit))


def write_bag(path, rid, unit, bag):
    os.makedirs(os.path.join(path, rid), exist_ok=True)
    tmp = bag_path(path, rid, unit) + ".tmp"
    with open(tmp, "w") as f:
        json.dump(bag, f, sort_keys=True)
    os.rename(tmp, bag_path(path, rid, unit))


def remote_units(path, rid):
    local = os.environ.get("JUJU_UNIT_NAME", "")
    departing = os.environ.get("JUJU_DEPARTING_UNIT", "")
    units = []
    try:
        names = os.listdir(os.path.join(path, rid))
    except FileNotFoundError:
        names = []
    for name in names:
        if not name.endswith(".json"):
            continue
        app, _, number = name[:-len(".json")].rpartition("-")
        unit = "%s/%s" % (app, number)
        if unit not in (local, departing):
            units.append(unit)
    units.sort(key=lambda u: (u.split("/")[0], int(u.split("/")[1])))
    return units


def output(value, fmt, smart_list=False):
    if fmt == "json":
        print(json.dumps(value))
    elif isinstance(value, dict):
        for key in sorted(value):
            print("%s: %s" % (key, json.dumps(value[key])))
    elif isinstance(value, list):
        for item in value:
            print(item if fmt == "smart" else "- " + item)
    elif value is not None:
        print(value)
