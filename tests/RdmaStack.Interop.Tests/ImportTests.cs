using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace RdmaStack.Interop.Tests;

/// <summary>Every generated [LibraryImport] names a symbol the installed library exports (the Windows-only imports
/// of the NetworkDirect bindings are checked on Windows, where their libraries are).</summary>
public sealed partial class ImportTests
{
    [Fact]
    public void Every_import_resolves_in_the_installed_library()
    {
        var imports = typeof(ibverbs).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Import: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(x => x.Import != null)
            .Where(x => OperatingSystem.IsWindows() || x.Method.GetCustomAttribute<SupportedOSPlatformAttribute>()?.PlatformName != "windows")
            .ToList();
        var unresolved = new List<string>();
        foreach (var (method, import) in imports)
        {
            string symbol = import!.EntryPoint ?? method.Name;
            if (!NativeLibrary.TryLoad(import.LibraryName, out nint library))
            {
                unresolved.Add($"{import.LibraryName}: cannot be loaded");
                continue;
            }
            if (!NativeLibrary.TryGetExport(library, symbol, out _))
            {
                unresolved.Add($"{import.LibraryName}!{symbol} ({method.DeclaringType!.Name}.{method.Name})");
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"imports: {imports.Count - unresolved.Count} of {imports.Count} resolve");
        Assert.True(unresolved.Count == 0, "unresolved: " + string.Join(", ", unresolved));
        Assert.Equal(67, imports.Count(x => x.Import!.LibraryName == ibverbs.LibraryName));
        Assert.Equal(38, imports.Count(x => x.Import!.LibraryName == rdmacm.LibraryName));
    }

    [Theory]
    [InlineData("ibv_post_send")]
    [InlineData("ibv_post_recv")]
    [InlineData("ibv_poll_cq")]
    [InlineData("ibv_req_notify_cq")]
    public void Inline_data_path_verbs_are_not_exported(string symbol)
    {
        nint library = NativeLibrary.Load(ibverbs.LibraryName);
        Assert.False(NativeLibrary.TryGetExport(library, symbol, out _), $"{symbol} is exported after all; bind the export");
    }

    [Theory]
    [InlineData("ibv_reg_mr")]
    [InlineData("ibv_query_port")]
    public void Macro_backed_exports_bind_the_default_version_a_C_program_links(string symbol)
    {
        // A C program built against these headers links symbol@@IBVERBS_1.1 (the default version); lookup by name
        // (what [LibraryImport] does) must find that one, not the IBVERBS_1.0 compat entry.
        nint library = NativeLibrary.Load(ibverbs.LibraryName);
        nint byName = NativeLibrary.GetExport(library, symbol);
        nint current = dlvsym(library, symbol, "IBVERBS_1.1");
        nint compat = dlvsym(library, symbol, "IBVERBS_1.0");
        Assert.NotEqual(0, current);
        Assert.NotEqual(0, compat);
        Assert.Equal(current, byName);
        Assert.NotEqual(compat, byName);
    }

    [Fact]
    public unsafe void Rdmacm_imports_report_errno()
    {
        var (verbsErrno, devices) = NativeDeviceList.Probe();
        rdma_event_channel* channel = rdmacm.rdma_create_event_channel();
        if (channel != null)
        {
            rdmacm.rdma_destroy_event_channel(channel);
            Assert.NotEqual(38, verbsErrno); // a kernel without RDMA has no rdma_cm device either
            return;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (verbsErrno == 38 && devices == 0)
        {
            Assert.Equal(19, errno); // ENODEV: no /dev/infiniband/rdma_cm
        }
        else
        {
            Assert.NotEqual(0, errno);
        }
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlvsym(nint handle, string symbol, string version);
}
