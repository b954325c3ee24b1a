using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RdmaStack.Cli.Demo;

/// <summary>Busy-wait step for the latency path: a blocking wait costs 50-60 us here, a pause a few ns.</summary>
internal static class Spin
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pause()
    {
        if (X86Base.IsSupported)
        {
            X86Base.Pause();
        }
        else
        {
            Thread.SpinWait(1);
        }
    }
}
