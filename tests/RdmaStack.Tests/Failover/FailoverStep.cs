using System.Globalization;
using CsCheck;

namespace RdmaStack.Tests.Failover;

/// <summary>One step of a generated failover schedule; printed as "Kind(link, count)" in a shrunk counterexample.</summary>
internal readonly record struct FailoverStep(FailoverStepKind Kind, int Link, int Count)
{
    /// <summary>Steps weighted towards traffic (offers, polls, housekeeping), with every fault and repair among them.</summary>
    public static Gen<FailoverStep> Generator(params FailoverStepKind[] faults) =>
        Gen.Select(
            Gen.Frequency([(6, FailoverStepKind.Offer), (5, FailoverStepKind.Poll), (4, FailoverStepKind.Maintain), .. faults.Select(k => (1, k))]),
            Gen.Int[0, 3],
            Gen.Int[1, 40],
            (kind, link, count) => new FailoverStep(kind, link, count));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind}({Link}, {Count})");
}
