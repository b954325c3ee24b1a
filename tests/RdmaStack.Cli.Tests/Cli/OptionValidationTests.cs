using System.CommandLine;
using System.Globalization;
using System.Reflection;
using RdmaStack.Cli;
using RdmaStack.Cli.Commands;

namespace RdmaStack.Tests.Cli;

/// <summary>Every numeric option of every command, fed bad values through the tool's own parser (in process): each is
/// refused before anything starts, with exit status 2 and one line that names the option, its rule and the
/// command's help.</summary>
public class OptionValidationTests
{
    /// <summary>What a command needs besides the option under test to parse clean (its required options and arguments).</summary>
    private static readonly Dictionary<string, string[]> s_required = new(StringComparer.Ordinal)
    {
        ["demo-peer"] = ["--role", "sender", "--name", "q"],
        ["drill-peer"] = ["--role", "sender", "--name", "q"],
        ["perf-peer"] = ["--role", "sender", "--name", "q", "--test", "write-lat"],
        ["perf compare"] = ["a.json", "b.json"],
        ["perf compare-report"] = ["--work", "w", "--out", "o"],
        ["ha node"] = ["--service", "s", "--server", "0", "--role", "primary", "--journal", "j", "--ledger", "l"],
        ["ha client"] = ["--service", "s", "--client", "1", "--log", "l"],
        ["ha quorum peer"] = ["--role", "processor", "--name", "q", "--run-dir", "d"],
    };

    private static readonly string[] s_candidates =
        ["abc", "1.5", "-1", "0", "99999999999999999999999", "9223372036854775807", "Infinity", "-Infinity", "NaN", "1e400"];

    private static readonly Type[] s_numeric = [typeof(int), typeof(int?), typeof(long), typeof(long?), typeof(double), typeof(double?)];

    /// <summary>Each command (its path below the root) with its options.</summary>
    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        foreach (Command sub in command.Subcommands)
        {
            string subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach ((string, Command) nested in Commands(sub, subPath))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<(string Path, Option Option)> NumericOptions() =>
        Commands(Program.CreateRootCommand(), "").SelectMany(c => c.Command.Options.Where(o => s_numeric.Contains(o.ValueType)).Select(o => (c.Path, o)));

    /// <summary>Whether <paramref name="text"/> is a value <paramref name="rule"/> accepts.</summary>
    private static bool Accepted(NumericRule rule, string text)
    {
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value))
        {
            return false;
        }

