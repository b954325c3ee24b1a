namespace RdmaStack.Fuzz;

/// <summary>Thrown by a harness when the code under test broke a rule it promises (the fuzzer records it as a crash).</summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException()
    {
    }

    public InvariantViolationException(string message)
        : base(message)
    {
    }

    public InvariantViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
