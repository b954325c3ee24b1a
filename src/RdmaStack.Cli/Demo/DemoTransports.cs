namespace RdmaStack.Cli.Demo;

/// <summary>
/// The providers the two-process tools (demo, perf) can run over, by name: the seam where another
/// provider plugs in with its own <see cref="IDemoTransport"/> (both queues opened in one handshake).
/// </summary>
internal static class DemoTransports
{
    /// <summary>The names --transport accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["shm"];

    /// <summary>The transport called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No provider by that name; the message lists the ones there are.</exception>
    public static IDemoTransport Create(string name) => name switch
    {
        "shm" => new SharedMemoryDemoTransport(),
        _ => throw new ArgumentException($"Unknown transport '{name}': this build has {string.Join(", ", Names)}.", nameof(name)),
    };
}
