namespace AuroraStream.Influx;

/// <summary>Where and how to reach InfluxDB. Secrets are never part of <see cref="ToString"/>.</summary>
public sealed class InfluxConnectionOptions
{
    /// <summary>Base URL, e.g. <c>http://127.0.0.1:8086</c>.</summary>
    public Uri? Url { get; init; }

    /// <summary>Database (1.x) or the bucket mapped to it (2.x/3.x v1 compatibility).</summary>
    /// <value>Default <c>aurorastream</c>.</value>
    public string Database { get; init; } = "aurorastream";

    /// <summary>Retention policy; the database default when null.</summary>
    public string? RetentionPolicy { get; init; }

    /// <summary>User name (1.x); with <see cref="Password"/>.</summary>
    public string? User { get; init; }

    /// <summary>Password (1.x). Never printed or logged.</summary>
    public string? Password { get; init; }

    /// <summary>API token (2.x/3.x, sent as <c>Authorization: Token</c>). Never printed or logged.</summary>
    public string? Token { get; init; }

    /// <summary>Write API: <see cref="InfluxWriteApi.V1"/> (<c>/write?db=&amp;rp=</c>, user/password) or <see cref="InfluxWriteApi.V2"/> (<c>/api/v2/write?org=&amp;bucket=</c>, token; InfluxDB 2.x and 3.x).</summary>
    /// <value>Default <see cref="InfluxWriteApi.V1"/>.</value>
    public InfluxWriteApi WriteApi { get; init; } = InfluxWriteApi.V1;

    /// <summary>Organisation for the v2 write API.</summary>
    /// <value>Default null.</value>
    public string? Org { get; init; }

    /// <summary>Bucket for the v2 write API.</summary>
    /// <value>Default null: the <see cref="Database"/> name (as a v1-compatible DBRP mapping would).</value>
    public string? Bucket { get; init; }

    /// <summary>Timeout of one HTTP request.</summary>
    /// <value>Default 30 s.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings once, naming the one that is wrong.</summary>
    public void Validate()
    {
        if (Url is null || !Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"InfluxConnectionOptions.Url must be an absolute http(s) URL (got '{Url}').", nameof(Url));
        }

        if (string.IsNullOrWhiteSpace(Database))
        {
            throw new ArgumentException("InfluxConnectionOptions.Database must be set.", nameof(Database));
        }

        if ((User is null) != (Password is null))
        {
            throw new ArgumentException("InfluxConnectionOptions.User and Password go together.", nameof(User));
        }

        if (Token is not null && User is not null)
        {
            throw new ArgumentException("InfluxConnectionOptions: use either Token or User/Password, not both.", nameof(Token));
        }

        if (WriteApi == InfluxWriteApi.V2 && (string.IsNullOrWhiteSpace(Org) || Token is null))
        {
            throw new ArgumentException("InfluxConnectionOptions: the v2 write API needs Org and Token.", nameof(Org));
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "InfluxConnectionOptions.Timeout must be positive.");
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Url} {(WriteApi == InfluxWriteApi.V2 ? $"v2 org={Org} bucket={Bucket ?? Database}" : $"db={Database}")}{(RetentionPolicy is null ? string.Empty : $" rp={RetentionPolicy}")}{(User is null ? string.Empty : $" user={User} password=***")}{(Token is null ? string.Empty : " token=***")}";
}

/// <summary>Which InfluxDB write endpoint.</summary>
public enum InfluxWriteApi
{
    /// <summary>InfluxDB 1.x <c>/write</c> (also served by 2.x/3.x for compatibility).</summary>
    V1,

    /// <summary>InfluxDB 2.x/3.x <c>/api/v2/write</c>.</summary>
    V2,
}
