using System.CommandLine;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Commands;

/// <summary>`--cpus A,B`: the cores the two peers' hot threads are pinned to (sender, receiver).</summary>
internal static class CpusOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--cpus") { Description = "Pin the sender's and the receiver's hot thread to these two CPUs (e.g. 0,1); on two hosts, this side's one CPU" };
        option.Validators.Add(r =>
        {
            string? text = r.GetValueOrDefault<string?>();
            if (text is null)
            {
                return;
            }

            try
            {
                IReadOnlyList<int> cpus = Parse(text)!;
                int online = Environment.ProcessorCount;
                if (cpus.Any(c => c >= online))
                {
                    r.AddError($"--cpus {text}: this machine has CPUs 0 to {online - 1}.");
                }
            }
            catch (FormatException e)
            {
                r.AddError($"--cpus: {e.Message}");
            }
        });
        return option;
    }

    /// <summary>The two CPUs in the order given (sender, receiver), or null without the option.</summary>
    /// <exception cref="FormatException">Not two CPU numbers.</exception>
    public static IReadOnlyList<int>? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2)
        {
            throw new FormatException($"'{text}' must name two CPUs, sender then receiver (e.g. 0,1), or one (two hosts: this side's).");
        }

        int first = One(parts[0], text);
        return [first, parts.Length == 2 ? One(parts[1], text) : first];
    }

    private static int One(string part, string text)
    {
        IReadOnlyList<int> cpus = CpuAffinity.ParseCpuList(part);
        return cpus.Count == 1 ? cpus[0] : throw new FormatException($"'{text}' must name two single CPUs, sender then receiver (e.g. 0,1).");
    }

    public static IEnumerable<string> ToArguments(IReadOnlyList<int>? cpus) =>
        cpus is null ? [] : ["--cpus", $"{cpus[0]},{cpus[1]}"];
}
