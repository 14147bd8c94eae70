#!/usr/bin/env python3
# gp-api-doc.py: the D-Bus API reference, from introspection/*.xml.
#
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   gp-api-doc.py --format=man|markdown --version=V --output=FILE XML...
#
# Reads the doc comments the way gdbus-codegen does: the comment right before
# an <interface>, <method>, <property> or <signal> starts with "Name:"
# (optionally followed by a one-line summary), then "@arg: text" lines, then
# paragraphs separated by blank lines. Standard library only, so the build
# needs nothing but the Python that runs meson.

import argparse
import html
import re
import sys
import xml.etree.ElementTree as ET

ROOT_PATH = "/org/juju/GlusterPeer"
TITLE = "org.juju.GlusterPeer"

ERRORS = [
    ("org.juju.GlusterPeer.Error.InvalidArgument",
     "a bad relation, unit or key name, address type, brick or state, "
     "or oversized input"),
    ("org.juju.GlusterPeer.Error.LimitExceeded",
     "a configured limit (units per relation, bricks per unit, keys per "
     "data bag, bytes per value) would be passed"),
    ("org.juju.GlusterPeer.Error.InsufficientPeers",
     "VolumeBricks cannot place the replicas on distinct hosts"),
    ("org.juju.GlusterPeer.Error.Failed",
     "the state could not be written; the call changed nothing"),
    ("org.freedesktop.DBus.Error.AccessDenied",
     "an unprivileged caller of a privileged method"),
]


class Doc:
    def __init__(self, text):
        self.summary = ""
        self.args = {}
        self.paragraphs = []
        if text is None:
            return
        lines = [l.strip() for l in html.unescape(text).strip("\n").splitlines()]
        while lines and not lines[0]:
            lines.pop(0)
        if lines:
            first = lines.pop(0)
            m = re.match(r"^[A-Za-z0-9_.]+:\s*(.*)$", first)
            self.summary = m.group(1) if m else first
        current = None  # the @arg being continued
        paragraph = []
        for line in lines:
            m = re.match(r"^@([A-Za-z0-9_]+):\s*(.*)$", line)
            if m and not self.paragraphs and not paragraph:
                current = m.group(1)
                self.args[current] = m.group(2)
            elif not line:
                current = None
                if paragraph:
                    self.paragraphs.append(" ".join(paragraph))
                    paragraph = []
            elif current is not None:
                self.args[current] += " " + line
            else:
                paragraph.append(line)
        if paragraph:
            self.paragraphs.append(" ".join(paragraph))
        if "short_description" in self.args:
            self.summary = self.args.pop("short_description")

    def body(self):
        # "@name" refers to an argument in gtk-doc style; print the name.
        paras = ([self.summary] if self.summary else []) + self.paragraphs
        return [re.sub(r"@([A-Za-z_][A-Za-z0-9_]*)", r"\1", p) for p in paras]


