using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// The checks between options of a command, run on a clean parse with every default in place, before the command
/// starts. They are not System.CommandLine validators: a command's validators run before its options are converted
/// and their defaults added, and an error from one of them hides every option's own error.
/// </summary>
internal static class CommandChecks
{
    private static readonly ConditionalWeakTable<Command, List<Action<ParseResult, ICollection<string>>>> s_checks = [];

    /// <summary>Adds a check to <paramref name="command"/>; it adds one message per problem, naming the options.</summary>
    /// <param name="command">The command.</param>
    /// <param name="check">The check.</param>
    public static void Add(Command command, Action<ParseResult, ICollection<string>> check) =>
        s_checks.GetOrCreateValue(command).Add(check);

    /// <summary>The parser's error on one line, naming its option when the parser's text does not ("--idle: Argument
    /// 'x' not recognized. Must be one of: 'spin' 'yield' 'backoff'").</summary>
    private static string Message(ParseError error)
    {
        string text = OneLine(error.Message);
        Option? option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || text.Contains(option.Name, StringComparison.Ordinal) ? text : $"{option.Name}: {text}";
    }

    /// <summary>Whether the command line gives <paramref name="option"/> (not only its default).</summary>
    /// <param name="result">A parse result.</param>
    /// <param name="option">An option of its command.</param>
    /// <returns>True when typed.</returns>
    public static bool Given(ParseResult result, Option option)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetResult(option) is { Implicit: false };
    }

    /// <summary>Every error of <paramref name="result"/>: the parser's; when there are none, the values of the chosen
    /// command that do not convert (System.CommandLine finds those only when a value is read: an option given twice,
    /// `-d a -d b`); when there are none either, the command's checks.</summary>
    /// <param name="result">A parse result.</param>
    /// <returns>The messages, one line each.</returns>
    public static IReadOnlyList<string> Errors(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Errors.Count > 0)
        {
            return [.. result.Errors.Select(Message).Distinct()];
        }

        var errors = new List<string>();
        Command command = result.CommandResult.Command;
        foreach (Option option in command.Options)
        {
            Guard(errors, option.Name, () => result.GetResult(option)?.GetValueOrDefault<object?>());
        }

        foreach (Argument argument in command.Arguments)
        {
            Guard(errors, argument.Name, () => result.GetResult(argument)?.GetValueOrDefault<object?>());
        }

        if (errors.Count == 0 && s_checks.TryGetValue(command, out List<Action<ParseResult, ICollection<string>>>? checks))
        {
            foreach (Action<ParseResult, ICollection<string>> check in checks)
            {
                Guard(errors, null, () => check(result, errors));
            }
        }

        return errors;
    }

    /// <summary>Runs <paramref name="read"/>; a value that fails to convert or to parse becomes one error line.</summary>
    private static void Guard(List<string> errors, string? name, Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            string text = OneLine(e.Message);
            errors.Add(name is null || text.Contains(name, StringComparison.Ordinal) ? text : $"{name}: {text}");
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
