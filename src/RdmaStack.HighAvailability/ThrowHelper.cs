using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RdmaStack.HighAvailability;

/// <summary>Throws out of line so that the callers on the hot path stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowRecordTooLarge(int length, int max) =>
        throw new InvalidOperationException(Format($"A transaction record of {length} bytes does not fit the record buffer (at most {max}): raise ReplicaOptions.RecordBufferBytes."));

    [DoesNotReturn]
    public static void ThrowNotAJournal() =>
        throw new InvalidDataException("The file is not an RdmaStack.HighAvailability journal (its header is not \"RSHAJNL1\").");

    [DoesNotReturn]
    public static void ThrowSnapshotMismatch(string what) =>
        throw new InvalidDataException("The replica state cannot be restored: " + what + ".");

    [DoesNotReturn]
    public static void ThrowProtocol(string what, long sequence) =>
        throw new InvalidDataException(Format($"Replication protocol violated at sequence {sequence}: {what}."));

    [DoesNotReturn]
    public static void ThrowOutputTooLarge(int length, int max) =>
        throw new InvalidOperationException(Format($"The engine reported {length} output bytes; its output span held {max}."));

    [DoesNotReturn]
    public static void ThrowReplayMismatch(long sequence, string what) =>
        throw new InvalidDataException(Format($"Journal replay diverged at sequence {sequence}: {what} (is the engine deterministic?)."));

    [DoesNotReturn]
    public static void ThrowUnknownService(int service, int count) =>
        throw new ArgumentOutOfRangeException(nameof(service), service, Format($"No external service {service}: the replica has {count}."));

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
