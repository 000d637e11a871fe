using AuroraStream.Core;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.IdlSave;
using AuroraStream.TestUtilities;

namespace AuroraStream.Synthetic.Tests;

public sealed class ProjectedSkyTests
{
    private static readonly ProjectedSky Sky = new(new SyntheticSkyOptions { Seed = 42 });
    private static readonly Lazy<List<SkyRender>> Frames = new(() => [.. Enumerable.Range(0, 180).Select(Sky.Render)]);

    [Fact]
    public void Draw_SameSeedAndIndex_GivesTheSameFrame_OtherSeedsDiffer()
    {
        var again = new ProjectedSky(new SyntheticSkyOptions { Seed = 42 });
        var other = new ProjectedSky(new SyntheticSkyOptions { Seed = 43 });

        foreach (var i in new[] { 0, 17, 99 })
        {
            Assert.Equal(ExpectedValues.PixelSha256(Sky.Draw(i).Frame.Pixels.Span), ExpectedValues.PixelSha256(again.Draw(i).Frame.Pixels.Span));
            Assert.Equal(Sky.Draw(i).Class, again.Draw(i).Class);
            Assert.NotEqual(ExpectedValues.PixelSha256(Sky.Draw(i).Frame.Pixels.Span), ExpectedValues.PixelSha256(other.Draw(i).Frame.Pixels.Span));
        }
    }

    [Fact]
    public void Draw_ManyFrames_CoverEveryClass_BiasBeyondTheRim_ThreeSecondsApart()
    {
        var frames = Frames.Value.Select(r => r.Frame).ToList();

        Assert.Equal(6, frames.Select(f => f.Class).Distinct().Count());
        Assert.All(frames, f =>
        {
            Assert.Equal((256, 256, "gill", "themis99"), (f.Frame.Width, f.Frame.Height, f.Frame.Site, f.Frame.Imager));
            var pixels = f.Frame.Pixels.Span;
            Assert.InRange(pixels[0], 2150, 3650);
            Assert.InRange(pixels[(255 * 256) + 255], 2150, 3650);
        });
        Assert.Equal(frames.Select((_, i) => new DateTime(2020, 1, 1, 6, 0, 0, DateTimeKind.Utc).AddSeconds(3 * i)), frames.Select(f => f.Frame.CaptureTime));
    }

    [Fact]
    public void Draw_ClassesOption_RestrictsTheDraw()
    {
        var sky = new ProjectedSky(new SyntheticSkyOptions { Seed = 1, Classes = [AuroraClass.Arc, AuroraClass.Clear] });

        Assert.All(Enumerable.Range(0, 30).Select(sky.Draw), f => Assert.Contains(f.Class, new[] { AuroraClass.Arc, AuroraClass.Clear }));
    }

    [Fact]
    public void Options_BadSiteOrLocalStart_AreNamed()
    {
        Assert.Contains("SyntheticSkyOptions.Site", Assert.Throws<ArgumentException>(() => new ProjectedSky(new SyntheticSkyOptions { Site = "Gillam" })).Message, StringComparison.Ordinal);
        Assert.Contains("SyntheticSkyOptions.Start", Assert.Throws<ArgumentException>(() => new ProjectedSky(new SyntheticSkyOptions { Start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Local) })).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("themis_skymap_atha_20230115-+_v02.sav")]
    [InlineData("themis_skymap_gako_20110305-+_vXX.sav")]
    public void Lens_ZenithAngleAndAzimuth_MatchTheRealSkymap(string file)
    {
        var map = ThemisSkymap.Read(RepoPaths.Data("themis-asi", "skymap", file));

        // The skymap's own zenith: centroid of the pixels above 80 deg.
        var (sx, sy, n) = (0.0, 0.0, 0);
        for (var i = 0; i < map.Width * map.Height; i++)
        {
            if (map.FullElevation[i] > 80)
            {
                (sx, sy, n) = (sx + (i % map.Width), sy + (i / map.Width), n + 1);
            }
        }

        var (cx, cy) = (sx / n, sy / n);
        Assert.InRange(Math.Abs(cx - FisheyeLens.Themis.CentreX), 0, 2);
        Assert.InRange(Math.Abs(cy - FisheyeLens.Themis.CentreY), 0, 2);

        // Every pixel above the horizon: zenith angle within 0.3 deg (fit: 0.19); azimuth (away from the
        // zenith, where it is ill-defined) within 2.5 deg of the lens centred on that zenith
        // (north is 19.7 deg at Athabasca, 22.5 deg at Gakona; the lens takes 21).
        var lens = FisheyeLens.Themis with { CentreX = cx, CentreY = cy };
        var (worstZ, worstAz, checkedPixels) = (0.0, 0.0, 0);
        for (var i = 0; i < map.Width * map.Height; i++)
        {
            var el = map.FullElevation[i];
            if (float.IsNaN(el) || el < 0)
            {
                continue;
            }

            var (z, az) = lens.Direction(i % map.Width, i / map.Width);
            worstZ = Math.Max(worstZ, Math.Abs(z - (90 - el)));
            if (el < 80)
            {
                var d = Math.Abs(az - map.FullAzimuth[i]) % 360;
                worstAz = Math.Max(worstAz, Math.Min(d, 360 - d));
            }

            checkedPixels++;
        }

        Assert.True(checkedPixels > 45000, $"{checkedPixels} pixels above the horizon");
        Assert.True(worstZ < 0.3, $"zenith angle off by up to {worstZ:F2} deg");
        Assert.True(worstAz < 2.5, $"azimuth off by up to {worstAz:F2} deg");
        Assert.InRange(FisheyeLens.Themis.HorizonRadiusPx, 123.5, 124.5);
    }

