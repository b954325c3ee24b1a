using System.CommandLine;
using System.CommandLine.Parsing;
using RdmaStack.Transport;

namespace RdmaStack.Cli.Commands;

/// <summary>Runs a command body and turns the expected failures into one clear line and an exit code; refuses a bad
/// command line the same way, in place of System.CommandLine's errors-and-the-whole-help.</summary>
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

    /// <summary>Parses <paramref name="args"/>; on errors writes each on one line, the last one followed by where the
    /// command's help is ("see rdmastack perf write-lat --help"), and returns null. System.CommandLine throws from the
    /// parse when a validator reads a value that did not convert, and when an @response file cannot be read
    /// (`demo @.`, a folder; found by the option-parsing fuzzer): each becomes one line too.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="error">Where the errors go.</param>
    /// <returns>The parse result to invoke, or null.</returns>
    public static ParseResult? Parse(RootCommand root, IReadOnlyList<string> args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        ParseResult result;
        try
        {
            result = root.Parse(args);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            // A check read a value that failed its own rule: still one line, never a stack trace.
            return Refuse(root, args, e.Message, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(root, args, $"cannot read a response file (an argument starting with '@'): {e.Message}", error);
        }

        IReadOnlyList<string> messages = CommandChecks.Errors(result);
        if (messages.Count == 0)
        {
            return result;
        }

        string path = CommandPath(result.CommandResult);
        for (int i = 0; i < messages.Count; i++)
        {
            error.WriteLine(i < messages.Count - 1 ? $"{path}: {messages[i]}" : $"{path}: {messages[i]} (see {path} --help)");
        }

        return null;
    }

    /// <summary>Writes the one line of a parse that threw, pointing at the help of the command named first.</summary>
    private static ParseResult? Refuse(RootCommand root, IReadOnlyList<string> args, string message, TextWriter error)
    {
        string command = args.Count > 0 && root.Subcommands.Any(c => c.Name == args[0]) ? $"rdmastack {args[0]}" : "rdmastack";
        error.WriteLine($"rdmastack: {message.ReplaceLineEndings(" ")} (see {command} --help)");
        return null;
    }

    /// <summary>"rdmastack perf write-lat": the command as typed, for messages.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? s = command; s is CommandResult c; s = c.Parent)
        {
            names.Push(c.Parent is null ? "rdmastack" : c.Command.Name);
        }

        return string.Join(' ', names);
    }
}
