using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Interop.NetworkDirect;

/// <summary>
/// The hand-written NetworkDirect bindings against Microsoft's published SPI (ndspi.h, nddef.h, ndstatus.mc and the
/// Winsock headers), for x64. Every expected value below was read from those headers once and written down here;
/// none is computed from the bindings, so a moved vtable slot, a changed IID or a field that shifts fails a row.
/// </summary>
public unsafe class BindingTableTests
{
    /// <summary>IIDs as the DEFINE_GUID comments of ndspi.h print them (IUnknown and IClassFactory from unknwn.h).</summary>
    public static TheoryData<string, Guid, string> Iids => new()
    {
        { "IUnknown", ndspi.IID_IUnknown, "00000000-0000-0000-C000-000000000046" },
        { "IClassFactory", ndspi.IID_IClassFactory, "00000001-0000-0000-C000-000000000046" },
        { "IND2Overlapped", ndspi.IID_IND2Overlapped, "ABF72719-B016-4a40-A6F7-622791A7044C" },
        { "IND2CompletionQueue", ndspi.IID_IND2CompletionQueue, "20CC445E-64A0-4cbb-AA75-F6A7251FDA9E" },
        { "IND2SharedReceiveQueue", ndspi.IID_IND2SharedReceiveQueue, "AABD67DC-459A-4db1-826B-56CFCC278883" },
        { "IND2MemoryWindow", ndspi.IID_IND2MemoryWindow, "070FE1F5-0AB5-4361-88DB-974BA704D4B9" },
        { "IND2MemoryRegion", ndspi.IID_IND2MemoryRegion, "55DFEA2F-BC56-4982-8A45-0301BE46C413" },
        { "IND2QueuePair", ndspi.IID_IND2QueuePair, "EEF2F332-B75D-4063-BCE3-3A0BAD2D02CE" },
        { "IND2Connector", ndspi.IID_IND2Connector, "7DD615C4-6B4C-4866-950C-F3B1D25A5302" },
        { "IND2Listener", ndspi.IID_IND2Listener, "65D23D83-3A57-4E02-86A4-350165C2D130" },
        { "IND2Adapter", ndspi.IID_IND2Adapter, "D89C798C-4823-4D69-846C-DFDCCFF9E5F3" },
        { "IND2Provider", ndspi.IID_IND2Provider, "49EAE6C1-76C4-46D0-8003-5C2EAA2C9A8E" },
    };

    /// <summary>Each interface's methods in vtable order, inherited slots first, as DECLARE_INTERFACE_ lists them.</summary>
    public static TheoryData<string, Type, string[]> Vtables => new()
    {
        { "IUnknown", typeof(IUnknown.Vtbl), ["QueryInterface", "AddRef", "Release"] },
        { "IClassFactory", typeof(IClassFactory.Vtbl), ["QueryInterface", "AddRef", "Release", "CreateInstance", "LockServer"] },
        { "IND2Overlapped", typeof(IND2Overlapped.Vtbl), ["QueryInterface", "AddRef", "Release", "CancelOverlappedRequests", "GetOverlappedResult"] },
        {
            "IND2CompletionQueue", typeof(IND2CompletionQueue.Vtbl),
            ["QueryInterface", "AddRef", "Release", "CancelOverlappedRequests", "GetOverlappedResult", "GetNotifyAffinity", "Resize", "Notify", "GetResults"]
        },
        { "IND2MemoryWindow", typeof(IND2MemoryWindow.Vtbl), ["QueryInterface", "AddRef", "Release", "GetRemoteToken"] },
        {
            "IND2MemoryRegion", typeof(IND2MemoryRegion.Vtbl),
            ["QueryInterface", "AddRef", "Release", "CancelOverlappedRequests", "GetOverlappedResult", "Register", "Deregister", "GetLocalToken", "GetRemoteToken"]
        },
        {
            "IND2QueuePair", typeof(IND2QueuePair.Vtbl),
            ["QueryInterface", "AddRef", "Release", "Flush", "Send", "Receive", "Bind", "Invalidate", "Read", "Write"]
        },
        {
            "IND2Connector", typeof(IND2Connector.Vtbl),
            [
                "QueryInterface", "AddRef", "Release", "CancelOverlappedRequests", "GetOverlappedResult", "Bind", "Connect", "CompleteConnect",
                "Accept", "Reject", "GetReadLimits", "GetPrivateData", "GetLocalAddress", "GetPeerAddress", "NotifyDisconnect", "Disconnect",
            ]
        },
        {
            "IND2Listener", typeof(IND2Listener.Vtbl),
            ["QueryInterface", "AddRef", "Release", "CancelOverlappedRequests", "GetOverlappedResult", "Bind", "Listen", "GetLocalAddress", "GetConnectionRequest"]
        },
        {
            "IND2Adapter", typeof(IND2Adapter.Vtbl),
            [
                "QueryInterface", "AddRef", "Release", "CreateOverlappedFile", "Query", "QueryAddressList", "CreateCompletionQueue", "CreateMemoryRegion",
                "CreateMemoryWindow", "CreateSharedReceiveQueue", "CreateQueuePair", "CreateQueuePairWithSrq", "CreateConnector", "CreateListener",
            ]
        },
        { "IND2Provider", typeof(IND2Provider.Vtbl), ["QueryInterface", "AddRef", "Release", "QueryAddressList", "ResolveAddress", "OpenAdapter"] },
    };

