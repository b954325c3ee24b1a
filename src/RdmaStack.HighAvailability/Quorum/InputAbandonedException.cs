namespace RdmaStack.HighAvailability.Quorum;

/// <summary>
/// Thrown into a processor's engine from the external call it waits in when the input can no longer finish: a state
/// transfer replaces the processor's state, or the replicator is gone. The processor catches it; an engine must let
/// it pass (it leaves the engine's state to be replaced).
/// </summary>
internal sealed class InputAbandonedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public InputAbandonedException()
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    /// <param name="message">Why the input was abandoned.</param>
    public InputAbandonedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its reason and cause.</summary>
    /// <param name="message">Why the input was abandoned.</param>
    /// <param name="innerException">The cause.</param>
    public InputAbandonedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
