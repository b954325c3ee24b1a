namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>ND2_REQUEST_TYPE</c> (nddef.h): which kind of request an <see cref="ND2_RESULT"/> reports.</summary>
public enum ND2_REQUEST_TYPE
{
    /// <summary>A Receive.</summary>
    Nd2RequestTypeReceive,

    /// <summary>A Send.</summary>
    Nd2RequestTypeSend,

    /// <summary>A memory window Bind.</summary>
    Nd2RequestTypeBind,

    /// <summary>A memory window Invalidate.</summary>
    Nd2RequestTypeInvalidate,

    /// <summary>An RDMA Read.</summary>
    Nd2RequestTypeRead,

    /// <summary>An RDMA Write.</summary>
    Nd2RequestTypeWrite,
}
