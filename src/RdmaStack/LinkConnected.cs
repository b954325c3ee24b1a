namespace RdmaStack;

/// <summary>A link of a stream got a new connection, now in place: its first (<paramref name="Generation"/> 1) or a
/// re-established one.</summary>
/// <param name="Link">The link's index.</param>
/// <param name="Generation">How many connections the link has had, this one included.</param>
/// <param name="Description">What the connection is ("verbs rxe0 port 1 (RoCE GID index 1), QPs 0x11, 0x12").</param>
public sealed record LinkConnected(int Link, int Generation, string Description);