    [Theory]
    [InlineData(0, 95, 1.0000, 0.00)]
    [InlineData(60, 95, 1.9178, 158.72)]
    [InlineData(80, 95, 4.1365, 443.65)]
    [InlineData(90, 95, 5.8552, 1093.45)]
    [InlineData(45, 110, 1.3910, 107.24)]
    [InlineData(80, 110, 3.9906, 501.77)]
    [InlineData(89, 110, 5.4271, 1069.47)]
    public void Atmosphere_VanRhijnAndGroundDistance_MatchAnIndependentRayTrace(double zenithDeg, double heightKm, double vanRhijn, double groundKm)
    {
        // Values from tests/data/tools/sky_geometry_values.py (a ray traced through a spherical shell).
        var z = zenithDeg * Math.PI / 180;

        Assert.Equal(vanRhijn, Atmosphere.VanRhijn(z, heightKm), 1e-3);
        Assert.Equal(groundKm, Atmosphere.GroundDistanceKm(z, heightKm), 0.05);
    }

    [Fact]
    public void Background_IsBrighterNearTheHorizonThanAtTheZenith()
    {
        // Median over the almucantar, so a light dome toward one azimuth does not decide it.
        Assert.All(Frames.Value.Take(60), r =>
        {
            var g = r.Geometry;
            var zenith = Median(Enumerable.Range(0, r.Background.Length).Where(i => g.Zenith[i] < 10 * Math.PI / 180).Select(i => r.Background[i]));
            var low = Median(Enumerable.Range(0, r.Background.Length).Where(i => Math.Abs(g.Zenith[i] - (80 * Math.PI / 180)) < 0.02).Select(i => r.Background[i]));
            Assert.True(low > 1.3 * zenith, $"zenith {zenith:F0}, 80 deg {low:F0} counts");
        });
    }

    [Fact]
    public void Arc700KmNorth_LiesInTheOuterFifteenPercent_TowardNorth()
    {
        var g = new SkyGeometry(FisheyeLens.Themis, 256, 256);
        var emission = new float[256 * 256];

        ArcForm.Single(700, 10).Render(g, 0.2, emission);

        var peak = Array.IndexOf(emission, emission.Max());
        Assert.True(g.Radius[peak] > 0.85 * g.HorizonRadiusPx, $"peak at {g.Radius[peak]:F1} px of {g.HorizonRadiusPx:F1}");
        var az = g.Azimuth[peak] * 180 / Math.PI;
        Assert.True(az < 60 || az > 300, $"peak at azimuth {az:F0} deg");
        var inner = Enumerable.Range(0, emission.Length).Where(i => g.Radius[i] < 0.7 * g.HorizonRadiusPx).Max(i => emission[i]);
        Assert.True(inner < 0.01 * emission[peak], "an arc 700 km north must not reach the inner sky");
    }

    [Fact]
    public void OverheadArc_CrossesTheMeridianAtTheZenith()
    {
        var g = new SkyGeometry(FisheyeLens.Themis, 256, 256);
        var emission = new float[256 * 256];

        ArcForm.Single(0, 10).Render(g, 0.2, emission);

        var meridian = Enumerable.Range(0, emission.Length)
            .Where(i => g.Aperture[i] >= 1 && (Math.Abs(Math.Sin(g.Azimuth[i])) < 0.05))
            .ToList();
        var best = meridian.MaxBy(i => emission[i]);
        Assert.True(g.Radius[best] < 4, $"brightest on the meridian {g.Radius[best]:F1} px from the centre");
    }

