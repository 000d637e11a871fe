using AuroraStream.Cli.Commands;
using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Training.Evaluation;

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
        Assert.Equal(["all held-out", "real frames of held-out scenes", "held-out synthetic"], calibration.Errors.Select(e => e.Set));
        Assert.Equal([240, 40, 200], calibration.Errors.Select(e => e.Frames));
        var (all, unseen, drawn) = (calibration.Errors[0], calibration.Errors[1], calibration.Errors[2]);
        Assert.True(calibration.Temperature > 1, $"T = {calibration.Temperature}");

        // Before: p = 0.988 everywhere; the unseen night is never right, the synthetic frames 90% of the time.
        Assert.Equal(0.988, unseen.Before, 3);
        Assert.Equal(0.088, drawn.Before, 3);
        Assert.True(unseen.After < unseen.Before, "the unseen night's confidence falls");
        Assert.True(drawn.After > drawn.Before, "the synthetic frames become under-confident");
        Assert.Contains("real frames of held-out scenes (40 frames) 0.988 -> ", calibration.Describe(), StringComparison.Ordinal);
        Assert.Equal(((40 * 0.988) + (200 * 0.088)) / 240, all.Before, 3);
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
