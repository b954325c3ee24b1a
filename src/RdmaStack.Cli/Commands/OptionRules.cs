using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace RdmaStack.Cli.Commands;

/// <summary>
/// The rules of the numeric options: each one parses its own value and checks its range, so a bad value (not a
/// number, negative, zero, huge, Infinity, NaN) is one error that names the option and the rule, and is found while
/// parsing, before anything starts. The rules are kept per option, so a test can try every one of them.
/// </summary>
internal static class OptionRules
{
    private static readonly ConditionalWeakTable<Option, NumericRule> s_rules = [];

    /// <summary>The rule <paramref name="option"/> was given, or null.</summary>
    /// <param name="option">An option.</param>
    /// <returns>Its rule.</returns>
    public static NumericRule? RuleOf(Option option) => s_rules.TryGetValue(option, out NumericRule? rule) ? rule : null;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The least value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="because">Why the bounds, or what the value counts, for the message (e.g. "bytes").</param>
    /// <returns>The option.</returns>
    public static Option<int> Whole(this Option<int> option, int min, int max, string? because = null) =>
        Rule(option, min, max, whole: true, because, v => (int)v);

    /// <inheritdoc cref="Whole(Option{int}, int, int, string?)"/>
    public static Option<int?> Whole(this Option<int?> option, int min, int max, string? because = null) =>
        Rule(option, min, max, whole: true, because, v => (int?)(int)v);

    /// <inheritdoc cref="Whole(Option{int}, int, int, string?)"/>
    public static Option<long> Whole(this Option<long> option, long min, long max, string? because = null) =>
        Rule(option, min, max, whole: true, because, v => (long)v);

    /// <inheritdoc cref="Whole(Option{int}, int, int, string?)"/>
    public static Option<long?> Whole(this Option<long?> option, long min, long max, string? because = null) =>
        Rule(option, min, max, whole: true, because, v => (long?)(long)v);

    /// <summary>A finite number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="min">The least value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="because">What the value counts (e.g. "seconds"), for the message.</param>
    /// <returns>The option.</returns>
    public static Option<double> Number(this Option<double> option, double min, double max, string? because = null) =>
        Rule(option, (decimal)min, (decimal)max, whole: false, because, v => (double)v);

    /// <summary>"--ib-port (-i)": the option's name with its aliases, as messages name it.</summary>
    /// <param name="option">The option.</param>
    /// <returns>The name.</returns>
    public static string Named(Option option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return option.Aliases.Count == 0 ? option.Name : $"{option.Name} ({string.Join(", ", option.Aliases.Order(StringComparer.Ordinal))})";
    }

    /// <summary>Registers the rule and makes it the option's parser (a value converted by <paramref name="convert"/>).</summary>
    private static Option<T> Rule<T>(Option<T> option, decimal min, decimal max, bool whole, string? because, Func<decimal, T> convert)
    {
        NumericRule rule = Register(option, min, max, whole, because);
        option.CustomParser = r => TryParse(r, rule, out decimal v) ? convert(v) : Default(option, r);
        return option;
    }

    private static NumericRule Register(Option option, decimal min, decimal max, bool whole, string? because)
    {
        var ic = CultureInfo.InvariantCulture;
        string range = whole
            ? string.Create(ic, $"a whole number from {min:#,0} to {max:#,0}")
            : string.Create(ic, $"a number from {min:0.###} to {max:#,0.###}");
        var rule = new NumericRule(Named(option), min, max, whole, because is null ? range : $"{range} ({because})");
        s_rules.AddOrUpdate(option, rule);
        return rule;
    }

    private static T Default<T>(Option<T> option, ArgumentResult r) =>
        r.Tokens.Count == 0 && option.DefaultValueFactory is { } factory ? factory(r) : default!;

    private static bool TryParse(ArgumentResult r, NumericRule rule, out decimal value)
    {
        value = 0;
        if (r.Tokens.Count == 0)
        {
            return false;
        }

        string text = r.Tokens[^1].Value;
        var ic = CultureInfo.InvariantCulture;
        if (rule.Whole)
        {
            if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, ic, out BigInteger whole))
            {
                r.AddError($"{rule.Name} '{text}' is not a whole number: {rule.Name} must be {rule.Text}.");
                return false;
            }

            if (whole < new BigInteger(rule.Min) || whole > new BigInteger(rule.Max))
            {
                r.AddError($"{rule.Name} {text} is out of range: {rule.Name} must be {rule.Text}.");
                return false;
            }

            value = (decimal)whole;
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, ic, out double number) || !double.IsFinite(number))
        {
            r.AddError($"{rule.Name} '{text}' is not a finite number: {rule.Name} must be {rule.Text}.");
            return false;
        }

        if (number < (double)rule.Min || number > (double)rule.Max)
        {
            r.AddError($"{rule.Name} {text} is out of range: {rule.Name} must be {rule.Text}.");
            return false;
        }

        value = (decimal)number;
        return true;
    }
}
