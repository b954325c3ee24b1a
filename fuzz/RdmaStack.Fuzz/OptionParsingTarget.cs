using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using CliProgram = RdmaStack.Cli.Program;

namespace RdmaStack.Fuzz;

/// <summary>
/// The CLI's option parsing: the input, split at NUL bytes, is the argument vector of the real root command. The
/// parse must never throw past <see cref="CliProgram.Parse"/> (which turns a refused value into one line); help, version
/// and parse errors are invoked as the tool would (output discarded, no default exception handler, so an exception
/// there is a crash); for a command that would run, every option and argument value is read as its action would,
/// without starting anything.
/// </summary>
internal static class OptionParsingTarget
{
    private static readonly RootCommand s_root = CliProgram.CreateRootCommand();

    /// <returns>What became of the input, for replays.</returns>
    public static string Run(ReadOnlySpan<byte> data)
    {
        string[] args = Encoding.UTF8.GetString(data).Split('\0');
        if (args.Length > 64)
        {
            return "over 64 arguments";
        }

        ParseResult? result = CliProgram.Parse(s_root, args, TextWriter.Null);
        if (result is null)
        {
            return "refused at the parse";
        }

        Command command = result.CommandResult.Command;
        if (result.Errors.Count > 0 || result.Action is null || result.Action != command.Action)
        {
            int exit = result.Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
            return string.Create(CultureInfo.InvariantCulture, $"{result.Errors.Count} error(s), exit {exit}");
        }

        foreach (Option option in command.Options)
        {
            _ = result.GetResult(option)?.GetValueOrDefault<object?>();
        }

        foreach (Argument argument in command.Arguments)
        {
            _ = result.GetResult(argument)?.GetValueOrDefault<object?>();
        }

        return $"would run '{command.Name}'";
    }

    /// <summary>Every command with typical, edge and refused values (the fuzzer mutates from here).</summary>
    public static IEnumerable<(string Name, byte[] Data)> Seeds()
    {
        string[][] seeds =
        [
            ["demo", "--count", "1000", "--size", "64", "--segments", "4", "--slots", "256", "--pings", "0", "--cpus", "0,1"],
            ["demo", "--size", "abc"],
            ["demo", "--timeout", "NaN", "--count", "-1"],
            ["demo", "--provider", "verbs", "--device", "rxe0", "--peer-device", "rxe1"],
            ["demo-peer", "--role", "sender", "--name", "x", "--count", "10"],
            ["devices"],
            ["drill", "--failures", "10", "--count", "1000", "--links", "3", "--kinds", "kill,corrupt,drop", "--seed", "7"],
            ["drill-peer", "--role", "receiver", "--name", "x"],
            ["perf", "write-lat", "--size", "8,64,4096", "--iterations", "1000"],
            ["perf", "write-bw", "--size", "1e9"],
            ["perf-peer", "--role", "sender", "--name", "x"],
            ["--help"],
            ["--version"],
            ["demo", "--help"],
            ["[diagram]", "demo", "--count", "5"],
            ["nonsense", "--cpus", "0,1,2"],
        ];
        for (int i = 0; i < seeds.Length; i++)
        {
            yield return (string.Create(CultureInfo.InvariantCulture, $"{i:00}-{seeds[i][0].Trim('[', ']', '-')}"), Encoding.UTF8.GetBytes(string.Join('\0', seeds[i])));
        }
    }
}
