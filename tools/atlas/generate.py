#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Needlemap authors
#
# Writes resources/atlas/*.svg, the anatomy views of spec §1.1.
#
#   python3 tools/atlas/generate.py [OUTPUT_DIR]
#
# Each region of spec §1.2 shown in a view is a closed path whose id is the
# region id (class "region"). Regions are assembled from shared chains so
# that neighbours have exactly the same boundary curve; the generator checks
# that every boundary segment is shared by exactly two regions (inner seam)
# or belongs to the silhouette, and writes that silhouette as #outline.
# Left and right are the client's own (spec §1): on front views the client's
# left is on the viewer's right, on the back view on the viewer's left.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from geometry import (Chain, View, Shape, Ellipse, Group, curve, line, blob,  # noqa: E402
                      sym, mx_of)

STYLE = ("svg{color-interpolation:sRGB}"
         ".region{fill:#e8c4a8;stroke:#b48d72;stroke-width:0.6;stroke-linejoin:round}"
         ".skin{fill:#e8c4a8;stroke:none}"
         ".hair{fill:#8c827b;stroke:none}"
         ".hairline{fill:none;stroke:#756a63;stroke-width:0.8;stroke-linecap:round}"
         ".outline{fill:none;stroke:#6b5040;stroke-width:1.6;stroke-linejoin:round}"
         ".line{fill:none;stroke:#7d5e4b;stroke-width:1.1;stroke-linecap:round;stroke-linejoin:round}"
         ".fine{fill:none;stroke:#7d5e4b;stroke-width:0.7;stroke-linecap:round;stroke-opacity:0.75}"
         ".brow{fill:#6f5a4e;stroke:none}"
         ".eye{fill:#fbf9f6;stroke:#6b5040;stroke-width:1}"
         ".iris{fill:#70808c;stroke:none}"
         ".pupil{fill:#2c2826;stroke:none}"
         ".lip{fill:#c99086;stroke:#7d5e4b;stroke-width:0.8;stroke-linejoin:round}"
         ".nostril{fill:#7d5e4b;stroke:none}"
         "#underlay .skin,#decor .skin{stroke:#6b5040;stroke-width:1.6;stroke-linejoin:round}")


# ---------------------------------------------------------------- face-front

