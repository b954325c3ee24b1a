using System.Diagnostics;
using System.Globalization;

namespace RdmaStack.Interop.Tests;

/// <summary>
/// The output of native/build/layout_probe: gcc's sizeof/_Alignof of every bound struct and offsetof/sizeof of every
/// field path, compiled from the installed headers by ./build.sh setup.
/// </summary>
internal sealed class LayoutProbe
{
    private static readonly Lazy<LayoutProbe> s_instance = new(Run);

    private LayoutProbe(Dictionary<string, ProbeStruct> structs, List<string> order)
    {
        Structs = structs;
        Order = order;
    }

    public static LayoutProbe Instance => s_instance.Value;

    public Dictionary<string, ProbeStruct> Structs { get; }

    /// <summary>Struct names in the order the probe printed them.</summary>
    public List<string> Order { get; }

    public long Size(string structName) => Structs[structName].Size;

    public long Offset(string structName, string path) => Structs[structName].Fields.Single(f => f.Path == path).Offset;

    private static LayoutProbe Run()
    {
        string exe = Path.Combine(Repository.Root, "native", "build", "layout_probe");
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"{exe} is not built: run ./build.sh setup (cmake builds native/)");
        }
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} exited with {process.ExitCode}");
        }
        var structs = new Dictionary<string, ProbeStruct>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ');
            switch (parts[0])
            {
                case "struct":
                    structs.Add(parts[1], new ProbeStruct(parts[1], Number(parts[2]), Number(parts[3]), []));
                    order.Add(parts[1]);
                    break;
                case "field":
                    structs[parts[1]].Fields.Add(new ProbeField(parts[2], Number(parts[3]), Number(parts[4])));
                    break;
                default:
                    throw new InvalidOperationException($"unexpected probe line: {line}");
            }
        }
        return new LayoutProbe(structs, order);
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    internal sealed record ProbeStruct(string Name, long Size, long Align, List<ProbeField> Fields);

    internal sealed record ProbeField(string Path, long Offset, long Size);
}
