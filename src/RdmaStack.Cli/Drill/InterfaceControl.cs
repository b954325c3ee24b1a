using System.Diagnostics;
using System.Globalization;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// Takes network interfaces down and up for real, through one long-lived `ip -force -batch -` (needs
/// CAP_NET_ADMIN; the lab guest runs as root). Writing a command line to a running `ip` puts the link change
/// within a pipe wake-up of the moment we record, where starting `ip` per command would add its fork and exec
/// (milliseconds under TCG) to every measured detection time. The result is read back from sysfs.
/// </summary>
/// <remarks>Taking an interface down makes the kernel delete every IPv4 route through it, in every table, and
/// bringing it up restores only the kernel's own (its addresses' connected and local routes). The lab's policy
/// routes (rxe traffic must cross the veth, not lo) would be gone, so <see cref="Down(int)"/> first saves the routes
/// the kernel will not restore and <see cref="Up(int)"/> puts them back.</remarks>
internal sealed class InterfaceControl : ILinkControl
{
    /// <summary>How long <see cref="ConfirmDown"/> waits for sysfs to show the interface down.</summary>
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(2);
    private readonly Process _ip;
    private readonly IReadOnlyList<string> _names;
    private readonly HashSet<string> _down = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _routes = [];

    private InterfaceControl(Process ip, IReadOnlyList<string> names)
    {
        _ip = ip;
        _names = names;
    }

    /// <inheritdoc/>
    public string ConfirmationMeaning => "`ip` command -> sysfs operstate down (polled every 1 ms)";

    /// <summary>Starts the long-lived `ip` for the interfaces of the links.</summary>
    /// <param name="names">The interface of each link (link k is <paramref name="names"/>[k]).</param>
    /// <returns>The control.</returns>
    public static InterfaceControl Start(IReadOnlyList<string> names)
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-force");
        info.ArgumentList.Add("-batch");
        info.ArgumentList.Add("-");
        Process ip = Process.Start(info) ?? throw new InvalidOperationException("could not start `ip -batch -`");
        return new InterfaceControl(ip, names);
    }

    /// <inheritdoc/>
    public string DescribeDown(int link) => $"ip link set {_names[link]} down";

    /// <inheritdoc/>
    public long Down(int link) => Down(_names[link]);

    /// <inheritdoc/>
    public long ConfirmDown(int link) => WaitFor(_names[link], down: true, ConfirmTimeout);

    /// <inheritdoc/>
    public long Up(int link) => Up(_names[link]);

    /// <summary>Whether <paramref name="name"/> reports itself up (/sys/class/net/NAME/operstate is not "down").</summary>
    public static bool IsUp(string name) =>
        File.ReadAllText($"/sys/class/net/{name}/operstate").Trim() != "down";

    /// <summary>Sends `link set NAME down`.</summary>
    /// <returns>The timestamp at which the command was handed to `ip`.</returns>
    private long Down(string name)
    {
        if (!_routes.ContainsKey(name))
        {
            _routes[name] = SavedRoutes(name);
        }

        _down.Add(name);
        return Send($"link set {name} down");
    }

    /// <summary>Sends `link set NAME up`, then puts back the routes through it that the kernel does not restore.</summary>
    /// <returns>The timestamp at which `link set up` was handed to `ip`.</returns>
    private long Up(string name)
    {
        _down.Remove(name);
        long at = Send($"link set {name} up");
        foreach (string route in _routes.GetValueOrDefault(name) ?? [])
        {
            Send($"route replace {route} dev {name}");
        }

        return at;
    }

    /// <summary>The IPv4 routes `ip -4 -o route show table all dev NAME` listed, but the kernel's own
    /// ("proto kernel": re-added when the interface comes up), as `ip route` arguments without the device.</summary>
    internal static IReadOnlyList<string> ParseRoutes(string ipOutput) =>
        [.. ipOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.Contains("proto kernel", StringComparison.Ordinal))];

    private static IReadOnlyList<string> SavedRoutes(string name)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "-4", "-o", "route", "show", "table", "all", "dev", name })
        {
            info.ArgumentList.Add(argument);
        }

        using Process ip = Process.Start(info) ?? throw new InvalidOperationException("could not start `ip route show`");
        string output = ip.StandardOutput.ReadToEnd();
        ip.WaitForExit();
        return ParseRoutes(output);
    }

    /// <summary>The state port <paramref name="port"/> of an RDMA device reports in sysfs ("4: ACTIVE", "1: DOWN"), or
    /// null if unreadable.</summary>
    public static string? PortState(string device, int port)
    {
        try
        {
            return File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/sys/class/infiniband/{device}/ports/{port}/state")).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits until sysfs shows <paramref name="name"/> down (<paramref name="down"/>) or up.</summary>
    /// <returns>When it did, or -1 after <paramref name="timeout"/>.</returns>
    public static long WaitFor(string name, bool down, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (IsUp(name) != down)
            {
                return Stopwatch.GetTimestamp();
            }

            Thread.Sleep(1);
        }

        return -1;
    }

    /// <summary>Brings back up every interface this instance took down, then ends `ip`.</summary>
    public void Dispose()
    {
        foreach (string name in _down.ToList())
        {
            Up(name);
        }

        _ip.StandardInput.Close();
        if (!_ip.WaitForExit(5000))
        {
            _ip.Kill();
        }

        _ip.Dispose();
    }

    private long Send(string command)
    {
        lock (_ip)
        {
            // The hot thread (link-downs) and the link thread (link-ups) share the one `ip`.
            long at = Stopwatch.GetTimestamp();
            _ip.StandardInput.WriteLine(command);
            _ip.StandardInput.Flush();
            return at;
        }
    }
}
