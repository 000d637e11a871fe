"""Independent values for AuroraStream.Synthetic's sky geometry (tests/AuroraStream.Synthetic.Tests/ProjectedSkyTests.cs).

van Rhijn factor (van Rhijn 1921; Roach & Gordon 1973, sec. 2.3) and the ground distance below the
point where a line of sight crosses height h, both for a spherical Earth of radius 6371 km, computed
here by plane trigonometry in Cartesian coordinates rather than by the closed forms the C# code uses.
Run: python3 tests/data/tools/sky_geometry_values.py
"""
import math

R = 6371.0

def crossing(z_deg, h):
    # Observer at (0, R); line of sight (sin z, cos z); solve |p| = R + h for the path length s.
    z = math.radians(z_deg)
    dx, dy = math.sin(z), math.cos(z)
    b = 2 * R * dy
    c = R * R - (R + h) ** 2
    s = (-b + math.sqrt(b * b - 4 * c)) / 2
    x, y = s * dx, R + s * dy
    ground = R * math.atan2(x, y)
    # van Rhijn: path length through a thin shell [h, h + dh] over dh.
    dh = 1e-4
    c2 = R * R - (R + h + dh) ** 2
    s2 = (-b + math.sqrt(b * b - 4 * c2)) / 2
    return ground, (s2 - s) / dh

for z_deg, h in [(0, 95), (60, 95), (80, 95), (90, 95), (45, 110), (80, 110), (89, 110)]:
    g, v = crossing(z_deg, h)
    print(f"z={z_deg:5.1f} h={h:5.1f}  vanRhijn={v:.4f}  groundKm={g:.2f}")
