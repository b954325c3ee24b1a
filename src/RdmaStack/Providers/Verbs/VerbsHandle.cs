using System.Runtime.InteropServices;
using RdmaStack.Native;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// Owns one libibverbs object. A child holds a reference on each parent (a PD on its context, an MR on its PD
/// and its memory, a QP on its PD and CQ), so the parents are destroyed only after every child: teardown runs
/// in reverse creation order whatever order the managed objects are disposed or finalized in.
/// </summary>
/// <remarks>Live handles are counted per kind (<see cref="NativeObjectHandle{TKind}.Live"/>); a test checks they return to zero.</remarks>
internal abstract class VerbsHandle(VerbsHandleKind kind, nint pointer, params SafeHandle[] parents)
    : NativeObjectHandle<VerbsHandleKind>(kind, pointer, parents);