def face_front():
    W = 400
    mx = mx_of(W)
    v = View("face-front", W, 500)

    # Hairline: from the viewer-left temple over the forehead to the other.
    H4, H3, H2, H1, H0 = (95, 160), (104, 133), (124, 114), (158, 101), (200, 97)
    hairline = Chain(sym([H4, H3, H2, H1, H0], W))

    # Face contour from the viewer-left hairline down round the chin.
    S1, S2, S3, S4 = (92, 190), (90, 222), (92, 256), (96, 286)
    K, C, B0 = (134, 369), (161, 391), (200, 403)
    contour = Chain(sym([H4, S1, S2, S3, S4, (102, 314), (114, 342), K, C, (180, 400), B0], W))

    # Brow line: bottom of the forehead, top of the eyelids and glabella.
    L, G = (115, 214), (184, 197)
    brow = Chain(sym([L, (127, 202), (147, 196), (168, 196), G, (200, 196)], W))
    N0 = (190, 230)
    glab_side = Chain([G, (187, 214), N0])
    glab_side_r = Chain([mx(G), mx((187, 214)), mx(N0)])
    nose_top = Chain(sym([N0, (200, 231)], W))

    P1, A = (187, 254), (168, 298)
    nose_side = Chain([N0, (188, 242), P1, (185, 274), (178, 290), A])
    nose_side_r = Chain([mx(p) for p in nose_side.nodes])
    nose_bottom = Chain(sym([A, (173, 307), (186, 311), (200, 309)], W))

    lid_low = Chain([N0, (176, 243), (155, 250), (133, 244), L])
    lid_low_r = Chain([mx(p) for p in lid_low.nodes])
    P2 = (104, 235)
    peri_low = Chain([P1, (171, 265), (149, 269), (127, 263), (111, 251), P2])
    peri_low_r = Chain([mx(p) for p in peri_low.nodes])
    peri_lat = Chain([P2, (108, 224), L])
    peri_lat_r = Chain([mx(p) for p in peri_lat.nodes])
    temple_cheek = Chain([S2, (97, 230), P2])
    temple_cheek_r = Chain([mx(p) for p in temple_cheek.nodes])
    fore_temple = Chain([L, (120, 186), (121, 152), H2])
    fore_temple_r = Chain([mx(p) for p in fore_temple.nodes])

    J = (172, 358)
    fold = Chain([A, (164, 318), (166, 341), J])
    fold_r = Chain([mx(p) for p in fold.nodes])
    jaw_up = Chain([J, (149, 350), (124, 329), (106, 307), S4])
    jaw_up_r = Chain([mx(p) for p in jaw_up.nodes])
    chin_top = Chain(sym([J, (186, 364), (200, 365)], W))
    chin_side = Chain([J, (165, 375), C])
    chin_side_r = Chain([mx(p) for p in chin_side.nodes])

    NB = (118, 492)
    neck_side = Chain([K, (138, 400), (137, 442), (132, 470), NB])
    neck_side_r = Chain([mx(p) for p in neck_side.nodes])
    neck_bottom = Chain(sym([NB, (156, 496), (200, 497)], W))

    # Client's right is on the viewer's left.
    v.region("forehead",
             hairline.fw(H2, mx(H2)), fore_temple_r.bw(mx(H2), mx(L)),
             brow.bw(mx(L), L), fore_temple.fw(L, H2))
    v.region("glabella",
             brow.fw(G, mx(G)), glab_side_r.fw(), nose_top.bw(), glab_side.bw())
    v.region("temple-right",
             hairline.bw(H2, H4), contour.fw(H4, S2), temple_cheek.fw(),
             peri_lat.fw(), fore_temple.fw())
    v.region("temple-left",
             hairline.fw(mx(H2), mx(H4)), contour.bw(mx(H4), mx(S2)),
             temple_cheek_r.fw(), peri_lat_r.fw(), fore_temple_r.fw())
    v.region("eyelid-right", brow.fw(L, G), glab_side.fw(), lid_low.fw())
    v.region("eyelid-left", brow.bw(mx(L), mx(G)), glab_side_r.fw(), lid_low_r.fw())
    v.region("periorbital-right",
             nose_side.fw(N0, P1), peri_low.fw(), peri_lat.fw(), lid_low.bw())
    v.region("periorbital-left",
             nose_side_r.fw(mx(N0), mx(P1)), peri_low_r.fw(), peri_lat_r.fw(), lid_low_r.bw())
    v.region("nose",
             nose_top.fw(), nose_side_r.fw(), nose_bottom.bw(), nose_side.bw())
    v.region("cheek-right",
             peri_low.bw(), nose_side.fw(P1, A), fold.fw(), jaw_up.fw(),
             contour.bw(S4, S2), temple_cheek.fw())
    v.region("cheek-left",
             peri_low_r.bw(), nose_side_r.fw(mx(P1), mx(A)), fold_r.fw(), jaw_up_r.fw(),
             contour.fw(mx(S4), mx(S2)), temple_cheek_r.fw())
    v.region("upper-lip",
             nose_bottom.fw(), fold_r.fw(), chin_top.bw(), fold.bw())
    v.region("chin", chin_top.fw(), chin_side_r.fw(), contour.bw(mx(C), C), chin_side.bw())
    v.region("jawline-right", jaw_up.fw(), contour.fw(S4, C), chin_side.bw())
    v.region("jawline-left", jaw_up_r.fw(), contour.bw(mx(S4), mx(C)), chin_side_r.bw())
    v.region("neck", contour.fw(K, mx(K)), neck_side_r.fw(), neck_bottom.bw(), neck_side.bw())

    # Underlay: hair over the skull, the ears.
    skull = Chain(sym([S2, (84, 186), (82, 146), (92, 100), (122, 62), (160, 44), (200, 39)], W))
    v.underlay.append(Shape("hair", [(skull.fw() + contour.fw(mx(S2), mx(H4)) + hairline.bw()
                                      + contour.fw(H4, S2), True)]))
    for f in (lambda p: p, mx):
        for strand in ([(112, 120), (108, 96), (124, 70), (150, 54)],
                       [(140, 104), (140, 80), (160, 60), (186, 50)],
                       [(96, 150), (92, 122), (98, 96)]):
            v.underlay.append(line("hairline", [f(p) for p in strand]))
    for f in (lambda p: p, mx):
        ear = [(94, 206), (80, 199), (69, 205), (64, 226), (67, 252), (75, 275), (86, 292), (98, 298), (104, 250)]
        v.underlay.append(Shape("skin", [(curve([f(p) for p in ear], closed=True, corners=[f(ear[0]), f(ear[-2])]), True)]))
        v.decor.append(line("fine", [f(p) for p in [(86, 212), (76, 212), (73, 232), (77, 256), (84, 276)]]))
        v.decor.append(line("fine", [f(p) for p in [(88, 240), (81, 246), (83, 262)]]))
    v.decor.append(Shape("hairline", [(skull.fw(), False)], 'style="stroke-width:1.2"'))

    # Features above the regions: brows, eyes, nose, lips.
    for f in (lambda p: p, mx):
        def F(pts):
            return [f(p) for p in pts]
        v.decor.append(blob("brow", F([(183, 201), (170, 190), (148, 185), (127, 190), (114, 200),
                                       (129, 195), (150, 194), (169, 197)]),
                            corners=F([(183, 201), (114, 200)])))
        eye = F([(178, 229), (166, 219), (153, 216), (140, 219), (128, 228),
                 (141, 234), (155, 236), (168, 234)])
        corners = F([(178, 229), (128, 228)])
        eye_path = curve(eye, closed=True, corners=corners)
        cid = "clip-eye-%d" % (0 if f((0, 0))[0] == 0 else 1)
        v.defs.append(Group("clipPath", 'id="%s"' % cid, [Shape("eye", [(eye_path, True)])]))
        v.decor.append(Shape("eye", [(eye_path, True)]))
        v.decor.append(Group("g", 'clip-path="url(#%s)"' % cid,
                             [Ellipse("iris", f((153, 226)), 8.5), Ellipse("pupil", f((153, 226)), 3.4)]))
        v.decor.append(Shape("eye", [(eye_path, True)], 'style="fill:none"'))
        v.decor.append(line("fine", F([(173, 220), (161, 211), (146, 210), (134, 215)])))
        v.decor.append(line("fine", F([(168, 241), (154, 244), (140, 240)])))
        v.decor.append(line("line", F([(186, 252), (184, 274), (178, 289)])))
        v.decor.append(line("line", F([(179, 292), (172, 299), (176, 306), (186, 307)])))
        v.decor.append(blob("nostril", F([(186, 305), (192, 302), (196, 306), (191, 308)])))
        v.decor.append(line("fine", F([(168, 302), (163, 320), (166, 338)])))
    v.decor.append(blob("lip", [(174, 340), (186, 332), (195, 330), (200, 333), (205, 330), (214, 332),
                                (226, 340), (214, 349), (200, 352), (186, 349)],
                        corners=[(174, 340), (226, 340), (200, 333)]))
    v.decor.append(line("line", [(174, 340), (187, 339), (200, 341), (213, 339), (226, 340)]))
    v.decor.append(line("fine", [(200, 313), (200, 329)]))
    return v


VIEWS = [face_front]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "resources", "atlas")
    for make in VIEWS:
        vs = make()
        if not isinstance(vs, list):
            vs = [vs]
        for v in vs:
            with open(os.path.join(outdir, v.name + ".svg"), "w") as fp:
                fp.write(v.svg(STYLE))


if __name__ == "__main__":
    main()