    /// <summary>Struct sizes and field offsets on x64 (SIZE_T, pointers and ULONG_PTR 8 bytes, ULONG 4).</summary>
    public static TheoryData<Type, int, (string Field, int Offset)[]> Layouts => new()
    {
        {
            typeof(ND2_ADAPTER_INFO), 96,
            [
                ("InfoVersion", 0), ("VendorId", 4), ("DeviceId", 6), ("AdapterId", 8), ("MaxRegistrationSize", 16), ("MaxWindowSize", 24),
                ("MaxInitiatorSge", 32), ("MaxReceiveSge", 36), ("MaxReadSge", 40), ("MaxTransferLength", 44), ("MaxInlineDataSize", 48),
                ("MaxInboundReadLimit", 52), ("MaxOutboundReadLimit", 56), ("MaxReceiveQueueDepth", 60), ("MaxInitiatorQueueDepth", 64),
                ("MaxSharedReceiveQueueDepth", 68), ("MaxCompletionQueueDepth", 72), ("InlineRequestThreshold", 76), ("LargeRequestThreshold", 80),
                ("MaxCallerData", 84), ("MaxCalleeData", 88), ("AdapterFlags", 92),
            ]
        },
        { typeof(ND2_RESULT), 32, [("Status", 0), ("BytesTransferred", 4), ("QueuePairContext", 8), ("RequestContext", 16), ("RequestType", 24)] },
        { typeof(ND2_SGE), 16, [("Buffer", 0), ("BufferLength", 8), ("MemoryRegionToken", 12)] },
        { typeof(OVERLAPPED), 32, [("Internal", 0), ("InternalHigh", 8), ("Offset", 16), ("OffsetHigh", 20), ("hEvent", 24)] },
        { typeof(SOCKADDR), 16, [("sa_family", 0), ("sa_data", 2)] },
        { typeof(SOCKADDR_IN), 16, [("sin_family", 0), ("sin_port", 2), ("sin_addr", 4), ("sin_zero", 8)] },
        { typeof(SOCKADDR_IN6), 28, [("sin6_family", 0), ("sin6_port", 2), ("sin6_flowinfo", 4), ("sin6_addr", 8), ("sin6_scope_id", 24)] },
        { typeof(SOCKET_ADDRESS), 16, [("lpSockaddr", 0), ("iSockaddrLength", 8)] },
        { typeof(SOCKET_ADDRESS_LIST), 24, [("iAddressCount", 0), ("Address", 8)] },
        { typeof(WSAPROTOCOLCHAIN), 32, [("ChainLen", 0), ("ChainEntries", 4)] },
        {
            typeof(WSAPROTOCOL_INFOW), 628,
            [
                ("dwServiceFlags1", 0), ("dwServiceFlags2", 4), ("dwServiceFlags3", 8), ("dwServiceFlags4", 12), ("dwProviderFlags", 16),
                ("ProviderId", 20), ("dwCatalogEntryId", 36), ("ProtocolChain", 40), ("iVersion", 72), ("iAddressFamily", 76),
                ("iMaxSockAddr", 80), ("iMinSockAddr", 84), ("iSocketType", 88), ("iProtocol", 92), ("iProtocolMaxOffset", 96),
                ("iNetworkByteOrder", 100), ("iSecurityScheme", 104), ("dwMessageSize", 108), ("dwProviderReserved", 112), ("szProtocol", 116),
            ]
        },
    };

