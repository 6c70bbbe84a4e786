# Reference values for TestParetoNBDIntegralMpmath and TestHyp2f1Mpmath (profile/clv), at 50
# significant digits with mpmath. Run: python3 testdata/pnbd_integral.py
#
# I = ∫_{tx}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ by the closed form of Fader, Hardie and Lee
# (2005) with mpmath.hyp2f1 (the same at 50 and 80 digits), cross-checked with mpmath.quad on
# a geometric grid (quad alone is only good to ~1e-13 here, its error estimate is optimistic):
#   A0 = (r+s+x) I = F(m+tx)/(m+tx)^c - F(m+T)/(m+T)^c,  c = r+s+x, m = max(α, β),
#   F(y) = 2F1(c, b; c+1; |α-β|/y), b = s+1 if α >= β else r+x.
import mpmath as mp

mp.mp.dps = 50

cases = [
    # r, alpha, s, beta, x, tx, T
    (0.553, 10.578, 0.606, 11.669, 0, 0, 38.86),          # CDNOW estimate, one-time buyer
    (0.553, 10.578, 0.606, 11.669, 26, 30.86, 31),        # BTYD walkthrough customer
    (0.553, 10.578, 0.606, 11.669, 132, 200, 200.5),      # lifetimes underflow case
    (0.5, 100.0, 0.5, 1e-4, 0, 0, 373),                   # beta << alpha: z = 0.999999 (slow series)
    (0.5, 1e-4, 0.5, 100.0, 3, 10, 373),                  # alpha << beta, b = r+x
    (0.0124, 500.0, 1e-7, 1e-6, 0, 0, 373),               # runaway: s -> 0, beta -> 0
    (2.0, 60.0, 1e-4, 1e4, 150, 300, 373),                # frequent buyer, s tiny
    (0.3, 5.0, 3.0, 5.0, 10, 5, 40),                      # alpha = beta
    (40.0, 0.5, 40.0, 0.7, 200, 100, 101),                # large r, s and x
    (0.8, 3e-8, 0.9, 6e7, 1, 0.5, 1e3),                   # log-parameter box corners
    (1.0, 20.0, 1.0, 20.0000001, 5, 2, 60),               # s = 1, alpha ~ beta
    (0.2, 1e5, 0.01, 1e-3, 4, 1e-3, 2e-3),                # tx near T, tiny interval
]

def I(r, a, s, b, x, tx, T):
    f = lambda t: (a + t) ** (-(r + x)) * (b + t) ** (-(s + 1))
    # a grid geometric in min(α,β)+τ, so quad resolves both factors' scales
    k = min(a, b)
    pts = [mp.exp(u) - k for u in mp.linspace(mp.log(k + tx), mp.log(k + T), 200)]
    pts[0], pts[-1] = mp.mpf(tx), mp.mpf(T)
    return mp.quad(f, pts)

def closed(r, a, s, b, x, tx, T):
    c = r + s + x
    if a >= b:
        m, bb = a, s + 1
    else:
        m, bb = b, r + x
    d = abs(mp.mpf(a) - b)
    F = lambda y: mp.hyp2f1(c, bb, c + 1, d / y) / mp.mpf(y) ** c
    return (F(m + mp.mpf(tx)) - F(m + mp.mpf(T))) / c

for cs in cases:
    m = [mp.mpf(v) for v in cs]  # exactly the float64 inputs
    h = closed(*m)
    q = I(*m)
    assert abs(q / h - 1) < 1e-12, (cs, q, h)
    mp.mp.dps = 80
    assert abs(closed(*m) / h - 1) < mp.mpf(10) ** -40
    mp.mp.dps = 50
    print("{%s, %s}," % (", ".join(repr(float(v)) for v in cs), mp.nstr(mp.log(h), 17)))
