namespace RdmaStack.Cli.Commands;

/// <summary>The largest values the `ha` commands take: far past any meaningful run on one host, and small enough that
/// no count derived from them (orders in flight, orders per second, answers) overflows.</summary>
internal static class HaLimits
{
    /// <summary>Client processes of one run.</summary>
    public const int MaxClients = 64;

    /// <summary>SIGKILLs of the primary in one demo.</summary>
    public const int MaxKills = 10_000;

    /// <summary>Orders a client keeps in flight.</summary>
    public const int MaxWindow = 4_096;

    /// <summary>Orders a client sends per second.</summary>
    public const int MaxRate = 10_000_000;
}
