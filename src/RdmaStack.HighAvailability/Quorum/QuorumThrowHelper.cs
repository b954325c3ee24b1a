using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RdmaStack.HighAvailability.Quorum;

/// <summary>Throws out of line for the quorum code.</summary>
internal static class QuorumThrowHelper
{
    [DoesNotReturn]
    public static void ThrowCallResponseTooLong(int service, int length, int max) =>
        throw new InvalidOperationException(Format($"External service {service} reported {length} response bytes; its response span held {max}."));

    [DoesNotReturn]
    public static void ThrowOutputTooLarge(int length, int max) =>
        throw new InvalidOperationException(Format($"The engine reported {length} output bytes; its output span held {max}."));

    [DoesNotReturn]
    public static void ThrowProtocol(int processor, string what) =>
        throw new InvalidDataException(Format($"Quorum processor {processor}: the replicator's stream broke the protocol: {what}."));

    [DoesNotReturn]
    public static void ThrowRequestTooLong(int payload, int max) =>
        throw new ArgumentOutOfRangeException(nameof(payload), payload, Format($"A request of {payload} bytes is longer than QuorumOptions.MaxRequestLength ({max})."));

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
