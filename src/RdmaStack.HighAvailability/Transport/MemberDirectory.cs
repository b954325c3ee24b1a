using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace RdmaStack.HighAvailability.Transport;

/// <summary>
/// The members of one service on one host, as files in a folder: each server and client writes
/// <c>FOLDER/MEMBER</c> holding <c>PID INCARNATION</c> (hex), and reads the others'. A file whose process is gone is
/// ignored, so a member killed without cleaning up is simply absent until its successor overwrites the file.
/// </summary>
/// <remarks>Used from one background thread per member (and at start and dispose).</remarks>
internal sealed class MemberDirectory
{
    /// <summary>The prefix of every service's folder.</summary>
    public const string FolderPrefix = "rdmastack-ha.";

    private const string TemporarySuffix = ".tmp";

    public MemberDirectory(string root, string service) => Folder = Path.Combine(root, FolderPrefix + service);

    /// <summary>The service's folder.</summary>
    public string Folder { get; }

    /// <summary>A fresh incarnation: 48 random bits, never 0.</summary>
    public static long NewIncarnation() =>
        (BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(8)) & 0xFFFF_FFFF_FFFFL) | 1;

    /// <summary>The member name of server <paramref name="server"/>.</summary>
    public static string Server(int server) => string.Create(CultureInfo.InvariantCulture, $"s{server}");

    /// <summary>The member name of client <paramref name="clientId"/>.</summary>
    public static string Client(long clientId) => string.Create(CultureInfo.InvariantCulture, $"c{clientId}");

    /// <summary>The client id of member <paramref name="member"/>, if it is a client.</summary>
    public static bool TryParseClient(string member, out long clientId)
    {
        clientId = 0;
        return member.Length > 1 && member[0] == 'c' && long.TryParse(member.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out clientId);
    }

    /// <summary>The stream from <paramref name="from"/> to <paramref name="to"/>, named after both incarnations.</summary>
    public static string StreamName(string service, string from, long fromIncarnation, string to, long toIncarnation) =>
        string.Create(CultureInfo.InvariantCulture, $"{service}.{from}-{fromIncarnation:x12}.{to}-{toIncarnation:x12}");

    /// <summary>Writes (or replaces) this process's entry for <paramref name="member"/>, atomically.</summary>
    public void Register(string member, long incarnation)
    {
        System.IO.Directory.CreateDirectory(Folder);
        string file = Path.Combine(Folder, member);
        string temporary = string.Create(CultureInfo.InvariantCulture, $"{file}.{Environment.ProcessId}{TemporarySuffix}");
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {incarnation:x12}\n"));
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>Removes <paramref name="member"/>'s entry if it is still this incarnation's.</summary>
    public void Withdraw(string member, long incarnation)
    {
        string file = Path.Combine(Folder, member);
        if (TryRead(file, out _, out long current) && current == incarnation)
        {
            File.Delete(file);
        }
    }

    /// <summary>Fills <paramref name="live"/> with every member whose process runs, and its incarnation.</summary>
    public void Scan(Dictionary<string, long> live)
    {
        live.Clear();
        if (!System.IO.Directory.Exists(Folder))
        {
            return;
        }

        foreach (string file in System.IO.Directory.EnumerateFiles(Folder))
        {
            string member = Path.GetFileName(file);
            if (!member.EndsWith(TemporarySuffix, StringComparison.Ordinal) && TryRead(file, out int pid, out long incarnation) && IsAlive(pid))
            {
                live[member] = incarnation;
            }
        }
    }

    private static bool TryRead(string file, out int pid, out long incarnation)
    {
        pid = 0;
        incarnation = 0;
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (IOException)
        {
            return false; // replaced or removed meanwhile
        }

        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && long.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out incarnation)
            && incarnation != 0;
    }

    private static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            return System.IO.Directory.Exists(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}"));
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
