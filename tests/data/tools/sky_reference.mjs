// Reference values for the SkyEphemeris tests: sun and moon positions (sky_reference.csv) and
// delta-T at sample years (delta_t.csv), written to tests/data/ephemeris/.
//
// Dev-time provenance only: neither the product nor its build or tests run node. The values come
// from the npm package astronomy-engine (Don Cross; VSOP87 Earth, the Moshier/ELP-based lunar
// series, IAU 2000B nutation, Espenak-Meeus delta-T), which shares no code with the C# port of
// Meeus' low-precision formulae, and it is checked only against its own documented API.
//
// Conventions written to the CSV:
//   - sun_el, moon_el: geometric elevation (refraction none); sun_el_refr, moon_el_refr: apparent
//     elevation with astronomy-engine's 'normal' refraction (Saemundsson's formula, Meeus eq. 16.4,
//     its altitude clamped at -1 degree and the result scaled by (h + 90) / 89 below that);
//   - elevation: topocentric (observer at height 0 m on the WGS-84
//     ellipsoid), apparent place of date (Equator(body, t, observer, ofdate=true, aberration=true));
//   - azimuth: degrees east of geographic north, 0..360;
//   - moon_illum: geocentric illuminated fraction of the Moon's disc (Illumination().phase_fraction);
//   - utc: ISO 8601 UTC, whole seconds; astronomy-engine treats it as UT1 (|UT1-UTC| < 0.9 s).
//
// Rows: the three examples first, then 540 seeded random (site, time) pairs over every row of
// tests/data/stations/asi_locations.csv (THEMIS, REGO, TREx, MANGO, ...; site = ARRAY:CODE), then 80
// random sites on the globe (both hemispheres, longitudes -180..360), all at random whole seconds in
// 2005-01-01..2030-12-31 UTC.
//
// delta_t.csv: astronomy-engine's DeltaT_EspenakMeeus (the Espenak & Meeus 2006 polynomials) at
// decimal years on both sides of every polynomial's boundary and in between, -700..2300.
//
// Run from the repository root (needs node >= 18 and astronomy-engine; nothing in the build installs them):
//   mkdir -p /tmp/eph && (cd /tmp/eph && npm install astronomy-engine@2.1.19)
//   NODE_PATH=/tmp/eph/node_modules node tests/data/tools/sky_reference.mjs \
//     tests/data/stations/asi_locations.csv tests/data/ephemeris
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH ?? process.cwd(), 'x.js'));
const Astronomy = require('astronomy-engine');

const SEED = 20240611;
const SITE_ROWS = 540;
const GLOBE_ROWS = 80;

// mulberry32: a small seeded generator, so that the CSV is reproducible byte for byte.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readSites(csvPath) {
  const lines = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const col = (name) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return {
      site: `${f[col('array')]}:${f[col('location_code')]}`,
      lat: Number(f[col('latitude')]),
      lon: Number(f[col('longitude')]),
    };
  });
}

function row(site, lat, lon, date) {
  const observer = new Astronomy.Observer(lat, lon, 0);
  const horizontal = (body, refraction) => {
    const eq = Astronomy.Equator(body, date, observer, true, true);
    return Astronomy.Horizon(date, observer, eq.ra, eq.dec, refraction);
  };
  const sun = horizontal(Astronomy.Body.Sun, null);
  const moon = horizontal(Astronomy.Body.Moon, null);
  const sunRefracted = horizontal(Astronomy.Body.Sun, 'normal');
  const moonRefracted = horizontal(Astronomy.Body.Moon, 'normal');
  const illum = Astronomy.Illumination(Astronomy.Body.Moon, date).phase_fraction;
  const utc = date.toISOString().replace('.000Z', 'Z');
  return [site, lat, lon, utc, sun.altitude.toFixed(6), sun.azimuth.toFixed(6),
    moon.altitude.toFixed(6), moon.azimuth.toFixed(6), illum.toFixed(6),
    sunRefracted.altitude.toFixed(6), moonRefracted.altitude.toFixed(6)].join(',');
}

const [sitesCsv, outDir] = process.argv.slice(2);
if (!sitesCsv || !outDir) {
  console.error('usage: node sky_reference.mjs <asi_locations.csv> <output folder>');
  process.exit(2);
}
const sites = readSites(sitesCsv);
const find = (site) => sites.find((s) => s.site === site);
const random = mulberry32(SEED);
const start = Date.UTC(2005, 0, 1);
const end = Date.UTC(2031, 0, 1);
const randomDate = () => new Date(start + Math.floor(random() * ((end - start) / 1000)) * 1000);
const round = (x, digits) => Number(x.toFixed(digits));

const out = ['site,lat,lon,utc,sun_el,sun_az,moon_el,moon_az,moon_illum,sun_el_refr,moon_el_refr'];
const gako = find('THEMIS:GAKO');
const gill = find('THEMIS:GILL');
out.push(row(gako.site, gako.lat, gako.lon, new Date(Date.UTC(2011, 0, 6, 17, 0, 30))));
out.push(row(gill.site, gill.lat, gill.lon, new Date(Date.UTC(2014, 2, 10, 6, 0, 0))));
out.push(row(gill.site, gill.lat, gill.lon, new Date(Date.UTC(2016, 9, 29, 4, 0, 0))));
for (let i = 0; i < SITE_ROWS; i++) {
  const s = sites[Math.floor(random() * sites.length)];
  out.push(row(s.site, s.lat, s.lon, randomDate()));
}
for (let i = 0; i < GLOBE_ROWS; i++) {
  // Uniform on the sphere, poles included; every fourth longitude in the 180..360 form.
  const lat = round(Math.asin(2 * random() - 1) * 180 / Math.PI, 4);
  let lon = round(random() * 360 - 180, 4);
  if (i % 4 === 3 && lon < 0) lon = round(lon + 360, 4);
  out.push(row('globe', lat, lon, randomDate()));
}
writeFileSync(path.join(outDir, 'sky_reference.csv'), out.join('\n') + '\n');

// astronomy-engine keys delta-T on y = 2000 + (ut - 14) / 365.24217 (ut: days from J2000 noon).
const DAYS_PER_TROPICAL_YEAR = 365.24217;
const boundaries = [-500, 500, 1600, 1700, 1800, 1860, 1900, 1920, 1941, 1961, 1986, 2005, 2050, 2150];
const years = new Set([-700, 0, 1000, 1750, 1830, 1880, 1910, 1930, 1950, 1970, 1995, 2000, 2010, 2020, 2030, 2100, 2300]);
for (const b of boundaries) {
  years.add(b - 0.25);
  years.add(b + 0.25);
}
const deltaT = ['year,delta_t_s'];
for (const y of [...years].sort((a, b) => a - b)) {
  const ut = (y - 2000) * DAYS_PER_TROPICAL_YEAR + 14;
  deltaT.push(`${y},${Astronomy.DeltaT_EspenakMeeus(ut).toFixed(6)}`);
}
writeFileSync(path.join(outDir, 'delta_t.csv'), deltaT.join('\n') + '\n');
