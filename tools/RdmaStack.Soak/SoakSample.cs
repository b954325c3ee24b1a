namespace RdmaStack.Soak;

/// <summary>One sample of the soak: the process's resources and the stream's progress, with the one-way latency
/// percentiles of the messages delivered since the previous sample. The managed heap is the live heap (measured after a
/// full collection the soak forces at each sample); the collection counts leave those forced collections out.</summary>
internal sealed record SoakSample(
    double Seconds,
    long RssBytes,
    long ManagedHeapBytes,
    int OpenDescriptors,
    int Threads,
    int ShmEntries,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    long Sent,
    long Delivered,
    long Faults,
    long Failovers,
    long Reconnections,
    double LatencyP50Us,
    double LatencyP99Us,
    double LatencyP999Us,
    double LatencyMaxUs);
