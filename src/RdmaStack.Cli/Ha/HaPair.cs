using System.Diagnostics;
using System.Globalization;
using RdmaStack.HighAvailability.Replication;

namespace RdmaStack.Cli.Ha;

/// <summary>The two server processes of a replicated run, as their <c>state</c> lines tell.</summary>
internal static class HaPair
{
    /// <summary>Waits until one server is the primary and mirrors the other, a joined backup (from their last
    /// <c>state</c> lines); returns the primary's index.</summary>
    public static int WaitWhole(HaChild[] servers, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            HaEvent?[] states = [servers[0].Latest("state"), servers[1].Latest("state")];
            for (int primary = 0; primary < 2; primary++)
            {
                HaEvent? p = states[primary];
                HaEvent? b = states[1 - primary];
                if (p?.Fields["role"] == nameof(ReplicaRole.Primary) && p.Fields["mirrored"] == "True"
                    && b?.Fields["role"] == nameof(ReplicaRole.Backup) && b.Fields["joined"] == "True")
                {
                    return primary;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline || servers.Any(s => s.Process.HasExited))
            {
                throw new HaStepFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"the pair did not become whole (a primary mirroring a joined backup) within {timeout.TotalSeconds:0} s: server 0 {Describe(servers[0], states[0])}, server 1 {Describe(servers[1], states[1])}"));
            }

            Thread.Sleep(2);
        }
    }

    private static string Describe(HaChild server, HaEvent? state) =>
        server.Process.HasExited ? string.Create(CultureInfo.InvariantCulture, $"exited {server.Process.ExitCode}")
        : state is null ? "no state yet" : string.Join(' ', state.Fields.Select(f => f.Key + "=" + f.Value));

    /// <summary>Whether the server's last <c>state</c> line says primary.</summary>
    public static bool IsPrimary(HaChild server) => server.Latest("state")?.Fields["role"] == nameof(ReplicaRole.Primary);
}
