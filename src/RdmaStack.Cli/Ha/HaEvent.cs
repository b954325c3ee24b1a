using System.Globalization;
using System.Text;

namespace RdmaStack.Cli.Ha;

/// <summary>
/// One line a server or client process of the HA demo prints for the demo to follow it:
/// <c>EVENT name key=value ...</c>, with <see cref="Received"/> the Stopwatch time the demo read it.
/// </summary>
internal sealed record HaEvent(string Name, IReadOnlyDictionary<string, string> Fields, long Received)
{
    public const string Prefix = "EVENT ";

    /// <summary>The line for an event (values must not hold spaces).</summary>
    public static string Format(string name, params (string Key, object Value)[] fields)
    {
        var line = new StringBuilder(Prefix).Append(name);
        foreach ((string key, object value) in fields)
        {
            line.Append(' ').Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        return line.ToString();
    }

    /// <summary>Reads an event line; null for any other line.</summary>
    public static HaEvent? Parse(string line, long received)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        string[] parts = line[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, string>();
        foreach (string part in parts.Skip(1))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[part[..equals]] = part[(equals + 1)..];
            }
        }

        return new HaEvent(parts[0], fields, received);
    }

    public long Long(string key) => long.Parse(Fields[key], CultureInfo.InvariantCulture);

    public int Int(string key) => int.Parse(Fields[key], CultureInfo.InvariantCulture);
}
