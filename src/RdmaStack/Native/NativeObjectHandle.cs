using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RdmaStack.Native;

/// <summary>
/// Owns one native object of a provider (a libibverbs object, a NetworkDirect COM object). A child holds a
/// reference on each parent (for verbs: a PD on its context, a QP on its PD and CQ; for NetworkDirect: a queue
/// pair on its adapter and completion queue, an adapter on its provider), so the parents are destroyed only after
/// every child: teardown runs in reverse creation order whatever order the managed objects are disposed or
/// finalized in.
/// </summary>
/// <typeparam name="TKind">The provider's kinds of objects (an int enum); live handles are counted per kind
/// (<see cref="Live"/>) and a test checks they return to zero.</typeparam>
internal abstract class NativeObjectHandle<TKind> : SafeHandle
    where TKind : struct, Enum
{
    private static readonly long[] s_live = new long[Enum.GetValues<TKind>().Length];
    private readonly SafeHandle[] _parents;

    /// <summary>Takes ownership of <paramref name="pointer"/> (non-null) and a reference on each parent.</summary>
    protected NativeObjectHandle(TKind kind, nint pointer, params SafeHandle[] parents)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Kind = kind;
        _parents = parents;
        int added = 0;
        try
        {
            foreach (SafeHandle parent in parents)
            {
                bool ok = false;
                parent.DangerousAddRef(ref ok);
                added++;
            }
        }
        catch
        {
            for (int i = 0; i < added; i++)
            {
                parents[i].DangerousRelease();
            }

            throw;
        }

        SetHandle(pointer);
        Interlocked.Increment(ref s_live[Index(kind)]);
    }

    /// <summary>What the handle owns.</summary>
    public TKind Kind { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The error code of the destroy call when it failed; 0 otherwise.</summary>
    public int ReleaseError { get; private set; }

    /// <summary>How many handles of <paramref name="kind"/> are alive in this process.</summary>
    public static long Live(TKind kind) => Volatile.Read(ref s_live[Index(kind)]);

    /// <summary>Destroys the native object; returns 0 or an error code.</summary>
    protected abstract int Destroy();

    /// <inheritdoc/>
    protected sealed override bool ReleaseHandle()
    {
        int rc = Destroy();
        ReleaseError = rc;
        Interlocked.Decrement(ref s_live[Index(Kind)]);
        for (int i = _parents.Length - 1; i >= 0; i--)
        {
            _parents[i].DangerousRelease();
        }

        return rc == 0;
    }

    private static int Index(TKind kind) => Unsafe.As<TKind, int>(ref kind);
}
