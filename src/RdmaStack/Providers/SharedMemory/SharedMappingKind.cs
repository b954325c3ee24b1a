using RdmaStack.Transport;

namespace RdmaStack.Providers.SharedMemory;

/// <summary>What a shared mapping holds.</summary>
internal enum SharedMappingKind
{
    /// <summary>A reader's ring, written by the writer.</summary>
    Ring = 1,

    /// <summary>A writer's control block, written by the reader.</summary>
    Control = 2,
}
