using System.Buffers;
using RdmaStack.HighAvailability.ExternalCalls;

namespace RdmaStack.HighAvailability.Engine;

/// <summary>
/// A deterministic state machine: the service that the primary/backup pair (and the quorum replicator)
/// replicate. Given the same stamped inputs and the same external-call results, every instance reaches the
/// same state and writes the same output bytes.
/// </summary>
/// <remarks>
/// <para>Rules an engine keeps: read time only from <see cref="StampedInput.Timestamp"/>; reach the outside
/// world (clocks, random numbers, reference data, downstream services) only through the
/// <see cref="IExternalCalls"/> it is handed; no iteration over unordered collections into the output or the
/// digest; no dependence on threads, addresses or hash seeds. The verification engine catches a breach at the
/// first input whose output (or a periodic state digest) differs between replicas.</para>
/// <para>Called on one thread at a time.</para>
/// </remarks>
public interface IDeterministicEngine
{
    /// <summary>Processes one stamped input and writes its output (the reply to the client).</summary>
    /// <param name="input">The input with its stamp.</param>
    /// <param name="calls">The external-call library for this input: the only way out.</param>
    /// <param name="output">Where to write the output; its length is the most the engine may write.</param>
    /// <returns>The bytes written to <paramref name="output"/>.</returns>
    int Process(StampedInput input, IExternalCalls calls, Span<byte> output);

    /// <summary>A digest of the whole state (equal states give equal digests on every machine).</summary>
    /// <returns>The digest.</returns>
    ulong ComputeStateDigest();

    /// <summary>Writes the whole state, for a state transfer to a joining replica or a journal snapshot.</summary>
    /// <param name="destination">Receives the snapshot bytes.</param>
    void WriteSnapshot(IBufferWriter<byte> destination);

    /// <summary>Replaces the whole state with a snapshot written by <see cref="WriteSnapshot"/>.</summary>
    /// <param name="snapshot">The snapshot bytes.</param>
    void RestoreSnapshot(ReadOnlySpan<byte> snapshot);
}
