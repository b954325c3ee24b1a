using System.Text.Json.Serialization;

namespace RdmaStack.Cli.Ha.Quorum;

/// <summary>The result lines of a quorum run's processes.</summary>
[JsonSerializable(typeof(ReplicatorResult))]
[JsonSerializable(typeof(ProcessorResult))]
[JsonSerializable(typeof(ClientResult))]
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
internal sealed partial class QuorumJsonContext : JsonSerializerContext;
