namespace AuroraStream.Cli.Tests.Commands;

/// <summary>Runs the command line in-process as a user would, capturing both outputs.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AuroraStreamCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
