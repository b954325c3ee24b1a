using System.Collections.Concurrent;
using System.Diagnostics;
using RdmaStack.HighAvailability.Engine;
using RdmaStack.HighAvailability.Quorum;
using RdmaStack.HighAvailability.Tests.Replication;
using RdmaStack.HighAvailability.Tests.Transport;
using RdmaStack.Samples.OrderMatching;

namespace RdmaStack.HighAvailability.Tests.Quorum;

/// <summary>
/// A replicator and N processors of the order book, each on a thread of its own as they would be in processes of their
/// own, over in-process streams, with one client driven by the test's thread. Processors can be killed (their streams
/// die with them), frozen (alive streams, no thread), held (their input stream stalls) and restarted as the next
/// incarnation.
/// </summary>
internal sealed class QuorumCluster : IDisposable
{
    public const int MaxMessage = 256;
    public const long ClientId = 7;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<(int Index, long Incarnation), (InMemoryStream ToProcessor, InMemoryStream FromProcessor)> _streams = new();
    private readonly ConcurrentQueue<Exception> _failures = new();
    private readonly CancellationTokenSource _stopReplicator = new();
    private readonly Thread _replicatorThread;
    private readonly Running?[] _processors;
    private readonly InMemoryStream _requests = new(MaxMessage, 256);
    private readonly InMemoryStream _replies = new(MaxMessage, 256);
    private readonly OrderFlow _flow = new(seed: 13);
    private bool _disposed;

    public QuorumCluster(QuorumOptions options, Func<int, IDeterministicEngine>? engineFor = null)
    {
        Options = options;
        _processors = new Running?[options.ProcessorCount];
        Replicator = new QuorumReplicator(options, [Service], OpenProcessorStreams, null, Observer);
        Replicator.AddClient(ClientId, new StreamPair(_replies, _requests));
        Client = new QuorumClient(ClientId, new StreamPair(_requests, _replies), options);
        _replicatorThread = Start("replicator", () => Replicator.Run(_stopReplicator.Token));
        for (int i = 0; i < options.ProcessorCount; i++)
        {
            StartProcessor(i, 1, engineFor?.Invoke(i) ?? new OrderMatchingEngine());
        }

        WaitFor(() => Replicator.IsStarted, "the replicator to start");
    }

    public static QuorumOptions DefaultOptions => new()
    {
        MaxMessageLength = MaxMessage,
        MaxCallResponseLength = 64,
        Window = 256,
        HeartbeatTimeout = TimeSpan.FromSeconds(5),
        ResponseTimeout = TimeSpan.FromSeconds(60),
        ReplicatorTimeout = TimeSpan.FromSeconds(60),
        StartTimeout = TimeSpan.FromSeconds(60),
    };

    public QuorumOptions Options { get; }

