using RdmaStack.HighAvailability.Journal;

namespace RdmaStack.HighAvailability.Tests.Journal;

/// <summary>A journal's valid records, read the way replay reads them.</summary>
internal sealed class JournalContents : IJournalVisitor
{
    public List<(long Sequence, byte[] State)> Snapshots { get; } = [];

    public List<Transaction> Transactions { get; } = [];

    public JournalReplayResult Result { get; private set; }

    public static JournalContents Read(string path) => Read(File.ReadAllBytes(path));

    public static JournalContents Read(byte[] bytes)
    {
        var contents = new JournalContents();
        using var stream = new MemoryStream(bytes, writable: false);
        contents.Result = JournalReader.Replay(stream, contents);
        return contents;
    }

    public void OnSnapshot(long sequence, ReadOnlySpan<byte> state) => Snapshots.Add((sequence, state.ToArray()));

    public void OnTransaction(in JournalTransaction transaction) => Transactions.Add(new Transaction(
        transaction.Input.Sequence,
        transaction.Input.ClientId,
        transaction.Input.ClientSequence,
        transaction.Input.Payload.ToArray(),
        transaction.CallCount,
        transaction.Output.ToArray()));

    internal sealed record Transaction(long Sequence, long ClientId, long ClientSequence, byte[] Input, int CallCount, byte[] Output);
}
