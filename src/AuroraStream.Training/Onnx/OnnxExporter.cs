using System.Runtime.InteropServices;
using AuroraStream.Training.Models;
using AuroraStream.Training.Onnx.Proto;
using Google.Protobuf;
using static TorchSharp.torch;

namespace AuroraStream.Training.Onnx;

/// <summary>
/// Writes an <see cref="AuroraModel"/> as an ONNX model (IR 8, opset 17) without any ONNX library:
/// the graph is built node by node from the modules' parameters and batch-norm statistics, in
/// inference form. Input <c>frames</c> [N, 1, H, W] float32 with a symbolic batch size; outputs
/// <c>probabilities</c> [N, 6] and <c>representation</c> [N, D].
/// </summary>
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

    private const float BatchNormEpsilon = 1e-5f;

    /// <summary>Exports the model to a file; metadata pairs are stored in the model's metadata_props.</summary>
    public static void Export(AuroraModel model, int inputSize, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, Build(model, inputSize, metadata).ToByteArray());
    }

    internal static ModelProto Build(AuroraModel model, int inputSize, IReadOnlyDictionary<string, string>? metadata)
    {
        if (inputSize is < 8 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "Input size must be within 8..1024 pixels.");
        }

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
        graph.Node("Softmax", [logits], [Int("axis", 1)], ProbabilitiesName);

        var proto = graph.Graph;
        proto.Name = $"aurorastream-{model.Architecture.ToString().ToLowerInvariant()}";
        proto.Input.Add(TensorInfo(InputName, [null, 1, inputSize, inputSize]));
        proto.Output.Add(TensorInfo(ProbabilitiesName, [null, AuroraModel.Classes]));
        proto.Output.Add(TensorInfo(RepresentationName, [null, Encoders.RepresentationSize(model.Architecture)]));
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
