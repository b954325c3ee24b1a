using System.Globalization;
using System.Runtime.InteropServices;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>errno values as the C library names and describes them (Linux numbering).</summary>
internal static class Errno
{
    public const int ENOENT = 2;
    public const int ENODEV = 19;
    public const int ENOSYS = 38;

    /// <summary>The symbolic name (ENOSYS) where known, else the number.</summary>
    public static string Name(int errno) => errno switch
    {
        1 => "EPERM",
        ENOENT => "ENOENT",
        5 => "EIO",
        12 => "ENOMEM",
        13 => "EACCES",
        16 => "EBUSY",
        ENODEV => "ENODEV",
        22 => "EINVAL",
        ENOSYS => "ENOSYS",
        95 => "EOPNOTSUPP",
        110 => "ETIMEDOUT",
        _ => "errno " + errno.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>"ENOSYS, Function not implemented": the name and the C library's strerror text.</summary>
    public static string Describe(int errno) => $"{Name(errno)}, {Marshal.GetPInvokeErrorMessage(errno)}";
}
