using System.Runtime.CompilerServices;

namespace AuroraStream.Training.Tests.Torch;

/// <summary>
/// <c>make test-storm</c> (environment variable <c>AURORASTREAM_TEST_GC_STORM=1</c>): a
/// <see cref="CollectionStorm"/> blows through the whole run of this assembly, so every test, helper
/// and trainer path is checked for TorchSharp objects that become garbage while libtorch still reads
/// them, not only the paths the storm tests cover. Too slow for every <c>make test</c> (about seven
/// minutes instead of one); run it after a TorchSharp upgrade or a change to the trainer.
/// </summary>
internal static class WholeRunCollectionStorm
{
    /// <summary>The environment variable that turns the storm on.</summary>
    internal const string Variable = "AURORASTREAM_TEST_GC_STORM";

#pragma warning disable CA2255 // A test assembly has no other hook that runs before its first test; nothing else loads it.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void StartWhenAsked()
    {
        if (Environment.GetEnvironmentVariable(Variable) == "1")
        {
            // Never disposed: it blows until the test process exits.
            _ = new CollectionStorm();
        }
    }
}
