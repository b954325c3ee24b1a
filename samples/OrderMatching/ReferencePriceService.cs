using System.Buffers.Binary;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.Samples.OrderMatching;

/// <summary>
/// A reference-price service as the order book's external service: each executed call returns the current
/// reference price, which then moves by a tick (so a replica could not compute the answer itself). It keeps
/// every executed key's answer and honours the recovery contract of <see cref="IExternalService"/>: a repeated
/// key gets the recorded answer, a looked-up key that was never executed is refused from then on.
/// </summary>
/// <remarks>Thread-safe. It also counts how often each key reached it, which the tests check.</remarks>
public sealed class ReferencePriceService : IExternalService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ExternalCallKey, long> _answers = [];
    private readonly Dictionary<ExternalCallKey, int> _calls = [];
    private readonly HashSet<ExternalCallKey> _refused = [];
    private readonly long _basePrice;
    private long _executed;
    private long _lookups;

    /// <summary>Creates the service.</summary>
    /// <param name="basePrice">The price it starts from; it cycles through five ticks above it.</param>
    public ReferencePriceService(long basePrice = 10_000) => _basePrice = basePrice;

    /// <summary>
    /// Declares the lookups repeatable (<see cref="IExternalService.IsRepeatable"/>): a read of the reference price, so
    /// the primary calls without replicating the intent first. A key that reaches the service again is answered with
    /// the price it recorded the first time (and counted as a call made twice).
    /// </summary>
    public bool Repeatable { get; init; }

    /// <inheritdoc/>
    public bool IsRepeatable => Repeatable;

    /// <summary>Called after a call executed and before it returns (tests stop a primary here).</summary>
    public Action<ExternalCallKey>? AfterExecute { get; set; }

    /// <summary>Calls executed (first sight of a key).</summary>
    public long Executed
    {
        get
        {
            lock (_lock)
            {
                return _executed;
            }
        }
    }

    /// <summary>Recovery look-ups received.</summary>
    public long Lookups
    {
        get
        {
            lock (_lock)
            {
                return _lookups;
            }
        }
    }

    /// <summary>The largest number of calls any one key received (1 when every key came once).</summary>
    public int MaxCallsPerKey
    {
        get
        {
            lock (_lock)
            {
                return _calls.Count == 0 ? 0 : _calls.Values.Max();
            }
        }
    }

    /// <summary>How many calls key <paramref name="key"/> received.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The count.</returns>
    public int CallsFor(ExternalCallKey key)
    {
        lock (_lock)
        {
            return _calls.GetValueOrDefault(key);
        }
    }

    /// <inheritdoc/>
    public ExternalCallResult Execute(ExternalCallKey key, ReadOnlySpan<byte> request, Span<byte> response)
    {
        long price;
        lock (_lock)
        {
            _calls[key] = _calls.GetValueOrDefault(key) + 1;
            if (_refused.Contains(key))
            {
                return ExternalCallResult.Failed;
            }

            if (!_answers.TryGetValue(key, out price))
            {
                price = PriceAt(_basePrice, _executed);
                _executed++;
                _answers.Add(key, price);
            }
        }

        BinaryPrimitives.WriteInt64LittleEndian(response, price);
        AfterExecute?.Invoke(key);
        return ExternalCallResult.Completed(8);
    }

    /// <summary>The answer of the service's <paramref name="executed"/>-th executed call (from 0): the base price plus
    /// that count modulo five ticks.</summary>
    internal static long PriceAt(long basePrice, long executed) => basePrice + (executed % 5);

    /// <inheritdoc/>
    public ExternalCallResult Recover(ExternalCallKey key, Span<byte> response)
    {
        lock (_lock)
        {
            _lookups++;
            if (_answers.TryGetValue(key, out long price))
            {
                BinaryPrimitives.WriteInt64LittleEndian(response, price);
                return ExternalCallResult.Completed(8);
            }

            _refused.Add(key);
            return ExternalCallResult.NotExecuted;
        }
    }
}
