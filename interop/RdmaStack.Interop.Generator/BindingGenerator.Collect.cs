using System.Globalization;
using static RdmaStack.Interop.Generator.LibClang;

namespace RdmaStack.Interop.Generator;

/// <summary>Finding what the headers declare: records, enums, functions, macros.</summary>
internal sealed unsafe partial class BindingGenerator
{
    // ---------------------------------------------------------------- collection

    private void Collect()
    {
        var seeds = new List<CXCursor>();
        var macros = new List<(HeaderInfo Header, CXCursor Cursor)>();
        CollectFrom(clang_getTranslationUnitCursor(_tu), seeds, macros);

        foreach (var decl in seeds)
        {
            if (Spelling(decl).Length > 0 || _typedefNames.ContainsKey(Usr(decl)))
            {
                var owner = HeaderOf(decl)!;
                if (clang_getCursorKind(decl) == CXCursor_UnionDecl)
                {
                    owner.Unions++;
                }
                else
                {
                    owner.Structs++;
                }
                RecordFor(decl);
            }
        }

        // Function-like macros that shadow an exported function of the same name (ibv_reg_mr, ibv_query_port):
        // the import keeps the symbol as EntryPoint under <name>_export, the macro's behaviour is hand-written.
        foreach (var (header, cursor) in macros)
        {
            string name = Spelling(cursor);
            if (clang_Cursor_isMacroFunctionLike(cursor) != 0)
            {
                header.FunctionMacros.Add(name);
            }
        }
        foreach (var (header, cursor) in macros)
        {
            if (clang_Cursor_isMacroFunctionLike(cursor) == 0)
            {
                AddMacroConstant(header, cursor);
            }
        }
    }

    private void CollectFrom(CXCursor parent, List<CXCursor> seeds, List<(HeaderInfo, CXCursor)> macros)
    {
        foreach (var cursor in Children(parent))
        {
            int kind = clang_getCursorKind(cursor);
            if (kind == CXCursor_TypedefDecl)
            {
                var underlying = clang_getCanonicalType(clang_getTypedefDeclUnderlyingType(cursor));
                if (underlying.Kind is CXType_Record or CXType_Enum)
                {
                    var decl = clang_getTypeDeclaration(underlying);
                    if (Spelling(decl).Length == 0)
                    {
                        _typedefNames.TryAdd(Usr(decl), Spelling(cursor));
                    }
                }
                continue;
            }
            if (kind == CXCursor_EnumDecl && clang_isCursorDefinition(cursor) != 0)
            {
                // Every enum constant may appear in a macro the bindings carry (IBV_ACCESS_OPTIONAL_RANGE is
                // #defined in verbs_api.h as IB_UVERBS_ACCESS_OPTIONAL_RANGE from ib_user_ioctl_verbs.h).
                foreach (var constant in Children(cursor))
                {
                    if (clang_getCursorKind(constant) == CXCursor_EnumConstantDecl)
                    {
                        _knownConstants[Spelling(constant)] = clang_getEnumConstantDeclValue(constant);
                    }
                }
            }
            var header = HeaderOf(cursor);
            if (header == null)
            {
                if (kind == CXCursor_MacroDefinition && ConstantHeaderOf(cursor) is { } owner && Spelling(cursor).StartsWith(owner.ConstantPrefix, StringComparison.Ordinal))
                {
                    macros.Add((owner, cursor));
                }
                continue;
            }
            switch (kind)
            {
                case CXCursor_StructDecl or CXCursor_UnionDecl when clang_isCursorDefinition(cursor) != 0:
                    if (clang_Cursor_isAnonymousRecordDecl(cursor) == 0)
                    {
                        seeds.Add(cursor);
                    }
                    CollectFrom(cursor, seeds, macros);
                    break;
                case CXCursor_EnumDecl when clang_isCursorDefinition(cursor) != 0:
                    header.Enums++;
                    if (clang_Cursor_isAnonymous(cursor) != 0)
                    {
                        AddAnonymousEnumConstants(header, cursor);
                    }
                    else
                    {
                        EnumFor(cursor);
                    }
                    break;
                case CXCursor_FunctionDecl:
                    if (clang_Cursor_getStorageClass(cursor) == CX_SC_Static)
                    {
                        if (clang_isCursorDefinition(cursor) != 0)
                        {
                            header.InlineFunctions++;
                        }
                    }
                    else if (!header.Functions.Any(f => Spelling(f) == Spelling(cursor)))
                    {
                        header.Functions.Add(cursor);
                    }
                    break;
                case CXCursor_MacroDefinition:
                    macros.Add((header, cursor));
                    break;
            }
        }
    }

