using System.Runtime.CompilerServices;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Demo;

/// <summary>Busy-wait step for the latency path: a blocking wait costs 50-60 us here, a pause a few ns.</summary>
internal static class Spin
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pause() => BusySpinIdleStrategy.Pause();
}
