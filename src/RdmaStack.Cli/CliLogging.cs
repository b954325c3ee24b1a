using Microsoft.Extensions.Logging;

namespace RdmaStack.Cli;

/// <summary>
/// The library's link events on standard error, when the environment asks for them: RDMASTACK_LOG=information (or
/// debug, warning, error). Off by default, so reports stay clean.
/// </summary>
internal static class CliLogging
{
    /// <summary>The variable that turns the log on.</summary>
    public const string Variable = "RDMASTACK_LOG";

    private static readonly Lazy<ILoggerFactory?> s_factory = new(Create);

    /// <summary>The logger factory to give a fabric, or null when logging is off.</summary>
    public static ILoggerFactory? Factory => s_factory.Value;

    private static ILoggerFactory? Create()
    {
        string? level = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(level) || !Enum.TryParse(level, ignoreCase: true, out LogLevel minimum))
        {
            return null;
        }

        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(minimum)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            })
            .AddFilter((_, _) => true));
    }
}
