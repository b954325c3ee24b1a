using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Tests;

/// <summary>Every generated struct against gcc's layout of the same headers (native/layout_probe.c).</summary>
public sealed class LayoutTests
{
    private static readonly Assembly s_interop = typeof(ibv_send_wr).Assembly;

    [Fact]
    public void Every_struct_and_field_matches_gcc()
    {
        var probe = LayoutProbe.Instance;
        var mismatches = new List<string>();
        int fields = 0;
        foreach (string name in probe.Order)
        {
            var expected = probe.Structs[name];
            Type? type = s_interop.GetType($"{typeof(ibv_send_wr).Namespace}.{name}");
            if (type == null)
            {
                mismatches.Add($"{name}: the probe lists it, C# has no such struct");
                continue;
            }
            if (type.StructLayoutAttribute?.Value != LayoutKind.Explicit)
            {
                mismatches.Add($"{name}: not [StructLayout(LayoutKind.Explicit)]");
            }
            long size = SizeOf(type);
            if (size != expected.Size)
            {
                mismatches.Add($"{name}: size {size}, gcc {expected.Size}");
            }
            foreach (var field in expected.Fields)
            {
                fields++;
                if (!TryResolve(type, field.Path, out long offset, out long fieldSize, out string? error))
                {
                    mismatches.Add($"{name}.{field.Path}: {error}");
                }
                else if (offset != field.Offset || fieldSize != field.Size)
                {
                    mismatches.Add($"{name}.{field.Path}: offset {offset} size {fieldSize}, gcc offset {field.Offset} size {field.Size}");
                }
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"layout: {probe.Order.Count} structs, {fields} fields compared with gcc, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.True(probe.Order.Count >= 110, $"the probe lists only {probe.Order.Count} structs; verbs.h and rdma_cma.h alone have 110");
    }

    [Fact]
    public void Every_generated_struct_with_fields_is_in_the_probe()
    {
        var probe = LayoutProbe.Instance;
        var missing = s_interop.GetTypes()
            .Where(t => t.IsValueType && !t.IsEnum && !t.IsNested && t.IsPublic && t.Namespace == typeof(ibv_send_wr).Namespace)
            .Where(t => t.GetFields(BindingFlags.Public | BindingFlags.Instance).Length > 0)
            .Where(t => !probe.Structs.ContainsKey(t.Name))
            .Select(t => t.Name)
            .ToList();
        Assert.True(missing.Count == 0, "not checked by the probe: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("ibv_send_wr", 128)]
    [InlineData("ibv_wc", 48)]
    public void Known_sizes_hold(string name, int size)
    {
        Assert.Equal(size, LayoutProbe.Instance.Size(name));
        Assert.Equal(size, SizeOf(s_interop.GetType($"{typeof(ibv_send_wr).Namespace}.{name}")!));
    }

    [Fact]
    public void Nested_and_anonymous_members_are_reachable_by_their_C_paths()
    {
        var probe = LayoutProbe.Instance;
        ibv_send_wr wr = default;
        wr.wr.rdma.rkey = 0x1234;
        wr.imm_data = 7;
        ibv_wc wc = default;
        wc.invalidated_rkey = 9;
        unsafe
        {
            Assert.Equal(probe.Offset("ibv_send_wr", "wr.rdma.rkey"), (byte*)&wr.wr.rdma.rkey - (byte*)&wr);
            Assert.Equal(probe.Offset("ibv_send_wr", "imm_data"), (byte*)&wr.imm_data - (byte*)&wr);
            Assert.Equal(probe.Offset("ibv_wc", "imm_data"), (byte*)&wc.imm_data - (byte*)&wc);
        }
        Assert.Equal(9u, wc.imm_data); // imm_data and invalidated_rkey share the anonymous union
    }

    private static bool TryResolve(Type type, string path, out long offset, out long size, out string? error)
    {
        offset = 0;
        size = 0;
        error = null;
        Type current = type;
        foreach (string component in path.Split('.'))
        {
            FieldInfo? field = current.GetField(component, BindingFlags.Public | BindingFlags.Instance);
            if (field == null)
            {
                error = $"C# {current.Name} has no field {component}";
                return false;
            }
            var attribute = field.GetCustomAttribute<FieldOffsetAttribute>();
            if (attribute == null)
            {
                error = $"C# {current.Name}.{component} has no [FieldOffset]";
                return false;
            }
            offset += attribute.Value;
            current = field.FieldType;
            size = SizeOf(current);
        }
        return true;
    }

    private static long SizeOf(Type type)
    {
        if (type.IsPointer || type.IsFunctionPointer || type.IsUnmanagedFunctionPointer)
        {
            return IntPtr.Size;
        }
        var method = typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type);
        return (int)method.Invoke(null, null)!;
    }
}