    public ReferencePriceService Service { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public QuorumReplicator Replicator { get; }

    public QuorumClient Client { get; }

    public QuorumAnswers Answers { get; } = new();

    public QuorumProcessor Processor(int index) => _processors[index]!.Processor;

    /// <summary>The stream the replicator writes to processor <paramref name="index"/>'s incarnation.</summary>
    public InMemoryStream ToProcessor(int index, long incarnation = 1) => _streams[(index, incarnation)].ToProcessor;

    /// <summary>Starts processor <paramref name="index"/> as incarnation <paramref name="incarnation"/> (its streams must
    /// have been opened by the replicator).</summary>
    public void StartProcessor(int index, long incarnation, IDeterministicEngine engine)
    {
        WaitFor(() => _streams.ContainsKey((index, incarnation)), $"the replicator to open processor {index}'s incarnation {incarnation}");
        (InMemoryStream toProcessor, InMemoryStream fromProcessor) = _streams[(index, incarnation)];
        var processor = new QuorumProcessor(index, incarnation, engine, new StreamPair(fromProcessor, toProcessor), Options);
        var stop = new CancellationTokenSource();
        _processors[index] = new Running(processor, stop, Start($"processor {index}.{incarnation}", () => processor.Run(stop.Token)), toProcessor, fromProcessor);
    }

    /// <summary>The processor dies as a process would: its thread ends and both its streams die with it.</summary>
    public void Kill(int index)
    {
        Running running = Stop(index);
        running.FromProcessor.KillWriter();
        running.ToProcessor.KillReader();
    }

    /// <summary>The processor's thread stops, its streams stay up: only the missing heartbeats tell.</summary>
    public void Freeze(int index) => Stop(index);

    /// <summary>Sends <paramref name="count"/> orders from the client, at most <paramref name="window"/> unanswered, and
    /// waits for every reply.</summary>
    public void Send(int count, int window = 16)
    {
        Span<byte> request = stackalloc byte[OrderRequests.MaxLength];
        long target = Client.NextSequence - 1 + count;
        var watch = Stopwatch.StartNew();
        while (Answers.Count < target)
        {
            ThrowIfFailed();
            Assert.True(watch.Elapsed < Patience, $"{Answers.Count} of {target} answers after {watch.Elapsed.TotalSeconds:0} s: {Describe()}");
            if (Client.NextSequence <= target && Client.NextSequence - 1 - Answers.Count < window)
            {
                int length = _flow.Next(request);
                Client.Send(request[..length]);
            }

            QuorumAnswers answers = Answers;
            if (Client.Poll(ref answers, 16) == 0)
            {
                Thread.Yield();
            }

            Answers.FeedTo(_flow);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the patience.</summary>
    public void WaitFor(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            ThrowIfFailed();
            Assert.True(watch.Elapsed < Patience, $"timed out waiting for {what}: {Describe()}");
            Thread.Sleep(2);
        }
    }

    /// <summary>Checks every agreed answer against the reference replay, and every reply came once.</summary>
    public void AssertNoWrongAnswer()
    {
        Dictionary<long, byte[]> reference = Observer.ReferenceOutputs(() => new OrderMatchingEngine());
        Assert.Equal(0, Answers.Duplicates);
        foreach ((long clientSequence, QuorumAnswers.Answer answer) in Answers.All)
        {
            if (answer.Status == QuorumReplyStatus.Agreed)
            {
                Assert.True(reference[answer.Sequence].AsSpan().SequenceEqual(answer.Response), $"the answer to client message {clientSequence} (sequence {answer.Sequence}) is wrong");
            }
        }
    }

    /// <summary>Stops every thread (processors first); afterwards digests may be read.</summary>
    public void StopAll()
    {
        for (int i = 0; i < _processors.Length; i++)
        {
            if (_processors[i] is { Stop.IsCancellationRequested: false })
            {
                Stop(i);
            }
        }

        _stopReplicator.Cancel();
        _replicatorThread.Join();
        ThrowIfFailed();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (Running? running in _processors)
        {
            running?.Stop.Cancel();
            running?.Thread.Join();
        }

        _stopReplicator.Cancel();
        _replicatorThread.Join();
        Replicator.Dispose();
    }

    private string Describe() =>
        Replicator.Describe() + "; processors at " + string.Join(", ", _processors.Select(p => p is null ? "-" : $"{p.Processor.LastSequence} stopped {p.Processor.IsStopped} {p.Processor.StopReason}"));

    private StreamPair OpenProcessorStreams(int index, long incarnation)
    {
        var toProcessor = new InMemoryStream(MaxMessage, 128);
        var fromProcessor = new InMemoryStream(MaxMessage, 128);
        _streams[(index, incarnation)] = (toProcessor, fromProcessor);
        return new StreamPair(toProcessor, fromProcessor);
    }

    private Running Stop(int index)
    {
        Running running = _processors[index]!;
        running.Stop.Cancel();
        running.Thread.Join();
        return running;
    }

    private Thread Start(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                _failures.Enqueue(new InvalidOperationException($"the {name} thread failed", e));
            }
        })
        { Name = name, IsBackground = true };
        thread.Start();
        return thread;
    }

    private void ThrowIfFailed()
    {
        if (_failures.TryPeek(out Exception? failure))
        {
            throw failure;
        }
    }

    private sealed record Running(QuorumProcessor Processor, CancellationTokenSource Stop, Thread Thread, InMemoryStream ToProcessor, InMemoryStream FromProcessor);
}
