using System.Text.RegularExpressions;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Operations;

/// <summary>The README is a short guide; the rest lives in docs/, and every link between them resolves.</summary>
public sealed partial class DocumentationTests
{
    private static readonly string[] Pages = ["operations", "performance", "formats", "training-and-models", "architecture", "troubleshooting"];

    [Fact]
    public void Readme_IsShort_KeepsTheQuickStart_AndLinksEveryDocsPage()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

        Assert.True(readme.Split('\n').Length <= 150, $"README.md has {readme.Split('\n').Length} lines");
        Assert.Contains("make run", readme, StringComparison.Ordinal);
        Assert.Contains("make test", readme, StringComparison.Ordinal);
        Assert.All(Pages, page => Assert.Contains($"docs/{page}.md", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRelativeLink_InTheReadmeAndDocs_PointsAtAFileThatExists()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Append(Path.Combine(RepoPaths.Root, "README.md"));
        var broken = new List<string>();
        foreach (var file in files)
        {
            foreach (Match link in Link().Matches(File.ReadAllText(file)))
            {
                var target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                if (!File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)))
                {
                    broken.Add($"{Path.GetFileName(file)} -> {target}");
                }
            }
        }

        Assert.Empty(broken);
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
