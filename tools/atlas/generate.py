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
         ".silhouette{display:none;fill:#000}"
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

    NB = (122, 492)
    neck_side = Chain([K, (138, 400), (138, 444), (134, 472), NB])
    neck_side_r = Chain([mx(p) for p in neck_side.nodes])
    neck_bottom = Chain(sym([NB, (160, 495), (200, 496)], W))

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


# ---------------------------------------------------------------- profiles

def face_left():
    """The client's left profile: the nose points to the viewer's left."""
    v = View("face-left-raw", 400, 500)

    F0, BR, NA, SN, ST, LS = (150, 92), (124, 200), (132, 218), (120, 300), (120, 341), (126, 367)
    U1, L2, ME, Q, CE, NBf = (119, 315), (121, 359), (140, 414), (160, 419), (196, 428), (208, 492)
    front = Chain([F0, (137, 120), (129, 155), (126, 185), BR, NA, (120, 240), (106, 262), (94, 281),
                   (97, 292), (108, 298), SN, U1, (112, 330), ST, (114, 352), L2, LS, (120, 386),
                   (124, 403), ME, Q, (180, 423), CE, (203, 458), NBf],
                  corners=[SN, ST, LS])
    HT, EA = (196, 117), (250, 228)
    hairline = Chain([F0, (170, 100), HT, (222, 132), (240, 160), (248, 195), EA])
    NR = (146, 223)
    na = Chain([NA, (139, 221), NR])
    EL = (197, 221)
    lid_up = Chain([NR, (152, 210), (168, 204), (186, 207), EL])
    lid_low = Chain([NR, (153, 236), (168, 243), (186, 238), EL])
    fore_temple = Chain([EL, (201, 190), (200, 150), HT])
    PN, AC = (151, 256), (150, 292)
    nose_back = Chain([NR, (149, 240), PN, (154, 276), AC])
    nose_bottom = Chain([AC, (140, 300), (130, 302), SN])
    PT = (218, 226)
    peri_low = Chain([PN, (170, 262), (196, 260), (214, 245), PT])
    peri_lat = Chain([PT, (208, 222), EL])
    temple_bottom = Chain([PT, (236, 231), EA])
    JA = (246, 302)
    ear_front = Chain([EA, (247, 252), (245, 278), JA])
    J = (152, 366)
    fold = Chain([AC, (157, 316), (159, 340), J])
    sulcus = Chain([LS, (140, 369), J])
    chin_back = Chain([J, (154, 392), Q])
    jaw_up = Chain([J, (176, 366), (206, 352), (232, 330), JA])
    GO = (242, 346)
    mandible = Chain([JA, (247, 322), GO, (224, 372), (196, 394), (174, 410), Q])
    NP, NBb = (284, 360), (318, 492)
    neck_back = Chain([NBb, (308, 440), (294, 392), NP])
    hair_low = Chain([NP, (268, 330), JA])
    neck_bottom = Chain([NBf, (260, 497), NBb])

    v.region("forehead", front.fw(F0, NA), na.fw(), lid_up.fw(), fore_temple.fw(), hairline.bw(HT, F0))
    v.region("temple-left", hairline.fw(HT, EA), temple_bottom.bw(), peri_lat.fw(), fore_temple.fw())
    v.region("eyelid-left", lid_up.fw(), lid_low.bw())
    v.region("periorbital-left", nose_back.fw(NR, PN), peri_low.fw(), peri_lat.fw(), lid_low.bw())
    v.region("nose", front.fw(NA, SN), nose_bottom.bw(), nose_back.bw(AC, NR), na.bw())
    v.region("cheek-left", nose_back.fw(PN, AC), fold.fw(), jaw_up.fw(), ear_front.bw(),
             temple_bottom.bw(), peri_low.bw())
    v.region("upper-lip", front.fw(SN, LS), sulcus.fw(), fold.bw(), nose_bottom.fw())
    v.region("chin", front.fw(LS, Q), chin_back.bw(), sulcus.bw())
    v.region("jawline-left", jaw_up.fw(), mandible.fw(), chin_back.bw())
    v.region("neck", front.fw(Q, NBf), neck_bottom.fw(), neck_back.fw(), hair_low.fw(), mandible.fw())

    skull = Chain([F0, (162, 66), (204, 48), (254, 45), (302, 56), (344, 88), (370, 140),
                   (378, 206), (370, 266), (348, 312), (314, 346), NP])
    v.underlay.append(Shape("hair", [(skull.fw() + hair_low.fw() + ear_front.bw() + hairline.bw(), True)]))
    for strand in ([(174, 90), (206, 72), (250, 66), (292, 78)],
                   [(216, 110), (254, 94), (300, 100), (330, 126)],
                   [(262, 168), (300, 146), (336, 160), (352, 200)],
                   [(306, 300), (334, 270), (346, 236)]):
        v.underlay.append(line("hairline", strand))
    v.decor.append(Shape("hairline", [(skull.fw(), False)], 'style="stroke-width:1.2"'))

    ear_back = Chain([EA, (262, 213), (282, 215), (293, 236), (291, 262), (281, 285), (266, 303), (254, 310), JA],
                     corners=[EA, JA])
    v.decor.append(Shape("skin", [(ear_back.fw() + ear_front.bw(), True)]))
    v.decor.append(line("fine", [(256, 224), (274, 222), (284, 240), (280, 264), (268, 284), (258, 292)]))
    v.decor.append(line("fine", [(260, 258), (268, 246), (274, 260), (264, 276)]))
    v.decor.append(line("fine", [(250, 254), (256, 258), (254, 268)]))

    v.decor.append(blob("brow", [(130, 199), (148, 189), (170, 189), (190, 197), (170, 195), (150, 196)],
                        corners=[(130, 199), (190, 197)]))
    eye = curve([(148, 225), (156, 218), (166, 219), (175, 224), (165, 231), (155, 232)],
                closed=True, corners=[(148, 225), (175, 224)])
    v.defs.append(Group("clipPath", 'id="clip-eye-profile"', [Shape("eye", [(eye, True)])]))
    v.decor.append(Shape("eye", [(eye, True)]))
    v.decor.append(Group("g", 'clip-path="url(#clip-eye-profile)"',
                         [Ellipse("iris", (152.5, 225), 4, 7), Ellipse("pupil", (150.5, 225), 1.6, 3.2)]))
    v.decor.append(Shape("eye", [(eye, True)], 'style="fill:none"'))
    v.decor.append(line("fine", [(150, 216), (160, 212), (172, 216)]))
    v.decor.append(line("line", [(152, 276), (144, 269), (134, 275), (135, 289), (147, 293)]))
    v.decor.append(blob("nostril", [(118, 296), (126, 293), (133, 296), (126, 298)]))
    v.decor.append(Shape("lip", [(front.fw(U1, L2) + curve([L2, (132, 356), (141, 342), (131, 327), U1]), True)]))
    v.decor.append(line("line", [ST, (131, 342), (141, 342)]))
    v.decor.append(line("fine", [(258, 320), (240, 380), (216, 442)]))
    # Drawn with the face towards the middle; move it so the skull fits.
    return v.mapped("face-left", lambda p: (p[0] - 28, p[1]), lambda rid: rid, flips=False)


