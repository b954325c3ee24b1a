using System.Globalization;

namespace RdmaStack.HighAvailability.Verification;

/// <summary>The first difference the verification engine found between the primary and this backup.</summary>
/// <param name="Sequence">The first input whose processing differed.</param>
/// <param name="Kind">What differed.</param>
/// <param name="Primary">The primary's digest (or count).</param>
/// <param name="Backup">This backup's digest (or count).</param>
public sealed record Divergence(long Sequence, DivergenceKind Kind, ulong Primary, ulong Backup)
{
    /// <summary>A one-line description naming the sequence.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Kind} diverged at sequence {Sequence}: primary {Primary:x16}, backup {Backup:x16}");
}
