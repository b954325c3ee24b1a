using System.Globalization;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Transport;

namespace RdmaStack.Providers.NetworkDirect;

/// <summary>Names of the ND status codes (ndstatus.h) for error messages, and the set-up failure they make.</summary>
internal static class NetworkDirectStatus
{
    /// <summary>The code's ndstatus.h name, or null for a code it does not define.</summary>
    public static string? Name(int status) => status switch
    {
        ndstatus.ND_SUCCESS => "ND_SUCCESS",
        ndstatus.ND_TIMEOUT => "ND_TIMEOUT",
        ndstatus.ND_PENDING => "ND_PENDING",
        ndstatus.ND_BUFFER_OVERFLOW => "ND_BUFFER_OVERFLOW",
        ndstatus.ND_DEVICE_BUSY => "ND_DEVICE_BUSY",
        ndstatus.ND_NO_MORE_ENTRIES => "ND_NO_MORE_ENTRIES",
        ndstatus.ND_UNSUCCESSFUL => "ND_UNSUCCESSFUL",
        ndstatus.ND_ACCESS_VIOLATION => "ND_ACCESS_VIOLATION",
        ndstatus.ND_INVALID_HANDLE => "ND_INVALID_HANDLE",
        ndstatus.ND_INVALID_DEVICE_REQUEST => "ND_INVALID_DEVICE_REQUEST",
        ndstatus.ND_INVALID_PARAMETER => "ND_INVALID_PARAMETER",
        ndstatus.ND_NO_MEMORY => "ND_NO_MEMORY",
        ndstatus.ND_INVALID_PARAMETER_MIX => "ND_INVALID_PARAMETER_MIX",
        ndstatus.ND_DATA_OVERRUN => "ND_DATA_OVERRUN",
        ndstatus.ND_SHARING_VIOLATION => "ND_SHARING_VIOLATION",
        ndstatus.ND_INSUFFICIENT_RESOURCES => "ND_INSUFFICIENT_RESOURCES",
        ndstatus.ND_DEVICE_NOT_READY => "ND_DEVICE_NOT_READY",
        ndstatus.ND_IO_TIMEOUT => "ND_IO_TIMEOUT",
        ndstatus.ND_NOT_SUPPORTED => "ND_NOT_SUPPORTED",
        ndstatus.ND_INTERNAL_ERROR => "ND_INTERNAL_ERROR",
        >= ndstatus.ND_INVALID_PARAMETER_1 and <= ndstatus.ND_INVALID_PARAMETER_10 =>
            "ND_INVALID_PARAMETER_" + (status - ndstatus.ND_INVALID_PARAMETER_1 + 1).ToString(CultureInfo.InvariantCulture),
        ndstatus.ND_CANCELED => "ND_CANCELED",
        ndstatus.ND_REMOTE_ERROR => "ND_REMOTE_ERROR",
        ndstatus.ND_INVALID_ADDRESS => "ND_INVALID_ADDRESS",
        ndstatus.ND_INVALID_DEVICE_STATE => "ND_INVALID_DEVICE_STATE",
        ndstatus.ND_INVALID_BUFFER_SIZE => "ND_INVALID_BUFFER_SIZE",
        ndstatus.ND_TOO_MANY_ADDRESSES => "ND_TOO_MANY_ADDRESSES",
        ndstatus.ND_ADDRESS_ALREADY_EXISTS => "ND_ADDRESS_ALREADY_EXISTS",
        ndstatus.ND_CONNECTION_REFUSED => "ND_CONNECTION_REFUSED",
        ndstatus.ND_CONNECTION_INVALID => "ND_CONNECTION_INVALID",
        ndstatus.ND_CONNECTION_ACTIVE => "ND_CONNECTION_ACTIVE",
        ndstatus.ND_NETWORK_UNREACHABLE => "ND_NETWORK_UNREACHABLE",
        ndstatus.ND_HOST_UNREACHABLE => "ND_HOST_UNREACHABLE",
        ndstatus.ND_CONNECTION_ABORTED => "ND_CONNECTION_ABORTED",
        ndstatus.ND_DEVICE_REMOVED => "ND_DEVICE_REMOVED",
        winerror.E_NOINTERFACE => "E_NOINTERFACE",
        winerror.CLASS_E_CLASSNOTAVAILABLE => "CLASS_E_CLASSNOTAVAILABLE",
        _ => null,
    };

    /// <summary>"ND_IO_TIMEOUT (0xC00000B5)", or the bare hex for a code without a name.</summary>
    public static string Describe(int status)
    {
        string hex = "0x" + status.ToString("X8", CultureInfo.InvariantCulture);
        string? name = Name(status);
        return name is null ? hex : $"{name} ({hex})";
    }

    /// <summary>A set-up failure: "<paramref name="subject"/>: <paramref name="operation"/> failed with ND_... (0x...)".</summary>
    public static TransportException Failed(string subject, string operation, int status) =>
        new($"{subject}: {operation} failed with {Describe(status)}.");
}