def face_right():
    """The client's right profile: the mirror image of the left one."""
    left = face_left()
    return left.mapped("face-right", mx_of(400),
                       lambda rid: rid.replace("-left", "-right"))


# ---------------------------------------------------------------- scalp

def scalp():
    """The head seen from above, nose at the top; forehead as a front strip."""
    W = 400
    mx = mx_of(W)
    v = View("scalp", W, 500)
    FC, BC, FL, SV = (200, 86), (200, 458), (82, 146), (58, 276)
    left = [(152, 92), (112, 112), FL, (66, 190), (58, 238), SV, (64, 330), (80, 382),
            (110, 424), (152, 450)]
    outline = Chain([FC] + left + [BC] + [mx(p) for p in reversed(left)], closed=True)
    hairline = Chain(sym([FL, (112, 131), (155, 121), (200, 119)], W))
    crown = Chain(sym([SV, (102, 266), (150, 260), (200, 258)], W))

    v.region("forehead", outline.fw(mx(FL), FL), hairline.fw())
    v.region("scalp-frontal", hairline.fw(), outline.bw(mx(FL), mx(SV)), crown.bw(), outline.bw(SV, FL))
    v.region("scalp-vertex", crown.fw(), outline.bw(mx(SV), SV))

    v.underlay.append(Shape("skin", [(curve([(184, 96), (189, 70), (200, 60), (211, 70), (216, 96)],
                                           ), False)], 'style="fill-opacity:1"'))
    for f in (lambda p: p, mx):
        v.underlay.append(Shape("skin", [(curve([f(p) for p in [(64, 232), (48, 238), (41, 258), (44, 282),
                                                                   (56, 298), (66, 296)]]), False)]))
    # Hair flow: a whorl at the crown and strands running forward from it.
    v.decor.append(line("hairline", [(200, 330), (207, 326), (208, 318), (200, 313), (190, 318),
                                     (188, 330), (196, 340), (210, 340), (220, 330), (220, 314),
                                     (210, 302), (194, 300)]))
    for strand in ([(186, 300), (170, 250), (164, 190), (170, 140)],
                   [(178, 310), (140, 260), (118, 200), (112, 150)],
                   [(180, 336), (130, 320), (96, 270), (82, 210)],
                   [(192, 350), (160, 384), (120, 396)]):
        v.decor.append(line("hairline", strand, tension=1.0))
        v.decor.append(line("hairline", [mx(p) for p in strand]))
    v.decor.append(line("fine", [(184, 96), (189, 70), (200, 60), (211, 70), (216, 96)]))
    return v


