using AuroraStream.Cli;

return await AuroraStreamCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
