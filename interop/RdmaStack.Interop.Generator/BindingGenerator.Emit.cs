using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using static RdmaStack.Interop.Generator.LibClang;

namespace RdmaStack.Interop.Generator;

/// <summary>Writing the C# for records, enums and imports.</summary>
internal sealed unsafe partial class BindingGenerator
{
    // ---------------------------------------------------------------- emission

    private void Emit()
    {
        while (_pendingRecords.Count > 0)
        {
            var record = _pendingRecords.Dequeue();
            var sb = new StringBuilder();
            BeginFile(sb);
            if (record.Complete)
            {
                var probe = new ProbeStruct(record.CName, record.Name, []);
                EmitRecord(sb, record.Cursor, record.Name, record.CName, record.Header, 0, "", probe.Fields);
                _probe.Add(probe);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"/// <summary><c>{Xml(record.CName)}</c>: opaque (declared, never defined, in the headers); only used behind a pointer.</summary>\n");
                sb.Append(CultureInfo.InvariantCulture, $"public partial struct {record.Name}\n{{\n}}\n");
            }
            _files[record.Name + ".cs"] = sb.ToString();
        }
        foreach (var info in _enumOrder)
        {
            var sb = new StringBuilder();
            BeginFile(sb);
            EmitEnum(sb, info);
            _files[info.Name + ".cs"] = sb.ToString();
        }
        foreach (var header in _headers)
        {
            var sb = new StringBuilder();
            BeginFile(sb, "System.Runtime.CompilerServices", "System.Runtime.InteropServices");
            EmitFunctions(sb, header);
            _files[header.ClassName + ".cs"] = sb.ToString();
        }
    }

    private static void BeginFile(StringBuilder sb, params string[] usings)
    {
        sb.Append(Header).Append('\n');
        foreach (var u in usings.Append("System.Runtime.InteropServices").Distinct().Order(StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"using {u};\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"\nnamespace {Namespace};\n\n");
    }

    private void EmitRecord(StringBuilder sb, CXCursor decl, string name, string cName, HeaderInfo? header,
        int depth, string pathPrefix, List<ProbeField> probe)
    {
        string pad = new(' ', depth * 4);
        var type = clang_getCursorType(decl);
        long size = clang_Type_getSizeOf(type);
        long align = clang_Type_getAlignOf(type);
        if (size < 0)
        {
            throw new InvalidOperationException($"{cName}: clang cannot size it ({size})");
        }
        string where = header != null ? header.RelativePath : FileOf(decl);
        sb.Append(CultureInfo.InvariantCulture, $"{pad}/// <summary><c>{Xml(cName)}</c> from {Xml(where)}: {size} bytes, aligned to {align}.</summary>\n");
        sb.Append(CultureInfo.InvariantCulture, $"{pad}[StructLayout(LayoutKind.Explicit, Size = {size})]\n");
        sb.Append(CultureInfo.InvariantCulture, $"{pad}public unsafe partial struct {name}\n{pad}{{\n");
        var nested = new StringBuilder();
        bool first = true;
        foreach (var field in Fields(decl))
        {
            string path = pathPrefix + field.Name;
            long fieldSize = clang_Type_getSizeOf(field.Type);
            probe.Add(new ProbeField(path, field.Offset, fieldSize));
            var canonical = clang_getCanonicalType(field.Type);
            string csType;
            if (canonical.Kind == CXType_Record && clang_Cursor_isAnonymous(clang_getTypeDeclaration(canonical)) != 0
                && !_typedefNames.ContainsKey(Usr(clang_getTypeDeclaration(canonical))))
            {
                var inner = clang_getTypeDeclaration(canonical);
                bool isUnion = clang_getCursorKind(inner) == CXCursor_UnionDecl;
                csType = field.Name + (isUnion ? "_union" : "_struct");
                nested.Append('\n');
                EmitRecord(nested, inner, csType, $"{(isUnion ? "union" : "struct")} {{...}} {field.Name} in {cName}",
                    header, depth + 1, path + ".", probe);
            }
            else if (canonical.Kind == CXType_ConstantArray)
            {
                csType = field.Name + "_array";
                var element = clang_getArrayElementType(canonical);
                if (clang_getCanonicalType(element).Kind == CXType_ConstantArray)
                {
                    throw new NotSupportedException($"{cName}.{field.Name}: multi-dimensional arrays are not bound");
                }
                string elementType = MapType(element);
                long length = clang_getArraySize(canonical);
                nested.Append('\n');
                nested.Append(CultureInfo.InvariantCulture, $"{pad}    /// <summary>The C array <c>{Xml(Spelling(field.Type))} {field.Name}</c>: {length} elements.</summary>\n");
                nested.Append(CultureInfo.InvariantCulture, $"{pad}    [System.Runtime.CompilerServices.InlineArray({length})]\n");
                nested.Append(CultureInfo.InvariantCulture, $"{pad}    public unsafe partial struct {csType}\n{pad}    {{\n");
                nested.Append(CultureInfo.InvariantCulture, $"{pad}        /// <summary>Element 0; index the array for the others.</summary>\n");
                nested.Append(CultureInfo.InvariantCulture, $"{pad}        public {elementType} e0;\n{pad}    }}\n");
            }
            else
            {
                csType = MapType(field.Type);
            }
            if (!first)
            {
                sb.Append('\n');
            }
            first = false;
            sb.Append(CultureInfo.InvariantCulture, $"{pad}    /// <summary><c>{Xml(Spelling(field.Type))} {field.Name}</c> at offset {field.Offset}.</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"{pad}    [FieldOffset({field.Offset})]\n");
            sb.Append(CultureInfo.InvariantCulture, $"{pad}    public {csType} {Identifier(field.Name)};\n");
        }
        sb.Append(nested);
        sb.Append(CultureInfo.InvariantCulture, $"{pad}}}\n");
    }

    /// <summary>The fields of a record, with the members of anonymous structs/unions lifted to their absolute offset.</summary>
    private static List<FieldInfo> Fields(CXCursor decl)
    {
        var type = clang_getCursorType(decl);
        var result = new List<FieldInfo>();
        foreach (var child in Children(decl))
        {
            int kind = clang_getCursorKind(child);
            if (kind == CXCursor_FieldDecl)
            {
                string name = Spelling(child);
                if (name.Length == 0)
                {
                    continue; // the implicit member of an anonymous record: its fields are lifted below
                }
                if (clang_Cursor_isBitField(child) != 0)
                {
                    throw new NotSupportedException($"{Spelling(type)}.{name}: bit-fields are not bound");
                }
                long bits = clang_Cursor_getOffsetOfField(child);
                if (bits < 0 || bits % 8 != 0)
                {
                    throw new InvalidOperationException($"{Spelling(type)}.{name}: offset {bits} bits");
                }
                result.Add(new FieldInfo(name, bits / 8, clang_getCursorType(child)));
            }
            else if (kind is CXCursor_StructDecl or CXCursor_UnionDecl && clang_Cursor_isAnonymousRecordDecl(child) != 0)
            {
                var inner = Fields(child);
                if (inner.Count == 0)
                {
                    continue;
                }
                long absolute = OffsetOf(type, inner[0].Name);
                long delta = absolute - inner[0].Offset;
                result.AddRange(inner.Select(f => f with { Offset = f.Offset + delta }));
            }
        }
        return result;
    }

    private static long OffsetOf(CXType type, string fieldName)
    {
        nint name = Marshal.StringToCoTaskMemUTF8(fieldName);
        try
        {
            long bits = clang_Type_getOffsetOf(type, (byte*)name);
            if (bits < 0 || bits % 8 != 0)
            {
                throw new InvalidOperationException($"{Spelling(type)}.{fieldName}: offset {bits} bits");
            }
            return bits / 8;
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    private void EmitEnum(StringBuilder sb, EnumInfo info)
    {
        string underlying = MapType(clang_getEnumDeclIntegerType(info.Cursor));
        bool unsigned = underlying is "byte" or "ushort" or "uint" or "ulong";
        string where = info.Header != null ? info.Header.RelativePath : FileOf(info.Cursor);
        sb.Append(CultureInfo.InvariantCulture, $"/// <summary><c>enum {Xml(info.Name)}</c> from {Xml(where)}.</summary>\n");
        sb.Append(CultureInfo.InvariantCulture, $"public enum {info.Name} : {underlying}\n{{\n");
        bool first = true;
        foreach (var constant in Children(info.Cursor))
        {
            if (clang_getCursorKind(constant) != CXCursor_EnumConstantDecl)
            {
                continue;
            }
            string value = unsigned
                ? clang_getEnumConstantDeclUnsignedValue(constant).ToString(CultureInfo.InvariantCulture)
                : clang_getEnumConstantDeclValue(constant).ToString(CultureInfo.InvariantCulture);
            if (!first)
            {
                sb.Append('\n');
            }
            first = false;
            string name = Spelling(constant);
            sb.Append(CultureInfo.InvariantCulture, $"    /// <summary><c>{name}</c> = {value}.</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    {Identifier(name)} = {value},\n");
        }
        sb.Append("}\n");
    }

    private void EmitFunctions(StringBuilder sb, HeaderInfo header)
    {
        sb.Append(CultureInfo.InvariantCulture, $"/// <summary>The functions {Xml(header.Library)} exports as declared in {Xml(header.RelativePath)}, and its integer constants.</summary>\n");
        sb.Append(CultureInfo.InvariantCulture, $"public static unsafe partial class {header.ClassName}\n{{\n");
        sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>The shared library the imports bind to.</summary>\n");
        sb.Append(CultureInfo.InvariantCulture, $"    public const string LibraryName = \"{header.Library}\";\n");
        foreach (var (name, type, value, origin) in header.Constants)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n    /// <summary><c>{Xml(origin)}</c></summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public const {type} {name} = {value};\n");
        }
        foreach (var function in header.Functions.OrderBy(Spelling, StringComparer.Ordinal))
        {
            string name = Spelling(function);
            var type = clang_getCursorType(function);
            if (clang_isFunctionTypeVariadic(type) != 0)
            {
                header.VariadicSkipped.Add(name);
                continue;
            }
            var parameters = new List<string>();
            int count = clang_getNumArgTypes(type);
            for (int i = 0; i < count; i++)
            {
                string parameterName = Spelling(clang_Cursor_getArgument(function, (uint)i));
                if (parameterName.Length == 0)
                {
                    parameterName = "arg" + i.ToString(CultureInfo.InvariantCulture);
                }
                parameters.Add($"{MapParameter(clang_getArgType(type, (uint)i))} {Identifier(parameterName)}");
            }
            string returnType = MapType(clang_getResultType(type));
            bool shadowed = header.FunctionMacros.Contains(name);
            string csName = shadowed ? name + "_export" : name;
            string prototype = Spelling(type);
            sb.Append('\n');
            if (shadowed)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>The exported symbol <c>{name}</c> (<c>{Xml(prototype)}</c>). The header hides it behind a macro of the same name: call <c>{name}</c>, which does what the macro does.</summary>\n");
                sb.Append(CultureInfo.InvariantCulture, $"    [LibraryImport(LibraryName, EntryPoint = \"{name}\", SetLastError = true)]\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"    /// <summary><c>{name}</c>: <c>{Xml(prototype)}</c>.</summary>\n");
                sb.Append(CultureInfo.InvariantCulture, $"    [LibraryImport(LibraryName, SetLastError = true)]\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public static partial {returnType} {csName}({string.Join(", ", parameters)});\n");
            header.BoundFunctions++;
            if (shadowed)
            {
                header.ShadowedFunctions.Add(name);
            }
        }
        sb.Append("}\n");
    }
}
