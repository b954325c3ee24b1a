namespace RdmaStack.Threading;

/// <summary>Reads the small kernel files (/proc, /sys) the detection classes parse.</summary>
internal static class SystemFiles
{
    /// <summary>The file's text, or null when it does not exist or cannot be read (e.g. in a container).</summary>
    public static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
