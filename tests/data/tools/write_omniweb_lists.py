"""Writes the OMNIWeb subset fixtures in tests/data/omni/omniweb/ (.lst data + .fmt description).

Dev-time provenance only: neither the product nor its build or tests run Python. The layout is
OMNIWeb's "Create File" output: a .fmt listing the items (number, name, Fortran format) and a .lst
of whitespace-separated fixed-width rows. Item names and formats are those of OMNIWeb's forms and of
the HRO format description (HRO_format.txt: Field magnitude average F8.2, BX/BY/BZ F8.2, speed F8.1,
Proton Density F7.2, Temperature F9.0, Flow pressure F6.2, AE/AL/SYM-H I6; fills are the all-9s
values of each format). Values: 1-min rows copied from the real January 2020 1-min CSV
(tests/data/omni/OMNI_HIGH_RES_1min_202001.csv), one row set to fills; 5-min rows are the means of
those 1-min values; hourly rows are the means of the 1-min values over each hour.
Run: /usr/bin/python3 write_omniweb_lists.py <repo root>
"""
import csv, math, os, sys

root = sys.argv[1]
src = os.path.join(root, 'tests/data/omni/OMNI_HIGH_RES_1min_202001.csv')
out = os.path.join(root, 'tests/data/omni/omniweb')
rows = list(csv.DictReader(open(src)))[:360]

def num(r, k):
    return float(r[k]) if r[k] != '' else math.nan

def mean(values):
    v = [x for x in values if not math.isnan(x)]
    return sum(v) / len(v) if v else math.nan

def fortran(value, fmt):
    kind, width = fmt[0], int(fmt[1:].split('.')[0])
    decimals = int(fmt.split('.')[1]) if '.' in fmt else 0
    if kind == 'I':
        fill = 10 ** (width - 1) - 1
        return str(fill if math.isnan(value) else int(round(value))).rjust(width)
    fill = 10 ** (width - 2 - decimals) - 10 ** -decimals
    text = ('%.' + str(decimals) + 'f') % (fill if math.isnan(value) else value)
    return (text + '.' if decimals == 0 else text).rjust(width)

def write(name, items, records):
    with open(os.path.join(out, name + '.fmt'), 'w') as f:
        f.write('  FORMAT OF THE SUBSETTED FILE\n    \n    ITEMS                      FORMAT   \n     \n')
        for i, (label, fmt, _) in enumerate(items, 1):
            f.write('%2d %-30s%-10s\n' % (i, label, fmt))
    with open(os.path.join(out, name + '.lst'), 'w') as f:
        for rec in records:
            f.write(''.join(fortran(rec[key], fmt) for _, fmt, key in items) + '\n')

def timed(r, minute_of_day):
    return {'year': 2020, 'day': 1, 'hour': minute_of_day // 60, 'minute': minute_of_day % 60}

# 1-min: minutes 00:00-00:09; 00:04 is all fills.
one = []
for m in range(10):
    r = rows[m]
    rec = timed(r, m)
    for k in ['bavg', 'bx_gsm', 'by_gsm', 'bz_gsm', 'speed', 'proton_density', 'temperature', 'pdyn', 'sym-h']:
        rec[k] = math.nan if m == 4 else num(r, k)
    rec['ae'] = math.nan if m == 4 else 40 + m
    one.append(rec)
write('omniweb_1min_20200101', [
    ('Year', 'I4', 'year'), ('Day', 'I4', 'day'), ('Hour', 'I3', 'hour'), ('Minute', 'I3', 'minute'),
    ('Field magnitude average, nT', 'F8.2', 'bavg'), ('BX, nT (GSE, GSM)', 'F8.2', 'bx_gsm'),
    ('BY, nT (GSM)', 'F8.2', 'by_gsm'), ('BZ, nT (GSM)', 'F8.2', 'bz_gsm'), ('Speed, km/s', 'F8.1', 'speed'),
    ('Proton Density, n/cc', 'F7.2', 'proton_density'), ('Temperature, K', 'F9.0', 'temperature'),
    ('Flow pressure, nPa', 'F6.2', 'pdyn'), ('AE-index, nT', 'I6', 'ae'), ('SYM/H, nT', 'I6', 'sym-h')], one)

# 5-min: 00:00-00:55, means of the 1-min values.
five = []
for start in range(0, 60, 5):
    block = rows[start:start + 5]
    rec = timed(None, start)
    for k in ['bz_gsm', 'by_gsm', 'bx_gsm', 'speed', 'proton_density', 'pdyn', 'sym-h']:
        rec[k] = mean([num(r, k) for r in block])
    rec['al'] = -10 - start
    five.append(rec)
write('omniweb_5min_20200101', [
    ('Year', 'I4', 'year'), ('Day', 'I4', 'day'), ('Hour', 'I3', 'hour'), ('Minute', 'I3', 'minute'),
    ('BX, nT (GSE, GSM)', 'F8.2', 'bx_gsm'), ('BY, nT (GSM)', 'F8.2', 'by_gsm'), ('BZ, nT (GSM)', 'F8.2', 'bz_gsm'),
    ('Flow speed, km/s', 'F8.1', 'speed'), ('Proton Density, n/cc', 'F7.2', 'proton_density'),
    ('Flow pressure, nPa', 'F6.2', 'pdyn'), ('AL-index, nT', 'I6', 'al'), ('SYM/H, nT', 'I6', 'sym-h')], five)

# Hourly (OMNI2 item names): 00-05 UT, means of the 1-min values.
hourly = []
for h in range(6):
    block = rows[60 * h:60 * h + 60]
    rec = {'year': 2020, 'day': 1, 'hour': h}
    for k in ['bavg', 'bz_gsm', 'speed', 'proton_density', 'pdyn']:
        rec[k] = mean([num(r, k) for r in block])
    rec['kp10'] = 3
    rec['dst'] = -5 - h
    hourly.append(rec)
write('omniweb_hourly_20200101', [
    ('YEAR', 'I4', 'year'), ('DOY', 'I4', 'day'), ('Hour', 'I3', 'hour'), ('Scalar B, nT', 'F6.1', 'bavg'),
    ('BZ, nT (GSM)', 'F6.1', 'bz_gsm'), ('SW Plasma Speed, km/s', 'F6.0', 'speed'),
    ('SW Proton Density, N/cm^3', 'F6.1', 'proton_density'), ('Flow pressure', 'F6.2', 'pdyn'),
    ('Kp index', 'I3', 'kp10'), ('Dst-index, nT', 'I6', 'dst')], hourly)
