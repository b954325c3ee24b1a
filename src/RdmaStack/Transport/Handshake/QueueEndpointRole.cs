namespace RdmaStack.Transport.Handshake;

/// <summary>Which end of a segmented queue a <see cref="QueueEndpoint"/> is, and so what its region holds.</summary>
internal enum QueueEndpointRole : byte
{
    /// <summary>The writer (tail): its region is the control block the reader publishes its head into.</summary>
    Writer = 1,

    /// <summary>The reader (head): its region is the ring the writer writes slots into.</summary>
    Reader = 2,
}
