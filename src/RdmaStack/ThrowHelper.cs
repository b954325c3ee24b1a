using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RdmaStack;

/// <summary>Throws out of line so that the callers on the hot path stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowMessageTooLarge(int length, int capacity, string paramName) =>
        throw new ArgumentOutOfRangeException(
            paramName,
            length,
            string.Create(CultureInfo.InvariantCulture, $"Message of {length} bytes does not fit a slot: the slot payload holds at most {capacity} bytes."));

    [DoesNotReturn]
    public static void ThrowClaimOutstanding() =>
        throw new InvalidOperationException("A claimed slot has not been committed yet: call Commit before the next Offer or TryClaim.");

    [DoesNotReturn]
    public static void ThrowNoClaim() =>
        throw new InvalidOperationException("Commit was called without a successful TryClaim.");
}
