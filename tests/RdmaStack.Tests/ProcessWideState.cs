namespace RdmaStack.Tests;

/// <summary>Tests that change state of the whole process (mlockall): they run alone, never beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideState
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process-wide state";
}