    [Fact]
    public void Arcs_HugTheHorizonInAtLeastAThird()
    {
        // Far aurora is a thin band at the horizon, which is what an arc looks like (and how the
        // Gillam 2016 frames are labelled); folded curtains and diffuse glows are drawn where their form shows.
        var aurora = Frames.Value.Where(r => r.Frame.Class == AuroraClass.Arc).ToList();
        var hugging = aurora.Count(r =>
        {
            var peak = Array.IndexOf(r.Aurora!, r.Aurora!.Max());
            return r.Geometry.Radius[peak] > 0.85 * r.Geometry.HorizonRadiusPx;
        });

        Assert.True(aurora.Count > 20, $"{aurora.Count} arc frames");
        Assert.True(hugging >= 0.3 * aurora.Count, $"{hugging} of {aurora.Count} aurora frames hug the horizon");
        Assert.True(hugging <= 0.85 * aurora.Count, $"{hugging} of {aurora.Count}: overhead aurora must occur too");
    }

    [Fact]
    public void DiscreteFolds_MoveTheCurtainAtLeast120KmNorthSouth_AndNeverDoubleBack()
    {
        // A curtain folded less than this looks straight or gently bowed from the ground, which is an arc.
        Assert.Equal(120, CurtainForm.MinFoldExcursionKm);
        var random = new Random(5);
        var wavelengths = new List<double>();
        for (var n = 0; n < 500; n++)
        {
            var (amp, k, phase) = CurtainForm.Folds(random);
            var centre = Enumerable.Range(-200, 401).Select(i => amp.Select((a, f) => a * Math.Sin((k[f] * 2 * i) + phase[f])).Sum()).ToList();
            Assert.InRange(amp.Length, 2, 4);
            Assert.True(centre.Max() - centre.Min() >= CurtainForm.MinFoldExcursionKm, $"draw {n}: {centre.Max() - centre.Min():F1} km");
            Assert.True(amp.Select((a, f) => a * k[f]).Sum() <= 1 + 1e-12, $"draw {n}: the folds together are steeper than 1:1");
            wavelengths.AddRange(k.Select(x => 2 * Math.PI / x));
        }

        // One large fold and smaller curls, not one shape: wavelengths from tens of km to over a thousand.
        Assert.True(wavelengths.Min() < 60 && wavelengths.Max() > 1200, $"wavelengths {wavelengths.Min():F0}-{wavelengths.Max():F0} km");
    }

    [Fact]
    public void Aurora_StandsOutAboveFiveDegreesElevation_OverFourPixelBlocks()
    {
        // The contrast is set on the sky at least 5 deg up and over 4x4 px blocks (one pixel of
        // the 64 px input): aurora only at the horizon's last pixels, or a line one pixel wide the
        // reduced frame averages away, is not labelled aurora.
        const int B = ProjectedSky.ContrastBlock;
        foreach (var r in Frames.Value.Where(r => r.Frame.Class.IsAurora()))
        {
            var best = 0.0;
            for (var by = 0; by < ProjectedSky.Size; by += B)
            {
                for (var bx = 0; bx < ProjectedSky.Size; bx += B)
                {
                    var cells = Enumerable.Range(0, B * B).Select(j => ((by + (j / B)) * ProjectedSky.Size) + bx + (j % B)).ToList();
                    if (cells.All(i => r.Geometry.Aperture[i] >= 1 && r.Geometry.Zenith[i] < (90 - ProjectedSky.VisibleAboveElevationDeg) * Math.PI / 180))
                    {
                        best = Math.Max(best, cells.Average(i => r.Aurora![i]) / Math.Max(cells.Average(i => r.Background[i]), 30));
                    }
                }
            }

            Assert.True(best >= 0.29, $"{r.Frame.Class} frame {r.Frame.Frame.Origin}: aurora {best:F2} x the sky at most over a 4 px block, 5 deg up or higher");
        }
    }

    [Fact]
    public void DiffuseAurora_FillsPartOfTheSky()
    {
        // Diffuse aurora is broad: in every frame at least 5% of the sky above 5 deg glows at half
        // its peak or more, and in half of them 12% (a thin glow 300-400 km out, a line along the
        // horizon that anyone would call an arc, gave a median of 8% and frames of 2%).
        var diffuse = Frames.Value.Where(r => r.Frame.Class == AuroraClass.Diffuse).ToList();
        Assert.True(diffuse.Count > 20, $"{diffuse.Count} diffuse frames");
        var glowing = diffuse.Select(r =>
        {
            var sky = Enumerable.Range(0, r.Aurora!.Length).Where(i => r.Geometry.Aperture[i] >= 1 && r.Geometry.Zenith[i] < (90 - ProjectedSky.VisibleAboveElevationDeg) * Math.PI / 180).ToList();
            var peak = sky.Max(i => r.Aurora[i]);
            return sky.Count(i => r.Aurora[i] >= 0.5 * peak) / (double)sky.Count;
        }).Order().ToList();

        Assert.True(glowing[0] >= 0.05, $"a diffuse frame with {glowing[0]:P0} of the sky at half the peak or more");
        Assert.True(glowing[glowing.Count / 2] >= 0.12, $"median {glowing[glowing.Count / 2]:P0} of the sky at half the peak or more");
    }

