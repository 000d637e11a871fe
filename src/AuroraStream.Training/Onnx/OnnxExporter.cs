using System.Runtime.InteropServices;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Models;
using AuroraStream.Training.Onnx.Proto;
using Google.Protobuf;
using static TorchSharp.torch;

namespace AuroraStream.Training.Onnx;

/// <summary>
/// Writes an <see cref="AuroraModel"/> as an ONNX model (IR 8, opset 17) without any ONNX library:
/// the graph is built node by node from the modules' parameters and batch-norm statistics, in
/// inference form. Input <c>frames</c> [N, 1, H, W] float32 with a symbolic batch size (or a fixed
/// one, <see cref="OnnxExportOptions.BatchSize"/>); outputs <c>probabilities</c> [N, 6] and
/// <c>representation</c> [N, D].
/// </summary>
/// <remarks>
/// With a <see cref="ConfidenceModel"/> the probabilities are Softmax(logits / T) and a third output
/// <c>ood_score</c> [N] is min over classes c of ||(x - mu_c) W||^2 for the representation x. It is
/// computed as ||z||^2 - 2 z m_c^T + ||m_c||^2 with z = x W and m = mu W precomputed (one D x D
/// MatMul per frame instead of six), then clamped at 0 against rounding.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The opset the exported graph imports.</summary>
    public const int Opset = 17;

    /// <summary>Input name.</summary>
    public const string InputName = "frames";

    /// <summary>Class-probability output name.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Representation output name.</summary>
    public const string RepresentationName = "representation";

    /// <summary>Out-of-distribution score output name (only with a <see cref="ConfidenceModel"/>).</summary>
    public const string OodScoreName = "ood_score";

    private const float BatchNormEpsilon = 1e-5f;

    /// <summary>Exports the model to a file; metadata pairs are stored in the model's metadata_props.</summary>
    public static void Export(AuroraModel model, int inputSize, string path, IReadOnlyDictionary<string, string>? metadata = null, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, Build(model, inputSize, metadata, options).ToByteArray());
    }

    internal static ModelProto Build(AuroraModel model, int inputSize, IReadOnlyDictionary<string, string>? metadata, OnnxExportOptions? options = null)
    {
        if (inputSize is < 8 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "Input size must be within 8..1024 pixels.");
        }

        var batch = options?.BatchSize;
        if (batch is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(options), batch, "OnnxExportOptions.BatchSize must be within 1..4096 (or null for any batch size).");
        }

        var confidence = options?.Confidence;
        confidence?.Validate("OnnxExportOptions.Confidence", model.Architecture);

        var graph = new GraphBuilder(model);
        var representation = model.Architecture switch
        {
            EncoderArchitecture.Compact => graph.Compact(InputName),
            EncoderArchitecture.ResNet18 => graph.ResNet18(InputName),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Architecture, "Unknown architecture."),
        };
        graph.Rename(representation, RepresentationName);
        var logits = model.Head switch
        {
            ClassifierHead.Linear => graph.Gemm(RepresentationName, "_classifier.0"),
            ClassifierHead.Mlp => graph.Gemm(graph.Relu(graph.Gemm(RepresentationName, "_classifier.0")), "_classifier.2"),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Head, "Unknown classifier head."),
        };
        if (confidence is not null)
        {
            logits = graph.Node("Div", [logits, graph.Constant("confidence.temperature", [(float)confidence.Temperature], [])]);
        }

        graph.Node("Softmax", [logits], [Int("axis", 1)], ProbabilitiesName);
        if (confidence is not null)
        {
            OodScore(graph, confidence);
        }

        var proto = graph.Graph;
        proto.Name = $"aurorastream-{model.Architecture.ToString().ToLowerInvariant()}";
        proto.Input.Add(TensorInfo(InputName, [batch, 1, inputSize, inputSize]));
        proto.Output.Add(TensorInfo(ProbabilitiesName, [batch, AuroraModel.Classes]));
        proto.Output.Add(TensorInfo(RepresentationName, [batch, Encoders.RepresentationSize(model.Architecture)]));
        if (confidence is not null)
        {
            proto.Output.Add(TensorInfo(OodScoreName, [batch]));
        }

        var result = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "AuroraStream",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Domain = "org.aurorastream",
            ModelVersion = 1,
            Graph = proto,
        };
        result.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return result;
    }

    /// <summary>Emits <see cref="OodScoreName"/> from the representation (see the class remarks).</summary>
    private static void OodScore(GraphBuilder graph, ConfidenceModel confidence)
    {
        var d = confidence.RepresentationSize;
        var classes = AuroraModel.Classes;

        // m = mu W and ||m_c||^2 in double, from the stored single-precision values.
        var projected = new float[classes * d];
        var norms = new float[classes];
        for (var c = 0; c < classes; c++)
        {
            double norm = 0;
            for (var j = 0; j < d; j++)
            {
                double sum = 0;
                for (var i = 0; i < d; i++)
                {
                    sum += (double)confidence.ClassMeans[(c * d) + i] * confidence.Whitening[(i * d) + j];
                }

                projected[(c * d) + j] = (float)sum;
                norm += (double)projected[(c * d) + j] * projected[(c * d) + j];
            }

            norms[c] = (float)norm;
        }

        var z = graph.Node("MatMul", [RepresentationName, graph.Constant("confidence.whitening", confidence.Whitening, [d, d])]);
        var zNorm = graph.Node("ReduceSumSquare", [z], [Ints("axes", 1), Int("keepdims", 1)]);

        // -2 z m^T + ||m||^2 in one Gemm: [N, 6].
        var cross = graph.Node("Gemm", [z, graph.Constant("confidence.projected_means", projected, [classes, d]), graph.Constant("confidence.projected_mean_norms", norms, [classes])], [Float("alpha", -2f), Float("beta", 1f), Int("transB", 1)]);
        var distances = graph.Node("Add", [cross, zNorm]);
        var nearest = graph.Node("ReduceMin", [distances], [Ints("axes", 1), Int("keepdims", 0)]);

        // ||z||^2 - 2 z m^T + ||m||^2 can round below zero for a frame on a class mean.
        graph.Node("Relu", [nearest], output: OodScoreName);
    }

    private static ValueInfoProto TensorInfo(string name, int?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>Emits nodes and initializers; values are named t0, t1... until renamed.</summary>
    private sealed class GraphBuilder
    {
        private readonly Dictionary<string, Tensor> _tensors;
        private readonly HashSet<string> _initialised = [];
        private int _next;

        public GraphBuilder(AuroraModel model)
        {
            _tensors = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
                .Concat(model.named_buffers().Select(b => (b.name, b.buffer)))
                .ToDictionary(x => x.Item1, x => x.Item2);
        }

        public GraphProto Graph { get; } = new();

        public string Weight(string name)
        {
            if (_initialised.Add(name))
            {
                var tensor = _tensors.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"The model has no parameter or buffer '{name}'.");
                // The scope holds the chain's temporaries until the values are read (see Torch/Scalars.cs).
                using var scope = NewDisposeScope();
                var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
                var values = cpu.data<float>().ToArray();
                var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
                proto.Dims.Add(cpu.shape);
                Graph.Initializer.Add(proto);
            }

            return name;
        }

        /// <summary>Adds a named float32 constant (an initializer) of the given shape; returns its name.</summary>
        public string Constant(string name, float[] values, long[] dims)
        {
            if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
            {
                throw new ArgumentException($"Constant '{name}' has {values.Length} values, not the product of its shape [{string.Join(",", dims)}].", nameof(values));
            }

            if (!_initialised.Add(name) || _tensors.ContainsKey(name))
            {
                throw new InvalidOperationException($"The graph already has a value named '{name}'.");
            }

            var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
            proto.Dims.Add(dims);
            Graph.Initializer.Add(proto);
            return name;
        }

        public string Node(string op, string[] inputs, AttributeProto[]? attributes = null, string? output = null)
        {
            output ??= $"t{_next++}";
            var node = new NodeProto { OpType = op, Name = $"{op}_{Graph.Node.Count}" };
            node.Input.Add(inputs);
            node.Output.Add(output);
            if (attributes is not null)
            {
                node.Attribute.Add(attributes);
            }

            Graph.Node.Add(node);
            return output;
        }

        /// <summary>Makes the node producing <paramref name="from"/> produce <paramref name="to"/> instead.</summary>
        public void Rename(string from, string to)
        {
            foreach (var node in Graph.Node)
            {
                for (var i = 0; i < node.Output.Count; i++)
                {
                    if (node.Output[i] == from)
                    {
                        node.Output[i] = to;
                    }
                }

                for (var i = 0; i < node.Input.Count; i++)
                {
                    if (node.Input[i] == from)
                    {
                        node.Input[i] = to;
                    }
                }
            }
        }

        public string Conv(string input, string weight, long kernel, long stride, long pad) =>
            Node("Conv", [input, Weight(weight)], [Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Ints("dilations", 1, 1), Int("group", 1)]);

        public string BatchNorm(string input, string prefix) =>
            Node("BatchNormalization", [input, Weight($"{prefix}.weight"), Weight($"{prefix}.bias"), Weight($"{prefix}.running_mean"), Weight($"{prefix}.running_var")], [Float("epsilon", BatchNormEpsilon)]);

        public string Relu(string input) => Node("Relu", [input]);

        public string Gemm(string input, string prefix) =>
            Node("Gemm", [input, Weight($"{prefix}.weight"), Weight($"{prefix}.bias")], [Int("transB", 1)]);

        public string Pool(string input) => Node("Flatten", [Node("GlobalAveragePool", [input])], [Int("axis", 1)]);

        public string Compact(string input)
        {
            var x = input;
            for (var s = 0; s < CompactEncoder.Channels.Length; s++)
            {
                x = ConvBnRelu(x, $"_encoder._features.stage{s}_down", 2);
                if (s > 0)
                {
                    x = ConvBnRelu(x, $"_encoder._features.stage{s}_conv", 1);
                }
            }

            return Pool(x);
        }

        public string ResNet18(string input)
        {
            var x = Relu(BatchNorm(Conv(input, "_encoder._stem.0.weight", 7, 2, 3), "_encoder._stem.1"));
            x = Node("MaxPool", [x], [Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)]);
            foreach (var (layer, stride) in new[] { (1, 1), (2, 2), (3, 2), (4, 2) })
            {
                x = BasicBlock(x, $"_encoder._layers.layer{layer}_0", stride);
                x = BasicBlock(x, $"_encoder._layers.layer{layer}_1", 1);
            }

            return Pool(x);
        }

        private string ConvBnRelu(string input, string prefix, long stride) =>
            Relu(BatchNorm(Conv(input, $"{prefix}.0.weight", 3, stride, 1), $"{prefix}.1"));

        private string BasicBlock(string input, string prefix, long stride)
        {
            var body = Relu(BatchNorm(Conv(input, $"{prefix}._body.0.weight", 3, stride, 1), $"{prefix}._body.1"));
            body = BatchNorm(Conv(body, $"{prefix}._body.3.weight", 3, 1, 1), $"{prefix}._body.4");
            var shortcut = _tensors.ContainsKey($"{prefix}._shortcut.0.weight")
                ? BatchNorm(Conv(input, $"{prefix}._shortcut.0.weight", 1, stride, 0), $"{prefix}._shortcut.1")
                : input;
            return Relu(Node("Add", [body, shortcut]));
        }
    }
}

/// <summary>What to export besides the network itself.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Temperature and out-of-distribution score to build into the graph; null for the plain model.</summary>
    /// <value>Default null.</value>
    public ConfidenceModel? Confidence { get; init; }

    /// <summary>A fixed batch size for the input and outputs (1..4096), for runtimes that need one; null for any batch size.</summary>
    /// <value>Default null (symbolic <c>N</c>).</value>
    public int? BatchSize { get; init; }
}
