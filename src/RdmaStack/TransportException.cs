namespace RdmaStack;

/// <summary>
/// Connection set-up or a native operation failed. The message names the operation and the cause
/// (a missing peer, a geometry that differs, an errno or a work-completion status).
/// </summary>
public class TransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransportException()
    {
    }

    /// <summary>Creates the exception with a message naming the cause.</summary>
    /// <param name="message">What failed and why.</param>
    public TransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying failure.</param>
    public TransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