        return value >= rule.Min && value <= rule.Max && (!rule.Whole || decimal.Truncate(value) == value);
    }

    public static TheoryData<string, string, string> BadValues()
    {
        var data = new TheoryData<string, string, string>();
        foreach ((string path, Option option) in NumericOptions())
        {
            NumericRule rule = OptionRules.RuleOf(option) ?? throw new InvalidOperationException($"{path} {option.Name} has no rule");
            IEnumerable<string> edges =
            [
                (rule.Min - 1).ToString(CultureInfo.InvariantCulture),
                (rule.Max + 1).ToString(CultureInfo.InvariantCulture),
            ];
            foreach (string value in s_candidates.Concat(edges).Where(v => !Accepted(rule, v)).Distinct())
            {
                data.Add(path, option.Name, value);
            }
        }

        return data;
    }

    private static (int Exit, string[] Lines) Run(params string[] arguments)
    {
        var error = new StringWriter();
        ParseResult? result = CommandRunner.Parse(Program.CreateRootCommand(), arguments, error);
        // A refusal stops here: nothing was invoked. A clean parse is not run (the test checks only the refusals).
        int exit = result is null ? CommandRunner.SetupFailed : 0;
        return (exit, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The command, its required options (but the one under test, given in <paramref name="rest"/>), then
    /// <paramref name="rest"/>.</summary>
    private static string[] Arguments(string path, params string[] rest)
    {
        string[] required = s_required.GetValueOrDefault(path, []);
        var kept = new List<string>();
        for (int i = 0; i < required.Length; i++)
        {
            bool tested = rest.Length > 0 && required[i] == rest[0] && i + 1 < required.Length;
            if (tested)
            {
                i++; // and its value
                continue;
            }

            kept.Add(required[i]);
        }

        return [.. path.Split(' '), .. kept, .. rest];
    }

    [Fact]
    public void Every_numeric_option_of_every_command_has_a_rule()
    {
        (string Path, Option Option)[] options = [.. NumericOptions()];

        Assert.All(options, o => Assert.NotNull(OptionRules.RuleOf(o.Option)));
        // The commands of issue 16: each has numeric options, so none was left out of the table.
        string[] commands = ["demo", "drill", "perf write-lat", "perf write-bw", "perf compare", "demo-peer", "drill-peer", "perf-peer", "ha demo", "ha quorum", "ha node", "ha client", "ha quorum peer"];
        Assert.All(commands, c => Assert.Contains(options, o => o.Path == c));
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_refused_in_one_line_naming_the_option_and_the_help(string command, string option, string value)
    {
        (int exit, string[] lines) = Run(Arguments(command, option, value));

        Assert.Equal(CommandRunner.SetupFailed, exit);
        string line = Assert.Single(lines);
        Assert.StartsWith($"rdmastack {command}: {option}", line, StringComparison.Ordinal);
        Assert.Contains(" must be ", line, StringComparison.Ordinal);
        Assert.EndsWith($"(see rdmastack {command} --help)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("drill")]
    [InlineData("perf write-lat")]
    [InlineData("perf write-bw")]
    [InlineData("perf compare")]
    [InlineData("demo-peer")]
    [InlineData("drill-peer")]
    [InlineData("perf-peer")]
    [InlineData("perf compare-report")]
    public void The_required_arguments_alone_parse_clean(string command)
    {
        // The table's base lines: without them every bad value would be refused for the wrong reason.
        (int exit, string[] lines) = Run(Arguments(command));

        Assert.True(exit == 0, string.Join('\n', lines));
    }

    [Fact]
    public void Demo_with_a_size_that_is_not_a_number_says_so_without_the_help()
    {
        var error = new StringWriter();

        int exit = Program.Run(["demo", "--size", "abc"], error);

        Assert.Equal(2, exit);
        Assert.Equal(
            "rdmastack demo: --size 'abc' is not a whole number: --size must be a whole number from 0 to 1,048,576 (bytes). (see rdmastack demo --help)",
            Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Theory]
    [InlineData(new[] { "demo", "--cpus", "1,1" }, "--cpus 1,1: both peers of a one-host run on CPU 1")]
    [InlineData(new[] { "demo", "--cpus", "0" }, "--cpus 0: both peers of a one-host run on CPU 0")]
    [InlineData(new[] { "perf", "write-lat", "--cpus", "0" }, "--cpus 0: both peers")]
    [InlineData(new[] { "drill", "--cpus", "0,0" }, "--cpus 0,0: both peers")]
    [InlineData(new[] { "demo", "--timeout", "0.01" }, "--timeout 0.01 s is below the heartbeat bound of shared-memory links")]
    [InlineData(new[] { "drill", "--provider", "verbs", "--timeout", "0.5" }, "--timeout 0.5 s is below the heartbeat bound of the drill's links (1 s)")]
    [InlineData(new[] { "demo", "--pings", "10", "--warmup", "50000000" }, "--warmup 50,000,000 is more than ten times --pings 10")]
    [InlineData(new[] { "perf", "write-lat", "-n", "100", "--warmup", "1000000" }, "--warmup 1,000,000 is more than ten times --iterations 100")]
    [InlineData(new[] { "demo", "--segments", "65536", "--slots", "65536", "--size", "1048576" }, "--segments, --slots and --size: 65536 segments x 65536 slots")]
    [InlineData(new[] { "perf", "write-bw", "-a", "--segments", "65536", "--slots", "4096" }, "--segments, --slots and message size 65536:")]
    [InlineData(new[] { "drill", "--failures", "10", "--count", "5" }, "--failures 10 needs a longer stream")]
    [InlineData(new[] { "drill", "--provider", "verbs", "--links", "3" }, "--links: the two-process drill")]
    [InlineData(new[] { "drill", "--provider", "verbs", "--delay", "0,90000" }, "--delay: give MIN,MAX milliseconds with 0 <= MIN <= MAX <= 60,000")]
    [InlineData(new[] { "perf", "write-lat", "--idle", "nope" }, "--idle: Argument 'nope' not recognized. Must be one of: 'spin' 'yield' 'backoff'")]
    [InlineData(new[] { "drill", "--provider", "rdma" }, "--provider: Argument 'rdma' not recognized.")]
    public void A_run_that_would_mean_nothing_is_refused_with_the_reason(string[] arguments, string expected)
    {
        (int exit, string[] lines) = Run(arguments);

        Assert.Equal(CommandRunner.SetupFailed, exit);
        string line = Assert.Single(lines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.EndsWith("--help)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("perf", "write-lat", "--cpus", "0", "-p", "19100")]
    [InlineData("drill", "--provider", "shm", "-p", "19100", "--cpus", "1")]
    [InlineData("demo", "--cpus", "0,1", "--timeout", "0.05")]
    public void One_cpu_is_right_for_one_side_of_two_hosts_and_the_bounds_themselves_pass(params string[] arguments)
    {
        (int exit, string[] lines) = Run(arguments);

        Assert.True(exit == 0, string.Join('\n', lines));
    }

    [Theory]
    [InlineData("ha client", "--seed", "-1340987274")] // ha demo derives a client's seed as seed x 7919 + client, which wraps
    [InlineData("ha demo", "--seed", "-1")]
    [InlineData("ha quorum", "--seed", "-2147483648")]
    public void Every_int_is_a_seed(string command, string option, string value)
    {
        (int exit, string[] lines) = Run(Arguments(command, option, value));

        Assert.True(exit == 0, string.Join('\n', lines));
    }

    [Fact]
    public void Version_is_the_informational_version()
    {
        string expected = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var output = new StringWriter();
        ParseResult result = Program.CreateRootCommand().Parse(["--version"]);

        int exit = result.Invoke(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exit);
        Assert.Equal(expected, output.ToString().Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-f]{7,}", expected); // the version with the commit
    }
}
