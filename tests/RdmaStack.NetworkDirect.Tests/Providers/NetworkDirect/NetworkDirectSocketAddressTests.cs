using System.Net;
using RdmaStack.Interop.NetworkDirect;
using RdmaStack.Providers.NetworkDirect;

namespace RdmaStack.NetworkDirect.Tests.Providers.NetworkDirect;

public unsafe class NetworkDirectSocketAddressTests
{
    [Theory]
    [InlineData("192.0.2.17", 50001, 16)]
    [InlineData("2001:db8::5", 4791, 28)]
    public void Writes_the_Windows_layout_and_reads_it_back(string address, int port, int size)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), port);
        byte* buffer = stackalloc byte[NetworkDirectSocketAddress.MaxLength];
        Assert.Equal(size, NetworkDirectSocketAddress.Write(endPoint, buffer));
        Assert.Equal(size == 16 ? ws2_32.AF_INET : (ushort)23, *(ushort*)buffer);
        Assert.Equal((byte)(port >> 8), buffer[2]);
        Assert.Equal((byte)port, buffer[3]);
        Assert.Equal(endPoint, NetworkDirectSocketAddress.Read((SOCKADDR*)buffer, size));
        Assert.Null(NetworkDirectSocketAddress.Read((SOCKADDR*)buffer, size - 1));
    }
}
