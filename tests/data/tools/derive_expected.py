"""Derives the expected values in tests/data/expected/ by a second, independent route.

Dev-time provenance only: neither the product nor its build or tests run Python. It shares no
code with the C# readers and was written separately from them:
- stream0 PGM: gzip + a regex over the text header, pixels via struct '>H';
- THEMIS L1 CDF: a minimal CDF v3 walk (GDR -> zVDR chain -> VXR -> CVVR, zlib gzip mode),
  times from _epoch (per-frame, ms) or else _time;
- skymaps: scipy.io.readsav (Debian python3-scipy);
- OATH PNG: png16_channels.py (stdlib zlib).
Per frame it records the capture time, min, max, sum and the sha256 of the pixels as
little-endian uint16, row-major, top row first.
Run: /usr/bin/python3 derive_expected.py <shared/data> <out dir>
"""
import gzip, hashlib, json, os, re, struct, sys, zlib, datetime

def digest(values):
    return hashlib.sha256(struct.pack('<%dH' % len(values), *values)).hexdigest()

def frame_record(index, time, values):
    return {"index": index, "time": time, "min": min(values), "max": max(values), "sum": sum(values), "sha256": digest(values)}

def pgm_frames(path):
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    pos, out, i = 0, [], 0
    header_re = re.compile(rb'P5\n((?:#[^\n]*\n)*)(\d+) (\d+)\n(\d+)\n')
    while pos < len(data):
        m = header_re.match(data, pos)
        assert m, (path, pos)
        comments = m.group(1).decode('latin1')
        w, h, maxval = int(m.group(2)), int(m.group(3)), int(m.group(4))
        t = re.search(r'#"Image request start" (\S+ \S+) UTC', comments).group(1)
        start = m.end(); n = w * h
        values = list(struct.unpack('>%dH' % n, data[start:start + 2 * n]))
        iso = t.replace(' ', 'T') + 'Z'
        out.append(frame_record(i, iso, values))
        pos = start + 2 * n; i += 1
    return out

def cdf_frames(path, image_var):
    f = open(path, 'rb').read()
    be = lambda fmt, off: struct.unpack_from('>' + fmt, f, off)
    assert be('I', 0)[0] == 0xCDF30001
    gdr = be('q', 8 + 12)[0]
    zvdr = be('q', gdr + 20)[0]
    variables = {}
    while zvdr:
        nxt, dtype, maxrec, vxr = be('qiiq', zvdr + 12)
        flags = be('i', zvdr + 44)[0]
        name = f[zvdr + 84:zvdr + 340].split(b'\0')[0].decode()
        ndims = be('i', zvdr + 340)[0]
        dims = list(be('%di' % ndims, zvdr + 344)) if ndims else []
        variables[name] = (dtype, maxrec, vxr, flags, dims)
        zvdr = nxt
    def records(name):
        dtype, maxrec, vxr, flags, dims = variables[name]
        size = {12: 2, 22: 8, 31: 8}[dtype]
        count = 1
        for d in dims: count *= d
        rec_bytes = size * count
        blobs = []
        def walk(off):
            while off:
                nxt, nent, nused = be('qii', off + 12)
                firsts = be('%di' % nent, off + 28); lasts = be('%di' % nent, off + 28 + 4 * nent)
                offs = be('%dq' % nent, off + 28 + 8 * nent)
                for k in range(nused):
                    t = be('i', offs[k] + 8)[0]
                    n = lasts[k] - firsts[k] + 1
                    if t == 6: walk(offs[k])
                    elif t == 7: blobs.append(f[offs[k] + 12: offs[k] + 12 + n * rec_bytes])
                    elif t == 13:
                        csize = be('q', offs[k] + 16)[0]
                        blobs.append(zlib.decompress(f[offs[k] + 24: offs[k] + 24 + csize], 31))
                off = nxt
        walk(vxr)
        raw = b''.join(blobs)
        fmt = {12: 'H', 22: 'd', 31: 'd'}[dtype]
        return [list(struct.unpack_from('>%d%s' % (count, fmt), raw, r * rec_bytes)) for r in range(len(raw) // rec_bytes)]
    images = records(image_var)
    # _epoch (CDF EPOCH ms since 0000-01-01) has the exposure start to the ms when it has one value
    # per image; thumbnails keep one _epoch record, and their _time (Unix s) is used instead.
    epoch = [r[0] for r in records(image_var + '_epoch')]
    if len(epoch) == len(images):
        times = [datetime.datetime(1, 1, 1) + datetime.timedelta(milliseconds=e - 366 * 86400000) for e in epoch]
    else:
        times = [datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=round(r[0] * 1e6)) for r in records(image_var + '_time')]
    out = []
    for i, values in enumerate(images):
        t = times[i]
        out.append(frame_record(i, t.strftime('%Y-%m-%dT%H:%M:%S.%fZ'), values))
    return out

def skymap(path):
    from scipy.io import readsav
    import numpy as np
    s = readsav(path)['skymap']
    el = s['FULL_ELEVATION'][0].astype(np.float64); az = s['FULL_AZIMUTH'][0].astype(np.float64)
    return {"site": s['SITE_UID'][0].decode(), "imager": s['IMAGER_UID'][0].decode(),
            "validIntervalStart": s['GENERATION_INFO'][0]['VALID_INTERVAL_START'][0].decode(),
            "siteLatitude": float(s['SITE_MAP_LATITUDE'][0]), "siteLongitude": float(s['SITE_MAP_LONGITUDE'][0]),
            "shape": list(el.shape), "nanCount": int(np.isnan(el).sum()),
            "elevationSum": float(np.nansum(el)), "azimuthSum": float(np.nansum(az)),
            "elevationAt_128_128": float(el[128, 128]), "azimuthAt_128_100": float(az[128, 100])}

if __name__ == '__main__':
    shared, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    asi = os.path.join(shared, 'themis-asi')
    result = {}
    for name in sorted(os.listdir(os.path.join(asi, 'stream0-pgm'))):
        result[name] = pgm_frames(os.path.join(asi, 'stream0-pgm', name))
    result['thg_l1_asf_gako_2011010617_v01.cdf'] = cdf_frames(os.path.join(asi, 'l1-cdf', 'thg_l1_asf_gako_2011010617_v01.cdf'), 'thg_asf_gako')
    result['thg_l1_ast_gako_20110505_v01.cdf'] = cdf_frames(os.path.join(asi, 'l1-cdf', 'thg_l1_ast_gako_20110505_v01.cdf'), 'thg_ast_gako')
    json.dump(result, open(os.path.join(out, 'frames.json'), 'w'), indent=0)
    sky = {n: skymap(os.path.join(asi, 'skymap', n)) for n in sorted(os.listdir(os.path.join(asi, 'skymap')))}
    json.dump(sky, open(os.path.join(out, 'skymaps.json'), 'w'), indent=1)
    sys.path.insert(0, os.path.dirname(__file__))
    import png16_channels
    pngs = {}
    for n in sorted(os.listdir(os.path.join(shared, 'oath', 'images'))):
        w, h, depth, ch, vals = png16_channels.decode(os.path.join(shared, 'oath', 'images', n))
        pngs[n] = {"width": w, "height": h, "depth": depth, "channels": ch, "greenSum": sum(vals[1]),
                   "greenMin": min(vals[1]), "greenMax": max(vals[1]), "greenSha256": digest(vals[1])}
    json.dump(pngs, open(os.path.join(out, 'oath-images.json'), 'w'), indent=1)