def parse(path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(path, parser).getroot()
    interfaces = []
    pending = None
    for child in root:
        if child.tag is ET.Comment:
            pending = child.text
        elif child.tag == "interface":
            interfaces.append(parse_interface(child, Doc(pending)))
            pending = None
    return interfaces


def parse_interface(node, doc):
    iface = {"name": node.get("name"), "doc": doc,
             "methods": [], "properties": [], "signals": []}
    pending = None
    for child in node:
        if child.tag is ET.Comment:
            pending = child.text
            continue
        if child.tag in ("method", "property", "signal"):
            member = {"name": child.get("name"), "doc": Doc(pending),
                      "type": child.get("type"), "access": child.get("access"),
                      "args": [(a.get("direction") or "in", a.get("type"), a.get("name"))
                               for a in child.findall("arg")]}
            iface[{"method": "methods", "property": "properties",
                   "signal": "signals"}[child.tag]].append(member)
        pending = None
    return iface


def signature(member, kind):
    if kind == "signals":
        args = ", ".join("%s %s" % (t, n) for _, t, n in member["args"])
    else:
        args = ", ".join("%s %s %s" % (d, t, n) for d, t, n in member["args"])
    return "%s(%s)" % (member["name"], args)


KINDS = [("methods", "Methods"), ("properties", "Properties"), ("signals", "Signals")]


# ---- man ----------------------------------------------------------------------

def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def man(interfaces, version):
    out = []
    w = out.append
    w('.TH "%s" "5" "" "gluster-peer %s" "gluster-peer"' % (TITLE, version))
    w(".SH NAME")
    w("%s \\- the D\\-Bus API of gluster\\-peerd" % roff(TITLE))
    w(".SH SYNOPSIS")
    w(".nf")
    w(roff("bus name  org.juju.GlusterPeer (system bus)"))
    w(roff("%-44s org.freedesktop.DBus.ObjectManager, org.juju.GlusterPeer.Manager" % ROOT_PATH))
    w(roff("%-44s org.juju.GlusterPeer.Relation" % (ROOT_PATH + "/RELATION")))
    w(roff("%-44s org.juju.GlusterPeer" % (ROOT_PATH + "/RELATION/UNIT")))
    w(".fi")
    w(".SH DESCRIPTION")
    w(roff("gluster-peerd(8) publishes the peers of Juju GlusterFS peer relations "
           "on the system bus. RELATION and UNIT are escaped with "
           "g_dbus_escape_object_path(): unit \"glusterfs/0\" of relation "
           "\"server\" is %s/server/glusterfs_2f0. The object manager at %s "
           "announces relation and unit objects with InterfacesAdded and "
           "InterfacesRemoved; properties announce changes with "
           "PropertiesChanged." % (ROOT_PATH, ROOT_PATH)))
    w(".PP")
    w(roff("Anyone may introspect, read properties, use the object manager and "
           "call the query methods; every other method is for root."))
    for iface in interfaces:
        w(".SH INTERFACE %s" % roff(iface["name"].upper()))
        for para in iface["doc"].body():
            w(".PP")
            w(roff(para))
        for kind, label in KINDS:
            if not iface[kind]:
                continue
            w(".SS %s" % label)
            for member in iface[kind]:
                if kind == "properties":
                    head = "%s %s %s" % (member["name"], member["type"],
                                         "(read-only)" if member["access"] == "read" else
                                         "(%s)" % member["access"])
                else:
                    head = signature(member, kind)
                w(".PP")
                w("\\fB%s\\fR" % roff(head))
                w(".RS 4")
                first = True
                for para in member["doc"].body():
                    if not first:
                        w(".PP")
                    w(roff(para))
                    first = False
                for _, _, name in member["args"]:
                    text = member["doc"].args.get(name)
                    if text:
                        w(".TP")
                        w("\\fI%s\\fR" % roff(name))
                        w(roff(text))
                w(".RE")
    w(".SH ERRORS")
    for name, text in ERRORS:
        w(".TP")
        w("\\fB%s\\fR" % roff(name))
        w(roff(text))
    w(".SH EXAMPLES")
    w(".nf")
    w(roff("busctl tree org.juju.GlusterPeer"))
    w(roff("busctl introspect org.juju.GlusterPeer %s/server" % ROOT_PATH))
    w(roff("busctl call org.juju.GlusterPeer %s/server \\" % ROOT_PATH))
    w(roff("    org.juju.GlusterPeer.Relation VolumeBricks us 2 \"\""))
    w(".fi")
    w(".SH SEE ALSO")
    w("\\fBgluster\\-peerd\\fR(8), \\fBgluster\\-peerctl\\fR(1), \\fBbusctl\\fR(1), \\fBgdbus\\fR(1)")
    return "\n".join(out) + "\n"


# ---- markdown -----------------------------------------------------------------

def md(text):
    # "<relation>" would read as an HTML tag.
    return text.replace("<", "\\<")


def markdown(interfaces, version):
    out = []
    w = out.append
    w("# %s: the D-Bus API of gluster-peerd %s" % (TITLE, version))
    w("")
    w("Generated from `introspection/*.xml`.")
    w("")
    w("    bus name: org.juju.GlusterPeer (system bus)")
    w("    %-44s org.freedesktop.DBus.ObjectManager, org.juju.GlusterPeer.Manager" % ROOT_PATH)
    w("    %-44s org.juju.GlusterPeer.Relation" % (ROOT_PATH + "/RELATION"))
    w("    %-44s org.juju.GlusterPeer" % (ROOT_PATH + "/RELATION/UNIT"))
    w("")
    w("RELATION and UNIT are escaped with `g_dbus_escape_object_path()`. Anyone "
      "may introspect, read properties, use the object manager and call the "
      "query methods; every other method is for root.")
    for iface in interfaces:
        w("")
        w("## %s" % iface["name"])
        for para in iface["doc"].body():
            w("")
            w(md(para))
        for kind, label in KINDS:
            if not iface[kind]:
                continue
            w("")
            w("### %s" % label)
            for member in iface[kind]:
                if kind == "properties":
                    head = "%s `%s`, %s" % (member["name"], member["type"],
                                            "read-only" if member["access"] == "read"
                                            else member["access"])
                    w("")
                    w("#### %s" % head)
                else:
                    w("")
                    w("#### `%s`" % signature(member, kind))
                for para in member["doc"].body():
                    w("")
                    w(md(para))
                args = [(n, member["doc"].args.get(n)) for _, _, n in member["args"]]
                args = [(n, t) for n, t in args if t]
                if args:
                    w("")
                    for name, text in args:
                        w("- `%s`: %s" % (name, md(text)))
    w("")
    w("## Errors")
    w("")
    for name, text in ERRORS:
        w("- `%s`: %s" % (name, text))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--format", choices=["man", "markdown"], required=True)
    ap.add_argument("--version", default="")
    ap.add_argument("--output", required=True)
    ap.add_argument("xml", nargs="+")
    opts = ap.parse_args()
    interfaces = []
    for path in opts.xml:
        interfaces += parse(path)
    text = (man if opts.format == "man" else markdown)(interfaces, opts.version)
    with open(opts.output, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
