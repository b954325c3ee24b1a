using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdmaStack.Interop.Generator;

/// <summary>
/// The part of libclang's stable C API (clang-c/Index.h) the generator uses. Bound to Debian's libclang1-14
/// (<c>libclang-14.so.1</c>), which ./build.sh setup installs.
/// </summary>
internal static unsafe partial class LibClang
{
    public const string LibraryName = "libclang-14.so.1";

    // CXCursorKind
    public const int CXCursor_StructDecl = 2;
    public const int CXCursor_UnionDecl = 3;
    public const int CXCursor_EnumDecl = 5;
    public const int CXCursor_FieldDecl = 6;
    public const int CXCursor_EnumConstantDecl = 7;
    public const int CXCursor_FunctionDecl = 8;
    public const int CXCursor_TypedefDecl = 20;
    public const int CXCursor_MacroDefinition = 501;

    // CXTypeKind
    public const int CXType_Void = 2;
    public const int CXType_Bool = 3;
    public const int CXType_Char_U = 4;
    public const int CXType_UChar = 5;
    public const int CXType_UShort = 8;
    public const int CXType_UInt = 9;
    public const int CXType_ULong = 10;
    public const int CXType_ULongLong = 11;
    public const int CXType_Char_S = 13;
    public const int CXType_SChar = 14;
    public const int CXType_Short = 16;
    public const int CXType_Int = 17;
    public const int CXType_Long = 18;
    public const int CXType_LongLong = 19;
    public const int CXType_Float = 21;
    public const int CXType_Double = 22;
    public const int CXType_Pointer = 101;
    public const int CXType_Record = 105;
    public const int CXType_Enum = 106;
    public const int CXType_Typedef = 107;
    public const int CXType_FunctionNoProto = 110;
    public const int CXType_FunctionProto = 111;
    public const int CXType_ConstantArray = 112;
    public const int CXType_IncompleteArray = 114;
    public const int CXType_Elaborated = 119;

    // CX_StorageClass
    public const int CX_SC_Static = 3;

    // CXTranslationUnit_Flags
    public const uint CXTranslationUnit_DetailedPreprocessingRecord = 0x01;

    // CXTokenKind
    public const int CXToken_Punctuation = 0;
    public const int CXToken_Identifier = 2;
    public const int CXToken_Literal = 3;

    // CXDiagnosticSeverity
    public const int CXDiagnostic_Error = 3;