    /// <summary>ndstatus.mc: (severity &lt;&lt; 30) | (facility 0 &lt;&lt; 16) | message id, severity 0 success, 2 warning, 3 error.</summary>
    public static TheoryData<string, int, uint> Statuses => new()
    {
        { "ND_SUCCESS", ndstatus.ND_SUCCESS, 0x00000000 },
        { "ND_TIMEOUT", ndstatus.ND_TIMEOUT, 0x00000102 },
        { "ND_PENDING", ndstatus.ND_PENDING, 0x00000103 },
        { "ND_BUFFER_OVERFLOW", ndstatus.ND_BUFFER_OVERFLOW, 0x80000005 },
        { "ND_DEVICE_BUSY", ndstatus.ND_DEVICE_BUSY, 0x80000011 },
        { "ND_NO_MORE_ENTRIES", ndstatus.ND_NO_MORE_ENTRIES, 0x8000001A },
        { "ND_UNSUCCESSFUL", ndstatus.ND_UNSUCCESSFUL, 0xC0000001 },
        { "ND_ACCESS_VIOLATION", ndstatus.ND_ACCESS_VIOLATION, 0xC0000005 },
        { "ND_INVALID_HANDLE", ndstatus.ND_INVALID_HANDLE, 0xC0000008 },
        { "ND_INVALID_DEVICE_REQUEST", ndstatus.ND_INVALID_DEVICE_REQUEST, 0xC0000010 },
        { "ND_INVALID_PARAMETER", ndstatus.ND_INVALID_PARAMETER, 0xC000000D },
        { "ND_NO_MEMORY", ndstatus.ND_NO_MEMORY, 0xC0000017 },
        { "ND_INVALID_PARAMETER_MIX", ndstatus.ND_INVALID_PARAMETER_MIX, 0xC0000030 },
        { "ND_DATA_OVERRUN", ndstatus.ND_DATA_OVERRUN, 0xC000003C },
        { "ND_SHARING_VIOLATION", ndstatus.ND_SHARING_VIOLATION, 0xC0000043 },
        { "ND_INSUFFICIENT_RESOURCES", ndstatus.ND_INSUFFICIENT_RESOURCES, 0xC000009A },
        { "ND_DEVICE_NOT_READY", ndstatus.ND_DEVICE_NOT_READY, 0xC00000A3 },
        { "ND_IO_TIMEOUT", ndstatus.ND_IO_TIMEOUT, 0xC00000B5 },
        { "ND_NOT_SUPPORTED", ndstatus.ND_NOT_SUPPORTED, 0xC00000BB },
        { "ND_INTERNAL_ERROR", ndstatus.ND_INTERNAL_ERROR, 0xC00000E5 },
        { "ND_INVALID_PARAMETER_1", ndstatus.ND_INVALID_PARAMETER_1, 0xC00000EF },
        { "ND_INVALID_PARAMETER_4", ndstatus.ND_INVALID_PARAMETER_4, 0xC00000F2 },
        { "ND_INVALID_PARAMETER_6", ndstatus.ND_INVALID_PARAMETER_6, 0xC00000F4 },
        { "ND_INVALID_PARAMETER_10", ndstatus.ND_INVALID_PARAMETER_10, 0xC00000F8 },
        { "ND_CANCELED", ndstatus.ND_CANCELED, 0xC0000120 },
        { "ND_REMOTE_ERROR", ndstatus.ND_REMOTE_ERROR, 0xC000013D },
        { "ND_INVALID_ADDRESS", ndstatus.ND_INVALID_ADDRESS, 0xC0000141 },
        { "ND_INVALID_DEVICE_STATE", ndstatus.ND_INVALID_DEVICE_STATE, 0xC0000184 },
        { "ND_INVALID_BUFFER_SIZE", ndstatus.ND_INVALID_BUFFER_SIZE, 0xC0000206 },
        { "ND_TOO_MANY_ADDRESSES", ndstatus.ND_TOO_MANY_ADDRESSES, 0xC0000209 },
        { "ND_ADDRESS_ALREADY_EXISTS", ndstatus.ND_ADDRESS_ALREADY_EXISTS, 0xC000020A },
        { "ND_CONNECTION_REFUSED", ndstatus.ND_CONNECTION_REFUSED, 0xC0000236 },
        { "ND_CONNECTION_INVALID", ndstatus.ND_CONNECTION_INVALID, 0xC000023A },
        { "ND_CONNECTION_ACTIVE", ndstatus.ND_CONNECTION_ACTIVE, 0xC000023B },
        { "ND_NETWORK_UNREACHABLE", ndstatus.ND_NETWORK_UNREACHABLE, 0xC000023C },
        { "ND_HOST_UNREACHABLE", ndstatus.ND_HOST_UNREACHABLE, 0xC000023D },
        { "ND_CONNECTION_ABORTED", ndstatus.ND_CONNECTION_ABORTED, 0xC0000241 },
        { "ND_DEVICE_REMOVED", ndstatus.ND_DEVICE_REMOVED, 0xC00002B6 },
    };

