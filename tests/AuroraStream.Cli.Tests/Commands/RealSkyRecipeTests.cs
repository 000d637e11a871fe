using AuroraStream.Cli.Commands;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Formats.Detection;
using AuroraStream.TestUtilities;
using AuroraStream.Training.Confidence;
using AuroraStream.Training.Evaluation;

using static System.FormattableString;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class RealSkyRecipeTests
{
    [Fact]
    public void Calibrate_ReportsTheErrorOfEachKindOfHeldOutFrame_BeforeAndAfter()
    {
        // An unseen night that is confidently wrong and synthetic frames that are mostly right pull
        // one temperature opposite ways: the card must show both parts, not only their mix.
        float[] Confident(AuroraClass c) => [.. AuroraClasses.All.Select(k => k == c ? 6f : 0f)];
        var real = Enumerable.Repeat(AuroraClass.Moon, 40).ToList();
        var realLogits = real.Select(_ => Confident(AuroraClass.Diffuse)).ToList();
        var synthetic = Enumerable.Range(0, 200).Select(i => (AuroraClass)(i % 6)).ToList();
        var syntheticLogits = synthetic.Select((c, i) => Confident(i % 10 == 0 ? (AuroraClass)((i + 1) % 6) : c)).ToList();
        var fold = new SceneFold("gill-2014-03-10", real, realLogits, [.. real.Select(_ => 1.0)], 10, syntheticLogits);

        var calibration = RealSkyRecipe.Calibrate([fold], synthetic);

        Assert.Equal(240, calibration.Frames);
        Assert.Equal(["all held-out, weighted as fitted", "all held-out", "real frames of held-out scenes", "held-out synthetic"], calibration.Errors.Select(e => e.Set));
        Assert.Equal([240, 240, 40, 200], calibration.Errors.Select(e => e.Frames));
        var (fitted, all, unseen, drawn) = (calibration.Errors[0], calibration.Errors[1], calibration.Errors[2], calibration.Errors[3]);
        Assert.True(calibration.Temperature > 1, $"T = {calibration.Temperature}");

        // Before: p = 0.988 everywhere; the unseen night is never right, the synthetic frames 90% of the time.
        Assert.Equal(0.988, unseen.Before, 3);
        Assert.Equal(0.088, drawn.Before, 3);
        Assert.True(unseen.After < unseen.Before, "the unseen night's confidence falls");
        Assert.True(drawn.After > drawn.Before, "the synthetic frames become under-confident");
        Assert.Contains("real frames of held-out scenes (40 frames) 0.988 -> ", calibration.Describe(), StringComparison.Ordinal);
        Assert.Equal(((40 * 0.988) + (200 * 0.088)) / 240, all.Before, 3);

        // Weighted as fitted, the night is half: accuracy 0.45 against confidence 0.988 in the one bin.
        Assert.Equal(0.988 - 0.45, fitted.Before, 3);
        Assert.True(fitted.After < fitted.Before, "the fit lowers the error it was fitted for");
    }

    [Fact]
    public void Calibrate_RealFramesWeighAsMuchAsSyntheticOnes_AndEveryUnseenSceneAlike()
    {
        // Two unseen nights, 40 frames confidently wrong and 10 right, and 600 synthetic frames 98%
        // right scored by each of the two fold models. Real half, synthetic half, each night a
        // quarter: per frame 1/160, 1/40 and 1/2400, i.e. the unweighted fit on 15, 60 and 1 copies
        // (2 of each synthetic frame, which both folds scored).
        float[] Confident(AuroraClass c, float margin) => [.. AuroraClasses.All.Select(k => k == c ? margin : 0f)];
        var wrongNight = Enumerable.Repeat(AuroraClass.Moon, 40).ToList();
        var rightNight = Enumerable.Repeat(AuroraClass.Arc, 10).ToList();
        var synthetic = Enumerable.Range(0, 600).Select(i => (AuroraClass)(i % 6)).ToList();
        var syntheticLogits = synthetic.Select((c, i) => Confident(i % 50 == 0 ? (AuroraClass)((i + 1) % 6) : c, 8)).ToList();
        SceneFold Fold(string scene, List<AuroraClass> truth, AuroraClass said) =>
            new(scene, truth, [.. truth.Select(_ => Confident(said, 7))], [.. truth.Select(_ => 1.0)], 10, syntheticLogits);
        var folds = new[] { Fold("gill-2014-03-10", wrongNight, AuroraClass.Diffuse), Fold("gill-2016-10-29", rightNight, AuroraClass.Arc) };

        var calibration = RealSkyRecipe.Calibrate(folds, synthetic);

        var copies = new List<(float[] Logits, AuroraClass Class)>();
        copies.AddRange(Enumerable.Repeat(wrongNight.Select(c => (Confident(AuroraClass.Diffuse, 7), c)), 15).SelectMany(x => x));
        copies.AddRange(Enumerable.Repeat(rightNight.Select(c => (Confident(AuroraClass.Arc, 7), c)), 60).SelectMany(x => x));
        copies.AddRange(Enumerable.Repeat(syntheticLogits.Zip(synthetic), 2).SelectMany(x => x));
        var expected = TemperatureScaling.Fit([.. copies.Select(c => c.Logits)], [.. copies.Select(c => c.Class)]);
        Assert.Equal(expected, calibration.Temperature, 3);

        // Unweighted, the 1,200 synthetic frames (600 per fold) set it far lower: the confident wrong night barely counts.
        var unweighted = TemperatureScaling.Fit(
            [.. folds.SelectMany(f => f.Logits), .. folds.SelectMany(f => f.SyntheticLogits)],
            [.. wrongNight, .. rightNight, .. synthetic, .. synthetic]);
        Assert.True(calibration.Temperature > unweighted * 1.5, $"weighted T {calibration.Temperature}, unweighted {unweighted}");
        Assert.Equal(1250, calibration.Frames);
        Assert.Equal("the real frames weigh 0.5 of the fit, shared equally by the 2 held-out scenes, the synthetic frames 0.5", calibration.Weighting);

        // Synthetic frames alone: every frame alike, as before.
        var alone = RealSkyRecipe.Calibrate([new SceneFold("final", [], [], [], 0, syntheticLogits)], synthetic);
        Assert.Equal(TemperatureScaling.Fit(syntheticLogits, synthetic), alone.Temperature, 6);
        Assert.Equal("every frame weighs the same", alone.Weighting);
    }

    [Fact]
    public void TemperaturesWithout_FitEachSceneOnTheOthers_AndTheCardCountsItsConfidentErrorsUnderIt()
    {
        // Night a is confidently wrong; b, c and every synthetic frame are right. The temperature
        // fitted on all of them is in-sample for a; the one fitted without a (on b and c alone,
        // all right, so as sharp as the search allows) leaves all 10 of a's frames wrong at p >= 0.9.
        float[] Confident(AuroraClass c) => [.. AuroraClasses.All.Select(k => k == c ? 6f : 0f)];
        var synthetic = Enumerable.Range(0, 60).Select(i => (AuroraClass)(i % 6)).ToList();
        SceneFold Fold(string scene, AuroraClass truth, AuroraClass said) =>
            new(scene, [.. Enumerable.Repeat(truth, 10)], [.. Enumerable.Range(0, 10).Select(_ => Confident(said))], [.. Enumerable.Repeat(1.0, 10)], 10, [.. synthetic.Select(Confident)]);
        SceneFold a = Fold("night-a", AuroraClass.Moon, AuroraClass.Diffuse), b = Fold("night-b", AuroraClass.Arc, AuroraClass.Arc), c = Fold("night-c", AuroraClass.Clear, AuroraClass.Clear);

        var without = RealSkyRecipe.TemperaturesWithout([a, b, c], synthetic);

        Assert.Equal(["night-a", "night-b", "night-c"], without.Keys.Order());
        Assert.Equal(RealSkyRecipe.Calibrate([b, c], synthetic).Temperature, without["night-a"], 9);
        Assert.Equal(RealSkyRecipe.Calibrate([a, c], synthetic).Temperature, without["night-b"], 9);
        Assert.True(without["night-a"] < 0.1, $"T without a {without["night-a"]}");
        var inSample = RealSkyRecipe.Calibrate([a, b, c], synthetic).Temperature;
        var card = RealSkyRecipe.SceneEvaluations([a, b, c], inSample, null!, [], 64, null, without);
        var night = card.Single(e => e.Name == "leave-one-scene-out:night-a");
        Assert.Contains(Invariant($"under the temperature fitted without this scene's frames (T {without["night-a"]:0.00}): wrong with p >= 0.9 and not uncertain: 10"), night.Notes, StringComparison.Ordinal);
        Assert.Empty(RealSkyRecipe.TemperaturesWithout([a], synthetic));
        Assert.DoesNotContain("without this scene's frames", RealSkyRecipe.SceneEvaluations([a], inSample, null!, [], 64, null).Single().Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteHeldOutLogits_WritesEveryFrameTheFitSaw_SoTheFitCanBeRedone()
    {
        var synthetic = new[] { AuroraClass.Clear, AuroraClass.Arc };
        float[][] syntheticLogits = [[0.1f, 0, 0, 0, 0, 2.5f], [1.25f, 0, 0, 0, 0, -0.333333343f]];
        var fold = new SceneFold("gill-2014-03-10", [AuroraClass.Moon], [[0, 3, 0, 0, 1, 0]], [1.0], 10, syntheticLogits);
        var path = Path.Combine(Path.GetTempPath(), $"calibration-{Guid.NewGuid():N}.csv");
        try
        {
            RealSkyRecipe.WriteHeldOutLogits(path, [fold], synthetic);

            var lines = File.ReadAllLines(path);
            Assert.Equal(
                [
                    "set,scene,model,label,arc,diffuse,discrete,cloudy,moon,clear",
                    "real,gill-2014-03-10,without:gill-2014-03-10,moon,0,3,0,0,1,0",
                    "synthetic,synthetic,without:gill-2014-03-10,clear,0.1,0,0,0,0,2.5",
                    "synthetic,synthetic,without:gill-2014-03-10,arc,1.25,0,0,0,0,-0.33333334",
                ],
                lines);
            var read = lines.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(
                RealSkyRecipe.Calibrate([fold], synthetic).Temperature,
                TemperatureScaling.Fit(
                    [.. read.Select(r => r.Skip(4).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())],
                    [.. read.Select(r => AuroraClasses.TryParseLabel(r[3], out var c) ? c : throw new InvalidDataException(r[3]))],
                    [.. read.Select(r => r[0] == "real" ? 0.5 : 0.25)]),
                6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Hybrids_DrawEachAuroraFormInTurn_OnTheClearRealFrames_KeepingTheirScene()
    {
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = 16 });
        var clear = AsiFiles.ReadFrames(RepoPaths.L1AsfCdf).Take(2)
            .Select(f => (new PreparedFrame(f.Site, f.CaptureTime, RepoPaths.L1AsfCdf, f.Origin.Index, new float[256]), AuroraClass.Clear))
            .ToList();
        var failures = new List<string>();

        var hybrids = RealSkyRecipe.Hybrids([RepoPaths.L1AsfCdf], clear, 6, 5, preprocessor, failures);

        Assert.Empty(failures);
        Assert.Equal([AuroraClass.Arc, AuroraClass.Diffuse, AuroraClass.Discrete, AuroraClass.Arc, AuroraClass.Diffuse, AuroraClass.Discrete], hybrids.Select(h => h.Class));
        Assert.All(hybrids, h => Assert.Equal(("hybrid", "gako-2011-01-06", 256), (h.Source, h.Scene, h.Pixels.Length)));

        // Something was drawn on each: no hybrid is its background as the model would see it.
        var backgrounds = AsiFiles.ReadFrames(RepoPaths.L1AsfCdf).Take(2).Select(f =>
        {
            var pixels = new float[256];
            preprocessor.Process(f.Pixels.Span, f.Width, f.Height, pixels);
            return pixels;
        }).ToList();
        Assert.All(hybrids.Select((h, i) => (h, i)), x => Assert.True(x.h.Pixels.Zip(backgrounds[(x.i / 3) % 2]).Sum(p => Math.Abs(p.First - p.Second)) > 1, $"hybrid {x.i} is its background"));
        Assert.Empty(RealSkyRecipe.Hybrids([RepoPaths.L1AsfCdf], [], 8, 5, preprocessor, failures));
    }

    [Fact]
    public void HeldOutSynthetic_SharesTheFramesOverConsecutiveSeeds_AndScoresEachSeed()
    {
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = 16 });

        var drawn = RealSkyRecipe.HeldOutSynthetic(SkyGenerator.Legacy, 7, 3, 40, preprocessor);

        // 7 over 3 seeds: 3, 2, 2; each share is the start of that seed's own sequence.
        Assert.Equal([40, 40, 40, 41, 41, 42, 42], drawn.Select(d => d.Seed));
        var alone = RealSkyRecipe.Synthetic(SkyGenerator.Legacy, 2, 41, preprocessor);
        Assert.Equal(alone.Select(a => a.Class), drawn.Skip(3).Take(2).Select(d => d.Class));
        Assert.Equal(alone[1].Frame.Pixels, drawn[4].Frame.Pixels);

        // Right on every frame of seed 40, on one of two of seed 41, on none of seed 42.
        var predicted = drawn.Select((d, i) => i is 4 or 5 or 6 ? Other(d.Class) : d.Class).ToList();
        var perSeed = RealSkyRecipe.PerSeed(drawn, predicted);
        Assert.Equal([(40, 3, 1.0), (41, 2, 0.5), (42, 2, 0.0)], perSeed);
        Assert.Equal(
            "7 synthetic frames (legacy generator) from 3 seeds not used in training (40-42, each its own lenses and star catalogue); per seed 40 1.000 (3), 41 0.500 (2), 42 0.000 (2); measures learning on the generator's classes, not on real skies",
            RealSkyRecipe.DescribeHeldOut(SkyGenerator.Legacy, perSeed));
        Assert.StartsWith("3 synthetic frames (projected generator) from a seed not used in training (seed 40);", RealSkyRecipe.DescribeHeldOut(SkyGenerator.Projected, perSeed.Take(1).ToList()), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => RealSkyRecipe.HeldOutSynthetic(SkyGenerator.Legacy, 2, 3, 40, preprocessor));

        static AuroraClass Other(AuroraClass c) => c == AuroraClass.Arc ? AuroraClass.Clear : AuroraClass.Arc;
    }

    [Fact]
    public void SceneEvaluations_ScoreTheLabelAsTheStreamWritesIt_UnderTheSkyRules()
    {
        // A fold model that says moon (0.40, clear 0.35, cloudy 0.25) on a twilight night with the
        // Moon 16 deg down: classify and the stream write clear, and so must the card.
        float[] logits = [-20f, -20f, -20f, MathF.Log(0.25f), MathF.Log(0.40f), MathF.Log(0.35f)];
        var truth = Enumerable.Repeat(AuroraClass.Clear, 10).ToList();
        var moonDown = new Core.Sky.SkyConditions(-11, 120, -16, 250, 0.05);
        SceneFold Fold(IReadOnlyList<Core.Sky.SkyConditions?>? skies) =>
            new("gako-2011-01-06", truth, [.. truth.Select(_ => logits)], [.. truth.Select(_ => 1.0)], 10, [], null, skies);

        var underTheSky = Assert.Single(RealSkyRecipe.SceneEvaluations([Fold([.. truth.Select(_ => (Core.Sky.SkyConditions?)moonDown)])], 1.0, null!, [], 64, null));
        var skyUnknown = Assert.Single(RealSkyRecipe.SceneEvaluations([Fold(null)], 1.0, null!, [], 64, null));

        Assert.Equal(1.0, underTheSky.Accuracy);
        Assert.Contains("said clear 10", underTheSky.Notes, StringComparison.Ordinal);
        Assert.Equal(0.0, skyUnknown.Accuracy);
        Assert.Contains("said moon 10", skyUnknown.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void ThresholdChoices_CountsTheSceneFramesPastEachQuantileOfTheInDistributionScores()
    {
        var reference = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        double[] scene = [50, 91, 96, 99.5, 200];

        var text = RealSkyRecipe.ThresholdChoices(scene, reference);

        // Quantiles interpolate between order statistics: 90.1, 95.05 and 99.01.
        Assert.Equal("frames an OOD threshold would flag: 4/5 at the 0.9 quantile (90), 3/5 at the 0.95 quantile (95), 2/5 at the 0.99 quantile (99)", text);
    }
}
