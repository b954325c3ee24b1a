namespace RdmaStack.Interop.NetworkDirect;

/// <summary>The status codes of ndstatus.h: HRESULTs whose values are the NTSTATUS codes of the same names
/// (severity in the top two bits: 0 success, 2 warning, 3 error; facility 0).</summary>
public static class ndstatus
{
    /// <summary>0x00000000.</summary>
    public const int ND_SUCCESS = 0x00000000;

    /// <summary>0x00000102 (success severity).</summary>
    public const int ND_TIMEOUT = 0x00000102;

    /// <summary>0x00000103: the request continues; its OVERLAPPED completes later (STATUS_PENDING).</summary>
    public const int ND_PENDING = 0x00000103;

    /// <summary>0x80000005 (warning).</summary>
    public const int ND_BUFFER_OVERFLOW = unchecked((int)0x80000005);

    /// <summary>0x80000011 (warning).</summary>
    public const int ND_DEVICE_BUSY = unchecked((int)0x80000011);

    /// <summary>0x8000001A (warning): for a post, the queue is full.</summary>
    public const int ND_NO_MORE_ENTRIES = unchecked((int)0x8000001A);

    /// <summary>0xC0000001.</summary>
    public const int ND_UNSUCCESSFUL = unchecked((int)0xC0000001);

    /// <summary>0xC0000005.</summary>
    public const int ND_ACCESS_VIOLATION = unchecked((int)0xC0000005);

    /// <summary>0xC0000008.</summary>
    public const int ND_INVALID_HANDLE = unchecked((int)0xC0000008);

    /// <summary>0xC0000010.</summary>
    public const int ND_INVALID_DEVICE_REQUEST = unchecked((int)0xC0000010);

    /// <summary>0xC000000D.</summary>
    public const int ND_INVALID_PARAMETER = unchecked((int)0xC000000D);

    /// <summary>0xC0000017.</summary>
    public const int ND_NO_MEMORY = unchecked((int)0xC0000017);

    /// <summary>0xC0000030.</summary>
    public const int ND_INVALID_PARAMETER_MIX = unchecked((int)0xC0000030);

    /// <summary>0xC000003C.</summary>
    public const int ND_DATA_OVERRUN = unchecked((int)0xC000003C);

    /// <summary>0xC0000043.</summary>
    public const int ND_SHARING_VIOLATION = unchecked((int)0xC0000043);

    /// <summary>0xC000009A.</summary>
    public const int ND_INSUFFICIENT_RESOURCES = unchecked((int)0xC000009A);

    /// <summary>0xC00000A3.</summary>
    public const int ND_DEVICE_NOT_READY = unchecked((int)0xC00000A3);

    /// <summary>0xC00000B5: a request timed out (the connection or the peer's queue pair failed).</summary>
    public const int ND_IO_TIMEOUT = unchecked((int)0xC00000B5);

    /// <summary>0xC00000BB.</summary>
    public const int ND_NOT_SUPPORTED = unchecked((int)0xC00000BB);

    /// <summary>0xC00000E5.</summary>
    public const int ND_INTERNAL_ERROR = unchecked((int)0xC00000E5);

    /// <summary>0xC00000EF.</summary>
    public const int ND_INVALID_PARAMETER_1 = unchecked((int)0xC00000EF);

    /// <summary>0xC00000F0.</summary>
    public const int ND_INVALID_PARAMETER_2 = unchecked((int)0xC00000F0);

    /// <summary>0xC00000F1.</summary>
    public const int ND_INVALID_PARAMETER_3 = unchecked((int)0xC00000F1);

    /// <summary>0xC00000F2.</summary>
    public const int ND_INVALID_PARAMETER_4 = unchecked((int)0xC00000F2);

    /// <summary>0xC00000F3.</summary>
    public const int ND_INVALID_PARAMETER_5 = unchecked((int)0xC00000F3);

    /// <summary>0xC00000F4.</summary>
    public const int ND_INVALID_PARAMETER_6 = unchecked((int)0xC00000F4);

    /// <summary>0xC00000F5.</summary>
    public const int ND_INVALID_PARAMETER_7 = unchecked((int)0xC00000F5);

    /// <summary>0xC00000F6.</summary>
    public const int ND_INVALID_PARAMETER_8 = unchecked((int)0xC00000F6);

    /// <summary>0xC00000F7.</summary>
    public const int ND_INVALID_PARAMETER_9 = unchecked((int)0xC00000F7);

    /// <summary>0xC00000F8.</summary>
    public const int ND_INVALID_PARAMETER_10 = unchecked((int)0xC00000F8);

    /// <summary>0xC0000120: the request was canceled (often: flushed after an earlier one failed).</summary>
    public const int ND_CANCELED = unchecked((int)0xC0000120);

    /// <summary>0xC000013D: the request caused an error on the peer's queue pair.</summary>
    public const int ND_REMOTE_ERROR = unchecked((int)0xC000013D);

    /// <summary>0xC0000141.</summary>
    public const int ND_INVALID_ADDRESS = unchecked((int)0xC0000141);

    /// <summary>0xC0000184.</summary>
    public const int ND_INVALID_DEVICE_STATE = unchecked((int)0xC0000184);

    /// <summary>0xC0000206.</summary>
    public const int ND_INVALID_BUFFER_SIZE = unchecked((int)0xC0000206);

    /// <summary>0xC0000209.</summary>
    public const int ND_TOO_MANY_ADDRESSES = unchecked((int)0xC0000209);

    /// <summary>0xC000020A.</summary>
    public const int ND_ADDRESS_ALREADY_EXISTS = unchecked((int)0xC000020A);

    /// <summary>0xC0000236.</summary>
    public const int ND_CONNECTION_REFUSED = unchecked((int)0xC0000236);

    /// <summary>0xC000023A: the queue pair is not connected.</summary>
    public const int ND_CONNECTION_INVALID = unchecked((int)0xC000023A);

    /// <summary>0xC000023B.</summary>
    public const int ND_CONNECTION_ACTIVE = unchecked((int)0xC000023B);

    /// <summary>0xC000023C.</summary>
    public const int ND_NETWORK_UNREACHABLE = unchecked((int)0xC000023C);

    /// <summary>0xC000023D.</summary>
    public const int ND_HOST_UNREACHABLE = unchecked((int)0xC000023D);

    /// <summary>0xC0000241: the connection was aborted.</summary>
    public const int ND_CONNECTION_ABORTED = unchecked((int)0xC0000241);

    /// <summary>0xC00002B6: the adapter was removed from the system; only clean-up still works.</summary>
    public const int ND_DEVICE_REMOVED = unchecked((int)0xC00002B6);

    /// <summary>v1's name for <see cref="ND_DATA_OVERRUN"/>.</summary>
    public const int ND_LOCAL_LENGTH = ND_DATA_OVERRUN;

    /// <summary>v1's name for <see cref="ND_INVALID_DEVICE_REQUEST"/>.</summary>
    public const int ND_INVALIDATION_ERROR = ND_INVALID_DEVICE_REQUEST;
}
