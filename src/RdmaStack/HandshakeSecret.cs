using System.Security.Cryptography;

namespace RdmaStack;

/// <summary>
/// The shared secret both sides of a link prove they hold before anything about their memory is exchanged (the
/// handshake's HMAC-SHA256 key). It comes from a file only its owner can read, from the environment, or, for two
/// processes of one host, is generated and handed over in the endpoint file. Never from a command line, where
/// every user of the host can read it.
/// </summary>
public sealed class HandshakeSecret
{
    /// <summary>The environment variable <see cref="FromEnvironment"/> reads by default.</summary>
    public const string EnvironmentVariable = "RDMASTACK_SECRET";

    /// <summary>The shortest secret accepted, in bytes.</summary>
    public const int MinLength = 16;

    private readonly byte[] _bytes;

    private HandshakeSecret(byte[] bytes, string source)
    {
        if (bytes.Length < MinLength)
        {
            throw new ArgumentException($"The handshake secret from {source} has {bytes.Length} bytes; it needs at least {MinLength} (e.g. `openssl rand -hex 32`).");
        }

        _bytes = bytes;
        Source = source;
    }

    /// <summary>Where the secret came from ("file /etc/rdmastack/secret", "environment RDMASTACK_SECRET", "generated"):
    /// for messages; never the secret itself.</summary>
    public string Source { get; }

    /// <summary>The key.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Reads the secret from <paramref name="path"/>: its bytes, less trailing white space, so that
    /// <c>openssl rand -hex 32 &gt; secret</c> makes a good one.</summary>
    /// <param name="path">The file; on Unix it must be readable and writable by its owner only (mode 0600 or 0400).</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ArgumentException">The file is readable by others (the message gives its mode and the
    /// chmod that fixes it), or the secret is shorter than <see cref="MinLength"/> bytes.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static HandshakeSecret FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows())
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & Others) != 0)
            {
                throw new ArgumentException(
                    $"The secret file {path} has mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}: other users can read it. Run `chmod 600 {path}`.", nameof(path));
            }
        }

        byte[] content = File.ReadAllBytes(path);
        int length = content.Length;
        while (length > 0 && content[length - 1] is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t')
        {
            length--;
        }

        return new HandshakeSecret(content[..length], $"file {path}");
    }

    /// <summary>Reads the secret from the environment variable <paramref name="variable"/> (its UTF-8 bytes).</summary>
    /// <param name="variable">The variable; <see cref="EnvironmentVariable"/> by default.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="ArgumentException">The variable is not set, or the secret is too short.</exception>
    public static HandshakeSecret FromEnvironment(string variable = EnvironmentVariable)
    {
        ArgumentException.ThrowIfNullOrEmpty(variable);
        string value = Environment.GetEnvironmentVariable(variable)
            ?? throw new ArgumentException($"The environment variable {variable} is not set: put the shared secret there (or use a secret file).", nameof(variable));
        return new HandshakeSecret(System.Text.Encoding.UTF8.GetBytes(value), $"environment {variable}");
    }

    /// <summary>A secret the caller already holds (copied).</summary>
    /// <param name="secret">At least <see cref="MinLength"/> bytes.</param>
    /// <returns>The secret.</returns>
    public static HandshakeSecret FromBytes(ReadOnlySpan<byte> secret) => new(secret.ToArray(), "bytes given by the application");

    /// <summary>A fresh random secret of 32 bytes (for two processes of one host, which hand it over in the endpoint
    /// file).</summary>
    /// <returns>The secret.</returns>
    public static HandshakeSecret Generate() => new(RandomNumberGenerator.GetBytes(32), "generated");

    /// <inheritdoc/>
    public override string ToString() => Source;
}
