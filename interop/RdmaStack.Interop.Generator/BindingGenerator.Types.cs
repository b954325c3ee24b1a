using static RdmaStack.Interop.Generator.LibClang;

namespace RdmaStack.Interop.Generator;

/// <summary>Mapping C types to C# types.</summary>
internal sealed unsafe partial class BindingGenerator
{
    // ---------------------------------------------------------------- types

    private string MapType(CXType type)
    {
        if (type.Kind is CXType_Typedef or CXType_Elaborated)
        {
            string spelled = Spelling(type);
            switch (spelled.Replace("const ", "", StringComparison.Ordinal).Trim())
            {
                case "size_t" or "uintptr_t":
                    return "nuint";
                case "ssize_t" or "intptr_t" or "ptrdiff_t":
                    return "nint";
            }
        }
        var canonical = clang_getCanonicalType(type);
        switch (canonical.Kind)
        {
            case CXType_Void: return "void";
            case CXType_Bool: return "byte";
            case CXType_Char_U or CXType_Char_S or CXType_UChar: return "byte";
            case CXType_SChar: return "sbyte";
            case CXType_Short: return "short";
            case CXType_UShort: return "ushort";
            case CXType_Int: return "int";
            case CXType_UInt: return "uint";
            case CXType_Long or CXType_LongLong: return "long";
            case CXType_ULong or CXType_ULongLong: return "ulong";
            case CXType_Float: return "float";
            case CXType_Double: return "double";
            case CXType_Pointer:
            {
                var pointee = clang_getPointeeType(type.Kind == CXType_Pointer ? type : canonical);
                var pointeeCanonical = clang_getCanonicalType(pointee);
                if (pointeeCanonical.Kind == CXType_FunctionProto)
                {
                    return FunctionPointer(pointee.Kind == CXType_FunctionProto ? pointee : pointeeCanonical);
                }
                if (pointeeCanonical.Kind == CXType_FunctionNoProto)
                {
                    return "delegate* unmanaged[Cdecl]<void>";
                }
                return MapType(pointee) + "*";
            }
            case CXType_Record:
                return RecordFor(clang_getTypeDeclaration(canonical)).Name;
            case CXType_Enum:
            {
                var decl = clang_getTypeDeclaration(canonical);
                if (clang_Cursor_isAnonymous(decl) != 0 && !_typedefNames.ContainsKey(Usr(decl)))
                {
                    return MapType(clang_getEnumDeclIntegerType(decl));
                }
                return EnumFor(decl).Name;
            }
            default:
                throw new NotSupportedException($"type '{Spelling(type)}' (kind {canonical.Kind}) is not bound");
        }
    }

    /// <summary>A parameter declared as an array is a pointer to its first element, as in C.</summary>
    private string MapParameter(CXType type)
    {
        var canonical = clang_getCanonicalType(type);
        return canonical.Kind is CXType_ConstantArray or CXType_IncompleteArray
            ? MapType(clang_getArrayElementType(canonical)) + "*"
            : MapType(type);
    }

    private string FunctionPointer(CXType proto)
    {
        if (clang_isFunctionTypeVariadic(proto) != 0)
        {
            throw new NotSupportedException($"variadic function pointer '{Spelling(proto)}'");
        }
        var parts = new List<string>();
        int count = clang_getNumArgTypes(proto);
        for (int i = 0; i < count; i++)
        {
            parts.Add(MapParameter(clang_getArgType(proto, (uint)i)));
        }
        parts.Add(MapType(clang_getResultType(proto)));
        return $"delegate* unmanaged[Cdecl]<{string.Join(", ", parts)}>";
    }

    private static string Identifier(string name) => s_keywords.Contains(name) ? "@" + name : name;

    private static string Xml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
