using RdmaStack.Transport;

namespace RdmaStack.Cli.Commands;

/// <summary>Runs a command body and turns the expected failures into one clear line and an exit code.</summary>
internal static class CommandRunner
{
    /// <summary>Exit code for bad input or a failed set-up (the message says which).</summary>
    public const int SetupFailed = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is TransportException or ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"rdmastack: {e.Message}");
            return SetupFailed;
        }
    }
}
