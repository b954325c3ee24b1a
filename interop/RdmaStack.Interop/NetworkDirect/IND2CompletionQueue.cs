using System.Runtime.CompilerServices;

namespace RdmaStack.Interop.NetworkDirect;

/// <summary><c>IND2CompletionQueue</c> (ndspi.h, derives from IND2Overlapped): where the results of queue pair
/// requests arrive; <see cref="GetResults"/> polls it without a kernel call.</summary>
public unsafe struct IND2CompletionQueue
{
    /// <summary>The object's vtable.</summary>
    public Vtbl* lpVtbl;

    /// <summary>Slot 7: asks for a notification (an overlapped request) on the next completion of a kind.</summary>
    /// <param name="type">ND_CQ_NOTIFY_ERRORS, ND_CQ_NOTIFY_ANY or ND_CQ_NOTIFY_SOLICITED.</param>
    /// <param name="pOverlapped">Completed when the notification fires.</param>
    /// <returns>An ND status (usually ND_PENDING).</returns>
    public int Notify(uint type, OVERLAPPED* pOverlapped) => lpVtbl->Notify((IND2CompletionQueue*)Unsafe.AsPointer(ref this), type, pOverlapped);

    /// <summary>Slot 8: takes up to <paramref name="nResults"/> completions.</summary>
    /// <param name="results">Where they are written.</param>
    /// <param name="nResults">Room in <paramref name="results"/>.</param>
    /// <returns>How many were written; fewer than <paramref name="nResults"/> means the queue is empty.</returns>
    public uint GetResults(ND2_RESULT* results, uint nResults) => lpVtbl->GetResults((IND2CompletionQueue*)Unsafe.AsPointer(ref this), results, nResults);

    /// <summary>IND2CompletionQueue's vtable, in slot order.</summary>
    public struct Vtbl
    {
        /// <summary>Slot 0 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, Guid*, void**, int> QueryInterface;

        /// <summary>Slot 1 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, uint> AddRef;

        /// <summary>Slot 2 (IUnknown).</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, uint> Release;

        /// <summary>Slot 3 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, int> CancelOverlappedRequests;

        /// <summary>Slot 4 (IND2Overlapped).</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, OVERLAPPED*, int, int> GetOverlappedResult;

        /// <summary>Slot 5: <c>GetNotifyAffinity(USHORT* pGroup, KAFFINITY* pAffinity)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, ushort*, nuint*, int> GetNotifyAffinity;

        /// <summary>Slot 6: <c>Resize(ULONG queueDepth)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, uint, int> Resize;

        /// <summary>Slot 7: <c>Notify(ULONG type, OVERLAPPED* pOverlapped)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, uint, OVERLAPPED*, int> Notify;

        /// <summary>Slot 8: <c>ULONG GetResults(ND2_RESULT results[], ULONG nResults)</c>.</summary>
        public delegate* unmanaged[Stdcall]<IND2CompletionQueue*, ND2_RESULT*, uint, uint> GetResults;
    }
}
