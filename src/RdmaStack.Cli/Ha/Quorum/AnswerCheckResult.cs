namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>What the answer check found.</summary>
/// <param name="Inputs">Inputs the replicator stamped and the reference replayed.</param>
/// <param name="Calls">External calls the replicator resolved.</param>
/// <param name="Checked">Agreed answers the clients received and the check compared.</param>
/// <param name="Wrong">Of those, answers that differ from the reference (or belong to another message).</param>
/// <param name="FirstWrong">The first few wrong ones.</param>
/// <param name="Gap">A hole in the replicator's record, or null.</param>
internal sealed record AnswerCheckResult(long Inputs, long Calls, long Checked, long Wrong, IReadOnlyList<string> FirstWrong, string? Gap);