    /// <summary>nddef.h's flag values.</summary>
    public static TheoryData<string, uint, uint> Flags => new()
    {
        { "ND_MR_FLAG_ALLOW_LOCAL_WRITE", nddef.ND_MR_FLAG_ALLOW_LOCAL_WRITE, 0x00000001 },
        { "ND_MR_FLAG_ALLOW_REMOTE_READ", nddef.ND_MR_FLAG_ALLOW_REMOTE_READ, 0x00000002 },
        { "ND_MR_FLAG_ALLOW_REMOTE_WRITE", nddef.ND_MR_FLAG_ALLOW_REMOTE_WRITE, 0x00000005 },
        { "ND_MR_FLAG_RDMA_READ_SINK", nddef.ND_MR_FLAG_RDMA_READ_SINK, 0x00000008 },
        { "ND_MR_FLAG_DO_NOT_SECURE_VM", nddef.ND_MR_FLAG_DO_NOT_SECURE_VM, 0x80000000 },
        { "ND_OP_FLAG_SILENT_SUCCESS", nddef.ND_OP_FLAG_SILENT_SUCCESS, 0x00000001 },
        { "ND_OP_FLAG_READ_FENCE", nddef.ND_OP_FLAG_READ_FENCE, 0x00000002 },
        { "ND_OP_FLAG_SEND_AND_SOLICIT_EVENT", nddef.ND_OP_FLAG_SEND_AND_SOLICIT_EVENT, 0x00000004 },
        { "ND_OP_FLAG_ALLOW_READ", nddef.ND_OP_FLAG_ALLOW_READ, 0x00000008 },
        { "ND_OP_FLAG_ALLOW_WRITE", nddef.ND_OP_FLAG_ALLOW_WRITE, 0x00000010 },
        { "ND_OP_FLAG_INLINE", nddef.ND_OP_FLAG_INLINE, 0x00000020 },
        { "ND_CQ_NOTIFY_ERRORS", nddef.ND_CQ_NOTIFY_ERRORS, 0 },
        { "ND_CQ_NOTIFY_ANY", nddef.ND_CQ_NOTIFY_ANY, 1 },
        { "ND_CQ_NOTIFY_SOLICITED", nddef.ND_CQ_NOTIFY_SOLICITED, 2 },
        { "ND_ADAPTER_FLAG_IN_ORDER_DMA_SUPPORTED", nddef.ND_ADAPTER_FLAG_IN_ORDER_DMA_SUPPORTED, 0x00000001 },
        { "ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED", nddef.ND_ADAPTER_FLAG_LOOPBACK_CONNECTIONS_SUPPORTED, 0x00010000 },
        { "ND_VERSION_2", nddef.ND_VERSION_2, 0x00020000 },
        { "PFL_NETWORKDIRECT_PROVIDER", ws2_32.PFL_NETWORKDIRECT_PROVIDER, 0x00000010 },
        { "AF_INET6 (Windows)", ws2_32.AF_INET6, 23 },
    };

    [Theory]
    [MemberData(nameof(Iids))]
    public void Interface_ids_are_those_of_the_header(string name, Guid bound, string header) =>
        Assert.True(new Guid(header) == bound, $"{name}: bound {bound}, header {header}");

    [Theory]
    [MemberData(nameof(Vtables))]
    public void Vtable_slots_are_in_header_order(string name, Type vtable, string[] methods)
    {
        SkipUnlessX64();
        Assert.True(
            methods.Length * sizeof(nint) == Marshal.SizeOf(vtable),
            $"{name}: {Marshal.SizeOf(vtable) / sizeof(nint)} slots bound, {methods.Length} in the header");
        for (int slot = 0; slot < methods.Length; slot++)
        {
            int offset = (int)Marshal.OffsetOf(vtable, methods[slot]);
            Assert.True(slot * sizeof(nint) == offset, $"{name}::{methods[slot]} is in slot {offset / sizeof(nint)}, the header has it in slot {slot}");
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Struct_sizes_and_offsets_are_those_of_x64(Type type, int size, (string Field, int Offset)[] fields)
    {
        SkipUnlessX64();
        Assert.True(size == ManagedSize(type), $"{type.Name}: {ManagedSize(type)} bytes bound, {size} in the header");
        foreach ((string field, int offset) in fields)
        {
            Assert.True(offset == (int)Marshal.OffsetOf(type, field), $"{type.Name}.{field} at {Marshal.OffsetOf(type, field)}, the header has {offset}");
        }
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Status_codes_have_their_ntstatus_values(string name, int bound, uint header) =>
        Assert.True(unchecked((int)header) == bound, $"{name}: bound 0x{bound:X8}, ndstatus 0x{header:X8}");

    [Theory]
    [MemberData(nameof(Flags))]
    public void Flags_have_their_header_values(string name, uint bound, uint header) =>
        Assert.True(header == bound, $"{name}: bound 0x{bound:X8}, header 0x{header:X8}");

    private static int ManagedSize(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static void SkipUnlessX64() =>
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64, "the table holds the x64 layout; this process is " + RuntimeInformation.ProcessArchitecture);
}
