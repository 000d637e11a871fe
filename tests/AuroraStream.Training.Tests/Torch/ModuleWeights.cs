using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.Torch;

internal static class ModuleWeights
{
    /// <summary>All parameters of a module, flattened, read inside a dispose scope (see Training/Torch/Scalars.cs).</summary>
    public static float[] Of(nn.Module module)
    {
        using var scope = NewDisposeScope();
        return [.. module.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];
    }
}
