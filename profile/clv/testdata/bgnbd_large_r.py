# Reference values for TestBGNBDLargeR (profile/clv): the BG/NBD conditional purchase factor
#   (a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
# (E[X(t)] at x = T = 0) by mpmath.hyp2f1 at 40 digits, where float64 series cancel (r much
# larger than a+b). Run: python3 testdata/bgnbd_large_r.py
import mpmath as mp

mp.mp.dps = 40
cases = [
    # r, alpha, a, b, x, T, t
    (30, 5, 0.8, 2.4, 0, 0, 52),
    (100, 20, 0.5, 2.0, 0, 0, 5),
    (100, 20, 0.5, 2.0, 0, 0, 52),
    (100, 20, 0.5, 2.0, 0, 0, 520),
    (300, 50, 0.6, 3, 0, 0, 52),
    (300, 50, 0.6, 3, 0, 0, 520),
    (46.0604, 0.1148, 1.606, 0.0124, 94, 0.024, 48.32),
    (49.782, 0.8508, 5.894, 0.0124, 3, 340.152, 2.7008),
    (50, 1, 0.05, 0.02, 3, 10, 1e4),
    (80, 3, 0.02, 0.5, 0, 0, 1e6),
    (49.0908, 2.902, 35.5708, 4.6108, 10, 5.688000000000001, 6.361599999999999),  # fuzz 18411627e23063c2
    (49.0908, 2.902, 35.5708, 4.6108, 10, 5.688000000000001, 7745.499904),
]
for c in cases:
    r, al, a, b, x, T, t = [mp.mpf(v) for v in c]
    aT = al + T
    z = t / (aT + t)
    f = (a + b + x - 1) / (a - 1) * (1 - (aT / (aT + t)) ** (r + x) * mp.hyp2f1(r + x, b + x, a + b + x - 1, z))
    print("{%s, %s}," % (", ".join(repr(float(v)) for v in c), mp.nstr(f, 17)))