# ---------------------------------------------------------------- body

def body(back):
    """The whole body, arms slightly away from the trunk, palms forward
    (anatomical position). On the front view the client's right is on the
    viewer's left; on the back view the client's left is."""
    W = 400
    mx = mx_of(W)
    v = View("body-back" if back else "body-front", W, 900)
    near, far = ("left", "right") if back else ("right", "left")

    def M(chain):
        return Chain([mx(p) for p in chain.nodes], corners=[mx(p) for p in chain.corners])

    NK, CH = (176, 113), (200, 124)
    head_half = [(200, 16), (175, 23), (160, 44), (157, 72), (162, 97), NK, (188, 121)]
    head = Chain(head_half + [CH] + [mx(p) for p in reversed(head_half[1:])], closed=True)

    NS, SHt, EL_l, WR_l, TC = (166, 152), (118, 172), (69, 336), (50, 452), (43, 489)
    WR_m, EL_m, AX = (70, 462), (94, 340), (122, 232)
    arm = Chain([NK, (173, 134), NS, (140, 163), SHt, (102, 180), (92, 195), (88, 215), (85, 240), (80, 275),
                 (74, 308), EL_l, (63, 372), (56, 412), WR_l, (45, 465), (37, 479), (34, 491), (38, 495), TC,
                 (40, 510), (42, 527), (48, 538), (56, 538), (62, 527), (66, 507), (69, 484), WR_m,
                 (76, 428), (84, 386), EL_m, (100, 304), (108, 266), (115, 246), AX],
                corners=[NK, TC, (34, 491)])
    BT, BB, WA, HP, HT, GF = (127, 258), (133, 308), (139, 366), (122, 452), (121, 470), (123, 496)
    KN_l, AN_l, AN_m, KN_m, CR = (142, 648), (158, 832), (184, 832), (190, 648), (200, 490)
    trunk = Chain([AX, BT, (130, 282), BB, (136, 334), WA, (136, 396), (128, 426), HP, HT, GF,
                   (127, 540), (134, 590), KN_l, (143, 684), (145, 716), (150, 770), AN_l, AN_m,
                   (187, 782), (184, 728), (185, 692), KN_m, (193, 600), (195, 546), (197, 512), CR],
                  corners=[AX, AN_l, AN_m, CR])
    armR, trunkR = M(arm), M(trunk)

    neck_bottom = Chain(sym([NS, (182, 167), (200, 170)], W))
    shoulder = Chain([SHt, (113, 194), (116, 215), AX])
    elbow = Chain([EL_l, (82, 340), EL_m])
    wrist = Chain([WR_l, (60, 459), WR_m])
    knee = Chain([KN_l, (166, 653), KN_m])
    shoulderR, elbowR, wristR, kneeR = M(shoulder), M(elbow), M(wrist), M(knee)

    v.region("neck", head.fw(NK, mx(NK)), armR.fw(mx(NK), mx(NS)), neck_bottom.bw(), arm.bw(NS, NK))
    for side, A, T, S, E, Wr, Kn, f in ((near, arm, trunk, shoulder, elbow, wrist, knee, lambda p: p),
                                        (far, armR, trunkR, shoulderR, elbowR, wristR, kneeR, mx)):
        v.region("upper-arm-" + side, A.fw(f(SHt), f(EL_l)), E.fw(), A.fw(f(EL_m), f(AX)), S.bw())
        v.region("forearm-" + side, A.fw(f(EL_l), f(WR_l)), Wr.fw(), A.fw(f(WR_m), f(EL_m)), E.bw())
        v.region("lower-leg-" + side, T.fw(f(KN_l), f(KN_m)), Kn.bw())
        # "hand" means the back of the hand (spec §1.2); it is a target in
        # both body views so that it is always one click away.
        v.region("hand-" + side, A.fw(f(WR_l), f(WR_m)), Wr.bw())
        v.soft.update(s.key for s in T.fw(f(AN_l), f(AN_m)))

    if not back:
        BMT, BM = (188, 246), (189, 296)
        IL = (141, 446)
        breast_up = Chain([BT, (144, 242), (168, 238), BMT])
        breast_med = Chain([BMT, (192, 270), BM])
        fold = Chain([BB, (141, 313), (158, 316), (177, 309), BM])
        xiphoid = Chain(sym([BM, (200, 300)], W))
        flank_med = Chain([BB, (146, 340), (150, 372), (146, 410), IL])
        flank_low = Chain([IL, (131, 459), HT])
        inguinal = Chain([IL, (160, 464), (182, 478), CR])
        bu, bm, fo, fm, fl, ig = (M(c) for c in (breast_up, breast_med, fold, flank_med, flank_low, inguinal))
        v.region("decolletage", neck_bottom.fw(), armR.fw(mx(NS), mx(SHt)), shoulderR.fw(),
                 trunkR.fw(mx(AX), mx(BT)), bu.fw(), bm.fw(), xiphoid.bw(), breast_med.bw(),
                 breast_up.bw(), trunk.bw(BT, AX), shoulder.bw(), arm.bw(SHt, NS))
        v.region("breast-right", breast_up.fw(), breast_med.fw(), fold.bw(), trunk.bw(BB, BT))
        v.region("breast-left", bu.fw(), bm.fw(), fo.bw(), trunkR.bw(mx(BB), mx(BT)))
        v.region("abdomen", xiphoid.fw(), fo.bw(), fm.fw(), ig.fw(), inguinal.bw(), flank_med.bw(), fold.fw())
        v.region("flank-right", flank_med.fw(), flank_low.fw(), trunk.bw(HT, BB))
        v.region("flank-left", fm.fw(), fl.fw(), trunkR.bw(mx(HT), mx(BB)))
        v.region("thigh-right", inguinal.fw(), trunk.bw(CR, KN_m), knee.bw(), trunk.bw(KN_l, HT), flank_low.bw())
        v.region("thigh-left", ig.fw(), trunkR.bw(CR, mx(KN_m)), kneeR.bw(), trunkR.bw(mx(KN_l), mx(HT)), fl.bw())
    else:
        HBt, CT = (137, 440), (200, 436)
        waist = Chain(sym([BB, (160, 334), (200, 338)], W))
        flank_med = Chain([BB, (144, 340), (148, 372), (144, 408), HBt])
        flank_low = Chain([HBt, (129, 448), HP])
        buttock_top = Chain(sym([HBt, (156, 430), (180, 428), CT], W))
        cleft = Chain([CT, (200, 462), CR])
        gfold = Chain([GF, (146, 508), (172, 509), (190, 501), CR])
        fm, fl, gf = M(flank_med), M(flank_low), M(gfold)
        v.region("upper-back", neck_bottom.fw(), armR.fw(mx(NS), mx(SHt)), shoulderR.fw(),
                 trunkR.fw(mx(AX), mx(BB)), waist.bw(), trunk.bw(BB, AX), shoulder.bw(), arm.bw(SHt, NS))
        v.region("lower-back", waist.fw(), fm.fw(), buttock_top.bw(), flank_med.bw())
        for side, T, FM, FL, GFo, Kn, f in (("left", trunk, flank_med, flank_low, gfold, knee, lambda p: p),
                                            ("right", trunkR, fm, fl, gf, kneeR, mx)):
            v.region("flank-" + side, FM.fw(), FL.fw(), T.bw(f(HP), f(BB)))
            top = buttock_top.fw(HBt, CT) if side == "left" else buttock_top.bw(mx(HBt), CT)
            v.region("buttock-" + side, top, cleft.fw(), GFo.bw(), T.bw(f(GF), f(HP)), FL.bw())
            v.region("thigh-" + side, GFo.fw(), T.bw(CR, f(KN_m)), Kn.bw(), T.bw(f(KN_l), f(GF)))

    # Head, feet: skin and hair drawn beneath the regions.
    v.underlay.append(Shape("skin", [(head.all(), True)]))
    for f in (lambda p: p, mx):
        v.underlay.append(blob("skin", [f(p) for p in [(160, 58), (152, 56), (149, 68), (151, 84), (158, 92)]],
                               corners=[f((160, 58)), f((158, 92))]))
        if back:
            foot = [AN_l, (155, 860), (157, 878), (171, 884), (185, 878), (187, 856), AN_m]
        else:
            foot = [AN_l, (153, 858), (149, 874), (158, 884), (186, 884), (193, 874), (188, 852), AN_m]
        v.underlay.append(blob("skin", [f(p) for p in foot], corners=[f(AN_l), f(AN_m)]))
    if back:
        v.underlay.append(Shape("hair", [(curve([(157, 78), (159, 40), (176, 21), (200, 14), (224, 21), (241, 40),
                                                 (243, 78), (240, 100), (226, 112), (200, 116), (174, 112),
                                                 (160, 100)], closed=True), True)]))
    else:
        v.underlay.append(Shape("hair", [(curve([(157, 74), (158, 42), (175, 21), (200, 14), (225, 21), (242, 42),
                                                 (243, 74), (237, 54), (220, 44), (200, 41), (180, 44),
                                                 (163, 54)], closed=True, corners=[(157, 74), (243, 74)]), True)]))

    for f in (lambda p: p, mx):
        def F(pts):
            return [f(p) for p in pts]
        v.decor.append(line("fine", F([(152, 640), (166, 633), (180, 640)])))
        v.decor.append(line("fine", F([(45, 494), (50, 500)])))
        for x0 in (48, 55, 61):
            v.decor.append(line("fine", F([(x0, 512), (x0 + 0.5, 532)])))
        if back:
            v.decor.append(line("fine", F([(171, 208), (168, 238), (158, 266)])))
            v.decor.append(line("fine", F([(169, 216), (150, 206), (128, 202)])))
            v.decor.append(line("fine", F([(152, 666), (166, 670), (180, 666)])))
        else:
            v.decor.append(line("fine", F([(180, 172), (160, 177), (138, 174)])))
            v.decor.append(line("fine", F([(76, 340), (84, 344)])))
    if back:
        v.decor.append(line("fine", [(200, 178), (200, 260), (200, 330)]))
    else:
        v.decor.append(blob("nostril", [(200, 372), (203, 376), (200, 381), (197, 376)]))
        v.decor.append(line("fine", [(192, 488), (200, 492), (208, 488)]))
    return v


def body_front():
    return body(False)


def body_back():
    return body(True)


VIEWS = [face_front, face_left, face_right, scalp, body_front, body_back]


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
