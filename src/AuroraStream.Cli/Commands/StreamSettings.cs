using System.CommandLine;
using AuroraStream.Inference;
using AuroraStream.Influx;
using AuroraStream.Kafka;
using AuroraStream.Pipeline;
using Microsoft.Extensions.Configuration;

namespace AuroraStream.Cli.Commands;

/// <summary>Model settings (section <c>Model</c>).</summary>
internal sealed class ModelSettings
{
    public string? Path { get; set; }

    public InferenceDevice Device { get; set; } = InferenceDevice.Cpu;

    public int IntraOpThreads { get; set; }
}

/// <summary>Output settings (sections <c>Influx</c>, <c>Output</c>, <c>Metrics</c>).</summary>
internal sealed class OutputSettings
{
    public string Folder { get; set; } = "out";

    public int MetricsPort { get; set; }

    public string MetricsHost { get; set; } = "127.0.0.1";

    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the stream's own metrics go to InfluxDB (measurement aurora_pipeline) when Influx:Url is set; zero turns this off.</summary>
    public TimeSpan InfluxMetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The instance tag of the metrics points (several consumers of one group tell themselves apart by it).</summary>
    public string Instance { get; set; } = Environment.MachineName;
}

/// <summary>
/// The stream's configuration: <c>appsettings.json</c> (working directory, or --config), then
/// environment variables <c>AURORASTREAM_Section__Key</c>, then command-line options, each
/// overriding the one before (Microsoft.Extensions.Configuration conventions).
/// </summary>
internal sealed class StreamSettings
{
    public KafkaOptions Kafka { get; } = new();

    public PipelineOptions Pipeline { get; } = new();

    public ModelSettings Model { get; } = new();

    public OutputSettings Output { get; } = new();

    public InfluxConnectionOptions? Influx { get; private set; }

    public static Option<string?> ConfigOption() => new("--config") { Description = "Settings file (default: appsettings.json in the working directory when present)." };

    public static Option<string[]> SetOption() => new("--set") { Description = "Override a setting: Section:Key=value (e.g. Kafka:Properties:security.protocol=SASL_SSL).", AllowMultipleArgumentsPerToken = true };

    public static Option<string?> BootstrapOption() => new("--bootstrap") { Description = "Kafka bootstrap servers (Kafka:BootstrapServers)." };

    public static Option<string?> TopicOption() => new("--topic") { Description = "Frames topic (Kafka:FramesTopic)." };

    public static StreamSettings Load(string? configFile, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var builder = new ConfigurationBuilder();
        var file = configFile ?? Path.Combine(Environment.CurrentDirectory, "appsettings.json");
        if (configFile is not null && !File.Exists(configFile))
        {
            throw new FileNotFoundException($"{configFile}: settings file not found", configFile);
        }

        builder.AddJsonFile(Path.GetFullPath(file), optional: configFile is null);
        builder.AddEnvironmentVariables("AURORASTREAM_");
        builder.AddInMemoryCollection(overrides.Where(kv => kv.Value is not null));
        IConfiguration configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{file}: {e.Message}", e);
        }

        var settings = new StreamSettings();
        try
        {
            configuration.GetSection("Kafka").Bind(settings.Kafka);
            configuration.GetSection("Pipeline").Bind(settings.Pipeline);
            configuration.GetSection("Model").Bind(settings.Model);
            configuration.GetSection("Output").Bind(settings.Output);
            var influx = configuration.GetSection("Influx");
            if (influx["Url"] is { Length: > 0 } url)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    throw new ArgumentException($"Influx:Url '{url}' is not an absolute URL");
                }

                settings.Influx = new InfluxConnectionOptions
                {
                    Url = uri,
                    Database = influx["Database"] ?? "aurorastream",
                    RetentionPolicy = influx["RetentionPolicy"],
                    User = influx["User"],
                    Password = influx["Password"],
                    Token = influx["Token"],
                    Org = influx["Org"],
                    Bucket = influx["Bucket"],
                    WriteApi = Enum.TryParse<InfluxWriteApi>(influx["WriteApi"] ?? "V1", true, out var api) ? api : throw new ArgumentException($"Influx:WriteApi '{influx["WriteApi"]}' is not V1 or V2"),
                    Timeout = TimeSpan.TryParse(influx["Timeout"] ?? "00:00:10", System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : throw new ArgumentException($"Influx:Timeout '{influx["Timeout"]}' is not a time span"),
                };
                settings.Influx.Validate();
            }
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value it could not convert.
            throw new ArgumentException($"settings: {e.Message}", e);
        }

        settings.Kafka.Validate();
        settings.Pipeline.Validate();
        return settings;
    }

    public static IEnumerable<KeyValuePair<string, string?>> ParseSets(IEnumerable<string> sets)
    {
        foreach (var set in sets)
        {
            var eq = set.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--set '{set}': expected Section:Key=value");
            }

            yield return new(set[..eq], set[(eq + 1)..]);
        }
    }
}