    [LibraryImport(LibraryName)] public static partial void* clang_createIndex(int excludeDeclarationsFromPch, int displayDiagnostics);
    [LibraryImport(LibraryName)] public static partial void clang_disposeIndex(void* index);
    [LibraryImport(LibraryName)] public static partial void* clang_parseTranslationUnit(void* index, byte* sourceFilename, byte** commandLineArgs, int numCommandLineArgs, void* unsavedFiles, uint numUnsavedFiles, uint options);
    [LibraryImport(LibraryName)] public static partial void clang_disposeTranslationUnit(void* tu);
    [LibraryImport(LibraryName)] public static partial uint clang_getNumDiagnostics(void* tu);
    [LibraryImport(LibraryName)] public static partial void* clang_getDiagnostic(void* tu, uint index);
    [LibraryImport(LibraryName)] public static partial int clang_getDiagnosticSeverity(void* diagnostic);
    [LibraryImport(LibraryName)] public static partial CXString clang_formatDiagnostic(void* diagnostic, uint options);
    [LibraryImport(LibraryName)] public static partial void clang_disposeDiagnostic(void* diagnostic);
    [LibraryImport(LibraryName)] public static partial CXCursor clang_getTranslationUnitCursor(void* tu);
    [LibraryImport(LibraryName)] public static partial uint clang_visitChildren(CXCursor parent, delegate* unmanaged[Cdecl]<CXCursor, CXCursor, void*, int> visitor, void* clientData);
    [LibraryImport(LibraryName)] public static partial int clang_getCursorKind(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial CXString clang_getCursorSpelling(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial CXString clang_getCursorUSR(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial byte* clang_getCString(CXString value);
    [LibraryImport(LibraryName)] public static partial void clang_disposeString(CXString value);
    [LibraryImport(LibraryName)] public static partial CXType clang_getCursorType(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial CXType clang_getCanonicalType(CXType type);
    [LibraryImport(LibraryName)] public static partial CXType clang_getPointeeType(CXType type);
    [LibraryImport(LibraryName)] public static partial CXType clang_getResultType(CXType type);
    [LibraryImport(LibraryName)] public static partial int clang_getNumArgTypes(CXType type);
    [LibraryImport(LibraryName)] public static partial CXType clang_getArgType(CXType type, uint index);
    [LibraryImport(LibraryName)] public static partial uint clang_isFunctionTypeVariadic(CXType type);
    [LibraryImport(LibraryName)] public static partial CXType clang_getArrayElementType(CXType type);
    [LibraryImport(LibraryName)] public static partial long clang_getArraySize(CXType type);
    [LibraryImport(LibraryName)] public static partial long clang_Type_getSizeOf(CXType type);
    [LibraryImport(LibraryName)] public static partial long clang_Type_getAlignOf(CXType type);
    [LibraryImport(LibraryName)] public static partial long clang_Type_getOffsetOf(CXType type, byte* fieldName);
    [LibraryImport(LibraryName)] public static partial CXType clang_Type_getNamedType(CXType type);
    [LibraryImport(LibraryName)] public static partial CXCursor clang_getTypeDeclaration(CXType type);
    [LibraryImport(LibraryName)] public static partial CXCursor clang_getCursorDefinition(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial CXString clang_getTypeSpelling(CXType type);
    [LibraryImport(LibraryName)] public static partial CXString clang_getTypedefName(CXType type);
    [LibraryImport(LibraryName)] public static partial CXType clang_getTypedefDeclUnderlyingType(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial CXType clang_getEnumDeclIntegerType(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial long clang_getEnumConstantDeclValue(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial ulong clang_getEnumConstantDeclUnsignedValue(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial long clang_Cursor_getOffsetOfField(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial uint clang_Cursor_isBitField(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial uint clang_Cursor_isAnonymous(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial uint clang_Cursor_isAnonymousRecordDecl(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial uint clang_isCursorDefinition(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial int clang_Cursor_getStorageClass(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial uint clang_Cursor_isMacroFunctionLike(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial int clang_Cursor_getNumArguments(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial CXCursor clang_Cursor_getArgument(CXCursor cursor, uint index);
    [LibraryImport(LibraryName)] public static partial CXSourceLocation clang_getCursorLocation(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial void clang_getExpansionLocation(CXSourceLocation location, void** file, uint* line, uint* column, uint* offset);
    [LibraryImport(LibraryName)] public static partial CXString clang_getFileName(void* file);
    [LibraryImport(LibraryName)] public static partial CXSourceRange clang_getCursorExtent(CXCursor cursor);
    [LibraryImport(LibraryName)] public static partial void clang_tokenize(void* tu, CXSourceRange range, CXToken** tokens, uint* numTokens);
    [LibraryImport(LibraryName)] public static partial CXString clang_getTokenSpelling(void* tu, CXToken token);
    [LibraryImport(LibraryName)] public static partial int clang_getTokenKind(CXToken token);
    [LibraryImport(LibraryName)] public static partial void clang_disposeTokens(void* tu, CXToken* tokens, uint numTokens);

    /// <summary>Copies a CXString into a managed string and releases it.</summary>
    public static string Take(CXString value)
    {
        try
        {
            byte* p = clang_getCString(value);
            return p == null ? string.Empty : Marshal.PtrToStringUTF8((nint)p) ?? string.Empty;
        }
        finally
        {
            clang_disposeString(value);
        }
    }

    public static string Spelling(CXCursor cursor) => Take(clang_getCursorSpelling(cursor));

    public static string Usr(CXCursor cursor) => Take(clang_getCursorUSR(cursor));

    public static string Spelling(CXType type) => Take(clang_getTypeSpelling(type));

    /// <summary>The file a declaration was written in (after macro expansion), or "" for built-ins.</summary>
    public static string FileOf(CXCursor cursor)
    {
        void* file = null;
        uint line, column, offset;
        clang_getExpansionLocation(clang_getCursorLocation(cursor), &file, &line, &column, &offset);
        return file == null ? string.Empty : Take(clang_getFileName(file));
    }

    [ThreadStatic] private static List<CXCursor>? t_children;

    /// <summary>The direct children of a cursor, in source order.</summary>
    public static List<CXCursor> Children(CXCursor parent)
    {
        var saved = t_children;
        var list = new List<CXCursor>();
        t_children = list;
        try
        {
            _ = clang_visitChildren(parent, &CollectChild, null);
        }
        finally
        {
            t_children = saved;
        }
        return list;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int CollectChild(CXCursor cursor, CXCursor parent, void* clientData)
    {
        t_children!.Add(cursor);
        return 1; // CXChildVisit_Continue
    }

    /// <summary>The tokens a cursor spans (a macro definition: its name, then its replacement list).</summary>
    public static List<(int Kind, string Text)> Tokens(void* tu, CXCursor cursor)
    {
        CXToken* tokens = null;
        uint count = 0;
        clang_tokenize(tu, clang_getCursorExtent(cursor), &tokens, &count);
        var result = new List<(int, string)>((int)count);
        for (uint i = 0; i < count; i++)
        {
            result.Add((clang_getTokenKind(tokens[i]), Take(clang_getTokenSpelling(tu, tokens[i]))));
        }
        if (tokens != null)
        {
            clang_disposeTokens(tu, tokens, count);
        }
        return result;
    }
}
