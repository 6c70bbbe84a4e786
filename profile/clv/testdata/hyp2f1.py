# Reference values for TestHyp2f1Mpmath (profile/clv): 2F1(a, b; c; z) by mpmath.hyp2f1 at 50
# digits (the same at 80). Run: python3 testdata/hyp2f1.py
import mpmath as mp

# CDNOW BG/NBD estimate (Fader, Hardie and Lee 2005)
r, al, a, b = 0.243, 4.414, 0.793, 2.426

def bg(x, T, t):
    # the Euler-transformed 2F1 of BGNBD.purchasesFactor
    return (a + b - 1 - r, a - 1, a + b + x - 1, t / (al + T + t))

cases = [
    bg(0, 38.86, 52),            # one-time buyer, one year
    bg(2, 30.0, 520),            # ten years: z = 0.9905
    bg(0, 30.0, 10000 * 4.345),  # 10,000 months: z = 0.99919 (the old series: 5e4 terms)
    bg(20, 38.0, 1e7),           # z = 1 - 4e-6
    bg(200, 38.0, 1e5),          # large x: m = c-a-b large, the series is fast
    (0.5, -0.2, 2.3, 0.9999),    # m = 2.0 exactly: the singular case of the transformation
    (0.5, -0.2, 2.300004, 0.99), # m within 1e-5 of an integer
    (0.3, 0.45, 0.75, 0.999),    # m = 0 exactly
    (1.2, 0.8, 1.5, 0.95),       # m < 0: the function diverges as z -> 1
    # Pareto/NBD's 2F1(c, s+1; c+1; z) of the old code, in the regions where its series was slow
    (0.553 + 0.606, 1.606, 0.553 + 0.606 + 1, 1 - 1e-4 / 100),
    (0.5 + 0.5 + 3, 3.5, 0.5 + 0.5 + 4, (100 - 1e-4) / (100 + 10)),
    (1.0124, 1.0000001, 2.0124, (500 - 1e-6) / 500),
    # the cases of TestBGNBDExtremeInputs (found by FuzzBGNBDPredictions)
    (0.01 + 0.2588 - 1 - 0.0124, 0.01 - 1, 0.01 + 0.2588 + 155 - 1, 78.7008 / (0.0124 + 0.024 + 78.7008)),
    (34.0252 * 3 - 1 - 34.0252, 34.0252 - 1, 34.0252 * 2 + 136 - 1, 69.0304 / (4.2748 + 1.24 + 69.0304)),
    (0.3, 0.7, 1.9, 0.25),       # small z: plain series
    # just past z = 1/2, where the transformation takes over
    bg(0, 30.0, 40.0),           # z = 0.5375
    bg(5, 20.0, 60.0),           # z = 0.71
    (0.9, 0.4, 11.3, 0.6),       # m = 10.0: integer, interpolated
    (2.5, 1.5, 19.7, 0.55),      # m = 15.7: large, terms of both series grow first
    (0.15, 0.35, 1.5, 0.51),     # m = 1.0 exactly
]

for cs in cases:
    cs = tuple(float(v) for v in cs)
    mp.mp.dps = 50
    v = mp.hyp2f1(*[mp.mpf(x) for x in cs])
    mp.mp.dps = 80
    v2 = mp.hyp2f1(*[mp.mpf(x) for x in cs])
    assert abs(v / v2 - 1) < mp.mpf(10) ** -40
    print("{%s, %s}," % (", ".join(repr(x) for x in cs), mp.nstr(v, 17)))
