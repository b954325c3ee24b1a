namespace RdmaStack.HighAvailability.Tests.Replication;

/// <summary>Thrown by a test hook on a replica's thread: the replica stops there, as if killed.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
