namespace RdmaStack.Tests;

/// <summary>Where the handshake's secret may come from, and what is refused.</summary>
public sealed class HandshakeSecretTests
{
    [Fact]
    public void Reads_a_file_only_its_owner_can_read_less_trailing_white_space()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Unix file modes: not on this platform");
        string path = Path.Combine(Path.GetTempPath(), $"rdmastack-secret-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(path, "0123456789abcdef0123456789abcdef\n");
            SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            HandshakeSecret secret = HandshakeSecret.FromFile(path);
            Assert.Equal("0123456789abcdef0123456789abcdef"u8.ToArray(), secret.Bytes.ToArray());
            Assert.Equal($"file {path}", secret.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Refuses_a_file_other_users_can_read_and_says_how_to_fix_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Unix file modes: not on this platform");
        string path = Path.Combine(Path.GetTempPath(), $"rdmastack-secret-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(path, "0123456789abcdef0123456789abcdef");
            SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            ArgumentException e = Assert.Throws<ArgumentException>(() => HandshakeSecret.FromFile(path));
            Assert.Contains("mode 0644", e.Message, StringComparison.Ordinal);
            Assert.Contains($"chmod 600 {path}", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reads_the_environment_and_refuses_short_or_missing_secrets()
    {
        string name = "RDMASTACK_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8];
        Assert.Contains(name, Assert.Throws<ArgumentException>(() => HandshakeSecret.FromEnvironment(name)).Message, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(name, "too short");
        Assert.Contains("at least 16", Assert.Throws<ArgumentException>(() => HandshakeSecret.FromEnvironment(name)).Message, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(name, "a secret long enough for hmac");
        Assert.Equal($"environment {name}", HandshakeSecret.FromEnvironment(name).ToString());
        Environment.SetEnvironmentVariable(name, null);
        Assert.Equal(32, HandshakeSecret.Generate().Bytes.Length);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
