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
        // Later overrides win (the command's own options come after --set), whatever the key's case.
        var latest = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides.Where(kv => kv.Value is not null))
        {
            latest.Remove(key);
            latest[key] = value;
        }

        builder.AddInMemoryCollection(latest);
        IConfiguration configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (InvalidDataException e)
        {
            // The JSON reader's own message gives the line and the byte in it; .NET's wrapper only
            // says that the file failed to load.
            var json = e.InnerException;
            while (json is not null and not System.Text.Json.JsonException)
            {
                json = json.InnerException;
            }

            var reason = json is System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } position } j
                ? $"not valid JSON at line {line + 1}, byte {position + 1}: {j.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0]}"
                : e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new InvalidDataException($"{file}: {reason}", e);
        }

        var settings = new StreamSettings();
        CheckKeys(configuration, overrides);
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
            // The binder's message names the key, the value and a .NET type; say what the key takes.
            throw new ArgumentException($"settings: {ConversionMessage(e.Message)}", e);
        }

        settings.Kafka.Validate();
        settings.Pipeline.Validate();
        return settings;
    }

    /// <summary>
    /// The configuration binder's "Failed to convert configuration value 'V' at 'K' to type 'T'."
    /// as "K: 'V' is not T-in-words"; any other message unchanged.
    /// </summary>
    internal static string ConversionMessage(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'\.$", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!m.Success)
        {
            return message;
        }

        var expected = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number (with a '.' for decimals)",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a time span as [d.]hh:mm:ss[.fff] (00:00:00.250 is 250 ms; a bare number is days)",
            "System.DateTime" or "System.DateTimeOffset" => "a date and time (ISO 8601)",
            var t when t.StartsWith("System.", StringComparison.Ordinal) => $"a {t["System.".Length..]}",
            var t => AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(t)).FirstOrDefault(x => x is { IsEnum: true }) is { } kind
                ? $"one of {string.Join(", ", Enum.GetNames(kind))}"
                : $"a {t[(t.LastIndexOf('.') + 1)..]}",
        };
        return $"{m.Groups["key"].Value}: '{m.Groups["value"].Value}' is not {expected}";
    }

    /// <summary>Keys of the <c>Influx</c> section (read one by one, not bound).</summary>
    private static readonly string[] InfluxKeys = ["Url", "Database", "RetentionPolicy", "User", "Password", "WriteApi", "Org", "Bucket", "Token", "Timeout"];

    /// <summary>
    /// Refuses a key the stream does not read, which would otherwise be ignored and leave the
    /// default in force: any key under a known section (from the settings file, an
    /// <c>AURORASTREAM_Section__Key</c> variable or <c>--set</c>) that names no setting, and a
    /// <c>--set</c> of an unknown section. Environment variables without <c>__</c> (the compose
    /// file's) are not settings and are left alone. <c>Kafka:Properties:*</c> are librdkafka's.
    /// </summary>
    private static void CheckKeys(IConfiguration configuration, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var sections = new Dictionary<string, Type?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Kafka"] = typeof(KafkaOptions),
            ["Pipeline"] = typeof(PipelineOptions),
            ["Model"] = typeof(ModelSettings),
            ["Output"] = typeof(OutputSettings),
            ["Influx"] = null,
        };
        foreach (var (name, type) in sections)
        {
            var section = configuration.GetSection(name);
            if (type is null)
            {
                CheckChildren(section, InfluxKeys.ToDictionary(k => k, _ => typeof(string), StringComparer.OrdinalIgnoreCase));
            }
            else
            {
                CheckSection(section, type);
            }
        }

        foreach (var key in overrides.Select(o => o.Key))
        {
            var section = key.Split(':')[0];
            if (section.Length == 0)
            {
                throw new UsageException($"--set '{key}': expected Section:Key=value, with a section before the first ':'");
            }

            if (!sections.ContainsKey(section))
            {
                throw new ArgumentException($"--set '{key}': {section} is not a settings section; the sections are {string.Join(", ", sections.Keys)}");
            }
        }
    }

    /// <summary>Checks a bound section against its type, down through nested option classes (<c>Pipeline:Events</c>).</summary>
    private static void CheckSection(IConfigurationSection section, Type type) =>
        CheckChildren(section, type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || !IsValue(p.PropertyType)))
            .ToDictionary(p => p.Name, p => p.PropertyType, StringComparer.OrdinalIgnoreCase));

    private static void CheckChildren(IConfigurationSection section, Dictionary<string, Type> keys)
    {
        foreach (var child in section.GetChildren())
        {
            if (!keys.TryGetValue(child.Key, out var type))
            {
                throw new ArgumentException($"settings: {child.Path} is not a setting (from the settings file, an AURORASTREAM_ variable or --set); {section.Path} has {string.Join(", ", keys.Keys)}");
            }

            var nested = child.GetChildren().Any();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // librdkafka's own property names: any key, one value each.
                if (child.Value is { Length: > 0 })
                {
                    throw new ArgumentException($"settings: {child.Path} holds properties (e.g. {child.Path}:socket.timeout.ms=1000), not a value");
                }

                if (child.GetChildren().FirstOrDefault(p => p.GetChildren().Any()) is { } property)
                {
                    throw new ArgumentException($"settings: {property.Path} is a librdkafka property and takes one value, not keys under it");
                }
            }
            else if (IsValue(type))
            {
                if (nested)
                {
                    throw new ArgumentException($"settings: {child.Path} is a value, not a section: {string.Join(", ", child.GetChildren().Select(c => c.Path))} cannot be set");
                }
            }
            else
            {
                if (child.Value is { Length: > 0 })
                {
                    throw new ArgumentException($"settings: {child.Path} is a section, not a value (set its keys, e.g. {child.Path}:Key=value)");
                }

                CheckSection(child, type);
            }
        }
    }

    /// <summary>Whether a setting of this type is one value (a string, number, enum, time, URL...), not a section.</summary>
    private static bool IsValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri);
    }

    public static IEnumerable<KeyValuePair<string, string?>> ParseSets(IEnumerable<string> sets)
    {
        foreach (var set in sets)
        {
            var eq = set.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"--set '{set}': expected Section:Key=value");
            }

            yield return new(set[..eq], set[(eq + 1)..]);
        }
    }
}
