namespace RdmaStack.Threading;

/// <summary>The kernel refused to change or report a thread's CPU affinity; the message carries errno and its text.</summary>
internal sealed class CpuAffinityException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CpuAffinityException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">What failed and why.</param>
    public CpuAffinityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The cause.</param>
    public CpuAffinityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
