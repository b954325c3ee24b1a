namespace RdmaStack.Cli.Ha;

/// <summary>
/// The commands a server or client process of the HA demo takes on its standard input, one per line, read on a
/// thread of their own ("stop", "stream", "drain"; the end of the input, when the demo is gone, reads as "stop").
/// </summary>
internal sealed class HaControl
{
    private readonly HashSet<string> _received = [];
    private readonly Lock _lock = new();

    private HaControl()
    {
    }

    /// <summary>Starts reading <paramref name="input"/>.</summary>
    public static HaControl Listen(TextReader input)
    {
        var control = new HaControl();
        var reader = new Thread(() =>
        {
            string? line;
            while ((line = input.ReadLine()) is not null)
            {
                control.Add(line.Trim());
            }

            control.Add("stop");
        })
        { IsBackground = true, Name = "ha control" };
        reader.Start();
        return control;
    }

    /// <summary>Whether <paramref name="command"/> (or "stop") has come.</summary>
    public bool Has(string command)
    {
        lock (_lock)
        {
            return _received.Contains(command) || _received.Contains("stop");
        }
    }

    private void Add(string command)
    {
        lock (_lock)
        {
            _received.Add(command);
        }
    }
}
