"""Expected values for the shared preprocessing, by numpy (Debian python3-numpy).

Dev-time provenance only (see derive_expected.py). Implements the published recipe directly:
np.percentile (linear), subtract p1, divide by p99 of the shifted frame, clip [0,1], circular mask
of radius 0.85 * W/2 about ((W-1)/2, (H-1)/2), then 2x2 box average to 128 or bilinear
(half-pixel centres, no antialias) to 224.
Run: /usr/bin/python3 derive_preprocessing.py <repo>/tests/data
"""
import gzip, json, re, struct, sys
import numpy as np

def first_frame(path):
    data = gzip.decompress(open(path, 'rb').read())
    m = re.compile(rb'P5\n((?:#[^\n]*\n)*)(\d+) (\d+)\n(\d+)\n').match(data, 0)
    w, h = int(m.group(2)), int(m.group(3))
    return np.frombuffer(data[m.end():m.end() + 2 * w * h], dtype='>u2').astype(np.float64).reshape(h, w)

def preprocess(img, size):
    lo = np.percentile(img, 1); shifted = img - lo; hi = np.percentile(shifted, 99)
    out = np.clip(shifted / hi, 0, 1)
    h, w = img.shape; yy, xx = np.mgrid[0:h, 0:w]
    r = 0.85 * w / 2; out[((xx - (w - 1) / 2) ** 2 + (yy - (h - 1) / 2) ** 2) > r * r] = 0
    if size == 128:
        return out.reshape(128, 2, 128, 2).mean(axis=(1, 3)), lo, hi + lo
    s = w / size; c = np.clip((np.arange(size) + 0.5) * s - 0.5, 0, w - 1)
    i0 = np.floor(c).astype(int); i1 = np.minimum(i0 + 1, w - 1); f = c - i0
    rows = out[i0, :] * (1 - f)[:, None] + out[i1, :] * f[:, None]
    return rows[:, i0] * (1 - f)[None, :] + rows[:, i1] * f[None, :], lo, hi + lo

root = sys.argv[1]
result = {}
for name in ['20140310_0600_gill_themis19_full.pgm.gz', '20140310_0603_gill_themis19_full.pgm.gz']:
    img = first_frame(f'{root}/themis-asi/stream0-pgm/{name}')
    for size in (128, 224):
        out, p1, p99 = preprocess(img, size)
        result[f'{name}:{size}'] = {"p1": p1, "p99": p99, "sum": float(out.sum()), "max": float(out.max()),
                                    "center": float(out[size // 2, size // 2]), "at_40_60": float(out[40, 60]), "nonzero": int((out > 0).sum())}
json.dump(result, open(f'{root}/expected/preprocessing.json', 'w'), indent=1)
print(json.dumps(result, indent=1)[:600])
