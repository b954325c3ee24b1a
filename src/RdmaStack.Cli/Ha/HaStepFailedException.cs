namespace RdmaStack.Cli.Ha;

/// <summary>A step of the HA demo did not happen in time (a process did not promote, join, answer or finish).</summary>
internal sealed class HaStepFailedException(string message) : Exception(message);
