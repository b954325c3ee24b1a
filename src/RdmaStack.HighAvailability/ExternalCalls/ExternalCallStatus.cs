namespace RdmaStack.HighAvailability.ExternalCalls;

/// <summary>How an external call ended, as every replica sees it.</summary>
public enum ExternalCallStatus : byte
{
    /// <summary>The service answered; the response holds <see cref="ExternalCallResult.Length"/> bytes.</summary>
    Completed = 1,

    /// <summary>The service reported a failure (it did not do what was asked); no response bytes.</summary>
    Failed = 2,

    /// <summary>
    /// The primary died after announcing the call and before its result reached the backup, and the service,
    /// asked by the new primary through <see cref="IExternalService.Recover"/>, had not executed it: the call
    /// was never made and never will be (the service refuses the key from then on).
    /// </summary>
    NotExecuted = 3,
}
