namespace RdmaStack.HighAvailability.ExternalCalls;

/// <summary>The outcome of an external call: a status and the length of the response written.</summary>
/// <param name="Status">How the call ended.</param>
/// <param name="Length">Response bytes written (0 unless <see cref="ExternalCallStatus.Completed"/>).</param>
public readonly record struct ExternalCallResult(ExternalCallStatus Status, int Length)
{
    /// <summary>A failed call (no response).</summary>
    public static ExternalCallResult Failed => new(ExternalCallStatus.Failed, 0);

    /// <summary>A call the service never executed (see <see cref="ExternalCallStatus.NotExecuted"/>).</summary>
    public static ExternalCallResult NotExecuted => new(ExternalCallStatus.NotExecuted, 0);

    /// <summary>True when the service answered.</summary>
    public bool IsCompleted => Status == ExternalCallStatus.Completed;

    /// <summary>A completed call with a response of <paramref name="length"/> bytes.</summary>
    /// <param name="length">The response length.</param>
    /// <returns>The result.</returns>
    public static ExternalCallResult Completed(int length) => new(ExternalCallStatus.Completed, length);
}
