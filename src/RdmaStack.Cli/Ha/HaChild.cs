using System.Diagnostics;
using System.Globalization;
using RdmaStack.Cli.Demo;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// A server or client process the HA demo started (`rdmastack ha node|client ...`): its event lines, kept in order
/// with the time each was read, its result line, commands on its standard input, and SIGKILL. The demo kills only the
/// processes it started, by their process object.
/// </summary>
internal sealed class HaChild : IDisposable
{
    /// <summary>RDMASTACK_HA_TRACE=1 relays every event line of every process, with the time it was read.</summary>
    private static readonly bool s_trace = Environment.GetEnvironmentVariable("RDMASTACK_HA_TRACE") == "1";

    private readonly List<HaEvent> _events = [];
    private readonly object _lock = new();
    private readonly Action<string> _onError;

    private HaChild(string name, Process process, Action<string> onError)
    {
        Name = name;
        Process = process;
        _onError = onError;
    }

    /// <summary>"server 0", "client 2".</summary>
    public string Name { get; }

    public Process Process { get; }

    /// <summary>The JSON of the result line, once printed.</summary>
    public string? Result { get; private set; }

    /// <summary>When it was killed (Stopwatch), or 0.</summary>
    public long KilledAt { get; private set; }

    /// <summary>Starts `rdmastack ARGUMENTS`; <paramref name="onError"/> gets its standard error, line by line.</summary>
    public static HaChild Start(string name, IEnumerable<string> arguments, Action<string> onError)
    {
        ProcessStartInfo info = PeerProcess.CreateStartInfo(arguments);
        info.RedirectStandardInput = true;
        var child = new HaChild(name, new Process { StartInfo = info }, onError);
        child.Process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        child.Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onError($"{name}: {e.Data}");
            }
        };
        child.Process.Start();
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends a command line ("stop", "stream", "drain"); a process that is gone is not an error.</summary>
    public void Send(string command)
    {
        try
        {
            Process.StandardInput.WriteLine(command);
            Process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // it exited meanwhile
        }
    }

    /// <summary>SIGKILL (Process.Kill on Linux); returns the Stopwatch time taken just before.</summary>
    public long Kill()
    {
        KilledAt = Stopwatch.GetTimestamp();
        Process.Kill();
        return KilledAt;
    }

    /// <summary>The first event named <paramref name="name"/> read at or after <paramref name="since"/> that
    /// <paramref name="match"/> accepts, waiting up to <paramref name="timeout"/>; null on timeout or exit.</summary>
    public HaEvent? WaitFor(string name, long since, TimeSpan timeout, Func<HaEvent, bool>? match = null)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            HaEvent? found = Find(name, since, match);
            if (found is not null)
            {
                return found;
            }

            if (Stopwatch.GetTimestamp() > deadline || Process.HasExited)
            {
                return Find(name, since, match);
            }

            lock (_lock)
            {
                Monitor.Wait(_lock, 5);
            }
        }
    }

    /// <summary>The first matching event read at or after <paramref name="since"/>, without waiting.</summary>
    public HaEvent? Find(string name, long since, Func<HaEvent, bool>? match = null)
    {
        lock (_lock)
        {
            return _events.Find(e => e.Name == name && e.Received >= since && (match is null || match(e)));
        }
    }

    /// <summary>The last event named <paramref name="name"/> so far, or null.</summary>
    public HaEvent? Latest(string name)
    {
        lock (_lock)
        {
            return _events.FindLast(e => e.Name == name);
        }
    }

    /// <summary>Every event named <paramref name="name"/> so far.</summary>
    public List<HaEvent> All(string name)
    {
        lock (_lock)
        {
            return _events.FindAll(e => e.Name == name);
        }
    }

    /// <summary>Waits for the process to end and its output to be read; false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            return false;
        }

        Process.WaitForExit(); // drains the redirected output
        return true;
    }

    /// <summary>Kills the process if it still runs (a run that failed), then releases it.</summary>
    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        Process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (line.StartsWith(HaServerHost.ResultPrefix, StringComparison.Ordinal))
        {
            Result = line[HaServerHost.ResultPrefix.Length..];
        }
        else if (HaEvent.Parse(line, now) is { } e)
        {
            lock (_lock)
            {
                _events.Add(e);
                Monitor.PulseAll(_lock);
            }

            if (s_trace)
            {
                _onError(string.Create(CultureInfo.InvariantCulture, $"{Name} [{now * 1000.0 / Stopwatch.Frequency:0.000} ms]: {line}"));
            }
        }
        else
        {
            _onError($"{Name}: {line}");
        }
    }
}
