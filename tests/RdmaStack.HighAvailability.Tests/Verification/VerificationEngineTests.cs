using RdmaStack.HighAvailability.Verification;

namespace RdmaStack.HighAvailability.Tests.Verification;

public class VerificationEngineTests
{
    [Fact]
    public void The_first_difference_is_kept_and_names_its_sequence()
    {
        var verifier = new VerificationEngine();
        for (long sequence = 1; sequence <= 10; sequence++)
        {
            verifier.RecordLocal(sequence, (ulong)sequence * 3, 1, sequence % 4 == 0 ? (ulong)sequence : null);
        }

        Assert.Null(verifier.VerifyPrimary(1, 3, 1, null));
        Assert.Null(verifier.VerifyPrimary(4, 12, 1, 4));
        Assert.Equal(new Divergence(5, DivergenceKind.CallCount, 2, 1), verifier.VerifyPrimary(5, 15, 2, null));
        Assert.Equal(new Divergence(6, DivergenceKind.Output, 99, 18), verifier.VerifyPrimary(6, 99, 1, null));
        Assert.Equal(new Divergence(8, DivergenceKind.State, 7, 8), verifier.VerifyPrimary(8, 24, 1, 7));
        Assert.Equal(5, verifier.FirstDivergence!.Sequence);
        Assert.Equal(5, verifier.InputsVerified);
        Assert.Equal(2, verifier.CheckpointsVerified);
        Assert.Null(verifier.VerifyPrimary(5000, 1, 1, null)); // not held here: nothing to compare
    }
}
