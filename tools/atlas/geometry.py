# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Needlemap authors
#
# Small geometry kit for the anatomy atlas generator: smooth chains of cubic
# Bézier segments through given nodes, regions assembled from pieces of
# chains (so neighbouring regions share their boundary exactly), and the
# SVG serialisation.

import math

_chain_counter = [0]


def fmt(v):
    s = "%.2f" % v
    s = s.rstrip("0").rstrip(".")
    if s == "-0":
        s = "0"
    return s


def pt(p):
    return fmt(p[0]) + " " + fmt(p[1])


class Seg:
    """One cubic segment; key identifies it across regions, fwd its direction."""

    __slots__ = ("p0", "c1", "c2", "p1", "key", "fwd")

    def __init__(self, p0, c1, c2, p1, key, fwd=True):
        self.p0, self.c1, self.c2, self.p1 = p0, c1, c2, p1
        self.key, self.fwd = key, fwd

    def reversed(self):
        return Seg(self.p1, self.c2, self.c1, self.p0, self.key, not self.fwd)

    def mapped(self, f):
        return Seg(f(self.p0), f(self.c1), f(self.c2), f(self.p1), self.key, self.fwd)


def _unit(a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    d = math.hypot(dx, dy)
    if d == 0:
        return (0.0, 0.0)
    return (dx / d, dy / d)


class Chain:
    """A smooth curve through nodes (chord-length Catmull-Rom as cubics).

    Nodes listed in `corners` get a sharp corner instead of a smooth tangent.
    `tension` scales the handle lengths (1 = a third of the chord)."""

    def __init__(self, nodes, closed=False, corners=(), tension=1.0):
        _chain_counter[0] += 1
        self.cid = _chain_counter[0]
        self.nodes = [(float(x), float(y)) for x, y in nodes]
        self.closed = closed
        self.corners = [(float(x), float(y)) for x, y in corners]
        n = len(self.nodes)
        corner_idx = set()
        for c in corners:
            corner_idx.add(self.index(c))
        t_in, t_out = [], []
        for i in range(n):
            p = self.nodes[i]
            if closed:
                a, b = self.nodes[i - 1], self.nodes[(i + 1) % n]
            else:
                a = self.nodes[max(i - 1, 0)]
                b = self.nodes[min(i + 1, n - 1)]
            if i in corner_idx or (not closed and (i == 0 or i == n - 1)):
                t_in.append(_unit(a, p) if a != p else _unit(p, b))
                t_out.append(_unit(p, b) if b != p else _unit(a, p))
            else:
                u = _unit(a, b)
                t_in.append(u)
                t_out.append(u)
        self.segs = []
        m = n if closed else n - 1
        for i in range(m):
            p0, p1 = self.nodes[i], self.nodes[(i + 1) % n]
            L = math.hypot(p1[0] - p0[0], p1[1] - p0[1]) * tension / 3.0
            to, ti = t_out[i], t_in[(i + 1) % n]
            c1 = (p0[0] + to[0] * L, p0[1] + to[1] * L)
            c2 = (p1[0] - ti[0] * L, p1[1] - ti[1] * L)
            self.segs.append(Seg(p0, c1, c2, p1, (self.cid, i)))

    def index(self, p):
        p = (float(p[0]), float(p[1]))
        for i, q in enumerate(self.nodes):
            if q == p:
                return i
        raise KeyError("node %r not on chain %r" % (p, self.nodes))

    def fw(self, a=None, b=None):
        """Segments from node a forward (in node order) to node b."""
        ia = 0 if a is None else self.index(a)
        ib = len(self.nodes) - 1 if b is None else self.index(b)
        if self.closed:
            n = len(self.nodes)
            out, i = [], ia
            while True:
                out.append(self.segs[i])
                i = (i + 1) % n
                if i == ib:
                    return out
        if ia >= ib:
            raise ValueError("fw: %r is not before %r" % (a, b))
        return self.segs[ia:ib]

    def bw(self, a=None, b=None):
        """Segments from node a backward to node b."""
        if a is None:
            a = self.nodes[-1]
        if b is None:
            b = self.nodes[0]
        return [s.reversed() for s in reversed(self.fw(b, a))]

    def all(self):
        return list(self.segs)


def mx_of(width):
    def mx(p):
        return (width - p[0], p[1])
    return mx


def mirror_pts(pts, width):
    return [(width - x, y) for x, y in pts]


def sym(half, width):
    """Nodes of a chain symmetric about the vertical axis: `half` runs from the
    viewer's left end to the point on the axis; the mirror half is appended."""
    axis = half[-1]
    assert abs(axis[0] - width / 2.0) < 1e-9, axis
    return list(half) + [(width - x, y) for x, y in reversed(half[:-1])]


def path_d(segs, closed=True):
    if not segs:
        return ""
    out = ["M" + pt(segs[0].p0)]
    for s in segs:
        out.append("C" + pt(s.c1) + " " + pt(s.c2) + " " + pt(s.p1))
    if closed:
        out.append("Z")
    return " ".join(out)


def _area(segs):
    poly = []
    for s in segs:
        poly += [s.p0, s.c1, s.c2]
    a = 0.0
    for i in range(len(poly)):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % len(poly)]
        a += x0 * y1 - x1 * y0
    return a / 2.0


