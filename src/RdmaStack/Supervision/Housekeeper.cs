using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RdmaStack.Diagnostics;
using RdmaStack.Threading;

namespace RdmaStack.Supervision;

/// <summary>
/// A fabric's housekeeping thread: what a hot thread must not do itself (write a log line, dispose a retired
/// connection, which for verbs destroys queue pairs and deregisters memory) is queued here from the failure and
/// installation paths and done on a background core.
/// </summary>
internal sealed class Housekeeper : IDisposable
{
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Thread _thread;
    private readonly ILogger _log;
    private volatile bool _stopping;

    public Housekeeper(BackgroundThreads threads, ILogger log)
    {
        _log = log;
        _thread = threads.Start("rdmastack housekeeping", Run);
    }

    /// <summary>Queues <paramref name="work"/> (any thread; allocates: only off the message path).</summary>
    public void Post(Action work)
    {
        _work.Enqueue(work);
        _ready.Release();
    }

    /// <summary>Queues the disposal of <paramref name="retired"/>.</summary>
    public void Retire(IDisposable? retired)
    {
        if (retired is not null)
        {
            Post(retired.Dispose);
        }
    }

    /// <summary>Does what is queued, then stops the thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _ready.Release();
        _thread.Join();
        Drain();
        _ready.Dispose();
    }

    private void Run()
    {
        while (!_stopping)
        {
            _ready.Wait();
            Drain();
        }
    }

    private void Drain()
    {
        while (_work.TryDequeue(out Action? work))
        {
            try
            {
                work();
            }
#pragma warning disable CA1031 // a failed clean-up must not end the thread that does the others; it is logged
            catch (Exception e)
#pragma warning restore CA1031
            {
                LinkLog.HousekeepingFailed(_log, e);
            }
        }
    }
}
