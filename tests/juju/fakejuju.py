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
#                           members of the id (relation-list) are the bags
#                           other than $JUJU_UNIT_NAME's; removing a bag
#                           removes the unit, bag and all. Each id has its
#                           own members, as in Juju.
#   <relation id>/departed  units (one a line) that have left the id but
#                           whose bag stays readable, as Juju keeps it
#   <relation id>/<app>.app.json
#                           an application's data bag (relation-get --app)
#   leader                  the leader unit's name (is-leader)
#   config.json             the charm's configuration (config-get)
#   fail-<tool>             if present, <tool> prints its content on stderr
#                           and exits 1 (a failing hook tool)
#   calls.log               every call is appended, one JSON argv a line
# The flags, defaults, output and error messages follow Juju's own tools
# (juju/juju worker/uniter/runner/jujuc/relation-*.go; the JSON format is
# juju/cmd's FormatJson: Go's json.Marshal, compact, keys sorted).
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


def app_bag_path(path, rid, app):
    return os.path.join(path, rid, app + ".app.json")


def read_app_bag(path, rid, app):
    try:
        with open(app_bag_path(path, rid, app)) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def departed_units(path, rid):
    try:
        with open(os.path.join(path, rid, "departed")) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def remote_units(path, rid):
    """The members of relation id rid as this hook sees them. In a departed
    hook the remote unit is no longer one of the hook's id (juju/juju
    worker/uniter/runner/context/contextfactory.go: RemoveMember(RemoteUnit)
    for hooks.RelationDeparted), whether it leaves or this unit does."""
    local = os.environ.get("JUJU_UNIT_NAME", "")
    gone = departed_units(path, rid)
    if (os.environ.get("JUJU_HOOK_NAME", "").endswith("-relation-departed") and
            os.environ.get("JUJU_RELATION_ID") == rid):
        gone.append(os.environ.get("JUJU_REMOTE_UNIT", ""))
    units = []
    try:
        names = os.listdir(os.path.join(path, rid))
    except FileNotFoundError:
        names = []
    for name in names:
        if not name.endswith(".json") or name.endswith(".app.json"):
            continue
        app, _, number = name[:-len(".json")].rpartition("-")
        unit = "%s/%s" % (app, number)
        if unit != local and unit not in gone:
            units.append(unit)
    # Juju lists members sorted as strings (glusterfs/10 before glusterfs/2).
    units.sort()
    return units


def is_leader():
    try:
        with open(os.path.join(model_dir_path(), "leader")) as f:
            return f.read().strip() == os.environ.get("JUJU_UNIT_NAME", "")
    except FileNotFoundError:
        return False


def model_dir_path():
    return os.environ["GP_FAKE_JUJU_DIR"]


def output(value, fmt):
    if fmt == "json":
        print(json.dumps(value, separators=(",", ":"), sort_keys=True))
    elif isinstance(value, bool):
        print("True" if value else "False")
    elif isinstance(value, dict):
        for key in sorted(value):
            print("%s: %s" % (key, json.dumps(value[key])))
    elif isinstance(value, list):
        for item in value:
            print(item if fmt == "smart" else "- " + item)
    elif value is not None:
        print(value)
