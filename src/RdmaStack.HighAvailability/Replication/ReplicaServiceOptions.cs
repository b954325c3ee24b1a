using System.Globalization;
using System.Text.RegularExpressions;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>
/// One replicated service on a fabric: its name, how many servers it has, and where its members find each other.
/// Every server (<see cref="ReplicaNode.Create"/>) and client (<see cref="Sessions.ReplicaClient.Create(Fabric, ReplicaServiceOptions, long, Sessions.ReplicaClientOptions)"/>)
/// of the service gives the same values.
/// </summary>
/// <remarks>
/// <para><b>Streams.</b> Each pair of members that talk has two streams, one each way: the two servers (replication),
/// and each client with each server (requests, replies). A stream is named after the service and both ends'
/// incarnations, <c>NAME.FROM-INC.TO-INC</c> (members are <c>s0</c>, <c>s1</c> and <c>cID</c>), so a member that
/// restarts, with a new incarnation, gets new streams: the transport's streams carry sequence numbers that a new
/// process would start again at 1.</para>
/// <para><b>Membership.</b> Each member writes a file named after itself into the folder
/// <c>DIRECTORY/rdmastack-ha.NAME</c>, holding its process id and its incarnation (a random number drawn at start),
/// and reads the others' every <see cref="DirectoryPollInterval"/> on a background thread: a new client is served, a
/// server that restarted gets new streams. A file whose process is gone is ignored. This needs the folder to be
/// shared by every member: one host (the fabric's rendezvous folder, /dev/shm, by default).</para>
/// </remarks>
public sealed partial record ReplicaServiceOptions
{
    /// <summary>The longest <see cref="Name"/>: stream names of two members with their incarnations must fit the
    /// transport's 100 characters.</summary>
    public const int MaxNameLength = 24;

    /// <summary>The service's name, 1 to <see cref="MaxNameLength"/> letters, digits, '_' or '-'; it prefixes every
    /// stream and names the membership folder.</summary>
    public required string Name { get; init; }

    /// <summary>2 (a primary and a backup, the default) or 1 (one server alone, unreplicated: a baseline).</summary>
    public int Servers { get; init; } = 2;

    /// <summary>The folder of the membership folder; null: the fabric's <see cref="FabricOptions.RendezvousDirectory"/>.</summary>
    public string? Directory { get; init; }

    /// <summary>How often each member reads the others' membership files (default 10 ms): the delay before a new
    /// client is served or a restarted server gets its streams. Promotion does not wait for it.</summary>
    public TimeSpan DirectoryPollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Name);
        if (!ValidName().IsMatch(Name))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Service name '{Name}' must be 1 to {MaxNameLength} letters, digits, '_' or '-'."), nameof(Name));
        }

        if (Servers is < 1 or > 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A service has 1 or 2 servers, not {Servers}."), nameof(Servers));
        }

        if (Directory is { Length: 0 })
        {
            throw new ArgumentException("The membership directory is empty.", nameof(Directory));
        }

        if (DirectoryPollInterval <= TimeSpan.Zero || DirectoryPollInterval > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"DirectoryPollInterval must be above zero and at most 10 s; got {DirectoryPollInterval}.", nameof(DirectoryPollInterval));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,24}$")]
    private static partial Regex ValidName();
}
