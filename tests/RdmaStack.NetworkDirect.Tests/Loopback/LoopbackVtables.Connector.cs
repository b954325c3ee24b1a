using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RdmaStack.Interop.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Loopback;

/// <summary>The double's IND2Connector vtable: one [UnmanagedCallersOnly] entry per slot, dispatching to <see cref="LoopbackConnector"/>.</summary>
internal static unsafe partial class LoopbackVtables
{
    /// <summary>The IND2Connector vtable every <see cref="LoopbackConnector"/> points to.</summary>
    public static void* Connector { get; } = CreateConnector();

    private static void* CreateConnector()
    {
        var v = (IND2Connector.Vtbl*)NativeMemory.AllocZeroed((nuint)sizeof(IND2Connector.Vtbl));
        v->QueryInterface = (delegate* unmanaged[Stdcall]<IND2Connector*, Guid*, void**, int>)(delegate* unmanaged[Stdcall]<void*, Guid*, void**, int>)&UnknownQueryInterface;
        v->AddRef = (delegate* unmanaged[Stdcall]<IND2Connector*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownAddRef;
        v->Release = (delegate* unmanaged[Stdcall]<IND2Connector*, uint>)(delegate* unmanaged[Stdcall]<void*, uint>)&UnknownRelease;
        v->CancelOverlappedRequests = (delegate* unmanaged[Stdcall]<IND2Connector*, int>)(delegate* unmanaged[Stdcall]<void*, int>)&OverlappedCancel;
        v->GetOverlappedResult = (delegate* unmanaged[Stdcall]<IND2Connector*, OVERLAPPED*, int, int>)(delegate* unmanaged[Stdcall]<void*, OVERLAPPED*, int, int>)&OverlappedResult;
        v->Bind = &ConnectorBind;
        v->Connect = &ConnectorConnect;
        v->CompleteConnect = &ConnectorCompleteConnect;
        v->Accept = &ConnectorAccept;
        v->Reject = &ConnectorReject;
        v->GetReadLimits = &ConnectorGetReadLimits;
        v->GetPrivateData = &ConnectorGetPrivateData;
        v->GetLocalAddress = &ConnectorGetLocalAddress;
        v->GetPeerAddress = &ConnectorGetPeerAddress;
        v->NotifyDisconnect = &ConnectorNotifyDisconnect;
        v->Disconnect = &ConnectorDisconnect;
        return v;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorBind(IND2Connector* self, SOCKADDR* address, uint length)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.Bind(address, length) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorConnect(IND2Connector* self, IUnknown* queuePair, SOCKADDR* destination, uint length, uint inboundReadLimit, uint outboundReadLimit, void* privateData, uint privateDataLength, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.Connect(queuePair, destination, length, privateData, privateDataLength, overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorCompleteConnect(IND2Connector* self, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.CompleteConnect(overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorAccept(IND2Connector* self, IUnknown* queuePair, uint inboundReadLimit, uint outboundReadLimit, void* privateData, uint privateDataLength, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.Accept(queuePair, privateData, privateDataLength, overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorReject(IND2Connector* self, void* privateData, uint privateDataLength)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.Reject() : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorGetReadLimits(IND2Connector* self, uint* inbound, uint* outbound)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? ReadLimits(inbound, outbound) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorGetPrivateData(IND2Connector* self, void* data, uint* length)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.GetPrivateData(data, length) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorGetLocalAddress(IND2Connector* self, SOCKADDR* address, uint* length)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.GetAddress(false, address, length) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorGetPeerAddress(IND2Connector* self, SOCKADDR* address, uint* length)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.GetAddress(true, address, length) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorNotifyDisconnect(IND2Connector* self, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.NotifyDisconnect(overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvStdcall)])]
    private static int ConnectorDisconnect(IND2Connector* self, OVERLAPPED* overlapped)
    {
        try
        {
            return LoopbackComObject.From<LoopbackConnector>(self) is { } o ? o.Disconnect(overlapped) : Dead;
        }
        catch (Exception e)
        {
            return Crash(self, e);
        }
    }
}
