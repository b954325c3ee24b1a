namespace RdmaStack.Threading;

/// <summary>
/// Starts the library's own threads (acceptors, handshakes, dialers, housekeeping) as background threads kept off the
/// application's hot cores: on <see cref="FabricOptions.BackgroundCpus"/> when given, otherwise on every CPU of the
/// process except <see cref="FabricOptions.HotCpus"/>.
/// </summary>
internal sealed class BackgroundThreads
{
    private readonly int[]? _cpus;

    public BackgroundThreads(FabricOptions options)
    {
        if (!CpuAffinity.IsSupported)
        {
            return;
        }

        if (options.BackgroundCpus is { Count: > 0 } background)
        {
            _cpus = [.. background];
        }
        else if (options.HotCpus is { Count: > 0 } hot)
        {
            int[] rest = [.. CpuAffinity.GetCurrentThreadAffinity().Except(hot)];
            _cpus = rest.Length > 0 ? rest : null; // every CPU is hot: share them rather than not run at all
        }
    }

    /// <summary>The CPUs the threads run on, or null for wherever the process may run.</summary>
    public IReadOnlyList<int>? Cpus => _cpus;

    /// <summary>Starts <paramref name="work"/> on a new background thread named <paramref name="name"/>.</summary>
    public Thread Start(string name, Action work)
    {
        int[]? cpus = _cpus;
        var thread = new Thread(() =>
        {
            if (cpus is not null)
            {
                CpuAffinity.SetCurrentThreadAffinity(cpus);
            }

            work();
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return thread;
    }
}