    private void AddAnonymousEnumConstants(HeaderInfo header, CXCursor decl)
    {
        string type = MapType(clang_getEnumDeclIntegerType(decl));
        bool unsigned = type is "byte" or "ushort" or "uint" or "ulong";
        foreach (var constant in Children(decl))
        {
            if (clang_getCursorKind(constant) != CXCursor_EnumConstantDecl)
            {
                continue;
            }
            string name = Spelling(constant);
            string value = unsigned
                ? clang_getEnumConstantDeclUnsignedValue(constant).ToString(CultureInfo.InvariantCulture)
                : clang_getEnumConstantDeclValue(constant).ToString(CultureInfo.InvariantCulture);
            _knownConstants[name] = clang_getEnumConstantDeclValue(constant);
            header.Constants.Add((name, type, value, "constant of an anonymous enum"));
        }
    }

    private void AddMacroConstant(HeaderInfo header, CXCursor cursor)
    {
        string name = Spelling(cursor);
        var tokens = Tokens(_tu, cursor);
        if (name.StartsWith('_') || tokens.Count < 2 || header.FunctionMacros.Contains(name))
        {
            return;
        }
        var body = tokens.Skip(1).ToList();
        var evaluator = new ConstantEvaluator(body, _knownConstants);
        if (!evaluator.TryEvaluate(out long value, out bool isUnsigned))
        {
            header.SkippedMacros++;
            return;
        }
        _knownConstants[name] = value;
        string type = value is >= int.MinValue and <= int.MaxValue && !isUnsigned ? "int"
            : isUnsigned && (ulong)value <= uint.MaxValue ? "uint"
            : isUnsigned ? "ulong" : "long";
        string text = type == "ulong" ? ((ulong)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString(CultureInfo.InvariantCulture);
        string replacement = string.Join(" ", body.Select(t => t.Text));
        header.Constants.Add((name, type, text, $"#define {name} {replacement}"));
    }

    // ---------------------------------------------------------------- records and enums

    private RecordInfo RecordFor(CXCursor decl)
    {
        var definition = clang_getCursorDefinition(decl);
        bool complete = clang_getCursorKind(definition) is CXCursor_StructDecl or CXCursor_UnionDecl;
        if (complete)
        {
            decl = definition;
        }
        string usr = Usr(decl);
        if (_records.TryGetValue(usr, out var known))
        {
            return known;
        }
        string name;
        string cName;
        if (Spelling(decl).Length > 0)
        {
            name = Spelling(decl);
            cName = (clang_getCursorKind(decl) == CXCursor_UnionDecl ? "union " : "struct ") + name;
        }
        else if (_typedefNames.TryGetValue(usr, out var typedefName))
        {
            name = typedefName;
            cName = typedefName;
        }
        else
        {
            throw new InvalidOperationException($"unnamed record outside a field at {FileOf(decl)}");
        }
        var info = new RecordInfo(decl, name, cName, complete, HeaderOf(decl));
        _records.Add(usr, info);
        _recordOrder.Add(info);
        _pendingRecords.Enqueue(info);
        return info;
    }

    private EnumInfo EnumFor(CXCursor decl)
    {
        var definition = clang_getCursorDefinition(decl);
        if (clang_getCursorKind(definition) == CXCursor_EnumDecl)
        {
            decl = definition;
        }
        string usr = Usr(decl);
        if (_enums.TryGetValue(usr, out var known))
        {
            return known;
        }
        string name = Spelling(decl).Length > 0 ? Spelling(decl)
            : _typedefNames.TryGetValue(usr, out var typedefName) ? typedefName
            : throw new InvalidOperationException("anonymous enum used as a type");
        var info = new EnumInfo(decl, name, HeaderOf(decl));
        foreach (var constant in Children(decl))
        {
            if (clang_getCursorKind(constant) == CXCursor_EnumConstantDecl)
            {
                _knownConstants[Spelling(constant)] = clang_getEnumConstantDeclValue(constant);
            }
        }
        _enums.Add(usr, info);
        _enumOrder.Add(info);
        return info;
    }
}
