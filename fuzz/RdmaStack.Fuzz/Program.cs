using System.Globalization;
using SharpFuzz;

namespace RdmaStack.Fuzz;

/// <summary>
/// The fuzz harnesses of RdmaStack (run by `./build.sh fuzz`, under afl-fuzz, over the instrumented assemblies):
/// <code>
///   RdmaStack.Fuzz HARNESS                  the AFL fork server loop (SharpFuzz), one input per run
///   RdmaStack.Fuzz HARNESS --replay PATH... runs files (or every file of folders) once each; exit 1 if any crashed
///   RdmaStack.Fuzz HARNESS --seed FOLDER    writes the harness's seed corpus
/// </code>
/// Harnesses: handshake, slot-reader, cli-options.
/// </summary>
internal static class Program
{
    private const int MaxInput = 1 << 16;

    private static readonly Dictionary<string, (Func<byte[], string> Run, Func<IEnumerable<(string Name, byte[] Data)>> Seeds)> s_harnesses = new()
    {
        ["handshake"] = (data => HandshakeTarget.Run(data), HandshakeTarget.Seeds),
        ["slot-reader"] = (data => SlotReaderTarget.Run(data), SlotReaderTarget.Seeds),
        ["cli-options"] = (data => OptionParsingTarget.Run(data), OptionParsingTarget.Seeds),
    };

    private static int Main(string[] args)
    {
        if (args.Length == 0 || !s_harnesses.TryGetValue(args[0], out var harness))
        {
            Console.Error.WriteLine($"usage: RdmaStack.Fuzz {string.Join('|', s_harnesses.Keys)} [--replay PATH... | --seed FOLDER]");
            return 2;
        }

        if (args.Length >= 3 && args[1] == "--seed")
        {
            Directory.CreateDirectory(args[2]);
            foreach ((string name, byte[] data) in harness.Seeds())
            {
                File.WriteAllBytes(Path.Combine(args[2], name), data);
            }

            return 0;
        }

        if (args.Length >= 2 && args[1] == "--replay")
        {
            return Replay(args[0], harness.Run, args[2..]);
        }

        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (buffer.Length <= MaxInput)
            {
                _ = harness.Run(buffer.ToArray());
            }
        });
        return 0;
    }

    private static int Replay(string name, Func<byte[], string> run, string[] paths)
    {
        string[] files = [.. paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]).Order(StringComparer.Ordinal)];
        int failed = 0;
        foreach (string file in files)
        {
            try
            {
                Console.WriteLine($"{Path.GetFileName(file)}: {run(File.ReadAllBytes(file))}");
            }
            catch (Exception e)
            {
                failed++;
                Console.Error.WriteLine($"{file}: {e}");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: replayed {files.Length} inputs, {failed} crashed"));
        return failed == 0 ? 0 : 1;
    }
}
