namespace RdmaStack.Threading;

/// <summary>What <see cref="MemoryLock.LockAll"/> achieved.</summary>
/// <param name="Locked">True when all current and future pages are locked.</param>
/// <param name="Message">One line for the report: what happened and, on failure, what to change.</param>
internal sealed record MemoryLockResult(bool Locked, string Message);
