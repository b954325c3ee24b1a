using System.Diagnostics;
using System.Globalization;
using RdmaStack.Testing;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// The link-down of a drill over shared memory, where a link has no cable to pull: the sender's
/// <see cref="FaultInjector"/> kills the link's connection (every write on it fails, as on a dead link), and the
/// library re-establishes it by itself, so the link-up has nothing to do. Given an operator's commands as well, it
/// runs them around the kill, so the two-host drill's command path runs on one host too.
/// </summary>
/// <param name="faults">The injector attached to the sender's fabric.</param>
/// <param name="commands">The operator's commands, or null.</param>
internal sealed class InjectedLinkControl(FaultInjector faults, CommandLinkControl? commands) : ILinkControl
{
    /// <inheritdoc/>
    public string ConfirmationMeaning => commands?.ConfirmationMeaning ?? "kill -> done (in process)";

    /// <inheritdoc/>
    public string DescribeDown(int link)
    {
        string kill = string.Create(CultureInfo.InvariantCulture, $"fault injector kills link {link}");
        return commands is null ? kill : $"{commands.DescribeDown(link)}; {kill}";
    }

    /// <inheritdoc/>
    public long Down(int link)
    {
        long at = commands?.Down(link) ?? Stopwatch.GetTimestamp();
        faults.Kill(link);
        return at;
    }

    /// <inheritdoc/>
    public long ConfirmDown(int link) => commands?.ConfirmDown(link) ?? Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public long Up(int link) => commands?.Up(link) ?? Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public void Dispose() => commands?.Dispose();
}
