using System.Diagnostics;
using System.Runtime.InteropServices;
using static RdmaStack.Interop.Generator.LibClang;

namespace RdmaStack.Interop.Generator;

/// <summary>Parsing the headers with libclang.</summary>
internal sealed unsafe partial class BindingGenerator
{
    // ---------------------------------------------------------------- parsing

    private void Parse(void* index)
    {
        string source = Path.Combine(Path.GetTempPath(), $"rdmastack-interop-{Environment.ProcessId}-{Guid.NewGuid():N}.c");
        File.WriteAllText(source, string.Concat(_headers.Select(h => $"#include <{h.RelativePath}>\n")));
        string compilerInclude = _options.CompilerIncludeDir ?? CompilerIncludeDir();
        // The compiler's own include dir (stddef.h, stdint.h): without it libclang cannot see size_t and the
        // layouts come out silently wrong. gcc's is used because gcc compiles the layout probe.
        string[] args =
        [
            "-x", "c", "-std=gnu11", "-target", "x86_64-pc-linux-gnu",
            "-isystem", compilerInclude,
            "-isystem", Path.Combine(_options.IncludeDir, "x86_64-linux-gnu"),
            "-isystem", _options.IncludeDir,
        ];
        var handles = args.Select(a => Marshal.StringToCoTaskMemUTF8(a)).ToArray();
        nint sourcePtr = Marshal.StringToCoTaskMemUTF8(source);
        try
        {
            fixed (nint* argv = handles)
            {
                _tu = clang_parseTranslationUnit(index, (byte*)sourcePtr, (byte**)argv, args.Length, null, 0,
                    CXTranslationUnit_DetailedPreprocessingRecord);
            }
        }
        finally
        {
            foreach (var h in handles)
            {
                Marshal.FreeCoTaskMem(h);
            }
            Marshal.FreeCoTaskMem(sourcePtr);
            File.Delete(source);
        }
        if (_tu == null)
        {
            throw new InvalidOperationException("libclang could not parse the headers (clang_parseTranslationUnit returned NULL)");
        }
        var errors = new List<string>();
        uint count = clang_getNumDiagnostics(_tu);
        for (uint i = 0; i < count; i++)
        {
            void* diagnostic = clang_getDiagnostic(_tu, i);
            if (clang_getDiagnosticSeverity(diagnostic) >= CXDiagnostic_Error)
            {
                errors.Add(Take(clang_formatDiagnostic(diagnostic, 0)));
            }
            clang_disposeDiagnostic(diagnostic);
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("the headers do not parse: " + string.Join("; ", errors));
        }
    }

    private static string CompilerIncludeDir()
    {
        var start = new ProcessStartInfo("gcc", "-print-file-name=include")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start gcc");
        string dir = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(dir, "stddef.h")))
        {
            throw new InvalidOperationException($"gcc -print-file-name=include gave '{dir}', which has no stddef.h");
        }
        return dir;
    }

    private HeaderInfo? HeaderOf(CXCursor cursor)
    {
        string file = FileOf(cursor);
        foreach (var header in _headers)
        {
            if (file == Path.Combine(_options.IncludeDir, header.RelativePath))
            {
                return header;
            }
        }
        return null;
    }

    /// <summary>The bound header whose constants class also carries the IBV_* macros of a helper header it includes.</summary>
    private HeaderInfo? ConstantHeaderOf(CXCursor cursor)
    {
        string file = FileOf(cursor);
        foreach (var header in _headers)
        {
            if (header.ConstantHeaders.Any(h => file == Path.Combine(_options.IncludeDir, h)))
            {
                return header;
            }
        }
        return null;
    }
}