    [Fact]
    public void Stars_ShowInClearFrames_AndNotInCloudyOnes()
    {
        var clear = Frames.Value.Where(r => r.Frame.Class == AuroraClass.Clear).Select(r => StarCount(r.Frame.Frame)).ToList();
        var cloudy = Frames.Value.Where(r => r.Frame.Class == AuroraClass.Cloudy).Select(r => StarCount(r.Frame.Frame)).ToList();

        Assert.NotEmpty(cloudy);
        Assert.True(clear.Average() >= 8, $"clear frames: {string.Join(",", clear)} stars");
        Assert.True(cloudy.Max() <= 3, $"cloudy frames: {string.Join(",", cloudy)} stars");
    }

    [Fact]
    public void Moon_Saturates_CloudAndClearDoNot()
    {
        var frames = Frames.Value.Select(r => r.Frame).ToList();

        Assert.All(frames.Where(f => f.Class == AuroraClass.Moon), f => Assert.Equal(65535, f.Frame.ComputeStatistics().Max));
        Assert.All(frames.Where(f => f.Class is AuroraClass.Cloudy or AuroraClass.Clear), f => Assert.True(f.Frame.ComputeStatistics().Max < 65535));
    }

    [Theory]
    [InlineData(AuroraClass.Arc)]
    [InlineData(AuroraClass.Diffuse)]
    [InlineData(AuroraClass.Discrete)]
    public void Overlay_RaisesPixelsOnlyInsideTheFieldOfView_KeepsSiteAndTime(AuroraClass form)
    {
        var real = AsiFiles.ReadFrames(RepoPaths.L1AsfCdf).First();
        var g = new SkyGeometry(FisheyeLens.Themis, real.Width, real.Height);

        for (var seed = 0; seed < 4; seed++)
        {
            var result = AuroraOverlay.Apply(real, form, seed);

            Assert.Equal((real.Site, real.Imager, real.CaptureTime, real.ExposureMs, real.Width, real.Height), (result.Site, result.Imager, result.CaptureTime, result.ExposureMs, result.Width, result.Height));
            Assert.EndsWith($"+aurora-{form.ToLabel()}-{seed}", result.Origin.Source, StringComparison.Ordinal);
            var before = real.Pixels.Span;
            var after = result.Pixels.Span;
            var raised = 0;
            for (var i = 0; i < before.Length; i++)
            {
                Assert.True(after[i] >= before[i], $"pixel {i} lowered");
                if (g.Radius[i] > g.RimRadiusPx)
                {
                    Assert.Equal(before[i], after[i]);
                }

                raised += after[i] > before[i] + 100 ? 1 : 0;
            }

            Assert.True(raised > 50, $"only {raised} pixels raised by more than 100 counts");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => AuroraOverlay.Apply(real, AuroraClass.Moon, 1));
    }

    private static double Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Local maxima within 115 px of the centre standing 6 sigma (and 60 counts) above the ring 4 px out.</summary>
    private static int StarCount(AllSkyFrame frame)
    {
        var q = frame.Pixels.Span;
        var (w, h, stars) = (frame.Width, frame.Height, 0);
        var ring = new List<int>(32);
        for (var y = 4; y < h - 4; y++)
        {
            for (var x = 4; x < w - 4; x++)
            {
                if (Math.Sqrt(((x - 124.0) * (x - 124.0)) + ((y - 128.0) * (y - 128.0))) > 115)
                {
                    continue;
                }

                int v = q[(y * w) + x];
                var isMax = true;
                for (var dy = -2; dy <= 2 && isMax; dy++)
                {
                    for (var dx = -2; dx <= 2; dx++)
                    {
                        if ((dx != 0 || dy != 0) && q[((y + dy) * w) + x + dx] >= v)
                        {
                            isMax = false;
                            break;
                        }
                    }
                }

                if (!isMax)
                {
                    continue;
                }

                ring.Clear();
                for (var dy = -4; dy <= 4; dy++)
                {
                    for (var dx = -4; dx <= 4; dx++)
                    {
                        if (Math.Max(Math.Abs(dx), Math.Abs(dy)) == 4)
                        {
                            ring.Add(q[((y + dy) * w) + x + dx]);
                        }
                    }
                }

                ring.Sort();
                double bg = ring[ring.Count / 2];
                var mad = ring.Select(z => Math.Abs(z - bg)).Order().ElementAt(ring.Count / 2) * 1.4826;
                stars += v - bg > Math.Max(6 * Math.Max(mad, 10), 60) ? 1 : 0;
            }
        }

        return stars;
    }
}
