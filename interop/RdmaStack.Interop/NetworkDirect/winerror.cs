namespace RdmaStack.Interop.NetworkDirect;

/// <summary>The COM result codes (winerror.h) a provider library's class object calls return.</summary>
public static class winerror
{
    /// <summary>Success.</summary>
    public const int S_OK = 0;

    /// <summary>The object does not implement the interface asked for.</summary>
    public const int E_NOINTERFACE = unchecked((int)0x80004002);

    /// <summary>The class id is not one the library serves.</summary>
    public const int CLASS_E_CLASSNOTAVAILABLE = unchecked((int)0x80040111);

    /// <summary>HRESULT_FROM_WIN32: a Win32 or Winsock error code as an HRESULT (facility 7).</summary>
    /// <param name="error">The error code.</param>
    /// <returns>The HRESULT.</returns>
    public static int HRESULT_FROM_WIN32(int error) => error <= 0 ? error : unchecked((int)(((uint)error & 0x0000FFFF) | (7u << 16) | 0x80000000));
}
