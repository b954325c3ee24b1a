namespace RdmaStack;

/// <summary>
/// Connection set-up or a native operation failed. The message names the operation and the cause
/// (a missing peer, a geometry that differs, an errno or a work-completion status); where one native call failed,
/// <see cref="Operation"/> names it (e.g. <c>ibv_reg_mr</c>) and <see cref="ErrorCode"/> holds its errno or status.
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

    /// <summary>Creates the exception for one failed native call.</summary>
    /// <param name="message">What failed and why, including the call and its error.</param>
    /// <param name="operation">The native function that failed, e.g. <c>ibv_get_device_list</c>.</param>
    /// <param name="errorCode">The errno (verbs) or status (NetworkDirect) it returned, or 0 when it reported none.</param>
    public TransportException(string message, string operation, int errorCode)
        : base(message)
    {
        Operation = operation ?? string.Empty;
        ErrorCode = errorCode;
    }

    /// <summary>The native function that failed, e.g. <c>ibv_reg_mr</c>; empty when the failure was not one call.</summary>
    public string Operation { get; } = string.Empty;

    /// <summary>The errno (ENOSYS is 38) or NetworkDirect status the call returned, or 0.</summary>
    public int ErrorCode { get; }
}