class View:
    def __init__(self, name, width, height):
        self.name, self.width, self.height = name, width, height
        self.regions = []      # (id, [segs])
        self.underlay = []     # svg element strings
        self.decor = []
        self.defs = []
        self.soft = set()      # silhouette segments not stroked (hidden seams)

    def region(self, rid, *parts):
        segs = []
        for p in parts:
            segs += p
        for i, s in enumerate(segs):
            nxt = segs[(i + 1) % len(segs)]
            if math.hypot(s.p1[0] - nxt.p0[0], s.p1[1] - nxt.p0[1]) > 1e-6:
                raise ValueError("%s/%s: gap between %r and %r" % (self.name, rid, s.p1, nxt.p0))
        # All regions clockwise on screen (positive area in y-down coordinates).
        if _area(segs) < 0:
            segs = [s.reversed() for s in reversed(segs)]
        self.regions.append((rid, segs))

    def check_and_outline(self):
        """Every segment borders one region (silhouette) or two regions with
        opposite directions (shared boundary). Returns the silhouette loops."""
        use = {}
        for rid, segs in self.regions:
            for s in segs:
                use.setdefault(s.key, []).append((rid, s))
        boundary = []
        for key, lst in use.items():
            if len(lst) > 2:
                raise ValueError("%s: segment %r used by %s" % (self.name, key, [r for r, _ in lst]))
            if len(lst) == 2:
                if lst[0][1].fwd == lst[1][1].fwd:
                    raise ValueError("%s: regions %s overlap along %r" % (self.name, [r for r, _ in lst], key))
            else:
                boundary.append(lst[0][1])
        loops = []
        remaining = list(boundary)
        while remaining:
            loop = [remaining.pop(0)]
            while True:
                end = loop[-1].p1
                if math.hypot(end[0] - loop[0].p0[0], end[1] - loop[0].p0[1]) < 1e-6:
                    break
                for i, s in enumerate(remaining):
                    if math.hypot(s.p0[0] - end[0], s.p0[1] - end[1]) < 1e-6:
                        loop.append(remaining.pop(i))
                        break
                else:
                    raise ValueError("%s: open silhouette at %r" % (self.name, end))
            loops.append(loop)
        return loops

    def outline_d(self, loops):
        """The silhouette as stroked: loops, cut open where a seam is soft."""
        out = []
        for loop in loops:
            hard = [s.key not in self.soft for s in loop]
            if all(hard):
                out.append(path_d(loop))
                continue
            start = hard.index(False)
            rot = loop[start:] + loop[:start]
            run = []
            for s in rot:
                if s.key in self.soft:
                    if run:
                        out.append(path_d(run, closed=False))
                    run = []
                else:
                    run.append(s)
            if run:
                out.append(path_d(run, closed=False))
        return " ".join(out)

    def mapped(self, name, f, rename, flips=True):
        v = View(name, self.width, self.height)
        for rid, segs in self.regions:
            v.regions.append((rename(rid), [s.mapped(f) for s in segs]))
        v.underlay = [e.mapped(f) for e in self.underlay]
        v.decor = [e.mapped(f) for e in self.decor]
        v.defs = [e.mapped(f) for e in self.defs]
        v.soft = set(self.soft)
        # mirroring flips the winding; restore clockwise order
        if flips:
            v.regions = [(r, [s.reversed() for s in reversed(segs)])
                         for r, segs in v.regions]
        return v

    def svg(self, style):
        loops = self.check_and_outline()
        w, h = fmt(self.width), fmt(self.height)
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<!-- SPDX-License-Identifier: GPL-3.0-or-later -->',
               '<!-- Copyright 2026 The Needlemap authors. Generated by tools/atlas/generate.py: edit the generator, not this file. -->',
               '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 %s %s" width="%s" height="%s">' % (w, h, w, h),
               '  <title>%s</title>' % self.name,
               '  <style>%s</style>' % style]
        if self.defs:
            out.append('  <defs>')
            out += ['    ' + e.svg() for e in self.defs]
            out.append('  </defs>')
        out.append('  <g id="underlay">')
        out += ['    ' + e.svg() for e in self.underlay]
        out.append('  </g>')
        out.append('  <g id="regions">')
        for rid, segs in self.regions:
            out.append('    <path id="%s" class="region" d="%s"/>' % (rid, path_d(segs)))
        out.append('  </g>')
        out.append('  <g id="decor">')
        out += ['    ' + e.svg() for e in self.decor]
        out.append('    <path id="outline" class="outline" d="%s"/>' % self.outline_d(loops))
        out.append('    <path id="silhouette" class="silhouette" d="%s"/>' % " ".join(path_d(l) for l in loops))
        out.append('  </g>')
        out.append('</svg>')
        return "\n".join(out) + "\n"


