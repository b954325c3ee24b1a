using System.Net;

namespace RdmaStack.Cli.Demo;

/// <summary>
/// The providers the two-process tools (demo, perf) can run over, by name: the seam where another provider
/// plugs in with its own <see cref="IDemoTransport"/> (both queues opened in one handshake).
/// </summary>
internal static class DemoTransports
{
    /// <summary>The names --provider accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shm", "verbs"];

    /// <summary>The transport <paramref name="choice"/> names; the caller disposes it.</summary>
    /// <exception cref="ArgumentException">No provider by that name (the message lists the ones there are), or
    /// verbs without --device.</exception>
    public static IDemoTransport Create(ProviderChoice choice) => choice.Name switch
    {
        "shm" => new SharedMemoryDemoTransport(),
        "verbs" => new VerbsDemoTransport(
            choice.Device ?? throw new ArgumentException("--provider verbs needs --device (e.g. rxe0; `rdmastack devices` lists them)."),
            choice.ReceiverDevice!,
            IPAddress.Parse(choice.Listen)),
        _ => throw new ArgumentException($"Unknown provider '{choice.Name}': this build has {string.Join(", ", Names)}.", nameof(choice)),
    };
}
