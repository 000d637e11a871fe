using AuroraStream.Core;
using AuroraStream.Training.Evaluation;

namespace AuroraStream.Training.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void Scores_HandCountedMatrix_GivesAccuraciesTwoClassFromSixClassAndPerClassScores()
    {
        var matrix = new ConfusionMatrix();
        Add(matrix, AuroraClass.Arc, AuroraClass.Arc, 4);
        Add(matrix, AuroraClass.Arc, AuroraClass.Discrete, 2);     // wrong 6-class, right 2-class
        Add(matrix, AuroraClass.Diffuse, AuroraClass.Cloudy, 1);   // wrong both
        Add(matrix, AuroraClass.Clear, AuroraClass.Clear, 3);
        Add(matrix, AuroraClass.Moon, AuroraClass.Clear, 1);       // wrong 6-class, right 2-class
        Add(matrix, AuroraClass.Cloudy, AuroraClass.Arc, 1);       // wrong both

        Assert.Equal(12, matrix.Total);
        Assert.Equal(7.0 / 12, matrix.Accuracy, 12);
        Assert.Equal(10.0 / 12, matrix.TwoClassAccuracy, 12);
        Assert.Equal(6.0 / 7, matrix.AuroraTruePositiveRate, 12);
        var arc = matrix.PerClass()[0];
        Assert.Equal(("arc", 6), (arc.Label, arc.Support));
        Assert.Equal(4.0 / 5, arc.Precision!.Value, 12);
        Assert.Equal(4.0 / 6, arc.Recall!.Value, 12);
        Assert.Equal(2 * 0.8 * (4.0 / 6) / (0.8 + (4.0 / 6)), arc.F1!.Value, 12);
        var moon = matrix.PerClass()[(int)AuroraClass.Moon];
        Assert.Null(moon.Precision);
        Assert.Equal(0, moon.Recall);
        Assert.Equal([4, 0, 2, 0, 0, 0], matrix.Rows[0]);
    }

    [Fact]
    public void Empty_HasUndefinedAccuracy()
    {
        var matrix = new ConfusionMatrix();

        Assert.True(double.IsNaN(matrix.Accuracy));
        Assert.All(matrix.PerClass(), c => Assert.Null(c.Recall));
    }

    private static void Add(ConfusionMatrix matrix, AuroraClass actual, AuroraClass predicted, int times)
    {
        for (var i = 0; i < times; i++)
        {
            matrix.Add(actual, predicted);
        }
    }
}
