"""Independent PNG decoder (stdlib zlib + struct) used once to derive expected values for tests.

Not part of the build: the product and its tests use .NET only. Kept for provenance so the
expected values in tests/data/expected can be re-derived: python3 png16_channels.py FILE...
"""
import struct, sys, zlib, json

def decode(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while True:
        n, t = struct.unpack('>I4s', data[pos:pos+8]); body = data[pos+8:pos+8+n]
        if t == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif t == b'IDAT': idat += body
        elif t == b'IEND': break
        pos += 12 + n
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]; bpp = ch * depth // 8; stride = w * bpp
    raw = zlib.decompress(idat); out = []; prev = bytearray(stride)
    for y in range(h):
        f = raw[y*(stride+1)]; row = bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
        for i in range(stride):
            a = row[i-bpp] if i >= bpp else 0; b = prev[i]; c = prev[i-bpp] if i >= bpp else 0
            if f == 1: row[i] = (row[i] + a) & 255
            elif f == 2: row[i] = (row[i] + b) & 255
            elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(bytes(row)); prev = row
    vals = [[] for _ in range(ch)]
    for row in out:
        for x in range(w):
            for k in range(ch):
                o = (x*ch + k) * (depth // 8)
                vals[k].append(struct.unpack('>H', row[o:o+2])[0] if depth == 16 else row[o])
    return w, h, depth, ch, vals

if __name__ == '__main__':
    for p in sys.argv[1:]:
        w, h, depth, ch, vals = decode(p)
        print(json.dumps({"file": p.split('/')[-1], "width": w, "height": h, "depth": depth, "channels": ch,
                          "sums": [sum(v) for v in vals], "mins": [min(v) for v in vals], "maxs": [max(v) for v in vals],
                          "greenFirst8": vals[1][:8] if ch >= 3 else vals[0][:8]}))