class Shape:
    """A decorative path made of one or more sub-paths of segments."""

    def __init__(self, cls, subpaths, attrs=""):
        self.cls, self.subpaths, self.attrs = cls, subpaths, attrs

    def mapped(self, f):
        return Shape(self.cls, [([s.mapped(f) for s in segs], closed) for segs, closed in self.subpaths], self.attrs)

    def svg(self):
        d = " ".join(path_d(segs, closed) for segs, closed in self.subpaths)
        a = (" " + self.attrs) if self.attrs else ""
        return '<path class="%s" d="%s"%s/>' % (self.cls, d, a)


class Ellipse:
    def __init__(self, cls, c, rx, ry=None, attrs=""):
        self.cls, self.c, self.rx, self.ry, self.attrs = cls, c, rx, (rx if ry is None else ry), attrs

    def mapped(self, f):
        return Ellipse(self.cls, f(self.c), self.rx, self.ry, self.attrs)

    def svg(self):
        a = (" " + self.attrs) if self.attrs else ""
        return '<ellipse class="%s" cx="%s" cy="%s" rx="%s" ry="%s"%s/>' % (
            self.cls, fmt(self.c[0]), fmt(self.c[1]), fmt(self.rx), fmt(self.ry), a)


class Group:
    """<g> wrapper, e.g. with a clip-path, or a <clipPath> in defs."""

    def __init__(self, tag, attrs, children):
        self.tag, self.attrs, self.children = tag, attrs, children

    def mapped(self, f):
        return Group(self.tag, self.attrs, [c.mapped(f) for c in self.children])

    def svg(self):
        return "<%s %s>%s</%s>" % (self.tag, self.attrs, "".join(c.svg() for c in self.children), self.tag)


def curve(nodes, closed=False, corners=(), tension=1.0):
    return Chain(nodes, closed=closed, corners=corners, tension=tension).all()


def line(cls, nodes, tension=1.0, corners=()):
    return Shape(cls, [(curve(nodes, tension=tension, corners=corners), False)])


def blob(cls, nodes, corners=(), tension=1.0):
    return Shape(cls, [(curve(nodes, closed=True, corners=corners, tension=tension), True)])
