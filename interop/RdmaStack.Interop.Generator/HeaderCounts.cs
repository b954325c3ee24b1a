namespace RdmaStack.Interop.Generator;

/// <summary>What one bound header declares, as the generator counted it.</summary>
/// <param name="Header">The header, relative to the include dir (infiniband/verbs.h).</param>
/// <param name="Structs">Named struct definitions (including those named only by a typedef).</param>
/// <param name="Unions">Named union definitions.</param>
/// <param name="Enums">Enum definitions, anonymous ones included.</param>
/// <param name="ExportedFunctions">Non-static function declarations, bound as [LibraryImport].</param>
/// <param name="InlineFunctions">static inline function definitions (not exported; not bound).</param>
/// <param name="FunctionMacros">Function-like macros.</param>
/// <param name="Constants">Integer constants carried (object-like macros and anonymous enum members).</param>
internal sealed record HeaderCounts(
    string Header, int Structs, int Unions, int Enums, int ExportedFunctions, int InlineFunctions, int FunctionMacros, int Constants);
