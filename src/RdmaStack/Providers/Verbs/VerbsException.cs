using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>A libibverbs or librdmacm call failed; the message names the call, the errno and its text. Users see it as a
/// <see cref="TransportException"/> (with <see cref="TransportException.Operation"/> and
/// <see cref="TransportException.ErrorCode"/>).</summary>
internal sealed class VerbsException : TransportException
{
    /// <summary>Creates the exception.</summary>
    public VerbsException()
    {
    }

    /// <summary>Creates the exception with a message naming the cause.</summary>
    /// <param name="message">What failed and why.</param>
    public VerbsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying failure.</param>
    public VerbsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="message">What failed and why, including the call and the errno.</param>
    /// <param name="operation">The native function that failed, e.g. <c>ibv_get_device_list</c>.</param>
    /// <param name="errno">The errno it left, or 0 when it reported none.</param>
    public VerbsException(string message, string operation, int errno)
        : base(message, operation, errno)
    {
    }

    /// <summary>The errno the call left (ENOSYS is 38), or 0.</summary>
    public int Errno => ErrorCode;
}
