namespace RdmaStack.Samples.OrderMatching;

/// <summary>The counts of a <see cref="SharedReferencePriceService"/> ledger.</summary>
/// <param name="Calls">Calls that reached the service (every <c>Execute</c>, repeats and refused keys included).</param>
/// <param name="Executed">Keys executed (each once).</param>
/// <param name="Lookups">Recovery look-ups after failovers.</param>
/// <param name="Refusals">Keys refused because a look-up found them never executed.</param>
/// <param name="KeysCalledTwice">Keys whose <c>Execute</c> was called more than once: external calls made twice.</param>
/// <param name="CallsOnRefusedKeys">Calls that came for a key after it was refused (a dead primary's late call).</param>
/// <param name="Overflows">Calls whose key was past the ledger's capacity (answered as failed).</param>
public readonly record struct ReferencePriceLedgerSummary(
    long Calls, long Executed, long Lookups, long Refusals, long KeysCalledTwice, long CallsOnRefusedKeys, long Overflows);
