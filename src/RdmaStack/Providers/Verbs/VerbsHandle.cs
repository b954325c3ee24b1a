using System.Runtime.InteropServices;
using RdmaStack.Transport;

namespace RdmaStack.Providers.Verbs;

/// <summary>
/// Owns one libibverbs object. A child holds a reference on each parent (a PD on its context, an MR on its PD
/// and its memory, a QP on its PD and CQ), so the parents are destroyed only after every child: teardown runs
/// in reverse creation order whatever order the managed objects are disposed or finalized in.
/// </summary>
/// <remarks>Live handles are counted per kind (<see cref="Live"/>); a test checks they return to zero.</remarks>
internal abstract class VerbsHandle : SafeHandle
{
    private static readonly long[] s_live = new long[Enum.GetValues<VerbsHandleKind>().Length];
    private readonly SafeHandle[] _parents;

    /// <summary>Takes ownership of <paramref name="pointer"/> (non-null) and a reference on each parent.</summary>
    protected VerbsHandle(VerbsHandleKind kind, nint pointer, params SafeHandle[] parents)
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
        Interlocked.Increment(ref s_live[(int)kind]);
    }

    /// <summary>What the handle owns.</summary>
    public VerbsHandleKind Kind { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>How many handles of <paramref name="kind"/> are alive in this process.</summary>
    public static long Live(VerbsHandleKind kind) => Volatile.Read(ref s_live[(int)kind]);

    /// <summary>The errno (or return code) of the destroy call when it failed; 0 otherwise.</summary>
    public int ReleaseError { get; private set; }

    /// <summary>Destroys the native object; returns 0 or an errno.</summary>
    protected abstract int Destroy();

    /// <inheritdoc/>
    protected sealed override bool ReleaseHandle()
    {
        int rc = Destroy();
        ReleaseError = rc;
        Interlocked.Decrement(ref s_live[(int)Kind]);
        for (int i = _parents.Length - 1; i >= 0; i--)
        {
            _parents[i].DangerousRelease();
        }

        return rc == 0;
    }
}
